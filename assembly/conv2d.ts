// 2-D convolution (LAYER_CONV2D). Being written: the kind's kernels are not there yet.
/** z of the conv2d layer `layer` from `x` over `rows` rows. */
export function conv2dLayerForward(layer: usize, x: usize, rows: i32): void {
  abort("conv2d is not built yet");
}

/** dW, db from dz and x; dx unless it is 0. */
export function conv2dLayerBackward(layer: usize, dz: usize, x: usize, dx: usize, rows: i32): void {
  abort("conv2d is not built yet");
}
