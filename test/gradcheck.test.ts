// Finite-difference gradient checks on the f64 reference implementations (test/reference/):
// every activation derivative, every loss gradient, the dense layer's backward pass and a
// 2-layer network composed from them. Central differences (f(x+h) − f(x−h))/2h are compared
// with the analytic gradients away from kinks; the values at the kinks are asserted exactly.
// The last block pins the references to closed-form values of PyTorch's definitions.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ACTIVATIONS, ACTIVATION_NAMES, activationBackward, activationForward, gelu, geluDerivative,
  SOFTPLUS_THRESHOLD, type ActivationName,
} from './reference/activations.js';
import { denseBackwardInput, denseBackwardParams, denseForward } from './reference/dense.js';
import {
  huber, type LossResult, mae, mse, sigmoidBce, softmaxCrossEntropy, softmaxRows,
} from './reference/losses.js';
import * as opt from './reference/optimizers.js';
import { clipCoefficient, clipGradNorm, clipGradValue, totalNorm } from './reference/clip.js';
import { expectClose, numericGradient } from './helpers/finite-differences.js';

const SEED = Number(process.env.FC_SEED ?? 0x5eed);
fc.configureGlobal({ seed: SEED, numRuns: 60 });

const H = 1e-6;

/** Central difference of a scalar function at x. */
function centralDiff(f: (x: number) => number, x: number, h = H): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

const f64 = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
/** Uniform in [min, max] without fast-check's bias towards 0 and the bounds (which would sit on kinks). */
const uniform = (min: number, max: number) =>
  fc.noBias(fc.integer({ min: 0, max: 2 ** 30 })).map((k) => min + ((max - min) * k) / 2 ** 30);
const vec = (n: number, min = -3, max = 3) => fc.array(uniform(min, max), { minLength: n, maxLength: n }).map((a) => Float64Array.from(a));

describe('activation derivatives vs central differences', () => {
  for (const name of ACTIVATION_NAMES) {
    const { f, df, kinks } = ACTIVATIONS[name];
    const nearKink = (x: number) => kinks.some((k) => Math.abs(x - k) < 1e-4);

    it(`${name}: f′ matches (f(x+h) − f(x−h))/2h on random x ∈ [−30, 30] away from kinks`, () => {
      fc.assert(fc.property(f64(-30, 30), (x) => {
        fc.pre(!nearKink(x));
        const num = centralDiff(f, x);
        const an = df(x);
        expect(Math.abs(num - an)).toBeLessThanOrEqual(1e-7 + 1e-6 * Math.abs(an));
      }), { numRuns: 300 });
    });

    it(`${name}: f′ matches central differences on a fixed grid`, () => {
      for (let x = -8; x <= 8; x += 0.0625) {
        if (nearKink(x)) continue;
        const num = centralDiff(f, x);
        expect(Math.abs(num - df(x)), `x = ${x}`).toBeLessThanOrEqual(1e-7 + 1e-6 * Math.abs(df(x)));
      }
    });
  }

  it('kinks take PyTorch values: relu′(0) = 0, leaky_relu′(0) = 0.01, elu′(0) = 1', () => {
    expect(ACTIVATIONS.relu.df(0)).toBe(0);
    expect(ACTIVATIONS.relu.df(-0)).toBe(0);
    expect(ACTIVATIONS.leaky_relu.df(0)).toBe(0.01);
    expect(ACTIVATIONS.elu.df(0)).toBe(1);
    // Either side of each kink, the derivative is the one-sided slope.
    expect(centralDiff(ACTIVATIONS.relu.f, 1e-3, 1e-5)).toBeCloseTo(1, 9);
    expect(centralDiff(ACTIVATIONS.relu.f, -1e-3, 1e-5)).toBeCloseTo(0, 9);
    expect(centralDiff(ACTIVATIONS.leaky_relu.f, -1e-3, 1e-5)).toBeCloseTo(0.01, 9);
    // ELU with α = 1 is C¹: the central difference right at 0 is 1 too.
    expect(centralDiff(ACTIVATIONS.elu.f, 0, 1e-6)).toBeCloseTo(1, 6);
    // Values at the kinks.
    expect(ACTIVATIONS.relu.f(0)).toBe(0);
    expect(ACTIVATIONS.leaky_relu.f(-2)).toBe(-0.02);
    expect(ACTIVATIONS.elu.f(0)).toBe(0);
  });

  it('softplus switches to the identity (derivative exactly 1) strictly above the threshold 20', () => {
    expect(ACTIVATIONS.softplus.f(SOFTPLUS_THRESHOLD + 1e-9)).toBe(SOFTPLUS_THRESHOLD + 1e-9);
    expect(ACTIVATIONS.softplus.df(20.5)).toBe(1);
    expect(ACTIVATIONS.softplus.df(1000)).toBe(1);
    // At exactly 20 it is still log1p(e²⁰) = 20.000000002061153 (mpmath).
    expect(ACTIVATIONS.softplus.f(20)).toBeCloseTo(20.000000002061153, 12);
    expect(ACTIVATIONS.softplus.df(20)).toBeLessThan(1);
  });

  it('activationBackward of sigmoid/tanh from the output a equals da·f′(z)', () => {
    fc.assert(fc.property(vec(7, -10, 10), vec(7), (z, da) => {
      for (const name of ['sigmoid', 'tanh'] as const) {
        const a = activationForward(name, z);
        const dz = activationBackward(name, da, z, a);
        for (let i = 0; i < z.length; i++) {
          expect(Math.abs(dz[i] - da[i] * ACTIVATIONS[name].df(z[i]))).toBeLessThanOrEqual(1e-15 + 1e-12 * Math.abs(dz[i]));
        }
      }
    }));
  });
});

type LossFn = (out: Float64Array, rows: number, cols: number) => LossResult;

/** A random loss problem: outputs plus the targets or labels each loss needs. */
const lossCase = fc
  .record({ rows: fc.integer({ min: 1, max: 5 }), cols: fc.integer({ min: 1, max: 6 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      out: vec(rows * cols, -4, 4),
      target: vec(rows * cols, -3, 3),
      prob: vec(rows * cols, 0, 1),
      labels: fc.array(fc.integer({ min: 0, max: cols - 1 }), { minLength: rows, maxLength: rows }),
    }),
  );

describe('loss gradients w.r.t. the outputs vs central differences', () => {
  const check = (name: string, make: (c: { target: Float64Array; prob: Float64Array; labels: number[] }) => LossFn,
    skip: (d: number) => boolean = () => false) => {
    it(`${name}: ∂loss/∂out`, () => {
      fc.assert(fc.property(lossCase, (c) => {
        for (let i = 0; i < c.out.length; i++) fc.pre(!skip(c.out[i] - c.target[i]));
        const fn = make(c);
        const out = Float64Array.from(c.out);
        const { grad } = fn(out, c.rows, c.cols);
        const num = numericGradient(() => fn(out, c.rows, c.cols).loss, out);
        expectClose(num, grad, name);
      }));
    });
  };

  check('softmax cross-entropy', (c) => (out, rows, cols) => softmaxCrossEntropy(out, c.labels, rows, cols));
  check('sigmoid BCE with logits', (c) => (out, rows, cols) => sigmoidBce(out, c.prob, rows, cols));
  check('MSE', (c) => (out, rows, cols) => mse(out, c.target, rows, cols));
  check('MAE (away from d = 0)', (c) => (out, rows, cols) => mae(out, c.target, rows, cols), (d) => Math.abs(d) < 1e-4);
  check('Huber δ=1 (away from |d| = 1)', (c) => (out, rows, cols) => huber(out, c.target, rows, cols),
    (d) => Math.abs(Math.abs(d) - 1) < 1e-4);

  it('MAE gradient at d = 0 is exactly 0 (sign(0) = 0); Huber gradient at |d| = 1 is exactly ±1/n', () => {
    const out = Float64Array.of(1, 2, 3, 4.5);
    const target = Float64Array.of(1, 1, 4, 3);
    expect(Array.from(mae(out, target, 2, 2).grad)).toEqual([0, 0.25, -0.25, 0.25]);
    const h = huber(out, target, 2, 2);
    expect(Array.from(h.grad)).toEqual([0, 0.25, -0.25, 0.25]);
    // Both branches agree at |d| = 1: ½·1² = 1·(1 − ½) = 0.5; |d| = 1.5 → 1.5 − 0.5 = 1.
    expect(h.loss).toBe((0 + 0.5 + 0.5 + 1) / 4);
  });
});

describe('dense layer backward vs central differences of sum(y ⊙ r)', () => {
  const denseCase = fc
    .record({ rows: fc.integer({ min: 1, max: 4 }), inDim: fc.integer({ min: 1, max: 6 }), outDim: fc.integer({ min: 1, max: 6 }) })
    .chain((s) => fc.record({
      rows: fc.constant(s.rows), inDim: fc.constant(s.inDim), outDim: fc.constant(s.outDim),
      x: vec(s.rows * s.inDim),
      w: vec(s.outDim * s.inDim, -1, 1),
      b: vec(s.outDim, -1, 1),
      r: vec(s.rows * s.outDim),
    }));

  it('dx, dW, db', () => {
    fc.assert(fc.property(denseCase, ({ rows, inDim, outDim, x, w, b, r }) => {
      const loss = () => {
        const y = denseForward(x, w, b, rows, inDim, outDim);
        let s = 0;
        for (let i = 0; i < y.length; i++) s += y[i] * r[i];
        return s;
      };
      const dx = denseBackwardInput(r, w, rows, inDim, outDim);
      const { dw, db } = denseBackwardParams(r, x, rows, inDim, outDim);
      expectClose(numericGradient(loss, x), dx, 'dx');
      expectClose(numericGradient(loss, w), dw, 'dW');
      expectClose(numericGradient(loss, b), db, 'db');
    }));
  });

  it('forward computes x·Wᵀ + b on a hand-worked example', () => {
    // x = [[1, 2]], W = [[1, 0], [0, 1], [1, 1]], b = [0.5, -1, 0]
    const y = denseForward([1, 2], [1, 0, 0, 1, 1, 1], [0.5, -1, 0], 1, 2, 3);
    expect(Array.from(y)).toEqual([1.5, 1, 3]);
  });
});

describe('2-layer network (dense → activation → dense → loss) parameter gradients', () => {
  type LossName = 'ce' | 'bce' | 'mse' | 'mae' | 'huber';
  const LOSSES: LossName[] = ['ce', 'bce', 'mse', 'mae', 'huber'];

  const netCase = fc
    .record({
      rows: fc.integer({ min: 1, max: 4 }), inDim: fc.integer({ min: 1, max: 4 }),
      hidden: fc.integer({ min: 1, max: 5 }), outDim: fc.integer({ min: 1, max: 4 }),
    })
    .chain((s) => fc.record({
      shape: fc.constant(s),
      x: vec(s.rows * s.inDim, -2, 2),
      w1: vec(s.hidden * s.inDim, -1, 1), b1: vec(s.hidden, -0.5, 0.5),
      w2: vec(s.outDim * s.hidden, -1, 1), b2: vec(s.outDim, -0.5, 0.5),
      target: vec(s.rows * s.outDim, -2, 2), prob: vec(s.rows * s.outDim, 0, 1),
      labels: fc.array(fc.integer({ min: 0, max: s.outDim - 1 }), { minLength: s.rows, maxLength: s.rows }),
    }));

  for (const actName of ACTIVATION_NAMES) {
    for (const lossName of LOSSES) {
      it(`${actName} + ${lossName}`, () => {
        fc.assert(fc.property(netCase, (c) => {
          const { rows, inDim, hidden, outDim } = c.shape;
          const lossOf = (out: Float64Array): LossResult => {
            switch (lossName) {
              case 'ce': return softmaxCrossEntropy(out, c.labels, rows, outDim);
              case 'bce': return sigmoidBce(out, c.prob, rows, outDim);
              case 'mse': return mse(out, c.target, rows, outDim);
              case 'mae': return mae(out, c.target, rows, outDim);
              case 'huber': return huber(out, c.target, rows, outDim);
            }
          };
          const forward = () => {
            const z1 = denseForward(c.x, c.w1, c.b1, rows, inDim, hidden);
            const a1 = activationForward(actName as ActivationName, z1);
            const out = denseForward(a1, c.w2, c.b2, rows, hidden, outDim);
            return { z1, a1, out, ...lossOf(out) };
          };
          const fw = forward();
          // Stay clear of kinks, where a central difference straddles two slopes.
          for (const z of fw.z1) fc.pre(!ACTIVATIONS[actName].kinks.some((k) => Math.abs(z - k) < 1e-4));
          if (lossName === 'mae' || lossName === 'huber') {
            for (let i = 0; i < fw.out.length; i++) {
              const d = fw.out[i] - c.target[i];
              fc.pre(lossName === 'mae' ? Math.abs(d) > 1e-4 : Math.abs(Math.abs(d) - 1) > 1e-4);
            }
          }
          // Backward pass composed from the references.
          const dOut = fw.grad;
          const p2 = denseBackwardParams(dOut, fw.a1, rows, hidden, outDim);
          const dA1 = denseBackwardInput(dOut, c.w2, rows, hidden, outDim);
          const dZ1 = activationBackward(actName as ActivationName, dA1, fw.z1, fw.a1);
          const p1 = denseBackwardParams(dZ1, c.x, rows, inDim, hidden);
          const dX = denseBackwardInput(dZ1, c.w1, rows, inDim, hidden);

          const loss = () => forward().loss;
          expectClose(numericGradient(loss, c.w2), p2.dw, 'dW2', 1e-5, 1e-7);
          expectClose(numericGradient(loss, c.b2), p2.db, 'db2', 1e-5, 1e-7);
          expectClose(numericGradient(loss, c.w1), p1.dw, 'dW1', 1e-5, 1e-7);
          expectClose(numericGradient(loss, c.b1), p1.db, 'db1', 1e-5, 1e-7);
          expectClose(numericGradient(loss, c.x), dX, 'dX', 1e-5, 1e-7);
        }), { numRuns: 12 });
      });
    }
  }
});

describe('reference closed forms (PyTorch definitions worked by hand)', () => {
  it('GELU at known points (Φ from mpmath)', () => {
    expect(gelu(1)).toBeCloseTo(0.8413447460685429, 15);
    expect(gelu(-1)).toBeCloseTo(-0.15865525393145705, 15);
    expect(gelu(0.5)).toBeCloseTo(0.34573123063700656, 15);
    expect(gelu(3)).toBeCloseTo(2.99595030590511, 14);
    expect(geluDerivative(1)).toBeCloseTo(1.0833154705876864, 15);
    expect(geluDerivative(-2)).toBeCloseTo(-0.0852318010781969, 15);
  });

  it('softmax rows sum to 1; cross-entropy of equal logits is ln C; BCE at logit 0 is ln 2', () => {
    const p = softmaxRows([1000, 1001, 999, -3, 0, 2], 2, 3);
    expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 15);
    expect(p[3] + p[4] + p[5]).toBeCloseTo(1, 15);
    expect(p[1] / p[0]).toBeCloseTo(Math.E, 12);
    expect(softmaxCrossEntropy([0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3], [7, 2], 1, 10).loss).toBeCloseTo(Math.log(10), 14);
    expect(sigmoidBce([0, 0], [0.2, 1], 1, 2).loss).toBeCloseTo(Math.LN2, 15);
    // Far into saturation the stable form neither overflows nor loses the linear part.
    expect(sigmoidBce([-1000], [1], 1, 1).loss).toBe(1000);
    expect(softmaxCrossEntropy([0, -1000], [1], 1, 2).loss).toBe(1000);
  });

  const g = Float64Array.of(0.5, -2, 1e-3);
  const theta0 = Float64Array.of(1, -1, 0.25);

  it('SGD: two momentum steps with dampening, and the Nesterov variant', () => {
    const h = { lr: 0.1, momentum: 0.9, dampening: 0.5, weightDecay: 0, nesterov: false };
    const p = Float64Array.from(theta0);
    const s = opt.createSgdState();
    opt.sgdStep(p, g, s, h); // b₁ = g
    opt.sgdStep(p, g, s, h); // b₂ = 0.9g + 0.5g = 1.4g
    for (let i = 0; i < 3; i++) expect(p[i]).toBeCloseTo(theta0[i] - 0.1 * g[i] - 0.1 * 1.4 * g[i], 14);
    const pn = Float64Array.from(theta0);
    const sn = opt.createSgdState();
    const hn = { ...h, dampening: 0, nesterov: true, weightDecay: 0.1 };
    opt.sgdStep(pn, g, sn, hn); // d = g + λθ₀; b = d; θ₁ = θ₀ − γ(d + μd)
    for (let i = 0; i < 3; i++) {
      const d = g[i] + 0.1 * theta0[i];
      expect(pn[i]).toBeCloseTo(theta0[i] - 0.1 * 1.9 * d, 14);
    }
  });

  it('Adam / AdamW / Adamax / Adagrad take a ≈ lr·sign(g) first step', () => {
    const check = (step: (p: Float64Array) => void, expected: (i: number) => number) => {
      const p = Float64Array.from(theta0);
      step(p);
      for (let i = 0; i < 3; i++) expect(p[i]).toBeCloseTo(expected(i), 14);
    };
    const lr = 0.01;
    check((p) => opt.adamStep(p, g, opt.createAdamState(3), { ...opt.ADAM_DEFAULTS, lr }, 1),
      (i) => theta0[i] - lr * g[i] / (Math.abs(g[i]) + 1e-8));
    check((p) => opt.adamwStep(p, g, opt.createAdamState(3), { ...opt.ADAMW_DEFAULTS, lr, weightDecay: 0.5 }, 1),
      (i) => theta0[i] * (1 - lr * 0.5) - lr * g[i] / (Math.abs(g[i]) + 1e-8));
    check((p) => opt.adamaxStep(p, g, opt.createAdamaxState(3), { ...opt.ADAMAX_DEFAULTS, lr }, 1),
      (i) => theta0[i] - lr * g[i] / (Math.abs(g[i]) + 1e-8));
    check((p) => opt.adagradStep(p, g, opt.createAdagradState(3, opt.ADAGRAD_DEFAULTS), { ...opt.ADAGRAD_DEFAULTS, lr }, 1),
      (i) => theta0[i] - lr * g[i] / (Math.abs(g[i]) + 1e-10));
  });

  it('Adagrad decays the rate as lr/(1 + (t−1)·lr_decay) and starts from initial_accumulator_value', () => {
    const h = { ...opt.ADAGRAD_DEFAULTS, lr: 0.1, lrDecay: 0.5, initialAccumulatorValue: 0.25 };
    const p = Float64Array.of(0);
    const s = opt.createAdagradState(1, h);
    opt.adagradStep(p, [1], s, h, 1); // s = 1.25
    opt.adagradStep(p, [1], s, h, 2); // s = 2.25, clr = 0.1/1.5
    expect(p[0]).toBeCloseTo(-0.1 / (Math.sqrt(1.25) + 1e-10) - 0.1 / 1.5 / (1.5 + 1e-10), 14);
  });

  it('AMSGrad keeps the larger raw second moment of step 1 when gradients shrink', () => {
    const h = { ...opt.ADAM_DEFAULTS, lr: 0.1, amsgrad: true };
    const p = Float64Array.of(0);
    const s = opt.createAdamState(1);
    opt.adamStep(p, [1], s, h, 1);
    opt.adamStep(p, [0.01], s, h, 2);
    const b1 = 0.9, b2 = 0.999;
    expect(s.maxExpAvgSq[0]).toBeCloseTo(1 - b2, 15); // v₂ = (1−β₂)(β₂ + 1e-4) < v₁
    const m2 = b1 * (1 - b1) + (1 - b1) * 0.01;
    const step2 = (0.1 / (1 - b1 ** 2)) * m2 / (Math.sqrt(1 - b2) / Math.sqrt(1 - b2 ** 2) + 1e-8);
    expect(p[0]).toBeCloseTo(-0.1 * 1 / (1 + 1e-8) - step2, 12);
  });

  it('RMSprop first step, plain and centered', () => {
    const h = { ...opt.RMSPROP_DEFAULTS, lr: 0.01 };
    const p = Float64Array.from(theta0);
    opt.rmspropStep(p, g, opt.createRmspropState(3), h);
    for (let i = 0; i < 3; i++) expect(p[i]).toBeCloseTo(theta0[i] - 0.01 * g[i] / (Math.sqrt(0.01) * Math.abs(g[i]) + 1e-8), 13);
    const pc = Float64Array.from(theta0);
    opt.rmspropStep(pc, g, opt.createRmspropState(3), { ...h, centered: true });
    // v − ḡ² = 0.01g² − 0.0001g² = 0.0099g²
    for (let i = 0; i < 3; i++) expect(pc[i]).toBeCloseTo(theta0[i] - 0.01 * g[i] / (Math.sqrt(0.0099) * Math.abs(g[i]) + 1e-8), 13);
  });

  it('Adadelta first step: Δ = √ε/√((1−ρ)g² + ε)·g', () => {
    const p = Float64Array.from(theta0);
    opt.adadeltaStep(p, g, opt.createAdadeltaState(3), opt.ADADELTA_DEFAULTS);
    for (let i = 0; i < 3; i++) {
      expect(p[i]).toBeCloseTo(theta0[i] - Math.sqrt(1e-6) / Math.sqrt(0.1 * g[i] * g[i] + 1e-6) * g[i], 14);
    }
  });

  it('NAdam first step uses Π = μ₁ and μ₂/(1 − μ₁μ₂) (PyTorch ≥ 2.0, not 1.13 single-tensor μ₁²μ₂)', () => {
    const h = { ...opt.NADAM_DEFAULTS, lr: 0.01 };
    const p = Float64Array.from(theta0);
    const s = opt.createNadamState(3);
    opt.nadamStep(p, g, s, h, 1);
    const mu1 = 0.9 * (1 - 0.5 * 0.96 ** 0.004);
    const mu2 = 0.9 * (1 - 0.5 * 0.96 ** 0.008);
    expect(s.muProduct).toBeCloseTo(mu1, 15);
    for (let i = 0; i < 3; i++) {
      const d = Math.abs(g[i]) + 1e-8; // √(v/(1−β₂)) = |g|
      const expected = theta0[i] - 0.01 * g[i] / d - (0.01 * mu2 / (1 - mu1 * mu2)) * (0.1 * g[i]) / d;
      expect(p[i]).toBeCloseTo(expected, 14);
    }
  });

  it('RAdam: ρ₁ = 1 (unrectified step θ − lr·g), and ρₜ first exceeds 5 at t = 6 for β₂ = 0.999', () => {
    expect(opt.radamRho(0.999, 1).rhoT).toBeCloseTo(1, 9);
    expect(opt.radamRho(0.999, 5).rhoT).toBeLessThanOrEqual(5);
    expect(opt.radamRho(0.999, 6).rhoT).toBeGreaterThan(5);
    const { rhoInf, rhoT } = opt.radamRho(0.999, 1e6);
    expect(rhoInf).toBeCloseTo(1999, 9);
    expect(opt.radamRect(rhoInf, rhoT)).toBeCloseTo(1, 9); // the rectifier tends to 1
    const p = Float64Array.from(theta0);
    opt.radamStep(p, g, opt.createRadamState(3), { ...opt.RADAM_DEFAULTS, lr: 0.01 }, 1);
    for (let i = 0; i < 3; i++) expect(p[i]).toBeCloseTo(theta0[i] - 0.01 * g[i], 15);
  });

  it('clip_grad_norm_ scales by max/(‖g‖ + 1e-6) only when that is < 1; clip_grad_value_ clamps', () => {
    const a = Float64Array.of(3), b = Float64Array.of(0, -4);
    expect(clipGradNorm([a, b], 1)).toBe(5);
    expect(a[0]).toBeCloseTo(3 / (5 + 1e-6), 15);
    expect(b[1]).toBeCloseTo(-4 / (5 + 1e-6), 15);
    expect(totalNorm([a, b])).toBeCloseTo(5 / (5 + 1e-6), 15);
    const c = Float64Array.of(0.3, -0.4);
    clipGradNorm([c], 10);
    expect(Array.from(c)).toEqual([0.3, -0.4]);
    expect(clipCoefficient(5, 5)).toBeLessThan(1); // 5/(5 + 1e-6): the ε makes it clip
    const v = Float64Array.of(-3, 0.5, 2, NaN);
    clipGradValue([v], 1);
    expect(Array.from(v)).toEqual([-1, 0.5, 1, NaN]);
  });
});
