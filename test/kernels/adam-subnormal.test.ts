// Adam's update where first moments have decayed below the normal range (a silent unit's
// weights: gradient 0 for good, m stuck at a few multiples of 2⁻¹⁴⁹). assembly/optimizers.ts
// takes such runs through a loop of its own (adamDefaultPairs: the moments in f64, p left as it
// is where the step provably cannot move it); here the kernel must give, bit for bit, what f32
// arithmetic gives one operation at a time — PyTorch's formula, each step rounded to f32 — on
// runs of such parameters mixed with live ones and with the values at the edges of that proof:
// parameters too small for the step to vanish, 0, ±∞, NaN, negative or NaN second moments, eps 0.
import { beforeEach, describe, expect, it } from 'vitest';
import { forEachBuild, fmt, prng, sameValue, type Wasm } from '../helpers/kernel-arena.js';
import { RULES, type ResolvedOptimizer } from '../../src/optim/rules.js';
import { resolveOptimizer } from '../../src/optim/options.js';
import type { AdamOptions } from '../../src/types.js';

const f = Math.fround;
const SUB = 2 ** -149;

/** One Adam step (no decay, no AMSGrad) in f32, operation by operation, as torch.optim does it. */
function referenceStep(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, o: ResolvedOptimizer, t: number): void {
  const b1 = f(o.beta1), c1 = f(1 - o.beta1), b2 = f(o.beta2), c2 = f(1 - o.beta2);
  const ss = f(o.lr / (1 - o.beta1 ** t)), bc = f(Math.sqrt(1 - o.beta2 ** t)), eps = f(o.eps);
  for (let i = 0; i < p.length; i++) {
    m[i] = f(f(m[i] * b1) + f(c1 * g[i]));
    v[i] = f(f(v[i] * b2) + f(f(c2 * g[i]) * g[i]));
    // A double rounding (f64, then f32) of √ and ÷ of f32 values is a single one.
    const denom = f(f(f(Math.sqrt(v[i])) / bc) + eps);
    p[i] = f(p[i] - f(ss * f(m[i] / denom)));
  }
}

/**
 * n parameters in runs of 1–120 (a silent unit's row is hundreds long): silent ones (gradient
 * ±0 or a rare subnormal, m a small multiple of ±2⁻¹⁴⁹ or 0) and live ones, with parameters and
 * second moments drawn from the edge values. The last `edge` silent parameters sit at the edge
 * of the proof: |m| just under 2⁻¹²⁶ and v = 0 (the step is then ss·m/eps, the largest it can
 * be), with |p| from 2⁻⁸ to 2⁸ times the size below which that step moves p (2²⁴·ss·|m|/eps).
 */
function state(seed: number, n: number, o: ResolvedOptimizer) {
  const r = prng(seed);
  const pick = <T>(xs: T[]): T => xs[r.int(xs.length)];
  const stuck = () => pick([-1, 1]) * (1 + r.int(6)) * SUB;
  const p = new Float32Array(n), g = new Float32Array(n), m = new Float32Array(n), v = new Float32Array(n);
  let silent = true;
  let runEnd = 0;
  const edge = 16 * 17;
  for (let i = 0; i < n - edge; i++) {
    if (i >= runEnd) { silent = !silent; runEnd = i + 1 + r.int(120); }
    p[i] = r.next() < 0.85 ? r.uniform(-0.1, 0.1)
      : pick([0, -0, 1e-30, -3e-27, 8e-27, 2e-26, -5e-26, 1e-24, 3 * SUB, Infinity, -Infinity, NaN, 1e30]);
    if (silent) {
      g[i] = r.next() < 0.9 ? pick([0, -0]) : stuck();
      m[i] = r.next() < 0.9 ? stuck() : pick([0, -0, 1.1754942e-38, 2e-38]);
      v[i] = r.next() < 0.9 ? r.uniform(1e-14, 1e-8) : pick([0, SUB, 1e-40, -SUB, NaN, Infinity, -1e-12]);
    } else {
      g[i] = r.uniform(-1e-3, 1e-3);
      m[i] = r.uniform(-1e-4, 1e-4);
      v[i] = r.uniform(0, 1e-7);
    }
  }
  const ss = o.lr / (1 - o.beta1), top = 1.1754942e-38;
  for (let i = n - edge, k = 0; i < n; i++, k++) {
    g[i] = 0;
    m[i] = (k & 1 ? -1 : 1) * top;
    v[i] = 0;
    const moves = o.eps > 0 ? 2 ** 24 * ss * top / o.eps : 1;
    p[i] = f((k & 2 ? -1 : 1) * moves * 2 ** ((k >> 2) % 17 - 8) * r.uniform(0.75, 1.5));
  }
  return { p, g, m, v };
}

forEachBuild((arena) => {
  let w: Wasm;
  beforeEach(() => { w = arena(); });

  describe('Adam with first moments below the normal range', () => {
    const CONFIGS: AdamOptions[] = [
      { type: 'adam', lr: 1e-3 },
      { type: 'adam', lr: 1e-3, eps: 1e-7 },
      { type: 'adam', lr: 0.05, betas: [0.5, 0.99] },
      { type: 'adam', lr: 1e-3, eps: 0 },
      { type: 'adam', lr: 1e-3, eps: 1e-30 },
    ];

    for (const config of CONFIGS) {
      it(`gives the bits of step-by-step f32 arithmetic (${JSON.stringify(config)})`, () => {
        const o = resolveOptimizer(config, 'optimizer');
        const n = 8 * 250 + 5; // pairs of vectors, then the tails
        const s = state(7, n, o);
        const at = { p: w.f32(s.p), g: w.f32(s.g), m: w.f32(s.m), v: w.f32(s.v), s2: w.f32(new Float32Array(n)) };
        let moved = 0;
        for (let t = 1; t <= 6; t++) {
          RULES.adam.write(o, t, w.f64, w.hp >> 3);
          const before = s.p.slice();
          referenceStep(s.p, s.g, s.m, s.v, o, t);
          w.k.adamStep(at.p, at.g, at.m, at.v, at.s2, n, w.hp);
          for (const [name, ref, ptr] of [['p', s.p, at.p], ['m', s.m, at.m], ['v', s.v, at.v]] as const) {
            const got = w.read(ptr, n);
            for (let i = 0; i < n; i++) {
              if (!sameValue(got[i], ref[i])) expect.fail(`step ${t}: ${name}[${i}] is ${fmt(got[i])}, f32 arithmetic gives ${fmt(ref[i])}`);
            }
          }
          // Tiny parameters under a stuck moment do move: the skip must not have swallowed them.
          for (let i = 0; i < n; i++) if (s.m[i] !== 0 && Math.abs(s.m[i]) < 2 ** -126 && s.p[i] !== before[i] && Number.isFinite(s.p[i])) moved++;
        }
        if (config.eps !== 0) expect(moved, 'parameters moved by a subnormal first moment').toBeGreaterThan(0);
      });
    }
  });
});
