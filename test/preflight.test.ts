// The pre-flight check: the expected first loss of each loss, each warning raised by the
// set-up it names (and a sound set-up raising none), fit's warn / throw / off, and that the
// check changes nothing.
import { describe, expect, it } from 'vitest';
import type { Activation, Init, NetworkSpec } from '../src/types.js';
import { makeNetwork } from './helpers/network.js';

/** Seeded standardised-looking data: `n` rows of `inputs` features, labels from the first two. */
function data(n: number, inputs: number, scale = 1) {
  let s = 77;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296 * 2 - 1) * 1.7;
  };
  const x = Array.from({ length: n }, () => Array.from({ length: inputs }, () => u() * scale));
  const y = x.map((r) => (r[0] + r[1] > 0 ? 1 : 0));
  return { x, y };
}
const mlp = (activation: Activation, init: Init, hidden = 2): NetworkSpec => ({
  inputs: 8, layers: [...Array.from({ length: hidden }, () => ({ units: 32, activation })), { units: 2 }], loss: 'softmax_cross_entropy', init, seed: 1,
});
const d = data(64, 8);
const codes = (spec: NetworkSpec, x = d.x) => makeNetwork(spec).preflight(x, d.y).warnings.map((w) => w.code);

describe('findings', () => {
  it('a sound set-up (ReLU + He, scaled inputs) passes, with the figures', () => {
    const r = makeNetwork(mlp('relu', 'he_uniform')).preflight(d.x, d.y);
    expect(r.warnings).toEqual([]);
    expect(r.expectedLoss).toBeCloseTo(Math.log(2), 12);
    expect(r.firstLoss).toBeGreaterThan(0);
    expect(r.firstLoss).toBeLessThan(1.5 * Math.log(2));
    expect(r.rows).toBe(32);
    expect(r.layers).toHaveLength(3);
    expect(r.layers[0].std).toBeGreaterThan(0);
  });

  it.each<[string, NetworkSpec, string]>([
    ['deep sigmoid + Xavier', mlp('sigmoid', 'xavier_uniform', 5), 'deep_saturating'],
    ['tanh + He', mlp('tanh', 'he_normal'), 'he_with_saturating'],
    ['deep ReLU + Xavier', mlp('relu', 'xavier_normal', 5), 'xavier_with_deep_relu'],
  ])('%s: %s', (_, spec, code) => {
    expect(codes(spec)).toContain(code);
  });

  it('a hidden layer whose outputs are 10× wider than the previous one\'s: activation_scale', () => {
    const net = makeNetwork(mlp('relu', 'he_uniform'));
    const p = net.getParameters();
    p[1].weight = p[1].weight.map((w) => w * 10);
    net.setParameters(p);
    const w = net.preflight(d.x, d.y).warnings.find((x) => x.code === 'activation_scale')!;
    expect(w.message).toMatch(/hidden dense layer 1's output std is \d+(\.\d+)?× dense layer 0's/);
    expect(w.remedy).toMatch(/explode/);
  });

  it('unscaled inputs, and a first loss far above chance', () => {
    const big = data(64, 8, 1000).x;
    const found = codes(mlp('relu', 'he_uniform'), big);
    expect(found).toContain('unscaled_inputs');
    expect(found).toContain('high_initial_loss');
  });

  it('expected first losses: ln 2 for BCE, Var(y) for MSE, none for MAE', () => {
    const bce = makeNetwork({ inputs: 8, layers: [{ units: 1 }], loss: 'sigmoid_bce', seed: 1 }).preflight(d.x, d.y.map((v) => [v]));
    expect(bce.expectedLoss).toBeCloseTo(Math.LN2, 12);
    const targets = d.x.map((r) => [3 * r[0] + 1, -r[1]]);
    const mse = makeNetwork({ inputs: 8, layers: [{ units: 2 }], loss: 'mse', seed: 1 }).preflight(d.x, targets, { batchSize: 20 });
    const variance = (c: number) => {
      const v = targets.slice(0, 20).map((t) => t[c]);
      const m = v.reduce((a, b) => a + b, 0) / 20;
      return v.reduce((a, b) => a + (b - m) ** 2, 0) / 20;
    };
    expect(mse.rows).toBe(20);
    expect(mse.expectedLoss).toBeCloseTo((variance(0) + variance(1)) / 2, 4);
    expect(makeNetwork({ inputs: 8, layers: [{ units: 2 }], loss: 'mae', seed: 1 }).preflight(d.x, targets).expectedLoss).toBeNull();
  });
});

describe('in fit', () => {
  const bad = mlp('sigmoid', 'xavier_uniform', 5);

  it("'warn' (the default) hands each warning to onWarning and keeps the report; training goes on", () => {
    const messages: string[] = [];
    const h = makeNetwork(bad).fitSync(d.x, d.y, { optimizer: { type: 'sgd', lr: 0.1 }, onWarning: (m) => messages.push(m) });
    expect(messages.some((m) => /deep_saturating|sigmoid\/tanh layers/.test(m))).toBe(true);
    expect(h.preflight!.warnings.map((w) => w.code)).toContain('deep_saturating');
    expect(h.steps).toBeGreaterThan(0);
  });

  it("'throw' stops before any step with a ConfigError carrying the report; 'off' skips the check", () => {
    const net = makeNetwork(bad);
    const before = net.getParameters();
    expect(() => net.fitSync(d.x, d.y, { optimizer: { type: 'sgd', lr: 0.1 }, preflight: 'throw' }))
      .toThrow(expect.objectContaining({ name: 'ConfigError', path: 'preflight', value: expect.objectContaining({ warnings: expect.any(Array) }) }));
    expect(net.getParameters()).toEqual(before);
    const h = net.fitSync(d.x, d.y, { optimizer: { type: 'sgd', lr: 0.1 }, preflight: 'off' });
    expect(h.preflight).toBeUndefined();
    expect(() => net.fitSync(d.x, d.y, { optimizer: { type: 'sgd', lr: 0.1 }, preflight: 'loud' as never })).toThrow(expect.objectContaining({ path: 'options.preflight' }));
  });

  it('changes nothing: the same fit follows with or without a check before it', () => {
    const spec = mlp('relu', 'he_uniform');
    const options = { optimizer: { type: 'adam', lr: 0.01 }, epochs: 2, preflight: 'off' } as const;
    const a = makeNetwork(spec);
    a.preflight(d.x, d.y);
    a.fitSync(d.x, d.y, options);
    const b = makeNetwork(spec);
    b.fitSync(d.x, d.y, options);
    expect(a.getParameters()).toEqual(b.getParameters());
  });
});
