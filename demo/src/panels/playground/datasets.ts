// Worker side: turns a run config's data fields into train and test sets. The synthetic sets
// come from descent/data (gauss, two blobs, is made here with descent's seeded generator), are
// split by trainTestSplit (seeded, stratified), and own points are standardised with a scaler
// fitted on their training rows (a CSV may be in any units). MNIST is loaded once and kept.
import { createRng } from 'descent';
import { circles, fitStandardScaler, spiral, trainTestSplit, xor } from 'descent/data';
import type { RunConfig } from './config.js';
import { loadMnist } from './mnist.js';

export type Bounds = [[number, number], [number, number]];

export interface Prepared {
  features: number;
  classes: number;
  /** Training inputs as the net sees them (scaled for own points). */
  xTrain: Float32Array;
  yTrain: Int32Array;
  xTest: Float32Array;
  yTest: Int32Array;
  /** 2-D sets: the points as drawn (data units) and the square the heatmap covers. */
  shown?: { train: Float32Array; test: Float32Array; bounds: Bounds };
  /** Maps plotted coordinates to the net's inputs (own points' scaler; identity otherwise). */
  toInputs(xy: Float32Array): Float32Array;
}

const SQUARE: Bounds = [[-1.25, 1.25], [-1.25, 1.25]];
const identity = (xy: Float32Array) => xy;

let mnist: ReturnType<typeof loadMnist> | null = null;

/** The MNIST digits, fetched on first use only (a failed fetch is retried next time). */
export function mnistOnce(url: string): ReturnType<typeof loadMnist> {
  mnist ??= loadMnist(url).catch((err) => { mnist = null; throw err; });
  return mnist;
}

/** Two Gaussian blobs, one class each, centred at ±(0.5, 0.5); spread grows with the noise. */
function gauss(samples: number, noise: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(samples * 2);
  const y = new Int32Array(samples);
  const sd = 0.2 + noise;
  for (let i = 0; i < samples; i++) {
    const label = i % 2;
    const c = label === 0 ? -0.5 : 0.5;
    x[2 * i] = c + sd * rng.normal();
    x[2 * i + 1] = c + sd * rng.normal();
    y[i] = label;
  }
  return { x, y };
}

function synthetic(c: RunConfig): { x: Float32Array; y: Int32Array; classes: number } {
  const o = { samples: c.samples, noise: c.noise, seed: c.dataSeed };
  if (c.data === 'spiral') { const d = spiral({ ...o, classes: c.arms }); return { x: d.x.data, y: d.y, classes: d.classes }; }
  if (c.data === 'circle') { const d = circles(o); return { x: d.x.data, y: d.y, classes: 2 }; }
  if (c.data === 'xor') { const d = xor(o); return { x: d.x.data, y: d.y, classes: 2 }; }
  return { ...gauss(c.samples, c.noise, c.dataSeed), classes: 2 };
}

/** Rows split by the config's test fraction (none when it is 0 or there are too few rows). */
function split(x: Float32Array, y: Int32Array, c: RunConfig) {
  const rows = y.length;
  if (c.testFraction <= 0 || Math.round(rows * c.testFraction) < 1 || rows < 4) {
    return { xTrain: x, yTrain: y, xTest: new Float32Array(0), yTest: new Int32Array(0) };
  }
  const s = trainTestSplit({ data: x, shape: [rows, 2] }, y, { testFraction: c.testFraction, seed: c.dataSeed, stratify: true });
  return { xTrain: s.xTrain.data, yTrain: s.yTrain as Int32Array, xTest: s.xTest.data, yTest: s.yTest as Int32Array };
}

/** The square the own points' heatmap shows: the default square, grown to hold every point. */
function boundsAround(x: Float32Array): Bounds {
  let [x0, x1] = SQUARE[0], [y0, y1] = SQUARE[1];
  for (let i = 0; i < x.length; i += 2) {
    x0 = Math.min(x0, x[i]); x1 = Math.max(x1, x[i]);
    y0 = Math.min(y0, x[i + 1]); y1 = Math.max(y1, x[i + 1]);
  }
  // A square with a 5 % margin, so distances look the same along both axes.
  const half = Math.max(x1 - x0, y1 - y0) * 0.55, cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return x1 - x0 <= 2.5 && y1 - y0 <= 2.5 && x0 >= -1.25 && y0 >= -1.25 && x1 <= 1.25 && y1 <= 1.25 ? SQUARE : [[cx - half, cx + half], [cy - half, cy + half]];
}

export async function prepare(c: RunConfig): Promise<Prepared> {
  if (c.data === 'mnist') {
    const m = await mnistOnce(c.mnistUrl ?? 'mnist-digits.bin');
    return { features: 784, classes: 10, xTrain: m.xTrain, yTrain: m.yTrain, xTest: m.xTest, yTest: m.yTest, toInputs: identity };
  }
  if (c.data === 'own') {
    const x = new Float32Array(c.points.length * 2);
    const y = new Int32Array(c.points.length);
    c.points.forEach((p, i) => { x[2 * i] = p.x; x[2 * i + 1] = p.y; y[i] = p.label; });
    const classes = Math.max(2, Math.max(...y) + 1);
    const s = split(x, y, c);
    const scaler = fitStandardScaler({ data: s.xTrain, shape: [s.yTrain.length, 2] });
    const toInputs = (xy: Float32Array) => (xy.length === 0 ? xy : scaler.transform({ data: xy, shape: [xy.length / 2, 2] }).data);
    return {
      features: 2, classes,
      xTrain: toInputs(s.xTrain), yTrain: s.yTrain, xTest: toInputs(s.xTest), yTest: s.yTest,
      shown: { train: s.xTrain, test: s.xTest, bounds: boundsAround(x) }, toInputs,
    };
  }
  const d = synthetic(c);
  const s = split(d.x, d.y, c);
  return { features: 2, classes: d.classes, ...s, shown: { train: s.xTrain, test: s.xTest, bounds: SQUARE }, toInputs: identity };
}
