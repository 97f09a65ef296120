// descent's portable core: everything except loading the .wasm file, which the
// runtime-specific entries (node.ts, browser.ts) add as `loadModule` / `createNetwork`.
// Optional parts are subpaths: descent/data, replay, schedules, surfaces, lr-finder, race
// and diagnostics (histograms, CSV).
export { Network } from './network.js';
export type { Trainer } from './train/trainer.js';
export { optimizerDefaults } from './optim/options.js';
export { kernelSupport, selectKernels, type KernelSupport } from './wasm/variants.js';
export { ACTIVATIONS, LOSSES, INITS, LAYER_STATISTICS, KERNEL_VARIANTS } from './names.js';
export { OPTIMIZERS } from './optim/rules.js';
export { createRng, type Rng } from './util/rng.js';
export { DescentError, ConfigError, DataError, StateError, ReplayFormatError, NumericalError, KernelError } from './errors.js';
export type * from './types.js';
