// Layer normalisation (LAYER_LAYERNORM), torch.nn.LayerNorm: each row is `groups` groups of
// `size` contiguous values (the normalized shape is the row's trailing dimensions), and each
// group is normalised by its mean and biased variance, then scaled by weight and shifted by
// bias (both of the group's shape) when elementwise-affine. Training and evaluation are the
// same. The forward saves each group's mean and rstd = 1/√(var + eps) for the backward.
//
// The arithmetic mirrors ATen's CPU kernel in PyTorch 1.13 (layer_norm_kernel.cpp and
// moments_utils.h) operation for operation, checked against torch 1.13 (AVX2 build):
// - The moments: Welford's update over 8 lanes (ATen's Vectorized<float> on AVX2 and its
//   default build), in chunks of 16 vectors whose moments merge up a cascade, then the tail
//   values in scalar, then the 8 lanes merged in. Unfused f32 operations, as torch does there.
// - Everything else as torch's build computes it: its compiler contracts a·b + c into a fused
//   multiply-add in the output and the backward (measured: unfused arithmetic misses its y,
//   dx and dweight, fused matches them). wasm has no deterministic FMA, so `fused` computes
//   a·b + c in f64 (the product is exact) and rounds once to f32: the FMA's result unless the
//   f64 sum lands exactly on an f32 rounding tie (odds about 2⁻²⁹ per operation).
// - The backward's row sums (Σ dy·γ·x, Σ dy·γ) over 8 lane accumulators reduced in AVX2's
//   order, and dweight, dbias summed over rows in row order (torch with one thread).
// Scalar and SIMD builds run the same lanes in the same order, so all builds agree bit for bit.
import {
  LAYER_GRADS, LAYER_PARAMS, LAYER_SCRATCH, LAYER_Z, LAYERNORM_AFFINE, LAYERNORM_EPS, LAYERNORM_GROUPS, LAYERNORM_SIZE,
} from "./abi";
import { layerWord } from "./descriptor";
import { add, ld, mul, splat, st, sub } from "./lanes";

// The scratch begins with a fixed workspace (src/model/layernorm.ts WORKSPACE_FLOATS): the
// moments cascade's levels (8 lanes' m1, m2 and the count each; ⌈log₂⌈n/128⌉⌉ ≤ 22 levels for
// any group that fits in memory, and the last slot holds a chunk's moments), then 8 lanes'
// partial results. Each group's mean and rstd follow it.
const LEVELS: usize = 24;
const LEVEL_BYTES: usize = 80; // m1 of lanes 0–7 at 0, m2 at 32, the count at 64
const CHUNK: usize = (LEVELS - 1) * LEVEL_BYTES; // a chunk's moments, on their way into level 0
const LANES: usize = LEVELS * LEVEL_BYTES; // two sets of 8 lanes (m1 and m2, or Σ dy·γ·x and Σ dy·γ)
const WORKSPACE_BYTES: usize = LANES + 64;

/** z of `rows` rows; each group's mean and rstd into the scratch. */
export function layerNormLayerForward(layer: usize, x: usize, rows: i32): void {
  const groups = layerWord(layer, LAYERNORM_GROUPS), size = layerWord(layer, LAYERNORM_SIZE);
  const eps = reinterpret<f32>(layerWord(layer, LAYERNORM_EPS));
  const affine = layerWord(layer, LAYERNORM_AFFINE) != 0;
  const weight = <usize>layerWord(layer, LAYER_PARAMS), bias = weight + (<usize>size << 2);
  const work = <usize>layerWord(layer, LAYER_SCRATCH);
  const saved = work + WORKSPACE_BYTES;
  const z = <usize>layerWord(layer, LAYER_Z);
  const bytes = <usize>size << 2;
  const count = rows * groups;
  for (let g = 0; g < count; g++) {
    const off = <usize>g * bytes;
    const stat = saved + (<usize>g << 3);
    moments(x + off, size, work, eps, stat);
    normalise(z + off, x + off, weight, bias, size, load<f32>(stat), load<f32>(stat, 4), affine);
  }
}

/**
 * From dz: dweight and dbias (written, summed over this pass's rows) when affine, and dx
 * unless `dx` is 0 (the first layer).
 */
export function layerNormLayerBackward(layer: usize, dz: usize, x: usize, dx: usize, rows: i32): void {
  const groups = layerWord(layer, LAYERNORM_GROUPS), size = layerWord(layer, LAYERNORM_SIZE);
  const affine = layerWord(layer, LAYERNORM_AFFINE) != 0;
  const weight = affine ? <usize>layerWord(layer, LAYER_PARAMS) : 0;
  const dWeight = affine ? <usize>layerWord(layer, LAYER_GRADS) : 0;
  const bytes = <usize>size << 2;
  if (affine) memory.fill(dWeight, 0, bytes << 1); // dweight then dbias, from +0 as torch's buffer starts
  if (!affine && !dx) return;
  const work = <usize>layerWord(layer, LAYER_SCRATCH);
  const saved = work + WORKSPACE_BYTES;
  const count = rows * groups;
  for (let g = 0; g < count; g++) {
    const off = <usize>g * bytes;
    const stat = saved + (<usize>g << 3);
    backwardGroup(dx ? dx + off : 0, dWeight, dz + off, x + off, weight, size, work, load<f32>(stat), load<f32>(stat, 4));
  }
}

/** a·b + c rounded once to f32 (see the file's head): a fused multiply-add, through f64. */
// @ts-ignore: decorator
@inline function fused<T>(a: T, b: T, c: T): T {
  if (isVector<T>()) return <T>fusedLanes(<v128>a, <v128>b, <v128>c);
  return <T>(<f32>(<f64><f32>a * <f64><f32>b + <f64><f32>c));
}

// Where a loop's every step is fused (the output, dweight), SIMD builds run it two values at a
// time in f64x2 lanes: f32s loaded and promoted, rounded back to f32 by a demotion where torch
// rounds. Each lane is then `fused`, and an f32 product or sum of two f32s computed in f64 and
// rounded once is the f32 product or sum (f64 has more than twice f32's precision). Measured
// against f32x4 with `fusedLanes`: 0.94 against 1.00 ns/value for the forward; where most steps
// are plain f32 (dx, the row sums) f32x4 stays ahead.

/** Two f32 at p, promoted. */
// @ts-ignore: decorator
@inline function ld2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** Two values rounded to f32 and stored at p. */
// @ts-ignore: decorator
@inline function st2(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

/** Two values rounded to f32 (and kept in f64 lanes). */
// @ts-ignore: decorator
@inline function round2(v: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(v));
}

/** a·b + c in f64 lanes (rounded when stored or by round2). */
// @ts-ignore: decorator
@inline function madd2(a: v128, b: v128, c: v128): v128 {
  return f64x2.add(f64x2.mul(a, b), c);
}

/** `fused` over 4 lanes, as two f64x2 halves. */
function fusedLanes(a: v128, b: v128, c: v128): v128 {
  const lo = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(b)), f64x2.promote_low_f32x4(c));
  const hi = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(high(a)), f64x2.promote_low_f32x4(high(b))), f64x2.promote_low_f32x4(high(c)));
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

// @ts-ignore: decorator
@inline function high(v: v128): v128 {
  return v128.shuffle<f32>(v, v, 2, 3, 2, 3);
}

/**
 * ATen's RowwiseMoments over a group of `size` values at x: the mean and the biased variance,
 * leaving the mean and 1/√(var + eps) at `stat`.
 */
function moments(x: usize, size: i32, work: usize, eps: f32, stat: usize): void {
  const n = size >> 3; // whole 8-lane vectors
  if (ASC_FEATURE_SIMD) laneMoments<v128>(x, n, work, 0, 16);
  else for (let at: usize = 0; at < 32; at += 8) laneMoments<f32>(x, n, work, at, at + 4);
  // The values past the last whole vector, one by one; then each lane merged into them.
  let count = 0;
  let m1: f32 = 0, m2: f32 = 0;
  for (let i = n << 3; i < size; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    const d = v - m1;
    count++;
    m1 += d / <f32>count;
    m2 += d * (v - m1);
  }
  for (let l = 0; l < 8; l++) {
    const total = count + n;
    const c: f32 = total == 0 ? 0 : <f32>n / <f32>total;
    const p = work + LANES + (<usize>l << 2);
    const delta = load<f32>(p) - m1;
    m1 += c * delta;
    m2 += load<f32>(p, 32) + delta * delta * c * <f32>count;
    count = total;
  }
  store<f32>(stat, m1);
  store<f32>(stat, <f32>1 / Mathf.sqrt(m2 / <f32>size + eps), 4);
}

/** 1/(j + 1) in f32 for j < 16: ATen's c_vecs, the Welford weights within a chunk. */
const RECIPROCALS = memory.data<f32>([
  1, 0.5, 0.33333334, 0.25, 0.2, 0.16666667, 0.14285715, 0.125,
  0.11111111, 0.1, 0.09090909, 0.083333336, 0.07692308, 0.071428575, 0.06666667, 0.0625,
]);

/**
 * Welford's moments of two lane groups (byte offsets a and b in a 32-byte vector: both halves
 * with SIMD, two lanes without) over the n whole 8-lane vectors at x, into those lanes of the
 * workspace's lane results: chunks of 16 vectors, each chunk's moments added to level 0 of the
 * cascade, level j − 1 added into level j at every 2ʲ-th chunk (a pairwise sum of chunks), then
 * the levels left added into level 0 — RowwiseMomentsImpl step for step. The two groups'
 * chains are independent; running them side by side overlaps their latencies.
 */
function laneMoments<T>(x: usize, n: i32, work: usize, a: usize, b: usize): void {
  const chunks = (n + 15) >> 4;
  const depth = chunks <= 2 ? 1 : 32 - clz(chunks - 1); // ATen's CeilLog2, at least 1
  assert(<usize>depth < LEVELS, "layernorm: group too large for the workspace"); // 2²⁹ values and more; debug builds check
  for (let j = 0; j < depth; j++) clearLevel<T>(work + <usize>j * LEVEL_BYTES, a, b);
  let p = x;
  for (let i = 0; i < chunks; i++) {
    const vectors = min(16, n - (i << 4));
    let m1a = splat<T>(0), m2a = splat<T>(0), m1b = splat<T>(0), m2b = splat<T>(0);
    for (let j = 0; j < vectors; j++) {
      const c = splat<T>(load<f32>(RECIPROCALS + (<usize>j << 2)));
      const va = ld<T>(p + a), vb = ld<T>(p + b);
      const da = sub<T>(va, m1a), db = sub<T>(vb, m1b);
      m1a = add<T>(m1a, mul<T>(da, c));
      m1b = add<T>(m1b, mul<T>(db, c));
      m2a = add<T>(m2a, mul<T>(da, sub<T>(va, m1a)));
      m2b = add<T>(m2b, mul<T>(db, sub<T>(vb, m1b)));
      p += 32;
    }
    const chunk = work + CHUNK;
    st<T>(chunk + a, m1a);
    st<T>(chunk + b, m1b);
    st<T>(chunk + 32 + a, m2a);
    st<T>(chunk + 32 + b, m2b);
    store<i32>(chunk, vectors, 64);
    addLevel<T>(work, chunk, a, b);
    let carry = i + 1;
    for (let j = 1; j < depth && (carry & 1) == 0; j++) {
      const from = work + <usize>(j - 1) * LEVEL_BYTES;
      addLevel<T>(from + LEVEL_BYTES, from, a, b);
      clearLevel<T>(from, a, b);
      carry >>= 1;
    }
  }
  for (let j = 1; j < depth; j++) addLevel<T>(work, work + <usize>j * LEVEL_BYTES, a, b);
  const lanes = work + LANES;
  st<T>(lanes + a, ld<T>(work + a));
  st<T>(lanes + b, ld<T>(work + b));
  st<T>(lanes + 32 + a, ld<T>(work + 32 + a));
  st<T>(lanes + 32 + b, ld<T>(work + 32 + b));
}

// @ts-ignore: decorator
@inline function clearLevel<T>(level: usize, a: usize, b: usize): void {
  st<T>(level + a, splat<T>(0));
  st<T>(level + b, splat<T>(0));
  st<T>(level + 32 + a, splat<T>(0));
  st<T>(level + 32 + b, splat<T>(0));
  store<i32>(level, 0, 64);
}

/**
 * ATen's AddMomentsVec: level `from` added into level `into` (Chan et al.'s pairwise update),
 * for both lane groups; the count is every lane's. One function for its three callers (the
 * module's size).
 */
function addLevel<T>(into: usize, from: usize, a: usize, b: usize): void {
  const count = load<i32>(into, 64), countAdd = load<i32>(from, 64);
  const total = count + countAdd;
  const c = splat<T>(total == 0 ? 0 : <f32>countAdd / <f32>total), k = splat<T>(<f32>count);
  mergeLanes<T>(into + a, c, k, ld<T>(from + a), ld<T>(from + 32 + a));
  mergeLanes<T>(into + b, c, k, ld<T>(from + b), ld<T>(from + 32 + b));
  store<i32>(into, total, 64);
}

/** m1 += c·δ and m2 += m2Add + δ²·c·count for δ = m1Add − m1, on the lanes at p (m1) and p + 32 (m2). */
// @ts-ignore: decorator
@inline function mergeLanes<T>(p: usize, c: T, count: T, m1Add: T, m2Add: T): void {
  const m1 = ld<T>(p);
  const delta = sub<T>(m1Add, m1);
  st<T>(p, add<T>(m1, mul<T>(c, delta)));
  st<T>(p + 32, add<T>(ld<T>(p + 32), add<T>(m2Add, mul<T>(mul<T>(mul<T>(delta, delta), c), count))));
}

/**
 * z = (x·rstd + (−rstd·mean))·weight + bias, each a·b + c fused as torch's build computes it.
 * Unaffine, torch's loop takes weight 1 and bias 0: t·1 + 0 changes only a −0 (to +0).
 */
function normalise(z: usize, x: usize, weight: usize, bias: usize, size: i32, mean: f32, rstd: f32, affine: bool): void {
  const shift = -rstd * mean;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const r = f64x2.splat(rstd), s = f64x2.splat(shift), zero = f64x2.splat(0);
    for (; i + 2 <= size; i += 2) {
      const o = <usize>i << 2;
      const t = round2(madd2(ld2(x + o), r, s));
      st2(z + o, affine ? madd2(t, ld2(weight + o), ld2(bias + o)) : f64x2.add(t, zero));
    }
  }
  for (; i < size; i++) {
    const o = <usize>i << 2;
    const t = fused<f32>(load<f32>(x + o), rstd, shift);
    store<f32>(z + o, affine ? fused<f32>(t, load<f32>(weight + o), load<f32>(bias + o)) : t + 0);
  }
}

/**
 * One group's backward (LayerNormBackwardKernelImplInternal's row): with ds = Σ dy·γ·x and
 * db = Σ dy·γ (γ = 1 unaffine), b = (db·mean − ds)·a³/N and c = −b·mean − db·a/N for a = rstd,
 * dx = a·dy·γ + b·x + c unless `dx` is 0; dweight += dy·(a·x − a·mean) and dbias += dy unless
 * `dWeight` is 0 (unaffine).
 */
function backwardGroup(dx: usize, dWeight: usize, dy: usize, x: usize, weight: usize, size: i32, work: usize, mean: f32, a: f32): void {
  if (dx) {
    rowSums(dy, x, weight, size, work);
    const ds = load<f32>(work + LANES), db = load<f32>(work + LANES, 4);
    const scale = <f32>1 / <f32>size;
    const b = fused<f32>(db, mean, -ds) * a * a * a * scale;
    const c = fused<f32>(-b, mean, -(db * a * scale));
    inputGradient(dx, dy, x, weight, size, a, b, c);
  }
  if (dWeight) parameterGradients(dWeight, dy, x, size, a, -a * mean);
}

/** dx = fused(b, x, a·dy·γ) + c (γ = 1 when `weight` is 0: no product by it). */
function inputGradient(dx: usize, dy: usize, x: usize, weight: usize, size: i32, a: f32, b: f32, c: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(a), vb = f32x4.splat(b), vc = f32x4.splat(c);
    for (; i + 4 <= size; i += 4) {
      const o = <usize>i << 2;
      const t = f32x4.mul(va, v128.load(dy + o));
      v128.store(dx + o, f32x4.add(fusedLanes(vb, v128.load(x + o), weight ? f32x4.mul(t, v128.load(weight + o)) : t), vc));
    }
  }
  for (; i < size; i++) {
    const o = <usize>i << 2;
    const t = a * load<f32>(dy + o);
    store<f32>(dx + o, fused<f32>(b, load<f32>(x + o), weight ? t * load<f32>(weight + o) : t) + c);
  }
}

/** dweight += fused(dy, fused(a, x, shift), ·) and dbias += dy over one group (dbias follows dweight). */
function parameterGradients(dWeight: usize, dy: usize, x: usize, size: i32, a: f32, shift: f32): void {
  const dBias = dWeight + (<usize>size << 2);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f64x2.splat(a), vs = f64x2.splat(shift);
    for (; i + 2 <= size; i += 2) {
      const o = <usize>i << 2;
      const g = ld2(dy + o);
      st2(dWeight + o, madd2(g, round2(madd2(va, ld2(x + o), vs)), ld2(dWeight + o)));
      st2(dBias + o, f64x2.add(ld2(dBias + o), g));
    }
  }
  for (; i < size; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(dy + o);
    store<f32>(dWeight + o, fused<f32>(g, fused<f32>(a, load<f32>(x + o), shift), load<f32>(dWeight + o)));
    store<f32>(dBias + o, load<f32>(dBias + o) + g);
  }
}

/**
 * Σ dy·γ·x and Σ dy·γ over a group (γ = 1 when `weight` is 0) as ATen's map*_reduce_all sum
 * them, left at the workspace's lane results 0 and 1. From 8 values on: 8 lane accumulators
 * start at the first vector's terms, take each later term fused (acc + p·q in one rounding),
 * the last partial vector into its first lanes, then reduce as AVX2's shuffles do: ((l0 + l4)
 * + (l2 + l6)) + ((l1 + l5) + (l3 + l7)). Under 8 values: lane 0's plain running sum.
 */
function rowSums(dy: usize, x: usize, weight: usize, size: i32, work: usize): void {
  const out = work + LANES;
  if (size < 8) {
    let ds = term(dy, x, weight, 0), db = weight ? load<f32>(dy) * load<f32>(weight) : load<f32>(dy);
    for (let i = 1; i < size; i++) {
      const o = <usize>i << 2;
      ds += term(dy, x, weight, o);
      db += weight ? load<f32>(dy + o) * load<f32>(weight + o) : load<f32>(dy + o);
    }
    store<f32>(out, ds);
    store<f32>(out, db, 4);
    return;
  }
  const n = size >> 3;
  if (ASC_FEATURE_SIMD) laneSums<v128>(dy, x, weight, n, out, 0, 16);
  else for (let at: usize = 0; at < 32; at += 8) laneSums<f32>(dy, x, weight, n, out, at, at + 4);
  for (let l = 0, i = n << 3; i < size; l++, i++) {
    const o = <usize>i << 2, p = out + (<usize>l << 2);
    const g = load<f32>(dy + o);
    if (weight) {
      const w = load<f32>(weight + o);
      store<f32>(p, fused<f32>(g * load<f32>(x + o), w, load<f32>(p)));
      store<f32>(p, fused<f32>(g, w, load<f32>(p, 32)), 32);
    } else {
      store<f32>(p, fused<f32>(g, load<f32>(x + o), load<f32>(p)));
      store<f32>(p, load<f32>(p, 32) + g, 32);
    }
  }
  store<f32>(out, reduce8(out));
  store<f32>(out, reduce8(out + 32), 4);
}

/** dy·x·γ (dy·x unaffine) at byte offset o, rounded as torch's map rounds it. */
// @ts-ignore: decorator
@inline function term(dy: usize, x: usize, weight: usize, o: usize): f32 {
  const t = load<f32>(dy + o) * load<f32>(x + o);
  return weight ? t * load<f32>(weight + o) : t;
}

/**
 * The accumulators of two lane groups (byte offsets a and b in a 32-byte vector) over n whole
 * vectors, into out (Σ dy·γ·x) and out + 32 (Σ dy·γ); four independent chains side by side.
 */
function laneSums<T>(dy: usize, x: usize, weight: usize, n: i32, out: usize, a: usize, b: usize): void {
  let sa: T, sb: T, ta: T, tb: T; // Σ dy·γ·x and Σ dy·γ, of groups a and b
  if (weight) {
    let ga = ld<T>(dy + a), gb = ld<T>(dy + b), wa = ld<T>(weight + a), wb = ld<T>(weight + b);
    sa = mul<T>(mul<T>(ga, ld<T>(x + a)), wa);
    sb = mul<T>(mul<T>(gb, ld<T>(x + b)), wb);
    ta = mul<T>(ga, wa);
    tb = mul<T>(gb, wb);
    for (let o: usize = 32, end = <usize>n << 5; o < end; o += 32) {
      ga = ld<T>(dy + o + a); gb = ld<T>(dy + o + b);
      wa = ld<T>(weight + o + a); wb = ld<T>(weight + o + b);
      sa = fused<T>(mul<T>(ga, ld<T>(x + o + a)), wa, sa);
      sb = fused<T>(mul<T>(gb, ld<T>(x + o + b)), wb, sb);
      ta = fused<T>(ga, wa, ta);
      tb = fused<T>(gb, wb, tb);
    }
  } else {
    let ga = ld<T>(dy + a), gb = ld<T>(dy + b);
    sa = mul<T>(ga, ld<T>(x + a));
    sb = mul<T>(gb, ld<T>(x + b));
    ta = ga;
    tb = gb;
    for (let o: usize = 32, end = <usize>n << 5; o < end; o += 32) {
      ga = ld<T>(dy + o + a); gb = ld<T>(dy + o + b);
      sa = fused<T>(ga, ld<T>(x + o + a), sa);
      sb = fused<T>(gb, ld<T>(x + o + b), sb);
      ta = add<T>(ta, ga);
      tb = add<T>(tb, gb);
    }
  }
  st<T>(out + a, sa);
  st<T>(out + b, sb);
  st<T>(out + 32 + a, ta);
  st<T>(out + 32 + b, tb);
}

/** AVX2's horizontal sum of 8 lanes: ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)). */
// @ts-ignore: decorator
@inline function reduce8(p: usize): f32 {
  const w0 = load<f32>(p) + load<f32>(p, 16), w1 = load<f32>(p, 4) + load<f32>(p, 20);
  const w2 = load<f32>(p, 8) + load<f32>(p, 24), w3 = load<f32>(p, 12) + load<f32>(p, 28);
  return (w0 + w2) + (w1 + w3);
}
