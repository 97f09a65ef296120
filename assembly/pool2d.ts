// 2-D max and average pooling (LAYER_MAXPOOL2D, LAYER_AVGPOOL2D). Being written.
export function maxPool2dLayerForward(layer: usize, x: usize, rows: i32): void {
  abort("maxpool2d is not built yet");
}

export function maxPool2dLayerBackward(layer: usize, dz: usize, x: usize, dx: usize, rows: i32): void {
  abort("maxpool2d is not built yet");
}

export function avgPool2dLayerForward(layer: usize, x: usize, rows: i32): void {
  abort("avgpool2d is not built yet");
}

export function avgPool2dLayerBackward(layer: usize, dz: usize, x: usize, dx: usize, rows: i32): void {
  abort("avgpool2d is not built yet");
}
