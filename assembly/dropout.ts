// Dropout (LAYER_DROPOUT), torch.nn.Dropout on the CPU as PyTorch 1.13 computes it: in
// training z = x · noise, noise = bernoulli(1 − p) / (1 − p) with 1 − p rounded to f32, so a
// kept value is x times the f32 1/(1 − p) and a dropped one x · 0 (−0 or NaN as IEEE says);
// p = 0 and evaluation pass x through untouched; p = 1 gives x · 0. The backward is dx = dz ·
// noise, the same multiplier.
//
// The keep mask is not drawn from a stream the kernel advances: each value's draw is a pure
// function of (PASS_SEED, LAYER_INDEX, the value's index in the whole batch), so a worker
// thread draws its shard's rows exactly as one thread would, and a step replays from its seed
// alone. The function is SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom
// number generators", OOPSLA 2014; the mixer is Stafford's Mix13, as in Java's
// SplittableRandom and Vigna's splitmix64.c): value g of a pass is output g of SplitMix64
// seeded with key = mix(seed << 32 | layer), i.e. mix(key + (g + 1)·γ). It is counter-based by
// construction, passes BigCrush, and its mixer is a bijection, so distinct (step seed, layer)
// pairs get distinct keys; two keys' streams would only overlap if they lay within a batch's
// count of γ-steps of each other (odds about n/2⁶⁴). The top 24 bits give u in [0, 1), and a
// value is kept iff u < 1 − p. The hash runs in scalar i64: an i64x2 version (two values per
// step) measured 1.62 ns/value against scalar's 1.30 for the whole draw, forward and backward
// (V8 has no single instruction for i64x2.mul). The elementwise products run over lanes.
import { DROPOUT_GIVEN_MASK, DROPOUT_KEEP, LAYER_INDEX, LAYER_OUTPUTS, LAYER_SCRATCH, LAYER_Z, PASS_ROW0, PASS_SEED } from "./abi";
import { layerWord, passWord } from "./descriptor";

const GAMMA: u64 = 0x9e3779b97f4a7c15;

/** Stafford's Mix13, SplitMix64's output function: a bijection of u64 with full avalanche. */
// @ts-ignore: decorator
@inline function mix64(z: u64): u64 {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/**
 * The pass's forward of a dropout layer over `rows` rows of this thread's shard. In training
 * it draws the mask (or reads the host's, DROPOUT_GIVEN_MASK) and, when drawn, leaves each
 * value's multiplier (0 or the scale) in LAYER_SCRATCH for the backward.
 */
export function dropoutLayerForward(desc: usize, layer: usize, x: usize, rows: i32, training: bool): void {
  const features = layerWord(layer, LAYER_OUTPUTS);
  const z = <usize>layerWord(layer, LAYER_Z);
  const n = rows * features;
  const keep = reinterpret<f32>(layerWord(layer, DROPOUT_KEEP));
  // PyTorch returns the input itself for p = 0 (1 − p rounds to 1 for any p < 2⁻²⁵ too,
  // where its few dropped values are too rare to matter) and in evaluation.
  if (!training || keep == 1) {
    memory.copy(z, x, <usize>n << 2);
    return;
  }
  const scale = multiplier(keep);
  const row0 = passWord(desc, PASS_ROW0);
  const given = <usize>layerWord(layer, DROPOUT_GIVEN_MASK);
  if (given) {
    applyGiven(z, x, given + (<usize>row0 * <usize>features << 2), scale, n);
    return;
  }
  const mask = <usize>layerWord(layer, LAYER_SCRATCH);
  drawMask(mask, passWord(desc, PASS_SEED), layerWord(layer, LAYER_INDEX), <u64>row0 * <u64>features, n, keep, scale);
  applyMask(z, x, mask, n);
}

/** dx = dz · the forward's multiplier (unless `dx` is 0: the first layer). Runs after a training forward only. */
export function dropoutLayerBackward(desc: usize, layer: usize, dz: usize, x: usize, dx: usize, rows: i32): void {
  if (!dx) return;
  const features = layerWord(layer, LAYER_OUTPUTS);
  const n = rows * features;
  const keep = reinterpret<f32>(layerWord(layer, DROPOUT_KEEP));
  if (keep == 1) {
    memory.copy(dx, dz, <usize>n << 2);
    return;
  }
  const given = <usize>layerWord(layer, DROPOUT_GIVEN_MASK);
  if (given) applyGiven(dx, dz, given + (<usize>passWord(desc, PASS_ROW0) * <usize>features << 2), multiplier(keep), n);
  else applyMask(dx, dz, <usize>layerWord(layer, LAYER_SCRATCH), n);
}

/** A kept value's multiplier: PyTorch's f32 1/(1 − p); 0 when p = 1 (nothing is kept). */
// @ts-ignore: decorator
@inline function multiplier(keep: f32): f32 {
  return keep == 0 ? 0 : <f32>1 / keep;
}

/**
 * mask[i] = scale if value (first + i)'s draw is kept, else 0, for n values. u < keep with u =
 * h/2²⁴ is h < keep·2²⁴ (exact in f32), which for an integer h is h < ⌈keep·2²⁴⌉.
 */
function drawMask(mask: usize, seed: i32, layerIndex: i32, first: u64, n: i32, keep: f32, scale: f32): void {
  const key = mix64((<u64><u32>seed << 32) | <u64><u32>layerIndex);
  const threshold = <u64>Mathf.ceil(keep * <f32>16777216);
  let s = key + (first + 1) * GAMMA;
  for (let i = 0; i < n; i++) {
    store<f32>(mask + (<usize>i << 2), (mix64(s) >> 40) < threshold ? scale : 0);
    s += GAMMA;
  }
}

/** out = v · mask over n values. */
function applyMask(out: usize, v: usize, mask: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, f32x4.mul(v128.load(v + o), v128.load(mask + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(v + o) * load<f32>(mask + o));
  }
}

/** out = v · (keep[i] ≠ 0 ? scale : 0) over n values: a given 0/1 mask. */
function applyGiven(out: usize, v: usize, keep: usize, scale: f32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const s = f32x4.splat(scale), zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const m = v128.bitselect(zero, s, f32x4.eq(v128.load(keep + o), zero));
      v128.store(out + o, f32x4.mul(v128.load(v + o), m));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(v + o) * (load<f32>(keep + o) != 0 ? scale : 0));
  }
}
