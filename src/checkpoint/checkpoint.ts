// Checkpoints of a network's parameters and state in safetensors, named as torch.nn.Sequential
// names them (layout.ts): a 2-16(relu)-3 network is Sequential(Linear, ReLU, Linear) and its
// tensors are 0.weight, 0.bias, 2.weight, 2.bias (weight [out, in] row-major, as Linear
// stores it); a BatchNorm adds its buffers running_mean, running_var and num_batches_tracked.
// The metadata holds the spec, descent's version, the format version and a CRC-32 over the
// data and the metadata. A run's snapshot may come along (training.ts: optimizer state as
// torch.optim names it, and what resumes the run). Loading checks everything before anything
// changes.
import { ConfigError, DataError } from '../errors.js';
import { resolveSpec } from '../model/spec.js';
import type { Network } from '../network.js';
import type { NetworkSpec, TrainingSnapshot } from '../types.js';
import { crc32 } from './crc32.js';
import { plainSpec, sequentialLayout, splitParameters, type TensorEntry } from './layout.js';
import { decodeSafetensors, dtypeOf, encodeSafetensors, type Tensor } from './safetensors.js';
import { decodeTraining, encodeTraining } from './training.js';

export { sequentialIndices } from './layout.js';

/** descent's version, written into every checkpoint (a test holds it to package.json's). */
export const DESCENT_VERSION = '0.1.0';
/** The checkpoint layout's version: readers refuse a newer one. */
export const CHECKPOINT_FORMAT = '1';

const KEYS = { format: 'format', version: 'descent.version', layout: 'descent.format', spec: 'descent.spec', checksum: 'descent.crc32' } as const;

/**
 * The CRC-32 over the tensor bytes, each tensor's name and shape, and every metadata entry but
 * the checksum (in key order): a flip that renames or reshapes a tensor is caught on read too.
 */
function checksum(payload: Uint8Array, metadata: Record<string, string>, tensors: Iterable<[string, Tensor]>): string {
  const names = [...tensors].map(([name, t]) => `${name}[${t.shape.join(',')}]\n`).join('');
  const meta = Object.keys(metadata).filter((k) => k !== KEYS.checksum).sort().map((k) => `${k}=${metadata[k]}\n`).join('');
  return crc32(new TextEncoder().encode(names + meta), crc32(payload)).toString(16).padStart(8, '0');
}

export interface SaveOptions {
  /** Extra string entries to keep in the metadata. */
  metadata?: Record<string, string>;
  /** A run's snapshot (`run.snapshot()` in onBatchEnd or onEpochEnd), so fit's `resume` can continue it. */
  training?: TrainingSnapshot;
}

/** `net`'s spec, parameters and state (and a run's snapshot) as safetensors bytes. */
export function saveCheckpoint(net: Network, options: SaveOptions = {}): Uint8Array {
  const spec = net.spec;
  const layout = sequentialLayout(spec);
  const params = net.getParameters();
  const state = net.getState();
  const tensors: [string, Tensor][] = layout.flatMap((l, i) => {
    const values = splitParameters(l.parameters, params[i]);
    return [
      ...l.parameters.map((p, j): [string, Tensor] => [p.name, { shape: p.shape, data: values[j] }]),
      // PyTorch keeps num_batches_tracked as int64.
      ...l.state.map((t): [string, Tensor] => [t.name, { shape: t.shape, data: t.dtype === 'I64' ? BigInt64Array.from(state[i][t.attribute], BigInt) : state[i][t.attribute] }]),
    ];
  });
  const training = options.training ? encodeTraining(options.training, layout.flatMap((l) => l.parameters)) : { tensors: [], metadata: {} };
  tensors.push(...training.tensors);
  const meta: Record<string, string> = { ...options.metadata, ...training.metadata, [KEYS.format]: 'pt', [KEYS.version]: DESCENT_VERSION, [KEYS.layout]: CHECKPOINT_FORMAT, [KEYS.spec]: JSON.stringify(plainSpec(spec)) };
  // The checksum covers the tensor bytes, which only exist once encoded.
  const unsummed = encodeSafetensors(tensors, { ...meta, [KEYS.checksum]: '00000000' });
  const payload = unsummed.subarray(8 + Number(new DataView(unsummed.buffer).getBigUint64(0, true)));
  return encodeSafetensors(tensors, { ...meta, [KEYS.checksum]: checksum(payload, meta, tensors) });
}

export interface CheckpointContents {
  /** The network spec it was saved from (descent checkpoints), or null for a plain safetensors file. */
  spec: NetworkSpec | null;
  /** Every tensor, by name. */
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
  /** The run's snapshot it carries, for fit's `resume` (loadCheckpoint reads it; readCheckpoint leaves it null, not knowing the network). */
  training: TrainingSnapshot | null;
}

/**
 * Reads checkpoint bytes: the container, then — when it is descent's — the format version and
 * the checksum. A file without descent's metadata (one PyTorch wrote) is read as plain tensors.
 */
export function readCheckpoint(bytes: Uint8Array): CheckpointContents {
  const { tensors, metadata, payload } = decodeSafetensors(bytes);
  // descent's own metadata never comes without its checksum: one without it was altered.
  if (metadata[KEYS.checksum] === undefined && Object.keys(metadata).some((k) => k.startsWith('descent.'))) {
    throw new DataError(`checkpoint: it has descent's metadata but no ${KEYS.checksum} (the file was altered)`, 'checkpoint.crc32', undefined);
  }
  if (metadata[KEYS.checksum] !== undefined) {
    const want = checksum(payload, metadata, tensors);
    if (metadata[KEYS.checksum] !== want) throw new DataError(`checkpoint: its CRC-32 is ${metadata[KEYS.checksum]} but the contents give ${want} (the file is corrupted)`, 'checkpoint.crc32', metadata[KEYS.checksum]);
  }
  const layout = metadata[KEYS.layout];
  if (layout !== undefined && layout !== CHECKPOINT_FORMAT) throw new DataError(`checkpoint: format ${layout} is not one this descent (${DESCENT_VERSION}, format ${CHECKPOINT_FORMAT}) reads`, 'checkpoint.format', layout);
  let spec: NetworkSpec | null = null;
  if (metadata[KEYS.spec] !== undefined) {
    try {
      spec = JSON.parse(metadata[KEYS.spec]) as NetworkSpec;
    } catch {
      throw new DataError('checkpoint: its descent.spec is not valid JSON', 'checkpoint.spec', metadata[KEYS.spec]);
    }
  }
  return { spec, tensors, metadata, training: null };
}

/**
 * Puts a checkpoint's parameters and state into `net` (a descent checkpoint or a PyTorch
 * Sequential's state_dict saved with safetensors). Every name, shape, dtype and value is checked
 * first: on any mismatch a DataError names it and `net` is unchanged.
 */
export function loadCheckpoint(net: Network, bytes: Uint8Array): CheckpointContents {
  const contents = readCheckpoint(bytes);
  const spec = net.spec;
  const mine = JSON.stringify(plainSpec(spec));
  if (contents.spec && canonical(contents.spec) !== mine) {
    throw new DataError(`checkpoint: it holds a different network (${JSON.stringify(contents.spec)}) than this one (${mine})`, 'checkpoint.spec', contents.spec);
  }
  const layout = sequentialLayout(spec);
  const take = (e: TensorEntry, layer: number): Float32Array => {
    const t = contents.tensors.get(e.name);
    if (!t) throw new DataError(`checkpoint: tensor ${e.name} (layer ${layer}'s ${e.attribute}, shape [${e.shape.join(', ')}]) is missing; it has ${[...contents.tensors.keys()].join(', ') || 'none'}`, `checkpoint.${e.name}`, undefined);
    if (t.shape.join() !== e.shape.join()) throw new DataError(`checkpoint: tensor ${e.name} has shape [${t.shape.join(', ')}], layer ${layer} needs [${e.shape.join(', ')}]`, `checkpoint.${e.name}.shape`, t.shape);
    if (dtypeOf(t.data) !== e.dtype) throw new DataError(`checkpoint: tensor ${e.name} must be ${e.dtype}, got ${dtypeOf(t.data)}`, `checkpoint.${e.name}.dtype`, dtypeOf(t.data));
    if (!(t.data instanceof BigInt64Array)) return t.data as Float32Array;
    // A count, kept as an f32: exact up to 2^24.
    const n = t.data[0];
    if (n < 0n || n > 2n ** 24n) throw new DataError(`checkpoint: tensor ${e.name} is ${n}; descent keeps it as an f32, exact from 0 to 2^24`, `checkpoint.${e.name}`, Number(n));
    return Float32Array.of(Number(n));
  };
  const params = layout.map((l, i) => {
    const values = l.parameters.map((e) => take(e, i));
    const join = (role: string) => {
      const parts = values.filter((_, j) => l.parameters[j].role === role);
      return parts.length === 1 ? parts[0] : Float32Array.from(parts.flatMap((p) => [...p]));
    };
    return { weight: join('weight'), bias: join('bias') };
  });
  const state = layout.map((l, i) => Object.fromEntries(l.state.map((e) => [e.attribute, take(e, i)])));
  const entries = layout.flatMap((l) => l.parameters);
  const { training, used } = decodeTraining(contents.tensors, contents.metadata, entries);
  const known = new Set(layout.flatMap((l) => [...l.parameters, ...l.state].map((e) => e.name)));
  const extra = [...contents.tensors.keys()].filter((k) => !used.has(k) && !known.has(k));
  if (extra.length) throw new DataError(`checkpoint: tensors ${extra.join(', ')} belong to no layer of this network`, `checkpoint.${extra[0]}`, extra);
  // setParameters and setState each check everything before they write; should the state be
  // refused after the parameters went in, the parameters go back.
  const before = net.getParameters();
  net.setParameters(params);
  try {
    net.setState(state);
  } catch (err) {
    net.setParameters(before);
    throw err;
  }
  return { ...contents, training };
}

/** A stored spec in plainSpec's form (every default filled), to compare with a network's. */
function canonical(stored: NetworkSpec): string {
  try {
    return JSON.stringify(plainSpec(resolveSpec(stored)));
  } catch (err) {
    if (err instanceof ConfigError) throw new DataError(`checkpoint: its descent.spec is not a network this descent builds (${err.message})`, 'checkpoint.spec', stored);
    throw err;
  }
}
