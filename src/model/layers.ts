// The layer kinds, in the order of their codes (assembly/abi.ts LAYER_*: the code is the
// index here). Adding a kind: docs/design.md, "Adding a layer kind".
import { dense } from './dense.js';
import type { LayerKind, ResolvedLayer } from './layer-kind.js';

export const LAYER_KINDS = [dense] as const;

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
