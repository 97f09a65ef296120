// Gradient-flow diagnostics: every figure of a report against an f64 reference of the same
// step, the raw gradient norms against PyTorch's grads0, dead units, non-finite counts,
// the reporting cadence, the per-epoch history and its CSV export, and option errors.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LAYER_STATISTICS } from '../src/names.js';
import { diagnosticsCsv } from '../src/diagnostics/csv.js';
import type { Activation, DiagnosticsReport, NetworkSpec, DenseLayerSpec } from '../src/types.js';
import { activationBackward, activationForward } from './reference/activations.js';
import { denseBackwardInput, denseBackwardParams, denseForward } from './reference/dense.js';
import { softmaxCrossEntropy } from './reference/losses.js';
import { makeNetwork, xorData } from './helpers/network.js';

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
const near = (got: number, want: number, rel = 1e-4, abs = 1e-7) => Math.abs(got - want) <= abs + rel * Math.abs(want);
/** A plain copy of a report (the live object is reused). */
const copy = (r: DiagnosticsReport) => structuredClone({ ...r });

describe('a report', () => {
  // Large inputs saturate some sigmoid and tanh units; the ReLU layer has units silent on the whole batch.
  const spec: Omit<NetworkSpec, 'inputs' | 'layers'> & { inputs: number; layers: DenseLayerSpec[] } = {
    inputs: 3,
    layers: [{ units: 8, activation: 'relu' }, { units: 6, activation: 'sigmoid' }, { units: 5, activation: 'tanh' }, { units: 3 }],
    loss: 'softmax_cross_entropy', init: 'xavier_normal', seed: 4,
  };
  const rows = 20;
  const x = Array.from({ length: rows }, (_, r) => [Math.sin(r) * 40, Math.cos(3 * r) * 40, ((r % 5) - 2) * 10]);
  const y = Array.from({ length: rows }, (_, r) => r % 3);

  it('matches an f64 reference of the same step, figure by figure', () => {
    const net = makeNetwork(spec);
    const init = net.getParameters();
    init[0].bias[1] = -1000; // a ReLU unit silent on every row
    net.setParameters(init);
    const before = net.getParameters();
    const reports: ReturnType<typeof copy>[] = [];
    const t = net.trainer(x, y, { optimizer: { type: 'sgd', lr: 0.1, weightDecay: 0.01 }, mode: 'batch', diagnostics: { every: 1, deadWindow: rows }, onDiagnostics: (r) => reports.push(copy(r)) });
    t.step();
    const after = net.getParameters();
    expect(reports).toHaveLength(1);
    const r = reports[0];
    expect([r.step, r.epoch, r.samples, r.layers]).toEqual([1, 0, rows, 4]);

    // The step in f64: forward, loss, backward.
    const acts = spec.layers.map((l) => (l.activation ?? 'linear') as Activation);
    const a: ArrayLike<number>[] = [x.flat()];
    const z: Float64Array[] = [];
    let width = spec.inputs;
    spec.layers.forEach((l, i) => {
      z.push(denseForward(a[i], before[i].weight, before[i].bias, rows, width, l.units));
      a.push(activationForward(acts[i] as never, z[i]));
      width = l.units;
    });
    const loss = softmaxCrossEntropy(a[4], y, rows, 3);
    expect(near(r.loss, loss.loss, 1e-5)).toBe(true);
    let dA: ArrayLike<number> = loss.grad;
    let total = 0;
    for (let l = 3; l >= 0; l--) {
      const units = spec.layers[l].units, inputs = l === 0 ? spec.inputs : spec.layers[l - 1].units;
      const n = rows * units;
      expect(near(r.activationGradRms[l], Math.sqrt(Array.from(dA).reduce((s, v) => s + v * v, 0) / n))).toBe(true);
      const dz = activationBackward(acts[l] as never, dA, z[l], a[l + 1]);
      const { dw, db } = denseBackwardParams(dz, a[l], rows, inputs, units);
      expect(near(r.weightGradNorm[l], norm(dw)), `‖∂W${l}‖`).toBe(true);
      expect(near(r.biasGradNorm[l], norm(db)), `‖∂b${l}‖`).toBe(true);
      total += norm(dw) ** 2 + norm(db) ** 2;
      dA = denseBackwardInput(dz, before[l].weight, rows, inputs, units);

      const out = Array.from(a[l + 1]);
      const mean = out.reduce((s, v) => s + v, 0) / n;
      expect(near(r.activationMean[l], mean, 1e-4, 1e-6)).toBe(true);
      expect(near(r.activationStd[l], Math.sqrt(out.reduce((s, v) => s + (v - mean) ** 2, 0) / n), 1e-3, 1e-6)).toBe(true);
      const saturated = acts[l] === 'sigmoid' ? out.filter((v) => v < 0.01 || v > 0.99).length / n
        : acts[l] === 'tanh' ? out.filter((v) => Math.abs(v) > 0.97).length / n : NaN;
      expect(r.saturated[l]).toBe(saturated);
      let dead = NaN;
      if (acts[l] === 'relu') {
        dead = 0;
        for (let u = 0; u < units; u++) if (Array.from({ length: rows }, (_, i) => out[i * units + u]).every((v) => v <= 0)) dead++;
        dead /= units;
      }
      expect(r.dead[l]).toBe(dead);

      const dWstep = after[l].weight.map((w, i) => w - before[l].weight[i]);
      expect(near(r.weightNorm[l], norm(after[l].weight))).toBe(true);
      expect(near(r.biasNorm[l], norm(after[l].bias))).toBe(true);
      expect(near(r.weightUpdateNorm[l], norm(dWstep), 1e-4, 1e-9)).toBe(true);
      expect(near(r.biasUpdateNorm[l], norm(after[l].bias.map((b, i) => b - before[l].bias[i])), 1e-4, 1e-9)).toBe(true);
      expect(near(r.gradToData[l], Math.log10(norm(dw) / norm(after[l].weight)), 0, 1e-4)).toBe(true);
      expect(near(r.updateToData[l], Math.log10(norm(dWstep) / norm(after[l].weight)), 0, 1e-4)).toBe(true);
      expect([r.nonFiniteActivations[l], r.nonFiniteGradients[l], r.nonFiniteParameters[l]]).toEqual([0, 0, 0]);
    }
    expect(near(r.gradNorm, Math.sqrt(total))).toBe(true);
    // The case is one that exercises the figures: something saturates and something is dead.
    expect(r.saturated[1] + r.saturated[2]).toBeGreaterThan(0);
    expect(r.dead[0]).toBeGreaterThan(0);
  });

  it('arrives every `every` steps (steps every, 2·every, …), and the trainer keeps the latest', () => {
    const net = makeNetwork(spec);
    const steps: number[] = [];
    const t = net.trainer(x, y, { optimizer: { type: 'adam' }, batchSize: 8, diagnostics: { every: 3 }, onDiagnostics: (r) => steps.push(r.step) });
    for (let i = 0; i < 10; i++) t.step();
    expect(steps).toEqual([3, 6, 9]);
    expect(t.diagnostics!.step).toBe(9);
    expect(t.diagnostics!.epoch).toBe(2); // 20 rows in batches of 8 (3 steps an epoch): step 9 ends the third
  });

  it('counts non-finite values once training blows up', () => {
    const net = makeNetwork({ ...spec, layers: [{ units: 8, activation: 'relu' }, { units: 3 }] });
    let worst: ReturnType<typeof copy> | null = null;
    const t = net.trainer(x, y, { optimizer: { type: 'sgd', lr: 1e30 }, mode: 'batch', diagnostics: { every: 1 }, onDiagnostics: (r) => { worst = copy(r); } });
    for (let i = 0; i < 6; i++) t.step();
    expect(worst!.nonFiniteParameters.some((v) => v > 0)).toBe(true);
    expect(Number.isFinite(worst!.gradNorm) && Number.isFinite(worst!.weightNorm[0])).toBe(false);
  });

  it('a unit whose bias keeps it below zero is dead once the window has passed, and only then', () => {
    const net = makeNetwork({ inputs: 2, layers: [{ units: 4, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 1 });
    const p = net.getParameters();
    p[0].bias[2] = -100;
    net.setParameters(p);
    const data = xorData(40, 3);
    const dead: number[] = [];
    const t = net.trainer(data.x, data.y, { optimizer: { type: 'sgd', lr: 0.01 }, batchSize: 10, diagnostics: { every: 1, deadWindow: 30 }, onDiagnostics: (r) => dead.push(r.dead[0]) });
    for (let i = 0; i < 4; i++) t.step();
    expect(dead.slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(dead.slice(2)).toEqual([0.25, 0.25]);
  });
});

describe('PyTorch goldens', () => {
  const root = new URL('./golden/cases/', import.meta.url);
  const cases = readdirSync(root).filter((f) => f.endsWith('.json'));
  it.each(cases)('%s: the first report\'s ‖∂W‖ and ‖∂b‖ are the norms of grads0', (file) => {
    const c = JSON.parse(readFileSync(new URL(file, root), 'utf8'));
    const net = makeNetwork(c.spec);
    net.setParameters(c.init);
    const batch: number[] = c.batches[0];
    const inputs = c.spec.inputs;
    const xs = batch.map((i) => c.x.slice(i * inputs, (i + 1) * inputs));
    const ys = batch.map((i) => c.y[i]); // class indices, or rows of targets
    const t = net.trainer(xs, ys, { optimizer: c.optimizer, mode: 'batch', diagnostics: { every: 1 } });
    t.step();
    const r = t.diagnostics!;
    c.expected.grads0.forEach((g: { weight: number[]; bias: number[] }, l: number) => {
      expect(near(r.weightGradNorm[l], norm(g.weight), 1e-3, 1e-7), `layer ${l} weight`).toBe(true);
      expect(near(r.biasGradNorm[l], norm(g.bias), 1e-3, 1e-7), `layer ${l} bias`).toBe(true);
    });
  });
});

describe('the fit history', () => {
  const spec: NetworkSpec = { inputs: 2, layers: [{ units: 8, activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 3 };
  const data = xorData(64, 2);

  it('keeps each epoch\'s means over its reports and its last report; exports as CSV', () => {
    const net = makeNetwork(spec);
    const reports: ReturnType<typeof copy>[] = [];
    const history = net.fitSync(data.x, data.y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 8, epochs: 2, diagnostics: { every: 3 }, onDiagnostics: (r) => reports.push(copy(r)) });
    expect(reports.map((r) => r.step)).toEqual([3, 6, 9, 12, 15]);
    history.epochs.forEach((e, i) => {
      const mine = reports.filter((r) => r.epoch === i);
      const d = e.diagnostics!;
      expect(d.reports).toBe(mine.length);
      expect(d.step).toBe(mine[mine.length - 1].step);
      for (const name of LAYER_STATISTICS) {
        expect(d.last[name]).toEqual(Array.from(mine[mine.length - 1][name]));
        d.mean[name].forEach((m, l) => {
          const counted = name === 'dead' ? mine.filter((r) => !Number.isNaN(r.dead[l])) : mine;
          const want = counted.reduce((s, r) => s + r[name][l], 0) / counted.length;
          if (Number.isNaN(want)) expect(m).toBeNaN();
          else expect(m).toBeCloseTo(want, 12);
        });
      }
      expect(d.mean.loss).toBeCloseTo(mine.reduce((s, r) => s + r.loss, 0) / mine.length, 12);
    });
    const csv = diagnosticsCsv(history).trim().split('\n');
    expect(csv[0]).toBe('epoch,layer,statistic,mean,last');
    expect(csv).toHaveLength(1 + 2 * (2 + LAYER_STATISTICS.length * 2));
    expect(csv).toContain(`1,0,weightGradNorm,${history.epochs[1].diagnostics!.mean.weightGradNorm[0]},${history.epochs[1].diagnostics!.last.weightGradNorm[0]}`);
    expect(JSON.parse(JSON.stringify(history)).epochs[0].diagnostics.last.weightNorm).toEqual(history.epochs[0].diagnostics!.last.weightNorm);
  });

  it('averages `dead` over the reports after its window filled (NaN before: not measured yet)', () => {
    const net = makeNetwork({ inputs: 2, layers: [{ units: 8, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 3 });
    const dead: number[] = [];
    const history = net.fitSync(data.x, data.y, { optimizer: { type: 'sgd', lr: 0.1 }, batchSize: 8, epochs: 1, preflight: 'off', diagnostics: { every: 1, deadWindow: 24 }, onDiagnostics: (r) => dead.push(r.dead[0]) });
    expect(dead.slice(0, 2).every(Number.isNaN)).toBe(true);
    const measured = dead.filter((v) => !Number.isNaN(v));
    expect(measured).toHaveLength(6);
    expect(history.epochs[0].diagnostics!.mean.dead[0]).toBeCloseTo(measured.reduce((a, b) => a + b, 0) / measured.length, 12);
  });

  it('diagnostics: false leaves them out; bad options are ConfigErrors naming the option', () => {
    const net = makeNetwork(spec);
    const history = net.fitSync(data.x, data.y, { optimizer: { type: 'adam' }, diagnostics: false });
    expect(history.epochs[0].diagnostics).toBeUndefined();
    expect(net.trainer(data.x, data.y, { optimizer: { type: 'adam' }, diagnostics: false }).diagnostics).toBeNull();
    const bad: [unknown, string][] = [
      [{ diagnostics: { every: 0 } }, 'options.diagnostics.every'],
      [{ diagnostics: { every: 2.5 } }, 'options.diagnostics.every'],
      [{ diagnostics: { deadWindow: -1 } }, 'options.diagnostics.deadWindow'],
      [{ diagnostics: { often: 1 } }, 'options.diagnostics.often'],
      [{ diagnostics: 'yes' }, 'options.diagnostics'],
      [{ onDiagnostics: 5 }, 'options.onDiagnostics'],
      [{ diagnostics: false, onDiagnostics: () => {} }, 'options.onDiagnostics'],
    ];
    for (const [extra, path] of bad) {
      expect(() => net.fitSync(data.x, data.y, { optimizer: { type: 'adam' }, ...(extra as object) })).toThrow(expect.objectContaining({ name: 'ConfigError', path }));
    }
  });
});
