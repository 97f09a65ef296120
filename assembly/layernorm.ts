// Layer normalisation (LAYER_LAYERNORM). Being written.
export function layerNormLayerForward(layer: usize, x: usize, rows: i32): void {
  abort("layernorm is not built yet");
}

export function layerNormLayerBackward(layer: usize, dz: usize, x: usize, dx: usize, rows: i32): void {
  abort("layernorm is not built yet");
}
