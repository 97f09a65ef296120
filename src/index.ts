// descent's portable core: everything except loading the .wasm file, which the
// runtime-specific entries (node.ts, browser.ts) add as `loadModule` / `createNetwork`.
// Data utilities, replays and schedules are the subpaths descent/data, descent/replay and
// descent/schedules.
export { Network } from './network.js';
export type { Trainer } from './trainer.js';
export { optimizerDefaults } from './optimizers.js';
export { diagnosticsCsv, LAYER_STATISTICS } from './diagnostics.js';
export { KERNEL_VARIANTS, kernelSupport, selectKernels, type KernelSupport } from './variants.js';
export { ACTIVATIONS, LOSSES, INITS, OPTIMIZERS } from './codes.js';
export { createRng, type Rng } from './rng.js';
export { DescentError, ConfigError, DataError, StateError, ReplayFormatError } from './errors.js';
export type * from './types.js';
