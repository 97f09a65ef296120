// The NaN/Inf guard: one row whose values overflow f32 in the second layer makes exactly
// its step non-finite. 'throw' names step, layer and where and leaves the weights as they
// were; 'skip' leaves the update out entirely (the run equals one without that row, Adam's
// step count included); 'recover' goes back to the last snapshot with half the rate; 'off'
// lets the NaN through.
import { describe, expect, it } from 'vitest';
import type { FitOptions, NetworkSpec } from '../src/types.js';
import { makeNetwork, xorData } from './helpers/network.js';

const spec: NetworkSpec = { inputs: 2, layers: [{ units: 16, activation: 'relu' }, { units: 16, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 3 };
const clean = xorData(40, 2);
const POISON = 7;
// Row 7 holds 3.4e38s (near the f32 maximum): finite data, but the first layer's sums overflow f32.
const x = clean.x.map((r, i) => (i === POISON ? [3.4e38, 3.4e38] : r));
const options: FitOptions = { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 1, shuffle: false, epochs: 2, preflight: 'off' };
const finite = (net: ReturnType<typeof makeNetwork>) => net.getParameters().every((l) => [...l.weight, ...l.bias].every(Number.isFinite));

describe('the guard', () => {
  it("'off' (the default) lets the non-finite loss through", () => {
    const net = makeNetwork(spec);
    const h = net.fitSync(x, clean.y, options);
    expect(h.guardEvents).toEqual([]);
    expect(finite(net)).toBe(false);
  });

  it("'throw': a NumericalError naming the step, the layer and where, the weights as they were", () => {
    const net = makeNetwork(spec);
    let before: ReturnType<typeof net.getParameters> | null = null;
    let error: unknown;
    try {
      net.fitSync(x, clean.y, { ...options, guard: 'throw', onBatchEnd: () => { before = net.getParameters(); } });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'NumericalError', step: POISON + 1, layer: 0, path: 'activations' });
    expect((error as Error).message).toMatch(/non-finite activations at step 8 in layer 0/);
    expect(net.getParameters()).toEqual(before);
  });

  it("'skip' leaves that update out: the run equals one without the row, Adam's step count included", () => {
    const net = makeNetwork(spec);
    const h = net.fitSync(x, clean.y, { ...options, guard: 'skip' });
    expect(h.guardEvents).toEqual([
      { step: POISON + 1, epoch: 0, layer: 0, where: 'activations', cause: 'non-finite', action: 'skipped' },
      { step: 40 + POISON + 1, epoch: 1, layer: 0, where: 'activations', cause: 'non-finite', action: 'skipped' },
    ]);
    const keep = (_: unknown, i: number) => i !== POISON;
    const without = makeNetwork(spec);
    without.fitSync(clean.x.filter(keep), clean.y.filter(keep), options);
    expect(net.getParameters()).toEqual(without.getParameters());
  });

  it("'recover' restores the last snapshot with half the rate, then throws after maxRecoveries", () => {
    const net = makeNetwork(spec);
    const lrs: number[] = [];
    const h = net.fitSync(x, clean.y, { ...options, guard: { mode: 'recover', snapshotEvery: 5 }, onBatchEnd: (b) => { lrs.push(b.lr); } });
    expect(h.guardEvents.map((e) => [e.step, e.action, e.lrScale, e.restoredStep])).toEqual([[8, 'recovered', 0.5, 5], [48, 'recovered', 0.25, 45]]);
    expect(lrs[6]).toBe(0.01);
    expect(lrs[8]).toBe(0.005);
    expect(lrs[79]).toBe(0.0025);
    expect(finite(net)).toBe(true);
    expect(() => makeNetwork(spec).fitSync(x, clean.y, { ...options, guard: { mode: 'recover', maxRecoveries: 1 } }))
      .toThrow(expect.objectContaining({ name: 'NumericalError', step: 48, message: expect.stringMatching(/after 1 recoveries/) }));
  });

  it.each<[unknown, string]>([
    ['always', 'options.guard'],
    [{ mode: 'recover', snapshotEvery: 0 }, 'options.guard.snapshotEvery'],
    [{ mode: 'recover', maxRecoveries: -1 }, 'options.guard.maxRecoveries'],
    [{ mode: 'skip', patience: 1 }, 'options.guard.patience'],
    [{ mode: 'never' }, 'options.guard.mode'],
  ])('guard %j is a ConfigError naming %s', (guard, path) => {
    expect(() => makeNetwork(spec).fitSync(x, clean.y, { ...options, guard } as FitOptions)).toThrow(expect.objectContaining({ name: 'ConfigError', path }));
  });
});
