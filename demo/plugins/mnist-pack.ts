// The demo's MNIST byte format (little-endian), written here at build time and read by the
// playground's worker (src/panels/playground/mnist.ts), which shares readMnistHeader:
//   0  "DGTS"           magic
//   4  u32 count        digits
//   8  u16 rows, u16 columns (28, 28)
//  12  u32 0            reserved
//  16  count label bytes (0–9), then count × rows × columns pixel bytes k (pixel = k / 255)
// The package stores k/255 rounded to 3 decimals; each value is mapped back to its byte and the
// round trip is checked, so the page sees the exact k/255 the rounding came from.
// Pure code (no Node modules): the browser bundle imports it too.
export const MNIST_MAGIC = 'DGTS';
export const MNIST_HEADER_BYTES = 16;
export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;

/** What the packer reads from the `mnist` package: one entry per digit. */
export type MnistPackage = Record<number, { raw: ArrayLike<number>; length: number }>;

export interface MnistHeader {
  count: number;
  rows: number;
  columns: number;
  /** Offset of the first label byte. */
  labels: number;
  /** Offset of the first pixel byte. */
  pixels: number;
}

/** The file length a header with `count` digits of 28×28 promises. */
export const mnistFileLength = (count: number): number => MNIST_HEADER_BYTES + count * (1 + MNIST_PIXELS);

/**
 * Checks magic, image size and total length, and returns where labels and pixels start.
 * The messages say what was found, so a 404 page or a half-written file is recognisable.
 */
export function readMnistHeader(bytes: Uint8Array): MnistHeader {
  const head = String.fromCharCode(...bytes.subarray(0, 16));
  if (/^\s*</.test(head)) {
    throw new Error(`the MNIST file is an HTML page (it starts with ${JSON.stringify(head.trim().slice(0, 15))}), not the packed digits: the server has no digit file at that address`);
  }
  if (bytes.length < MNIST_HEADER_BYTES) throw new Error(`the MNIST file has ${bytes.length} bytes, fewer than its ${MNIST_HEADER_BYTES}-byte header`);
  const magic = head.slice(0, 4);
  if (magic !== MNIST_MAGIC) throw new Error(`the MNIST file starts with ${JSON.stringify(magic)}, not the magic "${MNIST_MAGIC}": it is not a packed digit file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4, true);
  const rows = view.getUint16(8, true);
  const columns = view.getUint16(10, true);
  if (rows !== MNIST_SIDE || columns !== MNIST_SIDE) throw new Error(`the MNIST file holds ${rows}×${columns} images, expected ${MNIST_SIDE}×${MNIST_SIDE}`);
  if (count === 0) throw new Error('the MNIST file holds no digits (count 0)');
  const expected = mnistFileLength(count);
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'longer than its header says';
    throw new Error(`the MNIST file is ${what}: ${bytes.length} bytes, but ${count} digits of ${rows}×${columns} need ${expected}`);
  }
  return { count, rows, columns, labels: MNIST_HEADER_BYTES, pixels: MNIST_HEADER_BYTES + count };
}

export function packMnist(pkg: MnistPackage): Uint8Array {
  let count = 0;
  for (let d = 0; d < 10; d++) count += pkg[d].length;
  const out = new Uint8Array(mnistFileLength(count));
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = MNIST_MAGIC.charCodeAt(i);
  view.setUint32(4, count, true);
  view.setUint16(8, MNIST_SIDE, true);
  view.setUint16(10, MNIST_SIDE, true);
  let row = 0;
  const pixels = MNIST_HEADER_BYTES + count;
  for (let d = 0; d < 10; d++) {
    const { raw, length } = pkg[d];
    if (raw.length !== length * MNIST_PIXELS) throw new Error(`mnist[${d}].raw has ${raw.length} values, expected ${length} × ${MNIST_PIXELS}`);
    for (let r = 0; r < length; r++, row++) {
      out[MNIST_HEADER_BYTES + row] = d;
      for (let p = 0; p < MNIST_PIXELS; p++) {
        const v = raw[r * MNIST_PIXELS + p];
        const k = Math.round(v * 255);
        if (!(k >= 0 && k <= 255) || Math.abs(Math.round((k / 255) * 1000) / 1000 - v) > 1e-9) {
          throw new Error(`mnist[${d}] row ${r} pixel ${p} is ${v}, not a byte / 255 rounded to 3 decimals`);
        }
        out[pixels + row * MNIST_PIXELS + p] = k;
      }
    }
  }
  return out;
}
