// The replay format's edge: every malformed case is a typed error naming the bad field,
// steps: 0 yields the initial parameters with the step-0 gradients, and an optional schedule
// sets each step's lr (and momentum); test/golden.test.ts checks scheduled cases against torch.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runReplay } from '../src/train/replay.js';
import { Network } from '../src/network.js';
import type { NetworkSpec } from '../src/types.js';
import { loadTestModule } from './helpers/wasm.js';

const good = () => ({
  spec: { inputs: 2, layers: [{ units: 3, activation: 'relu' }, { units: 2, activation: 'linear' }], loss: 'softmax_cross_entropy' },
  optimizer: { type: 'sgd', lr: 0.1 },
  x: [1, 2, -1, 0.5, 0, 3],
  y: [0, 1, 1],
  n: 3,
  batches: [[0, 1], [2]],
  steps: 3,
  init: [
    { weight: [0.1, 0.2, -0.3, 0.4, 0.5, -0.6], bias: [0, 0.1, -0.1] },
    { weight: [0.3, -0.2, 0.1, 0.2, 0.4, -0.5], bias: [0.05, -0.05] },
  ],
});
const run = (c: unknown) => runReplay(c, loadTestModule());

describe('replay', () => {
  it('prints one loss per step and per-layer tensors', () => {
    const r = run(good());
    expect(r.losses).toHaveLength(3);
    expect(r.grads0.map((l) => [l.weight.length, l.bias.length])).toEqual([[6, 3], [6, 2]]);
    expect(r.final[0].weight).not.toEqual(good().init[0].weight);
  });
  it('steps 0 gives the initial parameters and still the step-0 gradients', () => {
    const r = run({ ...good(), steps: 0 });
    expect(r.losses).toEqual([]);
    r.final.forEach((l, i) => {
      expect(l.weight).toEqual(good().init[i].weight.map(Math.fround));
      expect(l.bias).toEqual(good().init[i].bias.map(Math.fround));
    });
    expect(r.grads0).toEqual(run(good()).grads0);
  });
  it('writes non-finite values as null', () => {
    const c = { ...good(), optimizer: { type: 'sgd', lr: 1e30 }, steps: 4 };
    const r = run(c);
    expect([...r.losses, ...r.final.flatMap((l) => [...l.weight, ...l.bias])]).toContain(null);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
  it('ignores the human fields name, description and expected', () => {
    const c = JSON.parse(readFileSync(new URL('./golden/cases/base.json', import.meta.url), 'utf8'));
    expect(() => run(c)).not.toThrow();
  });

  it('takes an optional schedule, stepped per epoch (one pass over batches) unless told', () => {
    const plain = run({ ...good(), steps: 6 });
    expect(plain.lrs).toBeUndefined();
    const r = run({ ...good(), steps: 6, schedule: { type: 'stepLR', stepSize: 1, gamma: 0.5 } });
    expect(r.lrs).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]); // 2 batches per epoch
    expect(r.momentum).toBeUndefined();
    expect(r.final).not.toEqual(plain.final);
    const perStep = run({ ...good(), steps: 4, schedule: { type: 'stepLR', stepSize: 1, gamma: 0.5, interval: 'step' } });
    expect(perStep.lrs).toEqual([0.1, 0.05, 0.025, 0.0125]);
    // A constant schedule is the plain run.
    expect(run({ ...good(), steps: 6, schedule: { type: 'constantLR', factor: 1 } }).final).toEqual(plain.final);
  });
  it('steps cyclicLR per step and reports the momentum it cycles', () => {
    const r = run({ ...good(), optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 }, schedule: { type: 'cyclicLR', baseLr: 0.01, maxLr: 0.05, stepSizeUp: 2 } });
    expect(r.lrs).toEqual([0.01, 0.03, 0.05].map((v) => expect.closeTo(v, 15)));
    expect(r.momentum).toEqual([0.9, 0.85, 0.8].map((v) => expect.closeTo(v, 15)));
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
  it('reduceLROnPlateau watches the mean loss of each epoch', () => {
    // A zero rate never improves the loss: patience 0 halves the rate after every epoch but the first.
    const r = run({ ...good(), optimizer: { type: 'sgd', lr: 1e-30 }, steps: 6, schedule: { type: 'reduceLROnPlateau', patience: 0, factor: 0.5, eps: 0 } });
    expect(r.lrs).toEqual([1e-30, 1e-30, 1e-30, 1e-30, 5e-31, 5e-31]);
  });

  // Layer kinds: an image through a flatten and an activation layer (kernels every build has).
  const layered = () => ({
    ...good(),
    spec: { inputs: [1, 2, 1], layers: [{ type: 'flatten' }, { units: 3 }, { type: 'activation', activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy' },
    init: [{}, good().init[0], {}, { weight: [0.3, -0.2, 0.1, 0.2, 0.4, -0.5], bias: [0.05, -0.05] }],
  });
  it('takes layer kinds, init by torch name ({} for a layer without tensors), and gives the evaluation outputs after training', () => {
    const r = run(layered());
    expect(r.final.map((l) => Object.keys(l))).toEqual([[], ['weight', 'bias'], [], ['weight', 'bias']]);
    expect(r.state).toBeUndefined();
    // The evaluation outputs are the trained network's forward pass over all of x.
    const net = Network.create(layered().spec as NetworkSpec, loadTestModule());
    net.setParameters(r.final.map((l) => ({ weight: (l.weight ?? []) as number[], bias: (l.bias ?? []) as number[] })));
    expect(r.evalOutputs).toEqual(Array.from(net.predict([[1, 2], [-1, 0.5], [0, 3]]).outputs));
    net.dispose();
    // The same network as dense layers only is the original format: no evaluation outputs.
    expect(run(good()).evalOutputs).toBeUndefined();
  });
  it('refuses to split a batch norm network across threads', () => {
    const c = { ...good(), spec: { inputs: 2, layers: [{ type: 'batchnorm1d' }, { units: 2 }], loss: 'softmax_cross_entropy' }, init: [{ weight: [1, 1], bias: [0, 0] }, { weight: [1, 0, 0, 1], bias: [0, 0] }], batches: [[0, 1], [1, 2]] };
    expect(() => runReplay(c, loadTestModule(), { threads: 2, spawnWorker: () => ({ terminate: () => undefined }) }))
      .toThrow(expect.objectContaining({ name: 'ConfigError', path: 'threads' }));
  });

  // Dropout (p 0.5) after the hidden layer: one keep mask per step, rows × 3 features.
  const dropped = () => ({
    ...good(),
    spec: { inputs: 2, layers: [{ units: 3, activation: 'relu' }, { type: 'dropout' }, { units: 2 }], loss: 'softmax_cross_entropy' },
    init: [good().init[0], {}, good().init[1]],
    dropoutMasks: { 1: ['101011', '010', '111000'] },
  });
  const withBn = () => ({
    ...good(),
    spec: { inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { type: 'batchnorm1d', momentum: null }, { units: 2 }], loss: 'softmax_cross_entropy' },
    init: [good().init[0], { weight: [1, 0.5, 2], bias: [0, 0.1, -0.1], running_var: [2, 2, 2], num_batches_tracked: [3] }, good().init[1]],
    batches: [[0, 1], [1, 2]],
  });
  it('starts batch norm from the given buffers (torch\'s for the rest) and reports them after training', () => {
    const r = run(withBn());
    expect(Object.keys(r.state![1])).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    expect(r.state![1].num_batches_tracked).toEqual([3 + 3]);
    expect(r.state![0]).toEqual({});
    // momentum null from 3 batches tracked: the mean is the average of 0, 0, 0 and the three batches' means.
    expect(r.state![1].running_mean.every((m) => m !== 0)).toBe(true);
    const fresh = run({ ...withBn(), init: [good().init[0], { weight: [1, 0.5, 2], bias: [0, 0.1, -0.1] }, good().init[1]] });
    expect(fresh.state![1].num_batches_tracked).toEqual([3]);
    expect(fresh.losses[0]).toBe(r.losses[0]); // training normalises with the batch's statistics
    expect(fresh.evalOutputs).not.toEqual(r.evalOutputs); // evaluation with the running ones
  });
  it('feeds each step its keep masks, as a string or an array of 0 and 1', () => {
    const a = run(dropped());
    expect(run({ ...dropped(), dropoutMasks: { 1: [[1, 0, 1, 0, 1, 1], '010', [1, 1, 1, 0, 0, 0]] } })).toEqual(a);
    const other = run({ ...dropped(), dropoutMasks: { 1: ['111111', '010', '111000'] } });
    expect(other.losses[0]).not.toBe(a.losses[0]);
    expect(other.losses[1]).not.toBe(a.losses[1]);
    // Evaluation passes values through: the trained network's outputs, no mask applied.
    expect(a.evalOutputs).toHaveLength(3 * 2);
  });

  const bad: [string, (c: any) => unknown, string, string][] = [
    ['not an object', () => [1, 2], 'ReplayFormatError', 'case'],
    ['unknown key', (c) => ({ ...c, seed: 1 }), 'ReplayFormatError', 'case.seed'],
    ['missing batches', ({ batches, ...c }) => c, 'ReplayFormatError', 'case.batches'],
    ['n disagrees with x', (c) => ({ ...c, n: 4 }), 'ReplayFormatError', 'case.x'],
    ['label out of range', (c) => ({ ...c, y: [0, 2, 1] }), 'DataError', 'case.y[1]'],
    ['nested y for cross-entropy', (c) => ({ ...c, y: [[0], [1], [1]] }), 'DataError', 'case.y'],
    ['flat y for mse', (c) => ({ ...c, spec: { ...c.spec, loss: 'mse' }, y: [0, 1, 1] }), 'ReplayFormatError', 'case.y'],
    ['batch index out of range', (c) => ({ ...c, batches: [[0, 3]] }), 'ReplayFormatError', 'case.batches[0][1]'],
    ['empty batch', (c) => ({ ...c, batches: [[]] }), 'ReplayFormatError', 'case.batches[0]'],
    ['negative steps', (c) => ({ ...c, steps: -1 }), 'ReplayFormatError', 'case.steps'],
    ['init of wrong size', (c) => ({ ...c, init: [c.init[0], { ...c.init[1], bias: [1] }] }), 'DataError', 'case.init[1].bias'],
    ['init missing a layer', (c) => ({ ...c, init: [c.init[0]] }), 'ReplayFormatError', 'case.init'],
    ['unknown optimizer option', (c) => ({ ...c, optimizer: { type: 'adam', momentum: 0.9 } }), 'ConfigError', 'optimizer.momentum'],
    ['bad activation', (c) => ({ ...c, spec: { ...c.spec, layers: [{ units: 3, activation: 'swish' }, c.spec.layers[1]] } }), 'ConfigError', 'spec.layers[0].activation'],
    ['schedule not an object', (c) => ({ ...c, schedule: 'cosine' }), 'ReplayFormatError', 'case.schedule'],
    ['schedule of no known type', (c) => ({ ...c, schedule: { type: 'warmup' } }), 'ConfigError', 'case.schedule.type'],
    ['bad schedule option', (c) => ({ ...c, schedule: { type: 'stepLR', stepSize: 0 } }), 'ConfigError', 'case.schedule.stepSize'],
    ['bad schedule interval', (c) => ({ ...c, schedule: { type: 'stepLR', stepSize: 1, interval: 'batch' } }), 'ReplayFormatError', 'case.schedule.interval'],
    ['schedule with a monitor', (c) => ({ ...c, schedule: { type: 'reduceLROnPlateau', monitor: 'val_loss' } }), 'ConfigError', 'case.schedule.monitor'],
    ['lambdaLR (JSON has no functions)', (c) => ({ ...c, schedule: { type: 'lambdaLR', lrLambda: '0.95 ** epoch' } }), 'ConfigError', 'case.schedule.lrLambda'],
    ['cyclicLR cycling Adam', (c) => ({ ...c, optimizer: { type: 'adam' }, schedule: { type: 'cyclicLR', baseLr: 0.01, maxLr: 0.1 } }), 'ConfigError', 'case.schedule.cycleMomentum'],
    ['an init that is not an object', () => ({ ...layered(), init: [[], ...layered().init.slice(1)] }), 'ReplayFormatError', 'case.init[0]'],
    ['a tensor the layer does not have', () => ({ ...layered(), init: [{ weight: [] }, ...layered().init.slice(1)] }), 'ReplayFormatError', 'case.init[0].weight'],
    ['a bias on a conv2d without one', () => ({
      ...good(), spec: { inputs: [1, 1, 2], layers: [{ type: 'conv2d', outChannels: 1, kernelSize: 1, padding: 0, bias: false }, { type: 'flatten' }, { units: 2 }], loss: 'softmax_cross_entropy' },
      init: [{ weight: [0.5], bias: [0] }, {}, good().init[1]],
    }), 'ReplayFormatError', 'case.init[0].bias'],
    ['a conv2d weight of the wrong size', () => ({
      ...good(), spec: { inputs: [1, 1, 2], layers: [{ type: 'conv2d', outChannels: 1, kernelSize: 1, padding: 0 }, { type: 'flatten' }, { units: 2 }], loss: 'softmax_cross_entropy' },
      init: [{ weight: [0.5, 1], bias: [0] }, {}, good().init[1]],
    }), 'DataError', 'case.init[0].weight'],
    ['a batch norm weight missing', () => ({ ...withBn(), init: [good().init[0], { bias: [0, 0, 0] }, good().init[1]] }), 'DataError', 'case.init[1].weight'],
    ['a fractional num_batches_tracked', () => ({ ...withBn(), init: [good().init[0], { ...withBn().init[1], num_batches_tracked: [1.5] }, good().init[1]] }), 'DataError', 'case.init[1].num_batches_tracked'],
    ['a running_mean of the wrong size', () => ({ ...withBn(), init: [good().init[0], { ...withBn().init[1], running_mean: [0, 0] }, good().init[1]] }), 'DataError', 'case.init[1].running_mean'],
    ['a batch of 1 row through batch norm over features', () => ({ ...withBn(), batches: [[0, 1], [2]] }), 'DataError', 'case.batches[1]'],
    ['a mask of the wrong length for its batch', () => ({ ...dropped(), batches: [[0, 1], [1, 2]], dropoutMasks: { 1: ['101011', '010', '111000'] } }), 'ReplayFormatError', 'case.dropoutMasks.1[1]'],
    ['a dropout layer with p > 0 and no masks', () => ({ ...dropped(), dropoutMasks: undefined }), 'ReplayFormatError', 'case.dropoutMasks.1'],
    ['dropoutMasks not an object', () => ({ ...dropped(), dropoutMasks: ['101011'] }), 'ReplayFormatError', 'case.dropoutMasks'],
    ['masks for a layer that is not dropout', () => ({ ...dropped(), dropoutMasks: { ...dropped().dropoutMasks, 0: ['1', '1', '1'] } }), 'ReplayFormatError', 'case.dropoutMasks.0'],
    ['masks for a layer index out of range', () => ({ ...dropped(), dropoutMasks: { ...dropped().dropoutMasks, 7: [] } }), 'ReplayFormatError', 'case.dropoutMasks.7'],
    ['one mask too few', () => ({ ...dropped(), dropoutMasks: { 1: ['101011', '010'] } }), 'ReplayFormatError', 'case.dropoutMasks.1'],
    ['a mask of the wrong length', () => ({ ...dropped(), dropoutMasks: { 1: ['101011', '0101', '111000'] } }), 'ReplayFormatError', 'case.dropoutMasks.1[1]'],
    ['a mask with a 2', () => ({ ...dropped(), dropoutMasks: { 1: ['101011', '012', '111000'] } }), 'ReplayFormatError', 'case.dropoutMasks.1[1]'],
    ['a mask array with 0.5', () => ({ ...dropped(), dropoutMasks: { 1: ['101011', [0, 0.5, 1], '111000'] } }), 'ReplayFormatError', 'case.dropoutMasks.1[1]'],
  ];
  it.each(bad)('rejects a case with %s', (_, mutate, name, path) => {
    expect(() => run(mutate(good()))).toThrow(expect.objectContaining({ name, path }));
  });
});
