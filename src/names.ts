// Every name list of the public API, defined once. The unions in types.ts are derived from
// these arrays, so a name added here is a valid value everywhere it is accepted. A list's
// order is part of the wasm ABI where kernels take a code: the code is the index
// (ACTIVATIONS, LOSSES; checked against assembly/abi.ts by test/abi.test.ts).

/** Elementwise activations; derivatives follow PyTorch, including at the kinks. */
export const ACTIVATIONS = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'softplus', 'gelu'] as const;

/** Losses on the last layer's output (always the mean, PyTorch's reduction='mean'). */
export const LOSSES = ['softmax_cross_entropy', 'sigmoid_bce', 'mse', 'mae', 'huber'] as const;

/** Weight initialisers (biases always start at 0). */
export const INITS = ['xavier_uniform', 'xavier_normal', 'he_uniform', 'he_normal', 'lecun_normal', 'uniform', 'zeros'] as const;

/** The three modes of gradient descent. */
export const MODES = ['batch', 'stochastic', 'mini-batch'] as const;

/** Quantities early stopping, restarts and reduceLROnPlateau can watch. */
export const MONITORS = ['loss', 'val_loss', 'accuracy', 'val_accuracy'] as const;

/** The per-layer figures of a diagnostics report, in the order the CSV export lists them. */
export const LAYER_STATISTICS = [
  'weightGradNorm', 'biasGradNorm', 'weightNorm', 'biasNorm', 'weightUpdateNorm', 'biasUpdateNorm',
  'gradToData', 'updateToData', 'activationGradRms', 'activationMean', 'activationStd',
  'saturated', 'dead', 'nonFiniteActivations', 'nonFiniteGradients', 'nonFiniteParameters',
] as const;

/** What verdicts diagnose. */
export const VERDICT_CODES = ['vanishing', 'exploding', 'saturated', 'dead', 'lr_too_high', 'lr_too_low', 'plateau', 'overfitting'] as const;

/** Modes of the NaN/Inf guard. */
export const GUARD_MODES = ['off', 'throw', 'skip', 'recover'] as const;

/** What the pre-flight check does with its warnings. */
export const PREFLIGHT_MODES = ['warn', 'throw', 'off'] as const;

/** Builds of the kernels, slowest first: no SIMD, 128-bit SIMD, SIMD with relaxed-SIMD instructions. */
export const KERNEL_VARIANTS = ['scalar', 'simd', 'relaxed'] as const;

/**
 * What `createNetwork({ kernels })` accepts: a variant, or the rule that picks one: `auto`, the
 * fastest variant the engine validates. `fastest` is the same rule under its older name (it
 * once differed from `auto`, which then stopped at simd), kept so existing code still runs.
 */
export const KERNELS_OPTIONS = ['auto', 'fastest', ...KERNEL_VARIANTS] as const;
