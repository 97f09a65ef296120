// Every optimizer kernel (assembly/optimizers.ts), driven by the host's own hyper-parameter
// block (src/optim/rules.ts writes it, as in training), against the f64 reference of
// torch.optim's update from the user-level options (test/reference/optimizers.ts), for ≥ 10
// steps: a mistake in the host's per-step scalars fails here as well as in the goldens.
import { beforeEach, describe, expect, it } from 'vitest';
import { forEachBuild, expectNear, prng, type Wasm } from '../helpers/kernel-arena.js';
import * as O from '../reference/optimizers.js';
import { OptimizerState } from '../../src/optim/optimizer.js';
import { resolveOptimizer } from '../../src/optim/options.js';
import { RULES } from '../../src/optim/rules.js';
import type { OptimizerConfig, OptimizerType } from '../../src/types.js';

type Ptr = number;

forEachBuild((arena) => {
  let w: Wasm;
  beforeEach(() => { w = arena(); });

  describe('optimizers (≥ 10 steps against the reference)', () => {
    const N = 37;
    const STEPS = 14;

    /**
     * Per-step f32 gradients with some exact zeros: of random scale, or (`shrinking`) large for
     * three steps and then 100× smaller, so that second moments fall and AMSGrad's max matters.
     */
    function gradients(seed: number, schedule: 'random' | 'shrinking'): Float32Array[] {
      const r = prng(seed);
      return Array.from({ length: STEPS }, (_, t) => {
        const scale = schedule === 'shrinking' ? (t < 3 ? 2 : 0.02) : t === 0 ? 3 : r.uniform(0.01, 2);
        const g = r.f32s(N, -scale, scale);
        g[3] = 0;
        if (t % 3 === 0) g[7] = 0;
        return g;
      });
    }
    /** An optimizer config from the reference's hyper-parameters (β₁ and β₂ as `betas`). */
    function optimizerConfig(type: OptimizerType, hyper: object): OptimizerConfig {
      const { beta1, beta2, ...rest } = hyper as { beta1?: number; beta2?: number };
      return { type, ...rest, ...(beta1 === undefined ? {} : { betas: [beta1, beta2!] }) } as OptimizerConfig;
    }
    const initialParams = (seed: number) => prng(seed).f32s(N, -1.5, 1.5);
    /** Relative 2e-5, plus 1e-6 of the largest magnitude in the compared vector (sums that cancel). */
    const tol = (ref: ArrayLike<number>) => ({ rtol: 2e-5, atol: 1e-6 * Math.max(1e-30, ...Array.from(ref, Math.abs)) });

    /** Runs a kernel and a reference side by side, comparing param and state after every step. */
    function race<S>(opts: {
      seed: number;
      state: string[];
      init?: Record<string, number>;
      refState: () => S;
      refStep: (p: Float64Array, g: Float32Array, s: S, t: number) => void;
      refViews: (s: S) => Record<string, ArrayLike<number>>;
      /** The rule and its user-level options (the reference's, in torch.optim's names). */
      type: OptimizerType;
      hyper: object;
      tag: string;
      schedule?: 'random' | 'shrinking';
      afterStep?: (t: number) => void;
    }): S {
      w.reset();
      const p0 = initialParams(opts.seed);
      const pParam = w.f32(p0);
      const pGrad = w.alloc(N);
      const st: Record<string, Ptr> = {};
      for (const name of opts.state) {
        st[name] = w.alloc(N);
        w.k.fillF32(st[name], N, opts.init?.[name] ?? 0);
      }
      // The host's optimizer over the test's buffers: its rule writes the block, its kernel runs.
      const spare = w.alloc(N);
      const slots = [0, 1, 2].map((i) => st[opts.state[i]] ?? spare) as [Ptr, Ptr, Ptr];
      const host = new OptimizerState(resolveOptimizer(optimizerConfig(opts.type, opts.hyper)), w.k, { param: pParam, grad: pGrad, slots, count: N, hp: w.hp }, () => w.f64);
      const refParam = Float64Array.from(p0);
      const refState = opts.refState();
      const grads = gradients(opts.seed + 1, opts.schedule ?? 'random');
      for (let t = 1; t <= STEPS; t++) {
        const g = grads[t - 1];
        w.write(pGrad, g);
        host.apply();
        opts.afterStep?.(t);
        opts.refStep(refParam, g, refState, t);
        expect(w.read(pGrad, N), `${opts.tag}: gradient written at t=${t}`).toEqual(g);
        expectNear(w.read(pParam, N), refParam, `${opts.tag} param t=${t}`, tol(refParam));
        const views = opts.refViews(refState);
        for (const [name, ref] of Object.entries(views)) expectNear(w.read(st[name], N), ref, `${opts.tag} ${name} t=${t}`, tol(ref));
      }
      // The run moved the parameters (a test that cannot fail on a no-op kernel would be useless).
      expect(Math.max(...Array.from(w.read(pParam, N), (v, i) => Math.abs(v - p0[i])))).toBeGreaterThan(1e-4);
      return refState;
    }

    const SGD_CASES: Partial<O.SgdHyper>[] = [
      {},
      { momentum: 0.9 },
      { momentum: 0.9, dampening: 0.3 },
      { momentum: 0.9, nesterov: true },
      { weightDecay: 0.05 },
      { momentum: 0.5, nesterov: true, weightDecay: 0.1 },
      { momentum: 0.8, dampening: 0.5, weightDecay: 0.02, lr: 0.05 },
    ];
    for (const [ci, c] of SGD_CASES.entries()) {
      it(`SGD ${JSON.stringify(c)}`, () => {
        const h: O.SgdHyper = { ...O.SGD_DEFAULTS, lr: 0.1, ...c };
        race<O.SgdState>({
          seed: 100 + ci, state: ['buf'], tag: 'sgd',
          refState: O.createSgdState,
          refStep: (p, g, s) => O.sgdStep(p, g, s, h),
          refViews: (s): Record<string, ArrayLike<number>> => (s.momentumBuffer ? { buf: s.momentumBuffer } : {}),
          type: 'sgd', hyper: h,
        });
      });
    }

    const ADAGRAD_CASES: Partial<O.AdagradHyper>[] = [
      {}, { lrDecay: 0.05 }, { weightDecay: 0.1 }, { initialAccumulatorValue: 0.2 }, { eps: 1e-3, lrDecay: 0.5, weightDecay: 0.01, initialAccumulatorValue: 1 },
    ];
    for (const [ci, c] of ADAGRAD_CASES.entries()) {
      it(`Adagrad ${JSON.stringify(c)}`, () => {
        const h: O.AdagradHyper = { ...O.ADAGRAD_DEFAULTS, lr: 0.05, ...c };
        race<O.AdagradState>({
          seed: 200 + ci, state: ['sum'], init: { sum: h.initialAccumulatorValue }, tag: 'adagrad',
          refState: () => O.createAdagradState(N, h),
          refStep: (p, g, s, t) => O.adagradStep(p, g, s, h, t),
          refViews: (s) => ({ sum: s.sum }),
          type: 'adagrad', hyper: h,
        });
      });
    }

    const RMSPROP_CASES: Partial<O.RmspropHyper>[] = [
      {}, { centered: true }, { momentum: 0.9 }, { centered: true, momentum: 0.5, weightDecay: 0.1 }, { alpha: 0.9, eps: 1e-3, lr: 0.001 },
    ];
    for (const [ci, c] of RMSPROP_CASES.entries()) {
      it(`RMSprop ${JSON.stringify(c)}`, () => {
        const h: O.RmspropHyper = { ...O.RMSPROP_DEFAULTS, ...c };
        race<O.RmspropState>({
          seed: 300 + ci, state: ['sq', 'gavg', 'buf'], tag: 'rmsprop',
          refState: () => O.createRmspropState(N),
          refStep: (p, g, s) => O.rmspropStep(p, g, s, h),
          refViews: (s) => ({ sq: s.squareAvg, ...(h.centered ? { gavg: s.gradAvg } : {}), ...(h.momentum > 0 ? { buf: s.momentumBuffer } : {}) }),
          type: 'rmsprop', hyper: h,
        });
      });
    }

    const ADAM_CASES: Partial<O.AdamHyper>[] = [
      {}, { amsgrad: true }, { weightDecay: 0.1 }, { amsgrad: true, weightDecay: 0.05, beta1: 0.8, beta2: 0.9, lr: 0.01 }, { eps: 1e-3 },
    ];
    for (const variant of ['adam', 'adamw'] as const) {
      for (const [ci, c] of ADAM_CASES.entries()) {
        it(`${variant === 'adam' ? 'Adam' : 'AdamW'} ${JSON.stringify(c)}`, () => {
          const h: O.AdamHyper = { ...(variant === 'adam' ? O.ADAM_DEFAULTS : O.ADAMW_DEFAULTS), lr: 0.01, ...c };
          const s = race<O.AdamState>({
            seed: (variant === 'adam' ? 400 : 500) + ci, state: ['m', 'v', 'vmax'], tag: variant,
            schedule: h.amsgrad ? 'shrinking' : 'random',
            refState: () => O.createAdamState(N),
            refStep: (p, g, st, t) => (variant === 'adam' ? O.adamStep : O.adamwStep)(p, g, st, h, t),
            refViews: (st) => ({ m: st.expAvg, v: st.expAvgSq, ...(h.amsgrad ? { vmax: st.maxExpAvgSq } : {}) }),
            type: variant, hyper: h,
          });
          // AMSGrad must actually have kept a maximum above the current second moment.
          if (h.amsgrad) expect(s.maxExpAvgSq.filter((m, i) => m > s.expAvgSq[i] * 1.005).length).toBeGreaterThan(N / 2);
        });
      }
    }

    const ADAMAX_CASES: Partial<O.AdamaxHyper>[] = [{}, { weightDecay: 0.1 }, { beta1: 0.5, beta2: 0.7, eps: 1e-3, lr: 0.02 }];
    for (const [ci, c] of ADAMAX_CASES.entries()) {
      it(`Adamax ${JSON.stringify(c)}`, () => {
        const h: O.AdamaxHyper = { ...O.ADAMAX_DEFAULTS, ...c };
        race<O.AdamaxState>({
          seed: 600 + ci, state: ['m', 'u'], tag: 'adamax',
          refState: () => O.createAdamaxState(N),
          refStep: (p, g, s, t) => O.adamaxStep(p, g, s, h, t),
          refViews: (s) => ({ m: s.expAvg, u: s.expInf }),
          type: 'adamax', hyper: h,
        });
      });
    }

    const NADAM_CASES: Partial<O.NadamHyper>[] = [{}, { weightDecay: 0.1 }, { momentumDecay: 0.05, beta1: 0.8, beta2: 0.95, lr: 0.01 }];
    for (const [ci, c] of NADAM_CASES.entries()) {
      it(`NAdam ${JSON.stringify(c)}`, () => {
        const h: O.NadamHyper = { ...O.NADAM_DEFAULTS, ...c };
        race<O.NadamState>({
          seed: 700 + ci, state: ['m', 'v'], tag: 'nadam',
          refState: () => O.createNadamState(N),
          refStep: (p, g, s, t) => O.nadamStep(p, g, s, h, t),
          refViews: (s) => ({ m: s.expAvg, v: s.expAvgSq }),
          type: 'nadam', hyper: h,
        });
      });
    }

    const RADAM_CASES: Partial<O.RadamHyper>[] = [{}, { beta2: 0.9 }, { weightDecay: 0.1, lr: 0.01 }];
    for (const [ci, c] of RADAM_CASES.entries()) {
      it(`RAdam ${JSON.stringify(c)}`, () => {
        const h: O.RadamHyper = { ...O.RADAM_DEFAULTS, ...c };
        const branches = new Set<boolean>();
        race<O.RadamState>({
          seed: 800 + ci, state: ['m', 'v'], tag: 'radam',
          refState: () => O.createRadamState(N),
          refStep: (p, g, s, t) => O.radamStep(p, g, s, h, t),
          refViews: (s) => ({ m: s.expAvg, v: s.expAvgSq }),
          type: 'radam', hyper: h,
          // Which phase the host's block put each step in (RADAM_RECTIFIED).
          afterStep: () => branches.add(w.f64[(w.hp >> 3) + RULES.radam.hp.rectified] === 1),
        });
        expect([...branches].sort()).toEqual([false, true]); // both the SMA-intractable and the rectified phase ran
      });
    }

    const ADADELTA_CASES: Partial<O.AdadeltaHyper>[] = [{}, { weightDecay: 0.1, rho: 0.5 }, { lr: 0.5, eps: 1e-4 }];
    for (const [ci, c] of ADADELTA_CASES.entries()) {
      it(`Adadelta ${JSON.stringify(c)}`, () => {
        const h: O.AdadeltaHyper = { ...O.ADADELTA_DEFAULTS, ...c };
        race<O.AdadeltaState>({
          seed: 900 + ci, state: ['sq', 'acc'], tag: 'adadelta',
          refState: () => O.createAdadeltaState(N),
          refStep: (p, g, s) => O.adadeltaStep(p, g, s, h),
          refViews: (s) => ({ sq: s.squareAvg, acc: s.accDelta }),
          type: 'adadelta', hyper: h,
        });
      });
    }
  });
});
