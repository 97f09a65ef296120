// Dense (fully connected) layer, PyTorch layout: W is [out, in] row-major, b is [out], and
// the layer's parameters are [W b]. Shapes in comments: N = rows in the batch, I = inputs,
// O = outputs. Forward and backward sit together; each writes its outputs (=), never
// accumulates. denseLayerForward/Backward are the layer kind LAYER_DENSE of the training
// pass (pass.ts); the kernels below them are exports of their own.
import { LAYER_GRADS, LAYER_INPUTS, LAYER_OUTPUTS, LAYER_PARAMS, LAYER_Z } from "./abi";
import { layerWord } from "./descriptor";
import { gemm } from "./gemm";

/** The pass's forward of a dense layer (descriptor block `layer`): z = x·Wᵀ + b over `rows` rows. */
export function denseLayerForward(layer: usize, x: usize, rows: i32): void {
  const inDim = layerWord(layer, LAYER_INPUTS), outDim = layerWord(layer, LAYER_OUTPUTS);
  const w = <usize>layerWord(layer, LAYER_PARAMS);
  denseForward(layerWord(layer, LAYER_Z), x, w, w + (<usize>(inDim * outDim) << 2), rows, inDim, outDim);
}

/** The pass's backward of a dense layer: dW, db from dz and x; dx = dz·W unless `dx` is 0. */
export function denseLayerBackward(layer: usize, dz: usize, x: usize, dx: usize, rows: i32): void {
  const inDim = layerWord(layer, LAYER_INPUTS), outDim = layerWord(layer, LAYER_OUTPUTS);
  const dw = <usize>layerWord(layer, LAYER_GRADS);
  denseBackwardParams(dw, dw + (<usize>(inDim * outDim) << 2), dz, x, rows, inDim, outDim);
  if (dx) denseBackwardInput(dx, dz, layerWord(layer, LAYER_PARAMS), rows, inDim, outDim);
}

/**
 * y(N,O) = x(N,I) · W(O,I)ᵀ + b(O). Rows of x and W are both contiguous along I, so each
 * output is a dot product, accumulated in f32x4 lanes and reduced once at the end.
 * Blocks of 4 rows × 2 outputs keep 8 accumulators; relaxed builds use 5 × 2 (10), since
 * fused multiply-add chains need 10 to keep both FMA pipes busy (see gemm.ts).
 * Called once per layer per forward pass.
 */
export function denseForward(y: usize, x: usize, w: usize, b: usize, rows: i32, inDim: i32, outDim: i32): void {
  const inBytes = <usize>inDim << 2;
  const outBytes = <usize>outDim << 2;
  let r = 0;
  if (ASC_FEATURE_SIMD) {
    while (r + 4 <= rows) {
      // 5-row blocks once the remaining rows divide by 5; 4-row blocks make up the rest.
      const h = ASC_FEATURE_RELAXED_SIMD && (rows - r) % 5 == 0 ? 5 : 4;
      const x0 = x + <usize>r * inBytes;
      const y0 = y + <usize>r * outBytes;
      let o = 0;
      if (h == 5) {
        for (; o + 2 <= outDim; o += 2) forward5x2(y0, x0, w, b, inDim, outDim, o);
      } else {
        for (; o + 2 <= outDim; o += 2) forward4x2(y0, x0, w, b, inDim, outDim, o);
      }
      if (o < outDim) {
        for (let k = 0; k < h; k++) {
          const xr = x0 + <usize>k * inBytes;
          store<f32>(y0 + <usize>k * outBytes + (<usize>o << 2), dot(xr, w + <usize>o * inBytes, inDim) + load<f32>(b + (<usize>o << 2)));
        }
      }
      r += h;
    }
  }
  for (; r < rows; r++) forwardRow(y + <usize>r * outBytes, x + <usize>r * inBytes, w, b, inDim, outDim);
}

// The block loops below step one pointer per row by 2 vectors (offsets 0 and 16), so V8
// needs no address arithmetic per load. V8 places all loads of a basic block before its
// arithmetic, so each step ends in a branch: that keeps at most 15 v128 values live.

/** 4 rows × 2 outputs: 8 accumulators + 4 x + 2 W vectors (+1 temporary) per step. */
// @ts-ignore: decorator
@inline function forward4x2(y0: usize, x0: usize, w: usize, b: usize, inDim: i32, outDim: i32, o: i32): void {
  const inBytes = <usize>inDim << 2;
  const outBytes = <usize>outDim << 2;
  const w0 = w + <usize>o * inBytes;
  const w1 = w0 + inBytes;
  const x1 = x0 + inBytes, x2 = x1 + inBytes, x3 = x2 + inBytes;
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
  const vecBytes = <usize>(inDim & ~3) << 2;
  if (vecBytes != 0) {
    let p0 = w0, p1 = w1, q0 = x0, q1 = x1, q2 = x2, q3 = x3;
    const last = x0 + vecBytes - 16; // q0 at the last vector
    while (true) {
      let v0 = v128.load(q0), v1 = v128.load(q1), v2 = v128.load(q2), v3 = v128.load(q3);
      let wa = v128.load(p0);
      a00 = madd(v0, wa, a00); a10 = madd(v1, wa, a10); a20 = madd(v2, wa, a20); a30 = madd(v3, wa, a30);
      let wb = v128.load(p1);
      a01 = madd(v0, wb, a01); a11 = madd(v1, wb, a11); a21 = madd(v2, wb, a21); a31 = madd(v3, wb, a31);
      if (q0 == last) break;
      v0 = v128.load(q0, 16); v1 = v128.load(q1, 16); v2 = v128.load(q2, 16); v3 = v128.load(q3, 16);
      wa = v128.load(p0, 16);
      a00 = madd(v0, wa, a00); a10 = madd(v1, wa, a10); a20 = madd(v2, wa, a20); a30 = madd(v3, wa, a30);
      wb = v128.load(p1, 16);
      a01 = madd(v0, wb, a01); a11 = madd(v1, wb, a11); a21 = madd(v2, wb, a21); a31 = madd(v3, wb, a31);
      p0 += 32; p1 += 32; q0 += 32; q1 += 32; q2 += 32; q3 += 32;
      if (q0 > last) break;
    }
  }
  let s00 = hsum(a00), s01 = hsum(a01), s10 = hsum(a10), s11 = hsum(a11);
  let s20 = hsum(a20), s21 = hsum(a21), s30 = hsum(a30), s31 = hsum(a31);
  for (let i = inDim & ~3; i < inDim; i++) {
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

/**
 * Relaxed builds, 5 rows × 2 outputs: 10 accumulators + 2 W + 5 x vectors would be 17, so
 * each step is split after row 2 (2 W + 3 x, then 2 x) by the last-step test.
 */
// @ts-ignore: decorator
@inline function forward5x2(y0: usize, x0: usize, w: usize, b: usize, inDim: i32, outDim: i32, o: i32): void {
  const inBytes = <usize>inDim << 2;
  const outBytes = <usize>outDim << 2;
  const w0 = w + <usize>o * inBytes;
  const w1 = w0 + inBytes;
  const x1 = x0 + inBytes, x2 = x1 + inBytes, x3 = x2 + inBytes, x4 = x3 + inBytes;
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
  let a40 = f32x4.splat(0), a41 = f32x4.splat(0);
  const vecBytes = <usize>(inDim & ~3) << 2;
  if (vecBytes != 0) {
    let p0 = w0, p1 = w1, q0 = x0, q1 = x1, q2 = x2, q3 = x3, q4 = x4;
    const last = x0 + vecBytes - 16; // q0 at the last vector
    while (true) {
      let wa = v128.load(p0), wb = v128.load(p1);
      let v = v128.load(q0);
      a00 = madd(v, wa, a00); a01 = madd(v, wb, a01);
      v = v128.load(q1);
      a10 = madd(v, wa, a10); a11 = madd(v, wb, a11);
      v = v128.load(q2);
      a20 = madd(v, wa, a20); a21 = madd(v, wb, a21);
      if (q0 == last) {
        v = v128.load(q3);
        a30 = madd(v, wa, a30); a31 = madd(v, wb, a31);
        v = v128.load(q4);
        a40 = madd(v, wa, a40); a41 = madd(v, wb, a41);
        break;
      }
      v = v128.load(q3);
      a30 = madd(v, wa, a30); a31 = madd(v, wb, a31);
      v = v128.load(q4);
      a40 = madd(v, wa, a40); a41 = madd(v, wb, a41);
      if (q0 > last) break; // never taken: only ends the block (the test above exits first)
      wa = v128.load(p0, 16); wb = v128.load(p1, 16);
      v = v128.load(q0, 16);
      a00 = madd(v, wa, a00); a01 = madd(v, wb, a01);
      v = v128.load(q1, 16);
      a10 = madd(v, wa, a10); a11 = madd(v, wb, a11);
      v = v128.load(q2, 16);
      a20 = madd(v, wa, a20); a21 = madd(v, wb, a21);
      if (q0 + 16 == last) {
        v = v128.load(q3, 16);
        a30 = madd(v, wa, a30); a31 = madd(v, wb, a31);
        v = v128.load(q4, 16);
        a40 = madd(v, wa, a40); a41 = madd(v, wb, a41);
        break;
      }
      v = v128.load(q3, 16);
      a30 = madd(v, wa, a30); a31 = madd(v, wb, a31);
      v = v128.load(q4, 16);
      a40 = madd(v, wa, a40); a41 = madd(v, wb, a41);
      p0 += 32; p1 += 32; q0 += 32; q1 += 32; q2 += 32; q3 += 32; q4 += 32;
      if (q0 > last) break;
    }
  }
  let s00 = hsum(a00), s01 = hsum(a01), s10 = hsum(a10), s11 = hsum(a11);
  let s20 = hsum(a20), s21 = hsum(a21), s30 = hsum(a30), s31 = hsum(a31);
  let s40 = hsum(a40), s41 = hsum(a41);
  for (let i = inDim & ~3; i < inDim; i++) {
    const off = <usize>i << 2;
    const wa = load<f32>(w0 + off), wb = load<f32>(w1 + off);
    const v0 = load<f32>(x0 + off), v1 = load<f32>(x1 + off), v2 = load<f32>(x2 + off);
    const v3 = load<f32>(x3 + off), v4 = load<f32>(x4 + off);
    s00 += v0 * wa; s01 += v0 * wb; s10 += v1 * wa; s11 += v1 * wb;
    s20 += v2 * wa; s21 += v2 * wb; s30 += v3 * wa; s31 += v3 * wb;
    s40 += v4 * wa; s41 += v4 * wb;
  }
  const ob = <usize>o << 2;
  const b0 = load<f32>(b + ob), b1 = load<f32>(b + ob, 4);
  const py = y0 + ob;
  store<f32>(py, s00 + b0); store<f32>(py, s01 + b1, 4);
  store<f32>(py + outBytes, s10 + b0); store<f32>(py + outBytes, s11 + b1, 4);
  store<f32>(py + 2 * outBytes, s20 + b0); store<f32>(py + 2 * outBytes, s21 + b1, 4);
  store<f32>(py + 3 * outBytes, s30 + b0); store<f32>(py + 3 * outBytes, s31 + b1, 4);
  store<f32>(py + 4 * outBytes, s40 + b0); store<f32>(py + 4 * outBytes, s41 + b1, 4);
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
