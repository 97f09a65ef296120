// Verdicts: each raised by the situation it names (and not by a healthy run), with the
// figures behind it, once per episode, after `consecutive` evaluations — a non-finite loss
// at once — and every threshold settable.
import { describe, expect, it } from 'vitest';
import type { FitOptions, NetworkSpec, Verdict } from '../src/types.js';
import { makeNetwork, xorData } from './helpers/network.js';

/** A seeded data set: `n` rows of `inputs` features in [−1, 1], `classes` labels. */
function randomData(n: number, inputs: number, classes: number, seed: number) {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 * 2 - 1;
  };
  const x = Array.from({ length: n }, () => Array.from({ length: inputs }, u));
  const y = x.map((row) => (row[0] + row[1] > 0 ? 1 : 0) % classes);
  return { x, y };
}

const deep = (activation: 'sigmoid' | 'relu', init: 'xavier_uniform' | 'he_uniform'): NetworkSpec => ({
  inputs: 16,
  layers: [...Array.from({ length: 8 }, () => ({ units: 32, activation })), { units: 2 }],
  loss: 'softmax_cross_entropy', init, seed: 3,
});
const data = randomData(256, 16, 2, 9);
const codes = (v: readonly Verdict[]) => v.map((x) => x.code);

describe('raised by their situations', () => {
  it('a deep sigmoid + Xavier network is vanishing within the first epoch; ReLU + He is healthy', () => {
    const seen: Verdict[] = [];
    // The pre-flight check also flags the deep sigmoid stack; the verdict is the subject here.
    const options = { optimizer: { type: 'sgd', lr: 0.1 }, batchSize: 16, epochs: 1, diagnostics: { every: 2 }, preflight: 'off' } as const;
    const sigmoid = makeNetwork(deep('sigmoid', 'xavier_uniform')).fitSync(data.x, data.y, { ...options, onVerdict: (v) => seen.push(v) });
    const vanishing = sigmoid.verdicts.find((v) => v.code === 'vanishing')!;
    expect(vanishing).toBeDefined();
    expect(seen).toEqual(sigmoid.verdicts);
    expect(vanishing.epoch).toBe(0);
    expect(vanishing.figures.ratio).toBeLessThan(1e-3);
    expect(vanishing.remedy).toMatch(/ReLU.*He/);
    const relu = makeNetwork(deep('relu', 'he_uniform')).fitSync(data.x, data.y, options);
    expect(relu.verdicts).toEqual([]);
  });

  it('exploding is raised at the first non-finite loss, once', () => {
    const net = makeNetwork({ inputs: 16, layers: [{ units: 32, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 1 });
    let firstBad = 0;
    const h = net.fitSync(data.x, data.y, {
      optimizer: { type: 'sgd', lr: 1e6 }, batchSize: 16, epochs: 1,
      onBatchEnd: (b) => { if (!firstBad && !Number.isFinite(b.loss)) firstBad = b.step; },
    });
    expect(firstBad).toBeGreaterThan(0);
    const exploding = h.verdicts.filter((v) => v.code === 'exploding');
    expect(exploding).toHaveLength(1);
    expect(exploding[0].step).toBeLessThanOrEqual(firstBad);
  });

  it('exploding is raised when the finite gradient norm stays far above its recent median', () => {
    // A linear MSE net's gradient scales with its weights: multiplied by 10⁴ mid-run (and a
    // step too small to undo it), the norm is ~10⁴× its median from then on, and finite.
    const net = makeNetwork({ inputs: 16, layers: [{ units: 1 }], loss: 'mse', init: 'xavier_uniform', seed: 2 });
    const y = data.x.map((row) => [row[0] - row[1]]);
    const t = net.trainer(data.x, y, { optimizer: { type: 'sgd', lr: 1e-12 }, batchSize: 16, diagnostics: { every: 1 } });
    const explodingSoFar = () => t.verdicts.filter((v) => v.code === 'exploding');
    for (let i = 0; i < 10; i++) t.step();
    expect(explodingSoFar()).toEqual([]);
    const p = net.getParameters();
    p[0].weight.forEach((w, i) => { p[0].weight[i] = w * 1e4; });
    net.setParameters(p);
    for (let i = 0; i < 2; i++) t.step();
    // Three consecutive reports: not yet after two.
    expect(explodingSoFar()).toEqual([]);
    t.step();
    const exploding = explodingSoFar();
    expect(exploding).toHaveLength(1);
    expect(exploding[0].step).toBe(13);
    expect(exploding[0].message).toMatch(/gradient norm .* > 100× its recent median/);
    expect(exploding[0].figures.gradNorm).toBeGreaterThan(100 * exploding[0].figures.medianGradNorm);
    expect(Number.isFinite(exploding[0].figures.gradNorm)).toBe(true);
  });

  it('dead: most ReLU units silent for the window', () => {
    const net = makeNetwork({ inputs: 2, layers: [{ units: 8, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 1 });
    const p = net.getParameters();
    for (let u = 0; u < 6; u++) p[0].bias[u] = -100;
    net.setParameters(p);
    const xor = xorData(64, 1);
    const h = net.fitSync(xor.x, xor.y, { optimizer: { type: 'adam', lr: 1e-3 }, batchSize: 8, epochs: 2, diagnostics: { every: 1, deadWindow: 16 } });
    const dead = h.verdicts.find((v) => v.code === 'dead')!;
    expect(dead.layer).toBe(0);
    expect(dead.figures.dead).toBe(0.75);
    expect(dead.step).toBe(4); // 16 samples seen at step 2, then two more reports
  });

  it('saturated: sigmoid outputs pinned at 0 or 1', () => {
    const net = makeNetwork({ inputs: 16, layers: [{ units: 16, activation: 'sigmoid' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 2 });
    const big = data.x.map((row) => row.map((v) => v * 1000));
    // Pre-flight flags the unscaled inputs too; here the verdict during training is the subject.
    const h = net.fitSync(big, data.y, { optimizer: { type: 'sgd', lr: 0.01 }, batchSize: 32, diagnostics: { every: 1 }, preflight: 'off' });
    const v = h.verdicts.find((x) => x.code === 'saturated')!;
    expect([v.layer, v.step]).toEqual([0, 3]);
    expect(v.figures.saturated).toBeGreaterThan(0.5);
  });

  it('lr_too_low under SGD when updates are tiny next to the weights; not under Adam', () => {
    const spec: NetworkSpec = { inputs: 16, layers: [{ units: 16, activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 4 };
    const sgd = makeNetwork(spec).fitSync(data.x, data.y, { optimizer: { type: 'sgd', lr: 1e-7 }, batchSize: 32, diagnostics: { every: 1 } });
    const low = sgd.verdicts.find((v) => v.code === 'lr_too_low')!;
    expect(low.step).toBe(3);
    expect(low.figures.updateToData).toBeLessThan(-5);
    const adam = makeNetwork(spec).fitSync(data.x, data.y, { optimizer: { type: 'adam', lr: 1e-7 }, batchSize: 32, diagnostics: { every: 1 } });
    expect(codes(adam.verdicts)).not.toContain('lr_too_low');
  });

  it('lr_too_high under SGD when big updates make the loss rise', () => {
    // Linear regression past the stable step size: every step overshoots further.
    const net = makeNetwork({ inputs: 1, layers: [{ units: 1 }], loss: 'mse', seed: 1 });
    const x = Array.from({ length: 32 }, (_, i) => [i / 8 - 2]);
    const y = x.map(([v]) => [3 * v + 1]);
    const h = net.fitSync(x, y, { optimizer: { type: 'sgd', lr: 1.2 }, mode: 'batch', epochs: 6, diagnostics: { every: 1 } });
    const high = h.verdicts.find((v) => v.code === 'lr_too_high')!;
    expect(high).toBeDefined();
    expect(high.figures.updateToData).toBeGreaterThan(-1);
  });

  it('plateau: the loss flat and the gradient small (thresholds are settable)', () => {
    const net = makeNetwork({ inputs: 16, layers: [{ units: 8, activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 5 });
    const h = net.fitSync(data.x, data.y, { optimizer: { type: 'adam', lr: 0 }, batchSize: 256, epochs: 5, shuffle: false, diagnostics: { every: 1, thresholds: { plateauGradNorm: 1e9 } } });
    const plateau = h.verdicts.find((v) => v.code === 'plateau')!;
    expect(plateau.step).toBe(4); // the change is measured from the second report on
    expect(plateau.remedy).toMatch(/momentum/);
    const strict = makeNetwork({ inputs: 16, layers: [{ units: 8, activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 5 })
      .fitSync(data.x, data.y, { optimizer: { type: 'adam', lr: 0 }, batchSize: 256, epochs: 5, shuffle: false, diagnostics: { every: 1, thresholds: { plateauGradNorm: 1e-30 } } });
    expect(codes(strict.verdicts)).not.toContain('plateau');
  });

  it('overfitting: validation loss rising while training loss falls, three epochs running', () => {
    const train = randomData(12, 16, 2, 21);
    train.y = train.y.map((_, i) => (i * 7) % 2); // labels the features cannot explain: memorised
    const validation = randomData(64, 16, 2, 22);
    const net = makeNetwork({ inputs: 16, layers: [{ units: 64, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 6 });
    const h = net.fitSync(train.x, train.y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 12, epochs: 60, validationData: validation });
    const v = h.verdicts.find((x) => x.code === 'overfitting')!;
    expect(v).toBeDefined();
    const e = h.epochs;
    for (let i = v.epoch - 2; i <= v.epoch; i++) {
      expect(e[i].validation!.loss).toBeGreaterThan(e[i - 1].validation!.loss);
      expect(e[i].loss).toBeLessThan(e[i - 1].loss);
    }
  });
});

describe('options', () => {
  const spec: NetworkSpec = { inputs: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 1 };
  const xor = xorData(32, 1);
  it.each<[unknown, string]>([
    [{ thresholds: { vanishing: 1 } }, 'options.diagnostics.thresholds.vanishing'],
    [{ thresholds: { consecutive: 0 } }, 'options.diagnostics.thresholds.consecutive'],
    [{ thresholds: { dead: -1 } }, 'options.diagnostics.thresholds.dead'],
    [{ thresholds: { lrLowUpdateRatio: NaN } }, 'options.diagnostics.thresholds.lrLowUpdateRatio'],
    [{ thresholds: 3 }, 'options.diagnostics.thresholds'],
  ])('diagnostics %j is a ConfigError naming %s', (diagnostics, path) => {
    expect(() => makeNetwork(spec).fitSync(xor.x, xor.y, { optimizer: { type: 'adam' }, diagnostics } as FitOptions)).toThrow(expect.objectContaining({ name: 'ConfigError', path }));
  });
  it('onVerdict needs diagnostics on; the trainer keeps its verdicts', () => {
    expect(() => makeNetwork(spec).fitSync(xor.x, xor.y, { optimizer: { type: 'adam' }, diagnostics: false, onVerdict: () => {} })).toThrow(expect.objectContaining({ path: 'options.onVerdict' }));
    const t = makeNetwork(spec).trainer(xor.x, xor.y, { optimizer: { type: 'sgd', lr: 1e9 }, diagnostics: { every: 1 } });
    for (let i = 0; i < 5; i++) t.step();
    expect(codes(t.verdicts)).toContain('exploding');
  });
});
