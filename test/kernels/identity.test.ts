// The identity kinds (assembly/identity.ts, src/model/flatten.ts, src/model/activation-layer.ts):
// an activation as a layer of its own trains exactly as the dense layer with that activation,
// and flatten exactly as a flat input — the same losses, gradients and parameters, bit for bit,
// on the release and debug kernels. Plus the shape rules they bring: a dense layer takes flat
// rows (flatten first), a pooling layer [C, H, W] rows.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import type { Engine } from '../../src/engine/engine.js';
import { resolveSpec } from '../../src/model/spec.js';
import { ACTIVATIONS } from '../../src/names.js';
import { Network } from '../../src/network.js';
import type { Activation, LayerSpec, Loss, NetworkSpec } from '../../src/types.js';
import { loadTestModule } from '../helpers/wasm.js';
import { prng } from '../helpers/kernel-arena.js';

const engineOf = (net: Network) => (net as unknown as { e: Engine }).e;

/** One training pass on (x, y) straight through the engine: the loss and every layer's weight and bias gradients. */
function pass(net: Network, x: number[][], y: number[] | number[][]): { loss: number; grads: Float32Array[] } {
  const e = engineOf(net);
  net.predict(x); // plans a workspace for these rows
  e.f32.set(x.flat(), e.xBatch >> 2);
  if (e.labelTargets) e.i32.set(y as number[], e.yBatch >> 2);
  else e.f32.set((y as number[][]).flat(), e.yBatch >> 2);
  e.trainPass(e.xBatch, e.yBatch, x.length);
  const grads = e.layers.flatMap((l) => (l.weightCount + l.biasCount
    ? [e.f32.slice(l.dWeight >> 2, (l.dWeight >> 2) + l.weightCount), e.f32.slice(l.dBias >> 2, (l.dBias >> 2) + l.biasCount)]
    : []));
  return { loss: e.f64[e.lossSlot], grads };
}

/** Bitwise equal Float32Arrays (NaN payloads aside, −0 ≠ +0). */
function expectBits(a: Float32Array, b: Float32Array, what: string): void {
  expect(a.length, what).toBe(b.length);
  const ai = new Int32Array(a.buffer, a.byteOffset, a.length), bi = new Int32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) {
    if (ai[i] !== bi[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) expect.fail(`${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

/**
 * Trains `a` and `b` (same parameters, b's layers being a's without its parameter-free ones)
 * side by side: one pass's loss and gradients, then 12 Adam steps' losses and the parameters.
 */
function expectSameTraining(a: Network, b: Network, x: number[][], y: number[] | number[][]): void {
  b.setParameters(a.getParameters().filter((p) => p.weight.length));
  const pa = pass(a, x, y), pb = pass(b, x, y);
  expect(Object.is(pa.loss, pb.loss), `loss ${pa.loss} vs ${pb.loss}`).toBe(true);
  expect(pa.grads.length).toBe(pb.grads.length);
  pa.grads.forEach((g, i) => expectBits(g, pb.grads[i], `gradient ${i}`));
  const options = { optimizer: { type: 'adam' as const, lr: 0.01 }, batchSize: 4, shuffle: false };
  const ta = a.trainer(x, y, options), tb = b.trainer(x, y, options);
  for (let step = 0; step < 12; step++) {
    ta.step();
    tb.step();
    expect(Object.is(ta.loss, tb.loss), `step ${step}: loss ${ta.loss} vs ${tb.loss}`).toBe(true);
  }
  const after = b.getParameters();
  a.getParameters().filter((p) => p.weight.length).forEach((p, i) => {
    expectBits(p.weight, after[i].weight, `weight ${i}`);
    expectBits(p.bias, after[i].bias, `bias ${i}`);
  });
  a.dispose();
  b.dispose();
}

function data(rows: number, features: number, classes: number, seed: number) {
  const r = prng(seed);
  const x = Array.from({ length: rows }, () => Array.from({ length: features }, () => r.uniform(-2, 2)));
  const labels = Array.from({ length: rows }, () => r.int(classes));
  const targets = Array.from({ length: rows }, () => Array.from({ length: classes }, () => r.uniform(-1, 1)));
  return { x, labels, targets };
}

describe.each(['release', 'debug'] as const)('the %s kernels', (build) => {
  const make = (spec: NetworkSpec) => Network.create(spec, loadTestModule(build));

  it.each(ACTIVATIONS.map((a) => [a, a]))('dense(linear) + { type: activation, activation: %s } trains as dense(%s)', (act: Activation) => {
    const { x, labels } = data(8, 3, 4, 11);
    const loss: Loss = 'softmax_cross_entropy';
    const a = make({ inputs: 3, layers: [{ units: 6 }, { type: 'activation', activation: act }, { units: 4 }], loss, seed: 5 });
    const b = make({ inputs: 3, layers: [{ units: 6, activation: act }, { units: 4 }], loss, seed: 5 });
    expect(a.spec.layers.map((l) => l.type)).toEqual(['dense', 'activation', 'dense']);
    expectSameTraining(a, b, x, labels);
  });

  it('an activation layer after the output layer, with a regression loss', () => {
    const { x, targets } = data(8, 5, 3, 12);
    const a = make({ inputs: 5, layers: [{ units: 4, activation: 'relu' }, { units: 3 }, { type: 'activation', activation: 'sigmoid' }], loss: 'mse', seed: 6 });
    const b = make({ inputs: 5, layers: [{ units: 4, activation: 'relu' }, { units: 3, activation: 'sigmoid' }], loss: 'mse', seed: 6 });
    expectSameTraining(a, b, x, targets);
  });

  it('[C, H, W] rows through flatten train as the same rows given flat', () => {
    const { x, labels } = data(8, 2 * 3 * 4, 3, 13);
    const a = make({ inputs: [2, 3, 4], layers: [{ type: 'flatten' }, { units: 5, activation: 'tanh' }, { units: 3 }], loss: 'softmax_cross_entropy', seed: 7 });
    const b = make({ inputs: 24, layers: [{ units: 5, activation: 'tanh' }, { units: 3 }], loss: 'softmax_cross_entropy', seed: 7 });
    expect(a.spec.layers.map((l) => l.type)).toEqual(['flatten', 'dense', 'dense']);
    expectSameTraining(a, b, x, labels);
  });

  it('flatten and activation layers between dense layers, and repeated, change nothing', () => {
    const { x, targets } = data(8, 4, 2, 14);
    const a = make({
      inputs: 4,
      layers: [{ type: 'flatten' }, { units: 5 }, { type: 'activation', activation: 'gelu' }, { type: 'flatten' }, { type: 'activation', activation: 'linear' }, { units: 2 }],
      loss: 'huber', seed: 8,
    });
    const b = make({ inputs: 4, layers: [{ units: 5, activation: 'gelu' }, { units: 2 }], loss: 'huber', seed: 8 });
    expectSameTraining(a, b, x, targets);
  });
});

describe('shapes through the identity kinds', () => {
  const spec = (inputs: number | number[], layers: object[], loss: Loss = 'mse'): NetworkSpec => ({ inputs, layers: layers as LayerSpec[], loss });

  it('flatten gives [C·H·W]; an activation layer keeps its input\'s shape', () => {
    const r = resolveSpec(spec([2, 6, 4], [{ type: 'activation', activation: 'relu' }, { type: 'maxpool2d', kernelSize: 2 }, { type: 'flatten' }, { units: 3 }]));
    expect(r.layers.map((l) => l.shape)).toEqual([[2, 6, 4], [2, 3, 2], [12], [3]]);
    expect(r.layers.map((l) => [l.inputs, l.outputs])).toEqual([[48, 48], [48, 12], [12, 12], [12, 3]]);
    expect(resolveSpec(spec(5, [{ type: 'flatten' }, { units: 2 }])).layers[0].shape).toEqual([5]);
  });

  it('a dense layer after a [C, H, W] input or a pooling layer is a ConfigError naming the layer: flatten first', () => {
    expect(() => resolveSpec(spec([1, 4, 4], [{ units: 3 }]))).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'spec.layers[0]', value: [1, 4, 4] }));
    expect(() => resolveSpec(spec([1, 4, 4], [{ units: 3 }]))).toThrow(/spec\.layers\[0\] is a dense layer, which takes flat rows; its input here is \[1, 4, 4\]: put \{ type: 'flatten' \} before it/);
    const afterPool = () => resolveSpec(spec([3, 4, 4], [{ type: 'avgpool2d', kernelSize: 2 }, { type: 'activation', activation: 'tanh' }, { units: 3 }]));
    expect(afterPool).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'spec.layers[2]', value: [3, 2, 2] }));
  });

  it('a pooling layer on flat rows is a ConfigError naming the layer', () => {
    expect(() => resolveSpec(spec(16, [{ type: 'maxpool2d', kernelSize: 2 }, { type: 'flatten' }, { units: 2 }])))
      .toThrow(expect.objectContaining({ name: 'ConfigError', path: 'spec.layers[0]', value: [16] }));
    const afterFlatten = () => resolveSpec(spec([1, 4, 4], [{ type: 'flatten' }, { type: 'avgpool2d', kernelSize: 2 }, { units: 2 }]));
    expect(afterFlatten).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'spec.layers[1]', value: [16] }));
    expect(afterFlatten).toThrow(/put flatten only after the spatial layers/);
  });

  it('the network must end in flat rows, and an activation layer needs its activation', () => {
    expect(() => resolveSpec(spec([1, 4, 4], [{ type: 'maxpool2d', kernelSize: 2 }])))
      .toThrow(expect.objectContaining({ name: 'ConfigError', path: 'spec.layers[0]' }));
    expect(() => resolveSpec(spec(4, [{ units: 3 }, { type: 'activation' }])))
      .toThrow(expect.objectContaining({ name: 'ConfigError', path: 'spec.layers[1].activation', value: undefined }));
    expect(() => resolveSpec(spec(4, [{ units: 3 }, { type: 'activation', activation: 'swish' }])))
      .toThrow(expect.objectContaining({ path: 'spec.layers[1].activation', value: 'swish' }));
    expect(() => resolveSpec(spec(4, [{ type: 'flatten', units: 3 }, { units: 2 }]))).toThrow(ConfigError);
    // A classifier's last layer gives logits: no activation layer after it.
    expect(() => resolveSpec(spec(4, [{ units: 3 }, { type: 'activation', activation: 'tanh' }], 'softmax_cross_entropy')))
      .toThrow(expect.objectContaining({ path: 'spec.layers[1].activation', value: 'tanh' }));
  });
});
