// Gradient-flow statistics for diagnostics: sums the host turns into norms, RMS, means and
// fractions. Each layer owns STAT_WORDS f64 slots (abi.ts names them). The training pass
// fills the activation slots of its shard, so worker threads' shares can be added; the
// gradient and parameter slots come from the optimizer's sweep (measured-update.ts), or from
// the kernels here when clipping changes the gradient first or the guard refuses the update.
// Sums of squares run in f32x4 over short blocks flushed into f64, so long vectors keep
// f64-like accuracy.
import {
  ACT_SIGMOID, STAT_A_BAD, STAT_A_SAT, STAT_A_SQ, STAT_A_SUM, STAT_B_SQ, STAT_DA_SQ, STAT_DB_SQ, STAT_DB_STEP_SQ, STAT_DW_SQ,
  STAT_DW_STEP_SQ, STAT_G_BAD, STAT_P_BAD, STAT_W_SQ,
} from "./abi";
import { isSaturating } from "./activations";

/** Values per f32 partial sum before it is flushed into the f64 total. */
const BLOCK: i32 = 256;

// @ts-ignore: decorator
@inline function slot(stats: usize, s: i32): usize {
  return stats + (<usize>s << 3);
}

// @ts-ignore: decorator
@inline export function lanesSum(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

/** Σ x² over n f32 values at p. */
function sumSquares(p: usize, n: i32): f64 {
  let total: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const n8 = n & ~7;
    while (i < n8) {
      const end = min(n8, i + BLOCK);
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      for (; i < end; i += 8) {
        const v0 = v128.load(p + (<usize>i << 2));
        const v1 = v128.load(p + (<usize>i << 2), 16);
        s0 = f32x4.add(s0, f32x4.mul(v0, v0));
        s1 = f32x4.add(s1, f32x4.mul(v1, v1));
      }
      total += lanesSum(f32x4.add(s0, s1));
    }
  }
  for (; i < n; i++) {
    const v = <f64>load<f32>(p + (<usize>i << 2));
    total += v * v;
  }
  return total;
}

/** Non-finite values among n at p (x − x is NaN exactly for NaN and ±∞). Only run when a sum is not finite. */
export function countNonFinite(p: usize, n: i32): f64 {
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const x = load<f32>(p + (<usize>i << 2));
    if (x - x != 0) bad++;
  }
  return <f64>bad;
}

/**
 * Activation slots of one layer for `count` values of its output `a` (activation `act`):
 * Σa, Σa², saturated count (sigmoid, tanh), non-finite count. Written, not accumulated.
 */
export function activationStats(stats: usize, a: usize, count: i32, act: i32): void {
  let sum: f64 = 0, sq: f64 = 0;
  let sat = 0;
  let i = 0;
  const lo: f32 = act == ACT_SIGMOID ? 0.01 : -0.97;
  const hi: f32 = act == ACT_SIGMOID ? 0.99 : 0.97;
  const saturating = isSaturating(act);
  if (ASC_FEATURE_SIMD) {
    const n4 = count & ~3;
    const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
    while (i < n4) {
      const end = min(n4, i + BLOCK);
      let s = f32x4.splat(0), q = f32x4.splat(0), c = i32x4.splat(0);
      for (; i < end; i += 4) {
        const v = v128.load(a + (<usize>i << 2));
        s = f32x4.add(s, v);
        q = f32x4.add(q, f32x4.mul(v, v));
        // A true lane is −1: subtracting the mask counts it.
        c = i32x4.sub(c, v128.or(f32x4.lt(v, vlo), f32x4.gt(v, vhi)));
      }
      sum += lanesSum(s);
      sq += lanesSum(q);
      sat += i32x4.extract_lane(c, 0) + i32x4.extract_lane(c, 1) + i32x4.extract_lane(c, 2) + i32x4.extract_lane(c, 3);
    }
  }
  for (; i < count; i++) {
    const v = load<f32>(a + (<usize>i << 2));
    sum += <f64>v;
    sq += <f64>v * <f64>v;
    if (v < lo || v > hi) sat++;
  }
  store<f64>(slot(stats, STAT_A_SUM), sum);
  store<f64>(slot(stats, STAT_A_SQ), sq);
  store<f64>(slot(stats, STAT_A_SAT), saturating ? <f64>sat : 0);
  store<f64>(slot(stats, STAT_A_BAD), isFinite(sq) ? 0 : countNonFinite(a, count));
}

/** Σ (∂L/∂a)² of one layer's output gradient, `count` values at `da`. */
export function outputGradStats(stats: usize, da: usize, count: i32): void {
  store<f64>(slot(stats, STAT_DA_SQ), sumSquares(da, count));
}

/**
 * For each unit of a ReLU layer's output `a` (rows × units) that is positive in some row,
 * stores `stamp` (the host's running sample count) at its i32 in `lastActive`.
 */
export function markActiveUnits(lastActive: usize, a: usize, rows: i32, units: i32, stamp: i32): void {
  const rowBytes = <usize>units << 2;
  let u = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    // 32 units (two cache lines of a row) at a time: a conv layer's rows are tens of KB, and a
    // column of 4 units read down 128 rows would fetch each line four times from beyond L2.
    for (; u + 32 <= units; u += 32) {
      let a0 = i32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
      let p = a + (<usize>u << 2);
      for (let r = 0; r < rows; r++, p += rowBytes) {
        a0 = v128.or(a0, f32x4.gt(v128.load(p), zero));
        a1 = v128.or(a1, f32x4.gt(v128.load(p, 16), zero));
        a2 = v128.or(a2, f32x4.gt(v128.load(p, 32), zero));
        a3 = v128.or(a3, f32x4.gt(v128.load(p, 48), zero));
        a4 = v128.or(a4, f32x4.gt(v128.load(p, 64), zero));
        a5 = v128.or(a5, f32x4.gt(v128.load(p, 80), zero));
        a6 = v128.or(a6, f32x4.gt(v128.load(p, 96), zero));
        a7 = v128.or(a7, f32x4.gt(v128.load(p, 112), zero));
      }
      const at = lastActive + (<usize>u << 2), s = i32x4.splat(stamp);
      v128.store(at, v128.bitselect(s, v128.load(at), a0));
      v128.store(at, v128.bitselect(s, v128.load(at, 16), a1), 16);
      v128.store(at, v128.bitselect(s, v128.load(at, 32), a2), 32);
      v128.store(at, v128.bitselect(s, v128.load(at, 48), a3), 48);
      v128.store(at, v128.bitselect(s, v128.load(at, 64), a4), 64);
      v128.store(at, v128.bitselect(s, v128.load(at, 80), a5), 80);
      v128.store(at, v128.bitselect(s, v128.load(at, 96), a6), 96);
      v128.store(at, v128.bitselect(s, v128.load(at, 112), a7), 112);
    }
    for (; u + 4 <= units; u += 4) {
      let any = i32x4.splat(0);
      let p = a + (<usize>u << 2);
      for (let r = 0; r < rows; r++, p += rowBytes) any = v128.or(any, f32x4.gt(v128.load(p), zero));
      const at = lastActive + (<usize>u << 2);
      v128.store(at, v128.bitselect(i32x4.splat(stamp), v128.load(at), any));
    }
  }
  for (; u < units; u++) {
    let p = a + (<usize>u << 2);
    for (let r = 0; r < rows; r++, p += rowBytes) {
      if (load<f32>(p) > 0) {
        store<i32>(lastActive + (<usize>u << 2), stamp);
        break;
      }
    }
  }
}

/** Gradient slots of one layer: Σ dW², Σ db² and the non-finite count, over `weights` and `units` values. */
export function gradientStats(stats: usize, dW: usize, db: usize, weights: i32, units: i32): void {
  const w = sumSquares(dW, weights), b = sumSquares(db, units);
  store<f64>(slot(stats, STAT_DW_SQ), w);
  store<f64>(slot(stats, STAT_DB_SQ), b);
  store<f64>(slot(stats, STAT_G_BAD), isFinite(w + b) ? 0 : countNonFinite(dW, weights) + countNonFinite(db, units));
}

/**
 * Parameter slots of one layer whose update was refused (by the guard): Σ W², Σ b², the
 * non-finite count, and an update of zero. (Applied updates are measured by measuredUpdate.)
 */
export function parameterStats(stats: usize, W: usize, b: usize, weights: i32, units: i32): void {
  const w = sumSquares(W, weights), c = sumSquares(b, units);
  store<f64>(slot(stats, STAT_W_SQ), w);
  store<f64>(slot(stats, STAT_B_SQ), c);
  store<f64>(slot(stats, STAT_DW_STEP_SQ), 0);
  store<f64>(slot(stats, STAT_DB_STEP_SQ), 0);
  store<f64>(slot(stats, STAT_P_BAD), isFinite(w + c) ? 0 : countNonFinite(W, weights) + countNonFinite(b, units));
}
