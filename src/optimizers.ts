// Optimizer options (PyTorch names and defaults, validated) and the per-step host work:
// the step counter and the scalars that depend only on it, computed in f64 as torch.optim
// does in Python, then one kernel call over all parameters (they are contiguous).
import { OPTIMIZERS } from './codes.js';
import { ConfigError } from './errors.js';
import { mustBe } from './must-be.js';
import type { Kernels } from './kernels.js';
import type { OptimizerConfig, OptimizerType } from './types.js';

/** Every option of every rule, defaults filled (unused ones keep neutral values). */
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

type Rule = { defaults: Record<string, unknown>; options: string[] };

const CLIP = ['clipGradValue', 'clipGradNorm'];
/** Options and defaults per rule, as torch.optim 1.13 (sgd's lr has no default). */
const RULES: Record<OptimizerType, Rule> = {
  sgd: { defaults: { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 }, options: ['lr', 'momentum', 'dampening', 'nesterov', 'weightDecay'] },
  adagrad: { defaults: { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 }, options: ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'] },
  rmsprop: { defaults: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false }, options: ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered'] },
  adam: { defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false }, options: ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'] },
  adamw: { defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false }, options: ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'] },
  adamax: { defaults: { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 }, options: ['lr', 'betas', 'eps', 'weightDecay'] },
  nadam: { defaults: { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3 }, options: ['lr', 'betas', 'eps', 'weightDecay', 'momentumDecay'] },
  radam: { defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 }, options: ['lr', 'betas', 'eps', 'weightDecay'] },
  adadelta: { defaults: { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0 }, options: ['lr', 'rho', 'eps', 'weightDecay'] },
};

/** Default options of each rule (a copy), for documentation and UIs. */
export function optimizerDefaults(type: OptimizerType): Record<string, unknown> {
  return structuredClone(RULES[type].defaults);
}

/** Checks `config` as PyTorch's constructors do and fills defaults; throws ConfigError. */
export function resolveOptimizer(config: OptimizerConfig, path = 'optimizer'): ResolvedOptimizer {
  if (typeof config !== 'object' || config === null) throw mustBe(path, `an object like { type: 'adam' }`, config);
  const type = config.type;
  if (!OPTIMIZERS.includes(type)) throw mustBe(`${path}.type`, `one of ${OPTIMIZERS.join(', ')}`, type);
  const rule = RULES[type];
  const given = config as unknown as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (key !== 'type' && !rule.options.includes(key) && !CLIP.includes(key)) {
      throw new ConfigError(`${path}.${key} is not an option of ${type} (its options: ${[...rule.options, ...CLIP].join(', ')})`, `${path}.${key}`, given[key]);
    }
  }
  const get = (key: string) => (given[key] !== undefined ? given[key] : rule.defaults[key]);
  const num = (key: string, check: (v: number) => boolean, want: string): number => {
    const v = get(key);
    if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) {
      throw mustBe(`${path}.${key}`, `${want}`, v);
    }
    return v;
  };
  const bool = (key: string): boolean => {
    const v = get(key);
    if (typeof v !== 'boolean') throw mustBe(`${path}.${key}`, 'true or false', v);
    return v;
  };
  const has = (key: string) => rule.options.includes(key);
  if (type === 'sgd' && given.lr === undefined) throw new ConfigError(`${path}.lr is required for sgd (it has no default in PyTorch)`, `${path}.lr`, undefined);
  const nonNegative = (v: number) => v >= 0;
  const r: ResolvedOptimizer = {
    type,
    lr: num('lr', nonNegative, 'a number ≥ 0'),
    momentum: has('momentum') ? num('momentum', nonNegative, 'a number ≥ 0') : 0,
    dampening: has('dampening') ? num('dampening', () => true, 'a finite number') : 0,
    nesterov: has('nesterov') ? bool('nesterov') : false,
    weightDecay: num('weightDecay', nonNegative, 'a number ≥ 0'),
    lrDecay: has('lrDecay') ? num('lrDecay', nonNegative, 'a number ≥ 0') : 0,
    initialAccumulatorValue: has('initialAccumulatorValue') ? num('initialAccumulatorValue', nonNegative, 'a number ≥ 0') : 0,
    eps: has('eps') ? num('eps', nonNegative, 'a number ≥ 0') : 0,
    alpha: has('alpha') ? num('alpha', nonNegative, 'a number ≥ 0') : 0,
    centered: has('centered') ? bool('centered') : false,
    beta1: 0,
    beta2: 0,
    amsgrad: has('amsgrad') ? bool('amsgrad') : false,
    momentumDecay: has('momentumDecay') ? num('momentumDecay', nonNegative, 'a number ≥ 0') : 0,
    rho: has('rho') ? num('rho', (v) => v >= 0 && v <= 1, 'a number in [0, 1]') : 0,
  };
  if (has('betas')) {
    const betas = get('betas');
    if (!Array.isArray(betas) || betas.length !== 2) throw mustBe(`${path}.betas`, '[beta1, beta2]', betas);
    betas.forEach((b, i) => {
      if (typeof b !== 'number' || !(b >= 0 && b < 1)) throw mustBe(`${path}.betas[${i}]`, 'in [0, 1)', b);
    });
    [r.beta1, r.beta2] = betas as [number, number];
  }
  if (r.nesterov && (r.momentum <= 0 || r.dampening !== 0)) {
    throw new ConfigError(`${path}.nesterov needs momentum > 0 and dampening 0, got momentum ${r.momentum} and dampening ${r.dampening}`, `${path}.nesterov`, true);
  }
  for (const key of CLIP) {
    const v = given[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw mustBe(`${path}.${key}`, 'a number > 0', v);
    r[key as 'clipGradValue' | 'clipGradNorm'] = v;
  }
  return r;
}

/** Whether the optimizer clips its gradient (by value or by norm) before each update. */
export function clips(o: ResolvedOptimizer): boolean {
  return o.clipGradValue !== undefined || o.clipGradNorm !== undefined;
}

/** Slots of per-parameter state a rule uses (the layout reserves the maximum, 3). */
export const MAX_SLOTS = 3;

/** Pointers an optimizer works on: n parameters, their gradients, three state slots, and an f64 block for hyper-parameters. */
export interface OptimizerMemory {
  param: number;
  grad: number;
  slots: [number, number, number];
  count: number;
  hp: number;
}

type RuleStep = (o: ResolvedOptimizer, k: Kernels, m: OptimizerMemory, h: Float64Array, t: number, state: { muProduct: number }) => void;

// One function per rule, so each keeps its own type feedback: a shared switch would be
// deoptimised every time a network switches rules, and unoptimised code boxes every double.
// Each writes its f64 block (in the order its kernel reads it) and calls the kernel with
// pointers and small integers only.
const RULE_STEPS: Record<OptimizerType, RuleStep> = {
  sgd(o, k, m, h, t) {
    const at = m.hp >> 3;
    h[at] = o.lr; h[at + 1] = o.momentum; h[at + 2] = o.dampening; h[at + 3] = o.weightDecay;
    k.sgdStep(m.param, m.grad, m.slots[0], m.count, m.hp, o.nesterov ? 1 : 0, t === 1 ? 1 : 0);
  },
  adagrad(o, k, m, h, t) {
    const at = m.hp >> 3;
    h[at] = o.lr / (1 + (t - 1) * o.lrDecay); h[at + 1] = o.weightDecay; h[at + 2] = o.eps;
    k.adagradStep(m.param, m.grad, m.slots[0], m.count, m.hp);
  },
  rmsprop(o, k, m, h) {
    const at = m.hp >> 3;
    h[at] = o.lr; h[at + 1] = o.alpha; h[at + 2] = o.eps; h[at + 3] = o.weightDecay; h[at + 4] = o.momentum;
    k.rmspropStep(m.param, m.grad, m.slots[0], m.slots[1], m.slots[2], m.count, m.hp, o.centered ? 1 : 0);
  },
  adam(o, k, m, h, t) {
    const at = m.hp >> 3;
    h[at] = o.lr / (1 - o.beta1 ** t); h[at + 1] = Math.sqrt(1 - o.beta2 ** t);
    h[at + 2] = o.beta1; h[at + 3] = o.beta2; h[at + 4] = o.eps; h[at + 5] = o.weightDecay;
    k.adamStep(m.param, m.grad, m.slots[0], m.slots[1], m.slots[2], m.count, m.hp, o.amsgrad ? 1 : 0);
  },
  adamw(o, k, m, h, t) {
    const at = m.hp >> 3;
    h[at] = o.lr; h[at + 1] = o.lr / (1 - o.beta1 ** t); h[at + 2] = Math.sqrt(1 - o.beta2 ** t);
    h[at + 3] = o.beta1; h[at + 4] = o.beta2; h[at + 5] = o.eps; h[at + 6] = o.weightDecay;
    k.adamwStep(m.param, m.grad, m.slots[0], m.slots[1], m.slots[2], m.count, m.hp, o.amsgrad ? 1 : 0);
  },
  adamax(o, k, m, h, t) {
    const at = m.hp >> 3;
    h[at] = o.lr / (1 - o.beta1 ** t); h[at + 1] = o.beta1; h[at + 2] = o.beta2; h[at + 3] = o.eps; h[at + 4] = o.weightDecay;
    k.adamaxStep(m.param, m.grad, m.slots[0], m.slots[1], m.count, m.hp);
  },
  nadam(o, k, m, h, t, state) {
    const at = m.hp >> 3;
    const mu = o.beta1 * (1 - 0.5 * 0.96 ** (t * o.momentumDecay));
    const muNext = o.beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * o.momentumDecay));
    // PyTorch keeps Πμ in a float32 tensor; rounding it the same way keeps goldens tight.
    const muProduct = Math.fround(state.muProduct * mu);
    state.muProduct = muProduct;
    h[at] = (o.lr * (1 - mu)) / (1 - muProduct);
    h[at + 1] = (o.lr * muNext) / (1 - muProduct * muNext);
    h[at + 2] = Math.sqrt(1 - o.beta2 ** t);
    h[at + 3] = o.beta1; h[at + 4] = o.beta2; h[at + 5] = o.eps; h[at + 6] = o.weightDecay;
    k.nadamStep(m.param, m.grad, m.slots[0], m.slots[1], m.count, m.hp);
  },
  radam(o, k, m, h, t) {
    const at = m.hp >> 3;
    const bc2 = 1 - o.beta2 ** t;
    const rhoInf = 2 / (1 - o.beta2) - 1;
    const rhoT = rhoInf - (2 * t * o.beta2 ** t) / bc2;
    // PyTorch switches on the rectified update when ρₜ > 5 (the paper says 4).
    const rectified = rhoT > 5;
    h[at] = o.lr; h[at + 1] = 1 - o.beta1 ** t; h[at + 2] = Math.sqrt(bc2);
    h[at + 3] = rectified ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
    h[at + 4] = o.beta1; h[at + 5] = o.beta2; h[at + 6] = o.eps; h[at + 7] = o.weightDecay;
    k.radamStep(m.param, m.grad, m.slots[0], m.slots[1], m.count, m.hp, rectified ? 1 : 0);
  },
  adadelta(o, k, m, h) {
    const at = m.hp >> 3;
    h[at] = o.lr; h[at + 1] = o.rho; h[at + 2] = o.eps; h[at + 3] = o.weightDecay;
    k.adadeltaStep(m.param, m.grad, m.slots[0], m.slots[1], m.count, m.hp);
  },
};

/** Runs one rule over the parameters; keeps the step count and host-side state. */
export class OptimizerState {
  /** Steps taken, t in PyTorch's formulas. */
  step = 0;
  /** NAdam's running product of μ (a boxed field holds it so it survives between steps). */
  private readonly state = { muProduct: 1 };
  private readonly rule: RuleStep;

  /** `f64` returns the current f64 view of the memory holding `mem.hp`. */
  constructor(
    readonly options: ResolvedOptimizer,
    private readonly k: Kernels,
    private readonly mem: OptimizerMemory,
    private readonly f64: () => Float64Array,
  ) {
    this.rule = RULE_STEPS[options.type];
    this.reset();
  }

  /** Zeroes the state slots (Adagrad: fills its accumulator) and the step count. */
  reset(): void {
    const { slots, count } = this.mem;
    for (const s of slots) this.k.fillF32(s, count, 0);
    if (this.options.type === 'adagrad') this.k.fillF32(slots[0], count, this.options.initialAccumulatorValue);
    this.step = 0;
    this.state.muProduct = 1;
  }

  /** The host-side state a snapshot needs besides the slots (the step count t, NAdam's Πμ). */
  saveState(): { step: number; muProduct: number } {
    return { step: this.step, muProduct: this.state.muProduct };
  }

  loadState(s: { step: number; muProduct: number }): void {
    this.step = s.step;
    this.state.muProduct = s.muProduct;
  }

  /**
   * Applies one update from the current gradients. The f64 scalars reach the kernel through
   * the hp block (typed-array stores), so only small integers cross the boundary.
   */
  apply(): void {
    this.rule(this.options, this.k, this.mem, this.f64(), ++this.step, this.state);
  }
}
