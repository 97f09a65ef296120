// The replay format's edge: every malformed case is a typed error naming the bad field,
// steps: 0 yields the initial parameters with the step-0 gradients, and an optional schedule
// sets each step's lr (and momentum); test/golden.test.ts checks scheduled cases against torch.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runReplay } from '../src/train/replay.js';
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
  ];
  it.each(bad)('rejects a case with %s', (_, mutate, name, path) => {
    expect(() => run(mutate(good()))).toThrow(expect.objectContaining({ name, path }));
  });
});
