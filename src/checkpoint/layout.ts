// A network as torch.nn.Sequential holds it: which module each layer is, and its tensors under
// torch's names. Each layer is one module, plus one more for a non-linear `activation` option
// (conv2d with relu is Conv2d, ReLU); an activation layer is its activation's module alone, and
// flatten, dropout and the pools are modules without tensors. A module's tensors are its
// kind's (model/layers.ts): parameters first (weight, bias), then buffers (BatchNorm's
// running_mean, running_var and num_batches_tracked, an int64 in PyTorch), as state_dict
// orders them. The checkpoint, the ONNX export and `descent inspect` all read layers from here.
import { kindOf } from '../model/layers.js';
import type { NetworkSpec, ResolvedLayerSpec, ResolvedNetworkSpec } from '../types.js';

/** One tensor of the checkpoint: its name (`3.running_mean`), shape, size and dtype. */
export interface TensorEntry {
  name: string;
  shape: number[];
  size: number;
  dtype: 'F32' | 'I64';
  /** Where its values live: the layer's weights or biases (getParameters), or its state (getState). */
  role: 'weight' | 'bias' | 'state';
  /** torch.nn's attribute name (`weight`, `running_var`). */
  attribute: string;
}

/** A layer's place in the Sequential and its tensors. */
export interface LayerLayout {
  index: number;
  parameters: TensorEntry[];
  state: TensorEntry[];
}

/** Each layer's Sequential index: its module, then its activation's unless that is linear (an activation layer is one module). */
export function sequentialIndices(spec: Pick<NetworkSpec, 'layers'>): number[] {
  const out: number[] = [];
  let at = 0;
  for (const layer of spec.layers) {
    out.push(at);
    const { type = 'dense', activation = 'linear' } = layer as { type?: string; activation?: string };
    at += type !== 'activation' && activation !== 'linear' ? 2 : 1;
  }
  return out;
}

/** Every layer's index and named tensors. */
export function sequentialLayout(spec: Pick<ResolvedNetworkSpec, 'layers'>): LayerLayout[] {
  const index = sequentialIndices(spec);
  return spec.layers.map((layer: ResolvedLayerSpec, l) => {
    const { kind } = kindOf(layer);
    const entry = (attribute: string, shape: readonly number[], role: TensorEntry['role'], integer = false): TensorEntry => ({
      name: `${index[l]}.${attribute}`, shape: [...shape], size: shape.reduce((a, b) => a * b, 1), dtype: integer ? 'I64' : 'F32', role, attribute,
    });
    return {
      index: index[l],
      parameters: kind.tensors(layer).map((t) => entry(t.name, t.shape, t.role)),
      state: kind.state(layer).map((t) => entry(t.name, t.shape, 'state', t.integer)),
    };
  });
}

/** A layer's parameters ({ weight, bias } of getParameters) cut into its tensors, in its layout's order. */
export function splitParameters(entries: readonly TensorEntry[], p: { weight: Float32Array; bias: Float32Array }): Float32Array[] {
  const at = { weight: 0, bias: 0 };
  return entries.map((e) => {
    const role = e.role as 'weight' | 'bias';
    at[role] += e.size;
    return p[role].subarray(at[role] - e.size, at[role]);
  });
}

/**
 * The spec as createNetwork takes it, every option of every kind given (the resolved ones,
 * so a checkpoint names its network completely; a dense-only network's is what descent
 * always wrote). `inputs` is a number for flat rows, [C, H, W] or [C, L] otherwise.
 */
export function plainSpec(spec: ResolvedNetworkSpec): NetworkSpec {
  const layers = spec.layers.map((l) => {
    const plain: Record<string, unknown> = { type: l.type };
    for (const key of kindOf(l).kind.keys) {
      // A conv2d's 'same' and 'valid' stay words: 'same' pads asymmetrically, which a pair cannot say.
      plain[key] = key === 'padding' && l.type === 'conv2d' && l.paddingMode !== 'explicit' ? l.paddingMode : (l as unknown as Record<string, unknown>)[key];
    }
    return plain;
  });
  return { inputs: spec.inputShape.length === 1 ? spec.inputs : [...spec.inputShape], layers: layers as unknown as NetworkSpec['layers'], loss: spec.loss, init: spec.init, seed: spec.seed };
}
