// ONNX export (descent/checkpoint's exportOnnx): the model runs in onnxruntime-web under Node
// and gives descent's own predictions to 1e-5 — raw outputs and probabilities — for every
// activation and for classifiers and regression alike.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, createNetwork, type Activation, type Loss } from '../dist/node.js';
import { exportOnnx, ONNX_OPSET } from '../dist/checkpoint.js';

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
