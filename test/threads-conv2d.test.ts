// Convolutional networks with data-parallel threads: each worker runs the conv2d kernels on its
// shard with its own scratch (the kind's im2col-free tables, padded rows and dzᵀ), and the
// gradients it writes are summed with this thread's. Two threads must train as one does,
// within f32 rounding, and repeat themselves bit for bit — including batches smaller than the
// thread count, where a worker's shard is empty and its gradients must be written as zeros.
import { describe, expect, it } from 'vitest';
import { Network } from '../src/network.js';
import { spawnWorker } from '../src/node.js';
import type { NetworkSpec } from '../src/types.js';
import { loadTestModule, loadThreadsModule, testKernels } from './helpers/wasm.js';

const spec: NetworkSpec = {
  inputs: [2, 7, 6],
  layers: [
    { type: 'conv2d', outChannels: 6, kernelSize: 3, padding: 1, activation: 'relu' },
    { type: 'conv2d', outChannels: 5, kernelSize: [2, 3], stride: 2, activation: 'tanh' },
    { type: 'conv2d', outChannels: 4, kernelSize: 2, padding: 'same', bias: false, activation: 'gelu' },
    { type: 'flatten' },
    { units: 3 },
  ],
  loss: 'softmax_cross_entropy',
  seed: 11,
};

/** Seeded images with a label the network can learn: which third of the image is brightest. */
function images(n: number, seed: number): { x: number[][]; y: number[] } {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = Math.floor(u() * 3);
    const row: number[] = [];
    for (let c = 0; c < 2; c++) {
      for (let h = 0; h < 7; h++) {
        for (let w = 0; w < 6; w++) row.push(u() - 0.5 + (Math.floor(w / 2) === label ? 0.6 : 0));
      }
    }
    x.push(row);
    y.push(label);
  }
  return { x, y };
}

const data = images(120, 3);
const off = { preflight: 'off' } as const;
const threaded = (threads: number) => Network.create(spec, loadThreadsModule(), { kernels: testKernels, threads, spawnWorker });

describe('conv2d with threads', () => {
  it('2 threads train as 1 thread does, within f32 rounding (batches of 13: uneven shards)', () => {
    const one = Network.create(spec, loadTestModule());
    const two = threaded(2);
    const options = { optimizer: { type: 'adam', lr: 0.01 } as const, batchSize: 13, epochs: 3, ...off };
    const h1 = one.fitSync(data.x, data.y, options);
    const h2 = two.fitSync(data.x, data.y, options);
    const a = one.getParameters(), b = two.getParameters();
    expect(b.length).toBe(a.length);
    a.forEach((l, i) => {
      for (const part of ['weight', 'bias'] as const) {
        l[part].forEach((v, j) => expect(Math.abs(v - b[i][part][j]), `layer ${i} ${part}[${j}]`).toBeLessThan(1e-4 + 1e-3 * Math.abs(v)));
      }
    });
    const last = (h: typeof h1) => h.epochs[h.epochs.length - 1].loss;
    expect(Math.abs(last(h1) - last(h2))).toBeLessThan(1e-4 * Math.max(1, Math.abs(last(h1))));
    // It learned something: the loss went down.
    expect(last(h1)).toBeLessThan(h1.epochs[0].loss);
    expect(two.threads).toBe(2);
    two.dispose();
  });

  it('is deterministic run to run, including a batch of 1 row (the worker\'s shard is empty)', () => {
    const run = () => {
      const net = threaded(2);
      net.fitSync(data.x.slice(0, 40), data.y.slice(0, 40), { optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 }, batchSize: 7, epochs: 2, ...off });
      const t = net.trainer(data.x.slice(0, 1), data.y.slice(0, 1), { optimizer: { type: 'adam' }, mode: 'stochastic' });
      t.step();
      const p = net.getParameters();
      net.dispose();
      return p;
    };
    const first = run();
    expect(run()).toEqual(first);
    // And the empty shard added nothing: one thread takes the same single-row step.
    const one = Network.create(spec, loadTestModule());
    one.fitSync(data.x.slice(0, 40), data.y.slice(0, 40), { optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 }, batchSize: 7, epochs: 2, ...off });
    one.trainer(data.x.slice(0, 1), data.y.slice(0, 1), { optimizer: { type: 'adam' }, mode: 'stochastic' }).step();
    one.getParameters().forEach((l, i) => l.weight.forEach((v, j) => expect(Math.abs(v - first[i].weight[j])).toBeLessThan(1e-4 + 1e-3 * Math.abs(v))));
  });
});
