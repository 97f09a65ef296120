// 2-D convolution (LAYER_CONV2D), torch.nn.Conv2d: rows of [C, H, W] → rows of [O, OH, OW],
// weight [O, C, kH, kW], bias [O]; stride, zero padding (top/left words; the bottom/right is
// whatever the output size implies, as PyTorch's 'same' with an even kernel), dilation.
//
// The choice, measured (bench/conv2d-kernels.mjs shapes: LeNet-5's 1×28×28 → 6@5×5 pad 2 and
// 6×14×14 → 16@5×5; SIMD build, Node 20, CPU time, best of 30 interleaved windows, GFLOP/s of
// forward / dW / dX at batch 128; at batch 32 the same within 5%, but batch-wide im2col's 16.9
// for conv1's forward):
//                                            conv1                conv2
//   direct, implicit GEMM (this file)        31.2 / 28.3 / 28.3   44.3 / 44.0 / 36.8
//   im2col per row + gemm.ts                 22.0 / 18.6 / 23.0   29.6 / 26.9 / 29.7
//   im2col batch-wide + gemm.ts              10.3 / 14.2 / 21.5   24.3 / 26.4 / 28.5
// (the f32x4 mul+add peak here is 48). Profiled, the im2col copy (runs of OW values between
// zero borders) took 37% of conv1's forward and 17% of conv2's backward; batch-wide, the
// matrix (10 MB for conv1 at batch 128) leaves the caches.
// - Forward and dW are direct convolutions organised as gemm.ts's register blocks: output
//   channels are the vector lanes (Wᵀ's rows, dzᵀ's rows), and each input value a window reads
//   is splatted straight from the row (a zero-padded copy when there is padding) through two
//   offset tables, one per window entry (c, u, v) and one per output position (i, j). Any
//   stride, dilation and padding take the same path; nothing is copied per window entry.
//   Blocks of 4 positions (or window entries, for dW) × 8 channels keep 8 accumulators, as
//   gemm.ts's 4×8; the transposed accumulators of 4 consecutive positions are 4 consecutive
//   z values per channel. Channels are padded to a multiple of 4 — unless that would leave
//   lanes empty and the output rows are whole vectors: then positions are the lanes (see
//   "Position lanes" below; LeNet's conv1, 6 channels, forward and dW 1.3× and 1.5× faster).
// - dX = col2im(Wᵀ·dz): gemm.ts's transposed-A blocks, then each entry added back where its
//   window read (a padded buffer when there is padding, cropped after). The alternatives pull
//   dx through a flipped kernel over a zero-padded dz (about half the products on zeros for
//   LeNet's conv2) or scatter lanes of window entries with scalar adds; neither was built.
// - dX computes Wᵀ·dz a block of window entries at a time, scattered while still in L1.
// - Rows go one at a time (scratch of one row, not growing with the batch); dW accumulates
//   across rows in a K × On block of the scratch (lane sums in position lanes). Every sum
//   keeps one order — bias or the previous rows first, then window entries or positions
//   ascending; position lanes' dW and db in four lane parts — in the SIMD and scalar builds
//   alike, so they agree bit for bit (relaxed builds fuse the multiply-add).
import {
  CONV2D_DILATION_HEIGHT, CONV2D_DILATION_WIDTH, CONV2D_HAS_BIAS, CONV2D_IN_CHANNELS, CONV2D_IN_HEIGHT, CONV2D_IN_WIDTH,
  CONV2D_KERNEL_HEIGHT, CONV2D_KERNEL_WIDTH, CONV2D_OUT_CHANNELS, CONV2D_OUT_HEIGHT, CONV2D_OUT_WIDTH, CONV2D_PAD_LEFT,
  CONV2D_PAD_TOP, CONV2D_STRIDE_HEIGHT, CONV2D_STRIDE_WIDTH, LAYER_GRADS, LAYER_PARAMS, LAYER_SCRATCH, LAYER_Z,
} from "./abi";
import { layerWord } from "./descriptor";
import { gemm } from "./gemm";

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// @ts-ignore: decorator
@inline function bytes(n: i32): usize {
  return <usize>n << 2;
}

/** Window entries of dcol computed and scattered at a time: a multiple of gemm's 4- and 5-row blocks. */
const DCOL_BLOCK = 20;

// @ts-ignore: decorator
@inline function up4(n: i32): i32 {
  return (n + 3) & ~3;
}

// ---- The layer's geometry, read from its descriptor block.

// @ts-ignore: decorator
@inline function inC(l: usize): i32 { return layerWord(l, CONV2D_IN_CHANNELS); }
// @ts-ignore: decorator
@inline function inH(l: usize): i32 { return layerWord(l, CONV2D_IN_HEIGHT); }
// @ts-ignore: decorator
@inline function inW(l: usize): i32 { return layerWord(l, CONV2D_IN_WIDTH); }
// @ts-ignore: decorator
@inline function outC(l: usize): i32 { return layerWord(l, CONV2D_OUT_CHANNELS); }
// @ts-ignore: decorator
@inline function outH(l: usize): i32 { return layerWord(l, CONV2D_OUT_HEIGHT); }
// @ts-ignore: decorator
@inline function outW(l: usize): i32 { return layerWord(l, CONV2D_OUT_WIDTH); }
/** C·kH·kW: a window's size, the GEMMs' shared dimension. */
// @ts-ignore: decorator
@inline function windowSize(l: usize): i32 {
  return inC(l) * layerWord(l, CONV2D_KERNEL_HEIGHT) * layerWord(l, CONV2D_KERNEL_WIDTH);
}
/** Height of the zero-padded input: every row a window reads (PyTorch's padding after included). */
// @ts-ignore: decorator
@inline function padH(l: usize): i32 {
  const reach = (outH(l) - 1) * layerWord(l, CONV2D_STRIDE_HEIGHT) + (layerWord(l, CONV2D_KERNEL_HEIGHT) - 1) * layerWord(l, CONV2D_DILATION_HEIGHT) + 1;
  return max(inH(l) + layerWord(l, CONV2D_PAD_TOP), reach);
}
// @ts-ignore: decorator
@inline function padW(l: usize): i32 {
  const reach = (outW(l) - 1) * layerWord(l, CONV2D_STRIDE_WIDTH) + (layerWord(l, CONV2D_KERNEL_WIDTH) - 1) * layerWord(l, CONV2D_DILATION_WIDTH) + 1;
  return max(inW(l) + layerWord(l, CONV2D_PAD_LEFT), reach);
}
/** Whether the input needs no padded copy (no padding, and windows read nothing past it). */
// @ts-ignore: decorator
@inline function unpadded(l: usize): bool {
  return layerWord(l, CONV2D_PAD_TOP) == 0 && layerWord(l, CONV2D_PAD_LEFT) == 0 && padH(l) == inH(l) && padW(l) == inW(l);
}
/** Output channels rounded up to 4: the width of packed weights and dzᵀ rows. */
// @ts-ignore: decorator
@inline function lanesOf(O: i32): i32 {
  return up4(O);
}

// ---- Scratch layout (f32 slots; src/model/conv2d.ts `scratch` must match).
//   off   K i32: byte offset of window entry k = (c, u, v) in a padded image
//   base  P i32: byte offset of output position p = (i, j)'s window in a padded image
//   wt    K × On: Wᵀ, channels zero-padded to On (forward) | dWᵀ accumulated over rows (backward)
//   bias  On: b zero-padded (forward) | db accumulated (backward)
//   pad   C·Hp·Wp: the padded input row (forward, dW) — zeros around, written once per call
//   dzT   P × On: one row's dz transposed (backward)
//   dcol  min(K, DCOL_BLOCK) × P: a block of one row's Wᵀ·dz (dX)
//   dpad  C·Hp·Wp: one row's padded dx (dX)
//   lanes (K + 2) × O × 4: position lanes' dW and db sums (backward; see positionLanes)

/** z of the conv2d layer `layer` from `x` over `rows` rows. */
export function conv2dLayerForward(layer: usize, x: usize, rows: i32): void {
  const C = inC(layer), O = outC(layer), K = windowSize(layer);
  const P = outH(layer) * outW(layer), On = lanesOf(O);
  const Hp = padH(layer), Wp = padW(layer);
  const w = <usize>layerWord(layer, LAYER_PARAMS);
  const z = <usize>layerWord(layer, LAYER_Z);
  const off = <usize>layerWord(layer, LAYER_SCRATCH);
  const base = off + bytes(up4(K));
  const wt = base + bytes(up4(P));
  const bias = wt + bytes(K * On);
  const pad = bias + bytes(On);
  fillTables(off, base, layer, Wp, Hp);
  // Wᵀ with zero channels up to On; b likewise (0 without a bias).
  memory.fill(wt, 0, bytes(K * On + On));
  for (let o = 0; o < O; o++) {
    for (let k = 0; k < K; k++) store<f32>(wt + bytes(k * On + o), load<f32>(w + bytes(o * K + k)));
  }
  if (layerWord(layer, CONV2D_HAS_BIAS)) memory.copy(bias, w + bytes(O * K), bytes(O));
  const copy = !unpadded(layer);
  if (copy) memory.fill(pad, 0, bytes(C * Hp * Wp));
  const inBytes = bytes(C * inH(layer) * inW(layer)), outBytes = bytes(O * P);
  const byPosition = positionLanes(layer);
  for (let r = 0; r < rows; r++) {
    let xr = x + <usize>r * inBytes;
    if (copy) {
      padInto(pad, xr, layer, Hp, Wp);
      xr = pad;
    }
    if (ASC_FEATURE_SIMD && byPosition) forwardRowLanes(z + <usize>r * outBytes, xr, off, base, wt, bias, K, P, O, On);
    else forwardRow(z + <usize>r * outBytes, xr, off, base, wt, bias, K, P, O, On);
  }
}

/** dW, db from dz and x; dx unless it is 0. */
export function conv2dLayerBackward(layer: usize, dz: usize, x: usize, dx: usize, rows: i32): void {
  const C = inC(layer), O = outC(layer), K = windowSize(layer);
  const P = outH(layer) * outW(layer), On = lanesOf(O);
  const Hp = padH(layer), Wp = padW(layer);
  const hasBias = layerWord(layer, CONV2D_HAS_BIAS) != 0;
  const w = <usize>layerWord(layer, LAYER_PARAMS);
  const dw = <usize>layerWord(layer, LAYER_GRADS);
  const off = <usize>layerWord(layer, LAYER_SCRATCH);
  const base = off + bytes(up4(K));
  const dwt = base + bytes(up4(P));
  const dbAcc = dwt + bytes(K * On);
  const pad = dbAcc + bytes(On);
  const dzT = pad + bytes(up4(C * Hp * Wp));
  const dcol = dzT + bytes(P * On);
  const dpad = dcol + bytes(up4(min(K, DCOL_BLOCK) * P));
  const byPosition = positionLanes(layer);
  const lanes = dpad + bytes(up4(C * Hp * Wp)), dbLanes = lanes + bytes(((K + 1) * O) << 2);
  fillTables(off, base, layer, Wp, Hp);
  if (byPosition) memory.fill(lanes, 0, bytes(((K + 2) * O) << 2));
  else memory.fill(dwt, 0, bytes(K * On + On));
  const copy = !unpadded(layer);
  if (copy) memory.fill(pad, 0, bytes(C * Hp * Wp));
  // dzT's channels past O stay 0.
  if (!byPosition && On > O) memory.fill(dzT, 0, bytes(P * On));
  const inBytes = bytes(C * inH(layer) * inW(layer)), outBytes = bytes(O * P);
  for (let r = 0; r < rows; r++) {
    const dzr = dz + <usize>r * outBytes;
    let xr = x + <usize>r * inBytes;
    if (copy) {
      padInto(pad, xr, layer, Hp, Wp);
      xr = pad;
    }
    if (byPosition) {
      interleaveInto(dzT, dbLanes, dzr, O, P, hasBias);
      weightGradRowLanes(lanes, xr, off, base, dzT, K, P, O);
    } else {
      transposeInto(dzT, dbAcc, dzr, O, P, On, hasBias);
      weightGradRow(dwt, xr, off, base, dzT, K, P, On);
    }
    if (dx) {
      // dcol = Wᵀ·dz, DCOL_BLOCK window entries at a time; each entry goes back where its
      // window read the input while its block is still in L1 (the whole K × P is 60 KB for
      // LeNet's conv2). Every dcol value is the same sum as in one K × P product.
      const dxr = dx + <usize>r * inBytes;
      const target = copy ? dpad : dxr;
      memory.fill(target, 0, copy ? bytes(C * Hp * Wp) : inBytes);
      for (let k0 = 0; k0 < K; k0 += DCOL_BLOCK) {
        const kn = min(DCOL_BLOCK, K - k0);
        gemm(dcol, w + bytes(k0), 1, K, dzr, P, P, kn, O, P);
        col2im(target, dcol, off, layer, Wp, k0, kn);
      }
      if (copy) cropInto(dxr, dpad, layer, Hp, Wp);
    }
  }
  if (byPosition) {
    reduceLanes(dw, lanes, K, O, hasBias);
    return;
  }
  for (let o = 0; o < O; o++) {
    for (let k = 0; k < K; k++) store<f32>(dw + bytes(o * K + k), load<f32>(dwt + bytes(k * On + o)));
  }
  if (hasBias) memory.copy(dw + bytes(O * K), dbAcc, bytes(O));
}

/** The byte offsets of window entries (off) and of output positions' windows (base) in a padded image. */
function fillTables(off: usize, base: usize, l: usize, Wp: i32, Hp: i32): void {
  const C = inC(l), kH = layerWord(l, CONV2D_KERNEL_HEIGHT), kW = layerWord(l, CONV2D_KERNEL_WIDTH);
  const dH = layerWord(l, CONV2D_DILATION_HEIGHT), dW = layerWord(l, CONV2D_DILATION_WIDTH);
  const sH = layerWord(l, CONV2D_STRIDE_HEIGHT), sW = layerWord(l, CONV2D_STRIDE_WIDTH);
  let k = 0;
  for (let c = 0; c < C; c++) {
    for (let u = 0; u < kH; u++) {
      for (let v = 0; v < kW; v++) store<i32>(off + bytes(k++), ((c * Hp + u * dH) * Wp + v * dW) << 2);
    }
  }
  const OH = outH(l), OW = outW(l);
  let p = 0;
  for (let i = 0; i < OH; i++) {
    for (let j = 0; j < OW; j++) store<i32>(base + bytes(p++), (i * sH * Wp + j * sW) << 2);
  }
}

/** Copies a [C, H, W] row into the interior of its zero-padded [C, Hp, Wp] image. */
function padInto(pad: usize, x: usize, l: usize, Hp: i32, Wp: i32): void {
  const C = inC(l), H = inH(l), W = inW(l);
  const top = layerWord(l, CONV2D_PAD_TOP), left = layerWord(l, CONV2D_PAD_LEFT);
  for (let c = 0; c < C; c++) {
    for (let h = 0; h < H; h++) copyRun(pad + bytes((c * Hp + h + top) * Wp + left), x + bytes((c * H + h) * W), W);
  }
}

/** The interior of a padded [C, Hp, Wp] image as a [C, H, W] row. */
function cropInto(x: usize, pad: usize, l: usize, Hp: i32, Wp: i32): void {
  const C = inC(l), H = inH(l), W = inW(l);
  const top = layerWord(l, CONV2D_PAD_TOP), left = layerWord(l, CONV2D_PAD_LEFT);
  for (let c = 0; c < C; c++) {
    for (let h = 0; h < H; h++) copyRun(x + bytes((c * H + h) * W), pad + bytes((c * Hp + h + top) * Wp + left), W);
  }
}

/**
 * dzᵀ[p, o] = dz[o, p] for o < O (ld = On values a row), and db[o] += Σ_p dz[o, p] in
 * position order when `bias` (the same order in every build: lanes are channels).
 */
function transposeInto(dzT: usize, db: usize, dz: usize, O: i32, P: i32, ld: i32, bias: bool): void {
  const step = bytes(ld);
  let o = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    for (; o < O; o += 4) {
      // Four channels' rows (a missing one reads as zeros), four positions at a time.
      const s0 = dz + bytes(o * P), s1 = s0 + bytes(P), s2 = s1 + bytes(P), s3 = s2 + bytes(P);
      let acc = v128.load(db + bytes(o));
      let d = dzT + bytes(o);
      let p = 0;
      for (; p + 4 <= P; p += 4) {
        const r0 = v128.load(s0 + bytes(p));
        const r1 = o + 1 < O ? v128.load(s1 + bytes(p)) : zero;
        const r2 = o + 2 < O ? v128.load(s2 + bytes(p)) : zero;
        const r3 = o + 3 < O ? v128.load(s3 + bytes(p)) : zero;
        const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
        const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
        const c0 = f32x4.shuffle(t0, t2, 0, 1, 4, 5), c1 = f32x4.shuffle(t0, t2, 2, 3, 6, 7);
        const c2 = f32x4.shuffle(t1, t3, 0, 1, 4, 5), c3 = f32x4.shuffle(t1, t3, 2, 3, 6, 7);
        v128.store(d, c0); v128.store(d + step, c1); v128.store(d + 2 * step, c2); v128.store(d + 3 * step, c3);
        if (bias) acc = f32x4.add(f32x4.add(f32x4.add(f32x4.add(acc, c0), c1), c2), c3);
        d += 4 * step;
      }
      for (; p < P; p++) {
        let c = f32x4.splat(load<f32>(s0 + bytes(p)));
        c = f32x4.replace_lane(c, 1, o + 1 < O ? load<f32>(s1 + bytes(p)) : 0);
        c = f32x4.replace_lane(c, 2, o + 2 < O ? load<f32>(s2 + bytes(p)) : 0);
        c = f32x4.replace_lane(c, 3, o + 3 < O ? load<f32>(s3 + bytes(p)) : 0);
        v128.store(d, c);
        if (bias) acc = f32x4.add(acc, c);
        d += step;
      }
      v128.store(db + bytes(o), acc);
    }
  } else {
    for (; o < O; o++) {
      let s = dz + bytes(o * P);
      let d = dzT + bytes(o);
      let acc = load<f32>(db + bytes(o));
      for (let p = 0; p < P; p++) {
        const v = load<f32>(s);
        store<f32>(d, v);
        acc += v;
        s += 4;
        d += step;
      }
      if (bias) store<f32>(db + bytes(o), acc);
    }
  }
}

/** n f32 values from src to dst. */
// @ts-ignore: decorator
@inline function copyRun(dst: usize, src: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) v128.store(dst + bytes(i), v128.load(src + bytes(i)));
  }
  for (; i < n; i++) store<f32>(dst + bytes(i), load<f32>(src + bytes(i)));
}

/** dst[i] += src[i] over n f32 values. */
// @ts-ignore: decorator
@inline function addRun(dst: usize, src: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) v128.store(dst + bytes(i), f32x4.add(v128.load(dst + bytes(i)), v128.load(src + bytes(i))));
  }
  for (; i < n; i++) store<f32>(dst + bytes(i), load<f32>(dst + bytes(i)) + load<f32>(src + bytes(i)));
}

/**
 * dpad[window of p, entry k] += dcol[k − k0, p] over entries k0 … k0 + kn − 1 and every p (dpad:
 * a padded image, or the unpadded row).
 */
function col2im(dpad: usize, dcol: usize, off: usize, l: usize, Wp: i32, k0: i32, kn: i32): void {
  const OH = outH(l), OW = outW(l);
  const sH = layerWord(l, CONV2D_STRIDE_HEIGHT), sW = layerWord(l, CONV2D_STRIDE_WIDTH);
  const rowStep = bytes(sH * Wp);
  let src = dcol;
  for (let k = k0; k < k0 + kn; k++) {
    let d = dpad + <usize>load<i32>(off + bytes(k));
    for (let i = 0; i < OH; i++) {
      if (sW == 1) {
        addRun(d, src, OW);
      } else {
        for (let j = 0; j < OW; j++) {
          const p = d + bytes(j * sW);
          store<f32>(p, load<f32>(p) + load<f32>(src + bytes(j)));
        }
      }
      src += bytes(OW);
      d += rowStep;
    }
  }
}

// ---- The forward: z[o, p] = b[o] + Σ_k W[o, k]·x̃[base[p] + off[k]] (x̃ the padded image).
// Output channels are the vector lanes: Wᵀ's row k holds W[·, k] for 8 channels in 2 vectors,
// each position's input value is splatted, and a block of 4 positions × 8 channels keeps 8
// accumulators (as gemm.ts's 4×8). Four positions' accumulators transposed are 4 consecutive
// z values per channel, one store each. The input is read where it lies: no im2col copy.

function forwardRow(z: usize, x: usize, off: usize, base: usize, wt: usize, bias: usize, K: i32, P: i32, O: i32, On: i32): void {
  if (ASC_FEATURE_SIMD) {
    let n = 0;
    for (; n + 8 <= On; n += 8) {
      let p = 0;
      for (; p + 4 <= P; p += 4) forward4x8(z, x, off, base, wt, bias, K, P, O, On, p, n);
      for (; p < P; p++) forward1x8(z, x, off, base, wt, bias, K, P, O, On, p, n);
    }
    if (n < On) {
      let p = 0;
      for (; p + 4 <= P; p += 4) forward4x4(z, x, off, base, wt, bias, K, P, O, On, p, n);
      for (; p < P; p++) forward1x4(z, x, off, base, wt, bias, K, P, O, On, p, n);
    }
  } else {
    forwardScalar(z, x, off, base, wt, bias, K, P, O, On);
  }
}

// @ts-ignore: decorator
@inline function forward4x8(z: usize, x: usize, off: usize, base: usize, wt: usize, bias: usize, K: i32, P: i32, O: i32, On: i32, p: i32, n: i32): void {
  const q0 = x + <usize>load<i32>(base + bytes(p));
  const q1 = x + <usize>load<i32>(base + bytes(p), 4);
  const q2 = x + <usize>load<i32>(base + bytes(p), 8);
  const q3 = x + <usize>load<i32>(base + bytes(p), 12);
  const bv0 = v128.load(bias + bytes(n)), bv1 = v128.load(bias + bytes(n), 16);
  let c00 = bv0, c01 = bv1, c10 = bv0, c11 = bv1, c20 = bv0, c21 = bv1, c30 = bv0, c31 = bv1;
  let pw = wt + bytes(n);
  const ws = bytes(On);
  let po = off;
  const end = off + bytes(K);
  while (po < end) {
    const o = <usize>load<i32>(po);
    const b0 = v128.load(pw), b1 = v128.load(pw, 16);
    let a = v128.load32_splat(q0 + o);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(q1 + o);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(q2 + o);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(q3 + o);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    po += 4;
    pw += ws;
  }
  storeTransposed(z, P, O, p, n, c00, c10, c20, c30);
  storeTransposed(z, P, O, p, n + 4, c01, c11, c21, c31);
}

// @ts-ignore: decorator
@inline function forward4x4(z: usize, x: usize, off: usize, base: usize, wt: usize, bias: usize, K: i32, P: i32, O: i32, On: i32, p: i32, n: i32): void {
  const q0 = x + <usize>load<i32>(base + bytes(p));
  const q1 = x + <usize>load<i32>(base + bytes(p), 4);
  const q2 = x + <usize>load<i32>(base + bytes(p), 8);
  const q3 = x + <usize>load<i32>(base + bytes(p), 12);
  const bv = v128.load(bias + bytes(n));
  let c0 = bv, c1 = bv, c2 = bv, c3 = bv;
  let pw = wt + bytes(n);
  const ws = bytes(On);
  let po = off;
  const end = off + bytes(K);
  while (po < end) {
    const o = <usize>load<i32>(po);
    const b0 = v128.load(pw);
    c0 = madd(v128.load32_splat(q0 + o), b0, c0);
    c1 = madd(v128.load32_splat(q1 + o), b0, c1);
    c2 = madd(v128.load32_splat(q2 + o), b0, c2);
    c3 = madd(v128.load32_splat(q3 + o), b0, c3);
    po += 4;
    pw += ws;
  }
  storeTransposed(z, P, O, p, n, c0, c1, c2, c3);
}

// @ts-ignore: decorator
@inline function forward1x8(z: usize, x: usize, off: usize, base: usize, wt: usize, bias: usize, K: i32, P: i32, O: i32, On: i32, p: i32, n: i32): void {
  const q = x + <usize>load<i32>(base + bytes(p));
  let c0 = v128.load(bias + bytes(n)), c1 = v128.load(bias + bytes(n), 16);
  let pw = wt + bytes(n);
  const ws = bytes(On);
  let po = off;
  const end = off + bytes(K);
  while (po < end) {
    const a = v128.load32_splat(q + <usize>load<i32>(po));
    c0 = madd(a, v128.load(pw), c0);
    c1 = madd(a, v128.load(pw, 16), c1);
    po += 4;
    pw += ws;
  }
  storeLanes(z, P, O, p, n, c0);
  storeLanes(z, P, O, p, n + 4, c1);
}

// @ts-ignore: decorator
@inline function forward1x4(z: usize, x: usize, off: usize, base: usize, wt: usize, bias: usize, K: i32, P: i32, O: i32, On: i32, p: i32, n: i32): void {
  const q = x + <usize>load<i32>(base + bytes(p));
  let c0 = v128.load(bias + bytes(n));
  let pw = wt + bytes(n);
  const ws = bytes(On);
  let po = off;
  const end = off + bytes(K);
  while (po < end) {
    c0 = madd(v128.load32_splat(q + <usize>load<i32>(po)), v128.load(pw), c0);
    po += 4;
    pw += ws;
  }
  storeLanes(z, P, O, p, n, c0);
}

/** Positions p..p+3 of channels n..n+3 (those below O) from one accumulator per position. */
// @ts-ignore: decorator
@inline function storeTransposed(z: usize, P: i32, O: i32, p: i32, n: i32, a0: v128, a1: v128, a2: v128, a3: v128): void {
  const t0 = f32x4.shuffle(a0, a1, 0, 4, 1, 5), t1 = f32x4.shuffle(a0, a1, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(a2, a3, 0, 4, 1, 5), t3 = f32x4.shuffle(a2, a3, 2, 6, 3, 7);
  const pz = z + bytes(n * P + p), ps = bytes(P);
  v128.store(pz, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  if (n + 1 < O) v128.store(pz + ps, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
  if (n + 2 < O) v128.store(pz + 2 * ps, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
  if (n + 3 < O) v128.store(pz + 3 * ps, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

/** Position p of channels n..n+3 (those below O). */
// @ts-ignore: decorator
@inline function storeLanes(z: usize, P: i32, O: i32, p: i32, n: i32, a: v128): void {
  const pz = z + bytes(n * P + p), ps = bytes(P);
  store<f32>(pz, f32x4.extract_lane(a, 0));
  if (n + 1 < O) store<f32>(pz + ps, f32x4.extract_lane(a, 1));
  if (n + 2 < O) store<f32>(pz + 2 * ps, f32x4.extract_lane(a, 2));
  if (n + 3 < O) store<f32>(pz + 3 * ps, f32x4.extract_lane(a, 3));
}

/**
 * The scalar build: the same sums in the same order (bias, then k ascending), four channels
 * at a time so each input value is loaded once for four products.
 */
function forwardScalar(z: usize, x: usize, off: usize, base: usize, wt: usize, bias: usize, K: i32, P: i32, O: i32, On: i32): void {
  const ws = bytes(On);
  for (let o = 0; o < O; o += 4) {
    const b0 = load<f32>(bias + bytes(o)), b1 = load<f32>(bias + bytes(o), 4);
    const b2 = load<f32>(bias + bytes(o), 8), b3 = load<f32>(bias + bytes(o), 12);
    for (let p = 0; p < P; p++) {
      const q = x + <usize>load<i32>(base + bytes(p));
      let s0 = b0, s1 = b1, s2 = b2, s3 = b3;
      let pw = wt + bytes(o);
      for (let k = 0; k < K; k++) {
        const v = load<f32>(q + <usize>load<i32>(off + bytes(k)));
        s0 += load<f32>(pw) * v;
        s1 += load<f32>(pw, 4) * v;
        s2 += load<f32>(pw, 8) * v;
        s3 += load<f32>(pw, 12) * v;
        pw += ws;
      }
      const pz = z + bytes(o * P + p), ps = bytes(P);
      store<f32>(pz, s0);
      if (o + 1 < O) store<f32>(pz + ps, s1);
      if (o + 2 < O) store<f32>(pz + 2 * ps, s2);
      if (o + 3 < O) store<f32>(pz + 3 * ps, s3);
    }
  }
}

// ---- Position lanes. LeNet's 6 output channels fill 8 lanes in the blocks above: a quarter of
// the products are on zeros. Where channels would leave lanes empty (O not a multiple of 4)
// and stride 1 across makes 4 consecutive positions of an output row read 4 consecutive
// inputs, the lanes are positions instead: each window entry's input vector is loaded where
// it lies and each weight splatted; blocks of 2 position vectors × 3 channels keep 6
// accumulators. (Measured on LeNet's conv1 at batch 128, SIMD build: forward 0.96 → 0.75 ms,
// dW 1.07 → 0.72 ms; blocks of 2 × 4, 3 × 2, 2 × 6 and 3 × 3 were slower, the last two slower
// than channel lanes: V8 keeps all of a step's loads live at once, and they spill.)
// Forward sums keep their order (bias, then k ascending), so z is unchanged. dW and db split
// each sum by lanes: lane l sums the positions p ≡ l (mod 4), rows then positions ascending,
// and the four lane sums meet at the end as (l0 + l1) + (l2 + l3); the scalar build sums in
// the same four parts.

/** Whether a layer runs in position lanes (src/model/conv2d.ts `positionLanes` must agree). */
// @ts-ignore: decorator
@inline function positionLanes(l: usize): bool {
  return layerWord(l, CONV2D_STRIDE_WIDTH) == 1 && (outW(l) & 3) == 0 && (outC(l) & 3) != 0;
}

function forwardRowLanes(z: usize, x: usize, off: usize, base: usize, wt: usize, bias: usize, K: i32, P: i32, O: i32, On: i32): void {
  const vectors = P >> 2;
  for (let o = 0; o < O; o += 3) {
    const G = min(3, O - o);
    // Vector pairs; an odd last vector is computed twice (the same lanes, stored twice).
    for (let v = 0; v < vectors; v += 2) {
      const p0 = v << 2, p1 = min(v + 1, vectors - 1) << 2;
      if (G == 3) forwardLanes(z, x, off, base, wt, bias, K, P, On, p0, p1, o, 3);
      else if (G == 2) forwardLanes(z, x, off, base, wt, bias, K, P, On, p0, p1, o, 2);
      else forwardLanes(z, x, off, base, wt, bias, K, P, On, p0, p1, o, 1);
    }
  }
}

/** Positions p0…p0+3 and p1…p1+3 of channels o…o+G−1 (G a constant, 1 to 3). */
// @ts-ignore: decorator
@inline function forwardLanes(z: usize, x: usize, off: usize, base: usize, wt: usize, bias: usize, K: i32, P: i32, On: i32, p0: i32, p1: i32, o: i32, G: i32): void {
  const q0 = x + <usize>load<i32>(base + bytes(p0)), q1 = x + <usize>load<i32>(base + bytes(p1));
  const pb = bias + bytes(o);
  const zero = f32x4.splat(0);
  const b0 = v128.load32_splat(pb);
  const b1 = G > 1 ? v128.load32_splat(pb, 4) : zero;
  const b2 = G > 2 ? v128.load32_splat(pb, 8) : zero;
  let c00 = b0, c01 = b0, c10 = b1, c11 = b1, c20 = b2, c21 = b2;
  let pw = wt + bytes(o);
  const ws = bytes(On);
  let po = off;
  const end = off + bytes(K);
  while (po < end) {
    const at = <usize>load<i32>(po);
    const a0 = v128.load(q0 + at), a1 = v128.load(q1 + at);
    let w = v128.load32_splat(pw);
    c00 = madd(a0, w, c00); c01 = madd(a1, w, c01);
    if (G > 1) { w = v128.load32_splat(pw, 4); c10 = madd(a0, w, c10); c11 = madd(a1, w, c11); }
    if (G > 2) { w = v128.load32_splat(pw, 8); c20 = madd(a0, w, c20); c21 = madd(a1, w, c21); }
    po += 4;
    pw += ws;
  }
  const ps = bytes(P);
  const pz = z + bytes(o * P);
  v128.store(pz + bytes(p0), c00); v128.store(pz + bytes(p1), c01);
  if (G > 1) { v128.store(pz + ps + bytes(p0), c10); v128.store(pz + ps + bytes(p1), c11); }
  if (G > 2) { v128.store(pz + 2 * ps + bytes(p0), c20); v128.store(pz + 2 * ps + bytes(p1), c21); }
}

// Backward scratch in position lanes:
//   dzV   P/4 × O vectors: one row's dz, the O channels' vectors of each 4 positions together
//   lanes (K + 1) × O vectors of dW's lane sums (entry K a sink for an odd last entry's pair),
//         then O vectors of db's

/**
 * dzV from one row's dz (O × P), and db's lane sums += its positions when `bias`. The scalar
 * build keeps the same four sums per channel.
 */
function interleaveInto(dzV: usize, dbLanes: usize, dz: usize, O: i32, P: i32, bias: bool): void {
  if (ASC_FEATURE_SIMD) {
    // Channels in pairs (the last alone when O is odd): two adder chains at a time.
    const step = bytes(O << 2);
    for (let o = 0; o < O; o += 2) {
      const pair = o + 1 < O;
      let s = dz + bytes(o * P);
      let d = dzV + bytes(o << 2);
      const pa = dbLanes + bytes(o << 2);
      let acc0 = v128.load(pa), acc1 = pair ? v128.load(pa, 16) : acc0;
      const ps = bytes(P);
      for (let p = 0; p < P; p += 4) {
        const v0 = v128.load(s);
        v128.store(d, v0);
        acc0 = f32x4.add(acc0, v0);
        if (pair) {
          const v1 = v128.load(s + ps);
          v128.store(d, v1, 16);
          acc1 = f32x4.add(acc1, v1);
        }
        s += 16;
        d += step;
      }
      if (bias) {
        v128.store(pa, acc0);
        if (pair) v128.store(pa, acc1, 16);
      }
    }
  } else {
    for (let o = 0; o < O; o++) {
      const pa = dbLanes + bytes(o << 2);
      let s0 = load<f32>(pa), s1 = load<f32>(pa, 4), s2 = load<f32>(pa, 8), s3 = load<f32>(pa, 12);
      let s = dz + bytes(o * P);
      let d = dzV + bytes(o << 2);
      const step = bytes(O << 2);
      for (let p = 0; p < P; p += 4) {
        const v0 = load<f32>(s), v1 = load<f32>(s, 4), v2 = load<f32>(s, 8), v3 = load<f32>(s, 12);
        store<f32>(d, v0); store<f32>(d, v1, 4); store<f32>(d, v2, 8); store<f32>(d, v3, 12);
        s0 += v0; s1 += v1; s2 += v2; s3 += v3;
        s += 16;
        d += step;
      }
      if (bias) { store<f32>(pa, s0); store<f32>(pa, s1, 4); store<f32>(pa, s2, 8); store<f32>(pa, s3, 12); }
    }
  }
}

/** dW's lane sums += one row's products: window entries in pairs × channels in threes. */
function weightGradRowLanes(lanes: usize, x: usize, off: usize, base: usize, dzV: usize, K: i32, P: i32, O: i32): void {
  if (ASC_FEATURE_SIMD) {
    for (let k = 0; k < K; k += 2) {
      // An odd last entry pairs with the sink row K of the lane sums, reading its own input.
      const k1 = k + 1 < K ? k + 1 : K;
      const q0 = x + <usize>load<i32>(off + bytes(k));
      const q1 = x + <usize>load<i32>(off + bytes(min(k + 1, K - 1)));
      for (let o = 0; o < O; o += 3) {
        const G = min(3, O - o);
        if (G == 3) weightLanes(lanes, base, dzV, P, O, q0, q1, k, k1, o, 3);
        else if (G == 2) weightLanes(lanes, base, dzV, P, O, q0, q1, k, k1, o, 2);
        else weightLanes(lanes, base, dzV, P, O, q0, q1, k, k1, o, 1);
      }
    }
  } else {
    const step = bytes(O << 2);
    for (let k = 0; k < K; k++) {
      const q = x + <usize>load<i32>(off + bytes(k));
      for (let o = 0; o < O; o++) {
        const pa = lanes + bytes((k * O + o) << 2);
        let s0 = load<f32>(pa), s1 = load<f32>(pa, 4), s2 = load<f32>(pa, 8), s3 = load<f32>(pa, 12);
        let g = dzV + bytes(o << 2);
        for (let p = 0; p < P; p += 4) {
          const a = q + <usize>load<i32>(base + bytes(p));
          s0 += load<f32>(a) * load<f32>(g);
          s1 += load<f32>(a, 4) * load<f32>(g, 4);
          s2 += load<f32>(a, 8) * load<f32>(g, 8);
          s3 += load<f32>(a, 12) * load<f32>(g, 12);
          g += step;
        }
        store<f32>(pa, s0); store<f32>(pa, s1, 4); store<f32>(pa, s2, 8); store<f32>(pa, s3, 12);
      }
    }
  }
}

/** Entries k0, k1 (inputs at q0, q1) × channels o…o+G−1 (G a constant, 1 to 3) over every position. */
// @ts-ignore: decorator
@inline function weightLanes(lanes: usize, base: usize, dzV: usize, P: i32, O: i32, q0: usize, q1: usize, k0: i32, k1: i32, o: i32, G: i32): void {
  const pa = lanes + bytes((k0 * O + o) << 2), pb = lanes + bytes((k1 * O + o) << 2);
  const zero = f32x4.splat(0);
  let c00 = v128.load(pa), c01 = v128.load(pb);
  let c10 = G > 1 ? v128.load(pa, 16) : zero, c11 = G > 1 ? v128.load(pb, 16) : zero;
  let c20 = G > 2 ? v128.load(pa, 32) : zero, c21 = G > 2 ? v128.load(pb, 32) : zero;
  let g = dzV + bytes(o << 2);
  const step = bytes(O << 2);
  let pp = base;
  const end = base + bytes(P);
  while (pp < end) {
    const at = <usize>load<i32>(pp);
    const a0 = v128.load(q0 + at), a1 = v128.load(q1 + at);
    let d = v128.load(g);
    c00 = madd(a0, d, c00); c01 = madd(a1, d, c01);
    if (G > 1) { d = v128.load(g, 16); c10 = madd(a0, d, c10); c11 = madd(a1, d, c11); }
    if (G > 2) { d = v128.load(g, 32); c20 = madd(a0, d, c20); c21 = madd(a1, d, c21); }
    pp += 16;
    g += step;
  }
  v128.store(pa, c00); v128.store(pb, c01);
  if (G > 1) { v128.store(pa, c10, 16); v128.store(pb, c11, 16); }
  if (G > 2) { v128.store(pa, c20, 32); v128.store(pb, c21, 32); }
}

/** dW[o, k] (and db[o]) from their four lane sums: (l0 + l1) + (l2 + l3). */
function reduceLanes(dw: usize, lanes: usize, K: i32, O: i32, hasBias: bool): void {
  for (let o = 0; o < O; o++) {
    for (let k = 0; k < K; k++) store<f32>(dw + bytes(o * K + k), laneSum(lanes + bytes((k * O + o) << 2)));
    if (hasBias) store<f32>(dw + bytes(O * K + o), laneSum(lanes + bytes(((K + 1) * O + o) << 2)));
  }
}

// @ts-ignore: decorator
@inline function laneSum(p: usize): f32 {
  return (load<f32>(p) + load<f32>(p, 4)) + (load<f32>(p, 8) + load<f32>(p, 12));
}

// ---- dW: dWᵀ[k, o] += Σ_p x̃[off[k] + base[p]]·dzᵀ[p, o], one row at a time. The same shape
// of block: 4 window entries × 8 channels, the input splatted, dzᵀ's rows the vectors.

function weightGradRow(dwt: usize, x: usize, off: usize, base: usize, dzT: usize, K: i32, P: i32, On: i32): void {
  if (ASC_FEATURE_SIMD) {
    let n = 0;
    for (; n + 8 <= On; n += 8) {
      // 4-entry blocks; 1 to 3 left over take 2- and 3-entry blocks (4 + 1 as 3 + 2), since a
      // lone entry's 2 accumulators wait on the adder's latency.
      let k = 0;
      const rest = K & 3;
      for (; k + 4 <= K - (rest == 1 ? 4 : 0); k += 4) weight4x8(dwt, x, off, base, dzT, P, On, k, n);
      if (K - k == 5) {
        weight3x8(dwt, x, off, base, dzT, P, On, k, n);
        k += 3;
      }
      if (K - k == 3) weight3x8(dwt, x, off, base, dzT, P, On, k, n);
      else if (K - k == 2) weight2x8(dwt, x, off, base, dzT, P, On, k, n);
      else if (K - k == 1) weight1x8(dwt, x, off, base, dzT, P, On, k, n);
    }
    if (n < On) {
      for (let k = 0; k < K; k++) weight1x4(dwt, x, off, base, dzT, P, On, k, n);
    }
  } else {
    // Four channels at a time: each input value loaded once for four products.
    const rs = bytes(On);
    for (let k = 0; k < K; k++) {
      const q = x + <usize>load<i32>(off + bytes(k));
      for (let o = 0; o < On; o += 4) {
        const pd = dwt + bytes(k * On + o);
        let s0 = load<f32>(pd), s1 = load<f32>(pd, 4), s2 = load<f32>(pd, 8), s3 = load<f32>(pd, 12);
        let g = dzT + bytes(o);
        for (let p = 0; p < P; p++) {
          const v = load<f32>(q + <usize>load<i32>(base + bytes(p)));
          s0 += v * load<f32>(g);
          s1 += v * load<f32>(g, 4);
          s2 += v * load<f32>(g, 8);
          s3 += v * load<f32>(g, 12);
          g += rs;
        }
        store<f32>(pd, s0); store<f32>(pd, s1, 4); store<f32>(pd, s2, 8); store<f32>(pd, s3, 12);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function weight4x8(dwt: usize, x: usize, off: usize, base: usize, dzT: usize, P: i32, On: i32, k: i32, n: i32): void {
  const q0 = x + <usize>load<i32>(off + bytes(k));
  const q1 = x + <usize>load<i32>(off + bytes(k), 4);
  const q2 = x + <usize>load<i32>(off + bytes(k), 8);
  const q3 = x + <usize>load<i32>(off + bytes(k), 12);
  const rs = bytes(On);
  const pd = dwt + bytes(k * On + n);
  let c00 = v128.load(pd), c01 = v128.load(pd, 16);
  let c10 = v128.load(pd + rs), c11 = v128.load(pd + rs, 16);
  let c20 = v128.load(pd + 2 * rs), c21 = v128.load(pd + 2 * rs, 16);
  let c30 = v128.load(pd + 3 * rs), c31 = v128.load(pd + 3 * rs, 16);
  let pg = dzT + bytes(n);
  let pb = base;
  const end = base + bytes(P);
  while (pb < end) {
    const o = <usize>load<i32>(pb);
    const b0 = v128.load(pg), b1 = v128.load(pg, 16);
    let a = v128.load32_splat(q0 + o);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(q1 + o);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(q2 + o);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(q3 + o);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    pb += 4;
    pg += rs;
  }
  v128.store(pd, c00); v128.store(pd, c01, 16);
  v128.store(pd + rs, c10); v128.store(pd + rs, c11, 16);
  v128.store(pd + 2 * rs, c20); v128.store(pd + 2 * rs, c21, 16);
  v128.store(pd + 3 * rs, c30); v128.store(pd + 3 * rs, c31, 16);
}

// @ts-ignore: decorator
@inline function weight3x8(dwt: usize, x: usize, off: usize, base: usize, dzT: usize, P: i32, On: i32, k: i32, n: i32): void {
  const q0 = x + <usize>load<i32>(off + bytes(k));
  const q1 = x + <usize>load<i32>(off + bytes(k), 4);
  const q2 = x + <usize>load<i32>(off + bytes(k), 8);
  const rs = bytes(On);
  const pd = dwt + bytes(k * On + n);
  let c00 = v128.load(pd), c01 = v128.load(pd, 16);
  let c10 = v128.load(pd + rs), c11 = v128.load(pd + rs, 16);
  let c20 = v128.load(pd + 2 * rs), c21 = v128.load(pd + 2 * rs, 16);
  let pg = dzT + bytes(n);
  let pb = base;
  const end = base + bytes(P);
  while (pb < end) {
    const o = <usize>load<i32>(pb);
    const b0 = v128.load(pg), b1 = v128.load(pg, 16);
    let a = v128.load32_splat(q0 + o);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(q1 + o);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(q2 + o);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    pb += 4;
    pg += rs;
  }
  v128.store(pd, c00); v128.store(pd, c01, 16);
  v128.store(pd + rs, c10); v128.store(pd + rs, c11, 16);
  v128.store(pd + 2 * rs, c20); v128.store(pd + 2 * rs, c21, 16);
}

// @ts-ignore: decorator
@inline function weight2x8(dwt: usize, x: usize, off: usize, base: usize, dzT: usize, P: i32, On: i32, k: i32, n: i32): void {
  const q0 = x + <usize>load<i32>(off + bytes(k));
  const q1 = x + <usize>load<i32>(off + bytes(k), 4);
  const rs = bytes(On);
  const pd = dwt + bytes(k * On + n);
  let c00 = v128.load(pd), c01 = v128.load(pd, 16);
  let c10 = v128.load(pd + rs), c11 = v128.load(pd + rs, 16);
  let pg = dzT + bytes(n);
  let pb = base;
  const end = base + bytes(P);
  while (pb < end) {
    const o = <usize>load<i32>(pb);
    const b0 = v128.load(pg), b1 = v128.load(pg, 16);
    let a = v128.load32_splat(q0 + o);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(q1 + o);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    pb += 4;
    pg += rs;
  }
  v128.store(pd, c00); v128.store(pd, c01, 16);
  v128.store(pd + rs, c10); v128.store(pd + rs, c11, 16);
}

// @ts-ignore: decorator
@inline function weight1x8(dwt: usize, x: usize, off: usize, base: usize, dzT: usize, P: i32, On: i32, k: i32, n: i32): void {
  const q = x + <usize>load<i32>(off + bytes(k));
  const pd = dwt + bytes(k * On + n);
  let c0 = v128.load(pd), c1 = v128.load(pd, 16);
  let pg = dzT + bytes(n);
  let pb = base;
  const end = base + bytes(P);
  const rs = bytes(On);
  while (pb < end) {
    const a = v128.load32_splat(q + <usize>load<i32>(pb));
    c0 = madd(a, v128.load(pg), c0);
    c1 = madd(a, v128.load(pg, 16), c1);
    pb += 4;
    pg += rs;
  }
  v128.store(pd, c0); v128.store(pd, c1, 16);
}

// @ts-ignore: decorator
@inline function weight1x4(dwt: usize, x: usize, off: usize, base: usize, dzT: usize, P: i32, On: i32, k: i32, n: i32): void {
  const q = x + <usize>load<i32>(off + bytes(k));
  const pd = dwt + bytes(k * On + n);
  let c0 = v128.load(pd);
  let pg = dzT + bytes(n);
  let pb = base;
  const end = base + bytes(P);
  const rs = bytes(On);
  while (pb < end) {
    c0 = madd(v128.load32_splat(q + <usize>load<i32>(pb)), v128.load(pg), c0);
    pb += 4;
    pg += rs;
  }
  v128.store(pd, c0);
}
