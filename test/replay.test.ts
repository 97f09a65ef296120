// The replay format's edge: every malformed case is a typed error naming the bad field,
// and steps: 0 yields the initial parameters with the step-0 gradients.
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
  ];
  it.each(bad)('rejects a case with %s', (_, mutate, name, path) => {
    expect(() => run(mutate(good()))).toThrow(expect.objectContaining({ name, path }));
  });
});
