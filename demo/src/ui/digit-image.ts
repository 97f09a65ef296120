// A drawn digit made to look like an MNIST digit, the way MNIST's images were made from NIST's:
// the ink's bounding box scaled to fit 20 × 20 keeping its aspect ratio, anti-aliased by area
// averaging, then placed in 28 × 28 with its centre of mass at the centre. A net trained on
// MNIST has only seen digits framed like that; an uncentred or oversized drawing would fool it.
export const DIGIT_SIDE = 28;
export const DIGIT_BOX = 20;
/** Coverage below this is anti-aliasing haze, not ink, when finding the bounding box. */
const INK = 0.1;

/**
 * 784 values in [0, 1] (0 = background) from `ink`, a width × height coverage image in [0, 1],
 * row-major; null when there is no ink.
 */
export function toMnistPixels(ink: ArrayLike<number>, width: number, height: number): Float32Array | null {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > INK) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const w = x1 - x0 + 1, h = y1 - y0 + 1;
  const scale = DIGIT_BOX / Math.max(w, h);
  const tw = Math.max(1, Math.round(w * scale)), th = Math.max(1, Math.round(h * scale));

  // Area averaging, one axis at a time: rows of the box to tw columns, then columns to th rows.
  const box = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) box[y * w + x] = ink[(y0 + y) * width + x0 + x];
  const narrow = new Float32Array(tw * h);
  for (let y = 0; y < h; y++) resample(box, y * w, 1, w, narrow, y * tw, 1, tw);
  const small = new Float32Array(tw * th);
  for (let x = 0; x < tw; x++) resample(narrow, x, tw, h, small, x, tw, th);

  // Centre of mass (pixel centres at i + 0.5), moved by whole pixels onto the image's centre.
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  const left = Math.round(DIGIT_SIDE / 2 - mx / mass);
  const top = Math.round(DIGIT_SIDE / 2 - my / mass);
  const out = new Float32Array(DIGIT_SIDE * DIGIT_SIDE);
  for (let y = 0; y < th; y++) {
    const oy = top + y;
    if (oy < 0 || oy >= DIGIT_SIDE) continue;
    for (let x = 0; x < tw; x++) {
      const ox = left + x;
      if (ox >= 0 && ox < DIGIT_SIDE) out[oy * DIGIT_SIDE + ox] = Math.min(1, small[y * tw + x]);
    }
  }
  return out;
}

/**
 * `n` samples of `src` (from `from`, every `stride`) averaged into `m` samples of `dst`: output i
 * is the mean of the source over [i·n/m, (i+1)·n/m), each source cell weighted by its overlap.
 */
function resample(src: Float32Array, from: number, stride: number, n: number, dst: Float32Array, to: number, dstStride: number, m: number): void {
  const span = n / m;
  for (let i = 0; i < m; i++) {
    const a = i * span, b = a + span;
    let sum = 0;
    for (let j = Math.floor(a); j < Math.min(n, Math.ceil(b)); j++) {
      const overlap = Math.min(b, j + 1) - Math.max(a, j);
      if (overlap > 0) sum += overlap * src[from + j * stride];
    }
    dst[to + i * dstStride] = sum / span;
  }
}
