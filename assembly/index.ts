// The module's exports, grouped by concern. Every kernel is a function of byte offsets into
// the host-owned memory, sizes and scalars; none allocates. The codes and layout words they
// read are the ABI's (abi.ts; docs/design.md).
export { heapBase, gatherRows, fillF32, addF32, claimLines } from "./memory";
export { denseForward, denseBackwardInput, denseBackwardParams } from "./dense";
// A conv2d layer's forward and backward on its descriptor block, for the kernel tests and the bench.
export { conv2dLayerForward, conv2dLayerBackward } from "./conv2d";
export { activationForward, activationBackward } from "./activations";
export { softmaxCrossEntropy, sigmoidBce, mse, mae, huber, softmaxRows } from "./losses";
// Every rule's step kernel: sgdStep, adamStep, … (each `export function` of optimizers.ts).
export * from "./optimizers";
export { clampValues, sumOfSquares, scaleValues } from "./clip";
export { forwardPass, trainPass } from "./pass";
// Layer kinds' pass functions, exported for the kernel tests (each reads a descriptor block).
export { batchNormLayerForward, batchNormLayerBackward } from "./batchnorm";
export { maxPool2dLayerForward, maxPool2dLayerBackward, avgPool2dLayerForward, avgPool2dLayerBackward } from "./pool2d";
export { gradientStats, parameterStats, activationStats, outputGradStats, markActiveUnits } from "./stats";
export { measureNextUpdate } from "./measured-update";
export { valueRange, histogram } from "./histogram";
export { erf64 } from "./erf";
