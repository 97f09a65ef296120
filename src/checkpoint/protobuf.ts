// Just enough of the protocol-buffers wire format to write an ONNX model: varints,
// length-delimited fields (strings, bytes, nested messages) and fixed32 floats. Messages are
// built as byte arrays from the inside out.
const enc = new TextEncoder();

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n; // two's complement, as int64 fields encode negatives
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

export type Field = Uint8Array;

const tag = (field: number, wire: number) => varint((field << 3) | wire);

/** An integer field (varint: int32, int64, enums). */
export function int(field: number, n: number): Field {
  return Uint8Array.from([...tag(field, 0), ...varint(n)]);
}

/** A length-delimited field: bytes, or a nested message's bytes. */
export function bytes(field: number, value: Uint8Array): Field {
  const head = [...tag(field, 2), ...varint(value.length)];
  const out = new Uint8Array(head.length + value.length);
  out.set(head);
  out.set(value, head.length);
  return out;
}

export function string(field: number, s: string): Field {
  return bytes(field, enc.encode(s));
}

/** A float field (fixed32, little-endian). */
export function float(field: number, f: number): Field {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, f, true);
  return Uint8Array.from([...tag(field, 5), ...b]);
}

/** A message: its fields concatenated. */
export function message(...fields: Field[]): Uint8Array {
  const out = new Uint8Array(fields.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of fields) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}
