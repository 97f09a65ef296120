// The one file format a case's data and initial weights travel in to the PyTorch workers
// (and, for LeNet, to every implementation): a u32 header length, a JSON header (source,
// then each section's name, dtype, shape, offset and length), padding to 4 bytes, then the
// sections as little-endian f32 / i32. Python reads it with bench/torch_worker.py.
import { readFileSync, writeFileSync } from 'node:fs';

const ALIGN = 4;

/** Writes `parts` ({ name, dtype: 'f32' | 'i32', shape, data }) and `source` to `path`. */
export function writeCaseFile(path, { source, parts }) {
  let offset = 0;
  const sections = parts.map((p) => {
    const s = { name: p.name, dtype: p.dtype, shape: p.shape, offset, length: p.data.length };
    offset += p.data.byteLength;
    return s;
  });
  let header = Buffer.from(JSON.stringify({ source, sections }), 'utf8');
  header = Buffer.concat([header, Buffer.alloc((ALIGN - ((4 + header.length) % ALIGN)) % ALIGN, 0x20)]);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  writeFileSync(path, Buffer.concat([len, header, ...parts.map((p) => Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength))]));
}

/** Reads what writeCaseFile wrote: { source, sections: Map(name → Float32Array | Int32Array) }. */
export function readCaseFile(path) {
  const buf = readFileSync(path);
  const headerLength = buf.readUInt32LE(0);
  const { source, sections } = JSON.parse(buf.subarray(4, 4 + headerLength).toString('utf8'));
  const base = 4 + headerLength;
  const take = (s) => {
    const copy = new Uint8Array(buf.subarray(base + s.offset, base + s.offset + 4 * s.length)); // aligned, owned
    return s.dtype === 'i32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
  };
  return { source, sections: new Map(sections.map((s) => [s.name, take(s)])) };
}
