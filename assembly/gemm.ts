// C = A·B for the backward products of a dense layer, register-blocked.
//   A[m, k] at a + 4·(m·rsA + k·csA)  (strides let A be a matrix or a transposed one)
//   B[k, n] at b + 4·(k·ldb + n)      (rows contiguous along n; ldb > 0)
//   C[m, n] at c + 4·(m·ldc + n)      (written, not accumulated)
// Panels of 8 columns are the outer loop: a panel of B (K rows × 32 bytes) stays in L1
// while A streams past it. Blocks keep f32x4 accumulators in registers, within the 15 xmm
// registers V8 allocates to wasm (xmm15 is its scratch):
// - 4×8: 8 accumulators + 2 B vectors + 4 splatted A values = 14 live v128.
// - 5×8, relaxed builds: a fused multiply-add has 4–5 cycles of latency, so 8 chains leave
//   the two FMA pipes idle part of the time; 10 fill them. V8 issues all loads of a basic
//   block before its arithmetic, so 10 accumulators + 7 loads would spill; a branch after
//   row 2 (a loop-exit test) splits each k-step into blocks of at most 15 live values.
// The callers pass A transposed (rsA == 1, dW) or row-major (csA == 1, dX); each has its
// own blocks, with constant offsets instead of per-load address arithmetic.
// Tails: 4×4, 1×8, 1×4, then scalar.

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** C(M×N) = A(M×K)·B(K×N) with the layout above. */
export function gemm(c: usize, a: usize, rsA: i32, csA: i32, b: usize, ldb: i32, ldc: i32, M: i32, K: i32, N: i32): void {
  if (ASC_FEATURE_SIMD) {
    let n = 0;
    for (; n + 8 <= N; n += 8) {
      let m = 0;
      while (m + 4 <= M) {
        if (ASC_FEATURE_RELAXED_SIMD && (M - m) % 5 == 0 && (rsA == 1 || csA == 1)) {
          if (rsA == 1) block5x8T(c, a, csA, b, ldb, ldc, K, m, n);
          else block5x8N(c, a, rsA, b, ldb, ldc, K, m, n);
          m += 5;
        } else {
          if (rsA == 1) {
            // In relaxed builds this only covers leftover rows; the unrolled block made V8
            // allocate registers worse for the whole function there (a slower dW).
            if (ASC_FEATURE_RELAXED_SIMD) block4x8T(c, a, csA, b, ldb, ldc, K, m, n);
            else block4x8T2(c, a, csA, b, ldb, ldc, K, m, n);
          } else if (csA == 1) block4x8N(c, a, rsA, b, ldb, ldc, K, m, n);
          else block4x8(c, a, rsA, csA, b, ldb, ldc, K, m, n);
          m += 4;
        }
      }
      for (; m < M; m++) block1x8(c, a, rsA, csA, b, ldb, ldc, K, m, n);
    }
    for (; n + 4 <= N; n += 4) {
      let m = 0;
      for (; m + 4 <= M; m += 4) block4x4(c, a, rsA, csA, b, ldb, ldc, K, m, n);
      for (; m < M; m++) block1x4(c, a, rsA, csA, b, ldb, ldc, K, m, n);
    }
    for (; n < N; n++) {
      for (let m = 0; m < M; m++) scalarDot(c, a, rsA, csA, b, ldb, ldc, K, m, n);
    }
  } else {
    gemmScalar(c, a, rsA, csA, b, ldb, ldc, M, K, N);
  }
}

/** Relaxed 5×8 block, A transposed (rsA == 1): the 5 A values of a k are adjacent. */
// @ts-ignore: decorator
@inline function block5x8T(c: usize, a: usize, csA: i32, b: usize, ldb: i32, ldc: i32, K: i32, m: i32, n: i32): void {
  const cs = <usize>csA << 2;
  const bs = <usize>ldb << 2;
  let pa = a + (<usize>m << 2);
  let pb = b + (<usize>n << 2);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  if (K > 0) {
    const pbLast = pb + <usize>(K - 1) * bs;
    while (true) {
      const b0 = v128.load(pb);
      const b1 = v128.load(pb, 16);
      const a0 = v128.load32_splat(pa);
      c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
      const a1 = v128.load32_splat(pa, 4);
      c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
      const a2 = v128.load32_splat(pa, 8);
      c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
      // Last k: finish rows 3–4 and leave. This test is also what splits the k-step.
      if (pb == pbLast) {
        const a3 = v128.load32_splat(pa, 12);
        c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
        const a4 = v128.load32_splat(pa, 16);
        c40 = madd(a4, b0, c40); c41 = madd(a4, b1, c41);
        break;
      }
      const a3 = v128.load32_splat(pa, 12);
      c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
      const a4 = v128.load32_splat(pa, 16);
      c40 = madd(a4, b0, c40); c41 = madd(a4, b1, c41);
      pa += cs;
      pb += bs;
      // Never taken (the test above exits first), but it ends the block, so V8's loop
      // unrolling cannot merge rows 3–4 with the next k's rows 0–2.
      if (pb > pbLast) break;
    }
  }
  const ls = <usize>ldc << 2;
  const pc = c + <usize>m * ls + (<usize>n << 2);
  v128.store(pc, c00); v128.store(pc, c01, 16);
  v128.store(pc + ls, c10); v128.store(pc + ls, c11, 16);
  v128.store(pc + 2 * ls, c20); v128.store(pc + 2 * ls, c21, 16);
  v128.store(pc + 3 * ls, c30); v128.store(pc + 3 * ls, c31, 16);
  v128.store(pc + 4 * ls, c40); v128.store(pc + 4 * ls, c41, 16);
}

/**
 * Relaxed 5×8 block, A row-major (csA == 1): k is unrolled by 2, so one pointer per A row
 * serves two k (offsets 0 and 4) instead of an address computation per row and k.
 */
// @ts-ignore: decorator
@inline function block5x8N(c: usize, a: usize, rsA: i32, b: usize, ldb: i32, ldc: i32, K: i32, m: i32, n: i32): void {
  const rs = <usize>rsA << 2;
  const bs = <usize>ldb << 2;
  let q0 = a + <usize>m * rs;
  let q1 = q0 + rs, q2 = q1 + rs, q3 = q2 + rs, q4 = q3 + rs;
  let p0 = b + (<usize>n << 2);
  let p1 = p0 + bs;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  if (K > 0) {
    const last = q0 + (<usize>(K - 1) << 2);
    const bs2 = bs << 1;
    while (true) {
      // k (offset 0, B row p0)
      let b0 = v128.load(p0);
      let b1 = v128.load(p0, 16);
      let a0 = v128.load32_splat(q0);
      c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
      a0 = v128.load32_splat(q1);
      c10 = madd(a0, b0, c10); c11 = madd(a0, b1, c11);
      a0 = v128.load32_splat(q2);
      c20 = madd(a0, b0, c20); c21 = madd(a0, b1, c21);
      if (q0 == last) {
        a0 = v128.load32_splat(q3);
        c30 = madd(a0, b0, c30); c31 = madd(a0, b1, c31);
        a0 = v128.load32_splat(q4);
        c40 = madd(a0, b0, c40); c41 = madd(a0, b1, c41);
        break;
      }
      a0 = v128.load32_splat(q3);
      c30 = madd(a0, b0, c30); c31 = madd(a0, b1, c31);
      a0 = v128.load32_splat(q4);
      c40 = madd(a0, b0, c40); c41 = madd(a0, b1, c41);
      if (q0 > last) break; // never taken: ends the block (see block5x8T)
      // k + 1 (offset 4, B row p1)
      b0 = v128.load(p1);
      b1 = v128.load(p1, 16);
      a0 = v128.load32_splat(q0, 4);
      c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
      a0 = v128.load32_splat(q1, 4);
      c10 = madd(a0, b0, c10); c11 = madd(a0, b1, c11);
      a0 = v128.load32_splat(q2, 4);
      c20 = madd(a0, b0, c20); c21 = madd(a0, b1, c21);
      if (q0 + 4 == last) {
        a0 = v128.load32_splat(q3, 4);
        c30 = madd(a0, b0, c30); c31 = madd(a0, b1, c31);
        a0 = v128.load32_splat(q4, 4);
        c40 = madd(a0, b0, c40); c41 = madd(a0, b1, c41);
        break;
      }
      a0 = v128.load32_splat(q3, 4);
      c30 = madd(a0, b0, c30); c31 = madd(a0, b1, c31);
      a0 = v128.load32_splat(q4, 4);
      c40 = madd(a0, b0, c40); c41 = madd(a0, b1, c41);
      q0 += 8; q1 += 8; q2 += 8; q3 += 8; q4 += 8;
      p0 += bs2; p1 += bs2;
      if (q0 > last) break; // never taken: ends the block
    }
  }
  const ls = <usize>ldc << 2;
  const pc = c + <usize>m * ls + (<usize>n << 2);
  v128.store(pc, c00); v128.store(pc, c01, 16);
  v128.store(pc + ls, c10); v128.store(pc + ls, c11, 16);
  v128.store(pc + 2 * ls, c20); v128.store(pc + 2 * ls, c21, 16);
  v128.store(pc + 3 * ls, c30); v128.store(pc + 3 * ls, c31, 16);
  v128.store(pc + 4 * ls, c40); v128.store(pc + 4 * ls, c41, 16);
}

/** 4×8 block, A transposed (rsA == 1), one k per iteration. */
// @ts-ignore: decorator
@inline function block4x8T(c: usize, a: usize, csA: i32, b: usize, ldb: i32, ldc: i32, K: i32, m: i32, n: i32): void {
  const cs = <usize>csA << 2;
  const bs = <usize>ldb << 2;
  let pa = a + (<usize>m << 2);
  let pb = b + (<usize>n << 2);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const a0 = v128.load32_splat(pa);
    c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(pa, 4);
    c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(pa, 8);
    c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(pa, 12);
    c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
    pa += cs;
    pb += bs;
  }
  const ls = <usize>ldc << 2;
  const pc = c + <usize>m * ls + (<usize>n << 2);
  v128.store(pc, c00); v128.store(pc, c01, 16);
  v128.store(pc + ls, c10); v128.store(pc + ls, c11, 16);
  v128.store(pc + 2 * ls, c20); v128.store(pc + 2 * ls, c21, 16);
  v128.store(pc + 3 * ls, c30); v128.store(pc + 3 * ls, c31, 16);
}

/** 4×8 block, A transposed (rsA == 1), k unrolled by 2 (B and A pointers for k and k + 1). */
// @ts-ignore: decorator
@inline function block4x8T2(c: usize, a: usize, csA: i32, b: usize, ldb: i32, ldc: i32, K: i32, m: i32, n: i32): void {
  const cs = <usize>csA << 2;
  const bs = <usize>ldb << 2;
  let pa = a + (<usize>m << 2);
  let pb = b + (<usize>n << 2);
  let pa1 = pa + cs, pb1 = pb + bs;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (K > 0) {
    const last = pb + <usize>(K - 1) * bs;
    const cs2 = cs << 1, bs2 = bs << 1;
    while (true) {
      let b0 = v128.load(pb);
      let b1 = v128.load(pb, 16);
      let a0 = v128.load32_splat(pa);
      c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
      a0 = v128.load32_splat(pa, 4);
      c10 = madd(a0, b0, c10); c11 = madd(a0, b1, c11);
      a0 = v128.load32_splat(pa, 8);
      c20 = madd(a0, b0, c20); c21 = madd(a0, b1, c21);
      a0 = v128.load32_splat(pa, 12);
      c30 = madd(a0, b0, c30); c31 = madd(a0, b1, c31);
      if (pb == last) break;
      b0 = v128.load(pb1);
      b1 = v128.load(pb1, 16);
      a0 = v128.load32_splat(pa1);
      c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
      a0 = v128.load32_splat(pa1, 4);
      c10 = madd(a0, b0, c10); c11 = madd(a0, b1, c11);
      a0 = v128.load32_splat(pa1, 8);
      c20 = madd(a0, b0, c20); c21 = madd(a0, b1, c21);
      a0 = v128.load32_splat(pa1, 12);
      c30 = madd(a0, b0, c30); c31 = madd(a0, b1, c31);
      pa += cs2; pa1 += cs2; pb += bs2; pb1 += bs2;
      if (pb > last) break;
    }
  }
  const ls = <usize>ldc << 2;
  const pc = c + <usize>m * ls + (<usize>n << 2);
  v128.store(pc, c00); v128.store(pc, c01, 16);
  v128.store(pc + ls, c10); v128.store(pc + ls, c11, 16);
  v128.store(pc + 2 * ls, c20); v128.store(pc + 2 * ls, c21, 16);
  v128.store(pc + 3 * ls, c30); v128.store(pc + 3 * ls, c31, 16);
}

/** 4×8 block, A row-major (csA == 1): k unrolled by 2 as in block5x8N. */
// @ts-ignore: decorator
@inline function block4x8N(c: usize, a: usize, rsA: i32, b: usize, ldb: i32, ldc: i32, K: i32, m: i32, n: i32): void {
  const rs = <usize>rsA << 2;
  const bs = <usize>ldb << 2;
  let q0 = a + <usize>m * rs;
  let q1 = q0 + rs, q2 = q1 + rs, q3 = q2 + rs;
  let p0 = b + (<usize>n << 2);
  let p1 = p0 + bs;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (K > 0) {
    const last = q0 + (<usize>(K - 1) << 2);
    const bs2 = bs << 1;
    while (true) {
      let b0 = v128.load(p0);
      let b1 = v128.load(p0, 16);
      let a0 = v128.load32_splat(q0);
      c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
      a0 = v128.load32_splat(q1);
      c10 = madd(a0, b0, c10); c11 = madd(a0, b1, c11);
      a0 = v128.load32_splat(q2);
      c20 = madd(a0, b0, c20); c21 = madd(a0, b1, c21);
      a0 = v128.load32_splat(q3);
      c30 = madd(a0, b0, c30); c31 = madd(a0, b1, c31);
      if (q0 == last) break; // odd K; also keeps the two k-steps' loads in separate blocks
      b0 = v128.load(p1);
      b1 = v128.load(p1, 16);
      a0 = v128.load32_splat(q0, 4);
      c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
      a0 = v128.load32_splat(q1, 4);
      c10 = madd(a0, b0, c10); c11 = madd(a0, b1, c11);
      a0 = v128.load32_splat(q2, 4);
      c20 = madd(a0, b0, c20); c21 = madd(a0, b1, c21);
      a0 = v128.load32_splat(q3, 4);
      c30 = madd(a0, b0, c30); c31 = madd(a0, b1, c31);
      q0 += 8; q1 += 8; q2 += 8; q3 += 8;
      p0 += bs2; p1 += bs2;
      if (q0 > last) break;
    }
  }
  const ls = <usize>ldc << 2;
  const pc = c + <usize>m * ls + (<usize>n << 2);
  v128.store(pc, c00); v128.store(pc, c01, 16);
  v128.store(pc + ls, c10); v128.store(pc + ls, c11, 16);
  v128.store(pc + 2 * ls, c20); v128.store(pc + 2 * ls, c21, 16);
  v128.store(pc + 3 * ls, c30); v128.store(pc + 3 * ls, c31, 16);
}

/** 4×8 block, any strides. */
// @ts-ignore: decorator
@inline function block4x8(c: usize, a: usize, rsA: i32, csA: i32, b: usize, ldb: i32, ldc: i32, K: i32, m: i32, n: i32): void {
  const rs = <usize>rsA << 2;
  const cs = <usize>csA << 2;
  const bs = <usize>ldb << 2;
  let pa = a + <usize>m * rs;
  let pb = b + (<usize>n << 2);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const a0 = v128.load32_splat(pa);
    c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(pa + rs);
    c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(pa + 2 * rs);
    c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(pa + 3 * rs);
    c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
    pa += cs;
    pb += bs;
  }
  const ls = <usize>ldc << 2;
  const pc = c + <usize>m * ls + (<usize>n << 2);
  v128.store(pc, c00); v128.store(pc, c01, 16);
  v128.store(pc + ls, c10); v128.store(pc + ls, c11, 16);
  v128.store(pc + 2 * ls, c20); v128.store(pc + 2 * ls, c21, 16);
  v128.store(pc + 3 * ls, c30); v128.store(pc + 3 * ls, c31, 16);
}

// @ts-ignore: decorator
@inline function block4x4(c: usize, a: usize, rsA: i32, csA: i32, b: usize, ldb: i32, ldc: i32, K: i32, m: i32, n: i32): void {
  const rs = <usize>rsA << 2;
  const cs = <usize>csA << 2;
  const bs = <usize>ldb << 2;
  let pa = a + <usize>m * rs;
  let pb = b + (<usize>n << 2);
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb);
    c0 = madd(v128.load32_splat(pa), b0, c0);
    c1 = madd(v128.load32_splat(pa + rs), b0, c1);
    c2 = madd(v128.load32_splat(pa + 2 * rs), b0, c2);
    c3 = madd(v128.load32_splat(pa + 3 * rs), b0, c3);
    pa += cs;
    pb += bs;
  }
  const ls = <usize>ldc << 2;
  const pc = c + <usize>m * ls + (<usize>n << 2);
  v128.store(pc, c0);
  v128.store(pc + ls, c1);
  v128.store(pc + 2 * ls, c2);
  v128.store(pc + 3 * ls, c3);
}

// @ts-ignore: decorator
@inline function block1x8(c: usize, a: usize, rsA: i32, csA: i32, b: usize, ldb: i32, ldc: i32, K: i32, m: i32, n: i32): void {
  const cs = <usize>csA << 2;
  const bs = <usize>ldb << 2;
  let pa = a + <usize>m * (<usize>rsA << 2);
  let pb = b + (<usize>n << 2);
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  for (let k = 0; k < K; k++) {
    const av = v128.load32_splat(pa);
    c0 = madd(av, v128.load(pb), c0);
    c1 = madd(av, v128.load(pb, 16), c1);
    pa += cs;
    pb += bs;
  }
  const pc = c + <usize>m * (<usize>ldc << 2) + (<usize>n << 2);
  v128.store(pc, c0);
  v128.store(pc, c1, 16);
}

// @ts-ignore: decorator
@inline function block1x4(c: usize, a: usize, rsA: i32, csA: i32, b: usize, ldb: i32, ldc: i32, K: i32, m: i32, n: i32): void {
  const cs = <usize>csA << 2;
  const bs = <usize>ldb << 2;
  let pa = a + <usize>m * (<usize>rsA << 2);
  let pb = b + (<usize>n << 2);
  let c0 = f32x4.splat(0);
  for (let k = 0; k < K; k++) {
    c0 = madd(v128.load32_splat(pa), v128.load(pb), c0);
    pa += cs;
    pb += bs;
  }
  v128.store(c + <usize>m * (<usize>ldc << 2) + (<usize>n << 2), c0);
}

/** One element of C, in plain f32. */
function scalarDot(c: usize, a: usize, rsA: i32, csA: i32, b: usize, ldb: i32, ldc: i32, K: i32, m: i32, n: i32): void {
  let s: f32 = 0;
  let pa = a + <usize>m * (<usize>rsA << 2);
  let pb = b + (<usize>n << 2);
  const cs = <usize>csA << 2;
  const bs = <usize>ldb << 2;
  for (let k = 0; k < K; k++) {
    s += load<f32>(pa) * load<f32>(pb);
    pa += cs;
    pb += bs;
  }
  store<f32>(c + <usize>m * (<usize>ldc << 2) + (<usize>n << 2), s);
}

/** Scalar build: 4 columns at a time so each A value is loaded once per four products. */
function gemmScalar(c: usize, a: usize, rsA: i32, csA: i32, b: usize, ldb: i32, ldc: i32, M: i32, K: i32, N: i32): void {
  const cs = <usize>csA << 2;
  const bs = <usize>ldb << 2;
  for (let m = 0; m < M; m++) {
    const pc = c + <usize>m * (<usize>ldc << 2);
    let n = 0;
    for (; n + 4 <= N; n += 4) {
      let pa = a + <usize>m * (<usize>rsA << 2);
      let pb = b + (<usize>n << 2);
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      for (let k = 0; k < K; k++) {
        const av = load<f32>(pa);
        s0 += av * load<f32>(pb);
        s1 += av * load<f32>(pb, 4);
        s2 += av * load<f32>(pb, 8);
        s3 += av * load<f32>(pb, 12);
        pa += cs;
        pb += bs;
      }
      store<f32>(pc + (<usize>n << 2), s0);
      store<f32>(pc + (<usize>n << 2), s1, 4);
      store<f32>(pc + (<usize>n << 2), s2, 8);
      store<f32>(pc + (<usize>n << 2), s3, 12);
    }
    for (; n < N; n++) scalarDot(c, a, rsA, csA, b, ldb, ldc, K, m, n);
  }
}

