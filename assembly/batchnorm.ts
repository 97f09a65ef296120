// Batch normalisation (LAYER_BATCHNORM1D, LAYER_BATCHNORM2D). Being written.
export function batchNormLayerForward(layer: usize, x: usize, rows: i32, training: bool): void {
  abort("batchnorm is not built yet");
}

export function batchNormLayerBackward(layer: usize, dz: usize, x: usize, dx: usize, rows: i32): void {
  abort("batchnorm is not built yet");
}
