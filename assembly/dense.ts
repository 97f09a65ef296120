// Dense (fully connected) layer, PyTorch layout: W is [out, in] row-major, b is [out].
// Shapes in comments: N = rows in the batch, I = inputs, O = outputs.
// Forward and backward sit together; each writes its outputs (=), never accumulates.
import { gemm } from "./gemm";

/**
 * y(N,O) = x(N,I) · W(O,I)ᵀ + b(O). Rows of x and W are both contiguous along I, so each
 * output is a dot product: blocks of 4 rows × 2 outputs keep 8 f32x4 accumulators (plus
 * 4 x vectors and 1 W vector: 13 live v128) and reduce them once at the end.
 * Called once per layer per forward pass.
 */
export function denseForward(y: usize, x: usize, w: usize, b: usize, rows: i32, inDim: i32, outDim: i32): void {
  const inBytes = <usize>inDim << 2;
  const outBytes = <usize>outDim << 2;
  let r = 0;
  if (ASC_FEATURE_SIMD) {
    for (; r + 4 <= rows; r += 4) {
      const x0 = x + <usize>r * inBytes;
      const y0 = y + <usize>r * outBytes;
      let o = 0;
      for (; o + 2 <= outDim; o += 2) forward4x2(y0, x0, w, b, inDim, outDim, o);
      if (o < outDim) {
        for (let k = 0; k < 4; k++) {
          const xr = x0 + <usize>k * inBytes;
          store<f32>(y0 + <usize>k * outBytes + (<usize>o << 2), dot(xr, w + <usize>o * inBytes, inDim) + load<f32>(b + (<usize>o << 2)));
        }
      }
    }
  }
  for (; r < rows; r++) forwardRow(y + <usize>r * outBytes, x + <usize>r * inBytes, w, b, inDim, outDim);
}

// @ts-ignore: decorator
@inline function forward4x2(y0: usize, x0: usize, w: usize, b: usize, inDim: i32, outDim: i32, o: i32): void {
  const inBytes = <usize>inDim << 2;
  const outBytes = <usize>outDim << 2;
  const w0 = w + <usize>o * inBytes;
  const w1 = w0 + inBytes;
  const x1 = x0 + inBytes, x2 = x1 + inBytes, x3 = x2 + inBytes;
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= inDim; i += 4) {
    const off = <usize>i << 2;
    const v0 = v128.load(x0 + off), v1 = v128.load(x1 + off), v2 = v128.load(x2 + off), v3 = v128.load(x3 + off);
    const wa = v128.load(w0 + off);
    a00 = madd(v0, wa, a00); a10 = madd(v1, wa, a10); a20 = madd(v2, wa, a20); a30 = madd(v3, wa, a30);
    const wb = v128.load(w1 + off);
    a01 = madd(v0, wb, a01); a11 = madd(v1, wb, a11); a21 = madd(v2, wb, a21); a31 = madd(v3, wb, a31);
  }
  let s00 = hsum(a00), s01 = hsum(a01), s10 = hsum(a10), s11 = hsum(a11);
  let s20 = hsum(a20), s21 = hsum(a21), s30 = hsum(a30), s31 = hsum(a31);
  for (; i < inDim; i++) {
    const off = <usize>i << 2;
    const wa = load<f32>(w0 + off), wb = load<f32>(w1 + off);
    const v0 = load<f32>(x0 + off), v1 = load<f32>(x1 + off), v2 = load<f32>(x2 + off), v3 = load<f32>(x3 + off);
    s00 += v0 * wa; s01 += v0 * wb; s10 += v1 * wa; s11 += v1 * wb;
    s20 += v2 * wa; s21 += v2 * wb; s30 += v3 * wa; s31 += v3 * wb;
  }
  const ob = <usize>o << 2;
  const b0 = load<f32>(b + ob), b1 = load<f32>(b + ob, 4);
  const py = y0 + ob;
  store<f32>(py, s00 + b0); store<f32>(py, s01 + b1, 4);
  store<f32>(py + outBytes, s10 + b0); store<f32>(py + outBytes, s11 + b1, 4);
  store<f32>(py + 2 * outBytes, s20 + b0); store<f32>(py + 2 * outBytes, s21 + b1, 4);
  store<f32>(py + 3 * outBytes, s30 + b0); store<f32>(py + 3 * outBytes, s31 + b1, 4);
}

/** One row: four outputs at a time share each load of x. */
function forwardRow(yr: usize, xr: usize, w: usize, b: usize, inDim: i32, outDim: i32): void {
  const inBytes = <usize>inDim << 2;
  let o = 0;
  for (; o + 4 <= outDim; o += 4) {
    const w0 = w + <usize>o * inBytes;
    const w1 = w0 + inBytes, w2 = w1 + inBytes, w3 = w2 + inBytes;
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      for (; i + 4 <= inDim; i += 4) {
        const off = <usize>i << 2;
        const xv = v128.load(xr + off);
        a0 = madd(xv, v128.load(w0 + off), a0);
        a1 = madd(xv, v128.load(w1 + off), a1);
        a2 = madd(xv, v128.load(w2 + off), a2);
        a3 = madd(xv, v128.load(w3 + off), a3);
      }
      s0 = hsum(a0); s1 = hsum(a1); s2 = hsum(a2); s3 = hsum(a3);
    }
    for (; i < inDim; i++) {
      const off = <usize>i << 2;
      const xv = load<f32>(xr + off);
      s0 += xv * load<f32>(w0 + off);
      s1 += xv * load<f32>(w1 + off);
      s2 += xv * load<f32>(w2 + off);
      s3 += xv * load<f32>(w3 + off);
    }
    const ob = <usize>o << 2;
    store<f32>(yr + ob, s0 + load<f32>(b + ob));
    store<f32>(yr + ob, s1 + load<f32>(b + ob, 4), 4);
    store<f32>(yr + ob, s2 + load<f32>(b + ob, 8), 8);
    store<f32>(yr + ob, s3 + load<f32>(b + ob, 12), 12);
  }
  for (; o < outDim; o++) {
    store<f32>(yr + (<usize>o << 2), dot(xr, w + <usize>o * inBytes, inDim) + load<f32>(b + (<usize>o << 2)));
  }
}

/** dx(N,I) = dy(N,O) · W(O,I). Skipped by the host for the first layer. */
export function denseBackwardInput(dx: usize, dy: usize, w: usize, rows: i32, inDim: i32, outDim: i32): void {
  gemm(dx, dy, outDim, 1, w, inDim, inDim, rows, outDim, inDim);
}

/** dW(O,I) = dy(N,O)ᵀ · x(N,I) and db(O) = Σₙ dy(n,·). */
export function denseBackwardParams(dw: usize, db: usize, dy: usize, x: usize, rows: i32, inDim: i32, outDim: i32): void {
  gemm(dw, dy, 1, outDim, x, inDim, inDim, outDim, rows, inDim);
  columnSums(db, dy, rows, outDim);
}

/** out(C) = Σ over rows of m(R,C). */
function columnSums(out: usize, m: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    for (; c + 4 <= cols; c += 4) {
      let s = f32x4.splat(0);
      let p = m + (<usize>c << 2);
      for (let r = 0; r < rows; r++) {
        s = f32x4.add(s, v128.load(p));
        p += rowBytes;
      }
      v128.store(out + (<usize>c << 2), s);
    }
  }
  for (; c < cols; c++) {
    let s: f32 = 0;
    let p = m + (<usize>c << 2);
    for (let r = 0; r < rows; r++) {
      s += load<f32>(p);
      p += rowBytes;
    }
    store<f32>(out + (<usize>c << 2), s);
  }
}

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Σ a[i]·b[i] over n f32 values. */
function dot(a: usize, b: usize, n: i32): f32 {
  let s: f32 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      acc = madd(v128.load(a + off), v128.load(b + off), acc);
    }
    s = hsum(acc);
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    s += load<f32>(a + off) * load<f32>(b + off);
  }
  return s;
}
