// The benchmark cases and their data. Every implementation process regenerates the same
// data from the case's seed (cheaper than shipping megabytes over IPC), so all of them train
// on byte-identical inputs and labels; only the initial parameters travel from the
// orchestrator, because they come from descent's own initialiser. PyTorch reads both from a
// file (writeCaseData).

import { writeCaseFile } from './case-file.mjs';

const MLP_LAYERS = [
  { units: 256, activation: 'relu' },
  { units: 128, activation: 'relu' },
  { units: 10, activation: 'linear' },
];
const TINY_LAYERS = [
  { units: 16, activation: 'tanh' },
  { units: 16, activation: 'tanh' },
  { units: 2, activation: 'linear' },
];

function mlpCase(batch) {
  return {
    id: `mlp-b${batch}`,
    title: '784-256-128-10 relu',
    spec: { inputs: 784, layers: MLP_LAYERS, loss: 'softmax_cross_entropy', seed: 1 },
    batch,
    // At least 4 distinct batches, so the timed loop walks through data like real training
    // rather than hitting one cached batch; 1024 rows keep batch 1 cheap to set up.
    rows: Math.max(1024, 4 * batch),
    unit: 'samples/s',
    // brain.js has no mini-batches or softmax: it only appears as an online (batch-1) row.
    brain: batch === 1,
    check: MLP_CHECK,
  };
}

// The trajectory check per case (check.mjs): how many steps, and for how many of them the
// losses must agree to f32 precision (`tight`) before Adam's amplification of rounding
// differences allows only `loose` agreement. Measured from descent's initial parameters
// (commit 6607a9f): on the MLP, tfjs-wasm's first three losses are within 8.3e-7 of
// descent's (the initial loss at batch 1024; 3.2e-7 after the first update) and PyTorch's
// ten within 2.3e-7, while a 5% lr error moves a loss by 8e-5 or more by step 2 and eps
// 1e-8 by 2.2e-6 to 1.2e-4 within steps 2–3. On the tanh net no run drifts: tfjs-wasm and
// PyTorch stay within 2.6e-7 (3 ulps) for 60 steps, where eps 1e-8 reaches 1.0e-6.
const MLP_CHECK = { steps: 10, tightSteps: 3, tight: 2e-6, loose: 1e-3 };
const TINY_CHECK = { steps: 60, tightSteps: 60, tight: 6e-7, loose: 6e-7 };

/** The timed cases, in the order they run and print. */
export const CASES = [
  mlpCase(1),
  mlpCase(32),
  mlpCase(128),
  mlpCase(256), // the threads criterion is stated at 256 and 1024
  mlpCase(1024),
  {
    id: 'tiny-b32',
    title: '2-16-16-2 tanh',
    spec: { inputs: 2, layers: TINY_LAYERS, loss: 'softmax_cross_entropy', seed: 1 },
    batch: 32,
    rows: 1024,
    unit: 'steps/s',
    brain: false,
    check: TINY_CHECK,
  },
];

/**
 * The multiply-add FLOP of one training step, from the layer sizes: per dense layer of
 * `inputs` → `units` at batch B, 2·B·inputs·units each for the forward product (X·Wᵀ) and the
 * weight gradient (dYᵀ·X), and as much for the input gradient (dY·W) of every layer but the
 * first (no one needs ∂L/∂x). Bias adds, activations, the loss and the optimizer are not
 * counted: they are not products, and they are a small share of the time on the MLP
 * (not on the tiny net, whose step is mostly overhead).
 */
export function flopsPerStep(c) {
  let flop = 0;
  let fanIn = c.spec.inputs;
  c.spec.layers.forEach((l, i) => {
    flop += 2 * c.batch * fanIn * l.units * (i === 0 ? 2 : 3);
    fanIn = l.units;
  });
  return flop;
}

/** Adam as every implementation runs it: tfjs's eps (1e-7), PyTorch's other defaults. */
export const ADAM = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-7 };

/** mulberry32: tiny, fast and deterministic; quality is irrelevant for synthetic data. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The case's training set: x as rows × inputs (Float32Array, row-major), labels as class
 * indices (Int32Array). MLP data are noisy class prototypes in [0, 1] (MNIST-like range, so
 * the losses move); the tiny net gets an XOR-quadrant problem in [-1, 1]².
 */
export function makeData(c) {
  const { inputs } = c.spec;
  const classes = c.spec.layers.at(-1).units;
  const rand = rng(0xda7a + c.rows);
  const x = new Float32Array(c.rows * inputs);
  const labels = new Int32Array(c.rows);
  if (inputs === 2) {
    for (let r = 0; r < c.rows; r++) {
      const a = rand() * 2 - 1;
      const b = rand() * 2 - 1;
      x[2 * r] = a;
      x[2 * r + 1] = b;
      labels[r] = a * b > 0 ? 1 : 0;
    }
  } else {
    const protos = Float32Array.from({ length: classes * inputs }, rand);
    for (let r = 0; r < c.rows; r++) {
      const k = Math.floor(rand() * classes);
      labels[r] = k;
      for (let i = 0; i < inputs; i++) x[r * inputs + i] = 0.5 * protos[k * inputs + i] + 0.5 * rand();
    }
  }
  return { x, labels, classes, inputs };
}

/**
 * Writes the case's data (makeData) and the initial parameters (descent's getParameters():
 * one { weight [units × inputs], bias } per layer) for the PyTorch worker
 * (bench/mlp_pytorch.py), in bench/case-file.mjs's format.
 */
export function writeCaseData(path, c, init) {
  const { x, labels } = makeData(c);
  const parts = [
    { name: 'x', dtype: 'f32', shape: [c.rows, c.spec.inputs], data: x },
    { name: 'labels', dtype: 'i32', shape: [c.rows], data: labels },
  ];
  let fanIn = c.spec.inputs;
  c.spec.layers.forEach((l, i) => {
    parts.push({ name: `layer${i}.weight`, dtype: 'f32', shape: [l.units, fanIn], data: init[i].weight });
    parts.push({ name: `layer${i}.bias`, dtype: 'f32', shape: [l.units], data: init[i].bias });
    fanIn = l.units;
  });
  writeCaseFile(path, { source: `bench/cases.mjs makeData(${c.id})`, parts });
}
