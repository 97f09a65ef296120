// descent's portable core: everything except loading the .wasm file, which the
// runtime-specific entries (node.ts, browser.ts) add as `loadModule` / `createNetwork`.
// Optional parts are subpaths: descent/data, replay, schedules, surfaces, lr-finder, race
// and diagnostics (histograms, CSV).
export { Network } from './network.js';
export type { Trainer } from './trainer.js';
export { optimizerDefaults } from './optimizers.js';
export { KERNEL_VARIANTS, kernelSupport, selectKernels, type KernelSupport } from './variants.js';
export { ACTIVATIONS, LOSSES, INITS, OPTIMIZERS, LAYER_STATISTICS } from './codes.js';
export { createRng, type Rng } from './rng.js';
export { DescentError, ConfigError, DataError, StateError, ReplayFormatError, NumericalError } from './errors.js';
export type * from './types.js';
