// The module's exports, grouped by concern. Every kernel is a pure function of byte
// offsets into the host-owned memory, sizes and scalars; none allocates. The constants
// exported as globals are the ABI's codes and layout sizes (abi.ts has them all).
export { heapBase, gatherRows, fillF32, addF32 } from "./memory";
export { denseForward, denseBackwardInput, denseBackwardParams } from "./dense";
export { activationForward, activationBackward } from "./activations";
export { softmaxCrossEntropy, sigmoidBce, mse, mae, huber, softmaxRows } from "./losses";
// Every rule's step kernel: sgdStep, adamStep, … (each `export function` of optimizers.ts).
export * from "./optimizers";
export { clampValues, sumOfSquares, scaleValues } from "./clip";
export { forwardPass, trainPass } from "./pass";
export { gradientStats, parameterStats, activationStats, outputGradStats, markActiveUnits } from "./stats";
export { measureNextUpdate } from "./measured-update";
export { valueRange, histogram } from "./histogram";
export { erf64 } from "./erf";
export {
  ACT_LINEAR, ACT_SIGMOID, ACT_TANH, ACT_RELU, ACT_LEAKY_RELU, ACT_ELU, ACT_SOFTPLUS, ACT_GELU,
  PASS_HEADER, PASS_LAYER_WORDS, STAT_WORDS, MEASURE_REGION_BYTES, MEASURE_SCRATCH_BYTES,
  RULE_SGD, RULE_ADAGRAD, RULE_RMSPROP, RULE_ADAM, RULE_ADAMW, RULE_ADAMAX, RULE_NADAM, RULE_RADAM, RULE_ADADELTA,
} from "./abi";
