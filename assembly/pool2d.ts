// 2-D max and average pooling (LAYER_MAXPOOL2D, LAYER_AVGPOOL2D) over rows of [C, H, W]: each
// of a row's C planes of H×W is pooled on its own, so a pass pools rows·C planes in memory
// order. ATen's CPU kernels (PyTorch 1.13, contiguous NCHW) are the specification, down to
// the window's scan order, the tie and NaN rules, the divisors and the order of every f32
// addition, so outputs and gradients are PyTorch's bit for bit.
//
// Planes: x (H, W), z (OH, OW), the max's argmax (OH, OW) as i32 indices into x's plane, and
// dx (H, W). Forward, windows at stride 1 or 2 across (2×2 and 3×3 at stride 2 the common
// ones) take four outputs per step in f32x4 lanes wherever their columns lie inside the input;
// a lane computes what the scalar code computes for its output, in the same order.
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
 * One past the last output whose window (`span` = (k − 1)·d + 1 wide, stride s, padding p) lies
 * inside [0, size); the first such output is ceil(p / s).
 */
// @ts-ignore: decorator
@inline function insideEnd(size: i32, span: i32, s: i32, p: i32, out: i32): i32 {
  const room = size + p - span;
  return room < 0 ? 0 : min(out, room / s + 1);
}

/**
 * Whether four outputs at a time can be taken across: stride 1, or stride 2 with a window wider
 * than one column (tapsAt's first tap reads 8 columns, which the fourth window must reach).
 */
// @ts-ignore: decorator
@inline function lanesAcross(kW: i32, sW: i32, dW: i32): bool {
  return ASC_FEATURE_SIMD && (sW == 1 || (sW == 2 && (kW - 1) * dW >= 1));
}

/**
 * The tap `off` columns into four windows whose first columns are p, p + s, p + 2s, p + 3s
 * (s = sW, 1 or 2). At stride 2 a tap is every other column of 8, taken from the pair of loads
 * that ends at the fourth window's tap, so nothing past the last window is read.
 */
// @ts-ignore: decorator
@inline function tapsAt(p: usize, off: i32, sW: i32): v128 {
  if (sW == 1) return v128.load(p + (<usize>off << 2));
  if (off == 0) return f32x4.shuffle(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
  const q = p + (<usize>(off - 1) << 2);
  return f32x4.shuffle(v128.load(q), v128.load(q, 16), 1, 3, 5, 7);
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
  const lo = (pW + sW - 1) / sW, hi = insideEnd(W, (kW - 1) * dW + 1, sW, pW, OW);
  for (let oh = 0; oh < OH; oh++) {
    const h0 = oh * sH - pH;
    const hs = firstTap(h0, dH), he = min(h0 + (kH - 1) * dH + 1, H);
    const zr = z + (<usize>(oh * OW) << 2), ar = arg + (<usize>(oh * OW) << 2);
    let ow = 0;
    // (A constant test first, so the scalar build never sees the lanes.)
    if (ASC_FEATURE_SIMD) {
      if (lanes && hs < he && hi - lo >= 4) {
        for (; ow < lo; ow++) maxOne(zr + (<usize>ow << 2), ar + (<usize>ow << 2), x, W, hs, he, dH, ow * sW - pW, kW, dW);
        for (; ow + 4 <= hi; ow += 4) maxFour(zr + (<usize>ow << 2), ar + (<usize>ow << 2), x, W, hs, he, dH, ow * sW - pW, kW, sW, dW);
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
      // Integer masks, not a branch (V8 branches on an f32 select): the comparison is a coin toss.
      const take = -(<i32>(v > m) | <i32>(v != v));
      m = reinterpret<f32>((reinterpret<i32>(v) & take) | (reinterpret<i32>(m) & ~take));
      at = ((ih * W + iw) & take) | (at & ~take);
    }
  }
  store<f32>(zp, m);
  store<i32>(ap, at);
}

/** Four outputs whose windows start at columns c0 + j·sW (j = 0…3), inside the plane. Each lane runs maxOne's scan. */
// @ts-ignore: decorator
@inline function maxFour(zp: usize, ap: usize, x: usize, W: i32, hs: i32, he: i32, dH: i32, c0: i32, kW: i32, sW: i32, dW: i32): void {
  const lane = sW == 1 ? i32x4(0, 1, 2, 3) : i32x4(0, 2, 4, 6);
  let m = f32x4.splat(-Infinity);
  let at = i32x4.add(i32x4.splat(hs * W + c0), lane);
  for (let ih = hs; ih < he; ih += dH) {
    const p = x + (<usize>(ih * W + c0) << 2);
    const first = i32x4.add(i32x4.splat(ih * W + c0), lane);
    for (let off = 0, end = kW * dW; off < end; off += dW) {
      const v = tapsAt(p, off, sW);
      const take = v128.or(f32x4.gt(v, m), f32x4.ne(v, v));
      m = v128.bitselect(v, m, take);
      at = v128.bitselect(i32x4.add(first, i32x4.splat(off)), at, take);
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
  const lo = (pW + sW - 1) / sW, hi = insideEnd(W, kW, sW, pW, OW);
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
        for (; ow + 4 <= hi; ow += 4) avgFour(zr + (<usize>ow << 2), x, W, hs, he, ow * sW - pW, kW, sW, divisor);
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

/** Four outputs whose windows start at columns c0 + j·sW (j = 0…3), inside the plane. Each lane runs avgOne's sum. */
// @ts-ignore: decorator
@inline function avgFour(zp: usize, x: usize, W: i32, hs: i32, he: i32, c0: i32, kW: i32, sW: i32, divisor: f32): void {
  let sum = f32x4.splat(0);
  for (let ih = hs; ih < he; ih++) {
    const p = x + (<usize>(ih * W + c0) << 2);
    for (let off = 0; off < kW; off++) sum = f32x4.add(sum, tapsAt(p, off, sW));
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

/**
 * dx(H,W) += each output's dz / divisor over its window, outputs in order (ATen's order of
 * additions). Windows 2 wide at stride 2 that overlap no other window (rows too) take four
 * outputs per step: each of their elements gets one share, so 0 + share is stored outright.
 */
function avgPlaneBackward(dx: usize, dz: usize, H: i32, W: i32, OH: i32, OW: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, withPad: bool): void {
  const lanes = ASC_FEATURE_SIMD && kW == 2 && sW == 2 && sH >= kH;
  const lo = (pW + 1) >> 1, hi = insideEnd(W, 2, 2, pW, OW);
  for (let oh = 0; oh < OH; oh++) {
    const h0 = oh * sH - pH;
    const h1 = min(h0 + kH, H + pH);
    const hs = max(h0, 0), he = min(h1, H);
    const padRows = h1 - h0;
    const dzr = dz + (<usize>(oh * OW) << 2);
    let ow = 0;
    if (ASC_FEATURE_SIMD) {
      if (lanes && hs < he && hi - lo >= 4) {
        for (; ow < lo; ow++) avgOneBackward(dx, dzr + (<usize>ow << 2), W, hs, he, padRows, ow * sW - pW, kW, pW, withPad);
        const divisor = f32x4.splat(<f32>((withPad ? padRows : he - hs) * 2));
        for (; ow + 4 <= hi; ow += 4) {
          const share = f32x4.add(f32x4.splat(0), f32x4.div(v128.load(dzr + (<usize>ow << 2)), divisor));
          const left = f32x4.shuffle(share, share, 0, 0, 1, 1), right = f32x4.shuffle(share, share, 2, 2, 3, 3);
          for (let ih = hs; ih < he; ih++) {
            const q = dx + (<usize>(ih * W + 2 * ow - pW) << 2);
            v128.store(q, left);
            v128.store(q, right, 16);
          }
        }
      }
    }
    for (; ow < OW; ow++) avgOneBackward(dx, dzr + (<usize>ow << 2), W, hs, he, padRows, ow * sW - pW, kW, pW, withPad);
  }
}

/** One output's share added over its window (rows hs…he − 1, starting at column w0). */
// @ts-ignore: decorator
@inline function avgOneBackward(dx: usize, dzp: usize, W: i32, hs: i32, he: i32, padRows: i32, w0: i32, kW: i32, pW: i32, withPad: bool): void {
  const w1 = min(w0 + kW, W + pW);
  const ws = max(w0, 0), we = min(w1, W);
  if (hs >= he || ws >= we) return;
  const divisor = withPad ? padRows * (w1 - w0) : (he - hs) * (we - ws);
  const share = load<f32>(dzp) / <f32>divisor;
  for (let ih = hs; ih < he; ih++) {
    const row = dx + (<usize>(ih * W) << 2);
    for (let iw = ws; iw < we; iw++) {
      const q = row + (<usize>iw << 2);
      store<f32>(q, load<f32>(q) + share);
    }
  }
}
