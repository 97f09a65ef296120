// The measured update of diagnostics steps (assembly/measured-update.ts): the optimizer runs
// block by block with the parameter, update and gradient sums taken on the way. It must
// leave every rule's update bit for bit as the plain kernel does, and its sums must be the
// norms of the parameters and updates it made — also across blocks and odd-sized layers,
// with clipping (the raw gradient is measured before it) and when the guard refuses a step.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine.js';
import type { Network } from '../src/network.js';
import type { DiagnosticsReport, NetworkSpec, OptimizerConfig } from '../src/types.js';
import { makeNetwork, xorData } from './helpers/network.js';

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
const diffNorm = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, x, i) => s + (x - b[i]) ** 2, 0));
const near = (got: number, want: number, rel = 1e-5) => Math.abs(got - want) <= 1e-9 + rel * Math.abs(want);
const copy = (r: DiagnosticsReport) => structuredClone({ ...r });

/** Each layer's weight and bias gradient of the last step, read from the engine's gradient buffer. */
function gradients(net: Network): { weight: Float32Array; bias: Float32Array }[] {
  const e = (net as unknown as { e: Engine }).e;
  return e.layers.map((l) => ({
    weight: e.f32.slice(l.dWeight >> 2, (l.dWeight >> 2) + l.weightCount),
    bias: e.f32.slice(l.dBias >> 2, (l.dBias >> 2) + l.biasCount),
  }));
}

// 37 inputs → 29 units: 1,073 weights (two full blocks and an odd tail), then a 7-wide output layer.
const spec: NetworkSpec = {
  inputs: 37, layers: [{ units: 29, activation: 'tanh' }, { units: 7 }], loss: 'softmax_cross_entropy', init: 'xavier_normal', seed: 5,
};
const rows = 24;
const x = Array.from({ length: rows }, (_, r) => Array.from({ length: 37 }, (_, c) => Math.sin(r * 1.3 + c * 0.7)));
const y = Array.from({ length: rows }, (_, r) => r % 7);

const RULES: OptimizerConfig[] = [
  { type: 'sgd', lr: 0.1 },
  { type: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 },
  { type: 'adagrad', lr: 0.05, lrDecay: 0.01, weightDecay: 0.01 },
  { type: 'rmsprop', lr: 0.01, momentum: 0.5, centered: true },
  // Adam and AdamW in their defaults run measured twins of their loops; with AMSGrad or L2 decay, the generic path.
  { type: 'adam', lr: 0.01 },
  { type: 'adam', lr: 0.01, amsgrad: true, weightDecay: 0.01 },
  { type: 'adamw', lr: 0.01 },
  { type: 'adamw', lr: 0.01, amsgrad: true },
  { type: 'adamax', lr: 0.01 },
  { type: 'nadam', lr: 0.01 },
  { type: 'radam', lr: 0.01 },
  { type: 'adadelta', lr: 1 },
];

describe.each(RULES.map((o) => [JSON.stringify(o), o] as const))('%s', (_, optimizer) => {
  it('updates bit for bit as without diagnostics, and reports the norms of the gradients, parameters and updates', () => {
    const plain = makeNetwork(spec);
    const measured = makeNetwork(spec);
    const reports: ReturnType<typeof copy>[] = [];
    const options = { optimizer, batchSize: 8, shuffle: false } as const;
    const tp = plain.trainer(x, y, { ...options, diagnostics: false });
    const tm = measured.trainer(x, y, { ...options, diagnostics: { every: 1 }, onDiagnostics: (r) => reports.push(copy(r)) });
    for (let step = 0; step < 4; step++) {
      const before = measured.getParameters();
      tp.step();
      tm.step();
      const after = measured.getParameters();
      expect(after).toEqual(plain.getParameters());
      const r = reports[step];
      gradients(measured).forEach((g, l) => {
        expect(near(r.weightGradNorm[l], norm(g.weight)), `‖∂W${l}‖ at step ${step + 1}`).toBe(true);
        expect(near(r.biasGradNorm[l], norm(g.bias)), `‖∂b${l}‖`).toBe(true);
      });
      after.forEach((p, l) => {
        expect(near(r.weightNorm[l], norm(p.weight)), `‖W${l}‖ at step ${step + 1}`).toBe(true);
        expect(near(r.biasNorm[l], norm(p.bias)), `‖b${l}‖`).toBe(true);
        expect(near(r.weightUpdateNorm[l], diffNorm(p.weight, before[l].weight), 1e-4), `‖ΔW${l}‖`).toBe(true);
        expect(near(r.biasUpdateNorm[l], diffNorm(p.bias, before[l].bias), 1e-4), `‖Δb${l}‖`).toBe(true);
        expect(r.weightUpdateNorm[l]).toBeGreaterThan(0);
      });
    }
  });
});

it('with clipping, the reported gradient is the raw one (as before clipping) and the update the clipped one', () => {
  const raw: number[][] = [];
  const clipped: { grad: number[]; update: number[] }[] = [];
  const run = (clipGradNorm: number | undefined, onDiagnostics: (r: DiagnosticsReport) => void) => {
    const net = makeNetwork(spec);
    net.trainer(x, y, { optimizer: { type: 'sgd', lr: 0.1, clipGradNorm }, batchSize: 8, shuffle: false, diagnostics: { every: 1 }, onDiagnostics }).step();
  };
  let unclippedUpdate: number[] = [];
  run(undefined, (r) => { raw.push(Array.from(r.weightGradNorm)); unclippedUpdate = Array.from(r.weightUpdateNorm); });
  run(0.01, (r) => clipped.push({ grad: Array.from(r.weightGradNorm), update: Array.from(r.weightUpdateNorm) }));
  clipped[0].grad.forEach((g, l) => expect(near(g, raw[0][l])).toBe(true));
  // Plain SGD moves by lr·g: the clipped update is far smaller than the unclipped one.
  clipped[0].update.forEach((u, l) => expect(u).toBeLessThan(unclippedUpdate[l] / 2));
});

it('a step the guard refuses reports the parameters as they stayed, an update of zero and the non-finite gradient', () => {
  // As in guard.test.ts: a row of 3.4e38s overflows this ReLU net's sums in every kernel
  // variant. One such row in every batch: the guard skips every step.
  const net = makeNetwork({ inputs: 2, layers: [{ units: 16, activation: 'relu' }, { units: 16, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 3 });
  const clean = xorData(24, 2);
  const bad = clean.x.map((row, r) => (r % 8 === 7 ? [3.4e38, 3.4e38] : row));
  const reports: ReturnType<typeof copy>[] = [];
  const before = net.getParameters();
  const history = net.fitSync(bad, clean.y, { optimizer: { type: 'adam' }, epochs: 1, batchSize: 8, shuffle: false, guard: 'skip', preflight: 'off', diagnostics: { every: 1 }, onDiagnostics: (r) => reports.push(copy(r)) });
  expect(history.guardEvents.map((e) => e.action)).toEqual(['skipped', 'skipped', 'skipped']);
  expect(net.getParameters()).toEqual(before);
  expect(reports).toHaveLength(3);
  const r = reports[2];
  before.forEach((p, l) => {
    expect(near(r.weightNorm[l], norm(p.weight))).toBe(true);
    expect(near(r.biasNorm[l], norm(p.bias))).toBe(true);
    expect(r.weightUpdateNorm[l]).toBe(0);
    expect(r.biasUpdateNorm[l]).toBe(0);
  });
  expect(r.nonFiniteActivations.some((v) => v > 0) || r.nonFiniteGradients.some((v) => v > 0)).toBe(true);
  expect(r.nonFiniteParameters.every((v) => v === 0)).toBe(true);
});
