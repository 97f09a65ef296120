// Reading the pass descriptor the host writes (abi.ts PASS_* and LAYER_* words): pass.ts
// reads its header, each layer kind its own block.
import { PASS_HEADER, PASS_LAYER_WORDS } from "./abi";

/** Word i of the descriptor's header. */
// @ts-ignore: decorator
@inline export function passWord(desc: usize, i: i32): i32 {
  return load<i32>(desc + (<usize>i << 2));
}

/** Address of layer l's block of PASS_LAYER_WORDS words. */
// @ts-ignore: decorator
@inline export function layerBlock(desc: usize, l: i32): usize {
  return desc + (<usize>(PASS_HEADER + l * PASS_LAYER_WORDS) << 2);
}

/** Word i of a layer's block (LAYER_* for the words every kind has, the kind's own after them). */
// @ts-ignore: decorator
@inline export function layerWord(layer: usize, i: i32): i32 {
  return load<i32>(layer + (<usize>i << 2));
}
