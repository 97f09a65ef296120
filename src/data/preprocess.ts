// Preprocessing on flat row-major data: feature scaling fitted on a training split,
// one-hot targets, and a seeded (optionally stratified) train/test split. Every helper
// returns new arrays and leaves its input untouched.
import { toMatrix } from './matrix.js';
import { DataError } from '../errors.js';
import { describe } from '../util/describe.js';
import { mustBe } from '../util/must-be.js';
import { OptionsReader } from '../util/options.js';
import { createRng } from '../util/rng.js';
import type { Inputs, Matrix } from '../types.js';

/** A `Matrix` whose data is a `Float32Array`, as the helpers here return it. */
export interface Float32Matrix extends Matrix {
  data: Float32Array;
}

/** Per-column standardisation fitted by `fitStandardScaler`. */
export interface StandardScaler {
  /** Columns the scaler was fitted on; `transform` requires the same number. */
  readonly columns: number;
  /** Per-column mean of the fitting data. */
  readonly mean: Float64Array;
  /** Per-column population standard deviation (divides by n); 0 for a constant column. */
  readonly std: Float64Array;
  /**
   * Returns (x − mean) / std per column as a new matrix. Constant columns are only
   * centred (divided by 1), so they become 0 instead of NaN.
   */
  transform(x: Inputs): Float32Matrix;
}

/** Per-column min-max scaling fitted by `fitMinMaxScaler`. */
export interface MinMaxScaler {
  /** Columns the scaler was fitted on; `transform` requires the same number. */
  readonly columns: number;
  /** Per-column minimum of the fitting data. */
  readonly min: Float64Array;
  /** Per-column maximum of the fitting data. */
  readonly max: Float64Array;
  /**
   * Returns (x − min) / (max − min) per column as a new matrix: the fitting data lands in
   * [0, 1]; new data may fall outside (it is not clipped). Constant columns map to 0.
   */
  transform(x: Inputs): Float32Matrix;
}

/**
 * Fits a standardiser on `x` (usually the training split): per-column mean and population
 * standard deviation, computed in double precision. Apply it to every split with
 * `transform`, so the test data is scaled with the training statistics.
 *
 * @param x samples; pass `columns` when `x` is a flat array.
 * @throws DataError when `x` is empty, ragged or holds a non-finite value.
 */
export function fitStandardScaler(x: Inputs, columns?: number): StandardScaler {
  const m = toMatrix(x, columns, 'x');
  const cols = m.columns;
  const { min, max } = columnRange(m.data, m.rows, cols);
  const mean = new Float64Array(cols);
  const std = new Float64Array(cols);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < cols; c++) mean[c] += m.data[r * cols + c];
  }
  for (let c = 0; c < cols; c++) mean[c] /= m.rows;
  // Two passes (mean first, then squared deviations) avoid the cancellation of E[x²] − E[x]².
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < cols; c++) {
      const d = m.data[r * cols + c] - mean[c];
      std[c] += d * d;
    }
  }
  for (let c = 0; c < cols; c++) std[c] = min[c] === max[c] ? 0 : Math.sqrt(std[c] / m.rows);
  // A column is constant exactly when min = max; its std is reported as 0 and it is divided by 1.
  const scale = std.map((s) => (s === 0 ? 1 : s));
  return {
    columns: cols,
    mean,
    std,
    transform(data: Inputs): Float32Matrix {
      return mapColumns(data, cols, 'standard scaler', (v, c) => (v - mean[c]) / scale[c]);
    },
  };
}

/**
 * Fits a min-max scaler on `x` (usually the training split), mapping each column's
 * [min, max] to [0, 1].
 *
 * @param x samples; pass `columns` when `x` is a flat array.
 * @throws DataError when `x` is empty, ragged or holds a non-finite value.
 */
export function fitMinMaxScaler(x: Inputs, columns?: number): MinMaxScaler {
  const m = toMatrix(x, columns, 'x');
  const cols = m.columns;
  const { min, max } = columnRange(m.data, m.rows, cols);
  return {
    columns: cols,
    min,
    max,
    transform(data: Inputs): Float32Matrix {
      return mapColumns(data, cols, 'min-max scaler', (v, c) => (max[c] === min[c] ? 0 : (v - min[c]) / (max[c] - min[c])));
    },
  };
}

/**
 * One-hot encodes class labels: row i has a 1 in column `labels[i]` and 0 elsewhere.
 *
 * @param labels class indices, integers in [0, classes).
 * @param classes number of classes (columns of the result), a positive integer (labels.length × classes ≤ 2^30).
 * @returns a `[labels.length, classes]` matrix.
 * @throws ConfigError for a bad `classes`; DataError for a label outside [0, classes).
 */
export function oneHot(labels: ArrayLike<number>, classes: number): Float32Matrix {
  if (!Number.isInteger(classes) || classes < 1) {
    throw mustBe('classes', 'a positive integer', classes);
  }
  const ys = checkLabels(labels, 'labels', classes);
  // A count no Float32Array can hold (1e39 is an integer too) is refused, not a RangeError.
  if (ys.length * classes > 2 ** 30) throw mustBe('classes', `a positive integer with ${ys.length} × classes ≤ 2^30`, classes);
  const data = new Float32Array(ys.length * classes);
  for (let i = 0; i < ys.length; i++) data[i * classes + ys[i]] = 1;
  return { data, shape: [ys.length, classes] };
}

/** Options of `trainTestSplit`. */
export interface SplitOptions {
  /** Fraction of the rows that go to the test split, in (0, 1) (default 0.2). */
  testFraction?: number;
  /** Seed of the shuffling PRNG (default 0); the same seed always gives the same split. */
  seed?: number;
  /**
   * Split each class in proportion, so both splits keep the class frequencies (default
   * false). Needs `y` to be integer class labels.
   */
  stratify?: boolean;
}

/**
 * What a split of `y` looks like: a matrix stays a matrix, a plain array stays a plain
 * array, and a typed array keeps its type.
 */
export type SplitTargets<Y> = Y extends Matrix | ArrayLike<number>[] ? Float32Matrix : Y extends number[] ? number[] : Y;

/** The two halves of `trainTestSplit`, with the original row index of every row. */
export interface TrainTestSplit<Y> {
  xTrain: Float32Matrix;
  yTrain: SplitTargets<Y>;
  xTest: Float32Matrix;
  yTest: SplitTargets<Y>;
  /** Row of the input behind each training row. */
  trainIndices: Int32Array;
  /** Row of the input behind each test row. */
  testIndices: Int32Array;
}

/**
 * Splits samples and targets into seeded, shuffled train and test parts.
 *
 * The test split gets round(rows × testFraction) rows (at least 1 and at most rows − 1).
 * With `stratify`, every class contributes in proportion to its size; the rounding left
 * over is given to the classes with the largest remainders, so the total is still exact.
 * Both halves come out in a seeded random order.
 *
 * @param x samples: nested rows, a `{ data, shape }` matrix, or a flat array (then read
 *   as `y`'s row count of equal rows).
 * @param y one target per row: class labels or values (flat), or rows of targets.
 * @throws ConfigError for a bad option; DataError when x and y disagree in rows, when
 *   there are fewer than 2 rows, or when `stratify` meets a non-integer label.
 */
export function trainTestSplit<Y extends ArrayLike<number> | Matrix | ArrayLike<number>[]>(
  x: Inputs,
  y: Y,
  options: SplitOptions = {},
): TrainTestSplit<Y> {
  const r = OptionsReader.read(options, 'options', ['testFraction', 'seed', 'stratify'], 'a trainTestSplit option');
  const testFraction = r.number('testFraction', { default: 0.2, above: 0, below: 1, want: 'a number in (0, 1)' });
  const seed = r.integer('seed', { default: 0, want: 'an integer' });
  const stratify = r.boolean('stratify', false);
  const target = splittable(y);
  if (target.rows < 2) throw new DataError(`y needs at least 2 rows to split, got ${target.rows}`, 'y', target.rows);
  let columns: number | undefined;
  if (isFlat(x)) {
    // A flat x is read with as many rows as y has.
    const length = (x as ArrayLike<number>).length;
    if (length % target.rows !== 0) {
      throw new DataError(`x has ${length} values, not a multiple of the ${target.rows} rows of y`, 'x', length);
    }
    columns = length / target.rows;
  }
  const xm = toMatrix(x, columns, 'x');
  const rows = xm.rows;
  if (target.rows !== rows) throw new DataError(`y has ${target.rows} rows but x has ${rows}`, 'y', target.rows);

  const nTest = Math.min(rows - 1, Math.max(1, Math.round(rows * testFraction)));
  const rng = createRng(seed);
  let train: number[];
  let test: number[];
  if (!stratify) {
    const order = rng.shuffle(Array.from({ length: rows }, (_, i) => i));
    test = order.slice(0, nTest);
    train = order.slice(nTest);
  } else {
    if (target.kind !== 'flat') {
      throw new DataError('stratify needs y to be a flat array of class labels, not rows of targets', 'y', y);
    }
    ({ train, test } = stratifiedIndices(target.values, nTest, rng));
  }
  rng.shuffle(train);
  rng.shuffle(test);
  const trainIndices = Int32Array.from(train);
  const testIndices = Int32Array.from(test);
  return {
    xTrain: gatherRows(xm.data, xm.columns, trainIndices),
    xTest: gatherRows(xm.data, xm.columns, testIndices),
    yTrain: target.gather(trainIndices) as SplitTargets<Y>,
    yTest: target.gather(testIndices) as SplitTargets<Y>,
    trainIndices,
    testIndices,
  };
}

// ---------------------------------------------------------------------------------------
// Internals

function columnRange(data: Float32Array, rows: number, cols: number): { min: Float64Array; max: Float64Array } {
  const min = new Float64Array(cols).fill(Infinity);
  const max = new Float64Array(cols).fill(-Infinity);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c];
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
    }
  }
  return { min, max };
}

function mapColumns(x: Inputs, cols: number, scaler: string, f: (v: number, column: number) => number): Float32Matrix {
  // A flat array carries no column count of its own: it is read with the fitted one.
  const m = toMatrix(x, isFlat(x) ? cols : undefined, 'x');
  if (m.columns !== cols) {
    throw new DataError(`x has ${m.columns} columns but the ${scaler} was fitted on ${cols}`, 'x', m.columns);
  }
  const out = new Float32Array(m.data.length);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = f(m.data[r * cols + c], c);
  }
  return { data: out, shape: [m.rows, cols] };
}

function isFlat(x: Inputs): boolean {
  return (ArrayBuffer.isView(x) || Array.isArray(x)) && (x as ArrayLike<unknown>).length > 0 && typeof (x as ArrayLike<unknown>)[0] === 'number';
}

function gatherRows(data: Float32Array, cols: number, indices: Int32Array): Float32Matrix {
  const out = new Float32Array(indices.length * cols);
  for (let i = 0; i < indices.length; i++) out.set(data.subarray(indices[i] * cols, (indices[i] + 1) * cols), i * cols);
  return { data: out, shape: [indices.length, cols] };
}

type Target =
  | { kind: 'flat'; rows: number; values: ArrayLike<number>; gather(indices: Int32Array): unknown }
  | { kind: 'rows'; rows: number; gather(indices: Int32Array): unknown };

/** Checks `y` and returns its row count and a gatherer that keeps its kind. */
function splittable(y: unknown): Target {
  const isRowsOfTargets =
    (typeof y === 'object' && y !== null && !ArrayBuffer.isView(y) && !Array.isArray(y) && 'shape' in y) ||
    (Array.isArray(y) && y.length > 0 && typeof y[0] === 'object' && y[0] !== null);
  if (isRowsOfTargets) {
    const ym = toMatrix(y as Matrix, undefined, 'y');
    return { kind: 'rows', rows: ym.rows, gather: (idx) => gatherRows(ym.data, ym.columns, idx) };
  }
  if (y == null || typeof y !== 'object' || typeof (y as ArrayLike<number>).length !== 'number') {
    throw new DataError(`y must be a flat array of targets or rows of targets, got ${describe(y)}`, 'y', y);
  }
  const values = y as ArrayLike<number>;
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'number' || !Number.isFinite(values[i])) {
      throw new DataError(`y[${i}] must be a finite number, got ${describe(values[i])}`, `y[${i}]`, values[i]);
    }
  }
  if (Array.isArray(values)) {
    return { kind: 'flat', rows: values.length, values, gather: (idx) => Array.from(idx, (i) => values[i]) };
  }
  // Typed arrays keep their type: Int32Array labels stay Int32Array.
  const Ctor = (values as unknown as { constructor: new (n: number) => { [i: number]: number } }).constructor;
  return {
    kind: 'flat',
    rows: values.length,
    values,
    gather(idx) {
      const out = new Ctor(idx.length);
      for (let i = 0; i < idx.length; i++) out[i] = values[idx[i]];
      return out;
    },
  };
}

/** Integer labels, checked; `classes` bounds them when given. */
function checkLabels(labels: ArrayLike<number>, name: string, classes?: number): Int32Array {
  if (labels == null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new DataError(`${name} must be a flat array of class indices, got ${describe(labels)}`, name, labels);
  }
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    const bad = !Number.isInteger(v) || v < 0 || (classes !== undefined && v >= classes) || v > 0x7fffffff;
    if (bad) {
      const range = classes === undefined ? 'a non-negative integer' : `a class index in 0…${classes - 1}`;
      throw new DataError(`${name}[${i}] must be ${range}, got ${describe(v)}`, `${name}[${i}]`, v);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Picks `nTest` rows spread over the classes in proportion to their sizes (largest
 * remainder rounding), each class's rows chosen by a seeded shuffle.
 */
function stratifiedIndices(values: ArrayLike<number>, nTest: number, rng: ReturnType<typeof createRng>): { train: number[]; test: number[] } {
  const labels = checkLabels(values, 'y');
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const rowsOfClass = byClass.get(labels[i]);
    if (rowsOfClass) rowsOfClass.push(i);
    else byClass.set(labels[i], [i]);
  }
  // Ascending class order keeps the split independent of the order rows come in.
  const groups = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, idx]) => idx);
  const n = labels.length;
  const quota = groups.map((g) => (g.length * nTest) / n);
  const take = quota.map(Math.floor);
  let left = nTest - take.reduce((s, t) => s + t, 0);
  const byRemainder = groups.map((_, k) => k).sort((a, b) => quota[b] - take[b] - (quota[a] - take[a]) || a - b);
  for (const k of byRemainder) {
    if (left === 0) break;
    if (take[k] < groups[k].length) {
      take[k]++;
      left--;
    }
  }
  const train: number[] = [];
  const test: number[] = [];
  groups.forEach((g, k) => {
    rng.shuffle(g);
    for (let i = 0; i < g.length; i++) (i < take[k] ? test : train).push(g[i]);
  });
  return { train, test };
}
