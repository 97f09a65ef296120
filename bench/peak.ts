// Measured SIMD peak for the GEMM comparison: N independent dependency chains of
// a = a·m + c on f32x4 (8 FLOP per chain per round). Few chains are latency-bound; too many
// spill, since V8 gives wasm only xmm0–15; the best of 8/12/16 is taken as the peak.
// Written out in full (no loop over chains) so every accumulator is its own local.
// Build (bench/peak.mjs does it): asc bench/peak.ts --runtime stub -O3 --noAssert
//   --enable simd                 → standard mul+add chains
//   --enable simd,relaxed-simd    → also f32x4.relaxed_madd chains (fused on FMA hardware)

/** Whether this build has the relaxed chains (1) or only returns NaN from them (0). */
export function hasRelaxed(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}

/** 8 independent mul+add chains, `iters` rounds; returns a sum so nothing is dead. */
export function mulAdd8(iters: i32, m: f32, c: f32): f32 {
  const vm = f32x4.splat(m);
  const vc = f32x4.splat(c);
  let a0 = f32x4.splat(<f32>1 + <f32>0 * m);
  let a1 = f32x4.splat(<f32>1 + <f32>1 * m);
  let a2 = f32x4.splat(<f32>1 + <f32>2 * m);
  let a3 = f32x4.splat(<f32>1 + <f32>3 * m);
  let a4 = f32x4.splat(<f32>1 + <f32>4 * m);
  let a5 = f32x4.splat(<f32>1 + <f32>5 * m);
  let a6 = f32x4.splat(<f32>1 + <f32>6 * m);
  let a7 = f32x4.splat(<f32>1 + <f32>7 * m);
  for (let i = 0; i < iters; i++) {
    a0 = f32x4.add(f32x4.mul(a0, vm), vc);
    a1 = f32x4.add(f32x4.mul(a1, vm), vc);
    a2 = f32x4.add(f32x4.mul(a2, vm), vc);
    a3 = f32x4.add(f32x4.mul(a3, vm), vc);
    a4 = f32x4.add(f32x4.mul(a4, vm), vc);
    a5 = f32x4.add(f32x4.mul(a5, vm), vc);
    a6 = f32x4.add(f32x4.mul(a6, vm), vc);
    a7 = f32x4.add(f32x4.mul(a7, vm), vc);
  }
  let s = a0;
  s = f32x4.add(s, a1);
  s = f32x4.add(s, a2);
  s = f32x4.add(s, a3);
  s = f32x4.add(s, a4);
  s = f32x4.add(s, a5);
  s = f32x4.add(s, a6);
  s = f32x4.add(s, a7);
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/** 12 independent mul+add chains, `iters` rounds; returns a sum so nothing is dead. */
export function mulAdd12(iters: i32, m: f32, c: f32): f32 {
  const vm = f32x4.splat(m);
  const vc = f32x4.splat(c);
  let a0 = f32x4.splat(<f32>1 + <f32>0 * m);
  let a1 = f32x4.splat(<f32>1 + <f32>1 * m);
  let a2 = f32x4.splat(<f32>1 + <f32>2 * m);
  let a3 = f32x4.splat(<f32>1 + <f32>3 * m);
  let a4 = f32x4.splat(<f32>1 + <f32>4 * m);
  let a5 = f32x4.splat(<f32>1 + <f32>5 * m);
  let a6 = f32x4.splat(<f32>1 + <f32>6 * m);
  let a7 = f32x4.splat(<f32>1 + <f32>7 * m);
  let a8 = f32x4.splat(<f32>1 + <f32>8 * m);
  let a9 = f32x4.splat(<f32>1 + <f32>9 * m);
  let a10 = f32x4.splat(<f32>1 + <f32>10 * m);
  let a11 = f32x4.splat(<f32>1 + <f32>11 * m);
  for (let i = 0; i < iters; i++) {
    a0 = f32x4.add(f32x4.mul(a0, vm), vc);
    a1 = f32x4.add(f32x4.mul(a1, vm), vc);
    a2 = f32x4.add(f32x4.mul(a2, vm), vc);
    a3 = f32x4.add(f32x4.mul(a3, vm), vc);
    a4 = f32x4.add(f32x4.mul(a4, vm), vc);
    a5 = f32x4.add(f32x4.mul(a5, vm), vc);
    a6 = f32x4.add(f32x4.mul(a6, vm), vc);
    a7 = f32x4.add(f32x4.mul(a7, vm), vc);
    a8 = f32x4.add(f32x4.mul(a8, vm), vc);
    a9 = f32x4.add(f32x4.mul(a9, vm), vc);
    a10 = f32x4.add(f32x4.mul(a10, vm), vc);
    a11 = f32x4.add(f32x4.mul(a11, vm), vc);
  }
  let s = a0;
  s = f32x4.add(s, a1);
  s = f32x4.add(s, a2);
  s = f32x4.add(s, a3);
  s = f32x4.add(s, a4);
  s = f32x4.add(s, a5);
  s = f32x4.add(s, a6);
  s = f32x4.add(s, a7);
  s = f32x4.add(s, a8);
  s = f32x4.add(s, a9);
  s = f32x4.add(s, a10);
  s = f32x4.add(s, a11);
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/** 16 independent mul+add chains, `iters` rounds; returns a sum so nothing is dead. */
export function mulAdd16(iters: i32, m: f32, c: f32): f32 {
  const vm = f32x4.splat(m);
  const vc = f32x4.splat(c);
  let a0 = f32x4.splat(<f32>1 + <f32>0 * m);
  let a1 = f32x4.splat(<f32>1 + <f32>1 * m);
  let a2 = f32x4.splat(<f32>1 + <f32>2 * m);
  let a3 = f32x4.splat(<f32>1 + <f32>3 * m);
  let a4 = f32x4.splat(<f32>1 + <f32>4 * m);
  let a5 = f32x4.splat(<f32>1 + <f32>5 * m);
  let a6 = f32x4.splat(<f32>1 + <f32>6 * m);
  let a7 = f32x4.splat(<f32>1 + <f32>7 * m);
  let a8 = f32x4.splat(<f32>1 + <f32>8 * m);
  let a9 = f32x4.splat(<f32>1 + <f32>9 * m);
  let a10 = f32x4.splat(<f32>1 + <f32>10 * m);
  let a11 = f32x4.splat(<f32>1 + <f32>11 * m);
  let a12 = f32x4.splat(<f32>1 + <f32>12 * m);
  let a13 = f32x4.splat(<f32>1 + <f32>13 * m);
  let a14 = f32x4.splat(<f32>1 + <f32>14 * m);
  let a15 = f32x4.splat(<f32>1 + <f32>15 * m);
  for (let i = 0; i < iters; i++) {
    a0 = f32x4.add(f32x4.mul(a0, vm), vc);
    a1 = f32x4.add(f32x4.mul(a1, vm), vc);
    a2 = f32x4.add(f32x4.mul(a2, vm), vc);
    a3 = f32x4.add(f32x4.mul(a3, vm), vc);
    a4 = f32x4.add(f32x4.mul(a4, vm), vc);
    a5 = f32x4.add(f32x4.mul(a5, vm), vc);
    a6 = f32x4.add(f32x4.mul(a6, vm), vc);
    a7 = f32x4.add(f32x4.mul(a7, vm), vc);
    a8 = f32x4.add(f32x4.mul(a8, vm), vc);
    a9 = f32x4.add(f32x4.mul(a9, vm), vc);
    a10 = f32x4.add(f32x4.mul(a10, vm), vc);
    a11 = f32x4.add(f32x4.mul(a11, vm), vc);
    a12 = f32x4.add(f32x4.mul(a12, vm), vc);
    a13 = f32x4.add(f32x4.mul(a13, vm), vc);
    a14 = f32x4.add(f32x4.mul(a14, vm), vc);
    a15 = f32x4.add(f32x4.mul(a15, vm), vc);
  }
  let s = a0;
  s = f32x4.add(s, a1);
  s = f32x4.add(s, a2);
  s = f32x4.add(s, a3);
  s = f32x4.add(s, a4);
  s = f32x4.add(s, a5);
  s = f32x4.add(s, a6);
  s = f32x4.add(s, a7);
  s = f32x4.add(s, a8);
  s = f32x4.add(s, a9);
  s = f32x4.add(s, a10);
  s = f32x4.add(s, a11);
  s = f32x4.add(s, a12);
  s = f32x4.add(s, a13);
  s = f32x4.add(s, a14);
  s = f32x4.add(s, a15);
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/** 8 independent relaxed_madd chains, `iters` rounds; returns a sum so nothing is dead. */
export function relaxed8(iters: i32, m: f32, c: f32): f32 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    const vm = f32x4.splat(m);
    const vc = f32x4.splat(c);
    let a0 = f32x4.splat(<f32>1 + <f32>0 * m);
    let a1 = f32x4.splat(<f32>1 + <f32>1 * m);
    let a2 = f32x4.splat(<f32>1 + <f32>2 * m);
    let a3 = f32x4.splat(<f32>1 + <f32>3 * m);
    let a4 = f32x4.splat(<f32>1 + <f32>4 * m);
    let a5 = f32x4.splat(<f32>1 + <f32>5 * m);
    let a6 = f32x4.splat(<f32>1 + <f32>6 * m);
    let a7 = f32x4.splat(<f32>1 + <f32>7 * m);
    for (let i = 0; i < iters; i++) {
      a0 = f32x4.relaxed_madd(a0, vm, vc);
      a1 = f32x4.relaxed_madd(a1, vm, vc);
      a2 = f32x4.relaxed_madd(a2, vm, vc);
      a3 = f32x4.relaxed_madd(a3, vm, vc);
      a4 = f32x4.relaxed_madd(a4, vm, vc);
      a5 = f32x4.relaxed_madd(a5, vm, vc);
      a6 = f32x4.relaxed_madd(a6, vm, vc);
      a7 = f32x4.relaxed_madd(a7, vm, vc);
    }
    let s = a0;
    s = f32x4.add(s, a1);
    s = f32x4.add(s, a2);
    s = f32x4.add(s, a3);
    s = f32x4.add(s, a4);
    s = f32x4.add(s, a5);
    s = f32x4.add(s, a6);
    s = f32x4.add(s, a7);
    return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
  }
  return NaN; // built without relaxed SIMD
}

/** 12 independent relaxed_madd chains, `iters` rounds; returns a sum so nothing is dead. */
export function relaxed12(iters: i32, m: f32, c: f32): f32 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    const vm = f32x4.splat(m);
    const vc = f32x4.splat(c);
    let a0 = f32x4.splat(<f32>1 + <f32>0 * m);
    let a1 = f32x4.splat(<f32>1 + <f32>1 * m);
    let a2 = f32x4.splat(<f32>1 + <f32>2 * m);
    let a3 = f32x4.splat(<f32>1 + <f32>3 * m);
    let a4 = f32x4.splat(<f32>1 + <f32>4 * m);
    let a5 = f32x4.splat(<f32>1 + <f32>5 * m);
    let a6 = f32x4.splat(<f32>1 + <f32>6 * m);
    let a7 = f32x4.splat(<f32>1 + <f32>7 * m);
    let a8 = f32x4.splat(<f32>1 + <f32>8 * m);
    let a9 = f32x4.splat(<f32>1 + <f32>9 * m);
    let a10 = f32x4.splat(<f32>1 + <f32>10 * m);
    let a11 = f32x4.splat(<f32>1 + <f32>11 * m);
    for (let i = 0; i < iters; i++) {
      a0 = f32x4.relaxed_madd(a0, vm, vc);
      a1 = f32x4.relaxed_madd(a1, vm, vc);
      a2 = f32x4.relaxed_madd(a2, vm, vc);
      a3 = f32x4.relaxed_madd(a3, vm, vc);
      a4 = f32x4.relaxed_madd(a4, vm, vc);
      a5 = f32x4.relaxed_madd(a5, vm, vc);
      a6 = f32x4.relaxed_madd(a6, vm, vc);
      a7 = f32x4.relaxed_madd(a7, vm, vc);
      a8 = f32x4.relaxed_madd(a8, vm, vc);
      a9 = f32x4.relaxed_madd(a9, vm, vc);
      a10 = f32x4.relaxed_madd(a10, vm, vc);
      a11 = f32x4.relaxed_madd(a11, vm, vc);
    }
    let s = a0;
    s = f32x4.add(s, a1);
    s = f32x4.add(s, a2);
    s = f32x4.add(s, a3);
    s = f32x4.add(s, a4);
    s = f32x4.add(s, a5);
    s = f32x4.add(s, a6);
    s = f32x4.add(s, a7);
    s = f32x4.add(s, a8);
    s = f32x4.add(s, a9);
    s = f32x4.add(s, a10);
    s = f32x4.add(s, a11);
    return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
  }
  return NaN; // built without relaxed SIMD
}

/** 16 independent relaxed_madd chains, `iters` rounds; returns a sum so nothing is dead. */
export function relaxed16(iters: i32, m: f32, c: f32): f32 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    const vm = f32x4.splat(m);
    const vc = f32x4.splat(c);
    let a0 = f32x4.splat(<f32>1 + <f32>0 * m);
    let a1 = f32x4.splat(<f32>1 + <f32>1 * m);
    let a2 = f32x4.splat(<f32>1 + <f32>2 * m);
    let a3 = f32x4.splat(<f32>1 + <f32>3 * m);
    let a4 = f32x4.splat(<f32>1 + <f32>4 * m);
    let a5 = f32x4.splat(<f32>1 + <f32>5 * m);
    let a6 = f32x4.splat(<f32>1 + <f32>6 * m);
    let a7 = f32x4.splat(<f32>1 + <f32>7 * m);
    let a8 = f32x4.splat(<f32>1 + <f32>8 * m);
    let a9 = f32x4.splat(<f32>1 + <f32>9 * m);
    let a10 = f32x4.splat(<f32>1 + <f32>10 * m);
    let a11 = f32x4.splat(<f32>1 + <f32>11 * m);
    let a12 = f32x4.splat(<f32>1 + <f32>12 * m);
    let a13 = f32x4.splat(<f32>1 + <f32>13 * m);
    let a14 = f32x4.splat(<f32>1 + <f32>14 * m);
    let a15 = f32x4.splat(<f32>1 + <f32>15 * m);
    for (let i = 0; i < iters; i++) {
      a0 = f32x4.relaxed_madd(a0, vm, vc);
      a1 = f32x4.relaxed_madd(a1, vm, vc);
      a2 = f32x4.relaxed_madd(a2, vm, vc);
      a3 = f32x4.relaxed_madd(a3, vm, vc);
      a4 = f32x4.relaxed_madd(a4, vm, vc);
      a5 = f32x4.relaxed_madd(a5, vm, vc);
      a6 = f32x4.relaxed_madd(a6, vm, vc);
      a7 = f32x4.relaxed_madd(a7, vm, vc);
      a8 = f32x4.relaxed_madd(a8, vm, vc);
      a9 = f32x4.relaxed_madd(a9, vm, vc);
      a10 = f32x4.relaxed_madd(a10, vm, vc);
      a11 = f32x4.relaxed_madd(a11, vm, vc);
      a12 = f32x4.relaxed_madd(a12, vm, vc);
      a13 = f32x4.relaxed_madd(a13, vm, vc);
      a14 = f32x4.relaxed_madd(a14, vm, vc);
      a15 = f32x4.relaxed_madd(a15, vm, vc);
    }
    let s = a0;
    s = f32x4.add(s, a1);
    s = f32x4.add(s, a2);
    s = f32x4.add(s, a3);
    s = f32x4.add(s, a4);
    s = f32x4.add(s, a5);
    s = f32x4.add(s, a6);
    s = f32x4.add(s, a7);
    s = f32x4.add(s, a8);
    s = f32x4.add(s, a9);
    s = f32x4.add(s, a10);
    s = f32x4.add(s, a11);
    s = f32x4.add(s, a12);
    s = f32x4.add(s, a13);
    s = f32x4.add(s, a14);
    s = f32x4.add(s, a15);
    return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
  }
  return NaN; // built without relaxed SIMD
}
