// 2-D max and average pooling (LAYER_MAXPOOL2D, LAYER_AVGPOOL2D) over rows of [C, H, W]: each
// of a row's C planes of H×W is pooled on its own, so a pass pools rows·C planes in memory
// order. ATen's CPU kernels (PyTorch 1.13, contiguous NCHW) are the specification, down to
// the window's scan order, the tie and NaN rules, the divisors and the order of every f32
// addition, so outputs and gradients are PyTorch's bit for bit.
//
// Planes: x (H, W), z (OH, OW), the max's argmax (OH, OW) as i32 indices into x's plane, and
// dx (H, W). Forward, windows at stride 1 or 2 across (2×2 and 3×3 at stride 2 the common
// ones) take four outputs per step in f32x4 lanes wherever their columns lie inside the input;
// a lane computes what the scalar code computes for its output, in the same order. Max
// pooling's 2×2 windows 2 apart across (LeNet's, the common pooling) have kernels of their own:
// the scan unrolled, the columns left over by the fours taken four rows at a time down, and
// planes that follow one another at the rows' stride taken as one run of rows.
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
  // 2×2 windows 2 apart across, undilated (any stride down, padding, ceil mode): the common
  // pooling, with kernels of its own.
  const squares = kH == 2 && kW == 2 && sW == 2 && dH == 1 && dW == 1;
  if (squares) {
    maxPlanesSquares(z, arg, x, planes, H, W, OH, OW, sH, pH, pW);
    return;
  }
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
        if (lo) maxOnes(zr, ar, x, W, hs, he, dH, 0, lo, sW, pW, kW, dW);
        // Fours from lo; when hi − lo is not a multiple of 4 the last four overlap the ones
        // before, whose lanes they compute again, to the same values.
        for (ow = lo; ; ow = min(ow + 4, hi - 4)) {
          maxFour(zr + (<usize>ow << 2), ar + (<usize>ow << 2), x, W, hs, he, dH, ow * sW - pW, kW, sW, dW);
          if (ow + 4 >= hi) break;
        }
        ow = hi;
      }
    }
    if (ow < OW) maxOnes(zr, ar, x, W, hs, he, dH, ow, OW, sW, pW, kW, dW);
  }
}

/** maxOne for outputs from…to − 1 of an output row (z and argmax rows at zr, ar). */
function maxOnes(zr: usize, ar: usize, x: usize, W: i32, hs: i32, he: i32, dH: i32, from: i32, to: i32, sW: i32, pW: i32, kW: i32, dW: i32): void {
  for (let ow = from; ow < to; ow++) maxOne(zr + (<usize>ow << 2), ar + (<usize>ow << 2), x, W, hs, he, dH, ow * sW - pW, kW, dW);
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

/** Lanes where v replaces the running maximum m: greater, or NaN (maxOne's rule). */
// @ts-ignore: decorator
@inline function takes(v: v128, m: v128): v128 {
  return v128.or(f32x4.gt(v, m), f32x4.ne(v, v));
}

/** a where mask is set, else b; these masks are whole lanes, so relaxed builds may blend. */
// @ts-ignore: decorator
@inline function pick(a: v128, b: v128, mask: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i32x4.relaxed_laneselect(a, b, mask);
  return v128.bitselect(a, b, mask);
}

/** Four outputs whose windows start at columns c0 + j·sW (j = 0…3), inside the plane. Each lane runs maxOne's scan. */
// @ts-ignore: decorator
@inline function maxFour(zp: usize, ap: usize, x: usize, W: i32, hs: i32, he: i32, dH: i32, c0: i32, kW: i32, sW: i32, dW: i32): void {
  const lane = sW == 1 ? i32x4(0, 1, 2, 3) : i32x4(0, 2, 4, 6);
  let m = f32x4.splat(-Infinity);
  let at = i32x4.add(i32x4.splat(hs * W + c0), lane);
  const next = i32x4.splat(dW);
  for (let ih = hs; ih < he; ih += dH) {
    const p = x + (<usize>(ih * W + c0) << 2);
    let tap = i32x4.add(i32x4.splat(ih * W + c0), lane);
    for (let off = 0, end = kW * dW; off < end; off += dW, tap = i32x4.add(tap, next)) {
      const v = tapsAt(p, off, sW);
      const take = takes(v, m);
      m = pick(v, m, take);
      at = pick(tap, at, take);
    }
  }
  v128.store(zp, m);
  v128.store(ap, at);
}

/**
 * maxPlane over `planes` planes for 2×2 windows 2 apart across, undilated. Output rows
 * r0…r1 − 1 have both their input rows inside (maxSquaresRows); the rest are cut by the
 * padding or the plane's end (ceil mode) and go through maxOne. When every row is inside and
 * the planes follow one another at the rows' own stride, all planes' rows go as one run.
 */
function maxPlanesSquares(z: usize, arg: usize, x: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32, sH: i32, pH: i32, pW: i32): void {
  const r0 = min(OH, (pH + sH - 1) / sH), r1 = max(r0, insideEnd(H, 2, sH, pH, OH));
  const outRow = <usize>OW << 2, inBytes = <usize>(H * W) << 2, outBytes = <usize>OH * outRow;
  if (r0 == 0 && r1 == OH && H == OH * sH && OH >= 3) {
    maxSquaresRows(z, arg, x, planes * OH, 0, OH, W, OW, sH, pH, pW);
    return;
  }
  for (let p = 0; p < planes; p++, z += outBytes, arg += outBytes, x += inBytes) {
    for (let oh = 0; oh < r0; oh++) maxSquaresCut(z, arg, x, H, W, OW, oh, sH, pH, pW);
    const top = <usize>(r0 * sH - pH) * (<usize>W << 2);
    maxSquaresRows(z + <usize>r0 * outRow, arg + <usize>r0 * outRow, x + top, r1 - r0, r0, OH, W, OW, sH, pH, pW);
    for (let oh = r1; oh < OH; oh++) maxSquaresCut(z, arg, x, H, W, OW, oh, sH, pH, pW);
  }
}

/**
 * `count` output rows of 2×2 windows whose two input rows are inside, the first row r of its
 * plane's OH (the run may go on into the next planes, row 0 after row OH − 1, when they follow
 * at the same stride): z and argmax rows OW apart from z, arg, the first window row at x, each
 * next sH rows on. Outputs lo…hi − 1 have their two columns inside: those go four at a time
 * along the row (maxSquares), and when hi − lo is not a multiple of 4, the one or two outputs
 * left of each row go four rows at a time down the column (the last four rows overlapping the
 * ones before, computing their lanes again, to the same values); three left go as the row's
 * last four, overlapping its fours before. The columns cut by the padding, and rows of fewer
 * than four inside when there are fewer than four rows, go through maxOne; the scalar build
 * takes the inside windows one by one (maxSquare).
 */
function maxSquaresRows(z: usize, arg: usize, x: usize, count: i32, r: i32, OH: i32, W: i32, OW: i32, sH: i32, pH: i32, pW: i32): void {
  const lo = (pW + 1) >> 1, hi = max(lo, insideEnd(W, 2, 2, pW, OW));
  const rowBytes = <usize>W << 2, outRow = <usize>OW << 2, step = <usize>sH * rowBytes;
  const fours = ASC_FEATURE_SIMD ? (hi - lo) >> 2 : 0, left = ASC_FEATURE_SIMD ? (hi - lo) & 3 : hi - lo;
  const down = ASC_FEATURE_SIMD && left && left < 3 && count >= 4;
  const c0 = 2 * lo - pW;
  let zr = z, ar = arg, row = x, rr = r, group = r;
  for (let k = 0; k < count; k++, zr += outRow, ar += outRow, row += step) {
    const hs = rr * sH - pH;
    const plane = row - <usize>hs * rowBytes;
    if (lo) maxOnes(zr, ar, plane, W, hs, hs + 2, 1, 0, lo, 2, pW, 2, 1);
    let q = row + (<usize>c0 << 2), zp = zr + (<usize>lo << 2), ap = ar + (<usize>lo << 2), at = hs * W + c0;
    if (ASC_FEATURE_SIMD) {
      for (let i = 0; i < fours; i++, q += 32, zp += 16, ap += 16, at += 8) maxSquares(zp, ap, 0, q, 0, rowBytes, splat4(at), W);
      if (left && !down) {
        if (fours) {
          // Back to the row's last four.
          const back = 4 - left;
          maxSquares(zp - (<usize>back << 2), ap - (<usize>back << 2), 0, q - (<usize>back << 3), 0, rowBytes, splat4(at - 2 * back), W);
        } else {
          maxOnes(zr, ar, plane, W, hs, hs + 2, 1, lo, hi, 2, pW, 2, 1);
        }
      }
    } else {
      for (let i = 0; i < left; i++, q += 8, zp += 4, ap += 4, at += 2) maxSquare(zp, ap, q, rowBytes, at, W);
    }
    if (hi < OW) maxOnes(zr, ar, plane, W, hs, hs + 2, 1, hi, OW, 2, pW, 2, 1);
    if (++rr == OH) rr = 0;
    if ((k & 3) == 3) {
      // The columns left of these four rows, while they are in cache.
      if (down) maxSquaresDown(zr - 3 * outRow, ar - 3 * outRow, row - 3 * step, group, OH, W, hi - left, hi, sH, pH, pW, outRow, step);
      group = rr;
    }
  }
  if (ASC_FEATURE_SIMD) {
    if (down && (count & 3)) {
      // The last four rows, overlapping the ones before.
      const back = <usize>(count - 4);
      maxSquaresDown(z + back * outRow, arg + back * outRow, x + back * step, (r + count - 4) % OH, OH, W, hi - left, hi, sH, pH, pW, outRow, step);
    }
  }
}

/**
 * Outputs from…to − 1 of four output rows, four rows at a time down each column (maxSquares):
 * rows outRow bytes apart from zr, ar, their windows `step` bytes apart from row, the first
 * row r of OH in its plane. A row past OH − 1 is row 0 of the next plane, whose indices start
 * OH rows later (OH ≥ 3: four rows span two planes at most).
 */
// @ts-ignore: decorator
@inline function maxSquaresDown(zr: usize, ar: usize, row: usize, r: i32, OH: i32, W: i32, from: i32, to: i32, sH: i32, pH: i32, pW: i32, outRow: usize, step: usize): void {
  let rows = i32x4.add(i32x4.splat(r), i32x4(0, 1, 2, 3));
  rows = i32x4.sub(rows, v128.and(i32x4.ge_s(rows, i32x4.splat(OH)), i32x4.splat(OH)));
  const tops = i32x4.mul(rows, i32x4.splat(sH * W));
  for (let ow = from; ow < to; ow++) {
    const c = 2 * ow - pW;
    maxSquares(zr + (<usize>ow << 2), ar + (<usize>ow << 2), outRow, row + (<usize>c << 2), step, <usize>W << 2, i32x4.add(tops, i32x4.splat(c - pH * W)), W);
  }
}

/** The argmax bases of four windows along a row, the first's top-left at index `at`. */
// @ts-ignore: decorator
@inline function splat4(at: i32): v128 {
  return i32x4.add(i32x4.splat(at), i32x4(0, 2, 4, 6));
}

/** An output row of 2×2 windows cut by the padding or the end of the plane (ceil mode): maxOne. */
function maxSquaresCut(z: usize, arg: usize, x: usize, H: i32, W: i32, OW: i32, oh: i32, sH: i32, pH: i32, pW: i32): void {
  const h0 = oh * sH - pH;
  const zr = z + (<usize>(oh * OW) << 2), ar = arg + (<usize>(oh * OW) << 2);
  maxOnes(zr, ar, x, W, max(h0, 0), min(h0 + 2, H), 1, 0, OW, 2, pW, 2, 1);
}

/**
 * Four 2×2 windows inside the plane. Along a row (`down` 0): at p, p + 2, p + 4, p + 6 floats,
 * z and argmax stored together at zp, ap. Down a column: at p, p + down, p + 2·down,
 * p + 3·down bytes, z and argmax stored `out` bytes apart. A window's second row is rowBytes
 * after its first; `first` holds each window's top-left as an index into its plane. maxOne's
 * scan, unrolled: the first tap taken outright (from −∞ it is taken, or kept with the same
 * bits and index), the index kept relative to it until the end.
 */
// @ts-ignore: decorator
@inline function maxSquares(zp: usize, ap: usize, out: usize, p: usize, down: usize, rowBytes: usize, first: v128, W: i32): void {
  let a: v128, b: v128, c: v128, d: v128;
  if (down) {
    // Each 64-bit load takes one window row's two taps.
    a = v128.load64_lane(p + down, v128.load64_zero(p), 1);
    b = v128.load64_lane(p + 3 * down, v128.load64_zero(p + 2 * down), 1);
    c = v128.load64_lane(p + rowBytes + down, v128.load64_zero(p + rowBytes), 1);
    d = v128.load64_lane(p + rowBytes + 3 * down, v128.load64_zero(p + rowBytes + 2 * down), 1);
  } else {
    a = v128.load(p);
    b = v128.load(p, 16);
    c = v128.load(p + rowBytes);
    d = v128.load(p + rowBytes, 16);
  }
  let m = f32x4.shuffle(a, b, 0, 2, 4, 6);
  let v = f32x4.shuffle(a, b, 1, 3, 5, 7);
  let take = takes(v, m);
  m = pick(v, m, take);
  let at = v128.and(take, i32x4.splat(1));
  v = f32x4.shuffle(c, d, 0, 2, 4, 6);
  take = takes(v, m);
  m = pick(v, m, take);
  at = pick(i32x4.splat(W), at, take);
  v = f32x4.shuffle(c, d, 1, 3, 5, 7);
  take = takes(v, m);
  m = pick(v, m, take);
  at = i32x4.add(pick(i32x4.splat(W + 1), at, take), first);
  if (down) {
    v128.store32_lane(zp, m, 0);
    v128.store32_lane(zp + out, m, 1);
    v128.store32_lane(zp + 2 * out, m, 2);
    v128.store32_lane(zp + 3 * out, m, 3);
    v128.store32_lane(ap, at, 0);
    v128.store32_lane(ap + out, at, 1);
    v128.store32_lane(ap + 2 * out, at, 2);
    v128.store32_lane(ap + 3 * out, at, 3);
  } else {
    v128.store(zp, m);
    v128.store(ap, at);
  }
}

/** One 2×2 window at p inside the plane (the scalar build's maxSquares). */
// @ts-ignore: decorator
@inline function maxSquare(zp: usize, ap: usize, p: usize, rowBytes: usize, first: i32, W: i32): void {
  let m = load<f32>(p);
  let v = load<f32>(p, 4);
  let take = -(<i32>(v > m) | <i32>(v != v));
  m = reinterpret<f32>((reinterpret<i32>(v) & take) | (reinterpret<i32>(m) & ~take));
  let at = take & 1;
  v = load<f32>(p + rowBytes);
  take = -(<i32>(v > m) | <i32>(v != v));
  m = reinterpret<f32>((reinterpret<i32>(v) & take) | (reinterpret<i32>(m) & ~take));
  at = (W & take) | (at & ~take);
  v = load<f32>(p + rowBytes, 4);
  take = -(<i32>(v > m) | <i32>(v != v));
  m = reinterpret<f32>((reinterpret<i32>(v) & take) | (reinterpret<i32>(m) & ~take));
  at = ((W + 1) & take) | (at & ~take);
  store<f32>(zp, m);
  store<i32>(ap, first + at);
}

/** The pass's backward of a maxpool2d layer: dx = 0, then each dz added at its output's argmax. */
export function maxPool2dLayerBackward(layer: usize, dz: usize, x: usize, dx: usize, rows: i32): void {
  if (!dx) return;
  const C = layerWord(layer, MAXPOOL2D_CHANNELS);
  const inCount = layerWord(layer, MAXPOOL2D_IN_HEIGHT) * layerWord(layer, MAXPOOL2D_IN_WIDTH);
  const outCount = layerWord(layer, MAXPOOL2D_OUT_HEIGHT) * layerWord(layer, MAXPOOL2D_OUT_WIDTH);
  const planes = rows * C;
  // (The fill runs at memset's speed; writing each element once instead, zero or gradient,
  // four windows at a time in lanes or a plane at a time, measured no faster on V8.)
  memory.fill(dx, 0, <usize>planes * (<usize>inCount << 2));
  let arg = <usize>layerWord(layer, LAYER_SCRATCH);
  if (ASC_FEATURE_SIMD) {
    const kH = layerWord(layer, MAXPOOL2D_KERNEL_HEIGHT), kW = layerWord(layer, MAXPOOL2D_KERNEL_WIDTH);
    const sH = layerWord(layer, MAXPOOL2D_STRIDE_HEIGHT), sW = layerWord(layer, MAXPOOL2D_STRIDE_WIDTH);
    const dH = layerWord(layer, MAXPOOL2D_DILATION_HEIGHT), dW = layerWord(layer, MAXPOOL2D_DILATION_WIDTH);
    // Windows at least their dilated size apart both ways share no element: no element gets
    // two gradients, so the order cannot matter and each is stored, 0 + dz (ATen adds dz to a
    // zero), four outputs' loads and additions at a time.
    if (sH > (kH - 1) * dH && sW > (kW - 1) * dW) {
      for (let p = 0; p < planes; p++) {
        let o = 0;
        for (; o + 4 <= outCount; o += 4) {
          const a = v128.load(arg + (<usize>o << 2));
          const g = f32x4.add(f32x4.splat(0), v128.load(dz + (<usize>o << 2)));
          let at = i32x4.extract_lane(a, 0);
          if (at >= 0) v128.store32_lane(dx + (<usize>at << 2), g, 0);
          at = i32x4.extract_lane(a, 1);
          if (at >= 0) v128.store32_lane(dx + (<usize>at << 2), g, 1);
          at = i32x4.extract_lane(a, 2);
          if (at >= 0) v128.store32_lane(dx + (<usize>at << 2), g, 2);
          at = i32x4.extract_lane(a, 3);
          if (at >= 0) v128.store32_lane(dx + (<usize>at << 2), g, 3);
        }
        for (; o < outCount; o++) {
          const at = load<i32>(arg + (<usize>o << 2));
          if (at >= 0) store<f32>(dx + (<usize>at << 2), <f32>0 + load<f32>(dz + (<usize>o << 2)));
        }
        arg += <usize>outCount << 2;
        dz += <usize>outCount << 2;
        dx += <usize>inCount << 2;
      }
      return;
    }
  }
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
