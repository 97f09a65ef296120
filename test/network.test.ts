// Network API: creation, summary, initialisers, parameters, predict, evaluate, dispose.
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, StateError } from '../src/errors.js';
import type { Init, NetworkSpec } from '../src/types.js';
import { makeNetwork, xorData } from './helpers/network.js';

const spec: NetworkSpec = { inputs: 3, layers: [{ units: 5, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 7 };

describe('create and summary', () => {
  it('reports shapes and parameter counts in PyTorch layout', () => {
    const s = makeNetwork(spec).summary();
    expect(s.layers.map((l) => l.weightShape)).toEqual([[5, 3], [2, 5]]);
    expect(s.layers.map((l) => l.biasShape)).toEqual([[5], [2]]);
    expect(s.parameters).toBe(5 * 3 + 5 + 2 * 5 + 2);
    expect(s.layers[1].activation).toBe('linear');
    expect(s.init).toBe('uniform');
    expect(s.memoryBytes).toBeGreaterThan(0);
  });

  it('keeps several networks independent', () => {
    const a = makeNetwork(spec);
    const b = makeNetwork({ ...spec, seed: 8 });
    const before = b.getParameters();
    const { x, y } = xorData(20);
    const x3 = x.map(([p, q]) => [p, q, p * q]);
    a.fitSync(x3, y, { optimizer: { type: 'sgd', lr: 0.5 }, epochs: 3 });
    expect(b.getParameters()).toEqual(before);
    expect(a.getParameters()[0].weight).not.toEqual(makeNetwork(spec).getParameters()[0].weight);
  });

  it.each([
    [{ ...spec, inputs: 0 }, 'spec.inputs'],
    [{ ...spec, inputs: 2.5 }, 'spec.inputs'],
    [{ ...spec, layers: [] }, 'spec.layers'],
    [{ ...spec, layers: [{ units: 4, activation: 'swish' }] }, 'spec.layers[0].activation'],
    [{ ...spec, layers: [{ units: -1 }] }, 'spec.layers[0].units'],
    [{ ...spec, layers: [{ units: 3, activation: 'relu' }] }, 'spec.layers[0].activation'],
    [{ ...spec, loss: 'hinge' }, 'spec.loss'],
    [{ ...spec, init: 'orthogonal' }, 'spec.init'],
    [{ ...spec, seed: 1.5 }, 'spec.seed'],
    [{ ...spec, dropout: 0.5 }, 'spec.dropout'],
    [{ ...spec, loss: 'sigmoid_bce', layers: [{ units: 1, activation: 'sigmoid' }] }, 'spec.layers[0].activation'],
  ])('rejects a bad spec naming the field (%#)', (bad, path) => {
    const err = (() => {
      try { makeNetwork(bad as NetworkSpec); } catch (e) { return e; }
    })() as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.path).toBe(path);
    expect(err.message).toContain(path);
  });

  it('rejects something that is not a compiled module', () => {
    expect(() => Network.create(spec, new Uint8Array(8) as never)).toThrow(ConfigError);
  });
});

import { Network } from '../src/network.js';

describe('initialisers', () => {
  const fanIn = 400, fanOut = 300;
  const stats = (init: Init, seed = 3) => {
    const n = makeNetwork({ inputs: fanIn, layers: [{ units: fanOut }], loss: 'mse', init, seed });
    const { weight, bias } = n.getParameters()[0];
    let sum = 0, sq = 0, max = 0;
    for (const w of weight) { sum += w; sq += w * w; max = Math.max(max, Math.abs(w)); }
    const mean = sum / weight.length;
    return { mean, std: Math.sqrt(sq / weight.length - mean * mean), max, bias, weight };
  };
  const expected: Record<Exclude<Init, 'zeros'>, { std: number; bound?: number }> = {
    xavier_uniform: { std: Math.sqrt(2 / (fanIn + fanOut)), bound: Math.sqrt(6 / (fanIn + fanOut)) },
    xavier_normal: { std: Math.sqrt(2 / (fanIn + fanOut)) },
    he_uniform: { std: Math.sqrt(2 / fanIn), bound: Math.sqrt(6 / fanIn) },
    he_normal: { std: Math.sqrt(2 / fanIn) },
    lecun_normal: { std: Math.sqrt(1 / fanIn) },
    uniform: { std: 1 / Math.sqrt(3 * fanIn), bound: 1 / Math.sqrt(fanIn) },
  };
  it.each(Object.entries(expected))('%s has the documented spread and zero biases', (init, want) => {
    const s = stats(init as Init);
    expect(Math.abs(s.mean)).toBeLessThan(want.std * 0.02);
    expect(s.std / want.std).toBeGreaterThan(0.98);
    expect(s.std / want.std).toBeLessThan(1.02);
    if (want.bound) {
      expect(s.max).toBeLessThanOrEqual(want.bound);
      expect(s.max).toBeGreaterThan(want.bound * 0.99);
    } else {
      // Plain (not truncated) normals reach beyond 2σ.
      expect(s.max).toBeGreaterThan(3 * want.std);
    }
    expect([...s.bias].every((b) => b === 0)).toBe(true);
  });
  it('zeros gives all-zero weights', () => {
    expect([...stats('zeros').weight].every((w) => w === 0)).toBe(true);
  });
  it('is deterministic per seed and differs across seeds', () => {
    expect(stats('he_normal', 5).weight).toEqual(stats('he_normal', 5).weight);
    expect(stats('he_normal', 5).weight).not.toEqual(stats('he_normal', 6).weight);
  });
  it('reinitialize restarts from a new draw', () => {
    const n = makeNetwork({ ...spec, init: 'xavier_normal' });
    const first = n.getParameters();
    n.reinitialize(99);
    expect(n.getParameters()[0].weight).not.toEqual(first[0].weight);
    n.reinitialize();
    expect(n.getParameters()).toEqual(first);
  });
});

describe('parameters', () => {
  it('round-trips through set and get', () => {
    const n = makeNetwork(spec);
    const p = n.getParameters().map((l) => ({ weight: l.weight.map((_, i) => i / 10), bias: l.bias.map((_, i) => -i) }));
    n.setParameters(p);
    expect(n.getParameters()).toEqual(p);
  });
  it.each([
    [(p: any) => p.slice(1), 'parameters'],
    [(p: any) => [{ ...p[0], weight: p[0].weight.slice(1) }, p[1]], 'parameters[0].weight'],
    [(p: any) => [p[0], { ...p[1], bias: [1, NaN] }], 'parameters[1].bias[1]'],
  ])('rejects bad parameters and keeps the old ones (%#)', (mutate, path) => {
    const n = makeNetwork(spec);
    const before = n.getParameters();
    const bad = mutate(before.map((l) => ({ weight: Array.from(l.weight, (v) => v + 1), bias: Array.from(l.bias) })));
    expect(() => n.setParameters(bad)).toThrow(expect.objectContaining({ name: 'DataError', path }));
    expect(n.getParameters()).toEqual(before);
  });
});

describe('predict and evaluate', () => {
  const data = xorData(50);
  const x3 = data.x.map(([p, q]) => [p, q, 0.5]);

  it('gives softmax probabilities and argmax classes; the same for every input form', () => {
    const n = makeNetwork(spec);
    const pred = n.predict(x3);
    expect(pred.rows).toBe(50);
    expect(pred.columns).toBe(2);
    for (let r = 0; r < 50; r++) {
      const [a, b] = [pred.outputs[2 * r], pred.outputs[2 * r + 1]];
      const pa = pred.probabilities![2 * r], pb = pred.probabilities![2 * r + 1];
      expect(pa + pb).toBeCloseTo(1, 6);
      expect(pb / pa).toBeCloseTo(Math.exp(b - a), 4);
      expect(pred.classes![r]).toBe(b > a ? 1 : 0);
    }
    const flat = Float32Array.from(x3.flat());
    expect(n.predict(flat).outputs).toEqual(pred.outputs);
    expect(n.predict({ data: flat, shape: [50, 3] }).outputs).toEqual(pred.outputs);
  });

  it('matches predictions made in chunks and alone', () => {
    const n = makeNetwork(spec);
    const big = Array.from({ length: 700 }, (_, i) => [Math.sin(i), Math.cos(i), i / 700]);
    const all = n.predict(big).outputs;
    const one = n.predict([big[650]]).outputs;
    expect(Array.from(all.subarray(1300, 1302))).toEqual(Array.from(one));
  });

  it('evaluates cross-entropy and accuracy consistently with predict', () => {
    const n = makeNetwork(spec);
    const { probabilities, classes } = n.predict(x3);
    let nll = 0, correct = 0;
    data.y.forEach((label, r) => {
      nll -= Math.log(probabilities![2 * r + label]);
      if (classes![r] === label) correct++;
    });
    const m = n.evaluate(x3, data.y);
    expect(m.loss).toBeCloseTo(nll / 50, 5);
    expect(m.accuracy).toBeCloseTo(correct / 50, 10);
  });

  it('evaluates regression with MAE and RMSE', () => {
    const n = makeNetwork({ inputs: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 2 }], loss: 'mse', seed: 1 });
    const y = data.x.map(([a, b]) => [a + b, a - b]);
    const out = n.predict(data.x).outputs;
    let abs = 0, sq = 0;
    y.flat().forEach((t, i) => { abs += Math.abs(out[i] - t); sq += (out[i] - t) ** 2; });
    const m = n.evaluate(data.x, y);
    expect(m.loss).toBeCloseTo(sq / 100, 5);
    expect(m.mae).toBeCloseTo(abs / 100, 5);
    expect(m.rmse).toBeCloseTo(Math.sqrt(sq / 100), 5);
    expect(m.accuracy).toBeUndefined();
  });

  it('gives sigmoid probabilities and thresholded classes for sigmoid_bce', () => {
    const n = makeNetwork({ inputs: 2, layers: [{ units: 1 }], loss: 'sigmoid_bce', seed: 2 });
    const pred = n.predict(data.x);
    pred.outputs.forEach((z, i) => {
      expect(pred.probabilities![i]).toBeCloseTo(1 / (1 + Math.exp(-z)), 6);
      expect(pred.classes![i]).toBe(z > 0 ? 1 : 0);
    });
    const m = n.evaluate(data.x, data.y);
    const acc = data.y.filter((t, i) => (pred.outputs[i] > 0) === (t === 1)).length / 50;
    expect(m.accuracy).toBeCloseTo(acc, 10);
  });

  it.each([
    [() => [[1, 2]], 'x'],
    [() => [[1, 2, 3], [1, 2]], 'x[1]'],
    [() => [[1, 2, NaN]], 'x[0][2]'],
    [() => new Float32Array(4), 'x'],
    [() => ({ data: [1, 2, 3], shape: [2, 3] }), 'x.data'],
  ])('rejects bad x naming it (%#)', (bad, path) => {
    expect(() => makeNetwork(spec).predict(bad() as never)).toThrow(expect.objectContaining({ name: 'DataError', path }));
  });

  it.each([
    [[0, 1, 2], 'y[2]'],
    [[0, 1.5, 1], 'y[1]'],
    [[0, 1], 'y'],
    [[[0], [1], [0]], 'y'],
  ])('rejects bad labels naming them (%#)', (y, path) => {
    expect(() => makeNetwork(spec).evaluate([[1, 2, 3], [1, 2, 3], [0, 0, 0]], y as never)).toThrow(expect.objectContaining({ name: 'DataError', path }));
  });
});

describe('dispose', () => {
  it('makes every later call a StateError', () => {
    const n = makeNetwork(spec);
    n.dispose();
    expect(() => n.summary()).toThrow(StateError);
    expect(() => n.predict([[1, 2, 3]])).toThrow(StateError);
    expect(() => n.fitSync([[1, 2, 3]], [0], { optimizer: { type: 'adam' } })).toThrow(StateError);
  });
});

void DataError;
