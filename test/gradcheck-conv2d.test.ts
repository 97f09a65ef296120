// Gradient checks through whole convolutional networks: conv2d → activation → (conv2d →
// activation →) flatten → dense → loss. First the f64 references (test/reference/) composed
// into the network, every backward (both convolutions' dW, db and dx, the dense layer's, the
// input's) against central differences of the loss; then the kernels, through the pass
// (runReplay: one training pass on given parameters), against those checked gradients.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resolveSpec } from '../src/model/spec.js';
import { runReplay } from '../src/train/replay.js';
import type { NetworkSpec, ResolvedConv2dLayer } from '../src/types.js';
import { ACTIVATIONS, activationBackward, activationForward, type ActivationName } from './reference/activations.js';
import { conv2dBackward, conv2dForward, type ConvShape } from './reference/conv2d.js';
import { denseBackwardInput, denseBackwardParams, denseForward } from './reference/dense.js';
import { mse, softmaxCrossEntropy, type LossResult } from './reference/losses.js';
import { loadTestModule } from './helpers/wasm.js';
import { expectClose, numericGradient } from './helpers/finite-differences.js';

const SEED = Number(process.env.FC_SEED ?? 0xc0c0);
fc.configureGlobal({ seed: SEED, numRuns: 25 });


function shapeOf(l: ResolvedConv2dLayer): ConvShape {
  return {
    inChannels: l.inChannels, inHeight: l.inputShape[1], inWidth: l.inputShape[2],
    outChannels: l.outChannels, outHeight: l.shape[1], outWidth: l.shape[2],
    kernelHeight: l.kernelSize[0], kernelWidth: l.kernelSize[1], strideHeight: l.stride[0], strideWidth: l.stride[1],
    padTop: l.padding[0], padLeft: l.padding[1], dilationHeight: l.dilation[0], dilationWidth: l.dilation[1],
  };
}

const uniform = (min: number, max: number) =>
  fc.noBias(fc.integer({ min: 0, max: 2 ** 30 })).map((k) => min + ((max - min) * k) / 2 ** 30);
const vec = (n: number, min: number, max: number) => fc.array(uniform(min, max), { minLength: n, maxLength: n }).map((a) => Float64Array.from(a));

type LossName = 'softmax_cross_entropy' | 'mse';
const ACTS: ActivationName[] = ['tanh', 'relu', 'sigmoid', 'gelu', 'leaky_relu', 'elu', 'softplus', 'linear'];

/** A small conv network's spec: one or two convolutions with random options, then flatten → dense. */
const netCase = fc.record({
  rows: fc.integer({ min: 1, max: 3 }),
  c: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 3, max: 6 }),
  w: fc.integer({ min: 3, max: 6 }),
  convs: fc.array(fc.record({
    o: fc.integer({ min: 1, max: 3 }),
    kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    padding: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant('same' as const)),
    bias: fc.boolean(),
    activation: fc.constantFrom(...ACTS),
  }), { minLength: 1, maxLength: 2 }),
  outputs: fc.integer({ min: 1, max: 3 }),
  loss: fc.constantFrom<LossName>('softmax_cross_entropy', 'mse'),
});
type NetCase = typeof netCase extends fc.Arbitrary<infer T> ? T : never;

/** The network's spec, or null when PyTorch would refuse a layer (a window past the padded input). */
function specOf(c: NetCase): NetworkSpec | null {
  const spec: NetworkSpec = {
    inputs: [c.c, c.h, c.w],
    layers: [
      ...c.convs.map((v) => ({
        type: 'conv2d' as const, outChannels: v.o, kernelSize: v.kernel, stride: v.padding === 'same' ? 1 : v.stride,
        dilation: v.dilation, padding: v.padding, bias: v.bias, activation: v.activation,
      })),
      { type: 'flatten' as const },
      { units: c.outputs },
    ],
    loss: c.loss,
  };
  try {
    resolveSpec(spec);
    return spec;
  } catch {
    return null;
  }
}

/** The network's parameters (conv weights and biases, then the dense layer's), input, targets. */
const dataFor = (spec: NetworkSpec, c: NetCase) => {
  const r = resolveSpec(spec);
  const convs = r.layers.filter((l) => l.type === 'conv2d') as ResolvedConv2dLayer[];
  const dense = r.layers[r.layers.length - 1];
  const sizes = convs.map((l) => [l.outChannels * l.inChannels * l.kernelSize[0] * l.kernelSize[1], l.bias ? l.outChannels : 0]);
  return fc.record({
    x: vec(c.rows * r.inputs, -1, 1),
    convW: fc.tuple(...sizes.map(([n]) => vec(n, -0.8, 0.8))),
    convB: fc.tuple(...sizes.map(([, n]) => vec(n, -0.3, 0.3))),
    denseW: vec(dense.inputs * c.outputs, -0.8, 0.8),
    denseB: vec(c.outputs, -0.3, 0.3),
    labels: fc.array(fc.integer({ min: 0, max: c.outputs - 1 }), { minLength: c.rows, maxLength: c.rows }),
    target: vec(c.rows * c.outputs, -1, 1),
  }).map((d) => ({ ...d, convs, denseIn: dense.inputs }));
};

/** The whole network in f64 from the references: its loss and every gradient. */
function referenceNet(c: NetCase, d: ReturnType<typeof dataFor> extends fc.Arbitrary<infer T> ? T : never) {
  const acts = c.convs.map((v) => v.activation);
  const lossOf = (out: Float64Array): LossResult => (c.loss === 'mse' ? mse(out, d.target, c.rows, c.outputs) : softmaxCrossEntropy(out, d.labels, c.rows, c.outputs));
  const forward = () => {
    let input: Float64Array = d.x;
    const zs: Float64Array[] = [], as: Float64Array[] = [], inputs: Float64Array[] = [];
    d.convs.forEach((l, i) => {
      inputs.push(input);
      const z = conv2dForward(input, d.convW[i], l.bias ? d.convB[i] : null, c.rows, shapeOf(l));
      const a = activationForward(acts[i], z);
      zs.push(z);
      as.push(a);
      input = a;
    });
    const out = denseForward(input, d.denseW, d.denseB, c.rows, d.denseIn, c.outputs);
    return { zs, as, inputs, flat: input, out, ...lossOf(out) };
  };
  const fw = forward();
  const dDenseParams = denseBackwardParams(fw.grad, fw.flat, c.rows, d.denseIn, c.outputs);
  let da: Float64Array = denseBackwardInput(fw.grad, d.denseW, c.rows, d.denseIn, c.outputs);
  const convGrads: { dw: Float64Array; db: Float64Array }[] = [];
  let dx: Float64Array = new Float64Array(0);
  for (let i = d.convs.length - 1; i >= 0; i--) {
    const dz = activationBackward(acts[i], da, fw.zs[i], fw.as[i]);
    const g = conv2dBackward(dz, fw.inputs[i], d.convW[i], c.rows, shapeOf(d.convs[i]));
    convGrads[i] = g;
    da = g.dx;
    dx = g.dx;
  }
  // Central differences straddle two slopes near a kink: such cases are left out.
  const nearKink = fw.zs.some((z, i) => z.some((v) => ACTIVATIONS[acts[i]].kinks.some((k) => Math.abs(v - k) < 1e-4)));
  return { forward, loss: fw.loss, dDenseParams, convGrads, dx, nearKink };
}

describe('conv network gradients (f64 references) vs central differences of the loss', () => {
  it('every conv dW, db and dx, the dense dW and db, and the input gradient', () => {
    let checked = 0;
    fc.assert(fc.property(netCase.chain((c) => {
      const spec = specOf(c);
      return spec ? dataFor(spec, c).map((d) => ({ c, d })) : fc.constant(null);
    }), (cd) => {
      fc.pre(cd !== null);
      const { c, d } = cd!;
      const ref = referenceNet(c, d);
      fc.pre(!ref.nearKink);
      checked++;
      const loss = () => ref.forward().loss;
      const tol = [1e-5, 1e-7] as const;
      d.convs.forEach((l, i) => {
        expectClose(ref.convGrads[i].dw, numericGradient(loss, d.convW[i]), `conv ${i} dW`, ...tol);
        if (l.bias) expectClose(ref.convGrads[i].db, numericGradient(loss, d.convB[i]), `conv ${i} db`, ...tol);
      });
      expectClose(ref.dDenseParams.dw, numericGradient(loss, d.denseW), 'dense dW', ...tol);
      expectClose(ref.dDenseParams.db, numericGradient(loss, d.denseB), 'dense db', ...tol);
      expectClose(ref.dx, numericGradient(loss, d.x), 'dx (the first conv\'s input)', ...tol);
    }), { numRuns: 60 });
    expect(checked).toBeGreaterThan(30);
  });
});

describe.each(['release', 'debug'] as const)('the %s kernels through a training pass', (build) => {
  it('give the loss and every layer\'s gradients of the checked references, within f32 rounding', () => {
    let checked = 0;
    fc.assert(fc.property(netCase.chain((c) => {
      const spec = specOf(c);
      return spec ? dataFor(spec, c).map((d) => ({ c, d, spec })) : fc.constant(null);
    }), (cd) => {
      fc.pre(cd !== null);
      const { c, d, spec } = cd!;
      const ref = referenceNet(c, d);
      fc.pre(!ref.nearKink);
      // Parameters and data rounded to f32 first, so the reference sees exactly what the kernels do.
      const f32 = (v: Float64Array) => Float64Array.from(v, Math.fround);
      d.x = f32(d.x); d.denseW = f32(d.denseW); d.denseB = f32(d.denseB); d.target = f32(d.target);
      d.convW = d.convW.map(f32) as typeof d.convW;
      d.convB = d.convB.map(f32) as typeof d.convB;
      const exact = referenceNet(c, d);
      fc.pre(!exact.nearKink);
      // A replay names only the tensors a layer has: no bias without one, nothing for flatten.
      const init = [
        ...d.convs.map((_, i) => (d.convB[i].length ? { weight: Array.from(d.convW[i]), bias: Array.from(d.convB[i]) } : { weight: Array.from(d.convW[i]) })),
        {},
        { weight: Array.from(d.denseW), bias: Array.from(d.denseB) },
      ];
      const y = c.loss === 'mse' ? Array.from({ length: c.rows }, (_, r) => Array.from(d.target.subarray(r * c.outputs, (r + 1) * c.outputs))) : d.labels;
      const got = runReplay({
        spec, optimizer: { type: 'sgd', lr: 0 }, x: Array.from(d.x), y, n: c.rows,
        batches: [Array.from({ length: c.rows }, (_, i) => i)], steps: 1, init,
      }, loadTestModule(build));
      checked++;
      const tol = [1e-4, 1e-5] as const;
      expectClose([got.losses[0]!], [exact.loss], 'loss', ...tol);
      d.convs.forEach((l, i) => {
        expectClose(got.grads0[i].weight as number[], exact.convGrads[i].dw, `conv ${i} dW`, ...tol);
        expectClose((got.grads0[i].bias ?? []) as number[], l.bias ? exact.convGrads[i].db : [], `conv ${i} db`, ...tol);
      });
      const last = got.grads0[got.grads0.length - 1];
      expectClose(last.weight as number[], exact.dDenseParams.dw, 'dense dW', ...tol);
      expectClose(last.bias as number[], exact.dDenseParams.db, 'dense db', ...tol);
    }), { numRuns: 40 });
    expect(checked).toBeGreaterThan(20);
  });
});
