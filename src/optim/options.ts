// Optimizer options as PyTorch's constructors check them: every option of the rule read and
// checked (rules.ts has the rules, their defaults and each option's check), unknown ones
// rejected, defaults filled.
import { ConfigError } from '../errors.js';
import { mustBe } from '../util/must-be.js';
import { isOneOf, OptionsReader } from '../util/options.js';
import type { OptimizerConfig, OptimizerType } from '../types.js';
import { OPTIMIZERS, OPTION_CHECKS, RULES, type OptionCheck, type OptionName, type ResolvedOptimizer, type Rule } from './rules.js';

const CLIP = ['clipGradValue', 'clipGradNorm'] as const;

/** Default options of each rule (a copy), for documentation and UIs. */
export function optimizerDefaults(type: OptimizerType): Record<string, unknown> {
  const options: Record<string, unknown> = structuredClone(RULES[type].options);
  // A required option has no default: it is left out, as PyTorch's signature leaves it.
  for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];
  return options;
}

/** @internal Checks `config` as PyTorch's constructors do and fills defaults; throws ConfigError. */
export function resolveOptimizer(config: OptimizerConfig, path = 'optimizer'): ResolvedOptimizer {
  if (typeof config !== 'object' || config === null) throw mustBe(path, `an object like { type: 'adam' }`, config);
  const type = config.type;
  if (!isOneOf(OPTIMIZERS, type)) throw mustBe(`${path}.type`, `one of ${OPTIMIZERS.join(', ')}`, type);
  const rule: Rule = RULES[type];
  const names = Object.keys(rule.options) as OptionName[];
  const r = OptionsReader.read(config, path, ['type', ...names, ...CLIP], `an option of ${type}`, 'an object', { defaults: rule.options, owner: type });
  const o: ResolvedOptimizer = {
    type, lr: 0, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, lrDecay: 0, initialAccumulatorValue: 0,
    eps: 0, alpha: 0, centered: false, beta1: 0, beta2: 0, amsgrad: false, momentumDecay: 0, rho: 0,
  };
  const values = o as unknown as Record<string, unknown>;
  for (const name of names) {
    const check: OptionCheck = OPTION_CHECKS[name];
    if (check.kind === 'boolean') values[name] = r.boolean(name);
    else if (check.kind === 'number') values[name] = r.number(name, { min: check.min, max: check.max, want: check.want });
    else [o.beta1, o.beta2] = readBetas(r.value(name), r.at(name));
  }
  if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
    throw new ConfigError(`${path}.nesterov needs momentum > 0 and dampening 0, got momentum ${o.momentum} and dampening ${o.dampening}`, `${path}.nesterov`, true);
  }
  for (const key of CLIP) {
    if (r.has(key)) o[key] = r.number(key, { above: 0 });
  }
  return o;
}

function readBetas(betas: unknown, path: string): [number, number] {
  if (!Array.isArray(betas) || betas.length !== 2) throw mustBe(path, '[beta1, beta2]', betas);
  betas.forEach((b, i) => {
    if (typeof b !== 'number' || !(b >= 0 && b < 1)) throw mustBe(`${path}[${i}]`, 'in [0, 1)', b);
  });
  return [betas[0], betas[1]];
}

/** @internal Whether the optimizer clips its gradient (by value or by norm) before each update. */
export function clips(o: ResolvedOptimizer): boolean {
  return o.clipGradValue !== undefined || o.clipGradNorm !== undefined;
}

/** @internal The momentum one-cycle may cycle (rules.ts `cycles`): SGD's and RMSprop's momentum, the Adam family's β₁, or none. */
export function cycledMomentum(o: ResolvedOptimizer): number | undefined {
  const cycles = RULES[o.type].cycles;
  return cycles === null ? undefined : o[cycles];
}

/** @internal Sets the momentum (or β₁) one-cycle cycles. */
export function setCycledMomentum(o: ResolvedOptimizer, m: number): void {
  const cycles = RULES[o.type].cycles;
  if (cycles !== null) o[cycles] = m;
}
