// Arithmetic written once for both f32 and v128 (f32x4): a kernel's per-element update is an
// @inline generic over T, instantiated as v128 for the SIMD body (where the build has SIMD)
// and as f32 for the tail and the scalar build. Same operations in the same order, so SIMD
// and scalar builds agree bit for bit. isVector<T>() folds at compile time, so a scalar
// build never sees a v128 instruction.

// @ts-ignore: decorator
@inline export function ld<T>(p: usize): T {
  if (isVector<T>()) return <T>v128.load(p);
  return <T>load<f32>(p);
}

// @ts-ignore: decorator
@inline export function st<T>(p: usize, v: T): void {
  if (isVector<T>()) v128.store(p, <v128>v);
  else store<f32>(p, <f32>v);
}

// @ts-ignore: decorator
@inline export function splat<T>(x: f32): T {
  if (isVector<T>()) return <T>f32x4.splat(x);
  return <T>x;
}

// @ts-ignore: decorator
@inline export function add<T>(a: T, b: T): T {
  if (isVector<T>()) return <T>f32x4.add(<v128>a, <v128>b);
  return <T>(<f32>a + <f32>b);
}

// @ts-ignore: decorator
@inline export function sub<T>(a: T, b: T): T {
  if (isVector<T>()) return <T>f32x4.sub(<v128>a, <v128>b);
  return <T>(<f32>a - <f32>b);
}

// @ts-ignore: decorator
@inline export function mul<T>(a: T, b: T): T {
  if (isVector<T>()) return <T>f32x4.mul(<v128>a, <v128>b);
  return <T>(<f32>a * <f32>b);
}

// @ts-ignore: decorator
@inline export function div<T>(a: T, b: T): T {
  if (isVector<T>()) return <T>f32x4.div(<v128>a, <v128>b);
  return <T>(<f32>a / <f32>b);
}

// @ts-ignore: decorator
@inline export function sqrt<T>(a: T): T {
  if (isVector<T>()) return <T>f32x4.sqrt(<v128>a);
  return <T>Mathf.sqrt(<f32>a);
}

/** Maximum; NaN in either operand gives NaN (wasm's f32.max and f32x4.max agree). */
// @ts-ignore: decorator
@inline export function maxOf<T>(a: T, b: T): T {
  if (isVector<T>()) return <T>f32x4.max(<v128>a, <v128>b);
  return <T>max<f32>(<f32>a, <f32>b);
}

// @ts-ignore: decorator
@inline export function absOf<T>(a: T): T {
  if (isVector<T>()) return <T>f32x4.abs(<v128>a);
  return <T>abs<f32>(<f32>a);
}

// @ts-ignore: decorator
@inline export function minOf<T>(a: T, b: T): T {
  if (isVector<T>()) return <T>f32x4.min(<v128>a, <v128>b);
  return <T>min<f32>(<f32>a, <f32>b);
}

/**
 * x clamped to [lo, hi], NaN staying NaN: max then min, as min(max(x, lo), hi) gives. The
 * vector form uses pmax/pmin (one x86 instruction each, where V8 spends several on max/min
 * to get their ±0 and NaN rules): pmax(x, lo) is x < lo ? lo : x and pmin(y, hi) is
 * hi < y ? hi : y, so a NaN is returned as it is; lo and hi are not zeros, so the results
 * are the same bits.
 */
// @ts-ignore: decorator
@inline export function clampOf<T>(x: T, lo: T, hi: T): T {
  if (isVector<T>()) return <T>f32x4.pmin(f32x4.pmax(<v128>x, <v128>lo), <v128>hi);
  return <T>min<f32>(max<f32>(<f32>x, <f32>lo), <f32>hi);
}

/** `a` where |x| < limit, else `b` (NaN x takes `b`). */
// @ts-ignore: decorator
@inline export function selectSmall<T>(x: T, limit: T, a: T, b: T): T {
  if (isVector<T>()) return <T>v128.bitselect(<v128>a, <v128>b, f32x4.lt(f32x4.abs(<v128>x), <v128>limit));
  return abs<f32>(<f32>x) < <f32>limit ? a : b;
}

/** |a| with the sign of b. */
// @ts-ignore: decorator
@inline export function copySign<T>(a: T, b: T): T {
  if (isVector<T>()) return <T>v128.or(f32x4.abs(<v128>a), v128.and(<v128>b, i32x4.splat(0x80000000)));
  return <T>copysign<f32>(<f32>a, <f32>b);
}

/** `a` where x > 0, else `b` (NaN x takes `b`). */
// @ts-ignore: decorator
@inline export function whereGt0<T>(x: T, a: T, b: T): T {
  if (isVector<T>()) return <T>v128.bitselect(<v128>a, <v128>b, f32x4.gt(<v128>x, f32x4.splat(0)));
  return <f32>x > 0 ? a : b;
}

/** `a` where x ≤ 0, else `b` (NaN x takes `b`). */
// @ts-ignore: decorator
@inline export function whereLe0<T>(x: T, a: T, b: T): T {
  if (isVector<T>()) return <T>v128.bitselect(<v128>a, <v128>b, f32x4.le(<v128>x, f32x4.splat(0)));
  return <f32>x <= 0 ? a : b;
}

/** 1.5·2²³: adding it to |v| < 2²² leaves round-to-nearest-even(v) in the low mantissa bits. */
export const ROUNDING_MAGIC: f32 = 12582912.0;

/**
 * p·2ᵏ where kf = k + ROUNDING_MAGIC, read straight from kf's bits (no float→int conversion).
 * The scale is applied in two halves so each factor stays a normal f32 for k in [−252, 254].
 */
// @ts-ignore: decorator
@inline export function scaleByPow2<T>(p: T, kf: T): T {
  if (isVector<T>()) {
    const k = i32x4.sub(<v128>kf, i32x4.splat(0x4B400000));
    const h = i32x4.shr_s(k, 1);
    const s1 = i32x4.shl(i32x4.add(h, i32x4.splat(127)), 23);
    const s2 = i32x4.shl(i32x4.add(i32x4.sub(k, h), i32x4.splat(127)), 23);
    return <T>f32x4.mul(f32x4.mul(<v128>p, s1), s2);
  }
  const k = reinterpret<i32>(<f32>kf) - 0x4B400000;
  const h = k >> 1;
  return <T>(<f32>p * reinterpret<f32>((h + 127) << 23) * reinterpret<f32>((k - h + 127) << 23));
}
