// The examples, run as users run them: examples/script/train.mjs in Node, Deno and Bun, each
// importing `descent` from a project's node_modules, and examples/cloudflare-worker in workerd
// (bundled with the `workerd` condition, as wrangler bundles it). Each must load the file
// package.json's exports mean for it, and every loss must be bit-identical to Node's (JSON
// keeps a double exactly): the examples pin kernels: 'simd', the build that rounds alike on
// every engine and CPU. Then the same run on each runtime's default kernels: relaxed SIMD
// wherever the runtime compiles the relaxed build, within f32 rounding of the simd run.
// Deno, Bun and workerd come from npm (devDependencies).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundingBound, stepLosses, threadedLosses, type RuntimeLosses } from './runtime-runs/runs.js';
import { workerdAnswer } from '../scripts/workerd-answer.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = (name: string) => join(root, 'node_modules/.bin', name);
let app: string;

interface Run { entry: string; losses: number[] }

function run<T = Run>(command: string, args: readonly string[], script = 'train.mjs'): T {
  const out = execFileSync(command, [...args, script], { cwd: app, encoding: 'utf8', env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }, timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'descent-runtimes-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(root, join(app, 'node_modules/descent'));
  writeFileSync(join(app, 'package.json'), '{ "type": "module" }\n');
  for (const f of ['train.mjs', 'threads.mjs']) copyFileSync(join(root, 'examples/script', f), join(app, f));
  for (const f of ['default-kernels.mjs', 'default-run.mjs']) copyFileSync(join(root, 'test/runtime-runs', f), join(app, f));
});
afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

// The runs every runtime repeats (test/runtime-runs/), as Node gives them from the built
// package: the browser tests hold Chromium to this file. UPDATE_RUNTIME_LOSSES=1 rewrites it,
// for a change that moves the kernels' results (the commit says why).
const expectedFile = join(root, 'test/runtime-runs/expected.json');

describe('Node gives the runs the other runtimes are held to', () => {
  it('test/runtime-runs/expected.json', async () => {
    const { createNetwork } = await import('../dist/node.js');
    const { spiral } = await import('../dist/data.js');
    const got: RuntimeLosses = { steps: await stepLosses(createNetwork, spiral), threaded: await threadedLosses(createNetwork, spiral) };
    if (process.env.UPDATE_RUNTIME_LOSSES) writeFileSync(expectedFile, JSON.stringify(got, null, 1) + '\n');
    expect(got).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));
  });
});

describe('2 threads in every server runtime that has them (worker_threads in Node, Deno and Bun)', () => {
  const expectedThreaded = () => (JSON.parse(readFileSync(expectedFile, 'utf8')) as RuntimeLosses).threaded;
  it.each([
    ['Node', process.execPath, []],
    ['Deno', bin('deno'), ['run', '--allow-read']],
    ['Bun', bin('bun'), []],
  ] as const)('%s: examples/script/threads.mjs trains on 2 threads with the expected losses, bit for bit', (_, command, args) => {
    const out = run<{ threads: number; losses: number[] }>(command, args, 'threads.mjs');
    expect(out.threads).toBe(2);
    expect(out.losses).toEqual(expectedThreaded());
  });
});

describe('one training run in every server runtime', () => {
  let node: Run;
  beforeAll(() => {
    node = run(process.execPath, []);
  });

  it('Node loads the Node entry and trains: the example is the run the browsers are held to', () => {
    expect(node.entry).toMatch(/\/dist\/descent\.node\.js$/);
    expect(node.losses).toEqual((JSON.parse(readFileSync(expectedFile, 'utf8')) as RuntimeLosses).steps);
    expect(node.losses).toHaveLength(60);
    expect(new Set(node.losses).size).toBeGreaterThan(50);
    expect(node.losses.at(-1)!).toBeLessThan(node.losses[0]);
  });

  it('Deno (with --allow-read, which it needs to read the kernels) loads the plain ESM bundle; the losses are Node\'s, bit for bit', () => {
    const deno = run(bin('deno'), ['run', '--allow-read']);
    expect(deno.entry).toMatch(/\/dist\/descent\.esm\.js$/);
    expect(deno.losses).toEqual(node.losses);
  });

  it('Bun loads the plain ESM bundle; the losses are Node\'s, bit for bit', () => {
    const bun = run(bin('bun'), []);
    expect(bun.entry).toMatch(/\/dist\/descent\.esm\.js$/);
    expect(bun.losses).toEqual(node.losses);
  });

  it('workerd: a Worker bundled with the workerd condition imports the kernels as modules and trains; the losses are Node\'s, bit for bit', async () => {
    const answer = await inWorkerd('workerd-entry', ['workerd', 'worker']);
    expect(answer.error).toBeUndefined();
    expect(answer.losses).toEqual(node.losses);
  });

  it('workerd: the browser entry, which cannot fetch its kernels there, says what to do instead of a bare TypeError', async () => {
    const answer = await inWorkerd('browser-entry', ['worker']);
    expect(answer.error?.name).toBe('StateError');
    expect(answer.error?.message).toMatch(/^descent could not load its kernels.*: pass createNetwork a compiled descent \.wasm as \{ module \}, or, in a Cloudflare Worker, import 'descent' through a bundler that uses the "workerd" condition/);
  });
});

interface DefaultRun { kernels: string; compiles: { simd: boolean; relaxed: boolean }; losses: number[]; error?: unknown }

describe('each runtime\'s default kernels: relaxed SIMD wherever the runtime compiles the relaxed build', () => {
  const expectedSteps = () => (JSON.parse(readFileSync(expectedFile, 'utf8')) as RuntimeLosses).steps;
  /**
   * The default picked the fastest build this runtime compiles (its own WebAssembly.validate on
   * the shipped files, not descent's probes), and its run is the simd run's: bit for bit on
   * simd, within f32 rounding on relaxed. The pick goes into the report as an annotation.
   */
  async function check(runtime: string, got: DefaultRun, annotate: (message: string) => Promise<unknown>): Promise<void> {
    expect(got.error).toBeUndefined();
    const want = expectedSteps();
    const same = JSON.stringify(got.losses) === JSON.stringify(want);
    await annotate(`${runtime}: default kernels ${got.kernels} (relaxed build compiles: ${got.compiles.relaxed}; losses ${same ? 'equal to' : 'within f32 rounding of'} the simd run's)`);
    expect(got.kernels).toBe(got.compiles.relaxed ? 'relaxed' : got.compiles.simd ? 'simd' : 'scalar');
    if (got.kernels === 'simd') expect(got.losses).toEqual(want);
    expect(got.losses).toHaveLength(want.length);
    got.losses.forEach((l, i) => expect(Math.abs(l - want[i]), `step ${i}`).toBeLessThanOrEqual(roundingBound(want[i])));
  }

  it.for([
    ['Node', process.execPath, []],
    ['Node with --experimental-wasm-relaxed-simd', process.execPath, ['--experimental-wasm-relaxed-simd']],
    ['Node with --no-enable-sse4-1 (no wasm SIMD)', process.execPath, ['--no-enable-sse4-1']],
    ['Deno', bin('deno'), ['run', '--allow-read']],
    ['Bun', bin('bun'), []],
  ] as const)('%s', async ([runtime, command, args], { annotate }) => {
    await check(runtime, run<DefaultRun>(command, args, 'default-kernels.mjs'), annotate);
  });

  // Node 20 has relaxed SIMD only behind the flag; the test would be void if no run picked it.
  it.runIf(process.versions.node.startsWith('20.'))('on Node 20 the flag is what makes the default relaxed', () => {
    expect(run<DefaultRun>(process.execPath, [], 'default-kernels.mjs').kernels).toBe('simd');
    expect(run<DefaultRun>(process.execPath, ['--experimental-wasm-relaxed-simd'], 'default-kernels.mjs').kernels).toBe('relaxed');
  });

  it('workerd (the workerd entry, kernels imported as modules)', async ({ annotate }) => {
    await check('workerd', await inWorkerd('workerd-default', ['workerd', 'worker'], join(root, 'test/runtime-runs/default-kernels-worker.mjs')) as DefaultRun, annotate);
  });
});

/**
 * Bundles a Worker (default examples/cloudflare-worker) with `conditions` (as wrangler does: .wasm
 * imports left to the runtime), serves it in workerd and returns its answer. The builds' bytes
 * are there too as data modules (simd.bin, relaxed.bin).
 */
async function inWorkerd(name: string, conditions: string[], source = join(root, 'examples/cloudflare-worker/src/index.js')): Promise<{ losses?: number[]; error?: { name: string; message: string } }> {
  copyFileSync(source, join(app, 'worker.mjs'));
  return workerdAnswer({ root, workerd: bin('workerd'), entry: join(app, 'worker.mjs'), out: join(app, name), conditions });
}
