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
 * flat (rows are inferred) and checked otherwise. Non-finite values are rejected.
 */
export function toMatrix(value: Inputs | Targets, columns: number | undefined, name: string): DenseMatrix {
  let data: Float32Array;
  let rows: number;
  let cols: number;
  if (isMatrix(value)) {
    const shape = value.shape;
    if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new DataError(`${name}.shape must be [rows, columns] of non-negative integers, got ${describe(shape)}`, `${name}.shape`, shape);
    }
    [rows, cols] = shape;
    if (!value.data || typeof value.data.length !== 'number' || value.data.length !== rows * cols) {
      throw new DataError(`${name}.data has length ${describe(value.data?.length)} but shape ${describe(shape)} needs ${rows * cols}`, `${name}.data`, value.data?.length);
    }
    data = Float32Array.from(value.data);
  } else if (isNested(value)) {
    rows = value.length;
    cols = value[0].length;
    data = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      const row = value[r];
      if (row == null || typeof row !== 'object' || typeof row.length !== 'number') {
        throw new DataError(`${name}[${r}] must be an array of numbers, got ${describe(row)}`, `${name}[${r}]`, row);
      }
      if (row.length !== cols) {
        throw new DataError(`${name}[${r}] has ${row.length} values but ${name}[0] has ${cols}`, `${name}[${r}]`, row.length);
      }
      for (let c = 0; c < cols; c++) data[r * cols + c] = checkNumber(row[c], name, `${name}[${r}][${c}]`);
    }
  } else if (value != null && typeof (value as ArrayLike<number>).length === 'number' && typeof value !== 'string') {
    const flat = value as ArrayLike<number>;
    if (columns === undefined) {
      throw new DataError(`${name} is flat, so its column count must be known`, name, value);
    }
    if (columns <= 0 || flat.length % columns !== 0) {
      throw new DataError(`${name} has ${flat.length} values, not a multiple of ${columns} columns`, name, flat.length);
    }
    rows = flat.length / columns;
    cols = columns;
    data = flat instanceof Float32Array ? flat.slice() : Float32Array.from(flat);
    if (!(flat instanceof Float32Array)) {
      for (let i = 0; i < flat.length; i++) checkNumber(flat[i], name, `${name}[${i}]`);
    }
  } else {
    throw new DataError(`${name} must be nested arrays, a { data, shape } matrix or a flat array, got ${describe(value)}`, name, value);
  }
  if (columns !== undefined && cols !== columns) {
    throw new DataError(`${name} has ${cols} columns per row but ${columns} are needed`, name, cols);
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const r = Math.floor(i / Math.max(cols, 1));
      throw new DataError(`${name}[${r}][${i - r * cols}] must be a finite number, got ${describe(data[i])}`, `${name}[${r}][${i - r * cols}]`, data[i]);
    }
  }
  if (rows === 0) throw new DataError(`${name} has no rows`, name, value);
  return { data, rows, columns: cols };
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

function checkNumber(v: unknown, name: string, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new DataError(`${path} must be a finite number, got ${describe(v)}`, path, v);
  }
  return v;
}
