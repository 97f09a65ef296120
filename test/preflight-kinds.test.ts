// The pre-flight check on networks of every kind: it reads them as stages (a layer the
// initialiser fills and the pools, flatten, dropout, normalisations and activation layers
// after it), so a pool's or a batch norm's change of scale raises nothing and a rescaled
// convolution does, named by kind; the initialiser checks count initialised layers with the
// activation of their stage, leave out normalised stages, and weigh Xavier under ReLU by
// each layer's fans (a convolution's are channels × kernel area). The CLI's LeNet on its
// MNIST split is the realistic case; small networks on synthetic images the edge cases.
import { describe, expect, it } from 'vitest';
import { cnnLayers } from '../src/cli/train-command.js';
import { loadMnistSplit } from '../src/cli/mnist.js';
import type { Init, Inputs, LayerSpec, NetworkSpec, PreflightReport, Targets } from '../src/types.js';
import { makeNetwork } from './helpers/network.js';
import { testThreads } from './helpers/wasm.js';

/** Seeded uniform values in [0, 1). */
function uniforms(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** `rows` images of [1, 12, 12], pixels in [0, scale), labels from the top half's brightness. */
function images(rows: number, scale = 1) {
  const u = uniforms(21);
  const x = Array.from({ length: rows }, () => Array.from({ length: 144 }, () => u() * scale));
  const y = x.map((r) => (r.slice(0, 72).reduce((a, b) => a + b, 0) > 36 * scale ? 1 : 0));
  return { x, y };
}
const data = images(64);
/** MNIST's split 0 (the CLI's), loaded once. */
const mnist = loadMnistSplit(0);
/** `descent train --model cnn`'s network. */
const mnistLenet = (init: Init): NetworkSpec => ({ inputs: [1, 28, 28], layers: cnnLayers('relu', 10), loss: 'softmax_cross_entropy', init, seed: 0 });

/** A small LeNet on [1, 12, 12]: conv 4@3×3 pad 1 → pool → conv 8@3×3 → pool → flatten → 16 → 2. */
function lenet(init: Init, activation: 'relu' | 'tanh' = 'relu'): NetworkSpec {
  return {
    inputs: [1, 12, 12],
    layers: [
      { type: 'conv2d', outChannels: 4, kernelSize: 3, padding: 1, activation }, { type: 'maxpool2d', kernelSize: 2 },
      { type: 'conv2d', outChannels: 8, kernelSize: 3, activation }, { type: 'maxpool2d', kernelSize: 2 },
      { type: 'flatten' }, { units: 16, activation }, { units: 2 },
    ],
    loss: 'softmax_cross_entropy', init, seed: 4,
  };
}

/** Three 3×3 convolutions doubling the channels (1 → 8 → 16 → 32, padding 1), ReLU, then a pool, flatten and a linear output. */
function widening(init: Init, normalise = false): NetworkSpec {
  const conv = (outChannels: number): LayerSpec[] => (normalise
    ? [{ type: 'conv2d', outChannels, kernelSize: 3, padding: 1 }, { type: 'batchnorm2d', activation: 'relu' }]
    : [{ type: 'conv2d', outChannels, kernelSize: 3, padding: 1, activation: 'relu' }]);
  return {
    inputs: [1, 12, 12],
    layers: [...conv(8), ...conv(16), ...conv(32), { type: 'maxpool2d', kernelSize: 4 }, { type: 'flatten' }, { units: 2 }],
    loss: 'softmax_cross_entropy', init, seed: 4,
  };
}

const check = (spec: NetworkSpec, edit?: (p: ReturnType<ReturnType<typeof makeNetwork>['getParameters']>) => void, x: Inputs = data.x, y: Targets = data.y): PreflightReport => {
  const net = makeNetwork(spec);
  if (edit) {
    const p = net.getParameters();
    edit(p);
    net.setParameters(p);
  }
  const r = net.preflight(x, y);
  net.dispose();
  return r;
};
const codes = (r: PreflightReport) => r.warnings.map((w) => w.code);

describe('convolutional networks', () => {
  it('the CLI\'s LeNet on MNIST with ReLU + He: no warning for seeds 0–4 (pools and flatten change the scale on their own); a figure per layer', async () => {
    const { xTrain, yTrain } = await mnist;
    for (let seed = 0; seed < 5; seed++) {
      const r = check({ ...mnistLenet('he_uniform'), seed }, undefined, xTrain, yTrain);
      expect(r.warnings, `seed ${seed}`).toEqual([]);
      expect(r.layers).toHaveLength(8);
      for (const l of r.layers) expect(l.std).toBeGreaterThan(0);
      expect(r.layers[4]).toEqual(r.layers[3]); // flatten changes nothing
      // A 2×2 max pool of ReLU outputs raises their scale by itself (no fault of the weights).
      expect(r.layers[1].std).toBeGreaterThan(r.layers[0].std);
    }
  });

  it('a convolution with 10× its weights: activation_scale against its input, a pool\'s output, named by kind', async () => {
    const { xTrain, yTrain } = await mnist;
    const r = check(mnistLenet('he_uniform'), (p) => {
      p[2].weight = p[2].weight.map((w) => w * 10);
      p[2].bias = p[2].bias.map((b) => b * 10);
    }, xTrain, yTrain);
    const scale = r.warnings.filter((x) => x.code === 'activation_scale');
    // The next layer gets the 10× as its input and keeps its own scale: only the convolution is named.
    expect(scale).toHaveLength(1);
    expect(scale[0].message).toMatch(/^hidden conv2d layer 2's output std is (\d+(\.\d+)?)× maxpool2d layer 1's, its input \(outside \[0\.5, 2\]\)$/);
    const ratio = Number(/is ([\d.]+)×/.exec(scale[0].message)![1]);
    expect(ratio).toBeCloseTo(r.layers[2].std / r.layers[1].std, 1);
    expect(ratio).toBeGreaterThan(5);
    expect(scale[0].remedy).toMatch(/explode/);
  });

  it('PyTorch\'s default-like uniform initialisation shrinks the LeNet\'s signal: activation_scale on the dense layers', async () => {
    const { xTrain, yTrain } = await mnist;
    const r = check(mnistLenet('uniform'), undefined, xTrain, yTrain);
    const named = r.warnings.filter((x) => x.code === 'activation_scale').map((w) => /^hidden (\w+ layer \d+)/.exec(w.message)![1]);
    expect(named.length).toBeGreaterThan(0);
    for (const n of named) expect(n).toMatch(/^(conv2d|dense) layer \d$/);
    expect(r.warnings.every((w) => w.code !== 'xavier_with_deep_relu')).toBe(true);
  });

  it('Xavier on the LeNet: the four ReLU layers keep 0.27 × 0.77 × 0.59 of the second moment after the first', async () => {
    const { xTrain, yTrain } = await mnist;
    const w = check(mnistLenet('xavier_uniform'), undefined, xTrain, yTrain).warnings.find((x) => x.code === 'xavier_with_deep_relu')!;
    expect(w.message).toBe('4 ReLU hidden layers with xavier_uniform keep 0.12 of the signal\'s second moment after the first, fan_in/(fan_in + fan_out) each: conv2d layer 0 25/175, conv2d layer 2 150/550, dense layer 5 400/520, dense layer 6 120/204');
  });

  it('Xavier under ReLU weighed by fans: three widening 3×3 convolutions warn, three dense layers of one width do not', () => {
    const r = check(widening('xavier_uniform'));
    const w = r.warnings.find((x) => x.code === 'xavier_with_deep_relu')!;
    expect(w).toBeDefined();
    // conv fans: 1·9 in, 8·9 out; 8·9, 16·9; 16·9, 32·9: 9/81, then 1/3 and 1/3.
    expect(w.message).toBe('3 ReLU hidden layers with xavier_uniform keep 0.11 of the signal\'s second moment after the first, fan_in/(fan_in + fan_out) each: conv2d layer 0 9/81, conv2d layer 1 72/216, conv2d layer 2 144/432');
    const mlp: NetworkSpec = { inputs: 144, layers: [{ units: 32, activation: 'relu' }, { units: 32, activation: 'relu' }, { units: 32, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', init: 'xavier_uniform', seed: 4 };
    expect(codes(check(mlp))).not.toContain('xavier_with_deep_relu');
    expect(codes(check(widening('he_uniform')))).not.toContain('xavier_with_deep_relu');
  });

  it('tanh convolutions with He: he_with_saturating names them', () => {
    const w = check(lenet('he_normal', 'tanh')).warnings.find((x) => x.code === 'he_with_saturating')!;
    expect(w.message).toBe('he_normal with sigmoid/tanh hidden layers (conv2d layer 0, conv2d layer 2, dense layer 5): He\'s larger weights push them into their flat tails');
  });

  it('unscaled pixels (0–255) are unscaled inputs', () => {
    expect(codes(check(lenet('he_uniform'), undefined, images(64, 255).x))).toContain('unscaled_inputs');
  });
});

describe('activation layers', () => {
  /** `n` hidden dense layers of 32 (linear), each followed by an activation layer. */
  const separate = (n: number, activation: 'relu' | 'tanh', init: Init): NetworkSpec => ({
    inputs: 8,
    layers: [...Array.from({ length: n }, (): LayerSpec[] => [{ units: 32 }, { type: 'activation', activation }]).flat(), { units: 2 }],
    loss: 'softmax_cross_entropy', init, seed: 1,
  });
  const u = uniforms(3);
  const x = Array.from({ length: 64 }, () => Array.from({ length: 8 }, () => 2 * u() - 1));
  const y = x.map((r) => (r[0] + r[1] > 0 ? 1 : 0));
  const found = (spec: NetworkSpec) => makeNetwork(spec).preflight(x, y).warnings.map((w) => w.code);

  it('count with the activation of their stage, as the same activations inside the dense layers do', () => {
    expect(found(separate(4, 'tanh', 'xavier_uniform'))).toContain('deep_saturating');
    expect(found(separate(3, 'tanh', 'xavier_uniform'))).not.toContain('deep_saturating');
    expect(found(separate(5, 'relu', 'xavier_normal'))).toContain('xavier_with_deep_relu');
    expect(found(separate(2, 'tanh', 'he_uniform'))).toContain('he_with_saturating');
    expect(found(separate(3, 'relu', 'he_uniform'))).toEqual([]);
  });
});

describe('dropout', () => {
  it('passes values through in the check (evaluation mode): a network with dropout gives the figures of the same network without', () => {
    const without: NetworkSpec = { inputs: 8, layers: [{ units: 32, activation: 'relu' }, { units: 32, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 1 };
    const withDropout: NetworkSpec = { ...without, layers: [without.layers[0], { type: 'dropout', p: 0.5 }, without.layers[1], { type: 'dropout', p: 0.5 }, without.layers[2]] };
    const u = uniforms(7);
    const x = Array.from({ length: 64 }, () => Array.from({ length: 8 }, () => 2 * u() - 1));
    const y = x.map((r) => (r[0] > 0 ? 1 : 0));
    const a = makeNetwork(without).preflight(x, y);
    const b = makeNetwork(withDropout).preflight(x, y);
    expect(b.warnings).toEqual(a.warnings);
    expect(b.firstLoss).toBe(a.firstLoss);
    expect([b.layers[0], b.layers[2], b.layers[4]]).toEqual(a.layers);
    expect(b.layers[1]).toEqual(b.layers[0]);
  });
});

// Batch norm refuses threads.
describe.skipIf(testThreads > 1)('batch norm', () => {
  it('stages with a batch norm are not compared: a convolution with 10× its weights before one raises no activation_scale', () => {
    const spec: NetworkSpec = {
      inputs: [1, 12, 12],
      layers: [
        { type: 'conv2d', outChannels: 4, kernelSize: 3, padding: 1 }, { type: 'batchnorm2d', activation: 'relu' }, { type: 'maxpool2d', kernelSize: 2 },
        { type: 'conv2d', outChannels: 8, kernelSize: 3 }, { type: 'batchnorm2d', activation: 'relu' }, { type: 'maxpool2d', kernelSize: 2 },
        { type: 'flatten' }, { units: 16, activation: 'relu' }, { units: 2 },
      ],
      loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 4,
    };
    // The check's pass is in evaluation mode, where a fresh batch norm divides by its running
    // variance (1): the 10× reaches the layers after it here, though training normalises it
    // away with the batch's own statistics. So its stage is not compared.
    const r = check(spec, (p) => {
      p[0].weight = p[0].weight.map((w) => w * 10);
    });
    expect(codes(r)).not.toContain('activation_scale');
    expect(r.layers).toHaveLength(9);
  });

  it('normalised stages are left out of the initialiser checks: widening convolutions with batch norms do not warn under Xavier', () => {
    expect(codes(check(widening('xavier_uniform', true)))).not.toContain('xavier_with_deep_relu');
  });
});
