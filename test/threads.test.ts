// Data-parallel threads: each batch split across worker threads over a shared memory.
// Threaded runs must match PyTorch's goldens, one thread within f32 rounding, and
// themselves bit for bit; dispose must end the workers.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { SHARED_MAX_PAGES } from '../src/engine/engine.js';
import { Network } from '../src/network.js';
import { spawnWorker } from '../src/node.js';
import { runReplay } from '../src/train/replay.js';
import type { NetworkSpec } from '../src/types.js';
import { loadTestModule, loadThreadsModule, testKernels } from './helpers/wasm.js';
import { xorData } from './helpers/network.js';

const root = new URL('../', import.meta.url);
// The threaded twin of this project's variant (the scalar project's engine has no SIMD).
const threadedModule = loadThreadsModule();

const spec: NetworkSpec = { inputs: 2, layers: [{ units: 16, activation: 'tanh' }, { units: 8, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 5 };
const data = xorData(300, 7);
const threaded = (threads: number) => Network.create(spec, threadedModule, { kernels: testKernels, threads, spawnWorker });
/** A network on 2 threads whose workers' pass traps: it points at an address past the end of memory. */
const withTrappingWorkers = () => Network.create(spec, threadedModule, {
  kernels: testKernels,
  threads: 2,
  spawnWorker: (source, workerData) => spawnWorker(source.replace('k.trainPass(desc)', 'k.trainPass(0x7ffffff0)'), workerData),
});
// The spec's default init trips the pre-flight check (signal shrink); threads are the subject here.
const off = { preflight: 'off' } as const;

it.each(['threads', 'threads-relaxed', 'threads-scalar'])('the shared memory maximum matches the %s build', (target) => {
  const config = JSON.parse(readFileSync(new URL('asconfig.json', root), 'utf8'));
  expect(config.targets[target].maximumMemory).toBe(SHARED_MAX_PAGES);
  expect(config.targets[target].sharedMemory).toBe(true);
  expect(config.targets[target].enable).toContain('threads');
});

it.each([0, 1.5, 65, '2'])('rejects threads = %j', (threads) => {
  expect(() => Network.create(spec, loadTestModule(), { threads: threads as number, spawnWorker })).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'options.threads' }));
});

describe('threads', () => {
  it.each([2, 3])('%i threads train as one thread does, within f32 rounding', (threads) => {
    const one = Network.create(spec, loadTestModule());
    const many = threaded(threads);
    const options = { optimizer: { type: 'adam', lr: 0.01 } as const, batchSize: 50, epochs: 3, ...off };
    one.fitSync(data.x, data.y, options);
    many.fitSync(data.x, data.y, options);
    const a = one.getParameters(), b = many.getParameters();
    a.forEach((l, i) => l.weight.forEach((w, j) => expect(Math.abs(w - b[i].weight[j])).toBeLessThan(1e-4 + 1e-3 * Math.abs(w))));
    expect(many.summary().threads).toBe(threads);
    many.dispose();
  });

  it('is deterministic run to run, including batches smaller than the thread count', () => {
    const run = () => {
      const net = threaded(2);
      net.fitSync(data.x, data.y, { optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 }, batchSize: 7, epochs: 2, ...off });
      const t = net.trainer(data.x.slice(0, 1), data.y.slice(0, 1), { optimizer: { type: 'adam' }, mode: 'stochastic' });
      t.step();
      const p = net.getParameters();
      net.dispose();
      return p;
    };
    expect(run()).toEqual(run());
  });

  it.each([[2, 1], [3, 1], [3, 2]])('%i threads on batches of %i rows (fewer than the threads) train on this thread alone: exactly one thread\'s parameters', (threads, batch) => {
    const options = { optimizer: { type: 'adam', lr: 0.01 } as const, batchSize: batch, epochs: 1, shuffle: false, ...off };
    const rows = { x: data.x.slice(0, 24), y: data.y.slice(0, 24) };
    const one = Network.create(spec, loadTestModule());
    const many = threaded(threads);
    one.fitSync(rows.x, rows.y, options);
    many.fitSync(rows.x, rows.y, options);
    const bits = (n: Network) => n.getParameters().flatMap((l) => [...new Uint32Array(l.weight.buffer), ...new Uint32Array(l.bias.buffer)]);
    expect(bits(many)).toEqual(bits(one));
    // A full batch afterwards goes through the workers again, and still trains as one thread does.
    const after = { ...options, batchSize: 12 };
    one.fitSync(rows.x, rows.y, after);
    many.fitSync(rows.x, rows.y, after);
    const a = one.getParameters(), b = many.getParameters();
    a.forEach((l, i) => l.weight.forEach((w, j) => expect(Math.abs(w - b[i].weight[j])).toBeLessThan(1e-4 + 1e-3 * Math.abs(w))));
    many.dispose();
  });

  it('leaves the workers out of a step on fewer rows than threads', () => {
    // A step the workers take part in fails.
    const net = withTrappingWorkers();
    const before = net.getParameters();
    net.fitSync(data.x.slice(0, 5), data.y.slice(0, 5), { optimizer: { type: 'adam' }, batchSize: 1, ...off });
    const trained = net.getParameters();
    expect(trained).not.toEqual(before);
    expect(() => net.fitSync(data.x, data.y, { optimizer: { type: 'adam' }, batchSize: 2, ...off })).toThrow(expect.objectContaining({ name: 'StateError', path: 'threads' }));
    expect(net.getParameters()).toEqual(trained);
    net.dispose();
  });

  it('dispose ends the workers', async () => {
    const workers: Worker[] = [];
    const net = Network.create(spec, threadedModule, {
      threads: 3,
      spawnWorker: (source, workerData) => {
        const w = spawnWorker(source, workerData);
        workers.push(w);
        return w;
      },
    });
    net.fitSync(data.x, data.y, { optimizer: { type: 'adam' }, ...off });
    const exits = workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
    net.dispose();
    await Promise.all(exits);
    expect(workers).toHaveLength(2);
  });

  it('a worker whose pass traps fails the step with a StateError instead of hanging', () => {
    const net = withTrappingWorkers();
    const before = net.getParameters();
    expect(() => net.fitSync(data.x, data.y, { optimizer: { type: 'adam' }, ...off })).toThrow(expect.objectContaining({ name: 'StateError', path: 'threads' }));
    expect(net.getParameters()).toEqual(before);
    net.dispose();
  });

  it('a worker that cannot instantiate the module fails the step with a StateError instead of hanging', () => {
    const net = Network.create(spec, threadedModule, {
      kernels: testKernels,
      threads: 2,
      spawnWorker: (source, workerData) => spawnWorker(source.replace('new WebAssembly.Instance(module', 'new WebAssembly.Instance(null'), workerData),
    });
    const before = net.getParameters();
    expect(() => net.fitSync(data.x, data.y, { optimizer: { type: 'adam' }, ...off })).toThrow(expect.objectContaining({ name: 'StateError', path: 'threads' }));
    expect(net.getParameters()).toEqual(before);
    net.dispose();
  });

  it('createNetwork resolves with its workers started in a process that has nothing else to do', () => {
    // Awaiting the (unref'd) workers must keep Node's event loop alive, or the process would exit (code 13) mid-await.
    const entry = new URL('dist/descent.node.js', root).href;
    const script = `const { createNetwork } = await import(${JSON.stringify(entry)});
      const net = await createNetwork({ inputs: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 1 }], loss: 'mse' }, { threads: 2 });
      console.log(net.threads);`;
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim()).toBe('2');
  });

  const goldens = ['cases', 'random'].flatMap((d) => readdirSync(new URL(`test/golden/${d}/`, root)).filter((f) => f.endsWith('.json')).map((f) => `${d}/${f}`));
  it.each(goldens)('golden %s replays with 2 threads', (file) => {
    const c = JSON.parse(readFileSync(new URL(`test/golden/${file}`, root), 'utf8'));
    const got = runReplay(c, threadedModule, { threads: 2, spawnWorker });
    const near = (g: number | null, w: number | null, abs: number, rel: number) => (w === null ? g === null : g !== null && Math.abs(g - w) <= abs + rel * Math.abs(w));
    c.expected.losses.forEach((w: number, i: number) => expect(near(got.losses[i], w, 1e-6, 1e-4), `loss ${i}`).toBe(true));
    for (const [key, abs, rel] of [['grads0', 1e-5, 1e-3], ['final', 1e-4, 1e-3]] as const) {
      c.expected[key].forEach((l: { weight: number[]; bias: number[] }, li: number) => {
        for (const part of ['weight', 'bias'] as const) {
          l[part].forEach((w, i) => expect(near(got[key][li][part][i], w, abs, rel), `${key}[${li}].${part}[${i}]`).toBe(true));
        }
      });
    }
  });
});
