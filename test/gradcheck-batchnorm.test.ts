// Finite-difference gradient checks of batch normalisation in training mode, through whole
// networks: the f64 reference network (test/reference/) against central differences of its
// own loss, then the kernels' gradients (a training pass on the network's engine) against the
// reference's, and against central differences of the kernels' own f32 loss. Batch norm sits
// between other layers, so its ∂L/∂x is checked through the layers before it, and as the first
// layer, where it has none.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine.js';
import { Network } from '../src/network.js';
import type { NetworkSpec } from '../src/types.js';
import { loadTestModule } from './helpers/wasm.js';
import { prng } from './helpers/kernel-arena.js';
import { tanh, tanhDerivative } from './reference/activations.js';
import { batchNormBackward, batchStatistics, normalize } from './reference/batchnorm.js';
import { denseBackwardInput, denseBackwardParams, denseForward } from './reference/dense.js';
import { mse } from './reference/losses.js';

type Layer =
  | { type: 'dense'; inputs: number; units: number; tanh: boolean }
  | { type: 'bn'; channels: number; spatial: number; affine: boolean; tanh: boolean }
  | { type: 'tanh' } // an activation layer
  | { type: 'pass' }; // flatten

/** The f64 network: loss and every parameter's gradient (getParameters' order: per layer weight, then bias). */
function referenceLoss(layers: Layer[], params: Float64Array[][], x: Float64Array, y: Float64Array, rows: number): { loss: number; grads: Float64Array[][] } {
  const back: ((d: Float64Array) => Float64Array)[] = [];
  const grads: Float64Array[][] = params.map((p) => p.map((t) => new Float64Array(t.length)));
  let a = x;
  layers.forEach((l, i) => {
    const input = a;
    let z: Float64Array;
    let kindBack: (dz: Float64Array) => Float64Array;
    if (l.type === 'dense') {
      const [w, b] = params[i];
      z = denseForward(input, w, b, rows, l.inputs, l.units);
      kindBack = (dz) => {
        const g = denseBackwardParams(dz, input, rows, l.inputs, l.units);
        grads[i][0].set(g.dw);
        grads[i][1].set(g.db);
        return denseBackwardInput(dz, w, rows, l.inputs, l.units);
      };
    } else if (l.type === 'bn') {
      const shape = { rows, channels: l.channels, spatial: l.spatial };
      const [gamma, beta] = l.affine ? params[i] : [null, null];
      const { mean, variance } = batchStatistics(input, shape);
      z = normalize(input, shape, mean, variance, 1e-5, gamma, beta);
      kindBack = (dz) => {
        const g = batchNormBackward(dz, input, shape, 1e-5, gamma);
        if (l.affine) {
          grads[i][0].set(g.dgamma);
          grads[i][1].set(g.dbeta);
        }
        return g.dx;
      };
    } else {
      z = input;
      kindBack = (dz) => dz;
    }
    const act = l.type === 'tanh' || (l.type !== 'pass' && l.tanh);
    const out = act ? z.map(tanh) : z;
    const zz = z;
    back.push((da) => kindBack(act ? da.map((v, j) => v * tanhDerivative(zz[j])) : da));
    a = out;
  });
  const outputs = a.length / rows;
  const { loss, grad } = mse(a, y, rows, outputs);
  let d = grad;
  for (let i = back.length - 1; i >= 0; i--) d = back[i](d);
  return { loss, grads };
}

/** Central differences of `f` with respect to every value of every tensor in `params`. */
function numericGrads(params: Float64Array[][], f: () => number, h: number): Float64Array[][] {
  return params.map((p) => p.map((t) => {
    const g = new Float64Array(t.length);
    for (let i = 0; i < t.length; i++) {
      const keep = t[i];
      t[i] = keep + h;
      const up = f();
      t[i] = keep - h;
      const down = f();
      t[i] = keep;
      g[i] = (up - down) / (2 * h);
    }
    return g;
  }));
}

function expectClose(actual: Float64Array[][], expected: Float64Array[][], what: string, rtol: number, atol: number): void {
  expected.forEach((tensors, l) => tensors.forEach((t, k) => t.forEach((e, i) => {
    const a = actual[l][k][i];
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) expect.fail(`${what} layer ${l} tensor ${k}[${i}]: ${a} vs ${e}`);
  })));
}

const CASES: { name: string; spec: NetworkSpec; layers: Layer[]; rows: number }[] = [
  {
    name: 'dense → batchnorm1d over features (tanh) → dense',
    spec: { inputs: 4, layers: [{ units: 6 }, { type: 'batchnorm1d', activation: 'tanh' }, { units: 3 }], loss: 'mse', seed: 3 },
    layers: [{ type: 'dense', inputs: 4, units: 6, tanh: false }, { type: 'bn', channels: 6, spatial: 1, affine: true, tanh: true }, { type: 'dense', inputs: 6, units: 3, tanh: false }],
    rows: 5,
  },
  {
    name: 'tanh → batchnorm1d over [C, L] without affine (tanh) → flatten → dense',
    spec: { inputs: [3, 4], layers: [{ type: 'activation', activation: 'tanh' }, { type: 'batchnorm1d', affine: false, momentum: null, activation: 'tanh' }, { type: 'flatten' }, { units: 2 }], loss: 'mse', seed: 4 },
    layers: [{ type: 'tanh' }, { type: 'bn', channels: 3, spatial: 4, affine: false, tanh: true }, { type: 'pass' }, { type: 'dense', inputs: 12, units: 2, tanh: false }],
    rows: 3,
  },
  {
    name: 'tanh → batchnorm2d over [2, 3, 5] (tanh) → flatten → dense',
    spec: { inputs: [2, 3, 5], layers: [{ type: 'activation', activation: 'tanh' }, { type: 'batchnorm2d', activation: 'tanh', trackRunningStats: false }, { type: 'flatten' }, { units: 2 }], loss: 'mse', seed: 5 },
    layers: [{ type: 'tanh' }, { type: 'bn', channels: 2, spatial: 15, affine: true, tanh: true }, { type: 'pass' }, { type: 'dense', inputs: 30, units: 2, tanh: false }],
    rows: 3,
  },
  {
    name: 'batchnorm2d first (no ∂L/∂x) over [3, 2, 2] → flatten → dense (tanh) → dense',
    spec: { inputs: [3, 2, 2], layers: [{ type: 'batchnorm2d', momentum: 0.5 }, { type: 'flatten' }, { units: 4, activation: 'tanh' }, { units: 2 }], loss: 'mse', seed: 6 },
    layers: [{ type: 'bn', channels: 3, spatial: 4, affine: true, tanh: false }, { type: 'pass' }, { type: 'dense', inputs: 12, units: 4, tanh: true }, { type: 'dense', inputs: 4, units: 2, tanh: false }],
    rows: 4,
  },
];

describe.each(CASES)('batch normalisation in training: $name', ({ spec, layers, rows }) => {
  const r = prng(17);
  const net = Network.create(spec, loadTestModule('release'));
  const e = (net as unknown as { e: Engine }).e;
  const inputs = net.inputs, outputs = net.outputs;
  const x = r.f32s(rows * inputs, -2, 2), y = r.f32s(rows * outputs, -1, 1);
  // Non-trivial γ and β (they start at 1 and 0).
  net.setParameters(net.getParameters().map((p, i) => (layers[i].type === 'bn' ? { weight: r.f32s(p.weight.length, 0.5, 1.5), bias: r.f32s(p.bias.length, -0.5, 0.5) } : p)));
  const params = () => net.getParameters().map((p) => [Float64Array.from(p.weight), Float64Array.from(p.bias)]);
  net.predict(Array.from({ length: rows }, (_, i) => Array.from(x.subarray(i * inputs, (i + 1) * inputs)))); // plans the workspace for `rows`
  /** One training pass of the kernels: its loss, with the gradients left in e.grads. */
  const trainPass = () => {
    e.f32.set(x, e.xBatch >> 2);
    e.f32.set(y, e.yBatch >> 2);
    e.trainPass(e.xBatch, e.yBatch, rows);
    return e.f64[e.lossSlot];
  };
  const kernelGrads = () => {
    const out: Float64Array[][] = [];
    let at = e.grads >> 2;
    for (const p of net.getParameters()) {
      const w = Float64Array.from(e.f32.subarray(at, at + p.weight.length));
      at += p.weight.length;
      const b = Float64Array.from(e.f32.subarray(at, at + p.bias.length));
      at += p.bias.length;
      out.push([w, b]);
    }
    return out;
  };
  const run = (p: Float64Array[][]) => referenceLoss(layers, p, Float64Array.from(x), Float64Array.from(y), rows);

  it('the reference network\'s gradients are its loss\'s central differences', () => {
    const p = params();
    const analytic = run(p).grads;
    const numeric = numericGrads(p, () => run(p).loss, 1e-6);
    expectClose(numeric, analytic, 'reference', 1e-5, 1e-8);
  });

  it('the kernels\' training pass gives the reference\'s loss and gradients', () => {
    const p = params();
    const ref = run(p);
    const loss = trainPass();
    expect(Math.abs(loss - ref.loss)).toBeLessThanOrEqual(1e-5 * ref.loss + 1e-7);
    expectClose(kernelGrads(), ref.grads, 'kernels vs reference', 1e-3, 2e-6);
  });

  it('the kernels\' gradients are the central differences of the kernels\' own loss (f32)', () => {
    trainPass();
    const analytic = kernelGrads();
    const base = e.params >> 2;
    const shapes = params();
    let at = base;
    const numeric = shapes.map((tensors) => tensors.map((t) => {
      const g = new Float64Array(t.length);
      for (let i = 0; i < t.length; i++, at++) {
        const keep = e.f32[at];
        const h = 1e-2;
        e.f32[at] = keep + h;
        const up = trainPass();
        e.f32[at] = keep - h;
        const down = trainPass();
        e.f32[at] = keep;
        g[i] = (up - down) / (2 * h);
      }
      return g;
    }));
    expectClose(numeric, analytic, 'f32 central differences', 2e-2, 2e-4);
    net.dispose();
  });
});
