// MNIST in the playground's worker: fetches the packed digit file (format in
// demo/plugins/mnist-pack.ts) only when MNIST is chosen, checks it, turns each byte k into
// exactly k/255, and splits it as the CLI's loadMnistSplit does (stratified by digit, seeded,
// 8,000 / 2,000), so the same seed gives the same split here and in `descent train`.
import { trainTestSplit } from 'descent/data';
import { readMnistHeader } from '../../../plugins/mnist-pack.js';

export const MNIST_FEATURES = 784;
export const MNIST_CLASSES = 10;
/** As the CLI: a fifth of each digit's rows held out for testing. */
const TEST_FRACTION = 0.2;

export interface MnistDigits {
  /** count × 784 pixels in [0, 1], row-major. */
  x: Float32Array;
  /** count labels 0–9. */
  y: Int32Array;
  count: number;
}

export interface MnistSplit {
  xTrain: Float32Array;
  yTrain: Int32Array;
  xTest: Float32Array;
  yTest: Int32Array;
  features: 784;
  classes: 10;
}

// Every byte's float32 k/255, computed once: the parse is then a table lookup per pixel.
const BYTE_TO_PIXEL = Float32Array.from({ length: 256 }, (_, k) => k / 255);

/** Reads the packed file; throws an Error naming what is wrong (HTML page, truncation, bad label…). */
export function parseMnist(bytes: ArrayBuffer): MnistDigits {
  const all = new Uint8Array(bytes);
  const h = readMnistHeader(all);
  const y = new Int32Array(h.count);
  for (let i = 0; i < h.count; i++) {
    const label = all[h.labels + i];
    if (label > 9) throw new Error(`the MNIST file's digit #${i} has label ${label}, expected 0–9`);
    y[i] = label;
  }
  const x = new Float32Array(h.count * MNIST_FEATURES);
  const pixels = all.subarray(h.pixels);
  for (let i = 0; i < x.length; i++) x[i] = BYTE_TO_PIXEL[pixels[i]];
  return { x, y, count: h.count };
}

/** The stratified, seeded 80/20 split of the CLI's loadMnistSplit. */
export function splitMnist(digits: MnistDigits, seed: number): MnistSplit {
  const s = trainTestSplit(digits.x, digits.y, { testFraction: TEST_FRACTION, seed, stratify: true });
  return { xTrain: s.xTrain.data, yTrain: s.yTrain, xTest: s.xTest.data, yTest: s.yTest, features: MNIST_FEATURES, classes: MNIST_CLASSES };
}

async function fetchMnist(url: string): Promise<MnistDigits> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new Error(`could not fetch the MNIST digits from ${url}: ${(err as Error).message}`);
  }
  if (!res.ok) throw new Error(`could not fetch the MNIST digits: ${url} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  return parseMnist(await res.arrayBuffer());
}

// The file is fetched and parsed once per url; splits are kept for the last few seeds (each is
// ~31 MB of float32), so switching data sets back and forth costs nothing. A failed load is
// forgotten, so trying again fetches again. Callers must not transfer or write these arrays.
const parsed = new Map<string, Promise<MnistDigits>>();
const splits = new Map<string, Promise<MnistSplit>>();
const KEEP_SPLITS = 2;

/** The MNIST digits at `url`, split 8,000 / 2,000 by `seed`; cached per url and seed. */
export function loadMnist(url: string, seed = 0): Promise<MnistSplit> {
  const key = `${seed} ${url}`;
  const hit = splits.get(key);
  if (hit) {
    // Most recently used last, so the oldest is the one dropped.
    splits.delete(key);
    splits.set(key, hit);
    return hit;
  }
  let digits = parsed.get(url);
  if (!digits) {
    digits = fetchMnist(url);
    parsed.set(url, digits);
    digits.catch(() => parsed.delete(url));
  }
  const split = digits.then((d) => splitMnist(d, seed));
  splits.set(key, split);
  split.catch(() => splits.delete(key));
  while (splits.size > KEEP_SPLITS) splits.delete(splits.keys().next().value!);
  return split;
}
