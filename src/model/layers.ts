// The layer kinds, in the order of their codes (assembly/abi.ts LAYER_*: the code is the
// index here). Adding a kind: docs/design.md, "Adding a layer kind".
import { activationLayer } from './activation-layer.js';
import { batchnorm1d, batchnorm2d } from './batchnorm.js';
import { conv2d } from './conv2d.js';
import { dense } from './dense.js';
import { dropout } from './dropout.js';
import { flatten } from './flatten.js';
import type { LayerKind, ResolvedLayer, StateTensor } from './layer-kind.js';
import { layernorm } from './layernorm.js';
import { avgpool2d, maxpool2d } from './pool2d.js';

export const LAYER_KINDS = [dense, conv2d, maxpool2d, avgpool2d, flatten, dropout, batchnorm1d, batchnorm2d, layernorm, activationLayer] as const;

/** The spec `type` of every kind. */
export const LAYER_TYPES = LAYER_KINDS.map((k) => k.type);

/** The kind of a resolved layer, and its code. */
export function kindOf(layer: ResolvedLayer): { kind: LayerKind; code: number } {
  const code = LAYER_TYPES.indexOf(layer.type as (typeof LAYER_TYPES)[number]);
  return { kind: LAYER_KINDS[code] as unknown as LayerKind, code };
}

/** Elements of each of a layer's parameter tensors, in order. */
export function tensorSizes(layer: ResolvedLayer): number[] {
  return kindOf(layer).kind.tensors(layer).map((t) => t.shape.reduce((a, b) => a * b, 1));
}

/** A layer's state tensors, and how many f32 values they hold together. */
export function stateOf(layer: ResolvedLayer): { tensors: readonly StateTensor[]; size: number } {
  const tensors = kindOf(layer).kind.state(layer);
  return { tensors, size: tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0) };
}
