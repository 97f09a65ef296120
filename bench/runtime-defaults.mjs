// Each runtime's default kernels on this machine: the build descent's default (`kernels: 'auto'`)
// picks in Node (plain, and with --experimental-wasm-relaxed-simd), Deno, Bun, workerd and
// Chromium, whether the runtime compiles the relaxed build, and the default's samples/s against
// `kernels: 'simd'` on the MLP at batch 32, by CPU time (bench/runtime-default-run.mjs does the
// work in each runtime; both builds train in the same process, in interleaved windows).
// Each runtime imports `descent` as a user's project would (node_modules/descent → this
// repository; the browser page imports dist/browser.js). Needs `npm run build`.
// Usage: node bench/runtime-defaults.mjs [--quick] [--json]. A runtime that is missing or fails
// gets a row saying why; the exit code is 1 if any failed.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from './format.mjs';
import { workerdAnswer } from '../scripts/workerd-answer.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = (name) => join(ROOT, 'node_modules/.bin', name);
const CHROMIUM = process.env.DESCENT_CHROMIUM || '/usr/bin/chromium';
const quick = process.argv.includes('--quick');
const asJson = process.argv.includes('--json');
const SETTINGS = quick ? { windows: 1, steps: 20 } : { windows: 9, steps: 300 };
const log = (s) => console.error(`bench runtime-defaults: ${s}`);

// The child for Node, Deno and Bun: CPU time of this process (user + system), the files through
// the package's exports, as a user's code would reach them.
const CHILD = `import { readFileSync } from 'node:fs';
import process from 'node:process';
import { createNetwork } from 'descent';
import { report } from './run.mjs';
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const r = await report({ createNetwork, bytes: async (f) => readFileSync(new URL(import.meta.resolve('descent/' + f))), clock: cpuMs, ...${JSON.stringify(SETTINGS)} });
console.log(JSON.stringify(r));
`;

// The Worker for workerd: no clock that advances while code runs, so the default and the
// compiles only; the files' bytes come as data modules.
const WORKER = `import { createNetwork } from 'descent';
import { report } from './run.mjs';
import simd from './simd.bin';
import relaxed from './relaxed.bin';
export default {
  async fetch() {
    try {
      return Response.json(await report({ createNetwork, bytes: async (f) => (f === 'descent.wasm' ? simd : relaxed) }));
    } catch (e) {
      return Response.json({ error: String(e && e.stack || e) });
    }
  },
};
`;

// The page for Chromium: the trainers live in the page, and the driver times each window by the
// renderer main thread's CPU time (the DevTools protocol's ThreadTime), a page having no CPU clock.
const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import { createNetwork } from '/dist/browser.js';
import { prepare } from '/bench/runtime-default-run.mjs';
window.prepared = prepare({ createNetwork, bytes: async (f) => (await fetch('/dist/' + f)).arrayBuffer() })
  .then((p) => (window.bench = p, { kernels: p.kernels, compiles: p.compiles, builds: p.builds }), (e) => ({ error: String(e && e.stack || e) }));
</script>`;

function version(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' } }).trim().split('\n')[0];
  } catch {
    return '?';
  }
}

function inChild(app, command, args) {
  const out = execFileSync(command, [...args, 'child.mjs'], { cwd: app, encoding: 'utf8', env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }, timeout: 300_000 });
  return JSON.parse(out.trim().split('\n').at(-1));
}

async function inWorkerd(app) {
  writeFileSync(join(app, 'worker.mjs'), WORKER);
  return workerdAnswer({ root: ROOT, workerd: BIN('workerd'), entry: join(app, 'worker.mjs'), out: join(app, 'workerd'), conditions: ['workerd', 'worker'] });
}

async function inChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install -y chromium)`);
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    const file = normalize(join(ROOT, path));
    if (!file.startsWith(ROOT) || !/^\/(dist|bench)\//.test(path) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
  const { chromium } = await import('playwright');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const r = await page.evaluate(() => window.prepared);
    if (r.error) return r;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable', { timeMode: 'threadTicks' });
    const threadMs = async () => 1000 * (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime').value;
    const { timeBuilds } = await import('./runtime-default-run.mjs');
    const speed = await timeBuilds(r.builds, async (b, n) => {
      const t0 = await threadMs();
      await page.evaluate(([b, n]) => window.bench.run(b, n), [b, n]);
      return (await threadMs()) - t0;
    }, SETTINGS);
    return { kernels: r.kernels, compiles: r.compiles, speed, version: `Chromium ${browser.version()}` };
  } finally {
    await browser.close();
    server.close();
  }
}

const app = mkdtempSync(join(tmpdir(), 'descent-runtime-defaults-'));
const rows = [];
let failed = false;
const load = { start: loadavg() };
try {
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(ROOT, join(app, 'node_modules/descent'));
  writeFileSync(join(app, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(app, 'child.mjs'), CHILD);
  copyFileSync(join(ROOT, 'bench/runtime-default-run.mjs'), join(app, 'run.mjs'));
  const runtimes = [
    ['Node', `Node ${process.version.slice(1)}`, () => inChild(app, process.execPath, [])],
    ['Node --experimental-wasm-relaxed-simd', `Node ${process.version.slice(1)} --experimental-wasm-relaxed-simd`, () => inChild(app, process.execPath, ['--experimental-wasm-relaxed-simd'])],
    ['Deno', `Deno ${version(BIN('deno'), ['--version']).split(' ')[1]}`, () => inChild(app, BIN('deno'), ['run', '--allow-read'])],
    ['Bun', `Bun ${version(BIN('bun'), ['--version'])}`, () => inChild(app, BIN('bun'), [])],
    ['workerd', version(BIN('workerd'), ['--version']), () => inWorkerd(app)],
    ['Chromium', 'Chromium', () => inChromium()],
  ];
  for (const [name, ver, run] of runtimes) {
    log(name);
    try {
      const r = await run();
      if (r.error) throw new Error(r.error);
      rows.push({ runtime: name, version: r.version ?? ver, ...r });
    } catch (e) {
      failed = true;
      rows.push({ runtime: name, version: ver, error: String(e.message ?? e).split('\n')[0] });
    }
  }
} finally {
  rmSync(app, { recursive: true, force: true });
}
load.end = loadavg();

if (asJson) {
  console.log(JSON.stringify({ settings: SETTINGS, loadAverage: load, rows }, null, 1));
} else {
  const k = (n) => `${(n / 1000).toFixed(1)}k`;
  console.log(table(['runtime', 'relaxed build compiles', 'default kernels', 'default, samples/s (median / best)', 'simd, samples/s', 'default / simd (median of rounds)'], rows.map((r) => {
    if (r.error) return [r.version, '', `error: ${r.error}`, '', '', ''];
    const s = r.speed;
    const d = s?.[r.kernels];
    return [r.version, r.compiles.relaxed ? 'yes' : 'no', r.kernels,
      d ? `${k(d.median)} / ${k(d.best)}` : 'not timed',
      s ? `${k(s.simd.median)} / ${k(s.simd.best)}` : '',
      s ? `${s.ratio.toFixed(2)}×` : ''];
  })));
  console.log(`\n784-256-128-10 ReLU MLP, Adam, batch 32, one thread; ${SETTINGS.windows} interleaved windows of ${SETTINGS.steps} steps per build after a warm-up round; CPU time (the process's in Node, Deno and Bun, the renderer main thread's in Chromium), none in workerd (its clock stands still while code runs). Load average ${load.start.map((x) => x.toFixed(2)).join(' ')} at start, ${load.end.map((x) => x.toFixed(2)).join(' ')} at end.`);
}
process.exitCode = failed ? 1 : 0;
