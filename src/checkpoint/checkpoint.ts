// Checkpoints of a network's parameters in safetensors, named as torch.nn.Sequential names
// them: the dense layers are Linear modules and each non-linear activation is a module of its
// own, so a 2-16(relu)-3 network is Sequential(Linear, ReLU, Linear) and its tensors are
// 0.weight, 0.bias, 2.weight, 2.bias (weight [out, in] row-major, as Linear stores it). The
// metadata holds the spec, descent's version, the format version and a CRC-32 over the data
// and the metadata. A run's snapshot may come along (training.ts: optimizer state as
// torch.optim names it, and what resumes the run). Loading checks everything before anything
// changes.
import { DataError } from '../errors.js';
import type { Network } from '../network.js';
import type { DenseLayerSpec, NetworkSpec, TrainingSnapshot } from '../types.js';
import { crc32 } from './crc32.js';
import { decodeSafetensors, encodeSafetensors, type Tensor } from './safetensors.js';
import { decodeTraining, encodeTraining, type ParameterEntry } from './training.js';

/** descent's version, written into every checkpoint (a test holds it to package.json's). */
export const DESCENT_VERSION = '0.1.0';
/** The checkpoint layout's version: readers refuse a newer one. */
export const CHECKPOINT_FORMAT = '1';

const KEYS = { format: 'format', version: 'descent.version', layout: 'descent.format', spec: 'descent.spec', checksum: 'descent.crc32' } as const;

/** Each layer's Sequential index: a Linear, then its activation's module unless it is linear. */
export function sequentialIndices(spec: Pick<NetworkSpec, 'layers'>): number[] {
  const out: number[] = [];
  let at = 0;
  for (const layer of spec.layers) {
    out.push(at);
    at += ((layer as DenseLayerSpec).activation ?? 'linear') === 'linear' ? 1 : 2;
  }
  return out;
}

/** The parameter tensors of `spec`, named, in getParameters' order (weight then bias per layer). */
function parameterEntries(spec: NetworkSpec): ParameterEntry[] {
  const index = sequentialIndices(spec);
  // Dense-only until the checkpoint covers every kind.
  const layers = spec.layers as DenseLayerSpec[];
  return layers.flatMap((layer, l) => {
    const fanIn = l === 0 ? spec.inputs as number : layers[l - 1].units;
    return [
      { name: `${index[l]}.weight`, shape: [layer.units, fanIn], size: layer.units * fanIn },
      { name: `${index[l]}.bias`, shape: [layer.units], size: layer.units },
    ];
  });
}

/** The spec as createNetwork takes it (net.spec also carries each layer's resolved sizes). */
function plainSpec(spec: NetworkSpec): NetworkSpec {
  return { inputs: spec.inputs, layers: (spec.layers as DenseLayerSpec[]).map((l) => ({ type: l.type ?? 'dense', units: l.units, activation: l.activation ?? 'linear' })), loss: spec.loss, init: spec.init, seed: spec.seed };
}

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

/** `net`'s spec and parameters (and a run's snapshot) as safetensors bytes. */
export function saveCheckpoint(net: Network, options: SaveOptions = {}): Uint8Array {
  const spec = net.spec;
  const entries = parameterEntries(spec);
  const values = net.getParameters().flatMap((p) => [p.weight, p.bias]);
  const tensors: [string, Tensor][] = entries.map((p, i) => [p.name, { shape: p.shape, data: values[i] }]);
  const training = options.training ? encodeTraining(options.training, entries) : { tensors: [], metadata: {} };
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
 * Puts a checkpoint's parameters into `net` (a descent checkpoint or a PyTorch Sequential's
 * state_dict saved with safetensors). Every name, shape and value is checked first: on any
 * mismatch a DataError names it and `net` is unchanged.
 */
export function loadCheckpoint(net: Network, bytes: Uint8Array): CheckpointContents {
  const contents = readCheckpoint(bytes);
  const spec = net.spec;
  if (contents.spec && JSON.stringify(contents.spec) !== JSON.stringify(plainSpec(spec))) {
    throw new DataError(`checkpoint: it holds a different network (${JSON.stringify(contents.spec)}) than this one (${JSON.stringify(plainSpec(spec))})`, 'checkpoint.spec', contents.spec);
  }
  const entries = parameterEntries(spec);
  const values = entries.map((p, i) => {
    const layer = i >> 1;
    const t = contents.tensors.get(p.name);
    if (!t) throw new DataError(`checkpoint: tensor ${p.name} (layer ${layer}'s ${p.name.split('.')[1]}, shape [${p.shape.join(', ')}]) is missing; it has ${[...contents.tensors.keys()].join(', ') || 'none'}`, `checkpoint.${p.name}`, undefined);
    if (t.shape.join() !== p.shape.join()) throw new DataError(`checkpoint: tensor ${p.name} has shape [${t.shape.join(', ')}], layer ${layer} needs [${p.shape.join(', ')}]`, `checkpoint.${p.name}.shape`, t.shape);
    if (!(t.data instanceof Float32Array)) throw new DataError(`checkpoint: tensor ${p.name} must be F32`, `checkpoint.${p.name}.dtype`, t.data);
    return t.data;
  });
  const { training, used } = decodeTraining(contents.tensors, contents.metadata, entries);
  const extra = [...contents.tensors.keys()].filter((k) => !used.has(k) && !entries.some((p) => p.name === k));
  if (extra.length) throw new DataError(`checkpoint: tensors ${extra.join(', ')} belong to no layer of this network`, `checkpoint.${extra[0]}`, extra);
  net.setParameters(spec.layers.map((_, l) => ({ weight: values[2 * l], bias: values[2 * l + 1] })));
  return { ...contents, training };
}
