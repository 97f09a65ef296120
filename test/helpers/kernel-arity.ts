// Every kernel's parameter count, checked against the `Kernels` type by the compiler (`npm
// test` type-checks the tests first), so test/abi.test.ts can hold the module's exports to
// `Kernels`.
import type { OptimizerType } from '../../src/types.js';
import { OPTIMIZERS } from '../../src/optim/rules.js';
import type { Kernels } from '../../src/wasm/kernels.js';

/** Every rule's step kernel takes (param, grad, s0, s1, s2, n, hp). */
const STEP_ARITY = Object.fromEntries(OPTIMIZERS.map((o) => [`${o}Step`, 7])) as { [R in OptimizerType as `${R}Step`]: 7 };

/** Every kernel with its parameter count, checked against `Kernels` by the compiler. */
export const KERNEL_ARITY: { readonly [K in keyof Kernels]: Parameters<Kernels[K]>['length'] } = {
  heapBase: 0, gatherRows: 5, fillF32: 3, addF32: 3, claimLines: 2,
  denseForward: 7, denseBackwardInput: 6, denseBackwardParams: 7,
  conv2dLayerForward: 3, conv2dLayerBackward: 5,
  activationForward: 4, activationBackward: 6,
  softmaxCrossEntropy: 7, sigmoidBce: 7, mse: 7, mae: 7, huber: 7, softmaxRows: 4,
  clampValues: 3, sumOfSquares: 3, scaleValues: 3, erf64: 1,
  forwardPass: 1, trainPass: 1,
  batchNormLayerForward: 4, batchNormLayerBackward: 5,
  maxPool2dLayerForward: 3, maxPool2dLayerBackward: 5, avgPool2dLayerForward: 3, avgPool2dLayerBackward: 5,
  gradientStats: 5, parameterStats: 5, activationStats: 4, outputGradStats: 3, markActiveUnits: 5, measureNextUpdate: 4,
  valueRange: 3, histogram: 5,
  ...STEP_ARITY,
};
