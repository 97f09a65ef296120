// validationSplit: a seeded, shuffled share of the training rows held out for validation.
import { DataError } from '../errors.js';
import { createRng } from '../util/rng.js';
import type { DenseMatrix } from './matrix.js';

/** Seeded hold-out: a shuffled `fraction` of the rows becomes validation data. */
export function splitRows(d: { m: DenseMatrix; targets: Float32Array | Int32Array }, fraction: number, seed: number, yWidth: number) {
  const n = d.m.rows;
  const valRows = Math.round(n * fraction);
  if (valRows < 1 || valRows >= n) {
    throw new DataError(`options.validationSplit ${fraction} of ${n} rows leaves ${valRows} validation and ${n - valRows} training rows; both need at least 1`, 'options.validationSplit', fraction);
  }
  const order = createRng(seed ^ 0x5eed).shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const take = (from: number, to: number) => {
    const rows = to - from;
    const x = new Float32Array(rows * d.m.columns);
    const t = d.targets instanceof Int32Array ? new Int32Array(rows * yWidth) : new Float32Array(rows * yWidth);
    for (let i = 0; i < rows; i++) {
      const r = order[from + i];
      x.set(d.m.data.subarray(r * d.m.columns, (r + 1) * d.m.columns), i * d.m.columns);
      t.set(d.targets.subarray(r * yWidth, (r + 1) * yWidth), i * yWidth);
    }
    return { m: { data: x, rows, columns: d.m.columns }, targets: t };
  };
  return [take(0, n - valRows), take(n - valRows, n)] as const;
}
