// What a kind of layer is to the host. A network is a sequence of layers; each layer's kind
// checks its part of the spec, says what parameters it owns and how they start, and fills
// its own words of the pass descriptor. Its forward and backward are kernels
// (assembly/<kind>.ts, dispatched by assembly/pass.ts on the kind's code); everything the
// kinds share — the activation after the kind's output, the statistics, the optimizer over
// all parameters — the engine and the pass do for every kind alike.
import type { Activation, Init } from '../types.js';
import type { OptionsReader } from '../util/options.js';
import type { Rng } from '../util/rng.js';

/** A layer as its kind resolved it: its size in and out and the activation after it. */
export interface ResolvedLayer {
  /** The kind's name in a spec (`type`). */
  readonly type: string;
  /** Features per row in and out. */
  readonly inputs: number;
  readonly outputs: number;
  /** A row's shape in and out ([features], [C, L] or [C, H, W]); their products are inputs and outputs. */
  readonly inputShape: readonly number[];
  readonly shape: readonly number[];
  readonly activation: Activation;
}

/**
 * One parameter tensor of a layer, in the layer's parameter order. `role` sorts it for the
 * diagnostics, which report weights and biases apart. `name` is torch.nn's attribute name.
 */
export interface ParameterTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly role: 'weight' | 'bias';
}

/**
 * One tensor of a layer's non-trainable state (torch.nn's buffers: BatchNorm's running_mean,
 * running_var, num_batches_tracked), in the state's memory order, all kept as f32 and
 * starting at `initial`. `integer` buffers are int64 in PyTorch (exact in f32 up to 2^24).
 */
export interface StateTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly initial: number;
  readonly integer?: boolean;
}

export interface LayerKind<R extends ResolvedLayer = ResolvedLayer> {
  /** The spec's `type` (the default kind is 'dense'). */
  readonly type: R['type'];
  /** Its name in assembly/abi.ts (`LAYER_<abiName>`, `<abiName>_<WORD>`), when not the type in capitals. */
  readonly abiName?: string;
  /** Spec keys of this kind besides `type`. */
  readonly keys: readonly string[];
  /**
   * Reads the layer's spec (`r`, at spec.layers[i]) given the shape of a row coming in;
   * `path` names the layer in errors.
   */
  resolve(r: OptionsReader, input: readonly number[], path: string): R;
  /** The layer's parameter tensors, in memory order (weights first, then biases). */
  tensors(layer: R): readonly ParameterTensor[];
  /** Fan-in and fan-out of its weights as torch.nn.init computes them (0, 0: no weights). */
  fans(layer: R): { fanIn: number; fanOut: number };
  /** Fills the layer's parameters (one Float32Array per tensor, in order) from `rng`. */
  initialize(layer: R, tensors: Float32Array[], init: Init, rng: Rng): void;
  /**
   * The non-trainable state the layer keeps between steps; the plan gives it one region, the
   * network fills each tensor with its `initial`, and the descriptor gets the pointer.
   */
  state(layer: R): readonly StateTensor[];
  /**
   * f32 values of scratch one pass of `rows` rows needs (a dropout mask, a normalisation's
   * saved statistics, pooling's argmax, an im2col buffer); 0: none. Each thread has its own.
   */
  scratch(layer: R, rows: number): number;
  /**
   * Names of the kind's own descriptor words, in order after the common ones (at most
   * PASS.LAYER_WORDS − LAYER.COMMON); assembly/abi.ts names word i `<ABI NAME>_<NAME>` = LAYER_COMMON + i.
   */
  readonly ownWords: readonly string[];
  /** The values of those words for `layer`. */
  words(layer: R): readonly number[];
}

/** What a kind without parameters or state says of them (pools, flatten, dropout, activation layers). */
export const NO_PARAMETERS = {
  tensors: () => [],
  fans: () => ({ fanIn: 0, fanOut: 0 }),
  initialize() {},
  state: () => [],
} as const;

/** The f32 bits of `x` as an i32 descriptor word (a kind's real-valued options: p, eps, momentum). */
export function f32Bits(x: number): number {
  F32[0] = x;
  return I32[0];
}
const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);
