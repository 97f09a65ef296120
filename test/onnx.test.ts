// ONNX export (descent/checkpoint's exportOnnx): the model runs in onnxruntime-web under Node
// and gives descent's own predictions to 1e-5 — raw outputs and probabilities — for every
// activation and for classifiers and regression alike; and for every layer kind in evaluation
// mode, on the kinds' checkpoint fixtures (test/checkpoint-kinds.test.ts), where it gives both
// descent's predictions and PyTorch 1.13's eval-mode outputs to 1e-5.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, createNetwork, type Activation, type Loss, type NetworkSpec } from '../dist/node.js';
import { exportOnnx, loadCheckpoint, ONNX_OPSET } from '../dist/checkpoint.js';

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

const rows = 7;
const x = Float32Array.from({ length: rows * 4 }, (_, i) => 1.5 * Math.sin(1.7 * i + 0.3));

async function compare(activation: Activation, loss: Loss, outputs: number) {
  const net = await createNetwork({ inputs: 4, layers: [{ units: 6, activation }, { units: 5, activation }, { units: outputs }], loss, init: 'xavier_normal', seed: 9 });
  const session = await ort.InferenceSession.create(exportOnnx(net));
  const result = await session.run({ input: new ort.Tensor('float32', x, [rows, 4]) });
  const want = net.predict(x);
  const worst = (got: ArrayLike<number>, ref: ArrayLike<number>) => {
    expect(got.length).toBe(ref.length);
    let m = 0;
    for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(got[i] - ref[i]));
    return m;
  };
  expect(worst(result.output.data as Float32Array, want.outputs)).toBeLessThanOrEqual(1e-5);
  if (want.probabilities) expect(worst(result.probabilities.data as Float32Array, want.probabilities)).toBeLessThanOrEqual(1e-5);
  else expect(session.outputNames).toEqual(['output']);
  return session;
}

describe('ONNX export, run in onnxruntime-web', () => {
  it.each(ACTIVATIONS.map((a) => [a]))('%s hidden layers: the same outputs and probabilities to 1e-5', async (activation) => {
    const session = await compare(activation as Activation, 'softmax_cross_entropy', 3);
    expect(session.outputNames).toEqual(['output', 'probabilities']);
  });

  it('sigmoid_bce: per-output sigmoid probabilities; mse: raw outputs only', async () => {
    await compare('relu', 'sigmoid_bce', 2);
    await compare('tanh', 'mse', 2);
  });

  it(`states its opset (${ONNX_OPSET}) and takes any batch size`, async () => {
    const net = await createNetwork({ inputs: 4, layers: [{ units: 3 }], loss: 'mse' });
    const bytes = exportOnnx(net);
    const session = await ort.InferenceSession.create(bytes);
    for (const n of [1, 3]) {
      const r = await session.run({ input: new ort.Tensor('float32', x.slice(0, n * 4), [n, 4]) });
      expect(r.output.dims).toEqual([n, 3]);
    }
    // The opset import (field 8: domain "", version 13) is the model's last field.
    expect(Array.from(bytes.slice(-6))).toEqual([0x42, 0x04, 0x0a, 0x00, 0x10, ONNX_OPSET]);
  });
});

describe('ONNX export of every layer kind (evaluation mode), run in onnxruntime-web', () => {
  const fixture = (name: string) => new URL(`golden/checkpoints/${name}`, import.meta.url);
  const { cases } = JSON.parse(readFileSync(fixture('kinds.json'), 'utf8')) as { cases: { name: string; spec: NetworkSpec; rows: number; x: number[] }[] };
  const torch = JSON.parse(readFileSync(fixture('kinds.torch.json'), 'utf8')).cases as Record<string, { fromDescent: number[]; fromTorch: number[] }>;
  const worst = (got: ArrayLike<number>, ref: ArrayLike<number>) => {
    expect(got.length).toBe(ref.length);
    let m = 0;
    for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(got[i] - ref[i]));
    return m;
  };

  /** A fixture's network with the parameters and state of `side`'s checkpoint, exported and run on the case's rows. */
  async function run(c: (typeof cases)[number], side: 'descent' | 'torch') {
    const net = await createNetwork(c.spec);
    loadCheckpoint(net, new Uint8Array(readFileSync(fixture(`${side}-kind-${c.name}.safetensors`))));
    const session = await ort.InferenceSession.create(exportOnnx(net));
    // The input is a batch of the spec's rows: [batch, C, H, W] for images.
    const result = await session.run({ input: new ort.Tensor('float32', Float32Array.from(c.x), [c.rows, ...net.spec.inputShape]) });
    return { net, result };
  }

  it.each(cases.map((c) => [c.name, c] as const))('%s: PyTorch\'s eval outputs to 1e-5, on parameters and running statistics from descent and from torch', async (name, c) => {
    expect(worst((await run(c, 'descent')).result.output.data as Float32Array, torch[name].fromDescent)).toBeLessThanOrEqual(1e-5);
    expect(worst((await run(c, 'torch')).result.output.data as Float32Array, torch[name].fromTorch)).toBeLessThanOrEqual(1e-5);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: descent\'s eval predictions to 1e-5, outputs and probabilities', async (_, c) => {
    const { net, result } = await run(c, 'torch');
    const want = net.predict(Float32Array.from(c.x));
    expect(worst(result.output.data as Float32Array, want.outputs)).toBeLessThanOrEqual(1e-5);
    if (want.probabilities) expect(worst(result.probabilities.data as Float32Array, want.probabilities)).toBeLessThanOrEqual(1e-5);
  });

  it('declares the input as [batch, C, H, W] and stays at opset 13', async () => {
    const lenet = cases.find((c) => c.name === 'lenet')!;
    const bytes = exportOnnx(await createNetwork(lenet.spec));
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(['input']);
    await expect(session.run({ input: new ort.Tensor('float32', new Float32Array(144), [1, 144]) })).rejects.toThrow();
    const r = await session.run({ input: new ort.Tensor('float32', new Float32Array(2 * 144), [2, 1, 12, 12]) });
    expect(r.output.dims).toEqual([2, 3]);
    expect(Array.from(bytes.slice(-6))).toEqual([0x42, 0x04, 0x0a, 0x00, 0x10, ONNX_OPSET]);
  });
});
