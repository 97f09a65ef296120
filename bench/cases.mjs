// The benchmark cases and their data. Every implementation process regenerates the same
// data from the case's seed (cheaper than shipping megabytes over IPC), so all of them train
// on byte-identical inputs and labels; only the initial parameters travel from the
// orchestrator, because they come from descent's own initialiser.

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
  };
}

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
  },
];

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
