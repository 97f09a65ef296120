// C = A·B for the backward products of a dense layer, register-blocked.
//   A[m, k] at a + 4·(m·rsA + k·csA)  (strides let A be a matrix or a transposed one)
//   B[k, n] at b + 4·(k·ldb + n)      (rows contiguous along n)
//   C[m, n] at c + 4·(m·ldc + n)      (written, not accumulated)
// The SIMD body is a 4×8 block: 8 f32x4 accumulators + 2 B vectors + 4 splatted A values
// = 14 live v128, under the 16 xmm registers V8 gives wasm (more would spill).
// Tails: 4×4 and 1×8 / 1×4 blocks, then scalar. Relaxed builds fuse multiply-add.

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** C(M×N) = A(M×K)·B(K×N) with the layout above. */
export function gemm(c: usize, a: usize, rsA: i32, csA: i32, b: usize, ldb: i32, ldc: i32, M: i32, K: i32, N: i32): void {
  if (ASC_FEATURE_SIMD) {
    let m = 0;
    for (; m + 4 <= M; m += 4) {
      let n = 0;
      for (; n + 8 <= N; n += 8) block4x8(c, a, rsA, csA, b, ldb, ldc, K, m, n);
      for (; n + 4 <= N; n += 4) block4x4(c, a, rsA, csA, b, ldb, ldc, K, m, n);
      for (; n < N; n++) {
        for (let r = 0; r < 4; r++) scalarDot(c, a, rsA, csA, b, ldb, ldc, K, m + r, n);
      }
    }
    for (; m < M; m++) {
      let n = 0;
      for (; n + 8 <= N; n += 8) block1x8(c, a, rsA, csA, b, ldb, ldc, K, m, n);
      for (; n + 4 <= N; n += 4) block1x4(c, a, rsA, csA, b, ldb, ldc, K, m, n);
      for (; n < N; n++) scalarDot(c, a, rsA, csA, b, ldb, ldc, K, m, n);
    }
  } else {
    gemmScalar(c, a, rsA, csA, b, ldb, ldc, M, K, N);
  }
}

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

