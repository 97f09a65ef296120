// The optimizer rules, one entry each, in increasing complexity of state: torch.optim 1.13's
// options and defaults, the rule's hyper-parameter block (the f64 slots its kernel reads,
// named as assembly/abi.ts names them: SGD's `firstStep` is SGD_FIRST_STEP there), what
// one-cycle may cycle, and how the block is written for step t. The per-step scalars that
// depend only on t (bias corrections, decayed rates) are computed here in f64, as torch.optim
// computes them in Python. Adding a rule: docs/design.md, "Adding an optimizer".
import type { OptimizerType } from '../types.js';

/** @internal Every option of every rule, defaults filled (a rule's unused options keep neutral values). */
export interface ResolvedOptimizer {
  type: OptimizerType;
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  lrDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  alpha: number;
  centered: boolean;
  beta1: number;
  beta2: number;
  amsgrad: boolean;
  momentumDecay: number;
  rho: number;
  clipGradValue?: number;
  clipGradNorm?: number;
}

/** @internal How an option is checked: a number in bounds, a flag, or the [β₁, β₂] pair. */
export type OptionCheck = { kind: 'number'; min?: number; max?: number; want?: string } | { kind: 'boolean' } | { kind: 'betas' };

/** @internal Checks of every option name a rule may take (PyTorch's constructor checks). */
export const OPTION_CHECKS = {
  lr: { kind: 'number', min: 0 },
  momentum: { kind: 'number', min: 0 },
  dampening: { kind: 'number' },
  nesterov: { kind: 'boolean' },
  weightDecay: { kind: 'number', min: 0 },
  lrDecay: { kind: 'number', min: 0 },
  initialAccumulatorValue: { kind: 'number', min: 0 },
  eps: { kind: 'number', min: 0 },
  alpha: { kind: 'number', min: 0 },
  centered: { kind: 'boolean' },
  betas: { kind: 'betas' },
  amsgrad: { kind: 'boolean' },
  momentumDecay: { kind: 'number', min: 0 },
  rho: { kind: 'number', min: 0, max: 1, want: 'a number in [0, 1]' },
} as const satisfies Record<string, OptionCheck>;

/** @internal */
export type OptionName = keyof typeof OPTION_CHECKS;

/** @internal Mutable state a rule keeps on the host between steps (NAdam's running product of μ). */
export interface RuleState {
  muProduct: number;
}

/** @internal */
export interface Rule {
  /** The rule's options with their defaults; an option without a default (SGD's lr) is required. */
  readonly options: Partial<Record<OptionName, unknown>> & { lr?: number };
  readonly required?: readonly OptionName[];
  /** The block's slots in order; test/abi.test.ts checks them against assembly/abi.ts. */
  readonly hp: Readonly<Record<string, number>>;
  /** The momentum one-cycle may cycle: SGD's and RMSprop's `momentum`, the Adam family's β₁, or none. */
  readonly cycles: 'momentum' | 'beta1' | null;
  /** State slots s0, s1, s2 start at 0, but for this value in s0 (Adagrad's initial accumulator). */
  readonly firstSlotStart?: (o: ResolvedOptimizer) => number;
  /** Writes the block at h[at …] for step t (1-based). */
  readonly write: (o: ResolvedOptimizer, t: number, h: Float64Array, at: number, state: RuleState) => void;
}

/** Slot indices from names, in order: slots('lr', 'eps') = { lr: 0, eps: 1 }. */
function slots<N extends string>(...names: N[]): Readonly<Record<N, number>> {
  return Object.freeze(Object.fromEntries(names.map((n, i) => [n, i]))) as Record<N, number>;
}

const flag = (b: boolean) => (b ? 1 : 0);

const SGD = slots('lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'firstStep');
const ADAGRAD = slots('clr', 'weightDecay', 'eps');
const RMSPROP = slots('lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered');
const ADAM = slots('stepSize', 'bc2Sqrt', 'beta1', 'beta2', 'eps', 'weightDecay', 'amsgrad');
const ADAMW = slots('lr', 'stepSize', 'bc2Sqrt', 'beta1', 'beta2', 'eps', 'weightDecay', 'amsgrad');
const ADAMAX = slots('clr', 'beta1', 'beta2', 'eps', 'weightDecay');
const NADAM = slots('gradCoef', 'avgCoef', 'bc2Sqrt', 'beta1', 'beta2', 'eps', 'weightDecay');
const RADAM = slots('lr', 'bc1', 'bc2Sqrt', 'rect', 'beta1', 'beta2', 'eps', 'weightDecay', 'rectified');
const ADADELTA = slots('lr', 'rho', 'eps', 'weightDecay');

const BETAS: [number, number] = [0.9, 0.999];

// One write function per rule, so each keeps its own type feedback: a shared switch would be
// deoptimised every time a network switches rules, and unoptimised code boxes every double.
/** @internal */
export const RULES = {
  sgd: {
    options: { lr: undefined, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
    required: ['lr'],
    hp: SGD,
    cycles: 'momentum',
    write(o, t, h, at) {
      h[at + SGD.lr] = o.lr; h[at + SGD.momentum] = o.momentum; h[at + SGD.dampening] = o.dampening;
      h[at + SGD.weightDecay] = o.weightDecay; h[at + SGD.nesterov] = flag(o.nesterov); h[at + SGD.firstStep] = flag(t === 1);
    },
  },
  adagrad: {
    options: { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 },
    hp: ADAGRAD,
    cycles: null,
    firstSlotStart: (o) => o.initialAccumulatorValue,
    write(o, t, h, at) {
      h[at + ADAGRAD.clr] = o.lr / (1 + (t - 1) * o.lrDecay); h[at + ADAGRAD.weightDecay] = o.weightDecay; h[at + ADAGRAD.eps] = o.eps;
    },
  },
  rmsprop: {
    options: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false },
    hp: RMSPROP,
    cycles: 'momentum',
    write(o, t, h, at) {
      h[at + RMSPROP.lr] = o.lr; h[at + RMSPROP.alpha] = o.alpha; h[at + RMSPROP.eps] = o.eps;
      h[at + RMSPROP.weightDecay] = o.weightDecay; h[at + RMSPROP.momentum] = o.momentum; h[at + RMSPROP.centered] = flag(o.centered);
    },
  },
  adam: {
    options: { lr: 1e-3, betas: BETAS, eps: 1e-8, weightDecay: 0, amsgrad: false },
    hp: ADAM,
    cycles: 'beta1',
    write(o, t, h, at) {
      h[at + ADAM.stepSize] = o.lr / (1 - o.beta1 ** t); h[at + ADAM.bc2Sqrt] = Math.sqrt(1 - o.beta2 ** t);
      h[at + ADAM.beta1] = o.beta1; h[at + ADAM.beta2] = o.beta2; h[at + ADAM.eps] = o.eps;
      h[at + ADAM.weightDecay] = o.weightDecay; h[at + ADAM.amsgrad] = flag(o.amsgrad);
    },
  },
  adamw: {
    options: { lr: 1e-3, betas: BETAS, eps: 1e-8, weightDecay: 1e-2, amsgrad: false },
    hp: ADAMW,
    cycles: 'beta1',
    write(o, t, h, at) {
      h[at + ADAMW.lr] = o.lr; h[at + ADAMW.stepSize] = o.lr / (1 - o.beta1 ** t); h[at + ADAMW.bc2Sqrt] = Math.sqrt(1 - o.beta2 ** t);
      h[at + ADAMW.beta1] = o.beta1; h[at + ADAMW.beta2] = o.beta2; h[at + ADAMW.eps] = o.eps;
      h[at + ADAMW.weightDecay] = o.weightDecay; h[at + ADAMW.amsgrad] = flag(o.amsgrad);
    },
  },
  adamax: {
    options: { lr: 2e-3, betas: BETAS, eps: 1e-8, weightDecay: 0 },
    hp: ADAMAX,
    cycles: 'beta1',
    write(o, t, h, at) {
      h[at + ADAMAX.clr] = o.lr / (1 - o.beta1 ** t); h[at + ADAMAX.beta1] = o.beta1; h[at + ADAMAX.beta2] = o.beta2;
      h[at + ADAMAX.eps] = o.eps; h[at + ADAMAX.weightDecay] = o.weightDecay;
    },
  },
  nadam: {
    options: { lr: 2e-3, betas: BETAS, eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3 },
    hp: NADAM,
    cycles: 'beta1',
    write(o, t, h, at, state) {
      const mu = o.beta1 * (1 - 0.5 * 0.96 ** (t * o.momentumDecay));
      const muNext = o.beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * o.momentumDecay));
      // PyTorch keeps Πμ in a float32 tensor and multiplies it by μ rounded to float32.
      const muProduct = Math.fround(state.muProduct * Math.fround(mu));
      state.muProduct = muProduct;
      h[at + NADAM.gradCoef] = (o.lr * (1 - mu)) / (1 - muProduct);
      h[at + NADAM.avgCoef] = (o.lr * muNext) / (1 - muProduct * muNext);
      h[at + NADAM.bc2Sqrt] = Math.sqrt(1 - o.beta2 ** t);
      h[at + NADAM.beta1] = o.beta1; h[at + NADAM.beta2] = o.beta2; h[at + NADAM.eps] = o.eps; h[at + NADAM.weightDecay] = o.weightDecay;
    },
  },
  radam: {
    options: { lr: 1e-3, betas: BETAS, eps: 1e-8, weightDecay: 0 },
    hp: RADAM,
    cycles: 'beta1',
    write(o, t, h, at) {
      const bc2 = 1 - o.beta2 ** t;
      const rhoInf = 2 / (1 - o.beta2) - 1;
      const rhoT = rhoInf - (2 * t * o.beta2 ** t) / bc2;
      // PyTorch switches on the rectified update when ρₜ > 5 (the paper says 4).
      const rectified = rhoT > 5;
      h[at + RADAM.lr] = o.lr; h[at + RADAM.bc1] = 1 - o.beta1 ** t; h[at + RADAM.bc2Sqrt] = Math.sqrt(bc2);
      h[at + RADAM.rect] = rectified ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
      h[at + RADAM.beta1] = o.beta1; h[at + RADAM.beta2] = o.beta2; h[at + RADAM.eps] = o.eps; h[at + RADAM.weightDecay] = o.weightDecay;
      h[at + RADAM.rectified] = flag(rectified);
    },
  },
  adadelta: {
    options: { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0 },
    hp: ADADELTA,
    cycles: null,
    write(o, t, h, at) {
      h[at + ADADELTA.lr] = o.lr; h[at + ADADELTA.rho] = o.rho; h[at + ADADELTA.eps] = o.eps; h[at + ADADELTA.weightDecay] = o.weightDecay;
    },
  },
} as const satisfies Record<OptimizerType, Rule>;

/** Names of the optimizer rules, in the order of their kernels' codes (assembly/abi.ts RULE_*). */
export const OPTIMIZERS = Object.keys(RULES) as readonly OptimizerType[];

/**
 * @internal torch.optim's name for each state slot (s0, s1, s2) a rule keeps, so a checkpoint's
 * optimizer state reads as `optimizer.state_dict()`'s does; null: the slot is unused.
 */
export const SLOT_NAMES = {
  sgd: ['momentum_buffer', null, null],
  adagrad: ['sum', null, null],
  rmsprop: ['square_avg', 'grad_avg', 'momentum_buffer'],
  adam: ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'],
  adamw: ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'],
  adamax: ['exp_avg', 'exp_inf', null],
  nadam: ['exp_avg', 'exp_avg_sq', null],
  radam: ['exp_avg', 'exp_avg_sq', null],
  adadelta: ['square_avg', 'acc_delta', null],
} as const satisfies Record<OptimizerType, readonly [string, string | null, string | null]>;

/**
 * @internal Whether slot `i` takes part under options `o` (PyTorch keeps no such state
 * otherwise): SGD's and RMSprop's momentum buffers, RMSprop's centred average, AMSGrad's max.
 */
export function slotInUse(o: Pick<ResolvedOptimizer, 'type' | 'momentum' | 'centered' | 'amsgrad'>, i: number): boolean {
  const name = SLOT_NAMES[o.type][i];
  if (name === null) return false;
  if (name === 'momentum_buffer') return o.momentum !== 0;
  if (name === 'grad_avg') return o.centered;
  if (name === 'max_exp_avg_sq') return o.amsgrad;
  return true;
}
