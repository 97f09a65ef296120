// 2-D max and average pooling (LAYER_MAXPOOL2D, LAYER_AVGPOOL2D) over rows of [C, H, W]: each
// of a row's C planes of H×W is pooled on its own, so a pass pools rows·C planes in memory
// order. ATen's CPU kernels (PyTorch 1.13, contiguous NCHW) are the specification, down to
// the window's scan order, the tie and NaN rules, the divisors and the order of every f32
// addition, so outputs and gradients are PyTorch's bit for bit.
//
// Planes: x (H, W), z (OH, OW), the max's argmax (OH, OW) as i32 indices into x's plane, and
// dx (H, W). The common windows — 2 or 3 columns wide, stride 2 across, no dilation across —
// take four outputs per step in f32x4 lanes wherever their columns lie inside the input; a
// lane computes what the scalar code computes for its output, in the same order.
import {
  AVGPOOL2D_CHANNELS, AVGPOOL2D_COUNT_INCLUDE_PAD, AVGPOOL2D_IN_HEIGHT, AVGPOOL2D_IN_WIDTH, AVGPOOL2D_KERNEL_HEIGHT,
  AVGPOOL2D_KERNEL_WIDTH, AVGPOOL2D_OUT_HEIGHT, AVGPOOL2D_OUT_WIDTH, AVGPOOL2D_PAD_HEIGHT, AVGPOOL2D_PAD_WIDTH,
  AVGPOOL2D_STRIDE_HEIGHT, AVGPOOL2D_STRIDE_WIDTH, LAYER_SCRATCH, LAYER_Z, MAXPOOL2D_CHANNELS, MAXPOOL2D_DILATION_HEIGHT,
  MAXPOOL2D_DILATION_WIDTH, MAXPOOL2D_IN_HEIGHT, MAXPOOL2D_IN_WIDTH, MAXPOOL2D_KERNEL_HEIGHT, MAXPOOL2D_KERNEL_WIDTH,
  MAXPOOL2D_OUT_HEIGHT, MAXPOOL2D_OUT_WIDTH, MAXPOOL2D_PAD_HEIGHT, MAXPOOL2D_PAD_WIDTH, MAXPOOL2D_STRIDE_HEIGHT,
  MAXPOOL2D_STRIDE_WIDTH,
} from "./abi";
import { layerWord } from "./descriptor";

// ---- The window along one dimension.

/** The first tap at or after 0 of a window starting at `start` whose taps are `d` apart. */
// @ts-ignore: decorator
@inline function firstTap(start: i32, d: i32): i32 {
  return start >= 0 ? start : start + ((d - 1 - start) / d) * d;
}

/**
 * One past the last output whose window (k wide, stride 2, pad p) lies inside [0, size), for
 * the four-lane steps; those steps start at ceil(p / 2).
 */
// @ts-ignore: decorator
@inline function insideEnd(size: i32, k: i32, p: i32, out: i32): i32 {
  const room = size + p - k;
  return room < 0 ? 0 : min(out, room / 2 + 1);
}

/** Whether four outputs at a time can be taken across: 2 or 3 columns, stride 2, no dilation. */
// @ts-ignore: decorator
@inline function lanesAcross(kW: i32, sW: i32, dW: i32): bool {
  return ASC_FEATURE_SIMD && sW == 2 && dW == 1 && (kW == 2 || kW == 3);
}

// ---- Max pooling.

/** The pass's forward of a maxpool2d layer: z and the argmax (the layer's scratch) from x. */
export function maxPool2dLayerForward(layer: usize, x: usize, rows: i32): void {
  const C = layerWord(layer, MAXPOOL2D_CHANNELS);
  const H = layerWord(layer, MAXPOOL2D_IN_HEIGHT), W = layerWord(layer, MAXPOOL2D_IN_WIDTH);
  const OH = layerWord(layer, MAXPOOL2D_OUT_HEIGHT), OW = layerWord(layer, MAXPOOL2D_OUT_WIDTH);
  const kH = layerWord(layer, MAXPOOL2D_KERNEL_HEIGHT), kW = layerWord(layer, MAXPOOL2D_KERNEL_WIDTH);
  const sH = layerWord(layer, MAXPOOL2D_STRIDE_HEIGHT), sW = layerWord(layer, MAXPOOL2D_STRIDE_WIDTH);
  const pH = layerWord(layer, MAXPOOL2D_PAD_HEIGHT), pW = layerWord(layer, MAXPOOL2D_PAD_WIDTH);
  const dH = layerWord(layer, MAXPOOL2D_DILATION_HEIGHT), dW = layerWord(layer, MAXPOOL2D_DILATION_WIDTH);
  const inBytes = <usize>(H * W) << 2, outBytes = <usize>(OH * OW) << 2;
  let z = <usize>layerWord(layer, LAYER_Z), arg = <usize>layerWord(layer, LAYER_SCRATCH);
  const planes = rows * C;
  for (let p = 0; p < planes; p++) {
    maxPlane(z, arg, x, H, W, OH, OW, kH, kW, sH, sW, pH, pW, dH, dW);
    z += outBytes;
    arg += outBytes;
    x += inBytes;
  }
}

/**
 * z(OH,OW) and argmax(OH,OW) of one plane x(H,W). Padding is implicit −∞: only taps inside
 * the plane are read. A window with no tap inside (the host refuses layers that have one)
 * gives −∞ and index −1, which the backward skips.
 */
function maxPlane(z: usize, arg: usize, x: usize, H: i32, W: i32, OH: i32, OW: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32): void {
  const lanes = lanesAcross(kW, sW, dW);
  const lo = (pW + 1) >> 1, hi = insideEnd(W, kW, pW, OW);
  for (let oh = 0; oh < OH; oh++) {
    const h0 = oh * sH - pH;
    const hs = firstTap(h0, dH), he = min(h0 + (kH - 1) * dH + 1, H);
    const zr = z + (<usize>(oh * OW) << 2), ar = arg + (<usize>(oh * OW) << 2);
    let ow = 0;
    // (A constant test first, so the scalar build never sees the lanes.)
    if (ASC_FEATURE_SIMD) {
      if (lanes && hs < he && hi - lo >= 4) {
        for (; ow < lo; ow++) maxOne(zr + (<usize>ow << 2), ar + (<usize>ow << 2), x, W, hs, he, dH, ow * sW - pW, kW, dW);
        for (; ow + 4 <= hi; ow += 4) maxFour(zr + (<usize>ow << 2), ar + (<usize>ow << 2), x, W, hs, he, dH, 2 * ow - pW, kW);
      }
    }
    for (; ow < OW; ow++) maxOne(zr + (<usize>ow << 2), ar + (<usize>ow << 2), x, W, hs, he, dH, ow * sW - pW, kW, dW);
  }
}

/**
 * One output: rows hs, hs + dH, … < he of the window starting at column w0. ATen's rule: a
 * value replaces the maximum if it is greater or NaN, so the first maximum wins a tie and the
 * last NaN wins over everything; the index starts at the window's first tap (all −∞ keeps it).
 */
// @ts-ignore: decorator
@inline function maxOne(zp: usize, ap: usize, x: usize, W: i32, hs: i32, he: i32, dH: i32, w0: i32, kW: i32, dW: i32): void {
  const ws = firstTap(w0, dW), we = min(w0 + (kW - 1) * dW + 1, W);
  let m: f32 = -Infinity;
  let at = hs * W + ws;
  if (hs >= he || ws >= we) at = -1;
  for (let ih = hs; ih < he; ih += dH) {
    const row = x + (<usize>(ih * W) << 2);
    for (let iw = ws; iw < we; iw += dW) {
      const v = load<f32>(row + (<usize>iw << 2));
      if (v > m || v != v) {
        m = v;
        at = ih * W + iw;
      }
    }
  }
  store<f32>(zp, m);
  store<i32>(ap, at);
}

/**
 * Four outputs whose windows start at columns c0, c0 + 2, c0 + 4, c0 + 6, all inside the
 * plane (kW = 2 reads columns c0…c0 + 7, kW = 3 c0…c0 + 8). Each lane runs maxOne's scan.
 */
// @ts-ignore: decorator
@inline function maxFour(zp: usize, ap: usize, x: usize, W: i32, hs: i32, he: i32, dH: i32, c0: i32, kW: i32): void {
  const lane = i32x4(0, 2, 4, 6);
  let m = f32x4.splat(-Infinity);
  let at = i32x4.add(i32x4.splat(hs * W + c0), lane);
  for (let ih = hs; ih < he; ih += dH) {
    const p = x + (<usize>(ih * W + c0) << 2);
    const a = v128.load(p), b = v128.load(p, 16);
    const i0 = i32x4.add(i32x4.splat(ih * W + c0), lane);
    let v = f32x4.shuffle(a, b, 0, 2, 4, 6);
    let take = v128.or(f32x4.gt(v, m), f32x4.ne(v, v));
    m = v128.bitselect(v, m, take);
    at = v128.bitselect(i0, at, take);
    v = f32x4.shuffle(a, b, 1, 3, 5, 7);
    take = v128.or(f32x4.gt(v, m), f32x4.ne(v, v));
    m = v128.bitselect(v, m, take);
    at = v128.bitselect(i32x4.add(i0, i32x4.splat(1)), at, take);
    if (kW == 3) {
      v = f32x4.shuffle(v128.load(p, 4), v128.load(p, 20), 1, 3, 5, 7);
      take = v128.or(f32x4.gt(v, m), f32x4.ne(v, v));
      m = v128.bitselect(v, m, take);
      at = v128.bitselect(i32x4.add(i0, i32x4.splat(2)), at, take);
    }
  }
  v128.store(zp, m);
  v128.store(ap, at);
}

/** The pass's backward of a maxpool2d layer: dx = 0, then each dz added at its output's argmax. */
export function maxPool2dLayerBackward(layer: usize, dz: usize, x: usize, dx: usize, rows: i32): void {
  if (!dx) return;
  const C = layerWord(layer, MAXPOOL2D_CHANNELS);
  const inCount = layerWord(layer, MAXPOOL2D_IN_HEIGHT) * layerWord(layer, MAXPOOL2D_IN_WIDTH);
  const outCount = layerWord(layer, MAXPOOL2D_OUT_HEIGHT) * layerWord(layer, MAXPOOL2D_OUT_WIDTH);
  const planes = rows * C;
  memory.fill(dx, 0, <usize>planes * (<usize>inCount << 2));
  let arg = <usize>layerWord(layer, LAYER_SCRATCH);
  // Outputs in order, as ATen adds them: overlapping windows sum their gradients in that order.
  for (let p = 0; p < planes; p++) {
    for (let o = 0; o < outCount; o++) {
      const at = load<i32>(arg + (<usize>o << 2));
      if (at >= 0) {
        const q = dx + (<usize>at << 2);
        store<f32>(q, load<f32>(q) + load<f32>(dz + (<usize>o << 2)));
      }
    }
    arg += <usize>outCount << 2;
    dz += <usize>outCount << 2;
    dx += <usize>inCount << 2;
  }
}

// ---- Average pooling.

/** The pass's forward of an avgpool2d layer: z from x. */
export function avgPool2dLayerForward(layer: usize, x: usize, rows: i32): void {
  const C = layerWord(layer, AVGPOOL2D_CHANNELS);
  const H = layerWord(layer, AVGPOOL2D_IN_HEIGHT), W = layerWord(layer, AVGPOOL2D_IN_WIDTH);
  const OH = layerWord(layer, AVGPOOL2D_OUT_HEIGHT), OW = layerWord(layer, AVGPOOL2D_OUT_WIDTH);
  const kH = layerWord(layer, AVGPOOL2D_KERNEL_HEIGHT), kW = layerWord(layer, AVGPOOL2D_KERNEL_WIDTH);
  const sH = layerWord(layer, AVGPOOL2D_STRIDE_HEIGHT), sW = layerWord(layer, AVGPOOL2D_STRIDE_WIDTH);
  const pH = layerWord(layer, AVGPOOL2D_PAD_HEIGHT), pW = layerWord(layer, AVGPOOL2D_PAD_WIDTH);
  const withPad = layerWord(layer, AVGPOOL2D_COUNT_INCLUDE_PAD) != 0;
  const inBytes = <usize>(H * W) << 2, outBytes = <usize>(OH * OW) << 2;
  let z = <usize>layerWord(layer, LAYER_Z);
  const planes = rows * C;
  for (let p = 0; p < planes; p++) {
    avgPlane(z, x, H, W, OH, OW, kH, kW, sH, sW, pH, pW, withPad);
    z += outBytes;
    x += inBytes;
  }
}

/**
 * z(OH,OW) of one plane x(H,W). ATen's divisor: with countIncludePad, the window clipped to the
 * padded input (ceil mode's last window can reach past it), else the taps inside the input.
 * Its arithmetic: an f32 sum from 0 in scan order, divided (not multiplied by a reciprocal)
 * by the divisor, added to the zeroed output (so −0 comes out as +0). An empty window gives 0.
 */
function avgPlane(z: usize, x: usize, H: i32, W: i32, OH: i32, OW: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, withPad: bool): void {
  const lanes = lanesAcross(kW, sW, 1);
  const lo = (pW + 1) >> 1, hi = insideEnd(W, kW, pW, OW);
  for (let oh = 0; oh < OH; oh++) {
    const h0 = oh * sH - pH;
    const h1 = min(h0 + kH, H + pH);
    const hs = max(h0, 0), he = min(h1, H);
    const padRows = h1 - h0;
    const zr = z + (<usize>(oh * OW) << 2);
    let ow = 0;
    if (ASC_FEATURE_SIMD) {
      if (lanes && hs < he && hi - lo >= 4) {
        for (; ow < lo; ow++) avgOne(zr + (<usize>ow << 2), x, W, hs, he, padRows, ow * sW - pW, kW, pW, withPad);
        // Inside the input across, both divisors count kW columns.
        const divisor = <f32>((withPad ? padRows : he - hs) * kW);
        for (; ow + 4 <= hi; ow += 4) avgFour(zr + (<usize>ow << 2), x, W, hs, he, 2 * ow - pW, kW, divisor);
      }
    }
    for (; ow < OW; ow++) avgOne(zr + (<usize>ow << 2), x, W, hs, he, padRows, ow * sW - pW, kW, pW, withPad);
  }
}

/** One output: rows hs…he − 1 of the window starting at column w0 (padRows: its rows in the padded input). */
// @ts-ignore: decorator
@inline function avgOne(zp: usize, x: usize, W: i32, hs: i32, he: i32, padRows: i32, w0: i32, kW: i32, pW: i32, withPad: bool): void {
  const w1 = min(w0 + kW, W + pW);
  const ws = max(w0, 0), we = min(w1, W);
  if (hs >= he || ws >= we) {
    store<f32>(zp, 0);
    return;
  }
  const divisor = withPad ? padRows * (w1 - w0) : (he - hs) * (we - ws);
  let sum: f32 = 0;
  for (let ih = hs; ih < he; ih++) {
    const row = x + (<usize>(ih * W) << 2);
    for (let iw = ws; iw < we; iw++) sum += load<f32>(row + (<usize>iw << 2));
  }
  store<f32>(zp, <f32>0 + sum / <f32>divisor);
}

/** Four outputs whose windows start at columns c0, c0 + 2, c0 + 4, c0 + 6, all inside the plane. */
// @ts-ignore: decorator
@inline function avgFour(zp: usize, x: usize, W: i32, hs: i32, he: i32, c0: i32, kW: i32, divisor: f32): void {
  let sum = f32x4.splat(0);
  for (let ih = hs; ih < he; ih++) {
    const p = x + (<usize>(ih * W + c0) << 2);
    const a = v128.load(p), b = v128.load(p, 16);
    sum = f32x4.add(sum, f32x4.shuffle(a, b, 0, 2, 4, 6));
    sum = f32x4.add(sum, f32x4.shuffle(a, b, 1, 3, 5, 7));
    if (kW == 3) sum = f32x4.add(sum, f32x4.shuffle(v128.load(p, 4), v128.load(p, 20), 1, 3, 5, 7));
  }
  v128.store(zp, f32x4.add(f32x4.splat(0), f32x4.div(sum, f32x4.splat(divisor))));
}

/** The pass's backward of an avgpool2d layer: dx = 0, then each dz / divisor added over its window. */
export function avgPool2dLayerBackward(layer: usize, dz: usize, x: usize, dx: usize, rows: i32): void {
  if (!dx) return;
  const C = layerWord(layer, AVGPOOL2D_CHANNELS);
  const H = layerWord(layer, AVGPOOL2D_IN_HEIGHT), W = layerWord(layer, AVGPOOL2D_IN_WIDTH);
  const OH = layerWord(layer, AVGPOOL2D_OUT_HEIGHT), OW = layerWord(layer, AVGPOOL2D_OUT_WIDTH);
  const kH = layerWord(layer, AVGPOOL2D_KERNEL_HEIGHT), kW = layerWord(layer, AVGPOOL2D_KERNEL_WIDTH);
  const sH = layerWord(layer, AVGPOOL2D_STRIDE_HEIGHT), sW = layerWord(layer, AVGPOOL2D_STRIDE_WIDTH);
  const pH = layerWord(layer, AVGPOOL2D_PAD_HEIGHT), pW = layerWord(layer, AVGPOOL2D_PAD_WIDTH);
  const withPad = layerWord(layer, AVGPOOL2D_COUNT_INCLUDE_PAD) != 0;
  const inBytes = <usize>(H * W) << 2, outBytes = <usize>(OH * OW) << 2;
  const planes = rows * C;
  memory.fill(dx, 0, <usize>planes * inBytes);
  for (let p = 0; p < planes; p++) {
    avgPlaneBackward(dx, dz, H, W, OH, OW, kH, kW, sH, sW, pH, pW, withPad);
    dz += outBytes;
    dx += inBytes;
  }
}

/** dx(H,W) += each output's dz / divisor over its window, outputs in order (ATen's order of additions). */
function avgPlaneBackward(dx: usize, dz: usize, H: i32, W: i32, OH: i32, OW: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, withPad: bool): void {
  for (let oh = 0; oh < OH; oh++) {
    const h0 = oh * sH - pH;
    const h1 = min(h0 + kH, H + pH);
    const hs = max(h0, 0), he = min(h1, H);
    const padRows = h1 - h0;
    for (let ow = 0; ow < OW; ow++) {
      const w0 = ow * sW - pW;
      const w1 = min(w0 + kW, W + pW);
      const ws = max(w0, 0), we = min(w1, W);
      if (hs >= he || ws >= we) continue;
      const divisor = withPad ? padRows * (w1 - w0) : (he - hs) * (we - ws);
      const g = load<f32>(dz + (<usize>(oh * OW + ow) << 2)) / <f32>divisor;
      for (let ih = hs; ih < he; ih++) {
        const row = dx + (<usize>(ih * W) << 2);
        for (let iw = ws; iw < we; iw++) {
          const q = row + (<usize>iw << 2);
          store<f32>(q, load<f32>(q) + g);
        }
      }
    }
  }
}
