// The package as users get it. `exports` resolve, for each runtime's conditions, to the file
// meant for it (Deno and Bun match `node` too, so their keys must come first), and TypeScript
// gets Node's declarations only under `node`. The packed tarball (npm pack, from the dist/
// `npm test` built) ships no build-time script and no path of the machine that packed it, its
// source maps carry their sources, browser and Node projects type-check against it, require()
// explains that it is ESM only, and installing it runs no script.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTargets, pkg, resolveExport } from './helpers/exports.js';

const root = fileURLToPath(new URL('../', import.meta.url));
// './threads' is the browser's threaded kernels (an empty module elsewhere): checked on its own.
const subpaths = Object.keys(pkg.exports).filter((k) => k !== '.' && k !== './threads' && !k.endsWith('.wasm') && !k.endsWith('.json'));

// The conditions each one matches, in the order the runtime documents (resolution takes the
// first key of a conditions object that is among them).
const RUNTIMES = {
  node: ['node', 'import'],
  deno: ['deno', 'node', 'import'],
  bun: ['bun', 'node', 'import'],
  'a bundler for the browser (Vite)': ['browser', 'import', 'module', 'production'],
} as const;

describe('exports resolve to the file meant for each runtime', () => {
  const want = {
    node: ['./dist/descent.node.js', (s: string) => `./dist/descent.${s}.js`],
    deno: ['./dist/descent.esm.js', (s: string) => `./dist/descent.${s}.esm.js`],
    bun: ['./dist/descent.esm.js', (s: string) => `./dist/descent.${s}.esm.js`],
    'a bundler for the browser (Vite)': ['./dist/browser.js', (s: string) => `./dist/${s}.js`],
  } as const;
  it.each(Object.entries(RUNTIMES))('%s', (runtime, conditions) => {
    const [main, sub] = want[runtime as keyof typeof want];
    expect(resolveExport('.', conditions)).toBe(main);
    for (const s of subpaths) expect(resolveExport(s, conditions), s).toBe(sub(s.slice(2)));
    expect(resolveExport('./threads', conditions)).toBe(runtime.startsWith('a bundler') ? './dist/threads.js' : './dist/threads-node.js');
  });

  it('TypeScript: Node\'s declarations under `node` (node16/nodenext), runtime-neutral ones for a bundler or a browser', () => {
    expect(resolveExport('.', ['types', 'node', 'import'])).toBe('./dist/node.d.ts');
    expect(resolveExport('.', ['types', 'import'])).toBe('./dist/browser.d.ts');
    for (const s of subpaths) {
      expect(resolveExport(s, ['types', 'node', 'import']), s).toBe(`./dist/${s.slice(2)}.d.ts`);
      expect(resolveExport(s, ['types', 'import']), s).toBe(`./dist/${s.slice(2)}.d.ts`);
    }
  });

  it('every file they name exists (npm test builds dist/ first)', () => {
    const files = Object.values(pkg.exports).flatMap((t) => exportTargets(t).map((e) => e.file));
    expect(files.filter((f) => !existsSync(resolve(root, f)))).toEqual([]);
  });
});

describe('the packed tarball', () => {
  let dir: string;
  let files: string[];
  let unpacked: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'descent-pack-'));
    // --ignore-scripts: dist/ is built already, and prepack would build it again.
    const [info] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { filename: string; files: { path: string }[] }[];
    files = info.files.map((f) => f.path);
    unpacked = join(dir, 'unpacked');
    execFileSync('mkdir', ['-p', unpacked]);
    execFileSync('tar', ['-xzf', join(dir, info.filename), '-C', unpacked]);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ships no build-time script', () => {
    expect(files.filter((f) => f.startsWith('scripts/') || /build-node-entry/.test(f))).toEqual([]);
    expect(files).toContain('bin/descent.js');
  });

  it('holds no path of the machine that packed it, not even in the V8 code cache', () => {
    const texts = files.map((f) => [f, readFileSync(join(unpacked, 'package', f)).toString('latin1')] as const);
    expect(texts.filter(([, text]) => text.includes(root.replace(/\/$/, ''))).map(([f]) => f)).toEqual([]);
  });

  it('its source maps carry their sources (src/ is not shipped)', () => {
    const maps = files.filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const without = maps.filter((f) => {
      const m = JSON.parse(readFileSync(join(unpacked, 'package', f), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      return !m.sourcesContent || m.sourcesContent.length !== m.sources.length || m.sourcesContent.some((c) => typeof c !== 'string');
    });
    expect(without).toEqual([]);
  });

  const expectedSteps = () => (JSON.parse(readFileSync(join(root, 'test/runtime-runs/expected.json'), 'utf8')) as { steps: number[] }).steps;

  /** Opens `url` in Chromium and reads the losses a page leaves in `document.body.dataset[name]`, for each name; no page error allowed. */
  async function pageLosses(url: string, names: string[]): Promise<Record<string, number[]>> {
    const { chromium } = await import('playwright');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      const out: Record<string, number[]> = {};
      for (const name of names) {
        const text = await page.waitForFunction((n) => document.body.dataset[n], name, { timeout: 30_000 }).then((h) => h.jsonValue() as Promise<string>);
        out[name] = JSON.parse(text) as number[];
      }
      expect(errors).toEqual([]);
      return out;
    } finally {
      await browser.close();
    }
  }

  /** Runs tsc --strict on a consumer of the unpacked package; returns its output ('' when clean). */
  function compileConsumer(name: string, compilerOptions: Record<string, unknown>, code: string, typesNode: boolean, compiler: string): string {
    const app = join(dir, `${name}-${compiler}`);
    mkdirSync(join(app, 'node_modules/@types'), { recursive: true });
    symlinkSync(join(unpacked, 'package'), join(app, 'node_modules/descent'));
    if (typesNode) symlinkSync(join(root, 'node_modules/@types/node'), join(app, 'node_modules/@types/node'));
    writeFileSync(join(app, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [], skipLibCheck: false, target: 'ES2022', ...compilerOptions }, include: ['index.ts'] }));
    writeFileSync(join(app, 'index.ts'), code);
    try {
      execFileSync(process.execPath, [join(root, 'node_modules', compiler, 'bin/tsc'), '-p', app], { encoding: 'utf8' });
      return '';
    } catch (err) {
      return (err as { stdout: string }).stdout;
    }
  }
  // Every entry and subpath, and a call into each that shows its declarations were read.
  const consumer = (extra: string) => [
    `import { createNetwork, type NetworkSpec } from 'descent';`,
    ...subpaths.map((s, i) => `import * as sub${i} from 'descent/${s.slice(2)}';`),
    `const spec: NetworkSpec = { inputs: 2, layers: [{ units: 3 }], loss: 'mse' };`,
    `const net = await createNetwork(spec);`,
    `const bytes: Uint8Array = sub${subpaths.indexOf('./checkpoint')}.saveCheckpoint(net);`,
    `export const all = [bytes, ${subpaths.map((_, i) => `sub${i}`).join(', ')}];`,
    extra,
  ].join('\n');

  // The TypeScript users get today: 5.9 (the repository's) and 7 (devDependency typescript7).
  const COMPILERS = [['TypeScript 5.9', 'typescript'], ['TypeScript 7', 'typescript7']] as const;

  it.each(COMPILERS)('%s: type-checks in a browser project: strict, types: [], skipLibCheck: false, no @types/node', (_, compiler) => {
    expect(compileConsumer('browser-app', { lib: ['ES2022', 'DOM'], module: 'ESNext', moduleResolution: 'bundler' }, consumer(`export const worker: Worker | null = null;`), false, compiler)).toBe('');
  });

  it.each(COMPILERS)('%s: type-checks in a Node project (NodeNext): Node\'s types come with the Node entry', (_, compiler) => {
    expect(compileConsumer('node-app', { lib: ['ES2022', 'DOM'], module: 'NodeNext', moduleResolution: 'NodeNext' }, consumer(`import type { spawnWorker } from 'descent';\nexport type W = ReturnType<typeof spawnWorker>;`), true, compiler)).toBe('');
  });

  it('trains in a Node project that installed it: the example, with the losses Node gives from the repository', () => {
    const app = join(dir, 'node-consumer');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    symlinkSync(join(unpacked, 'package'), join(app, 'node_modules/descent'));
    writeFileSync(join(app, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(app, 'train.mjs'), readFileSync(join(root, 'examples/script/train.mjs')));
    const out = JSON.parse(execFileSync(process.execPath, ['train.mjs'], { cwd: app, encoding: 'utf8' })) as { entry: string; losses: number[] };
    expect(out.entry).toBe(`file://${join(unpacked, 'package/dist/descent.node.js')}`);
    expect(out.losses).toEqual((JSON.parse(readFileSync(join(root, 'test/runtime-runs/expected.json'), 'utf8')) as { steps: number[] }).steps);
  });

  // Debian's Chromium (never a download); CI requires it, as it requires the browser project.
  it.skipIf(!existsSync('/usr/bin/chromium') && !process.env.CI)('examples/vite-app, a fresh Vite 8 app that installed it, builds, ships the kernels, and trains in Chromium with Node\'s losses', async () => {
    const app = join(dir, 'vite-app');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    symlinkSync(join(unpacked, 'package'), join(app, 'node_modules/descent'));
    for (const f of ['package.json', 'index.html', 'main.js', 'vite.config.js']) copyFileSync(join(root, 'examples/vite-app', f), join(app, f));
    const vite = await import('vite');
    await vite.build({ root: app, logLevel: 'silent', configFile: join(app, 'vite.config.js') });
    // The three single-threaded builds (feature detection picks one at run time); the threaded
    // twins come only with `import 'descent/threads'`, which this app does not make.
    const assets = execFileSync('ls', [join(app, 'dist/assets')], { encoding: 'utf8' }).split('\n').filter((f) => f.endsWith('.wasm'));
    expect(assets.map((f) => f.replace(/-[\w]{8}\.wasm$/, '.wasm')).sort()).toEqual(['descent-relaxed.wasm', 'descent-scalar.wasm', 'descent.wasm']);
    const server = await vite.preview({ root: app, logLevel: 'silent', configFile: join(app, 'vite.config.js'), preview: { port: 0, host: '127.0.0.1' } });
    try {
      expect(await pageLosses(server.resolvedUrls!.local[0], ['losses'])).toEqual({ losses: expectedSteps() });
    } finally {
      await server.close();
    }
  }, 120_000);

  it.skipIf(!existsSync('/usr/bin/chromium') && !process.env.CI)('examples/static-page, served as plain files beside node_modules, trains on the page and in a module Worker with Node\'s losses', async () => {
    const app = join(dir, 'static-page');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    symlinkSync(join(unpacked, 'package'), join(app, 'node_modules/descent'));
    for (const f of ['index.html', 'worker.js']) copyFileSync(join(root, 'examples/static-page', f), join(app, f));
    // Any static server: this one sends .wasm as application/wasm, as the page's compileStreaming wants.
    const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
    const server = createServer((req, res) => {
      const file = join(app, decodeURIComponent(new URL(req.url!, 'http://x').pathname));
      if (!file.startsWith(app) || !existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    try {
      const { port } = server.address() as AddressInfo;
      const steps = expectedSteps();
      expect(await pageLosses(`http://127.0.0.1:${port}/index.html`, ['page', 'worker'])).toEqual({ page: steps, worker: steps });
    } finally {
      server.close();
    }
  }, 120_000);

  it('is ESM only, and require() says so with what to write instead', () => {
    const app = join(dir, 'cjs-app');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    symlinkSync(join(unpacked, 'package'), join(app, 'node_modules/descent'));
    const run = (code: string) => execFileSync(process.execPath, ['-e', code], { cwd: app, encoding: 'utf8' }).trim();
    for (const id of ['descent', ...subpaths.map((s) => `descent/${s.slice(2)}`)]) {
      expect(run(`try { require(${JSON.stringify(id)}); } catch (e) { console.log(e.code + ': ' + e.message); }`), id)
        .toMatch(/^ERR_DESCENT_ESM_ONLY: descent is an ES module and cannot be require\(\)d: .*await import\('descent'\)/);
    }
    // From CommonJS, a dynamic import works.
    expect(run(`import('descent').then((m) => console.log(typeof m.createNetwork))`)).toBe('function');
  });

  it('runs no script when installed (npm warns about install scripts)', () => {
    const shipped = JSON.parse(readFileSync(join(unpacked, 'package/package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(shipped.scripts[hook], hook).toBeUndefined();
  });
});
