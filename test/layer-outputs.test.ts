// net.layerOutputs(x): every layer's output in evaluation mode, shaped as the layer's rows —
// what the demo draws as feature maps. Checked against an f64 forward of the same parameters.
import { describe, expect, it } from 'vitest';
import { Network } from '../src/network.js';
import { activationForward } from './reference/activations.js';
import { denseForward } from './reference/dense.js';
import { loadTestModule } from './helpers/wasm.js';

describe('layerOutputs', () => {
  it('gives each layer\'s activated output with its row shape, the last equal to predict\'s outputs', () => {
    const net = Network.create({
      inputs: [2, 1, 3],
      layers: [{ type: 'flatten' }, { units: 5 }, { type: 'activation', activation: 'tanh' }, { units: 3 }],
      loss: 'softmax_cross_entropy', seed: 4,
    }, loadTestModule());
    const x = Array.from({ length: 7 }, (_, r) => Array.from({ length: 6 }, (_, i) => Math.sin(r * 6 + i)));
    const outs = net.layerOutputs(x);
    expect(outs.map((o) => [o.type, o.shape])).toEqual([['flatten', [7, 6]], ['dense', [7, 5]], ['activation', [7, 5]], ['dense', [7, 3]]]);
    expect([...outs[0].values]).toEqual(x.flat().map(Math.fround));
    const [, p1, , p3] = net.getParameters();
    const z1 = denseForward(x.flat(), p1.weight, p1.bias, 7, 6, 5);
    outs[1].values.forEach((v, i) => expect(v).toBeCloseTo(z1[i], 5));
    const a = activationForward('tanh', z1);
    outs[2].values.forEach((v, i) => expect(v).toBeCloseTo(a[i], 5));
    const z3 = denseForward(a, p3.weight, p3.bias, 7, 5, 3);
    outs[3].values.forEach((v, i) => expect(v).toBeCloseTo(z3[i], 5));
    expect(outs[3].values).toEqual(net.predict(x).outputs);
    expect(() => net.layerOutputs([[1, 2]])).toThrow(expect.objectContaining({ name: 'DataError' }));
    net.dispose();
  });
});
