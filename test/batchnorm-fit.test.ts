// Batch normalisation in networks: what the host does around the kernels. A batch that would
// leave a channel one value in training is refused before anything changes (PyTorch raises
// "Expected more than 1 value per channel when training"); predict, evaluate and fit's
// validation run in evaluation mode, on the running statistics, without changing them; the
// LR finder puts the running statistics back. Networks with batch norm run on one thread.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine.js';
import { DataError } from '../src/errors.js';
import { findLearningRate } from '../src/lab/lr-finder.js';
import { Network } from '../src/network.js';
import type { NetworkSpec } from '../src/types.js';
import { loadTestModule } from './helpers/wasm.js';
import { prng } from './helpers/kernel-arena.js';
import { normalize } from './reference/batchnorm.js';

const FEATURES: NetworkSpec = { inputs: 3, layers: [{ units: 5 }, { type: 'batchnorm1d', activation: 'relu' }, { units: 2 }], loss: 'mse', seed: 7 };
const IMAGES: NetworkSpec = { inputs: [2, 2, 2], layers: [{ type: 'batchnorm2d' }, { type: 'flatten' }, { units: 2 }], loss: 'mse', seed: 7 };
const sgd = { type: 'sgd' as const, lr: 0.05 };

function data(rows: number, inputs: number, seed = 1) {
  const r = prng(seed);
  const x = Array.from({ length: rows }, () => Array.from(r.f32s(inputs, -2, 2)));
  const y = Array.from({ length: rows }, () => Array.from(r.f32s(2, -1, 1)));
  return { x, y };
}

const engine = (net: Network) => (net as unknown as { e: Engine }).e;
/** Every layer's state (running_mean, running_var, num_batches_tracked) as one array. */
const state = (net: Network) => {
  const e = engine(net);
  return e.layers.flatMap((l) => Array.from(e.f32.subarray(l.state >> 2, (l.state >> 2) + l.stateSize)));
};
const snapshot = (net: Network) => ({ params: net.getParameters(), state: state(net) });

describe('a batch of one row in training', () => {
  const refused = (f: () => unknown, path: string, value: unknown) => {
    let error: unknown;
    try {
      f();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({ path, value });
    expect(String((error as Error).message)).toMatch(/spec\.layers\[1\] \(batchnorm1d over 5 features\).*more than 1 value per channel when training/);
    return (error as Error).message;
  };

  it('is refused by fit, fitSync and trainer before anything changes, naming batchSize and the layer', async () => {
    const net = Network.create(FEATURES, loadTestModule());
    const { x, y } = data(9, 3);
    const before = snapshot(net);
    // 9 rows in batches of 4: the last one has 1 row.
    expect(refused(() => net.fitSync(x, y, { optimizer: sgd, batchSize: 4 }), 'options.batchSize', 4)).toMatch(/options\.batchSize 4 gives a last batch of 1 row in every epoch \(9 rows in batches of 4\)/);
    await expect(net.fit(x, y, { optimizer: sgd, batchSize: 8 })).rejects.toMatchObject({ name: 'DataError', path: 'options.batchSize', value: 8 });
    refused(() => net.trainer(x, y, { optimizer: sgd, batchSize: 2 }), 'options.batchSize', 2);
    expect(refused(() => net.fitSync(x, y, { optimizer: sgd, batchSize: 1 }), 'options.batchSize', 1)).toMatch(/gives batches of 1 row/);
    refused(() => net.fitSync(x, y, { optimizer: sgd, mode: 'stochastic' }), 'options.mode', 'stochastic');
    refused(() => net.fitSync(x.slice(0, 1), y.slice(0, 1), { optimizer: sgd, mode: 'batch' }), 'options.mode', 'batch');
    // Restarts re-initialise the network: the refusal comes first.
    refused(() => net.fitSync(x, y, { optimizer: sgd, batchSize: 4, restarts: { count: 2 } }), 'options.batchSize', 4);
    expect(snapshot(net)).toEqual(before);
    // Batches of 3: none has 1 row.
    expect(() => net.fitSync(x, y, { optimizer: sgd, batchSize: 3, preflight: 'off' })).not.toThrow();
    expect(snapshot(net).state).not.toEqual(before.state);
    net.dispose();
  });

  it('counts the rows validationSplit leaves for training', () => {
    const net = Network.create(FEATURES, loadTestModule());
    const { x, y } = data(10, 3);
    // 10 rows, 2 for validation: 8 to train on, in batches of 7 and 1.
    refused(() => net.fitSync(x, y, { optimizer: sgd, batchSize: 7, validationSplit: 0.2, preflight: 'off' }), 'options.batchSize', 7);
    // 10 rows in batches of 3 would end with 1, but 8 end with 2.
    expect(() => net.fitSync(x, y, { optimizer: sgd, batchSize: 3, validationSplit: 0.2, preflight: 'off' })).not.toThrow();
    net.dispose();
  });

  it('is refused by the LR finder, which otherwise puts the running statistics back', () => {
    const net = Network.create(FEATURES, loadTestModule());
    const { x, y } = data(9, 3);
    const before = snapshot(net);
    refused(() => findLearningRate(net, x, y, { optimizer: sgd, batchSize: 4, numIter: 5 }), 'options.batchSize', 4);
    expect(snapshot(net)).toEqual(before);
    const result = findLearningRate(net, x, y, { optimizer: sgd, batchSize: 3, numIter: 6 });
    expect(result.lrs).toHaveLength(6);
    expect(snapshot(net)).toEqual(before);
    net.dispose();
  });

  it('is allowed when each row holds more than one value per channel (batchnorm2d over 2×2 positions)', () => {
    const net = Network.create(IMAGES, loadTestModule());
    const { x, y } = data(5, 8);
    const history = net.fitSync(x, y, { optimizer: sgd, batchSize: 1, epochs: 1 });
    expect(history.steps).toBe(5);
    expect(state(net)[4]).toBe(5); // num_batches_tracked
    net.dispose();
  });
});

describe('evaluation mode', () => {
  it('predict and evaluate normalise with the running statistics and change nothing', () => {
    const net = Network.create(IMAGES, loadTestModule());
    const { x, y } = data(12, 8, 3);
    net.fitSync(x, y, { optimizer: sgd, batchSize: 4, epochs: 2, shuffle: false });
    const before = snapshot(net);
    expect(before.state[4]).toBe(6); // num_batches_tracked: 2 epochs × 3 batches
    const first = net.predict(x).outputs;
    const metrics = net.evaluate(x, y);
    expect(net.predict(x).outputs).toEqual(first);
    expect(net.evaluate(x, y)).toEqual(metrics);
    expect(snapshot(net)).toEqual(before);
    // The batch norm layer's output on its own, from the running statistics (then flatten, dense).
    const [bn, , dense] = before.params;
    const s = before.state;
    const rows = x.length;
    const z = normalize(x.flat(), { rows, channels: 2, spatial: 4 }, s.slice(0, 2), s.slice(2, 4), 1e-5, bn.weight, bn.bias);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < 2; o++) {
        let v = dense.bias[o];
        for (let i = 0; i < 8; i++) v += dense.weight[o * 8 + i] * z[r * 8 + i];
        expect(Math.abs(first[r * 2 + o] - v)).toBeLessThan(1e-5 * (1 + Math.abs(v)));
      }
    }
    net.dispose();
  });

  it('fit\'s validation runs on the running statistics and leaves them as training made them', () => {
    const { x, y } = data(12, 3, 4);
    const val = data(5, 3, 5);
    const options = { optimizer: sgd, batchSize: 4, epochs: 3, shuffle: false, preflight: 'off' as const };
    const withValidation = Network.create(FEATURES, loadTestModule());
    const without = Network.create(FEATURES, loadTestModule());
    const history = withValidation.fitSync(x, y, { ...options, validationData: { x: val.x, y: val.y } });
    without.fitSync(x, y, options);
    // Validation changed neither the running statistics nor the training.
    expect(snapshot(withValidation)).toEqual(snapshot(without));
    // The last epoch's validation loss is evaluation mode's on the final network.
    expect(history.epochs[2].validation!.loss).toBe(without.evaluate(val.x, val.y).loss);
    // Training mode would have normalised the validation batch with its own statistics instead.
    const batchMode = Network.create({ ...FEATURES, layers: [{ units: 5 }, { type: 'batchnorm1d', activation: 'relu', trackRunningStats: false }, { units: 2 }] }, loadTestModule());
    batchMode.setParameters(without.getParameters());
    expect(batchMode.evaluate(val.x, val.y).loss).not.toBe(history.epochs[2].validation!.loss);
    for (const n of [withValidation, without, batchMode]) n.dispose();
  });
});

describe('the best epoch\'s running statistics come back with its weights', () => {
  it('restoreBestWeights puts back the state gathered under the best weights, and so do restarts', () => {
    const net = Network.create(FEATURES, loadTestModule());
    const { x, y } = data(40, 3, 5);
    const val = data(20, 3, 9);
    const states: number[][] = [];
    const params: Float32Array[][] = [];
    const h = net.fitSync(x, y, {
      optimizer: { type: 'sgd', lr: 0.8 }, batchSize: 8, epochs: 12, validationData: val, preflight: 'off',
      earlyStopping: { monitor: 'val_loss', patience: 2, restoreBestWeights: true },
      onEpochEnd: () => {
        states.push(state(net));
        params.push(net.getParameters().map((p) => p.weight));
      },
    });
    const best = h.epochs.reduce((b, e, i) => (e.validation!.loss < h.epochs[b].validation!.loss ? i : b), 0);
    expect(h.bestEpoch).toBe(best);
    // The run must have moved past its best epoch for the restore to mean anything.
    expect(best).toBeLessThan(h.epochs.length - 1);
    expect(state(net)).toEqual(states[best]);
    expect(state(net)).not.toEqual(states[states.length - 1]);
    expect(net.getParameters().map((p) => p.weight)).toEqual(params[best]);

    const restarts = net.fitSync(x, y, { optimizer: sgd, batchSize: 8, epochs: 2, preflight: 'off', restarts: { count: 3, seeds: [1, 2, 3] } });
    const again = Network.create(FEATURES, loadTestModule());
    again.reinitialize([1, 2, 3][restarts.restarts!.best]);
    again.fitSync(x, y, { optimizer: sgd, batchSize: 8, epochs: 2, preflight: 'off' });
    expect(state(net)).toEqual(state(again));
    net.dispose();
    again.dispose();
  });
});
