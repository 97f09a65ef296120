// The shared step of threads (src/engine/threads.ts): each thread sums its slice of every
// shard's gradients and applies the optimizer to that slice. It must give, bit for bit, what
// summing the whole gradients and then one optimizer call over all parameters gives — every
// rule, 2 and 3 threads, slices that end in a scalar tail — and a step that throws between
// the pass and the update must leave no worker waiting for it.
import { describe, expect, it } from 'vitest';
import { Network } from '../src/network.js';
import { spawnWorker } from '../src/node.js';
import { OptimizerState } from '../src/optim/optimizer.js';
import { resolveOptimizer } from '../src/optim/options.js';
import type { LayerParameters, NetworkSpec, OptimizerConfig } from '../src/types.js';
import { loadThreadsModule, testKernels } from './helpers/wasm.js';
import { xorData } from './helpers/network.js';

const threadedModule = loadThreadsModule();
// 296·109 + 109 + 109·7 + 7 + 7·3 + 3 = 33,167 parameters, enough to be split (SPLIT_MIN_PARAMS):
// 2 threads take 16,592 + 16,575, 3 take 11,056 + 11,056 + 11,055; the last slice ends in one
// SIMD vector and three scalar values, as one call over all does.
const spec: NetworkSpec = { inputs: 296, layers: [{ units: 109, activation: 'tanh' }, { units: 7, activation: 'relu' }, { units: 3 }], loss: 'softmax_cross_entropy', seed: 11 };
const ROWS = 96;
const x = Array.from({ length: ROWS }, (_, r) => Array.from({ length: 296 }, (_, c) => Math.sin(r * 7 + c * 3)));
const y = Array.from({ length: ROWS }, (_, r) => r % 3);
const threaded = (threads: number) => Network.create(spec, threadedModule, { kernels: testKernels, threads, spawnWorker });

const bits = (p: LayerParameters[]) => p.flatMap((l) => [...new Uint32Array(l.weight.buffer), ...new Uint32Array(l.bias.buffer)]);

/** `steps` steps of `batch` rows as before the shared update: the engine's pass (gradients summed), clipping, then one optimizer call over every parameter. */
function serialSteps(net: Network, config: OptimizerConfig, batch: number, steps: number): LayerParameters[] {
  const { engine: e, x: xs, y: ys, rows } = net.stepAccess(x, y, 'the reference');
  e.reserve(batch, rows, 0);
  const set = e.loadResident(0, xs, ys, rows, {});
  const options = resolveOptimizer(config);
  const optimizer = new OptimizerState(options, e.k, { param: e.params, grad: e.grads, slots: e.slots, count: e.paramCount, hp: e.hp }, () => e.f64);
  for (let s = 0; s < steps; s++) {
    e.gather(set, set.indices + ((s * batch) % rows) * 4, batch);
    e.trainPass(e.xBatch, e.yBatch, batch);
    e.clip(options.clipGradValue, options.clipGradNorm);
    optimizer.apply();
  }
  return net.getParameters();
}

const optimizers: OptimizerConfig[] = [
  { type: 'adam', lr: 0.01 },
  { type: 'adam', lr: 0.01, weightDecay: 0.01, amsgrad: true },
  { type: 'adamw', lr: 0.01 },
  { type: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
  { type: 'rmsprop', lr: 0.01, centered: true, momentum: 0.5 },
  { type: 'adagrad', lr: 0.05, lrDecay: 0.01 },
  { type: 'adamax', lr: 0.01 },
  { type: 'nadam', lr: 0.01 },
  { type: 'radam', lr: 0.01 },
  { type: 'adadelta' },
];

// Steps whose whole gradient this thread reads before the update (clipping, the guard) hand the
// workers their update afterwards: the other way through the threads' protocol.
const readers: [string, OptimizerConfig, 'skip' | undefined][] = [
  ['clipGradNorm', { type: 'adam', lr: 0.01, clipGradNorm: 0.05 }, undefined],
  ['clipGradValue', { type: 'sgd', lr: 0.1, momentum: 0.9, clipGradValue: 0.01 }, undefined],
  ["guard 'skip'", { type: 'nadam', lr: 0.01 }, 'skip'],
];

describe('the shared step', () => {
  for (const threads of [2, 3]) {
    it.each(optimizers)(`${threads} threads: equals one sum and one update over all parameters, bit for bit: %j`, (optimizer) => {
      const batch = 24, steps = 12;
      const reference = threaded(threads);
      const want = serialSteps(reference, optimizer, batch, steps);
      reference.dispose();
      const net = threaded(threads);
      const start = net.getParameters();
      const t = net.trainer(x, y, { optimizer, batchSize: batch, shuffle: false, diagnostics: false });
      for (let s = 0; s < steps; s++) t.step();
      const got = net.getParameters();
      net.dispose();
      expect(bits(got)).toEqual(bits(want));
      // And the updates did something: the run is not a copy of the start.
      expect(bits(got)).not.toEqual(bits(start));
    });
  }

  for (const threads of [2, 3]) {
    it.each(readers)(`${threads} threads: equals one sum and one update, bit for bit, when the step reads the whole gradient first: %s`, (_, optimizer, guard) => {
      const batch = 24, steps = 12;
      const reference = threaded(threads);
      const want = serialSteps(reference, optimizer, batch, steps);
      reference.dispose();
      const net = threaded(threads);
      const t = net.trainer(x, y, { optimizer, batchSize: batch, shuffle: false, diagnostics: false, guard });
      for (let s = 0; s < steps; s++) t.step();
      const got = net.getParameters();
      net.dispose();
      expect(bits(got)).toEqual(bits(want));
    });
  }

  it('a step the guard throws from releases the waiting workers: the network trains on, and disposes', () => {
    const clean = xorData(40, 2);
    // Row 7 overflows the first layer's sums: its step is non-finite (as test/guard.test.ts).
    const poisoned = clean.x.map((r, i) => (i === 7 ? [3.4e38, 3.4e38] : r));
    const net = Network.create({ inputs: 2, layers: [{ units: 16, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 3 }, threadedModule, { kernels: testKernels, threads: 2, spawnWorker });
    let before: LayerParameters[] = [];
    const options = { optimizer: { type: 'adam' }, batchSize: 4, shuffle: false, preflight: 'off', diagnostics: false } as const;
    expect(() => net.fitSync(poisoned, clean.y, { ...options, guard: 'throw', onBatchEnd: () => { before = net.getParameters(); } })).toThrow(expect.objectContaining({ name: 'NumericalError' }));
    expect(net.getParameters()).toEqual(before);
    const history = net.fitSync(clean.x, clean.y, { ...options, epochs: 2 });
    expect(history.steps).toBe(20);
    expect(net.getParameters()).not.toEqual(before);
    net.dispose();
  });
});
