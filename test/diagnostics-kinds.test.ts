// Diagnostics of networks of every layer kind: a layer without weights (pool, flatten,
// dropout, activation layer) has NaN weight figures and is left out of every sum and
// comparison; ∂L/∂a is followed through every layer (checked against what each kind does to
// a gradient: flatten copies it, a 2×2 max pool routes each to one input, a dense layer
// multiplies by W); dead units after a convolution are channels; a batch norm's γ and β
// gradients and its ∂L/∂a gain are reported, and undo a rescaled convolution before it;
// verdicts, histograms and CSV; and a reporting step on such a network allocates nothing.
// Gradient norms are checked against the update of plain SGD, ‖ΔW‖ / lr, which does not go
// through the statistics.
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { diagnosticsCsv } from '../src/diagnostics/csv.js';
import { histograms } from '../src/diagnostics/histograms.js';
import { resolveThresholds, VerdictJudge, type JudgedLayer } from '../src/diagnostics/verdicts.js';
import { LAYER_STATISTICS } from '../src/names.js';
import type { DiagnosticsReport, NetworkSpec, Verdict } from '../src/types.js';
import { makeNetwork } from './helpers/network.js';
import { testThreads } from './helpers/wasm.js';

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
const rms = (v: ArrayLike<number>) => norm(v) / Math.sqrt(v.length);
const near = (got: number, want: number, rel = 1e-4, abs = 1e-9) => Math.abs(got - want) <= abs + rel * Math.abs(want);
const copy = (r: DiagnosticsReport) => structuredClone({ ...r });
const WEIGHT_FIGURES = ['weightGradNorm', 'biasGradNorm', 'weightNorm', 'biasNorm', 'weightUpdateNorm', 'biasUpdateNorm', 'gradToData', 'updateToData'] as const;

/** Seeded uniform values in [0, 1). */
function uniforms(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/**
 * `rows` images of [1, 6, 6] with pixels in [0, 1) and the two left columns blank (an
 * image's border), labels from the right half's brightness.
 */
function images(rows: number, seed = 5) {
  const u = uniforms(seed);
  const x = Array.from({ length: rows }, () => Array.from({ length: 36 }, (_, i) => (i % 6 < 2 ? 0 : u())));
  const y = x.map((r) => (r.filter((_, i) => i % 6 >= 3).reduce((a, b) => a + b, 0) > 9 ? 1 : 0));
  return { x, y };
}

// conv 3@3×3 (padding 1) ReLU → [3, 6, 6] → maxpool 2 → [3, 3, 3] → flatten → dense 2.
const convNet: NetworkSpec = {
  inputs: [1, 6, 6],
  layers: [{ type: 'conv2d', outChannels: 3, kernelSize: 3, padding: 1, activation: 'relu' }, { type: 'maxpool2d', kernelSize: 2 }, { type: 'flatten' }, { units: 2 }],
  loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 1,
};
const ROWS = 16;
const LR = 0.1;

/** One full-batch SGD step on `spec` with a report: the report, the parameters before and after. */
function step(spec: NetworkSpec, data: { x: number[][]; y: number[] }, prepare?: (p: ReturnType<ReturnType<typeof makeNetwork>['getParameters']>) => void, options: { lr?: number; histograms?: boolean } = {}) {
  const net = makeNetwork(spec);
  if (prepare) {
    const p = net.getParameters();
    prepare(p);
    net.setParameters(p);
  }
  const before = net.getParameters();
  const logits = net.predict(data.x).outputs;
  let report: ReturnType<typeof copy> | null = null;
  const t = net.trainer(data.x, data.y, {
    optimizer: { type: 'sgd', lr: options.lr ?? LR }, mode: 'batch',
    diagnostics: { every: 1, deadWindow: data.y.length, ...(options.histograms ? { histograms: histograms({ bins: 8 }) } : {}) },
    onDiagnostics: (r) => { report = copy(r); },
  });
  t.step();
  const after = net.getParameters();
  net.dispose();
  return { r: report!, before, after, logits };
}

describe('a conv → maxpool → flatten → dense network', () => {
  const data = images(ROWS);

  it('layers without weights have NaN weight figures; the others match SGD\'s update; gradNorm adds the tensors there are', () => {
    const { r, before, after } = step(convNet, data);
    expect(r.layers).toBe(4);
    for (const l of [1, 2]) {
      for (const f of WEIGHT_FIGURES) expect(r[f][l], `${f}[${l}]`).toBeNaN();
      expect([r.saturated[l], r.dead[l]]).toEqual([NaN, NaN]);
      expect([r.nonFiniteActivations[l], r.nonFiniteGradients[l], r.nonFiniteParameters[l]]).toEqual([0, 0, 0]);
    }
    let total = 0;
    for (const l of [0, 3]) {
      // Plain SGD: Δθ = −lr·g, so ‖g‖ = ‖Δθ‖ / lr.
      const dW = after[l].weight.map((w, i) => w - before[l].weight[i]);
      const db = after[l].bias.map((b, i) => b - before[l].bias[i]);
      expect(near(r.weightGradNorm[l], norm(dW) / LR, 1e-3), `‖∂W${l}‖`).toBe(true);
      expect(near(r.biasGradNorm[l], norm(db) / LR, 1e-3), `‖∂b${l}‖`).toBe(true);
      expect(near(r.weightNorm[l], norm(after[l].weight))).toBe(true);
      expect(near(r.weightUpdateNorm[l], norm(dW), 1e-3)).toBe(true);
      expect(Number.isFinite(r.gradToData[l]) && Number.isFinite(r.updateToData[l])).toBe(true);
      total += r.weightGradNorm[l] ** 2 + r.biasGradNorm[l] ** 2;
    }
    expect(near(r.gradNorm, Math.sqrt(total))).toBe(true);
    expect(r.weightGradNorm[0]).toBeGreaterThan(0);
  });

  it('follows ∂L/∂a through every layer: dense multiplies by W, flatten copies, a 2×2 max pool routes each gradient to one input', () => {
    const { r, before, logits } = step(convNet, data);
    // Softmax cross-entropy, mean over the batch: ∂L/∂logits = (softmax − one-hot) / rows.
    const delta = Array.from({ length: ROWS }, (_, i) => {
      const z = [logits[2 * i], logits[2 * i + 1]];
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const s = e[0] + e[1];
      return e.map((v, c) => (v / s - (data.y[i] === c ? 1 : 0)) / ROWS);
    });
    expect(near(r.activationGradRms[3], rms(delta.flat()), 1e-4)).toBe(true);
    // Into the dense layer: δ·W, W of [2, 27].
    const W = before[3].weight;
    const dx = delta.flatMap((d) => Array.from({ length: 27 }, (_, j) => d[0] * W[j] + d[1] * W[27 + j]));
    expect(near(r.activationGradRms[2], rms(dx), 1e-4)).toBe(true);
    // Flatten passes the same values back: the same sums, to the bit.
    expect(r.activationGradRms[1]).toBe(r.activationGradRms[2]);
    expect([r.activationMean[1], r.activationStd[1]]).toEqual([r.activationMean[2], r.activationStd[2]]);
    // Non-overlapping 2×2 windows: every output's gradient lands on one of its 4 inputs, so
    // Σ(∂L/∂a)² is kept and the RMS over 4× the values halves.
    expect(near(r.activationGradRms[0], r.activationGradRms[1] / 2, 1e-5)).toBe(true);
    for (let l = 0; l < 4; l++) expect(r.activationGradRms[l], `layer ${l}`).toBeGreaterThan(0);
  });

  it('counts dead channels, not dead positions (a blank border leaves positions of a live channel silent)', () => {
    // Channel 0: positive weights, fires wherever its window sees a pixel (not at column 0,
    // whose window is padding and the blank border). Channel 1: a bias of −1000. Channel 2:
    // non-positive weights on non-negative pixels. Channels 1 and 2 never fire.
    const { r } = step(convNet, data, (p) => {
      for (let i = 0; i < 9; i++) {
        p[0].weight[i] = Math.abs(p[0].weight[i]) + 0.01;
        p[0].weight[18 + i] = -p[0].weight[i];
      }
      p[0].bias[1] = -1000;
    });
    expect(r.dead[0]).toBe(2 / 3);
    // Counted by position it would be (36 + 36 + the 6 of column 0) / 108.
    expect(r.dead[0]).not.toBeCloseTo(78 / 108, 3);
  });

  it('raises dead for a conv layer naming its kind and channels', () => {
    const net = makeNetwork(convNet);
    const p = net.getParameters();
    // Channels 0 and 1 never fire (a dead ReLU passes no gradient, so they stay so); channel 2 fires.
    for (let c = 0; c < 2; c++) p[0].bias[c] = -1000;
    for (let i = 18; i < 27; i++) p[0].weight[i] = Math.abs(p[0].weight[i]) + 0.01;
    net.setParameters(p);
    const verdicts: Verdict[] = [];
    const t = net.trainer(data.x, data.y, { optimizer: { type: 'sgd', lr: 0.01 }, mode: 'batch', diagnostics: { every: 1, deadWindow: ROWS }, onVerdict: (v) => verdicts.push(v) });
    for (let i = 0; i < 3; i++) t.step();
    net.dispose();
    const dead = verdicts.filter((v) => v.code === 'dead');
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ layer: 0, step: 3 });
    expect(dead[0].message).toMatch(/^dead: conv2d layer 0: fraction of ReLU channels dead 0\.667$/);
    // Nothing else: a pool's or a flatten's missing weights are not a vanishing gradient.
    expect(verdicts.map((v) => v.code)).toEqual(['dead']);
  });

  it('histograms: no weight or gradient bins for a layer without weights; its outputs are binned', () => {
    const { r } = step(convNet, data, undefined, { histograms: true });
    const h = r.histograms!;
    const sum = (c: Uint32Array, l: number) => c.subarray(l * h.bins, (l + 1) * h.bins).reduce((a, b) => a + b, 0);
    for (const l of [1, 2]) {
      expect([h.weights.lo[l], h.weights.hi[l], h.gradients.lo[l], h.gradients.hi[l]]).toEqual([NaN, NaN, NaN, NaN]);
      expect(sum(h.weights.counts, l) + sum(h.gradients.counts, l)).toBe(0);
    }
    expect(sum(h.activations.counts, 1)).toBe(ROWS * 27);
    expect(sum(h.activations.counts, 0)).toBe(ROWS * 108);
    expect(sum(h.weights.counts, 0)).toBe(27); // 3 × 1 × 3 × 3
    expect(sum(h.gradients.counts, 3)).toBe(54);
  });

  it('the epoch summary and its CSV: figures that do not apply are NaN in the history, empty cells in the CSV', () => {
    const net = makeNetwork(convNet);
    const history = net.fitSync(data.x, data.y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 4, epochs: 2, diagnostics: { every: 2 } });
    net.dispose();
    const d = history.epochs[1].diagnostics!;
    expect(d.mean.weightGradNorm[1]).toBeNaN();
    expect(Number.isFinite(d.mean.gradNorm) && Number.isFinite(d.mean.weightGradNorm[0])).toBe(true);
    const csv = diagnosticsCsv(history).trim().split('\n');
    expect(csv).toHaveLength(1 + 2 * (2 + LAYER_STATISTICS.length * 4));
    expect(csv.join('\n')).not.toMatch(/NaN/);
    expect(csv).toContain('1,1,weightGradNorm,,');
    expect(csv).toContain('1,2,updateToData,,');
    expect(csv.find((l) => l.startsWith('1,0,weightGradNorm,'))).toMatch(/^1,0,weightGradNorm,\d[\d.e+-]*,\d[\d.e+-]*$/);
    expect(csv.find((l) => l.startsWith('1,1,activationGradRms,'))).toMatch(/^1,1,activationGradRms,\d[\d.e+-]*,\d[\d.e+-]*$/);
  });
});

describe('a reporting step allocates nothing', () => {
  // test/allocation.test.ts's measure: new space's growth over 10,000 steps, in a window
  // without a GC, the least of up to 8 windows, under 10 KB.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
  const newSpaceUsed = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;

  it('on a conv → maxpool → flatten → dropout → dense network, reports on every step, dead channels and histograms', async () => {
    const spec: NetworkSpec = { ...convNet, layers: [...convNet.layers.slice(0, 3), { type: 'dropout', p: 0.2 }, convNet.layers[3]] };
    const net = makeNetwork(spec);
    const data = images(64, 8);
    let seen = 0;
    const t = net.trainer(data.x, data.y, {
      optimizer: { type: 'sgd', lr: 0.01, momentum: 0.9 }, batchSize: 16,
      diagnostics: { every: 1, deadWindow: 32, histograms: histograms({ bins: 16 }) },
      onDiagnostics: (r) => { seen += r.dead[0] >= 0 && r.weightGradNorm[1] !== r.weightGradNorm[1] ? 1 : 0; },
    });
    for (let i = 0; i < 2_000; i++) t.step();
    let least = Infinity;
    const windows: string[] = [];
    for (let w = 0; w < 8 && !(least < 10_000); w++) {
      if (w > 0) await new Promise((resolve) => setTimeout(resolve, 25));
      gc({ type: 'minor' });
      const profiler = new v8.GCProfiler();
      profiler.start();
      const start = newSpaceUsed();
      for (let i = 0; i < 10_000; i++) t.step();
      const end = newSpaceUsed();
      const clean = profiler.stop().statistics.length === 0 && end >= start;
      windows.push(clean ? `${end - start} B` : 'GC inside');
      if (clean) least = Math.min(least, end - start);
    }
    net.dispose();
    expect(least, `new space growth per window: ${windows.join(', ')}`).toBeLessThan(10_000);
    // Every report read a dead fraction of channels and a pool's NaN weight figure.
    expect(seen).toBeGreaterThan(10_000);
  });
});

describe('activation and dropout layers', () => {
  // dense (linear) → ReLU as a layer → dropout → dense.
  const spec: NetworkSpec = {
    inputs: 4, layers: [{ units: 6 }, { type: 'activation', activation: 'relu' }, { type: 'dropout', p: 0.25 }, { units: 2 }],
    loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 2,
  };
  const u = uniforms(9);
  const x = Array.from({ length: 12 }, () => Array.from({ length: 4 }, () => 2 * u() - 1));
  const y = x.map((r) => (r[0] > 0 ? 1 : 0));

  it('a ReLU layer of its own is tracked for dead units; the dense layer before it (linear) is not; neither it nor the dropout has weight figures', () => {
    const { r } = step(spec, { x, y }, (p) => {
      p[0].bias[4] = -1000; // unit 4 is dead after the ReLU layer
    });
    expect(r.dead[0]).toBeNaN();
    expect(r.dead[1]).toBeGreaterThanOrEqual(1 / 6);
    for (const l of [1, 2]) for (const f of WEIGHT_FIGURES) expect(r[f][l]).toBeNaN();
    expect(Number.isFinite(r.weightGradNorm[0]) && Number.isFinite(r.weightGradNorm[3])).toBe(true);
    for (let l = 0; l < 4; l++) expect(r.activationGradRms[l]).toBeGreaterThan(0);
  });
});

// Batch norm refuses threads (it needs the whole batch's statistics).
describe.skipIf(testThreads > 1)('batch norm', () => {
  // conv 4@3×3 (linear) → batchnorm2d (ReLU) → flatten → dense 3.
  const spec: NetworkSpec = {
    inputs: [2, 4, 4],
    layers: [{ type: 'conv2d', outChannels: 4, kernelSize: 3, padding: 1 }, { type: 'batchnorm2d', activation: 'relu' }, { type: 'flatten' }, { units: 3 }],
    loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 3,
  };
  const u = uniforms(11);
  const x = Array.from({ length: 10 }, () => Array.from({ length: 32 }, () => 2 * u() - 1));
  const y = x.map((r) => (r[0] + r[17] > 0 ? 1 : r[5] > 0 ? 2 : 0));

  it('reports γ and β gradients as its weight and bias figures, and undoes a rescaled convolution before it', () => {
    const a = step(spec, { x, y }, undefined, { lr: 0.01 });
    // The same network with the convolution's weights and bias ×10: the batch norm's output is
    // the same, so is every gradient after it; the gradient into it, and the convolution's, are 10× smaller.
    const b = step(spec, { x, y }, (p) => {
      p[0].weight = p[0].weight.map((w) => w * 10);
      p[0].bias = p[0].bias.map((v) => v * 10);
    }, { lr: 0.01 });
    const dGamma = a.after[1].weight.map((g, i) => g - a.before[1].weight[i]);
    const dBeta = a.after[1].bias.map((v, i) => v - a.before[1].bias[i]);
    expect(near(a.r.weightGradNorm[1], norm(dGamma) / 0.01, 1e-3)).toBe(true);
    expect(near(a.r.biasGradNorm[1], norm(dBeta) / 0.01, 1e-3)).toBe(true);
    expect(a.r.weightGradNorm[1]).toBeGreaterThan(0);
    expect(near(a.r.weightNorm[1], 2, 1e-2)).toBe(true); // γ = 1 for 4 channels, after one small step
    for (const f of ['weightGradNorm', 'biasGradNorm'] as const) expect(near(b.r[f][1], a.r[f][1], 1e-3), f).toBe(true);
    expect(near(b.r.activationGradRms[1], a.r.activationGradRms[1], 1e-3)).toBe(true);
    expect(near(b.r.activationGradRms[0], a.r.activationGradRms[0] / 10, 1e-3)).toBe(true);
    expect(near(b.r.weightGradNorm[0], a.r.weightGradNorm[0] / 10, 1e-3)).toBe(true);
    // ∂a gain across the batch norm: RMS(∂L/∂ its input) / RMS(∂L/∂ its output), ×1/10.
    const gain = (r: typeof a.r) => r.activationGradRms[0] / r.activationGradRms[1];
    expect(near(gain(b.r), gain(a.r) / 10, 2e-3)).toBe(true);
  });
});

describe('verdicts on layers of every kind', () => {
  /** A report of `L` layers with healthy figures, `set` overriding some. */
  function report(L: number, set: Partial<Record<(typeof LAYER_STATISTICS)[number], number[]>> & { loss?: number; gradNorm?: number }): DiagnosticsReport {
    const r = { step: 0, epoch: 0, samples: 0, loss: set.loss ?? 1, gradNorm: set.gradNorm ?? 1, layers: L, histograms: null } as unknown as DiagnosticsReport;
    for (const f of LAYER_STATISTICS) r[f] = Float64Array.from(set[f] ?? new Array<number>(L).fill(f.startsWith('nonFinite') ? 0 : f === 'dead' || f === 'saturated' ? NaN : f.endsWith('ToData') ? -3 : 1));
    return r;
  }
  const layer = (type: string, weights: number, linearMap = weights > 0, deadUnits: JudgedLayer['deadUnits'] = 'units'): JudgedLayer => ({ type, weights, linearMap, deadUnits });
  const judge = (layers: JudgedLayer[], sgd = true) => {
    const raised: Verdict[] = [];
    return { j: new VerdictJudge(resolveThresholds(undefined, ''), layers, sgd, (v) => raised.push(v)), raised };
  };
  const cnn = [layer('conv2d', 150, true, 'channels'), layer('maxpool2d', 0), layer('flatten', 0), layer('dense', 1000)];

  it('lr_too_high reads the layers with weights: a pool\'s NaN update:data does not hide the conv layer\'s', () => {
    const { j, raised } = judge(cnn);
    // The loss rises from the second report on: 3 reports in a row by the fourth.
    for (let s = 1; s <= 4; s++) {
      const r = report(4, { updateToData: [-0.5, NaN, NaN, -2], loss: s });
      r.step = s;
      j.judgeReport(r);
    }
    expect(raised.map((v) => v.code)).toEqual(['lr_too_high']);
    expect(raised[0].figures.updateToData).toBe(-0.5);
  });

  it('vanishing compares the first and last layers with a weight matrix or kernel, and names where ∂L/∂a falls most', () => {
    const layers = [layer('maxpool2d', 0), layer('conv2d', 54, true, 'channels'), layer('flatten', 0), layer('dense', 100)];
    const { j, raised } = judge(layers, false);
    for (let s = 0; s < 3; s++) {
      j.judgeReport(report(4, {
        weightGradNorm: [NaN, 1e-6 * Math.sqrt(54), NaN, Math.sqrt(100)],
        activationGradRms: [1e-5, 1e-3, 1e-3, 1e-3],
      }));
    }
    expect(raised.map((v) => v.code)).toEqual(['vanishing']);
    const v = raised[0];
    expect(v.figures.ratio).toBeCloseTo(1e-6, 12);
    expect(v.figures).toMatchObject({ dropLayer: 1 });
    expect(v.figures.drop).toBeCloseTo(0.01, 12);
    expect(v.message).toBe('vanishing: RMS(∂W conv2d layer 1) / RMS(∂W dense layer 3) 0.00000100; RMS(∂L/∂a) falls most across conv2d layer 1, ×0.0100');
  });

  it('a normalisation\'s γ is not an end of the vanishing ratio (a small γ gradient at the input is no vanishing gradient)', () => {
    const layers = [layer('batchnorm2d', 1, false), layer('conv2d', 54, true, 'channels'), layer('maxpool2d', 0), layer('flatten', 0), layer('dense', 100)];
    const { j, raised } = judge(layers, false);
    for (let s = 0; s < 5; s++) j.judgeReport(report(5, { weightGradNorm: [1e-9, 0.1 * Math.sqrt(54), NaN, NaN, Math.sqrt(100)] }));
    expect(raised).toEqual([]);
  });

  it('a network whose only weights are at one end, or none, is never vanishing', () => {
    for (const layers of [[layer('flatten', 0), layer('dense', 20)], [layer('maxpool2d', 0), layer('flatten', 0)]]) {
      const { j, raised } = judge(layers, false);
      for (let s = 0; s < 5; s++) j.judgeReport(report(2, { weightGradNorm: [NaN, 1e-9] }));
      expect(raised).toEqual([]);
    }
  });

  it('dead and saturated name the layer by its kind (channels after a convolution)', () => {
    const { j, raised } = judge([layer('conv2d', 150, true, 'channels'), layer('activation', 0), layer('dense', 10)]);
    for (let s = 0; s < 3; s++) j.judgeReport(report(3, { dead: [0.8, NaN, NaN], saturated: [NaN, 0.9, NaN] }));
    expect(raised.map((v) => v.message).sort()).toEqual([
      'dead: conv2d layer 0: fraction of ReLU channels dead 0.800',
      'saturated: activation layer 1: fraction of outputs saturated 0.900',
    ]);
  });
});
