// The demo's MNIST byte format (little-endian), read by src/panels/playground/mnist/:
//   0  "DGTS"           magic
//   4  u32 count        digits
//   8  u16 rows, u16 columns (28, 28)
//  12  u32 0            reserved
//  16  count label bytes (0–9), then count × rows × columns pixel bytes k (pixel = k / 255)
// The package stores k/255 rounded to 3 decimals; each value is mapped back to its byte and the
// round trip is checked, so the page sees the exact k/255 the rounding came from.
export const MNIST_MAGIC = 'DGTS';
export const MNIST_HEADER_BYTES = 16;
const SIDE = 28;
const PIXELS = SIDE * SIDE;

export function packMnist(pkg: Record<number, { raw: ArrayLike<number>; length: number }>): Uint8Array {
  let count = 0;
  for (let d = 0; d < 10; d++) count += pkg[d].length;
  const out = new Uint8Array(MNIST_HEADER_BYTES + count + count * PIXELS);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = MNIST_MAGIC.charCodeAt(i);
  view.setUint32(4, count, true);
  view.setUint16(8, SIDE, true);
  view.setUint16(10, SIDE, true);
  let row = 0;
  const pixels = MNIST_HEADER_BYTES + count;
  for (let d = 0; d < 10; d++) {
    const { raw, length } = pkg[d];
    if (raw.length !== length * PIXELS) throw new Error(`mnist[${d}].raw has ${raw.length} values, expected ${length} × ${PIXELS}`);
    for (let r = 0; r < length; r++, row++) {
      out[MNIST_HEADER_BYTES + row] = d;
      for (let p = 0; p < PIXELS; p++) {
        const v = raw[r * PIXELS + p];
        const k = Math.round(v * 255);
        if (!(k >= 0 && k <= 255) || Math.abs(Math.round((k / 255) * 1000) / 1000 - v) > 1e-9) {
          throw new Error(`mnist[${d}] row ${r} pixel ${p} is ${v}, not a byte / 255 rounded to 3 decimals`);
        }
        out[pixels + row * PIXELS + p] = k;
      }
    }
  }
  return out;
}
