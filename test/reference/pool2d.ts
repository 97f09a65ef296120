// Reference 2-D pooling (torch.nn.MaxPool2d, AvgPool2d) over rows of [C, H, W], written from
// PyTorch's definitions: a window of k taps d apart starting at o·s − p along each dimension,
// output sizes as ATen's pooling_output_shape. Plain f64, except that `f32: true` rounds every
// addition and division to f32 in ATen's CPU order (sum from 0 in scan order, then the
// division, then the add to a zeroed output), the arithmetic the kernels must reproduce.

export interface Pool2dGeometry {
  channels: number;
  height: number;
  width: number;
  kernel: readonly [number, number];
  stride: readonly [number, number];
  padding: readonly [number, number];
  /** Max pooling only (1 for average pooling). */
  dilation: readonly [number, number];
  ceilMode: boolean;
  /** Average pooling only: the divisor counts the padding. */
  countIncludePad: boolean;
}

/** ATen's pooling_output_shape along one dimension. */
export function poolSize(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let out = Math.floor((size + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  // Ceil mode may not start a window in the right padding.
  if (ceil && (out - 1) * s >= size + p) out -= 1;
  return out;
}

export function outputShape(g: Pool2dGeometry): [number, number] {
  return [
    poolSize(g.height, g.kernel[0], g.stride[0], g.padding[0], g.dilation[0], g.ceilMode),
    poolSize(g.width, g.kernel[1], g.stride[1], g.padding[1], g.dilation[1], g.ceilMode),
  ];
}

/** The taps of output o's window inside [0, size), in order. */
function taps(o: number, size: number, k: number, s: number, p: number, d: number): number[] {
  const t: number[] = [];
  for (let j = 0; j < k; j++) {
    const i = o * s - p + j * d;
    if (i >= 0 && i < size) t.push(i);
  }
  return t;
}

/**
 * Max pooling: y and each output's argmax (an index into its channel's H·W plane). A value
 * replaces the running maximum when it is greater or NaN: ties keep the first, the last NaN
 * wins. A window with no tap inside the input gives −∞ and index −1.
 */
export function maxPool2dForward(x: ArrayLike<number>, rows: number, g: Pool2dGeometry): { y: Float64Array; argmax: Int32Array } {
  const [OH, OW] = outputShape(g);
  const { height: H, width: W } = g;
  const planes = rows * g.channels;
  const y = new Float64Array(planes * OH * OW);
  const argmax = new Int32Array(planes * OH * OW);
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < OH; oh++) {
      const hs = taps(oh, H, g.kernel[0], g.stride[0], g.padding[0], g.dilation[0]);
      for (let ow = 0; ow < OW; ow++) {
        const ws = taps(ow, W, g.kernel[1], g.stride[1], g.padding[1], g.dilation[1]);
        let best = -Infinity;
        let at = hs.length && ws.length ? hs[0] * W + ws[0] : -1;
        for (const ih of hs) {
          for (const iw of ws) {
            const v = x[p * H * W + ih * W + iw];
            if (v > best || Number.isNaN(v)) {
              best = v;
              at = ih * W + iw;
            }
          }
        }
        y[(p * OH + oh) * OW + ow] = best;
        argmax[(p * OH + oh) * OW + ow] = at;
      }
    }
  }
  return { y, argmax };
}

/** dx of max pooling: each dy added at its output's argmax, outputs in order. */
export function maxPool2dBackward(dy: ArrayLike<number>, argmax: Int32Array, rows: number, g: Pool2dGeometry, f32 = false): Float64Array {
  const [OH, OW] = outputShape(g);
  const plane = g.height * g.width;
  const dx = new Float64Array(rows * g.channels * plane);
  const round = f32 ? Math.fround : (v: number) => v;
  for (let i = 0; i < argmax.length; i++) {
    if (argmax[i] < 0) continue;
    const p = Math.floor(i / (OH * OW));
    const k = p * plane + argmax[i];
    dx[k] = round(dx[k] + dy[i]);
  }
  return dx;
}

/** The rows and columns of an average window, and its divisor (0 windows: empty). */
function avgWindow(oh: number, ow: number, g: Pool2dGeometry) {
  const { height: H, width: W } = g;
  const hs = taps(oh, H, g.kernel[0], g.stride[0], g.padding[0], 1);
  const ws = taps(ow, W, g.kernel[1], g.stride[1], g.padding[1], 1);
  // count_include_pad counts the window's positions inside the padded input [−p, size + p).
  const inPadded = (o: number, size: number, k: number, s: number, p: number) => {
    let n = 0;
    for (let j = 0; j < k; j++) {
      const i = o * s - p + j;
      if (i >= -p && i < size + p) n++;
    }
    return n;
  };
  const divisor = g.countIncludePad
    ? inPadded(oh, H, g.kernel[0], g.stride[0], g.padding[0]) * inPadded(ow, W, g.kernel[1], g.stride[1], g.padding[1])
    : hs.length * ws.length;
  return { hs, ws, divisor };
}

/** Average pooling; an empty window gives 0. */
export function avgPool2dForward(x: ArrayLike<number>, rows: number, g: Pool2dGeometry, f32 = false): Float64Array {
  const [OH, OW] = outputShape(g);
  const { height: H, width: W } = g;
  const planes = rows * g.channels;
  const round = f32 ? Math.fround : (v: number) => v;
  const y = new Float64Array(planes * OH * OW);
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const { hs, ws, divisor } = avgWindow(oh, ow, g);
        if (!hs.length || !ws.length) continue;
        let sum = 0;
        for (const ih of hs) for (const iw of ws) sum = round(sum + x[p * H * W + ih * W + iw]);
        // Added to a zeroed output: −0 becomes +0.
        y[(p * OH + oh) * OW + ow] = 0 + round(sum / divisor);
      }
    }
  }
  return y;
}

/** dx of average pooling: each dy / divisor added over its window, outputs in order. */
export function avgPool2dBackward(dy: ArrayLike<number>, rows: number, g: Pool2dGeometry, f32 = false): Float64Array {
  const [OH, OW] = outputShape(g);
  const { height: H, width: W } = g;
  const planes = rows * g.channels;
  const round = f32 ? Math.fround : (v: number) => v;
  const dx = new Float64Array(planes * H * W);
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const { hs, ws, divisor } = avgWindow(oh, ow, g);
        if (!hs.length || !ws.length) continue;
        const share = round(dy[(p * OH + oh) * OW + ow] / divisor);
        for (const ih of hs) for (const iw of ws) dx[p * H * W + ih * W + iw] = round(dx[p * H * W + ih * W + iw] + share);
      }
    }
  }
  return dx;
}
