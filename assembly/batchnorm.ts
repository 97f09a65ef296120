// Batch normalisation (LAYER_BATCHNORM1D, LAYER_BATCHNORM2D): torch.nn.BatchNorm1d/2d as
// PyTorch 1.13's CPU kernels compute them on one thread (ATen batch_norm_cpu and its
// backward), operation for operation, so golden trajectories stay bit-close:
//  - a row is [C, S] (S = 1, L or H·W positions per channel); the statistics of channel c run
//    over rows × S values. With S = 1 ATen takes its channels-last path: f32 sums down the
//    rows, the variance's squares fused (fma); with S > 1 its contiguous path: f64 sums in
//    (row, position) order, of f32 squares. Its backward sums each (row, channel) plane in
//    8 f32 lanes (AVX2), reduced as a tree, then adds the planes in f64.
//  - z = x·α + β with α = invstd·γ, β = β₀ − mean·α, both fused (GCC contracts them).
// Fused multiply-adds are computed in f64 and rounded once to f32: exact but for a double
// rounding that can differ from a real fma about once in 2²⁹ operations.
// Words: BatchNorm2d's own words sit where BatchNorm1d's do (abi.ts), so one reader serves both.
import {
  BATCHNORM1D_AFFINE, BATCHNORM1D_CHANNELS, BATCHNORM1D_EPS, BATCHNORM1D_EPS_F64, BATCHNORM1D_MOMENTUM, BATCHNORM1D_SPATIAL,
  BATCHNORM1D_TRACK_RUNNING_STATS, BATCHNORM2D_AFFINE, BATCHNORM2D_CHANNELS, BATCHNORM2D_EPS, BATCHNORM2D_EPS_F64,
  BATCHNORM2D_MOMENTUM, BATCHNORM2D_SPATIAL, BATCHNORM2D_TRACK_RUNNING_STATS, LAYER_GRADS, LAYER_PARAMS, LAYER_SCRATCH,
  LAYER_STATE, LAYER_Z,
} from "./abi";
import { layerWord } from "./descriptor";
import { add, div, ld, mul, splat, st, sub } from "./lanes";

// One reader for both kinds: their words must coincide (folds away at compile time).
// @ts-ignore: decorator
@inline const SAME_WORDS = BATCHNORM1D_CHANNELS == BATCHNORM2D_CHANNELS && BATCHNORM1D_SPATIAL == BATCHNORM2D_SPATIAL
  && BATCHNORM1D_EPS == BATCHNORM2D_EPS && BATCHNORM1D_MOMENTUM == BATCHNORM2D_MOMENTUM && BATCHNORM1D_AFFINE == BATCHNORM2D_AFFINE
  && BATCHNORM1D_TRACK_RUNNING_STATS == BATCHNORM2D_TRACK_RUNNING_STATS && BATCHNORM1D_EPS_F64 == BATCHNORM2D_EPS_F64;

/**
 * The pass's forward (descriptor block `layer`, `rows` rows at `x`, z written). Training:
 * the batch's mean and 1/√(var + eps) per channel go to the scratch for the backward and,
 * when tracking, the running statistics and num_batches_tracked are updated. Evaluation
 * normalises with the running statistics, or with the batch's when they are not tracked
 * (PyTorch does the same, without updating anything).
 */
export function batchNormLayerForward(layer: usize, x: usize, rows: i32, training: bool): void {
  if (!SAME_WORDS) abort("batchnorm1d and batchnorm2d words differ");
  const C = layerWord(layer, BATCHNORM1D_CHANNELS), S = layerWord(layer, BATCHNORM1D_SPATIAL);
  const track = layerWord(layer, BATCHNORM1D_TRACK_RUNNING_STATS) != 0;
  const scratch = <usize>layerWord(layer, LAYER_SCRATCH);
  const state = <usize>layerWord(layer, LAYER_STATE);
  const cBytes = <usize>C << 2;
  if (training || !track) {
    // Mean into scratch[0, C), the sum of squared deviations into scratch[C, 2C).
    if (S == 1) rowStatistics(x, scratch, rows, C);
    else planeStatistics(x, scratch, rows, C, S);
    finishStatistics(layer, scratch, state, C, rows * S, training && track);
  } else {
    // ATen's evaluation: invstd = 1/√(running_var + eps) in f32, eps rounded to f32.
    const eps = reinterpret<f32>(layerWord(layer, BATCHNORM1D_EPS));
    for (let c: usize = 0; c < cBytes; c += 4) {
      store<f32>(scratch + c, load<f32>(state + c));
      store<f32>(scratch + cBytes + c, <f32>1 / Mathf.sqrt(load<f32>(state + cBytes + c) + eps));
    }
  }
  normalize(layer, x, scratch, rows, C, S);
}

/**
 * The pass's backward in training mode, from dz and the layer's input x with the batch's
 * mean and invstd the forward left in the scratch: ∂L/∂γ and ∂L/∂β (=) when affine, and
 * ∂L/∂x into dx unless it is 0 — PyTorch's formula,
 * dx = (dz − Σdz/n − (x − mean)·Σ(x − mean)dz·invstd²/n)·invstd·γ.
 */
export function batchNormLayerBackward(layer: usize, dz: usize, x: usize, dx: usize, rows: i32): void {
  const C = layerWord(layer, BATCHNORM1D_CHANNELS), S = layerWord(layer, BATCHNORM1D_SPATIAL);
  const affine = layerWord(layer, BATCHNORM1D_AFFINE) != 0;
  const scratch = <usize>layerWord(layer, LAYER_SCRATCH);
  const w = affine ? <usize>layerWord(layer, LAYER_PARAMS) : 0;
  const g = affine ? <usize>layerWord(layer, LAYER_GRADS) : 0;
  if (S == 1) rowBackward(dz, x, dx, scratch, w, g, rows, C);
  else planeBackward(dz, x, dx, scratch, w, g, rows, C, S);
}

// ---- Fused multiply-adds, rounded once (in f64: a product of two f32 is exact there).

/** a·b + c. */
// @ts-ignore: decorator
@inline function fmaOf<T>(a: T, b: T, c: T): T {
  if (isVector<T>()) {
    const lo = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(<v128>a), f64x2.promote_low_f32x4(<v128>b)), f64x2.promote_low_f32x4(<v128>c));
    const hi = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(high(<v128>a)), f64x2.promote_low_f32x4(high(<v128>b))), f64x2.promote_low_f32x4(high(<v128>c)));
    return <T>join(lo, hi);
  }
  return <T>(<f32>(<f64><f32>a * <f64><f32>b + <f64><f32>c));
}

/** c − a·b. */
// @ts-ignore: decorator
@inline function fnmaOf<T>(a: T, b: T, c: T): T {
  if (isVector<T>()) {
    const lo = f64x2.sub(f64x2.promote_low_f32x4(<v128>c), f64x2.mul(f64x2.promote_low_f32x4(<v128>a), f64x2.promote_low_f32x4(<v128>b)));
    const hi = f64x2.sub(f64x2.promote_low_f32x4(high(<v128>c)), f64x2.mul(f64x2.promote_low_f32x4(high(<v128>a)), f64x2.promote_low_f32x4(high(<v128>b))));
    return <T>join(lo, hi);
  }
  return <T>(<f32>(<f64><f32>c - <f64><f32>a * <f64><f32>b));
}

/** s / n computed in f64 and rounded to f32 (ATen's f64 sum over a count). */
// @ts-ignore: decorator
@inline function overCount<T>(s: T, n: f64): T {
  if (isVector<T>()) {
    const d = f64x2.splat(n);
    return <T>join(f64x2.div(f64x2.promote_low_f32x4(<v128>s), d), f64x2.div(f64x2.promote_low_f32x4(high(<v128>s)), d));
  }
  return <T>(<f32>(<f64><f32>s / n));
}

/** Lanes 2, 3 of v in lanes 0, 1. */
// @ts-ignore: decorator
@inline function high(v: v128): v128 {
  return v128.shuffle<f32>(v, v, 2, 3, 2, 3);
}

/** Two f64x2 rounded to f32 and joined as one f32x4 (lo's lanes first). */
// @ts-ignore: decorator
@inline function join(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

// ---- Training statistics.

/**
 * S = 1 (rows of [C]): ATen's channels-last reduction — row by row, every channel's f32 sum
 * in a buffer (here the scratch), then the squared deviations fused into a second one. Row
 * after row keeps each channel's order ATen's, and no channel waits on its own last add.
 */
function rowStatistics(x: usize, scratch: usize, rows: i32, C: i32): void {
  const cBytes = <usize>C << 2;
  memory.fill(scratch, 0, cBytes << 1);
  for (let r = 0, p = x; r < rows; r++, p += cBytes) {
    let c: usize = 0;
    if (ASC_FEATURE_SIMD) for (; c + 16 <= cBytes; c += 16) st<v128>(scratch + c, add<v128>(ld<v128>(p + c), ld<v128>(scratch + c)));
    for (; c < cBytes; c += 4) st<f32>(scratch + c, ld<f32>(p + c) + ld<f32>(scratch + c));
  }
  const n = <f64>rows;
  let c: usize = 0;
  if (ASC_FEATURE_SIMD) for (; c + 16 <= cBytes; c += 16) st<v128>(scratch + c, overCount<v128>(ld<v128>(scratch + c), n));
  for (; c < cBytes; c += 4) st<f32>(scratch + c, overCount<f32>(ld<f32>(scratch + c), n));
  const squares = scratch + cBytes;
  for (let r = 0, p = x; r < rows; r++, p += cBytes) {
    let c: usize = 0;
    if (ASC_FEATURE_SIMD) for (; c + 16 <= cBytes; c += 16) squareStep<v128>(p + c, scratch + c, squares + c);
    for (; c < cBytes; c += 4) squareStep<f32>(p + c, scratch + c, squares + c);
  }
}

/** squares += (x − mean)², fused. */
// @ts-ignore: decorator
@inline function squareStep<T>(x: usize, mean: usize, squares: usize): void {
  const d = sub<T>(ld<T>(x), ld<T>(mean));
  st<T>(squares, fmaOf<T>(d, d, ld<T>(squares)));
}

/**
 * S > 1 (rows of [C, S]): ATen's contiguous reduction, per channel in f64 over rows then
 * positions, in that order; the squares are f32. Four channels at a time: each channel's sum
 * stays one sequential chain (ATen's order), and the four chains overlap.
 */
function planeStatistics(x: usize, scratch: usize, rows: i32, C: i32, S: i32): void {
  for (let c = 0; c < C; c += 4) planeStatistics4(x, scratch, rows, C, S, c);
}

/** Channels c … c + 3; past the last channel, lanes repeat it and are not stored. */
function planeStatistics4(x: usize, scratch: usize, rows: i32, C: i32, S: i32, c: i32): void {
  const plane = <usize>S << 2, rowBytes = <usize>C * plane;
  const n = <f64>rows * <f64>S;
  const o1 = <usize>min(c + 1, C - 1) * plane, o2 = <usize>min(c + 2, C - 1) * plane, o3 = <usize>min(c + 3, C - 1) * plane;
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  for (let r = 0, row = x; r < rows; r++, row += rowBytes) {
    const p = row + <usize>c * plane, p1 = row + o1, p2 = row + o2, p3 = row + o3;
    for (let q: usize = 0; q < plane; q += 4) {
      s0 += <f64>load<f32>(p + q); s1 += <f64>load<f32>(p1 + q);
      s2 += <f64>load<f32>(p2 + q); s3 += <f64>load<f32>(p3 + q);
    }
  }
  const m0 = <f32>(s0 / n), m1 = <f32>(s1 / n), m2 = <f32>(s2 / n), m3 = <f32>(s3 / n);
  let q0: f64 = 0, q1: f64 = 0, q2: f64 = 0, q3: f64 = 0;
  for (let r = 0, row = x; r < rows; r++, row += rowBytes) {
    const p = row + <usize>c * plane, p1 = row + o1, p2 = row + o2, p3 = row + o3;
    for (let q: usize = 0; q < plane; q += 4) {
      const d0 = load<f32>(p + q) - m0, d1 = load<f32>(p1 + q) - m1;
      const d2 = load<f32>(p2 + q) - m2, d3 = load<f32>(p3 + q) - m3;
      q0 += <f64>(d0 * d0); q1 += <f64>(d1 * d1); q2 += <f64>(d2 * d2); q3 += <f64>(d3 * d3);
    }
  }
  const at = scratch + (<usize>c << 2), sq = at + (<usize>C << 2);
  store<f32>(at, m0);
  store<f32>(sq, <f32>q0);
  if (c + 1 < C) { store<f32>(at, m1, 4); store<f32>(sq, <f32>q1, 4); }
  if (c + 2 < C) { store<f32>(at, m2, 8); store<f32>(sq, <f32>q2, 8); }
  if (c + 3 < C) { store<f32>(at, m3, 12); store<f32>(sq, <f32>q3, 12); }
}

/**
 * invstd = 1/√(var + eps) from the squared deviations (ATen: biased var in f32, the rest in
 * f64 with eps as given); when `update`, num_batches_tracked += 1 and the running statistics
 * move by `momentum` (in f32; None: 1/num_batches_tracked) with the unbiased variance.
 */
function finishStatistics(layer: usize, scratch: usize, state: usize, C: i32, n: i32, update: bool): void {
  const eps = load<f64>(layer + (<usize>BATCHNORM1D_EPS_F64 << 2));
  const cBytes = <usize>C << 2;
  let m: f32 = 0;
  if (update) {
    const tracked = load<f32>(state + 2 * cBytes) + 1;
    store<f32>(state + 2 * cBytes, tracked);
    const momentum = reinterpret<f32>(layerWord(layer, BATCHNORM1D_MOMENTUM));
    m = momentum < 0 ? <f32>(1.0 / <f64>tracked) : momentum;
  }
  const keep: f32 = 1 - m;
  for (let c: usize = 0; c < cBytes; c += 4) {
    const squares = load<f32>(scratch + cBytes + c);
    store<f32>(scratch + cBytes + c, <f32>(1.0 / Math.sqrt(<f64>(squares / <f32>n) + eps)));
    if (update) {
      store<f32>(state + c, m * load<f32>(scratch + c) + keep * load<f32>(state + c));
      const unbiased = squares / <f32>(n - 1);
      store<f32>(state + cBytes + c, <f32>(<f64>m * <f64>unbiased + <f64>(keep * load<f32>(state + cBytes + c))));
    }
  }
}

// ---- z = x·α + β.

function normalize(layer: usize, x: usize, scratch: usize, rows: i32, C: i32, S: i32): void {
  const z = <usize>layerWord(layer, LAYER_Z);
  const w = layerWord(layer, BATCHNORM1D_AFFINE) != 0 ? <usize>layerWord(layer, LAYER_PARAMS) : 0;
  if (S == 1) {
    let c = 0;
    if (ASC_FEATURE_SIMD) for (; c + 4 <= C; c += 4) normalizeRowsAt<v128>(z, x, scratch, w, rows, C, c);
    for (; c < C; c++) normalizeRowsAt<f32>(z, x, scratch, w, rows, C, c);
    return;
  }
  const plane = <usize>S << 2, rowBytes = <usize>C * plane, cBytes = <usize>C << 2;
  for (let c = 0; c < C; c++) {
    const at = <usize>c << 2;
    const mean = load<f32>(scratch + at), invstd = load<f32>(scratch + cBytes + at);
    const alpha = w ? invstd * load<f32>(w + at) : invstd;
    const beta = fnmaOf<f32>(mean, alpha, w ? load<f32>(w + cBytes + at) : 0);
    for (let r = 0, o = <usize>c * plane; r < rows; r++, o += rowBytes) {
      const px = x + o, pz = z + o;
      let q: usize = 0;
      if (ASC_FEATURE_SIMD) {
        const va = splat<v128>(alpha), vb = splat<v128>(beta);
        for (; q + 16 <= plane; q += 16) st<v128>(pz + q, fmaOf<v128>(ld<v128>(px + q), va, vb));
      }
      for (; q < plane; q += 4) st<f32>(pz + q, fmaOf<f32>(ld<f32>(px + q), alpha, beta));
    }
  }
}

/** S = 1: channels c… (one lane each) of every row, α and β per lane. */
// @ts-ignore: decorator
@inline function normalizeRowsAt<T>(z: usize, x: usize, scratch: usize, w: usize, rows: i32, C: i32, c: i32): void {
  const stride = <usize>C << 2, at = <usize>c << 2;
  const invstd = ld<T>(scratch + stride + at);
  const alpha = w ? mul<T>(invstd, ld<T>(w + at)) : invstd;
  const beta = fnmaOf<T>(ld<T>(scratch + at), alpha, w ? ld<T>(w + stride + at) : splat<T>(0));
  for (let r = 0, o = at; r < rows; r++, o += stride) st<T>(z + o, fmaOf<T>(ld<T>(x + o), alpha, beta));
}

// ---- Backward.

/**
 * S = 1: per channel, f32 sums down the rows of dz and of (x − mean)·dz (fused), as ATen's
 * channels-last backward; then ∂γ = Σ(x − mean)dz·invstd, ∂β = Σdz and dx.
 */
function rowBackward(dz: usize, x: usize, dx: usize, scratch: usize, w: usize, g: usize, rows: i32, C: i32): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) for (; c + 4 <= C; c += 4) rowBackwardAt<v128>(dz, x, dx, scratch, w, g, rows, C, c);
  for (; c < C; c++) rowBackwardAt<f32>(dz, x, dx, scratch, w, g, rows, C, c);
}

// @ts-ignore: decorator
@inline function rowBackwardAt<T>(dz: usize, x: usize, dx: usize, scratch: usize, w: usize, g: usize, rows: i32, C: i32, c: i32): void {
  const stride = <usize>C << 2, at = <usize>c << 2;
  const mean = ld<T>(scratch + at), invstd = ld<T>(scratch + stride + at);
  let sum = splat<T>(0), dot = splat<T>(0);
  for (let r = 0, o = at; r < rows; r++, o += stride) {
    const d = ld<T>(dz + o);
    sum = add<T>(sum, d);
    dot = fmaOf<T>(sub<T>(ld<T>(x + o), mean), d, dot);
  }
  if (g) {
    st<T>(g + at, mul<T>(dot, invstd));
    st<T>(g + stride + at, sum);
  }
  if (!dx) return;
  const n = splat<T>(<f32>rows);
  const k = div<T>(mul<T>(mul<T>(dot, invstd), invstd), n);
  const gradMean = div<T>(sum, n);
  const scale = w ? ld<T>(w + at) : splat<T>(1);
  for (let r = 0, o = at; r < rows; r++, o += stride) {
    const u = fnmaOf<T>(sub<T>(ld<T>(x + o), mean), k, sub<T>(ld<T>(dz + o), gradMean));
    st<T>(dx + o, mul<T>(mul<T>(u, invstd), scale));
  }
}

/**
 * S > 1: per channel, each (row, channel) plane of dz and of (x − mean)·dz reduced as ATen's
 * AVX2 reduce_all (planeSum, planeDot), the planes added in f64; then ∂γ, ∂β and dx.
 */
function planeBackward(dz: usize, x: usize, dx: usize, scratch: usize, w: usize, g: usize, rows: i32, C: i32, S: i32): void {
  const plane = <usize>S << 2, rowBytes = <usize>C * plane, cBytes = <usize>C << 2;
  const n = <f64>rows * <f64>S;
  for (let c = 0; c < C; c++) {
    const at = <usize>c << 2;
    const mean = load<f32>(scratch + at), invstd = load<f32>(scratch + cBytes + at);
    let sum: f64 = 0, dot: f64 = 0;
    for (let r = 0, o = <usize>c * plane; r < rows; r++, o += rowBytes) {
      sum += <f64>planeSum(dz + o, S);
      dot += <f64>planeDot(x + o, dz + o, mean, S);
    }
    if (g) {
      store<f32>(g + at, <f32>(dot * <f64>invstd));
      store<f32>(g + cBytes + at, <f32>sum);
    }
    if (!dx) continue;
    const k = <f32>(<f32>(<f32>dot * invstd) * invstd) / <f32>n;
    const gradMean = <f32>(sum / n);
    const scale: f32 = w ? load<f32>(w + at) : 1;
    for (let r = 0, o = <usize>c * plane; r < rows; r++, o += rowBytes) {
      const px = x + o, pd = dz + o, pdx = dx + o;
      let q: usize = 0;
      if (ASC_FEATURE_SIMD) {
        const vMean = splat<v128>(mean), vInv = splat<v128>(invstd), vK = splat<v128>(k), vGm = splat<v128>(gradMean), vW = splat<v128>(scale);
        for (; q + 16 <= plane; q += 16) {
          const u = fnmaOf<v128>(sub<v128>(ld<v128>(px + q), vMean), vK, sub<v128>(ld<v128>(pd + q), vGm));
          st<v128>(pdx + q, mul<v128>(mul<v128>(u, vInv), vW));
        }
      }
      for (; q < plane; q += 4) {
        const u = fnmaOf<f32>(ld<f32>(px + q) - mean, k, ld<f32>(pd + q) - gradMean);
        st<f32>(pdx + q, u * invstd * scale);
      }
    }
  }
}

// ATen's reduce_all over S values in 8 lanes: lane j starts at value j and adds every value
// j + 8i in order; the lanes then meet as ((0+4) + (2+6)) + ((1+5) + (3+7)). Under 8 values
// they are added left to right. The scalar build keeps the 8 lanes in locals; the SIMD build
// in two f32x4 (lanes 0–3, 4–7), finishing the last partial group lane by lane.

/** Σ p[i] over S values, ATen's order. */
function planeSum(p: usize, S: i32): f32 {
  if (S < 8) {
    let s = load<f32>(p);
    for (let i = 1; i < S; i++) s += load<f32>(p + (<usize>i << 2));
    return s;
  }
  const full = <usize>(S & ~7) << 2, end = <usize>S << 2;
  let a0: f32, a1: f32, a2: f32, a3: f32, a4: f32, a5: f32, a6: f32, a7: f32;
  if (ASC_FEATURE_SIMD) {
    let lo = v128.load(p), hi = v128.load(p, 16);
    for (let q: usize = 32; q < full; q += 32) {
      lo = f32x4.add(lo, v128.load(p + q));
      hi = f32x4.add(hi, v128.load(p + q, 16));
    }
    a0 = f32x4.extract_lane(lo, 0); a1 = f32x4.extract_lane(lo, 1); a2 = f32x4.extract_lane(lo, 2); a3 = f32x4.extract_lane(lo, 3);
    a4 = f32x4.extract_lane(hi, 0); a5 = f32x4.extract_lane(hi, 1); a6 = f32x4.extract_lane(hi, 2); a7 = f32x4.extract_lane(hi, 3);
  } else {
    a0 = load<f32>(p); a1 = load<f32>(p, 4); a2 = load<f32>(p, 8); a3 = load<f32>(p, 12);
    a4 = load<f32>(p, 16); a5 = load<f32>(p, 20); a6 = load<f32>(p, 24); a7 = load<f32>(p, 28);
    for (let q: usize = 32; q < full; q += 32) {
      const b = p + q;
      a0 += load<f32>(b); a1 += load<f32>(b, 4); a2 += load<f32>(b, 8); a3 += load<f32>(b, 12);
      a4 += load<f32>(b, 16); a5 += load<f32>(b, 20); a6 += load<f32>(b, 24); a7 += load<f32>(b, 28);
    }
  }
  // The last partial group: lanes 0 … S % 8 − 1.
  const t = p + full;
  const rest = end - full;
  if (rest > 0) a0 += load<f32>(t);
  if (rest > 4) a1 += load<f32>(t, 4);
  if (rest > 8) a2 += load<f32>(t, 8);
  if (rest > 12) a3 += load<f32>(t, 12);
  if (rest > 16) a4 += load<f32>(t, 16);
  if (rest > 20) a5 += load<f32>(t, 20);
  if (rest > 24) a6 += load<f32>(t, 24);
  return ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7));
}

/** Σ (x[i] − mean)·dz[i] over S values, ATen's order, each lane's products fused into it. */
function planeDot(x: usize, dz: usize, mean: f32, S: i32): f32 {
  if (S < 8) {
    let s = (load<f32>(x) - mean) * load<f32>(dz);
    for (let i = 1; i < S; i++) {
      const o = <usize>i << 2;
      s += (load<f32>(x + o) - mean) * load<f32>(dz + o);
    }
    return s;
  }
  const full = <usize>(S & ~7) << 2, end = <usize>S << 2;
  let a0: f32, a1: f32, a2: f32, a3: f32, a4: f32, a5: f32, a6: f32, a7: f32;
  if (ASC_FEATURE_SIMD) {
    const m = f32x4.splat(mean);
    let lo = f32x4.mul(f32x4.sub(v128.load(x), m), v128.load(dz));
    let hi = f32x4.mul(f32x4.sub(v128.load(x, 16), m), v128.load(dz, 16));
    for (let q: usize = 32; q < full; q += 32) {
      lo = fmaOf<v128>(f32x4.sub(v128.load(x + q), m), v128.load(dz + q), lo);
      hi = fmaOf<v128>(f32x4.sub(v128.load(x + q, 16), m), v128.load(dz + q, 16), hi);
    }
    a0 = f32x4.extract_lane(lo, 0); a1 = f32x4.extract_lane(lo, 1); a2 = f32x4.extract_lane(lo, 2); a3 = f32x4.extract_lane(lo, 3);
    a4 = f32x4.extract_lane(hi, 0); a5 = f32x4.extract_lane(hi, 1); a6 = f32x4.extract_lane(hi, 2); a7 = f32x4.extract_lane(hi, 3);
  } else {
    a0 = (load<f32>(x) - mean) * load<f32>(dz); a1 = (load<f32>(x, 4) - mean) * load<f32>(dz, 4);
    a2 = (load<f32>(x, 8) - mean) * load<f32>(dz, 8); a3 = (load<f32>(x, 12) - mean) * load<f32>(dz, 12);
    a4 = (load<f32>(x, 16) - mean) * load<f32>(dz, 16); a5 = (load<f32>(x, 20) - mean) * load<f32>(dz, 20);
    a6 = (load<f32>(x, 24) - mean) * load<f32>(dz, 24); a7 = (load<f32>(x, 28) - mean) * load<f32>(dz, 28);
    for (let q: usize = 32; q < full; q += 32) {
      const bx = x + q, bd = dz + q;
      a0 = dotStep(bx, bd, 0, mean, a0); a1 = dotStep(bx, bd, 4, mean, a1);
      a2 = dotStep(bx, bd, 8, mean, a2); a3 = dotStep(bx, bd, 12, mean, a3);
      a4 = dotStep(bx, bd, 16, mean, a4); a5 = dotStep(bx, bd, 20, mean, a5);
      a6 = dotStep(bx, bd, 24, mean, a6); a7 = dotStep(bx, bd, 28, mean, a7);
    }
  }
  const tx = x + full, td = dz + full;
  const rest = end - full;
  if (rest > 0) a0 = dotStep(tx, td, 0, mean, a0);
  if (rest > 4) a1 = dotStep(tx, td, 4, mean, a1);
  if (rest > 8) a2 = dotStep(tx, td, 8, mean, a2);
  if (rest > 12) a3 = dotStep(tx, td, 12, mean, a3);
  if (rest > 16) a4 = dotStep(tx, td, 16, mean, a4);
  if (rest > 20) a5 = dotStep(tx, td, 20, mean, a5);
  if (rest > 24) a6 = dotStep(tx, td, 24, mean, a6);
  return ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7));
}

/** One lane's step: acc + (x − mean)·dz, fused. */
// @ts-ignore: decorator
@inline function dotStep(x: usize, dz: usize, o: usize, mean: f32, acc: f32): f32 {
  return fmaOf<f32>(load<f32>(x + o) - mean, load<f32>(dz + o), acc);
}
