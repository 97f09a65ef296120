// Every kernel's parameter count, checked against the `Kernels` type by the compiler (the
// build compiles this file), so test/abi.test.ts can hold the module's exports to `Kernels`.
// Not imported by the library: the check runs in the tests, not in every instantiation.
import type { Kernels } from './kernels.js';

/** Every kernel with its parameter count, checked against `Kernels` by the compiler. */
export const KERNEL_ARITY: { readonly [K in keyof Kernels]: Parameters<Kernels[K]>['length'] } = {
  heapBase: 0, gatherRows: 5, fillF32: 3, addF32: 3,
  denseForward: 7, denseBackwardInput: 6, denseBackwardParams: 7,
  activationForward: 4, activationBackward: 6,
  softmaxCrossEntropy: 7, sigmoidBce: 7, mse: 7, mae: 7, huber: 7, softmaxRows: 4,
  clampValues: 3, sumOfSquares: 3, scaleValues: 3, erf64: 1,
  forwardPass: 1, trainPass: 1,
  gradientStats: 5, parameterStats: 5, activationStats: 4, outputGradStats: 3, markActiveUnits: 5, measureNextUpdate: 4,
  valueRange: 3, histogram: 5,
  sgdStep: 7, adagradStep: 7, rmspropStep: 7, adamStep: 7, adamwStep: 7, adamaxStep: 7, nadamStep: 7, radamStep: 7, adadeltaStep: 7,
};
