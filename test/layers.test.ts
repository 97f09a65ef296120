// A network is a sequence of layers of some kind (src/model/layers.ts); Dense is the only kind
// so far. The spec names a layer's kind by `type`, each kind reads its own options, owns its
// parameter tensors and fills its own descriptor words, and the pass dispatches on the kind's
// code: an impossible code in a descriptor stops the kernel with a KernelError.
import { describe, expect, it } from 'vitest';
import { ConfigError, KernelError } from '../src/errors.js';
import type { Engine } from '../src/engine/engine.js';
import { LAYER_KINDS } from '../src/model/layers.js';
import { resolveSpec } from '../src/model/spec.js';
import { Network } from '../src/network.js';
import { LAYER, PASS } from '../src/wasm/abi.js';
import { loadTestModule } from './helpers/wasm.js';

const spec = { inputs: 3, layers: [{ type: 'dense' as const, units: 4, activation: 'tanh' as const }, { units: 2 }], loss: 'softmax_cross_entropy' as const, seed: 3 };

describe('layer specs', () => {
  it('read `type` (default dense) and the kind\'s own options', () => {
    const r = resolveSpec(spec);
    expect(r.layers.map((l) => [l.type, l.inputs, l.outputs, l.activation])).toEqual([['dense', 3, 4, 'tanh'], ['dense', 4, 2, 'linear']]);
  });

  it('reject an unknown kind and an option the kind does not have, naming the path', () => {
    const bad = (layer: object) => () => resolveSpec({ ...spec, layers: [layer as never, { units: 2 }] });
    expect(bad({ type: 'conv3d', units: 4 })).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'spec.layers[0].type', value: 'conv3d' }));
    expect(bad({ units: 4, kernelSize: 3 })).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'spec.layers[0].kernelSize' }));
    expect(bad({ units: 4, kernelSize: 3 })).toThrow(/kernelSize is not an option of a dense layer \(expected one of type, units, activation\)/);
    expect(bad(7 as never)).toThrow(ConfigError);
  });

  it('each kind\'s own descriptor words fit in the layer\'s block', () => {
    const r = resolveSpec(spec);
    expect(LAYER_KINDS.map((k) => k.type)).toEqual(['dense', 'conv2d', 'maxpool2d', 'avgpool2d', 'flatten', 'dropout', 'batchnorm1d', 'batchnorm2d', 'layernorm', 'activation']);
    for (const l of r.layers) {
      const own = LAYER_KINDS[0].words(l as never);
      expect(own).toHaveLength(LAYER_KINDS[0].ownWords.length);
    }
    for (const k of LAYER_KINDS) expect(LAYER.COMMON + k.ownWords.length, k.type).toBeLessThanOrEqual(PASS.LAYER_WORDS);
  });
});

describe('a dense layer', () => {
  it('owns a [units, inputs] weight and a [units] bias, in that order, and reports its kind', () => {
    const net = Network.create(spec, loadTestModule());
    const s = net.summary();
    expect(s.layers.map((l) => [l.type, l.weightShape, l.biasShape, l.parameters])).toEqual([['dense', [4, 3], [4], 16], ['dense', [2, 4], [2], 10]]);
    const e = (net as unknown as { e: Engine }).e;
    const [w, b] = [e.layers[0].tensors[0], e.layers[0].tensors[1]];
    expect(b - w).toBe(4 * 3 * 4);
    expect(net.getParameters()[0].weight).toEqual(e.f32.slice(w >> 2, (w >> 2) + 12));
    net.dispose();
  });
});

describe.each(['release', 'debug'] as const)('the %s pass', (build) => {
  const run = (corrupt: (w: Int32Array, e: Engine) => void) => {
    const net = Network.create(spec, loadTestModule(build));
    const e = (net as unknown as { e: Engine }).e;
    net.predict([[1, 2, 3]]); // plans the workspace
    e.f32.set([1, 2, 3], e.xBatch >> 2);
    e.i32[e.yBatch >> 2] = 1;
    corrupt(e.i32, e);
    try {
      e.trainPass(e.xBatch, e.yBatch, 1);
    } finally {
      net.dispose();
    }
  };
  const layerWord = (e: Engine, l: number, i: number) => e.layerWord(e.desc, l, i);

  it('runs on the descriptor the engine wrote', () => {
    expect(() => run(() => {})).not.toThrow();
  });

  it('stops with a KernelError on a layer kind it does not know', () => {
    expect(() => run((w, e) => { w[layerWord(e, 1, LAYER.KIND)] = LAYER_KINDS.length; })).toThrow(KernelError);
    expect(() => run((w, e) => { w[layerWord(e, 0, LAYER.KIND)] = -1; })).toThrow(/a kernel stopped: unknown layer kind/);
  });

  it('stops with a KernelError on a loss code it does not know (it used to fall through to Huber)', () => {
    expect(() => run((w, e) => { w[(e.desc >> 2) + PASS.LOSS] = 5; })).toThrow(KernelError);
    expect(() => run((w, e) => { w[(e.desc >> 2) + PASS.LOSS] = 5; })).toThrow(/unknown loss code/);
  });

  it('stops with a KernelError on an activation code it does not know', () => {
    expect(() => run((w, e) => { w[layerWord(e, 0, LAYER.ACTIVATION)] = 8; })).toThrow(/unknown activation code/);
  });
});
