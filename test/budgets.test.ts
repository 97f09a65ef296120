// Size budgets, measured deterministically on the built dist/ (npm test builds it first):
// every shipped .wasm ≤ 32 KB gzip -9 (20 KB until the layer kinds beyond dense, whose kernels —
// convolution, pooling, dropout, batch and layer norm, each matched to ATen's arithmetic — take
// about 10 KB; tfjs-backend-wasm's SIMD build is 137 KB), each library entry's whole import graph
// (dist/node.js, dist/browser.js; never the CLI or the demo), bundled and minified by
// esbuild, ≤ 36 KB gzip -9, and each subpath export (heavier, optional parts) ≤ its own
// budget. 1 KB = 1000 bytes. The sizes are in the test names. The entry budget was 25 KB until
// snapshots and resume — of fits and trainers, with the diagnostics' state (about 3 KB gzip,
// December 2026): continuing a run is part of training, so it cannot live in a subpath as
// checkpoint files do. It was 28.5 KB until the layer kinds beyond dense (conv2d, pooling,
// flatten, dropout, batch and layer norm, activation layers: 2.7 KB gzip, December 2026) and
// their state and shapes on the network (getState/setState, a summary per kind: 0.6 KB): a
// network's layers are what createNetwork builds, so they cannot live in a subpath either.
// It was 34 KB until the threads shared the gradient sum and the optimizer update (each
// thread its slice, waits that spin before they sleep: 1.4 KB gzip, December 2026, issue 16),
// which ThreadPool needs wherever createNetwork is asked for threads.
import { readdirSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const WASM_BUDGET = 32_000;
const ENTRY_BUDGET = 36_000;
/** Subpath exports and their budgets (gzip -9 of the subpath's own code, the main entry's modules left out). */
const SUBPATHS = [
  { name: 'schedules', file: 'schedules.js', own: ['optim/schedule.js', 'optim/schedulers.js'], budget: 8_000 },
  { name: 'data', file: 'data.js', own: ['data/preprocess.js', 'data/datasets.js'], budget: 5_000 },
  { name: 'replay', file: 'replay.js', own: ['train/replay.js'], budget: 12_000 },
  { name: 'surfaces', file: 'surfaces.js', own: ['lab/surfaces.js'], budget: 5_000 },
  { name: 'diagnostics', file: 'diagnostics.js', own: ['diagnostics/histograms.js', 'diagnostics/csv.js'], budget: 3_000 },
  { name: 'race', file: 'race.js', own: ['lab/race.js'], budget: 2_000 },
  { name: 'lr-finder', file: 'lr-finder.js', own: ['lab/lr-finder.js'], budget: 3_000 },
  { name: 'threads', file: 'threads.js', own: ['threads.js'], budget: 1_000 },
  // 9 KB since checkpoints carry a run's snapshot (training.js) and gained their storage helpers (files, Blob, download, IndexedDB).
  { name: 'checkpoint', file: 'checkpoint.js', own: ['checkpoint/checkpoint.js', 'checkpoint/safetensors.js', 'checkpoint/crc32.js', 'checkpoint/onnx.js', 'checkpoint/protobuf.js', 'checkpoint/training.js', 'checkpoint/files.js', 'checkpoint/browser-storage.js'], budget: 9_000 },
];

const gzip9 = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }).length;
const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;

const wasm = readdirSync(dist).filter((f) => f.endsWith('.wasm')).sort()
  .map((file) => {
    const bytes = readFileSync(dist + file);
    return { file, raw: bytes.length, gz: gzip9(bytes) };
  });

describe('wasm budget: each dist/*.wasm ≤ 32 KB gzip -9', () => {
  it('ships the three kernel variants', () => {
    expect(wasm.map((w) => w.file)).toEqual(expect.arrayContaining(['descent.wasm', 'descent-relaxed.wasm', 'descent-scalar.wasm']));
  });
  it.each(wasm.map((w) => [`dist/${w.file}: ${kb(w.gz)} gzip -9 (${kb(w.raw)} raw)`, w] as const))('%s', (_, w) => {
    expect(w.gz).toBeLessThanOrEqual(WASM_BUDGET);
  });
});

const entries = await Promise.all((['node', 'browser'] as const).map(async (platform) => {
  const result = await build({
    entryPoints: [`${dist}${platform}.js`],
    bundle: true,
    minify: true,
    format: 'esm',
    platform,
    external: ['node:*'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const js = result.outputFiles[0].contents;
  return { platform, raw: js.length, gz: gzip9(js), inputs: Object.keys(result.metafile.inputs), text: result.outputFiles[0].text };
}));

describe('JS budget: each library entry, bundled and minified by esbuild, ≤ 36 KB gzip -9', () => {
  it.each(entries.map((e) => [`dist/${e.platform}.js bundle: ${kb(e.gz)} gzip -9 (${kb(e.raw)} minified)`, e] as const))('%s', (_, e) => {
    expect(e.gz).toBeLessThanOrEqual(ENTRY_BUDGET);
  });
  it.each(entries.map((e) => [e.platform, e] as const))('the %s bundle is the library only: no CLI, no demo, no CLI dependencies', (_, e) => {
    expect(e.inputs.length).toBeGreaterThan(5);
    expect(e.inputs.filter((f) => /(^|\/)(cli|demo|bin)\/|commander|cli-progress|mnist/.test(f))).toEqual([]);
  });
  it.each(entries.map((e) => [e.platform, e] as const))('the %s bundle leaves the subpath exports and their modules out', (_, e) => {
    const files = e.inputs.map((f) => f.replace(/^.*dist\//, ''));
    expect(files.filter((f) => SUBPATHS.some((sp) => f === sp.file || sp.own.includes(f)))).toEqual([]);
  });
  it('the browser bundle imports nothing (no node: builtins)', () => {
    const browser = entries.find((e) => e.platform === 'browser')!;
    expect(browser.text).not.toMatch(/from\s*["']node:|import\(["']node:/);
  });
});

const subpaths = await Promise.all(SUBPATHS.map(async (sp) => {
  // What the subpath adds on top of the main entry: the modules both import are the main entry's.
  const main = entries.find((e) => e.platform === 'browser')!.inputs.map((f) => f.replace(/^.*dist\//, ''));
  const result = await build({
    entryPoints: [`${dist}${sp.file}`],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
    metafile: true,
    plugins: [{
      name: 'main-entry-external',
      setup(b) {
        b.onResolve({ filter: /^\.\.?\// }, (args) => {
          const file = relative(dist, resolve(args.resolveDir, args.path));
          return main.includes(file) ? { path: args.path, external: true } : undefined;
        });
      },
    }],
  });
  const js = result.outputFiles[0].contents;
  const inputs = Object.keys(result.metafile!.inputs).map((f) => f.replace(/^.*dist\//, ''));
  return { ...sp, raw: js.length, gz: gzip9(js), inputs };
}));

describe('subpath budgets: each subpath export, minified, over what the main entry already has', () => {
  it.each(subpaths.map((sp) => [sp.name, sp] as const))('descent/%s bundles its own modules', (_, sp) => {
    expect(sp.inputs).toEqual(expect.arrayContaining(sp.own));
  });
  it.each(subpaths.map((sp) => [`descent/${sp.name}: ${kb(sp.gz)} gzip -9 (${kb(sp.raw)} minified), budget ${kb(sp.budget)}`, sp] as const))('%s', (_, sp) => {
    expect(sp.gz).toBeLessThanOrEqual(sp.budget);
  });
});
