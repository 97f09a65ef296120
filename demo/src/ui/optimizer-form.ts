// The optimizer and every hyper-parameter of its rule, under PyTorch's names (the library's
// camelCase: weight_decay → weightDecay), with PyTorch's defaults from optimizerDefaults().
// State is one flat record (betas as beta1/beta2, clipping 0 = off) so it fits the URL hash;
// `toOptimizerConfig` turns it into the `{ type, … }` descent takes. Switching the rule puts
// that rule's defaults back (sgd, which has no default lr, gets `SGD_LR`).
import { OPTIMIZERS, optimizerDefaults, type OptimizerConfig, type OptimizerType } from 'descent';
import { checkbox, el, fmt, group, select, slider, type Control } from './controls.js';

export type FlatOptimizer = {
  type: string; lr: number; momentum: number; dampening: number; nesterov: boolean; weightDecay: number;
  beta1: number; beta2: number; eps: number; alpha: number; centered: boolean; amsgrad: boolean;
  lrDecay: number; initialAccumulatorValue: number; momentumDecay: number; rho: number; clipGradNorm: number;
};

export const SGD_LR = 0.1;

/** The rule's PyTorch defaults as a flat record. */
export function flatDefaults(type: OptimizerType): FlatOptimizer {
  const d = optimizerDefaults(type) as Record<string, unknown>;
  const betas = (d.betas as number[] | undefined) ?? [0.9, 0.999];
  const num = (k: string, fallback: number) => (typeof d[k] === 'number' ? (d[k] as number) : fallback);
  return {
    type, lr: num('lr', SGD_LR), momentum: num('momentum', 0), dampening: num('dampening', 0), nesterov: d.nesterov === true,
    weightDecay: num('weightDecay', 0), beta1: betas[0], beta2: betas[1], eps: num('eps', 1e-8), alpha: num('alpha', 0.99),
    centered: d.centered === true, amsgrad: d.amsgrad === true, lrDecay: num('lrDecay', 0),
    initialAccumulatorValue: num('initialAccumulatorValue', 0), momentumDecay: num('momentumDecay', 4e-3), rho: num('rho', 0.9), clipGradNorm: 0,
  };
}

/** Which flat keys each rule takes (besides type and lr). */
const KEYS: Record<OptimizerType, (keyof FlatOptimizer)[]> = {
  sgd: ['momentum', 'dampening', 'nesterov', 'weightDecay'],
  adagrad: ['lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'],
  rmsprop: ['alpha', 'eps', 'weightDecay', 'momentum', 'centered'],
  adam: ['beta1', 'beta2', 'eps', 'weightDecay', 'amsgrad'],
  adamw: ['beta1', 'beta2', 'eps', 'weightDecay', 'amsgrad'],
  adamax: ['beta1', 'beta2', 'eps', 'weightDecay'],
  nadam: ['beta1', 'beta2', 'eps', 'weightDecay', 'momentumDecay'],
  radam: ['beta1', 'beta2', 'eps', 'weightDecay'],
  adadelta: ['rho', 'eps', 'weightDecay'],
};

/** The config descent takes, from a flat record (only the rule's own keys). */
export function toOptimizerConfig(f: FlatOptimizer): OptimizerConfig {
  const type = f.type as OptimizerType;
  const out: Record<string, unknown> = { type, lr: f.lr };
  for (const k of KEYS[type]) {
    if (k === 'beta1') out.betas = [f.beta1, f.beta2];
    else if (k !== 'beta2') out[k] = f[k];
  }
  if (type === 'sgd' && !(f.momentum > 0 && f.dampening === 0)) out.nesterov = false;
  if (f.clipGradNorm > 0) out.clipGradNorm = f.clipGradNorm;
  return out as unknown as OptimizerConfig;
}

/** PyTorch's argument name for each flat key, shown as the label. */
const LABEL: Record<string, string> = {
  lr: 'lr', momentum: 'momentum', dampening: 'dampening', nesterov: 'nesterov', weightDecay: 'weight_decay',
  beta1: 'betas[0] (β₁)', beta2: 'betas[1] (β₂)', eps: 'eps', alpha: 'alpha', centered: 'centered', amsgrad: 'amsgrad',
  lrDecay: 'lr_decay', initialAccumulatorValue: 'initial_accumulator_value', momentumDecay: 'momentum_decay', rho: 'rho',
  clipGradNorm: 'clip grad norm',
};

export interface OptimizerForm {
  root: HTMLElement;
  get(): FlatOptimizer;
  /** Replaces the values (from the hash or a remedy) and redraws the controls. */
  set(values: FlatOptimizer): void;
}

export function optimizerForm(o: { legend?: string; value: FlatOptimizer; onChange: (v: FlatOptimizer) => void; rules?: readonly OptimizerType[]; lrRange?: [number, number] }): OptimizerForm {
  let v = { ...o.value };
  const body = el('div');
  const root = group(o.legend ?? 'Optimizer', body);
  const change = (patch: Partial<FlatOptimizer>) => {
    v = { ...v, ...patch };
    o.onChange({ ...v });
  };
  const render = () => {
    const type = v.type as OptimizerType;
    const controls: Control<unknown>[] = [];
    controls.push(select({ label: 'rule', name: 'optimizer', options: o.rules ?? OPTIMIZERS, value: type, onChange: (t) => { v = flatDefaults(t); o.onChange({ ...v }); render(); } }));
    const [lo, hi] = o.lrRange ?? [1e-5, 10];
    controls.push(slider({ label: LABEL.lr, name: 'lr', min: lo, max: hi, log: true, value: v.lr, onChange: (lr) => change({ lr }) }));
    for (const k of KEYS[type]) {
      const value = v[k];
      if (typeof value === 'string') continue;
      if (typeof value === 'boolean') controls.push(checkbox({ label: LABEL[k], name: k, value, onChange: (b) => change({ [k]: b }) }));
      else if (k === 'momentum' || k === 'dampening' || k === 'beta1' || k === 'alpha' || k === 'rho') {
        controls.push(slider({ label: LABEL[k], name: k, min: 0, max: k === 'rho' ? 1 : 0.99, step: 0.01, value, onChange: (x) => change({ [k]: x }) }));
      } else if (k === 'beta2') {
        controls.push(slider({ label: LABEL[k], name: k, min: 0.9, max: 0.9999, step: 0.0001, value, format: (x) => String(x), onChange: (x) => change({ [k]: x }) }));
      } else if (k === 'eps') {
        controls.push(slider({ label: LABEL[k], name: k, min: 1e-10, max: 1, log: true, stepsPerDecade: 2, value, onChange: (x) => change({ eps: x }) }));
      } else {
        // weight_decay, lr_decay, initial_accumulator_value, momentum_decay: 0 or a log scale.
        controls.push(slider({ label: LABEL[k], name: k, min: 0, max: k === 'initialAccumulatorValue' ? 1 : 0.1, step: k === 'initialAccumulatorValue' ? 0.01 : 0.0005, value, format: fmt, onChange: (x) => change({ [k]: x }) }));
      }
    }
    controls.push(slider({ label: LABEL.clipGradNorm, name: 'clipGradNorm', min: 0, max: 10, step: 0.5, value: v.clipGradNorm, format: (x) => (x === 0 ? 'off' : String(x)), onChange: (x) => change({ clipGradNorm: x }) }));
    const focused = document.activeElement instanceof HTMLElement && body.contains(document.activeElement) ? (document.activeElement as HTMLInputElement).name : null;
    body.replaceChildren(...controls.map((c) => c.root));
    if (focused) body.querySelector<HTMLElement>(`[name="${focused}"]`)?.focus();
  };
  render();
  return { root, get: () => ({ ...v }), set: (values) => { v = { ...values }; render(); } };
}
