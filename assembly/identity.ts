// Kinds whose output is their input: flatten (a [C, H, W] row is already its features in
// order) and an activation as a layer of its own (the pass applies the activation to z).
// They copy rather than alias, so every layer owns its z as the pass expects.
import { LAYER_OUTPUTS, LAYER_Z } from "./abi";
import { layerWord } from "./descriptor";

/** z = x over `rows` rows. */
export function identityLayerForward(layer: usize, x: usize, rows: i32): void {
  memory.copy(<usize>layerWord(layer, LAYER_Z), x, <usize>(rows * layerWord(layer, LAYER_OUTPUTS)) << 2);
}

/** dx = dz, unless `dx` is 0 (the first layer). */
export function identityLayerBackward(layer: usize, dz: usize, x: usize, dx: usize, rows: i32): void {
  if (dx) memory.copy(dx, dz, <usize>(rows * layerWord(layer, LAYER_OUTPUTS)) << 2);
}
