// The module's exports, grouped by concern. Every kernel is a pure function of byte
// offsets into the host-owned memory, sizes and scalars; none allocates.
export { heapBase, gatherRows, fillF32, addF32 } from "./memory";
export { denseForward, denseBackwardInput, denseBackwardParams } from "./dense";
export {
  activationForward, activationBackward,
  ACT_LINEAR, ACT_SIGMOID, ACT_TANH, ACT_RELU, ACT_LEAKY_RELU, ACT_ELU, ACT_SOFTPLUS, ACT_GELU,
} from "./activations";
export { softmaxCrossEntropy, sigmoidBce, mse, mae, huber, softmaxRows } from "./losses";
export {
  sgdStep, adagradStep, rmspropStep, adamStep, adamwStep, adamaxStep, nadamStep, radamStep, adadeltaStep,
} from "./optimizers";
export { clampValues, sumOfSquares, scaleValues } from "./clip";
export { forwardPass, trainPass, PASS_HEADER, PASS_LAYER_WORDS } from "./pass";
export { gradientStats, parameterStats, activationStats, outputGradStats, markActiveUnits, STAT_WORDS } from "./stats";
export {
  measureNextUpdate, MEASURE_REGION_BYTES, MEASURE_SCRATCH_BYTES,
  RULE_SGD, RULE_ADAGRAD, RULE_RMSPROP, RULE_ADAM, RULE_ADAMW, RULE_ADAMAX, RULE_NADAM, RULE_RADAM, RULE_ADADELTA,
} from "./measured-update";
export { valueRange, histogram } from "./histogram";
export { erf64 } from "./erf";
