// Converting user data (nested arrays, matrices, flat arrays) into flat row-major
// Float32Arrays, with every value and shape checked at the API edge.
import { DataError } from '../errors.js';
import { describe } from '../util/describe.js';
import type { Inputs, Matrix, Targets } from '../types.js';

/** A validated flat row-major matrix. */
export interface DenseMatrix {
  data: Float32Array;
  rows: number;
  columns: number;
}

function isMatrix(v: unknown): v is Matrix {
  return typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !Array.isArray(v) && 'data' in v && 'shape' in v;
}

function isNested(v: unknown): v is ArrayLike<number>[] {
  return Array.isArray(v) && v.length > 0 && typeof v[0] === 'object' && v[0] !== null;
}

/**
 * Flattens `value` to rows × `columns` f32 values. `columns` is required when the input is
 * flat (rows are inferred) and checked otherwise. Every value must be a number that is finite
 * as an f32 (1e39 is not: it would become Infinity); the error names the value as given.
 */
export function toMatrix(value: Inputs | Targets, columns: number | undefined, name: string): DenseMatrix {
  let rows: number;
  let cols: number;
  /** The given value at flat index i. */
  let at: (i: number) => unknown;
  let flat = false;
  if (isMatrix(value)) {
    const shape = value.shape;
    if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new DataError(`${name}.shape must be [rows, columns] of non-negative integers, got ${describe(shape)}`, `${name}.shape`, shape);
    }
    [rows, cols] = shape;
    const data = value.data;
    if (!data || typeof data.length !== 'number' || data.length !== rows * cols) {
      throw new DataError(`${name}.data has length ${describe(data?.length)} but shape ${describe(shape)} needs ${rows * cols}`, `${name}.data`, data?.length);
    }
    at = (i) => data[i];
  } else if (isNested(value)) {
    rows = value.length;
    cols = value[0].length;
    for (let r = 0; r < rows; r++) {
      const row = value[r];
      if (row == null || typeof row !== 'object' || typeof row.length !== 'number') {
        throw new DataError(`${name}[${r}] must be an array of numbers, got ${describe(row)}`, `${name}[${r}]`, row);
      }
      if (row.length !== cols) {
        throw new DataError(`${name}[${r}] has ${row.length} values but ${name}[0] has ${cols}`, `${name}[${r}]`, row.length);
      }
    }
    at = (i) => value[Math.floor(i / cols)][i % cols];
  } else if (value != null && typeof (value as ArrayLike<number>).length === 'number' && typeof value !== 'string') {
    const values = value as ArrayLike<number>;
    if (columns === undefined) {
      throw new DataError(`${name} is flat (${describe(value)}), so its column count must be known`, name, value);
    }
    if (columns <= 0 || values.length % columns !== 0) {
      throw new DataError(`${name} has ${values.length} values, not a multiple of ${columns} columns`, name, values.length);
    }
    rows = values.length / columns;
    cols = columns;
    at = (i) => values[i];
    flat = true;
  } else {
    throw new DataError(`${name} must be nested arrays, a { data, shape } matrix or a flat array, got ${describe(value)}`, name, value);
  }
  if (columns !== undefined && cols !== columns) {
    throw new DataError(`${name} has ${cols} columns per row but ${columns} are needed`, name, cols);
  }
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    const v = at(i);
    if (!isF32(v)) {
      const r = Math.floor(i / cols);
      throw notF32(flat ? `${name}[${i}]` : `${name}[${r}][${i - r * cols}]`, v);
    }
    data[i] = v;
  }
  if (rows === 0) throw new DataError(`${name} has no rows`, name, value);
  return { data, rows, columns: cols };
}

/** Whether `v` is a number that stays finite as an f32. */
export function isF32(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(Math.fround(v));
}

/** The DataError for a value at `path` that is not a number finite as an f32 (1e39 is Infinity there). */
export function notF32(path: string, v: unknown): DataError {
  return new DataError(`${path} must be a finite number${Number.isFinite(v) ? ' within float32 range' : ''}, got ${describe(v)}`, path, v);
}

/** Class-index labels: integers in [0, classes). */
export function toLabels(value: Targets, classes: number, name: string): Int32Array {
  if (value == null || typeof (value as ArrayLike<number>).length !== 'number' || isMatrix(value) || isNested(value)) {
    throw new DataError(`${name} must be a flat array of class indices, got ${describe(value)}`, name, value);
  }
  const flat = value as ArrayLike<number>;
  const out = new Int32Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new DataError(`${name}[${i}] must be a class index in 0…${classes - 1}, got ${describe(v)}`, `${name}[${i}]`, v);
    }
    out[i] = v;
  }
  if (out.length === 0) throw new DataError(`${name} has no rows`, name, value);
  return out;
}
