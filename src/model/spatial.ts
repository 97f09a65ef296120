// Sizes of the spatial kinds (convolution, pooling), read and computed as torch.nn computes
// them: a size is one number for both dimensions or [height, width], and an output is
// floor((in + pads − dilation·(kernel − 1) − 1) / stride) + 1, pooling's ceil mode aside.
import { ConfigError } from '../errors.js';
import type { OptionsReader } from '../util/options.js';

export type Pair = readonly [number, number];

/** A size option as [height, width]: an integer ≥ min, or a pair of them. */
export function readPair<K extends string>(r: OptionsReader<K>, key: K, min: number, fallback?: Pair): Pair {
  const v = r.value(key);
  if (v === undefined && fallback) return fallback;
  const ok = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= min;
  if (ok(v)) return [v, v];
  if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1])) return [v[0], v[1]];
  throw r.fail(key, `an integer ≥ ${min} or a pair [height, width] of them`, v);
}

/** A row's shape must be [C, H, W] for a spatial kind. */
export function requireImage(input: readonly number[], path: string, what: string): readonly [number, number, number] {
  if (input.length !== 3) {
    throw new ConfigError(`${path} is ${what}, which takes rows of [channels, height, width]; its input here is [${input.join(', ')}] (give spec.inputs as [C, H, W], and put flatten only after the spatial layers)`, path, input);
  }
  return input as [number, number, number];
}

/** A convolution's output size along one dimension, given the padding on both sides. */
export function convOutput(size: number, kernel: number, padBefore: number, padAfter: number, stride: number, dilation: number): number {
  return Math.floor((size + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** A pooling's output size along one dimension (ATen's pooling_output_shape). */
export function poolOutput(size: number, kernel: number, pad: number, stride: number, dilation: number, ceil: boolean): number {
  const span = size + 2 * pad - dilation * (kernel - 1) - 1 + (ceil ? stride - 1 : 0);
  let out = Math.floor(span / stride) + 1;
  // In ceil mode the last window must start inside the input or its left padding.
  if (ceil && (out - 1) * stride >= size + pad) out--;
  return out;
}

/** Throws unless every output size is at least 1, naming the layer and its input. */
export function requireOutput(path: string, what: string, input: readonly number[], out: Pair): void {
  if (out[0] < 1 || out[1] < 1) {
    throw new ConfigError(`${path}: a ${what} over an input of [${input.join(', ')}] would have an output of ${out[0]}×${out[1]}; the window is larger than the padded input`, path, input);
  }
}
