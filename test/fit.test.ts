// fit / fitSync: the three modes of gradient descent, shuffling, validation, callbacks,
// convergence stopping, async yielding and abort, and rejection of bad options.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import type { BatchInfo, FitOptions, NetworkSpec } from '../src/types.js';
import { makeNetwork, replayLikeNetworks, xorData } from './helpers/network.js';

const spec: NetworkSpec = { inputs: 2, layers: [{ units: 8, activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy', init: 'xavier_uniform', seed: 3 };
const { x, y } = xorData(100);
const adam = { type: 'adam', lr: 0.02 } as const;

function batchSizes(options: Omit<FitOptions, 'onBatchEnd'>): number[] {
  const sizes: number[] = [];
  makeNetwork(spec).fitSync(x, y, { ...options, onBatchEnd: (b) => void sizes.push(b.batchSize) });
  return sizes;
}

describe('modes of gradient descent', () => {
  it('batch: one step per epoch over the whole set', () => {
    expect(batchSizes({ optimizer: adam, mode: 'batch', epochs: 3 })).toEqual([100, 100, 100]);
  });
  it('stochastic: one sample per step, every sample once per epoch', () => {
    expect(batchSizes({ optimizer: adam, mode: 'stochastic', epochs: 2 })).toEqual(Array(200).fill(1));
    // One-hot inputs: weight column j moves only when sample j is drawn, so all n columns
    // moving within n steps means each sample came exactly once (no replacement).
    const n = 12;
    const net = makeNetwork({ inputs: n, layers: [{ units: 1 }], loss: 'mse', init: 'zeros' });
    const eye = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
    net.fitSync(eye, eye.map((_, i) => [i + 1]), { optimizer: { type: 'sgd', lr: 0.1 }, mode: 'stochastic' });
    expect([...net.getParameters()[0].weight].every((w) => w !== 0)).toBe(true);
  });
  it('mini-batch: size n with the last partial batch kept', () => {
    expect(batchSizes({ optimizer: adam, batchSize: 32, epochs: 1 })).toEqual([32, 32, 32, 4]);
    expect(batchSizes({ optimizer: adam, batchSize: 500 })).toEqual([100]);
  });
  it('mini-batch without shuffling equals a replay of the same batches', () => {
    const net = makeNetwork(spec);
    const init = net.getParameters().map((l) => ({ weight: [...l.weight], bias: [...l.bias] }));
    net.fitSync(x, y, { optimizer: { type: 'sgd', lr: 0.3, momentum: 0.9 }, batchSize: 30, shuffle: false, epochs: 2 });
    const batches = [0, 30, 60, 90].map((s) => Array.from({ length: Math.min(30, 100 - s) }, (_, i) => s + i));
    const replay = replayLikeNetworks({
      spec: { inputs: 2, layers: spec.layers, loss: spec.loss }, optimizer: { type: 'sgd', lr: 0.3, momentum: 0.9 },
      x: x.flat(), y, n: 100, batches, steps: 8, init,
    });
    const got = net.getParameters();
    replay.final.forEach((l, i) => {
      expect(Array.from(got[i].weight)).toEqual(l.weight);
      expect(Array.from(got[i].bias)).toEqual(l.bias);
    });
  });
  it('shuffling is seeded: same seed same result, another seed another', () => {
    const run = (seed: number) => {
      const net = makeNetwork(spec);
      net.fitSync(x, y, { optimizer: adam, batchSize: 10, epochs: 2, seed });
      return net.getParameters()[0].weight;
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });
  it('learns: XOR quadrants reach high accuracy', () => {
    const net = makeNetwork(spec);
    const h = net.fitSync(x, y, { optimizer: adam, batchSize: 16, epochs: 60 });
    expect(h.epochs.at(-1)!.train.accuracy).toBeGreaterThan(0.9);
    expect(h.epochs.at(-1)!.loss).toBeLessThan(h.epochs[0].loss);
  });
});

describe('history, validation and callbacks', () => {
  it('records every epoch with training and validation metrics', () => {
    const val = xorData(40, 9);
    const h = makeNetwork(spec).fitSync(x, y, { optimizer: adam, epochs: 3, validationData: val });
    expect(h.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(h.steps).toBe(3 * 4);
    for (const e of h.epochs) {
      expect(e.steps).toBe(4);
      expect(e.validation!.accuracy).toBeGreaterThanOrEqual(0);
      expect(e.train.loss).toBeGreaterThan(0);
      expect(e.timeMs).toBeGreaterThanOrEqual(0);
    }
    expect(h.stopReason).toBe('completed');
  });
  it('validation metrics equal evaluate on the same data after training', () => {
    const val = xorData(40, 9);
    const net = makeNetwork(spec);
    const h = net.fitSync(x, y, { optimizer: adam, epochs: 2, validationData: val });
    expect(h.epochs[1].validation!.loss).toBeCloseTo(net.evaluate(val.x, val.y).loss, 6);
    expect(h.epochs[1].train.loss).toBeCloseTo(net.evaluate(x, y).loss, 6);
  });
  it('validationSplit holds out a seeded fraction', () => {
    const sizes: number[] = [];
    const h = makeNetwork(spec).fitSync(x, y, { optimizer: adam, mode: 'batch', validationSplit: 0.25, onBatchEnd: (b) => void sizes.push(b.batchSize) });
    expect(sizes).toEqual([75]);
    expect(h.epochs[0].validation).toBeDefined();
  });
  it('passes one reused object to onBatchEnd, with the step count', () => {
    const seen: BatchInfo[] = [];
    const steps: number[] = [];
    makeNetwork(spec).fitSync(x, y, { optimizer: adam, batchSize: 50, epochs: 2, onBatchEnd: (b) => { seen.push(b); steps.push(b.step); } });
    expect(new Set(seen).size).toBe(1);
    expect(steps).toEqual([1, 2, 3, 4]);
  });
  it('stops when a callback returns false', () => {
    const h1 = makeNetwork(spec).fitSync(x, y, { optimizer: adam, epochs: 5, onBatchEnd: (b) => b.step < 3 });
    expect(h1.steps).toBe(3);
    expect(h1.stopReason).toBe('callback');
    const h2 = makeNetwork(spec).fitSync(x, y, { optimizer: adam, epochs: 5, onEpochEnd: (e) => e.epoch < 1 });
    expect(h2.epochs).toHaveLength(2);
    expect(h2.stopReason).toBe('callback');
  });
  it('stops on convergence when the monitored value stalls for `patience` epochs', () => {
    // lr 0 never improves the loss: stop after the first epoch plus `patience` more. (Fixed
    // batches: reshuffled ones would move the epoch's mean loss by an ulp or so.)
    const h = makeNetwork(spec).fitSync(x, y, { optimizer: { type: 'sgd', lr: 0 }, epochs: 20, shuffle: false, earlyStopping: { patience: 2 } });
    expect(h.epochs).toHaveLength(4);
    expect(h.stopReason).toBe('converged');
    const off = makeNetwork(spec).fitSync(x, y, { optimizer: { type: 'sgd', lr: 0 }, epochs: 5 });
    expect(off.epochs).toHaveLength(5);
  });
  it('restoreBestWeights puts back the best epoch\'s weights, at an early stop and at the end', () => {
    // Monitoring the training loss against its trend makes the first epoch the best, so a
    // restore is visible: 'max' if the loss falls, 'min' if it rises.
    const probe = makeNetwork(spec).fitSync(x, y, { optimizer: adam, epochs: 6, shuffle: false }).epochs;
    const mode = probe[5].loss < probe[0].loss ? 'max' : 'min';
    for (const [patience, epochs, stopReason] of [[2, 10, 'converged'], [100, 6, 'completed']] as const) {
      const net = makeNetwork(spec);
      const seen: ReturnType<typeof net.getParameters>[] = [];
      const h = net.fitSync(x, y, {
        optimizer: adam, epochs, shuffle: false,
        earlyStopping: { monitor: 'loss', mode, patience, restoreBestWeights: true },
        onEpochEnd: () => { seen.push(net.getParameters()); },
      });
      expect(h.stopReason).toBe(stopReason);
      const losses = h.epochs.map((e) => e.loss);
      expect(h.bestEpoch).toBe(losses.indexOf(mode === 'max' ? Math.max(...losses) : Math.min(...losses)));
      expect(h.bestEpoch).toBeLessThan(h.epochs.length - 1);
      expect(net.getParameters()).toEqual(seen[h.bestEpoch!]);
    }
    // Without it the network keeps its last weights.
    const net = makeNetwork(spec);
    let last: ReturnType<typeof net.getParameters> | null = null;
    net.fitSync(x, y, { optimizer: adam, epochs: 10, shuffle: false, earlyStopping: { monitor: 'loss', mode, patience: 2 }, onEpochEnd: () => { last = net.getParameters(); } });
    expect(net.getParameters()).toEqual(last);
  });
  it('minDelta demands a real improvement', () => {
    const h = makeNetwork(spec).fitSync(x, y, { optimizer: { type: 'sgd', lr: 1e-4 }, epochs: 20, earlyStopping: { monitor: 'loss', minDelta: 0.1 } });
    expect(h.epochs).toHaveLength(2);
  });
  it('stops when training diverges', () => {
    const net = makeNetwork({ inputs: 2, layers: [{ units: 2 }], loss: 'mse', seed: 1 });
    const h = net.fitSync(x, x.map(([a, b]) => [1e3 * a, b]), { optimizer: { type: 'sgd', lr: 10 }, epochs: 50 });
    expect(h.stopReason).toBe('diverged');
    expect(h.epochs.length).toBeLessThan(50);
  });
  it('rejects a second fit while one is running', async () => {
    const net = makeNetwork(spec);
    const p = net.fit(x, y, { optimizer: adam, epochs: 50, yieldEveryMs: 1 });
    expect(() => net.fitSync(x, y, { optimizer: adam })).toThrow(expect.objectContaining({ name: 'StateError' }));
    await p;
  });
});

describe('async fit', () => {
  it('yields to the event loop during long training', async () => {
    const net = makeNetwork(spec);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const big = xorData(2000, 4);
    await net.fit(big.x, big.y, { optimizer: adam, mode: 'stochastic', epochs: 3, yieldEveryMs: 4 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(2);
  });
  it('gives the same result as fitSync', async () => {
    const a = makeNetwork(spec), b = makeNetwork(spec);
    await a.fit(x, y, { optimizer: adam, epochs: 3, batchSize: 7, yieldEveryMs: 0.01 });
    b.fitSync(x, y, { optimizer: adam, epochs: 3, batchSize: 7 });
    expect(a.getParameters()).toEqual(b.getParameters());
  });
  it('rejects with the abort reason and leaves the network usable', async () => {
    const net = makeNetwork(spec);
    const ctl = new AbortController();
    const big = xorData(2000, 4);
    const p = net.fit(big.x, big.y, { optimizer: adam, mode: 'stochastic', epochs: 100, signal: ctl.signal, yieldEveryMs: 2, onBatchEnd: (b) => { if (b.step === 50) ctl.abort(); } });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    const h = await net.fit(x, y, { optimizer: adam });
    expect(h.epochs).toHaveLength(1);
  });
  it('rejects an already-aborted signal before training', async () => {
    const net = makeNetwork(spec);
    const before = net.getParameters();
    await expect(net.fit(x, y, { optimizer: adam, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(net.getParameters()).toEqual(before);
  });
});

describe('bad fit options', () => {
  const cases: [Partial<FitOptions> & Record<string, unknown>, string][] = [
    [{ mode: 'full' as never }, 'options.mode'],
    [{ batchSize: 0 }, 'options.batchSize'],
    [{ mode: 'batch', batchSize: 10 }, 'options.batchSize'],
    [{ mode: 'stochastic', shuffle: false }, 'options.shuffle'],
    [{ epochs: 1.5 }, 'options.epochs'],
    [{ validationSplit: 1 }, 'options.validationSplit'],
    [{ validationSplit: 0.2, validationData: { x, y } }, 'options.validationSplit'],
    [{ earlyStopping: { monitor: 'val_loss' } }, 'options.earlyStopping.monitor'],
    [{ earlyStopping: { patience: -1 } }, 'options.earlyStopping.patience'],
    [{ earlyStopping: { mode: 'up' } as never }, 'options.earlyStopping.mode'],
    [{ earlyStopping: { restoreBestWeights: 1 } as never }, 'options.earlyStopping.restoreBestWeights'],
    [{ earlyStopping: { baseline: 1 } as never }, 'options.earlyStopping.baseline'],
    [{ learningRate: 0.1 }, 'options.learningRate'],
    [{ yieldEveryMs: 5 }, 'options.yieldEveryMs'],
    [{ onBatchEnd: 'log' as never }, 'options.onBatchEnd'],
    [{ optimizer: { type: 'adam', momentum: 0.9 } as never }, 'options.optimizer.momentum'],
  ];
  it.each(cases)('rejects %j naming the option, parameters unchanged', (extra, path) => {
    const net = makeNetwork(spec);
    const before = net.getParameters();
    const err = (() => {
      try { net.fitSync(x, y, { optimizer: adam, ...extra } as FitOptions); } catch (e) { return e; }
    })() as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.path).toBe(path);
    expect(net.getParameters()).toEqual(before);
  });
  it('rejects mismatched x and y rows', () => {
    expect(() => makeNetwork(spec).fitSync(x, y.slice(1), { optimizer: adam })).toThrow(expect.objectContaining({ name: 'DataError', path: 'y' }));
  });
  it('rejects a validation split that leaves no rows', () => {
    expect(() => makeNetwork(spec).fitSync(x.slice(0, 2), y.slice(0, 2), { optimizer: adam, validationSplit: 0.1 })).toThrow(expect.objectContaining({ name: 'DataError' }));
  });
});

describe('memory', () => {
  it('does not grow while training on data it has already seen', () => {
    const net = makeNetwork(spec);
    net.fitSync(x, y, { optimizer: adam, batchSize: 16 });
    const bytes = net.summary().memoryBytes;
    net.fitSync(x, y, { optimizer: adam, batchSize: 16, epochs: 5 });
    net.predict(x);
    expect(net.summary().memoryBytes).toBe(bytes);
  });
  it('keeps parameters across memory growth', () => {
    const net = makeNetwork(spec);
    net.fitSync(x, y, { optimizer: adam });
    const before = net.getParameters();
    const bytes = net.summary().memoryBytes;
    const huge = xorData(30000, 2);
    net.predict(huge.x);
    net.fitSync(huge.x, huge.y, { optimizer: { type: 'sgd', lr: 0 }, mode: 'batch' });
    expect(net.summary().memoryBytes).toBeGreaterThan(bytes);
    expect(net.getParameters()).toEqual(before);
  });
});

describe('memory limits', () => {
  it('a batch too large for wasm memory is a DataError and leaves the network usable', () => {
    const net = makeNetwork({ inputs: 2, layers: [{ units: 65536, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 1 });
    const before = net.getParameters();
    const rows = 20_000; // 20,000 × 65,536 activations × 4 bytes: past wasm32's 4 GiB
    const x = new Float32Array(rows * 2);
    const y = new Int32Array(rows);
    expect(() => net.fitSync(x, y, { optimizer: { type: 'sgd', lr: 0.1 }, mode: 'batch' })).toThrow(expect.objectContaining({ name: 'DataError', path: 'memory' }));
    expect(net.getParameters()).toEqual(before);
    expect(net.predict([[1, 2]]).classes).toHaveLength(1);
    net.dispose();
  });
});
