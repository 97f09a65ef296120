// Optimizer options: PyTorch's defaults, validation as PyTorch's constructors do, and
// proof that no option is accepted and ignored (changing any one changes the trajectory).
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { optimizerDefaults, resolveOptimizer } from '../src/optim/options.js';
import { runReplay } from '../src/train/replay.js';
import type { OptimizerConfig } from '../src/types.js';
import { loadTestModule } from './helpers/wasm.js';

describe('defaults are torch.optim 1.13', () => {
  it.each([
    ['sgd', { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 }],
    ['adagrad', { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 }],
    ['rmsprop', { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false }],
    ['adam', { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false }],
    ['adamw', { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false }],
    ['adamax', { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 }],
    ['nadam', { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3 }],
    ['radam', { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 }],
    ['adadelta', { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0 }],
  ] as const)('%s', (type, defaults) => {
    expect(optimizerDefaults(type)).toEqual(defaults);
  });
});

describe('validation', () => {
  const bad: [OptimizerConfig | Record<string, unknown>, string][] = [
    [{ type: 'sgd' }, 'optimizer.lr'],
    [{ type: 'sgd', lr: -0.1 }, 'optimizer.lr'],
    [{ type: 'sgd', lr: 0.1, nesterov: true }, 'optimizer.nesterov'],
    [{ type: 'sgd', lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }, 'optimizer.nesterov'],
    [{ type: 'sgd', lr: 0.1, betas: [0.9, 0.99] }, 'optimizer.betas'],
    [{ type: 'adam', betas: [0.9] }, 'optimizer.betas'],
    [{ type: 'adam', betas: [0.9, 1] }, 'optimizer.betas[1]'],
    [{ type: 'adam', eps: -1 }, 'optimizer.eps'],
    [{ type: 'adam', amsgrad: 1 }, 'optimizer.amsgrad'],
    [{ type: 'adam', maximize: true }, 'optimizer.maximize'],
    [{ type: 'adam', lr: NaN }, 'optimizer.lr'],
    [{ type: 'adam', weightDecay: -0.1 }, 'optimizer.weightDecay'],
    [{ type: 'rmsprop', centered: 'yes' }, 'optimizer.centered'],
    [{ type: 'adadelta', rho: 1.5 }, 'optimizer.rho'],
    [{ type: 'adagrad', momentum: 0.9 }, 'optimizer.momentum'],
    [{ type: 'adam', clipGradNorm: 0 }, 'optimizer.clipGradNorm'],
    [{ type: 'adam', clipGradValue: -1 }, 'optimizer.clipGradValue'],
    [{ type: 'lbfgs' }, 'optimizer.type'],
  ];
  it.each(bad)('rejects %j naming %s', (config, path) => {
    const err = (() => {
      try { resolveOptimizer(config as OptimizerConfig); } catch (e) { return e; }
    })() as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.path).toBe(path);
    expect(err.message).toContain(path);
  });
});

// A small case replayed with one option changed at a time.
const base = {
  spec: { inputs: 3, layers: [{ units: 4, activation: 'tanh' }, { units: 2, activation: 'linear' }], loss: 'mse' },
  x: [0.5, -1, 2, 1, 0.3, -0.7, -2, 1.5, 0.1, 0.9, 0.9, -0.4],
  y: [[1, -1], [0.5, 0], [-1, 2], [0, 0.3]],
  n: 4,
  batches: [[0, 1], [2, 3]],
  steps: 12,
  init: [
    { weight: [0.3, -0.2, 0.1, 0.5, 0.4, -0.6, -0.1, 0.2, 0.3, 0.25, -0.35, 0.15], bias: [0.1, -0.1, 0.05, 0] },
    { weight: [0.2, -0.3, 0.4, 0.1, -0.5, 0.25, 0.3, -0.2], bias: [0.01, -0.02] },
  ],
};
const final = (optimizer: OptimizerConfig) => runReplay({ ...base, optimizer }, loadTestModule()).final;

describe('no option is accepted and ignored', () => {
  const variants: [OptimizerConfig, Record<string, unknown>][] = [
    [{ type: 'sgd', lr: 0.1 }, { lr: 0.05, momentum: 0.9, weightDecay: 0.1 }],
    [{ type: 'sgd', lr: 0.1, momentum: 0.9 }, { dampening: 0.5 }],
    [{ type: 'sgd', lr: 0.1, momentum: 0.9 }, { nesterov: true }],
    [{ type: 'adagrad' }, { lr: 0.1, lrDecay: 0.5, weightDecay: 0.1, initialAccumulatorValue: 0.5, eps: 0.1 }],
    [{ type: 'rmsprop' }, { lr: 0.02, alpha: 0.5, eps: 0.1, weightDecay: 0.1, momentum: 0.5, centered: true }],
    [{ type: 'adam' }, { lr: 0.01, betas: [0.5, 0.999], eps: 0.1, weightDecay: 0.1 }],
    [{ type: 'adam', betas: [0.9, 0.5] }, { amsgrad: true }],
    [{ type: 'adam' }, { betas: [0.9, 0.5] }],
    [{ type: 'adamw' }, { lr: 0.01, betas: [0.5, 0.999], eps: 0.1, weightDecay: 0.5 }],
    [{ type: 'adamw', betas: [0.9, 0.5] }, { amsgrad: true }],
    [{ type: 'adamax' }, { lr: 0.01, betas: [0.5, 0.999], eps: 0.1, weightDecay: 0.1 }],
    [{ type: 'adamax' }, { betas: [0.9, 0.5] }],
    [{ type: 'nadam' }, { lr: 0.01, betas: [0.5, 0.999], eps: 0.1, weightDecay: 0.1, momentumDecay: 0.5 }],
    [{ type: 'nadam' }, { betas: [0.9, 0.5] }],
    [{ type: 'radam' }, { lr: 0.01, betas: [0.5, 0.999], eps: 0.1, weightDecay: 0.1 }],
    [{ type: 'radam' }, { betas: [0.9, 0.5] }],
    [{ type: 'adadelta' }, { lr: 0.5, rho: 0.5, eps: 0.1, weightDecay: 0.1 }],
    [{ type: 'adam' }, { clipGradValue: 0.01, clipGradNorm: 0.01 }],
  ];
  const cases = variants.flatMap(([config, changes]) => Object.entries(changes).map(([k, v]) => [config, k, v] as const));
  it.each(cases)('%j: changing %s changes the result', (config, key, value) => {
    const a = final(config);
    const b = final({ ...config, [key]: value } as OptimizerConfig);
    expect(b).not.toEqual(a);
  });
});
