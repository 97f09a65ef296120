// Finite-difference gradient checks of the pooling kinds. On the f64 reference
// (test/reference/pool2d.ts): each pooling's backward against central differences of Σ y ⊙ r, and
// a network [C, H, W] → pool → flatten → dense → loss composed from the references. Then through
// a real network on the kernels: its dense gradients and its input gradient (the pooling's dx)
// against central differences of the same network's f64 loss. Max pooling's inputs are distinct
// values a grid step apart, so no tie and no step of h moves an argmax.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Engine } from '../src/engine/engine.js';
import { resolveSpec } from '../src/model/spec.js';
import { Network } from '../src/network.js';
import type { LayerSpec, Loss, NetworkSpec, ResolvedAvgPool2dLayer, ResolvedMaxPool2dLayer } from '../src/types.js';
import { PASS } from '../src/wasm/abi.js';
import { denseBackwardInput, denseBackwardParams, denseForward } from './reference/dense.js';
import { mse, softmaxCrossEntropy, type LossResult } from './reference/losses.js';
import {
  avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward, type Pool2dGeometry,
} from './reference/pool2d.js';
import { loadTestModule } from './helpers/wasm.js';
import { expectClose, numericGradient } from './helpers/finite-differences.js';

const SEED = Number(process.env.FC_SEED ?? 0x9002);
fc.configureGlobal({ seed: SEED, numRuns: 40 });


type PoolLayer = ResolvedMaxPool2dLayer | ResolvedAvgPool2dLayer;
/** A pooling layer on rows of `inputs` as a network's spec resolves it (throws its ConfigError). */
const resolvePool = (inputs: number[], layer: LayerSpec) =>
  resolveSpec({ inputs, layers: [layer, { type: 'flatten' }, { units: 1 }], loss: 'mse' }).layers[0] as PoolLayer;
const geometry = (l: PoolLayer): Pool2dGeometry => ({
  channels: l.inputShape[0], height: l.inputShape[1], width: l.inputShape[2],
  kernel: l.kernelSize, stride: l.stride, padding: l.padding,
  dilation: l.type === 'maxpool2d' ? l.dilation : [1, 1], ceilMode: l.ceilMode,
  countIncludePad: l.type === 'avgpool2d' ? l.countIncludePad : true,
});

/** A pooling's forward, and its backward given dy, on the reference. */
function poolOf(l: PoolLayer) {
  const g = geometry(l);
  return {
    forward: (x: ArrayLike<number>, rows: number) => (l.type === 'maxpool2d' ? maxPool2dForward(x, rows, g).y : avgPool2dForward(x, rows, g)),
    backward: (x: ArrayLike<number>, dy: ArrayLike<number>, rows: number) =>
      (l.type === 'maxpool2d' ? maxPool2dBackward(dy, maxPool2dForward(x, rows, g).argmax, rows, g) : avgPool2dBackward(dy, rows, g)),
  };
}

/** Distinct values in [−2, 2], at least 4/n apart, in random order (a permutation of a grid). */
const distinct = (n: number) => fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n })
  .map((p) => Float64Array.from(p, (k) => Math.fround(-2 + (4 * (k + 0.5)) / n)));
const uniform = (n: number, min = -1, max = 1) => fc.array(fc.noBias(fc.integer({ min: 0, max: 2 ** 20 })), { minLength: n, maxLength: n })
  .map((a) => Float64Array.from(a, (k) => Math.fround(min + ((max - min) * k) / 2 ** 20)));

/** A pooling layer on [C, H, W] rows, as a network's spec resolves it, or null when PyTorch refuses it. */
const poolCase = fc.record({
  type: fc.constantFrom('maxpool2d' as const, 'avgpool2d' as const),
  channels: fc.integer({ min: 1, max: 2 }), height: fc.integer({ min: 2, max: 7 }), width: fc.integer({ min: 2, max: 7 }),
  kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  pad: fc.tuple(fc.nat(), fc.nat()), dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  ceilMode: fc.boolean(), countIncludePad: fc.boolean(), rows: fc.integer({ min: 1, max: 3 }),
}).map((c) => {
  const layer = {
    type: c.type, kernelSize: c.kernel, stride: c.stride, ceilMode: c.ceilMode,
    padding: [c.pad[0] % (Math.floor(c.kernel[0] / 2) + 1), c.pad[1] % (Math.floor(c.kernel[1] / 2) + 1)],
    ...(c.type === 'maxpool2d' ? { dilation: c.dilation } : { countIncludePad: c.countIncludePad }),
  } as LayerSpec;
  return { layer, inputs: [c.channels, c.height, c.width], rows: c.rows };
});

describe('pooling backward on the reference vs central differences of Σ y ⊙ r', () => {
  it('max and average pooling, random shapes and options', () => {
    const arb = poolCase.chain((c) => {
      let l: PoolLayer;
      try {
        l = resolvePool(c.inputs, c.layer);
      } catch {
        return fc.constant(null);
      }
      return fc.record({ l: fc.constant(l), rows: fc.constant(c.rows), x: distinct(c.rows * l.inputs), r: uniform(c.rows * l.outputs) });
    });
    let ran = 0;
    fc.assert(fc.property(arb, (c) => {
      if (!c) return;
      const { forward, backward } = poolOf(c.l);
      const loss = () => forward(c.x, c.rows).reduce((s, y, i) => s + y * c.r[i], 0);
      expectClose(numericGradient(loss, c.x), backward(c.x, c.r, c.rows), `dx ${JSON.stringify(c.l)}`, 1e-6, 1e-8);
      ran++;
    }), { numRuns: 120 });
    expect(ran).toBeGreaterThan(30);
  });
});

type Net = { spec: NetworkSpec; pool: PoolLayer; units: number; loss: Loss };

/** [C, H, W] → (linear) → pool → flatten → dense(units) → loss, the linear activation layer making the pool's dx the input gradient. */
function netCase(): fc.Arbitrary<{ net: Net; rows: number } | null> {
  return fc.record({ c: poolCase, units: fc.integer({ min: 2, max: 4 }), loss: fc.constantFrom<Loss>('mse', 'softmax_cross_entropy'), seed: fc.nat(1000) })
    .map(({ c, units, loss, seed }) => {
      const spec: NetworkSpec = {
        inputs: c.inputs, loss, seed,
        layers: [{ type: 'activation', activation: 'linear' }, c.layer, { type: 'flatten' }, { units }],
      };
      try {
        return { net: { spec, pool: resolvePool(c.inputs, c.layer), units, loss }, rows: c.rows };
      } catch {
        return null;
      }
    });
}

/** The network's loss on the reference, with its analytic gradients for x, W and b. */
function referenceNetwork(net: Net, rows: number, labels: number[], target: Float64Array) {
  const { forward, backward } = poolOf(net.pool);
  const features = net.pool.outputs;
  const lossOf = (out: Float64Array): LossResult => (net.loss === 'mse' ? mse(out, target, rows, net.units) : softmaxCrossEntropy(out, labels, rows, net.units));
  return {
    loss: (x: Float64Array, w: Float64Array, b: Float64Array) => lossOf(denseForward(forward(x, rows), w, b, rows, features, net.units)).loss,
    gradients(x: Float64Array, w: Float64Array, b: Float64Array) {
      const p = forward(x, rows);
      const { grad } = lossOf(denseForward(p, w, b, rows, features, net.units));
      const { dw, db } = denseBackwardParams(grad, p, rows, features, net.units);
      const dx = backward(x, denseBackwardInput(grad, w, rows, features, net.units), rows);
      return { dx, dw, db };
    },
  };
}

const netData = fc.constant(null).chain(() => netCase()).chain((c) => {
  if (!c) return fc.constant(null);
  const n = c.rows * c.net.pool.inputs;
  return fc.record({
    c: fc.constant(c),
    x: c.net.pool.type === 'maxpool2d' ? distinct(n) : uniform(n, -2, 2),
    target: uniform(c.rows * c.net.units, -1, 1),
    labels: fc.array(fc.integer({ min: 0, max: c.net.units - 1 }), { minLength: c.rows, maxLength: c.rows }),
  });
});

describe('[C, H, W] → pool → flatten → dense → loss on the reference vs central differences', () => {
  it('dx, dW, db', () => {
    let ran = 0;
    fc.assert(fc.property(netData, uniform(64, -1, 1), (d, wb) => {
      if (!d) return;
      const { net, rows } = d.c;
      const features = net.pool.outputs;
      const w = Float64Array.from({ length: net.units * features }, (_, i) => wb[i % 64] * (1 + i / 64));
      const b = Float64Array.from({ length: net.units }, (_, i) => wb[(i * 7) % 64] / 2);
      const ref = referenceNetwork(net, rows, d.labels, d.target);
      const an = ref.gradients(d.x, w, b);
      const loss = () => ref.loss(d.x, w, b);
      expectClose(numericGradient(loss, d.x), an.dx, 'dx', 1e-5, 1e-8);
      expectClose(numericGradient(loss, w), an.dw, 'dW', 1e-5, 1e-8);
      expectClose(numericGradient(loss, b), an.db, 'db', 1e-5, 1e-8);
      ran++;
    }));
    expect(ran).toBeGreaterThan(10);
  });
});

describe.each(['release', 'debug'] as const)('a network on the %s kernels vs central differences of its f64 loss', (build) => {
  /** One training pass through the engine: the dense layer's gradients and the network's input gradient. */
  function kernelGradients(network: Network, x: Float64Array, rows: number, labels: number[], target: Float64Array) {
    const e = (network as unknown as { e: Engine }).e;
    const inputs = network.spec.inputs;
    network.predict({ data: x, shape: [rows, inputs] }); // plans a workspace for these rows
    e.f32.set(x, e.xBatch >> 2);
    if (e.labelTargets) e.i32.set(labels, e.yBatch >> 2);
    else e.f32.set(target, e.yBatch >> 2);
    e.trainPass(e.xBatch, e.yBatch, rows);
    // Backward from the last layer down to layer 1 writes each dx into the spare delta buffer,
    // then swaps: the last one written is layer 1's (the pool's) dx, layer 0 being linear.
    let dA = e.i32[(e.desc >> 2) + PASS.DELTA_A], spare = e.i32[(e.desc >> 2) + PASS.DELTA_B], written = 0;
    for (let l = e.layers.length - 1; l >= 1; l--) {
      written = spare;
      [dA, spare] = [spare, dA];
    }
    const dense = e.layers[e.layers.length - 1];
    return {
      dx: e.f32.slice(written >> 2, (written >> 2) + rows * inputs),
      dw: e.f32.slice(dense.dWeight >> 2, (dense.dWeight >> 2) + dense.weightCount),
      db: e.f32.slice(dense.dBias >> 2, (dense.dBias >> 2) + dense.biasCount),
    };
  }

  it('the input gradient (through the pooling\'s backward) and the dense gradients', () => {
    let ran = 0;
    fc.assert(fc.property(netData, (d) => {
      if (!d) return;
      const { net, rows } = d.c;
      const network = Network.create(net.spec, loadTestModule(build));
      try {
        const params = network.getParameters();
        const dense = params[params.length - 1];
        const w = Float64Array.from(dense.weight), b = Float64Array.from(dense.bias);
        const got = kernelGradients(network, d.x, rows, d.labels, d.target);
        const ref = referenceNetwork(net, rows, d.labels, d.target);
        const loss = () => ref.loss(d.x, w, b);
        // f32 kernels against f64 differences: a few ulps of the largest terms.
        expectClose(numericGradient(loss, d.x), got.dx, 'dx', 1e-4, 1e-6);
        expectClose(numericGradient(loss, w), got.dw, 'dW', 1e-4, 1e-6);
        expectClose(numericGradient(loss, b), got.db, 'db', 1e-4, 1e-6);
      } finally {
        network.dispose();
      }
      ran++;
    }), { numRuns: 30 });
    expect(ran).toBeGreaterThan(8);
  });

  it('two poolings in a row (max, then average over its output): the first one\'s dx is the second\'s gradient passed back', () => {
    const spec: NetworkSpec = {
      inputs: [2, 7, 9], loss: 'mse', seed: 3,
      layers: [
        { type: 'activation', activation: 'linear' },
        { type: 'maxpool2d', kernelSize: 3, stride: 2, padding: 1 },
        { type: 'avgpool2d', kernelSize: 2, stride: 1, padding: 1, ceilMode: true, countIncludePad: false },
        { type: 'flatten' }, { units: 3 },
      ],
    };
    const network = Network.create(spec, loadTestModule(build));
    try {
      const [, max, avg] = resolveSpec(spec).layers as PoolLayer[];
      const rows = 2, n = rows * max.inputs;
      const x = Float64Array.from({ length: n }, (_, i) => Math.fround(-2 + 4 * ((i * 37) % n + 0.5) / n)); // distinct
      const target = Float64Array.from({ length: rows * 3 }, (_, i) => Math.sin(i));
      const params = network.getParameters();
      const w = Float64Array.from(params[4].weight), b = Float64Array.from(params[4].bias);
      const mp = poolOf(max), ap = poolOf(avg);
      const loss = () => mse(denseForward(ap.forward(mp.forward(x, rows), rows), w, b, rows, avg.outputs, 3), target, rows, 3).loss;
      const got = kernelGradients(network, x, rows, [], target);
      expectClose(numericGradient(loss, x), got.dx, 'dx', 1e-4, 1e-6);
      expectClose(numericGradient(loss, w), got.dw, 'dW', 1e-4, 1e-6);
    } finally {
      network.dispose();
    }
  });
});
