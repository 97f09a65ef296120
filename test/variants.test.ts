// Kernel variants (src/variants.ts): the selection rules with an injected validate, the
// builds being what their names say, the entries loading the variant they report, and the
// variants agreeing on a training run. Runs in every project (vitest.config.ts), so the
// real engine is Node 20 plain (default), with relaxed SIMD (relaxed) and without SIMD (scalar).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { Network } from '../src/network.js';
import type { KernelsOption, KernelVariant, NetworkSpec } from '../src/types.js';
import { KERNEL_VARIANTS } from '../src/names.js';
import { RELAXED_SIMD_PROBE, SIMD_PROBE, kernelSupport, selectKernels, type Validate } from '../src/wasm/variants.js';
import { xorData } from './helpers/network.js';
import { loadTestModule, loadThreadsModule, testKernels, testModuleFile } from './helpers/wasm.js';

type Entry = typeof import('../src/node.js');

const root = fileURLToPath(new URL('../', import.meta.url));
const node20 = process.versions.node.startsWith('20.');
/**
 * What `auto` must pick on this project's engine: its own variant, but for the default project
 * on an engine with relaxed SIMD built in (Node ≥ 22), where the real relaxed build validating
 * (checked below against the probes) makes it relaxed.
 */
const defaultWant: KernelVariant = testKernels === 'simd' && WebAssembly.validate(readFileSync(fileURLToPath(new URL('../dist/descent-relaxed.wasm', import.meta.url)))) ? 'relaxed' : testKernels;
const spec: NetworkSpec = { inputs: 2, layers: [{ units: 8, activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy', init: 'xavier_uniform', seed: 3 };

/** Throws what `fn` throws (sync or async), or fails. */
async function thrown(fn: () => unknown): Promise<Error & { path?: string; value?: unknown }> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

const same = (a: BufferSource, b: Uint8Array) => {
  const u = ArrayBuffer.isView(a) ? new Uint8Array(a.buffer, a.byteOffset, a.byteLength) : new Uint8Array(a);
  return u.length === b.length && u.every((v, i) => v === b[i]);
};
/** Engines: no SIMD, SIMD without relaxed SIMD, both. */
const engines: Record<'none' | 'simdOnly' | 'both', Validate> = {
  none: () => false,
  simdOnly: (bytes) => same(bytes, SIMD_PROBE),
  both: () => true,
};

describe('selection rules (injected WebAssembly.validate)', () => {
  // Every option on every kind of engine: the fastest build that validates, or the one forced
  // (the combinations left out are the errors below).
  it.each([
    ['auto', 'none', 'scalar'], ['auto', 'simdOnly', 'simd'], ['auto', 'both', 'relaxed'],
    ['fastest', 'none', 'scalar'], ['fastest', 'simdOnly', 'simd'], ['fastest', 'both', 'relaxed'],
    ['scalar', 'none', 'scalar'], ['scalar', 'simdOnly', 'scalar'], ['scalar', 'both', 'scalar'],
    ['simd', 'simdOnly', 'simd'], ['simd', 'both', 'simd'],
    ['relaxed', 'both', 'relaxed'],
  ] as const)('%s on an engine with %s → %s', (kernels, engine, want) => {
    expect(selectKernels(kernels, engines[engine])).toBe(want);
  });

  it('defaults to auto', () => {
    expect(selectKernels(undefined, engines.none)).toBe('scalar');
    expect(selectKernels(undefined, engines.simdOnly)).toBe('simd');
    expect(selectKernels(undefined, engines.both)).toBe('relaxed');
  });

  it('an engine that validates the relaxed probe but not the SIMD one gets scalar (relaxed SIMD is an extension of SIMD)', () => {
    const relaxedOnly: Validate = (bytes) => same(bytes, RELAXED_SIMD_PROBE);
    expect(kernelSupport(relaxedOnly)).toEqual({ simd: false, relaxed: false });
    expect(selectKernels('auto', relaxedOnly)).toBe('scalar');
  });

  it('asks for relaxed SIMD only where SIMD validates, and only with the probes', () => {
    const seen: string[] = [];
    const spy: Validate = (bytes) => {
      seen.push(same(bytes, SIMD_PROBE) ? 'simd' : same(bytes, RELAXED_SIMD_PROBE) ? 'relaxed' : 'other');
      return false;
    };
    expect(kernelSupport(spy)).toEqual({ simd: false, relaxed: false });
    expect(seen).toEqual(['simd']);
    seen.length = 0;
    expect(kernelSupport((b) => (spy(b), true))).toEqual({ simd: true, relaxed: true });
    expect(seen).toEqual(['simd', 'relaxed']);
  });

  it.each([
    ['simd', 'none', /this WebAssembly engine has no SIMD .*'auto'/],
    ['relaxed', 'none', /no SIMD at all.*--experimental-wasm-relaxed-simd/],
    ['relaxed', 'simdOnly', /no relaxed SIMD \(WebAssembly\.validate rejects an f32x4\.relaxed_madd probe\).*node --experimental-wasm-relaxed-simd.*never sets engine flags.*use 'auto' to fall back/],
  ] as const)('forcing %s on an engine with %s is a ConfigError naming options.kernels and saying why', async (kernels, engine, why) => {
    const err = await thrown(() => selectKernels(kernels, engines[engine]));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.path).toBe('options.kernels');
    expect(err.value).toBe(kernels);
    expect(err.message).toMatch(/^options\.kernels is '(simd|relaxed)'/);
    expect(err.message).toMatch(why);
  });

  it.each(['fast', 'SIMD', '', 1, null])('rejects kernels %j naming options.kernels', async (bad) => {
    const err = await thrown(() => selectKernels(bad as KernelsOption, engines.both));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.path).toBe('options.kernels');
    expect(err.message).toMatch(/options\.kernels must be one of auto, fastest, scalar, simd, relaxed/);
  });
});

describe(`this engine (project ${testKernels})`, () => {
  const support = kernelSupport();

  it('the probes see what the project configured', () => {
    if (testKernels === 'scalar') expect(support).toEqual({ simd: false, relaxed: false });
    if (testKernels === 'relaxed') expect(support).toEqual({ simd: true, relaxed: true });
    if (testKernels === 'simd') {
      expect(support.simd).toBe(true);
      if (node20) expect(support.relaxed).toBe(false); // Node 20 has relaxed SIMD only behind a flag
    }
  });

  // The project's engine is what its name says (Node 20 plain has no relaxed SIMD): auto picks that variant.
  it(`auto, and fastest (its older name), pick ${defaultWant}`, () => {
    expect(selectKernels('auto')).toBe(defaultWant);
    expect(selectKernels()).toBe(defaultWant);
    expect(selectKernels('fastest')).toBe(defaultWant);
  });

  it('the probe verdicts agree with compiling the real builds', () => {
    const valid = (v: KernelVariant) => WebAssembly.validate(readFileSync(new URL(testModuleFile('release', v), pathToFileURL(root + '/'))));
    expect(valid('scalar')).toBe(true);
    expect(valid('simd')).toBe(support.simd);
    if (support.relaxed) expect(valid('relaxed')).toBe(true);
  });

  it("this project's tests run on its own variant", () => {
    expect(testModuleFile()).toBe({ simd: 'dist/descent.wasm', relaxed: 'dist/descent-relaxed.wasm', scalar: 'dist/descent-scalar.wasm' }[testKernels]);
  });
});

describe('the builds are what their names say', () => {
  const files = ['dist/descent-scalar.wasm', 'build/descent-scalar.debug.wasm', 'dist/descent.wasm', 'build/descent.debug.wasm', 'dist/descent-relaxed.wasm', 'build/descent-relaxed.debug.wasm'];
  /** WebAssembly.validate of every file in a fresh `node ...flags`. */
  const validIn = (flags: string[]) => {
    const script = `const fs = require('fs'); console.log(JSON.stringify(${JSON.stringify(files)}.map((f) => WebAssembly.validate(fs.readFileSync(f)))))`;
    const r = spawnSync(process.execPath, [...flags, '-e', script], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as boolean[];
  };

  it('without SIMD (node --no-enable-sse4-1) only the scalar builds validate', () => {
    expect(validIn(['--no-enable-sse4-1'])).toEqual([true, true, false, false, false, false]);
  });
  it.runIf(node20)('Node 20 without flags rejects the relaxed builds (they use relaxed-SIMD instructions)', () => {
    expect(validIn([])).toEqual([true, true, true, true, false, false]);
  });
  it('with --experimental-wasm-relaxed-simd every build validates', () => {
    expect(validIn(['--experimental-wasm-relaxed-simd'])).toEqual([true, true, true, true, true, true]);
  });
  it('every variant exports the same kernels', () => {
    const names = (v: KernelVariant) => WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(`${root}/${testModuleFile('release', v)}`))).map((e) => `${e.kind} ${e.name}`);
    const available = KERNEL_VARIANTS.filter((v) => v === 'scalar' || kernelSupport()[v === 'simd' ? 'simd' : 'relaxed']);
    for (const v of available) expect(names(v)).toEqual(names('scalar'));
  });
});

/** Final parameters and epoch losses of a short seeded run (mini-batch SGD with momentum, then Adam). */
function train(net: Network): { params: number[]; losses: number[] } {
  const { x, y } = xorData(96, 5);
  const a = net.fitSync(x, y, { optimizer: { type: 'sgd', lr: 0.2, momentum: 0.9 }, batchSize: 16, epochs: 8, seed: 2 });
  const b = net.fitSync(x, y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 32, epochs: 4, seed: 3 });
  return {
    params: net.getParameters().flatMap((l) => [...l.weight, ...l.bias]),
    losses: [...a.epochs, ...b.epochs].map((e) => e.loss),
  };
}

const available = (v: KernelVariant) => v === 'scalar' || (v === 'simd' ? kernelSupport().simd : kernelSupport().relaxed);

describe('every variant trains to the same result', () => {
  const reference = () => train(Network.create(spec, loadTestModule('release', 'scalar'), { kernels: 'scalar' }));

  // Summation order (lanes) and fused multiply-adds differ between the variants: measured
  // |Δparameter| ≲ 6e-7 here, so the bounds leave room for reordered kernels, not for bugs.
  it.for(KERNEL_VARIANTS.filter((v) => v !== 'scalar'))('%s matches scalar within f32 tolerance', (v, ctx) => {
    if (!available(v)) return ctx.skip(`${v} kernels do not validate on this engine`);
    const want = reference();
    const got = train(Network.create(spec, loadTestModule('release', v), { kernels: v }));
    got.params.forEach((p, i) => expect(Math.abs(p - want.params[i]), `parameter ${i}`).toBeLessThanOrEqual(2e-5 + 1e-4 * Math.abs(want.params[i])));
    got.losses.forEach((l, i) => expect(Math.abs(l - want.losses[i]), `epoch ${i}`).toBeLessThanOrEqual(1e-6 + 1e-5 * want.losses[i]));
    expect(want.losses.at(-1)).toBeLessThan(want.losses[0] * 0.8); // it did learn
  });

  it.for(KERNEL_VARIANTS)('%s: the debug build (asserts on) gives the release result', (v, ctx) => {
    if (!available(v)) return ctx.skip(`${v} kernels do not validate on this engine`);
    const release = train(Network.create(spec, loadTestModule('release', v), { kernels: v }));
    const debug = train(Network.create(spec, loadTestModule('debug', v), { kernels: v }));
    debug.params.forEach((p, i) => expect(Math.abs(p - release.params[i]), `parameter ${i}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(release.params[i])));
  });
});

describe('Network.create reports the variant it was given', () => {
  it('defaults to simd (descent.wasm) and reports it in summary()', () => {
    const net = Network.create(spec, loadTestModule());
    expect(net.kernels).toBe('simd');
    expect(net.summary().kernels).toBe('simd');
  });
  it.each(KERNEL_VARIANTS)('{ kernels: %s }', (v) => {
    const net = Network.create(spec, loadTestModule(), { kernels: v });
    expect(net.kernels).toBe(v);
    expect(net.summary().kernels).toBe(v);
  });
  it.each([
    [{ kernels: 'auto' }, 'options.kernels', /'auto' picks a file to load/],
    [{ kernels: 'fastest' }, 'options.kernels', /must be one of scalar, simd, relaxed/],
    [{ kernels: 'avx' }, 'options.kernels', /got "avx"/],
    [{ kernel: 'simd' }, 'options.kernel', /not a Network\.create option/],
    ['simd', 'options', /must be \{ kernels, threads, spawnWorker \}/],
  ])('rejects %j naming %s', async (options, path, message) => {
    const err = await thrown(() => Network.create(spec, loadTestModule(), options as never));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.path).toBe(path);
    expect(err.message).toContain(path);
    expect(err.message).toMatch(message);
  });
});

describe.each(['node', 'browser'] as const)('the %s entry (dist/)', (name) => {
  let entry: Entry;
  const fetched: string[] = [];
  beforeAll(async () => {
    if (name === 'browser') {
      // Node cannot fetch file: URLs; serve dist/ the way a web server would.
      vi.stubGlobal('fetch', async (url: URL) => {
        fetched.push(String(url).slice(String(url).lastIndexOf('/') + 1));
        return new Response(readFileSync(url), { headers: { 'content-type': 'application/wasm' } });
      });
    }
    entry = (await import(pathToFileURL(`${root}/dist/${name}.js`).href)) as Entry;
  });
  afterEach(() => {
    if (name === 'browser') fetched.length = 0;
  });

  const autoWant = defaultWant;
  it(`auto (the default) runs on ${autoWant}, end to end`, async () => {
    const net = await entry.createNetwork(spec);
    expect(net.kernels).toBe(autoWant);
    expect(net.summary().kernels).toBe(autoWant);
    // The module the entry loaded is that variant's file: the same run, bit for bit.
    expect(train(net)).toEqual(train(Network.create(spec, loadTestModule('release', autoWant), { kernels: autoWant })));
  });

  it('fastest, the older name of auto, runs on what auto runs on', async () => {
    const net = await entry.createNetwork(spec, { kernels: 'fastest' });
    expect(net.kernels).toBe(autoWant);
    expect(await entry.loadModule('fastest')).toBe(await entry.loadModule());
    net.fitSync([[0, 1]], [1], { optimizer: { type: 'sgd', lr: 0.1 } });
  });

  it(`threads: 2 with the default kernels runs ${autoWant}'s threaded twin`, async () => {
    const net = await entry.createNetwork(spec, { threads: 2, onWarning: () => {} });
    expect(net.kernels).toBe(autoWant);
    // Bit for bit the run of that twin loaded by hand (the browser entry has no Worker in Node,
    // so there: of that variant on one thread); the twins of other variants round otherwise.
    const reference = name === 'node'
      ? Network.create(spec, loadThreadsModule(autoWant), { kernels: autoWant, threads: 2, spawnWorker: entry.spawnWorker })
      : Network.create(spec, loadTestModule('release', autoWant), { kernels: autoWant });
    await reference.ready();
    expect(net.threads).toBe(reference.threads);
    expect(train(net)).toEqual(train(reference));
    net.dispose();
    reference.dispose();
  });

  it.each(KERNEL_VARIANTS)('forcing %s loads it where available, else is a ConfigError naming kernels', async (v) => {
    if (available(v)) {
      const net = await entry.createNetwork(spec, { kernels: v });
      expect(net.kernels).toBe(v);
      expect(train(net)).toEqual(train(Network.create(spec, loadTestModule('release', v), { kernels: v })));
    } else {
      const err = await thrown(() => entry.createNetwork(spec, { kernels: v }));
      expect(err).toBeInstanceOf(entry.ConfigError);
      expect(err.path).toBe('options.kernels');
      expect(err.message).toMatch(/options\.kernels is '(simd|relaxed)', but this WebAssembly engine has no/);
      if (v === 'relaxed') expect(err.message).toContain('--experimental-wasm-relaxed-simd');
      await expect(entry.loadModule(v)).rejects.toBeInstanceOf(entry.ConfigError);
    }
  });

  it.each(KERNEL_VARIANTS.filter(available))('threads: 2 with kernels %s runs that variant\'s threaded twin', async (v) => {
    const warnings: string[] = [];
    const net = await entry.createNetwork(spec, { kernels: v, threads: 2, onWarning: (m) => warnings.push(m) });
    expect(net.kernels).toBe(v);
    if (name === 'node') {
      expect([net.threads, warnings]).toEqual([2, []]);
    } else {
      // Node has no Worker global: the browser entry trains on one thread and says why.
      expect(net.threads).toBe(1);
      expect(warnings).toEqual([expect.stringMatching(/threads: 2 is not available here \(this runtime has no Worker\); training on 1 thread/)]);
    }
    const got = train(net);
    const want = train(Network.create(spec, loadTestModule('release', v), { kernels: v }));
    got.params.forEach((p, i) => expect(Math.abs(p - want.params[i])).toBeLessThan(1e-5 + 1e-4 * Math.abs(want.params[i])));
    net.dispose();
  });

  it('loadModule compiles each variant once and shares it', async () => {
    expect(await entry.loadModule()).toBe(await entry.loadModule(autoWant));
    expect(await entry.loadModule('scalar')).toBe(await entry.loadModule('scalar'));
  });

  it('a module the caller brings is the variant the caller names (default simd)', async () => {
    const module = loadTestModule('release', 'scalar');
    expect((await entry.createNetwork(spec, { module, kernels: 'scalar' })).kernels).toBe('scalar');
    expect((await entry.createNetwork(spec, { module: loadTestModule() })).kernels).toBe('simd');
    const err = await thrown(() => entry.createNetwork(spec, { module, kernels: 'auto' }));
    expect(err).toBeInstanceOf(entry.ConfigError);
    expect(err.path).toBe('options.kernels');
    const extra = await thrown(() => entry.createNetwork(spec, { kernel: 'simd' } as never));
    expect(extra).toBeInstanceOf(entry.ConfigError);
    expect(extra.path).toBe('options.kernel');
  });

  if (name === 'browser') {
    it('fetches the file of the variant it selects', async () => {
      vi.resetModules();
      const fresh = (await import(`${pathToFileURL(`${root}/dist/browser.js`).href}?fresh`)) as Entry;
      await fresh.loadModule('scalar');
      await fresh.loadModule();
      await fresh.loadModule('auto');
      expect(fetched).toEqual(autoWant === 'scalar' ? ['descent-scalar.wasm'] : ['descent-scalar.wasm', { simd: 'descent.wasm', relaxed: 'descent-relaxed.wasm' }[autoWant]]);
    });
  }
});
