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
  readonly activation: Activation;
}

/**
 * One parameter tensor of a layer, in the layer's parameter order. `role` sorts it for the
 * diagnostics, which report weights and biases apart.
 */
export interface ParameterTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly role: 'weight' | 'bias';
}

export interface LayerKind<R extends ResolvedLayer = ResolvedLayer> {
  /** The spec's `type` (the default kind is 'dense'). */
  readonly type: R['type'];
  /** Spec keys of this kind besides `type`. */
  readonly keys: readonly string[];
  /** Reads the layer's spec (`r`, at spec.layers[i]) given the features per row coming in. */
  resolve(r: OptionsReader, inputs: number): R;
  /** The layer's parameter tensors, in memory order. */
  tensors(layer: R): readonly ParameterTensor[];
  /** Fills the layer's parameters (one Float32Array per tensor, in order) from `rng`. */
  initialize(layer: R, tensors: Float32Array[], init: Init, rng: Rng): void;
  /**
   * f32 values of non-trainable state the layer keeps between steps (a normalisation's
   * running statistics); the plan gives it a region, zeroed, and its descriptor the pointer.
   */
  stateSize(layer: R): number;
  /**
   * Names of the kind's own descriptor words, in order after the common ones (at most
   * PASS.LAYER_WORDS − LAYER.COMMON); assembly/abi.ts names word i `<TYPE>_<NAME>` = LAYER_COMMON + i.
   */
  readonly ownWords: readonly string[];
  /** The values of those words for `layer`. */
  words(layer: R): readonly number[];
}
