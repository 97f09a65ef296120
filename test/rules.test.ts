// The optimizer rule table (src/optim/rules.ts) is the host's one definition of each rule: its
// options and defaults, its hyper-parameter block, and what one-cycle may cycle. A rule cannot
// leave `cycles` out (the compiler requires it), and what it names must be an option it has.
import { describe, expect, it } from 'vitest';
import { cycledMomentum, optimizerDefaults, resolveOptimizer, setCycledMomentum } from '../src/optim/options.js';
import { OPTIMIZERS, RULES } from '../src/optim/rules.js';
import type { OptimizerConfig } from '../src/types.js';

describe.each(OPTIMIZERS)('%s', (type) => {
  const rule = RULES[type];
  const config = { type, ...(type === 'sgd' ? { lr: 0.1, momentum: 0.7 } : {}) } as OptimizerConfig;

  it('cycles an option it has, or nothing', () => {
    const options = Object.keys(rule.options);
    if (rule.cycles === 'momentum') expect(options).toContain('momentum');
    else if (rule.cycles === 'beta1') expect(options).toContain('betas');
    else expect(rule.cycles).toBeNull();
  });

  it('one-cycle reads and writes the option it cycles', () => {
    const o = resolveOptimizer(config);
    const before = cycledMomentum(o);
    if (rule.cycles === null) {
      expect(before).toBeUndefined();
      setCycledMomentum(o, 0.5);
      expect(o).toEqual(resolveOptimizer(config));
      return;
    }
    expect(before).toBe(rule.cycles === 'beta1' ? o.beta1 : o.momentum);
    setCycledMomentum(o, 0.5);
    expect(cycledMomentum(o)).toBe(0.5);
    expect(o[rule.cycles]).toBe(0.5);
  });

  it('publishes its defaults, without the options PyTorch requires', () => {
    const defaults = optimizerDefaults(type);
    for (const [key, value] of Object.entries(rule.options)) {
      if (value === undefined) expect(defaults).not.toHaveProperty(key);
      else expect(defaults[key]).toEqual(value);
    }
  });

  it('names each slot of its block once, in order', () => {
    expect(Object.values(rule.hp)).toEqual(Object.keys(rule.hp).map((_, i) => i));
  });
});
