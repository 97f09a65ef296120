// Dropout (LAYER_DROPOUT). Being written.
export function dropoutLayerForward(desc: usize, layer: usize, x: usize, rows: i32, training: bool): void {
  abort("dropout is not built yet");
}

export function dropoutLayerBackward(desc: usize, layer: usize, dz: usize, x: usize, dx: usize, rows: i32): void {
  abort("dropout is not built yet");
}
