// Histograms of diagnostics reports (descent/diagnostics): each layer's weights, raw weight
// gradients and outputs, binned over their finite range, against a plain reference binning
// of the same values; numpy's edge conventions; the history's copy; option errors.
import { describe, expect, it } from 'vitest';
import { histograms } from '../src/diagnostics/histograms.js';
import type { DiagnosticsReport, NetworkSpec, DenseLayerSpec } from '../src/types.js';
import { activationForward } from './reference/activations.js';
import { denseForward } from './reference/dense.js';
import { makeNetwork } from './helpers/network.js';

/** numpy.histogram(values, bins) over the finite values' range (widened ±0.5 when it is one value). */
function reference(values: ArrayLike<number>, bins: number): { lo: number; hi: number; counts: number[] } {
  const finite = Array.from(values).filter(Number.isFinite);
  const counts = new Array<number>(bins).fill(0);
  if (finite.length === 0) return { lo: NaN, hi: NaN, counts };
  let lo = Math.min(...finite), hi = Math.max(...finite);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  for (const v of finite) counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]++;
  return { lo, hi, counts };
}

/** Counts agree up to values that sit on a bin edge (f32 vs f64 arithmetic may put them either side). */
function expectSameBinning(got: { lo: number; hi: number; counts: ArrayLike<number> }, want: ReturnType<typeof reference>, label: string) {
  expect(got.lo, `${label} lo`).toBeCloseTo(want.lo, 5);
  expect(got.hi, `${label} hi`).toBeCloseTo(want.hi, 5);
  const counts = Array.from(got.counts);
  expect(counts.reduce((s, c) => s + c, 0), `${label} total`).toBe(want.counts.reduce((s, c) => s + c, 0));
  const moved = counts.reduce((s, c, b) => s + Math.abs(c - want.counts[b]), 0);
  expect(moved, `${label}: ${counts} vs ${want.counts}`).toBeLessThanOrEqual(2);
}

const spec: Omit<NetworkSpec, 'inputs' | 'layers'> & { inputs: number; layers: DenseLayerSpec[] } = {
  inputs: 5, layers: [{ units: 30, activation: 'sigmoid' }, { units: 12, activation: 'relu' }, { units: 3 }],
  loss: 'softmax_cross_entropy', init: 'xavier_normal', seed: 9,
};
const rows = 40;
const x = Array.from({ length: rows }, (_, r) => Array.from({ length: 5 }, (_, c) => Math.sin(r * 0.9 + c * 2.1) * 3));
const y = Array.from({ length: rows }, (_, r) => r % 3);

describe('histograms in a report', () => {
  it('bin each layer\'s weights after the update, its outputs on the batch and its raw weight gradient, as numpy would', () => {
    const bins = 16;
    const net = makeNetwork(spec);
    const before = net.getParameters();
    let report: DiagnosticsReport | null = null;
    const t = net.trainer(x, y, { optimizer: { type: 'sgd', lr: 0.5 }, mode: 'batch', diagnostics: { every: 1, histograms: histograms({ bins }) }, onDiagnostics: (r) => { report = r; } });
    t.step();
    const h = report!.histograms!;
    expect(h.bins).toBe(bins);
    const after = net.getParameters();
    let input: ArrayLike<number> = x.flat();
    let width = spec.inputs;
    spec.layers.forEach((layer, l) => {
      const pick = (kind: 'weights' | 'gradients' | 'activations') => {
        const k = h[kind];
        return { lo: k.lo[l], hi: k.hi[l], counts: k.counts.subarray(l * bins, (l + 1) * bins) };
      };
      expectSameBinning(pick('weights'), reference(after[l].weight, bins), `weights ${l}`);
      // SGD without momentum: ∂W = (W_before − W_after) / lr, exactly the raw gradient up to f32 rounding.
      const grad = before[l].weight.map((w, i) => (w - after[l].weight[i]) / 0.5);
      const g = pick('gradients');
      expect(g.counts.reduce((s, c) => s + c, 0)).toBe(grad.length);
      expect(g.lo).toBeCloseTo(Math.min(...grad), 4);
      expect(g.hi).toBeCloseTo(Math.max(...grad), 4);
      const z = denseForward(input, before[l].weight, before[l].bias, rows, width, layer.units);
      const a = activationForward((layer.activation ?? 'linear') as never, z);
      expectSameBinning(pick('activations'), reference(a, bins), `outputs ${l}`);
      input = a;
      width = layer.units;
    });
  });

  it('are null without the option, and the history keeps each epoch\'s last as plain arrays', () => {
    const net = makeNetwork(spec);
    const seen: (DiagnosticsReport['histograms'])[] = [];
    net.trainer(x, y, { optimizer: { type: 'adam' }, batchSize: 8, diagnostics: { every: 1 }, onDiagnostics: (r) => seen.push(r.histograms) }).step();
    expect(seen).toEqual([null]);

    let last: DiagnosticsReport | null = null;
    const history = net.fitSync(x, y, {
      optimizer: { type: 'adam' }, batchSize: 8, epochs: 2, preflight: 'off',
      diagnostics: { every: 2, histograms: histograms({ bins: 8 }) }, onDiagnostics: (r) => { last = r; },
    });
    const kept = history.epochs[1].diagnostics!.histograms!;
    expect(kept.bins).toBe(8);
    expect(kept.weights.counts).toHaveLength(3);
    expect(kept.activations.counts[1]).toEqual(Array.from(last!.histograms!.activations.counts.subarray(8, 16)));
    expect(kept.gradients.lo).toEqual(Array.from(last!.histograms!.gradients.lo));
    expect(JSON.parse(JSON.stringify(kept))).toEqual(kept);
    // Every output of every row is counted once.
    kept.activations.counts.forEach((c, l) => expect(c.reduce((s, n) => s + n, 0)).toBe(8 * spec.layers[l].units));
  });

  it('a layer of one value bins it in the middle of ±0.5 (as numpy); non-finite values are left out', () => {
    const net = makeNetwork({ inputs: 2, layers: [{ units: 4, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', init: 'zeros', seed: 1 });
    let h: DiagnosticsReport['histograms'] = null;
    // lr 0: the zero weights stay zero.
    net.trainer([[1, 2], [3, 4]], [0, 1], { optimizer: { type: 'sgd', lr: 0 }, mode: 'batch', diagnostics: { every: 1, histograms: histograms({ bins: 4 }) }, onDiagnostics: (r) => { h = r.histograms; } }).step();
    expect([h!.weights.lo[0], h!.weights.hi[0]]).toEqual([-0.5, 0.5]);
    expect(Array.from(h!.weights.counts.subarray(0, 4))).toEqual([0, 0, 8, 0]);

    // A rate of 1e30 overflows the weights within a few steps: what is left finite is what is counted.
    const blown = makeNetwork({ inputs: 2, layers: [{ units: 4, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 1 });
    const t = blown.trainer([[1, 2], [3, 4]], [0, 1], { optimizer: { type: 'sgd', lr: 1e30 }, mode: 'batch', diagnostics: { every: 1, histograms: histograms({ bins: 4 }) } });
    let sawNonFinite = false;
    for (let step = 0; step < 6; step++) {
      t.step();
      const finite = blown.getParameters()[0].weight.filter(Number.isFinite).length;
      sawNonFinite ||= finite < 8;
      expect(t.diagnostics!.histograms!.weights.counts.subarray(0, 4).reduce((s, c) => s + c, 0)).toBe(finite);
    }
    expect(sawNonFinite).toBe(true);
  });
});

describe('histograms() options', () => {
  it('default to 32 bins and reject what is not 2 to 256 bins, naming the value', () => {
    expect(histograms().bins).toBe(32);
    expect(histograms({ bins: 256 }).bins).toBe(256);
    for (const bins of [1, 257, 2.5, NaN]) expect(() => histograms({ bins })).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'histograms().bins', value: bins }));
    expect(() => histograms({ bin: 3 } as never)).toThrow(/bin is not a histograms option/);
  });

  it('diagnostics.histograms takes only what histograms() makes', () => {
    const net = makeNetwork(spec);
    expect(() => net.trainer(x, y, { optimizer: { type: 'sgd', lr: 0.1 }, diagnostics: { histograms: true as never } }))
      .toThrow(expect.objectContaining({ name: 'ConfigError', path: 'options.diagnostics.histograms' }));
    expect(() => net.trainer(x, y, { optimizer: { type: 'sgd', lr: 0.1 }, diagnostics: { histograms: { bins: 8 } as never } })).toThrow(/histograms\(\{ bins \}\) from 'descent\/diagnostics'/);
  });
});
