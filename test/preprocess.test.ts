// Preprocessing helpers: scalers fitted on one split and applied to another, one-hot
// encoding, and the seeded (stratified) train/test split.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConfigError, DataError } from '../src/errors.js';
import { fitMinMaxScaler, fitStandardScaler, oneHot, trainTestSplit } from '../src/data/preprocess.js';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 0x5eed), numRuns: 50 });

/** Column `c` of a flat row-major matrix. */
function column(data: ArrayLike<number>, cols: number, c: number): number[] {
  const out: number[] = [];
  for (let i = c; i < data.length; i += cols) out.push(data[i]);
  return out;
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const popStd = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));

describe('fitStandardScaler', () => {
  const x = [
    [1, 10, 5],
    [2, 20, 5],
    [3, 30, 5],
    [4, 40, 5],
  ];

  it('computes per-column mean and population std (divides by n)', () => {
    const s = fitStandardScaler(x);
    expect(s.columns).toBe(3);
    expect(Array.from(s.mean)).toEqual([2.5, 25, 5]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(s.std[1]).toBeCloseTo(Math.sqrt(125), 12);
    expect(s.std[2]).toBe(0);
  });

  it('gives the fitting data mean 0 and std 1, and leaves constant columns at 0', () => {
    const s = fitStandardScaler(x);
    const t = s.transform(x);
    expect(t.shape).toEqual([4, 3]);
    expect(t.data).toBeInstanceOf(Float32Array);
    for (const c of [0, 1]) {
      expect(mean(column(t.data, 3, c))).toBeCloseTo(0, 6);
      expect(popStd(column(t.data, 3, c))).toBeCloseTo(1, 6);
    }
    expect(column(t.data, 3, 2)).toEqual([0, 0, 0, 0]);
    expect(t.data.every(Number.isFinite)).toBe(true);
  });

  it('applies the training statistics to other data', () => {
    const s = fitStandardScaler(x);
    const t = s.transform({ data: [2.5, 25, 7], shape: [1, 3] });
    expect(t.data[0]).toBeCloseTo(0, 6);
    expect(t.data[1]).toBeCloseTo(0, 6);
    expect(t.data[2]).toBe(2); // constant column: centred, divided by 1
  });

  it('reads flat input with the fitted column count and does not modify its input', () => {
    const flat = new Float32Array([1, 2, 3, 4, 5, 6]);
    const s = fitStandardScaler(flat, 2);
    const t = s.transform(flat);
    expect(t.shape).toEqual([3, 2]);
    expect(Array.from(flat)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.data).not.toBe(flat);
  });

  it('rejects data with a different column count, naming both counts', () => {
    const s = fitStandardScaler(x);
    expect(() => s.transform([[1, 2]])).toThrow(DataError);
    expect(() => s.transform([[1, 2]])).toThrow(/2 columns .* fitted on 3/);
  });

  it('rejects non-finite values and empty data with the position of the bad value', () => {
    expect(() => fitStandardScaler([[1, 2], [3, NaN]])).toThrow(/x\[1\]\[1\].*NaN/);
    expect(() => fitStandardScaler({ data: [], shape: [0, 2] })).toThrow(DataError);
  });

  it('standardises any column to mean ≈ 0 and std ≈ 1 (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 40 }),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        (values, offset) => {
          const col = values.map((v) => Math.fround(v + offset));
          fc.pre(Math.max(...col) - Math.min(...col) > 1e-2 * (1 + Math.abs(offset)));
          const s = fitStandardScaler(col.map((v) => [v]));
          const t = Array.from(s.transform(col.map((v) => [v])).data);
          expect(Math.abs(mean(t))).toBeLessThan(1e-3);
          expect(Math.abs(popStd(t) - 1)).toBeLessThan(1e-3);
        },
      ),
    );
  });
});

describe('fitMinMaxScaler', () => {
  it('maps each column of the fitting data onto [0, 1], constant columns to 0', () => {
    const x = [
      [-2, 100, 3],
      [0, 300, 3],
      [2, 200, 3],
    ];
    const s = fitMinMaxScaler(x);
    expect(Array.from(s.min)).toEqual([-2, 100, 3]);
    expect(Array.from(s.max)).toEqual([2, 300, 3]);
    expect(Array.from(s.transform(x).data)).toEqual([0, 0, 0, 0.5, 1, 0, 1, 0.5, 0]);
  });

  it('does not clip new data outside the fitted range', () => {
    const s = fitMinMaxScaler([[0], [10]]);
    expect(Array.from(s.transform([[-5], [20]]).data)).toEqual([-0.5, 2]);
  });

  it('keeps every fitted value in [0, 1] (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.float({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 30 }), (rows) => {
        const t = fitMinMaxScaler(rows).transform(rows);
        for (const v of t.data) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});

describe('oneHot', () => {
  it('puts a single 1 in the label column of each row', () => {
    const m = oneHot([2, 0, 1, 2], 3);
    expect(m.shape).toEqual([4, 3]);
    expect(Array.from(m.data)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('accepts typed arrays', () => {
    expect(Array.from(oneHot(new Int32Array([1]), 2).data)).toEqual([0, 1]);
  });

  it('rejects labels outside [0, classes) and non-integers, naming the index and value', () => {
    expect(() => oneHot([0, 3], 3)).toThrow(DataError);
    expect(() => oneHot([0, 3], 3)).toThrow(/labels\[1\].*0…2.*3/);
    expect(() => oneHot([0.5], 3)).toThrow(/labels\[0\].*0\.5/);
    expect(() => oneHot([-1], 3)).toThrow(/-1/);
  });

  it('rejects a bad class count with a ConfigError naming it', () => {
    expect(() => oneHot([0], 0)).toThrow(ConfigError);
    expect(() => oneHot([0], 2.5)).toThrow(/classes .* 2\.5/);
  });
});

describe('trainTestSplit', () => {
  /** n rows: row i is [i, −i]; labels cycle through `counts` (class k repeated counts[k] times). */
  function dataset(counts: number[]): { x: number[][]; y: Int32Array } {
    const labels = counts.flatMap((c, k) => Array<number>(c).fill(k));
    return { x: labels.map((_, i) => [i, -i]), y: Int32Array.from(labels) };
  }

  it('splits round(n × testFraction) rows to test and keeps rows paired with their targets', () => {
    const { x, y } = dataset([30, 30, 40]);
    const s = trainTestSplit(x, y, { testFraction: 0.25, seed: 7 });
    expect(s.xTest.shape).toEqual([25, 2]);
    expect(s.xTrain.shape).toEqual([75, 2]);
    expect(s.yTest).toBeInstanceOf(Int32Array);
    expect(s.yTest.length).toBe(25);
    for (const [xs, ys, idx] of [[s.xTrain, s.yTrain, s.trainIndices], [s.xTest, s.yTest, s.testIndices]] as const) {
      for (let i = 0; i < ys.length; i++) {
        expect(xs.data[i * 2]).toBe(idx[i]);
        expect(xs.data[i * 2 + 1]).toBe(-idx[i]);
        expect(ys[i]).toBe(y[idx[i]]);
      }
    }
  });

  it('uses every row exactly once', () => {
    const { x, y } = dataset([17, 5, 9]);
    const s = trainTestSplit(x, y, { testFraction: 0.3, seed: 3, stratify: true });
    const all = [...s.trainIndices, ...s.testIndices].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 31 }, (_, i) => i));
  });

  it('is deterministic per seed and differs between seeds', () => {
    const { x, y } = dataset([50, 50]);
    const a = trainTestSplit(x, y, { seed: 11 });
    const b = trainTestSplit(x, y, { seed: 11 });
    const c = trainTestSplit(x, y, { seed: 12 });
    expect(Array.from(a.testIndices)).toEqual(Array.from(b.testIndices));
    expect(Array.from(a.xTrain.data)).toEqual(Array.from(b.xTrain.data));
    expect(Array.from(a.testIndices)).not.toEqual(Array.from(c.testIndices));
  });

  it('stratifies: each class is split in proportion', () => {
    const counts = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]; // the mnist package's digits
    const { x, y } = dataset(counts);
    const s = trainTestSplit(x, y, { testFraction: 0.2, seed: 0, stratify: true });
    expect(s.yTest.length).toBe(2000);
    expect(s.yTrain.length).toBe(8000);
    const testCounts = counts.map((_, k) => s.yTest.filter((v) => v === k).length);
    counts.forEach((c, k) => expect(Math.abs(testCounts[k] - c * 0.2)).toBeLessThan(1));
  });

  it('stratified totals are exact even when every class rounds the same way', () => {
    // Four classes of 5 rows at 0.3: each class wants 1.5 test rows; 6 in all.
    const { x, y } = dataset([5, 5, 5, 5]);
    const s = trainTestSplit(x, y, { testFraction: 0.3, seed: 1, stratify: true });
    expect(s.yTest.length).toBe(6);
    for (let k = 0; k < 4; k++) expect([1, 2]).toContain(s.yTest.filter((v) => v === k).length);
  });

  it('stratified splits keep class proportions within one row (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (counts, f, seed) => {
          const { x, y } = dataset(counts);
          fc.pre(y.length >= 2);
          const s = trainTestSplit(x, y, { testFraction: f, seed, stratify: true });
          const n = y.length;
          const nTest = s.yTest.length;
          expect(nTest).toBe(Math.min(n - 1, Math.max(1, Math.round(n * f))));
          counts.forEach((c, k) => {
            const got = s.yTest.filter((v) => v === k).length;
            expect(Math.abs(got - (c * nTest) / n)).toBeLessThan(1 + 1e-9);
          });
        },
      ),
    );
  });

  it('shuffles the rows of each half rather than grouping them by class', () => {
    const { x, y } = dataset([100, 100]);
    const s = trainTestSplit(x, y, { seed: 0, stratify: true });
    const firstHalf = s.yTrain.slice(0, 80);
    expect(new Set(firstHalf).size).toBe(2);
  });

  it('keeps the kind of y: plain arrays stay arrays, matrices stay matrices', () => {
    const x = [[1], [2], [3], [4]];
    const plain = trainTestSplit(x, [0.5, 1.5, 2.5, 3.5], { testFraction: 0.5 });
    expect(Array.isArray(plain.yTrain)).toBe(true);
    plain.yTrain.forEach((v, i) => expect(v).toBe(plain.xTrain.data[i] - 0.5));
    const rows = trainTestSplit(x, { data: [1, 10, 2, 20, 3, 30, 4, 40], shape: [4, 2] }, { testFraction: 0.5 });
    expect(rows.yTest.shape).toEqual([2, 2]);
    expect(rows.yTest.data[1]).toBe(rows.yTest.data[0] * 10);
    expect(rows.yTest.data[0]).toBe(rows.xTest.data[0]);
  });

  it('reads a flat x with as many rows as y', () => {
    const s = trainTestSplit(new Float32Array([0, 0, 1, 1, 2, 2, 3, 3]), [0, 1, 2, 3], { testFraction: 0.25 });
    expect(s.xTrain.shape).toEqual([3, 2]);
    expect(s.xTest.data[0]).toBe(s.yTest[0]);
  });

  it('rejects bad options and mismatched data with typed errors naming the value', () => {
    const { x, y } = dataset([5, 5]);
    expect(() => trainTestSplit(x, y, { testFraction: 1 })).toThrow(ConfigError);
    expect(() => trainTestSplit(x, y, { testFraction: 0 })).toThrow(/testFraction .* 0/);
    expect(() => trainTestSplit(x, y, { seed: 1.5 })).toThrow(/seed .* 1\.5/);
    expect(() => trainTestSplit(x, y.slice(0, 9))).toThrow(DataError);
    expect(() => trainTestSplit(x, y.slice(0, 9))).toThrow(/9 rows but x has 10/);
    expect(() => trainTestSplit([[1]], [0])).toThrow(/at least 2 rows/);
    expect(() => trainTestSplit(x, Array.from(y, (v) => v + 0.5), { stratify: true })).toThrow(/y\[0\].*0\.5/);
    expect(() => trainTestSplit([[1], [2]], [[0], [1]], { stratify: true })).toThrow(/stratify needs y to be a flat array/);
  });
});
