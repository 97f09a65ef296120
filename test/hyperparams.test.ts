// The host's per-step hyper-parameter blocks against PyTorch. Kernel tests feed the kernels
// blocks computed with formulas copied from rules.ts, so a wrong bias correction, decayed rate
// or rectification switch on the host would pass them; here every slot each rule writes for
// steps 1…N is compared with the value torch.optim 1.13 itself used at that step, recorded by
// test/golden/make_hyperparams.py in test/golden/hyperparams.json.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveOptimizer } from '../src/optim/options.js';
import { OPTIMIZERS, RULES, type Rule, type RuleState } from '../src/optim/rules.js';
import type { OptimizerConfig } from '../src/types.js';

interface Entry {
  name: string;
  optimizer: OptimizerConfig;
  /** Slots computed per step (compared to 1e-12 relative); the others are options or flags (exact). */
  derived: string[];
  /** One block per step t = 1…N, by slot name; null where torch has no value (the kernel ignores the slot). */
  steps: Record<string, number | null>[];
  /** Values torch keeps outside the block: NAdam's float32 running product of μ. */
  torchValues?: { muProduct?: number }[];
}

const data = JSON.parse(readFileSync(new URL('./golden/hyperparams.json', import.meta.url), 'utf8')) as { steps: number; entries: Entry[] };
const REL = 1e-12;
// Written away from the start of the array, with NaN around it: a rule that ignores `at` or
// writes past its slots is caught too.
const AT = 3;

/** Slot names of a rule in block order. */
function slotNames(rule: Rule): string[] {
  return Object.entries(rule.hp).sort((a, b) => a[1] - b[1]).map(([name]) => name);
}

describe('hyper-parameter blocks against torch.optim 1.13', () => {
  it('covers every rule, both sides of the switches, and enough steps', () => {
    expect(data.steps).toBeGreaterThanOrEqual(12);
    expect(new Set(data.entries.map((e) => e.optimizer.type))).toEqual(new Set(OPTIMIZERS));
    const radam = data.entries.filter((e) => e.optimizer.type === 'radam').flatMap((e) => e.steps.map((s) => s.rectified));
    expect(new Set(radam)).toEqual(new Set([0, 1]));
    const firstStep = data.entries.filter((e) => e.optimizer.type === 'sgd').flatMap((e) => e.steps.map((s) => s.firstStep));
    expect(new Set(firstStep)).toEqual(new Set([0, 1, null]));
    // The only slots torch leaves without a value: SGD's firstStep without momentum, RAdam's rect before it rectifies.
    const nulls = new Set(data.entries.flatMap((e) => e.steps.flatMap((s) => Object.keys(s).filter((k) => s[k] === null).map((k) => `${e.optimizer.type}.${k}`))));
    expect(nulls).toEqual(new Set(['sgd.firstStep', 'radam.rect']));
  });

  it.each(data.entries)('$name', (entry) => {
    const o = resolveOptimizer(entry.optimizer);
    const rule: Rule = RULES[o.type];
    const names = slotNames(rule);
    expect(entry.steps).toHaveLength(data.steps);
    const state: RuleState = { muProduct: 1 };
    const h = new Float64Array(AT + names.length + 3);
    const bad: string[] = [];
    entry.steps.forEach((want, i) => {
      const t = i + 1;
      expect(Object.keys(want).sort()).toEqual([...names].sort());
      h.fill(NaN);
      rule.write(o, t, h, AT, state);
      for (const name of names) {
        const w = want[name];
        const g = h[AT + rule.hp[name]];
        if (w === null) continue;
        const ok = entry.derived.includes(name) ? Math.abs(g - w) <= REL * Math.abs(w) : g === w;
        if (!ok) bad.push(`t=${t} ${name}: got ${g} want ${w}`);
      }
      h.forEach((v, j) => {
        if ((j < AT || j >= AT + names.length) && !Number.isNaN(v)) bad.push(`t=${t} wrote h[${j}] outside the block`);
      });
      // NAdam's Πμ is float32 in torch and on the host: the same value exactly.
      const mu = entry.torchValues?.[i]?.muProduct;
      if (mu !== undefined && state.muProduct !== mu) bad.push(`t=${t} muProduct: got ${state.muProduct} want ${mu}`);
    });
    expect(bad.slice(0, 8), `${bad.length} mismatches`).toEqual([]);
  });
});
