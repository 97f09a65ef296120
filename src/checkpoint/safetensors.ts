// The safetensors container (huggingface/safetensors): an 8-byte little-endian header length,
// a JSON header naming each tensor's dtype, shape and byte range, optional string metadata
// under "__metadata__", then the raw little-endian bytes. PyTorch (safetensors.torch), candle,
// Burn and jax-js read it. Only what descent stores is written and read (F32; I32 for a run's
// row order; I64 for BatchNorm's num_batches_tracked, as PyTorch keeps it); reading checks
// every offset, so a truncated or altered file is a DataError, never a wrong tensor.
import { DataError } from '../errors.js';

export interface Tensor {
  shape: number[];
  data: Float32Array | Int32Array | BigInt64Array;
}

/** The safetensors dtype of a tensor's data. */
export function dtypeOf(data: Tensor['data']): 'F32' | 'I32' | 'I64' {
  return data instanceof Float32Array ? 'F32' : data instanceof Int32Array ? 'I32' : 'I64';
}

const TYPES = { F32: Float32Array, I32: Int32Array, I64: BigInt64Array } as const;

const HEADER_LIMIT = 100_000_000;
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** `tensors` (in order) and string `metadata` as safetensors bytes. */
export function encodeSafetensors(tensors: [name: string, tensor: Tensor][], metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = t.data.byteLength;
    header[name] = { dtype: dtypeOf(t.data), shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  // The format pads the header with spaces so the data starts 8-byte aligned.
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padded - json.length));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [, t] of tensors) {
    // The format is little-endian, as typed arrays are on every platform descent runs on: a
    // byte copy then (a checkpoint of 200k parameters with Adam's state: 2.5 MB).
    const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(LITTLE_ENDIAN ? raw : swapped(raw.slice(), t.data.BYTES_PER_ELEMENT), at);
    at += t.data.byteLength;
  }
  return out;
}

/** `bytes` with each `width`-byte element's bytes reversed: little-endian data on a big-endian platform and back. */
function swapped<T extends Uint8Array>(bytes: T, width: number): T {
  if (!LITTLE_ENDIAN) for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
  return bytes;
}

export interface Decoded {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
  /** The data section (after the header), for checksums. */
  payload: Uint8Array;
}

const bad = (message: string, path: string, value: unknown) => new DataError(`checkpoint: ${message}`, path, value);

/** Parses safetensors bytes; every inconsistency is a DataError naming it. */
export function decodeSafetensors(bytes: Uint8Array): Decoded {
  if (!(bytes instanceof Uint8Array)) throw bad(`must be a Uint8Array of safetensors bytes, got ${Object.prototype.toString.call(bytes)}`, 'checkpoint', bytes);
  if (bytes.length < 8) throw bad(`is ${bytes.length} bytes, too short for a safetensors header`, 'checkpoint.length', bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > HEADER_LIMIT || 8 + headerLength > bytes.length) {
    throw bad(`its header claims ${headerLength} bytes but the file has ${bytes.length - 8} after the length (truncated or not safetensors)`, 'checkpoint.header', headerLength);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (err) {
    throw bad(`its header is not valid JSON (${(err as Error).message})`, 'checkpoint.header', headerLength);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw bad('its header is not a JSON object', 'checkpoint.header', header);
  const payload = bytes.subarray(8 + headerLength);
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, Tensor>();
  const ranges: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null) throw bad('__metadata__ must be an object of strings', 'checkpoint.__metadata__', entry);
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== 'string') throw bad(`__metadata__.${k} must be a string, got ${typeof v}`, `checkpoint.__metadata__.${k}`, v);
        metadata[k] = v;
      }
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const path = `checkpoint.${name}`;
    const dtype = e?.dtype;
    if (dtype !== 'F32' && dtype !== 'I32' && dtype !== 'I64') throw bad(`tensor ${name} has dtype ${JSON.stringify(dtype)}; descent stores and reads F32 (and I32, I64)`, `${path}.dtype`, dtype);
    const width = dtype === 'I64' ? 8 : 4;
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw bad(`tensor ${name} has shape ${JSON.stringify(shape)}`, `${path}.shape`, shape);
    const offsets = e.data_offsets;
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(Number.isInteger) || offsets[0] < 0 || offsets[1] - offsets[0] !== count * width || offsets[1] > payload.length) {
      throw bad(`tensor ${name}'s data_offsets ${JSON.stringify(offsets)} do not hold ${count} ${width}-byte values within the ${payload.length} data bytes`, `${path}.data_offsets`, offsets);
    }
    ranges.push([offsets[0], offsets[1], name]);
    const Type = TYPES[dtype];
    // A copy of the bytes (aligned, and not a view of the caller's buffer), in the platform's byte order.
    const data = new Type(swapped(payload.slice(offsets[0], offsets[1]), width).buffer);
    tensors.set(name, { shape: shape as number[], data });
  }
  // The format requires the tensors to tile the data section exactly: no gaps, no overlaps.
  ranges.sort((a, b) => a[0] - b[0]);
  let end = 0;
  for (const [from, to, name] of ranges) {
    if (from !== end) throw bad(`tensor ${name} starts at byte ${from}, expected ${end} (overlapping or missing data)`, `checkpoint.${name}.data_offsets`, from);
    end = to;
  }
  if (end !== payload.length) throw bad(`the tensors end at byte ${end} of ${payload.length} data bytes (trailing bytes)`, 'checkpoint.length', bytes.length);
  return { tensors, metadata, payload };
}
