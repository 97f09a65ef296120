// Finite-difference gradient checks of the layer-normalisation reference
// (test/reference/layernorm.ts): dx, dweight and dbias against central differences of
// L = Σ r·y over random shapes (groups of a row, affine on and off, several eps), plus the
// identities a normalisation's gradient must satisfy and a case worked by hand.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { layerNormBackward, layerNormForward, type LayerNormShape } from './reference/layernorm.js';
import { expectClose, numericGradient } from './helpers/finite-differences.js';

const SEED = Number(process.env.FC_SEED ?? 0x1a7e);
fc.configureGlobal({ seed: SEED, numRuns: 50 });


const uniform = (min: number, max: number) => fc.noBias(fc.integer({ min: 0, max: 2 ** 30 })).map((k) => min + ((max - min) * k) / 2 ** 30);
const vec = (n: number, min: number, max: number) => fc.array(uniform(min, max), { minLength: n, maxLength: n }).map((a) => Float64Array.from(a));

const problem = fc.record({
  rows: fc.integer({ min: 1, max: 3 }), groups: fc.integer({ min: 1, max: 3 }), size: fc.integer({ min: 2, max: 9 }),
  eps: fc.constantFrom(1e-5, 1e-3, 0.5), affine: fc.boolean(), offset: uniform(-3, 3),
}).chain((s) => fc.record({
  s: fc.constant(s),
  x: vec(s.rows * s.groups * s.size, -2, 2).map((v) => v.map((t) => t + s.offset)),
  weight: vec(s.size, -1.5, 1.5),
  bias: vec(s.size, -1, 1),
  r: vec(s.rows * s.groups * s.size, -1, 1),
}));

describe('layernorm backward vs central differences of Σ r·y', () => {
  it('dx, dweight, dbias over random rows, groups, sizes, eps, affine on and off', () => {
    fc.assert(fc.property(problem, ({ s, x, weight, bias, r }) => {
      const shape: LayerNormShape = { rows: s.rows, groups: s.groups, size: s.size, eps: s.eps };
      const w = s.affine ? weight : null, b = s.affine ? bias : null;
      const loss = () => layerNormForward(x, w, b, shape).y.reduce((t, y, i) => t + y * r[i], 0);
      const back = layerNormBackward(r, x, w, s.affine, shape);
      expectClose(numericGradient(loss, x), back.dx, 'dx', 1e-5, 1e-6);
      if (s.affine) {
        expectClose(numericGradient(loss, weight), back.dweight!, 'dweight', 1e-5, 1e-6);
        expectClose(numericGradient(loss, bias), back.dbias!, 'dbias', 1e-5, 1e-6);
      } else {
        expect(back.dweight).toBeNull();
      }
    }));
  });

  it('each group\'s dx sums to 0, and with eps = 0 is orthogonal to x̂ (y ignores a shift of x, and then its scale)', () => {
    fc.assert(fc.property(problem, ({ s, x, r }) => {
      const shape: LayerNormShape = { rows: s.rows, groups: s.groups, size: s.size, eps: 0 };
      const { dx } = layerNormBackward(r, x, null, false, shape);
      const { mean, rstd } = layerNormForward(x, null, null, shape);
      for (let g = 0; g < s.rows * s.groups; g++) {
        let sum = 0, dot = 0, scale = 0;
        for (let i = g * s.size; i < (g + 1) * s.size; i++) {
          sum += dx[i];
          dot += dx[i] * (x[i] - mean[g]) * rstd[g];
          scale += Math.abs(dx[i]);
        }
        expect(Math.abs(sum)).toBeLessThanOrEqual(1e-12 * (1 + scale));
        expect(Math.abs(dot)).toBeLessThanOrEqual(1e-9 * (1 + scale));
      }
    }));
  });
});

describe('layernorm reference worked by hand', () => {
  it('two values a < b normalise to ∓√(d²/(d² + 4ε))·γ + β with d = b − a; eps is added to the biased variance', () => {
    const eps = 1e-5;
    const { y, mean, rstd } = layerNormForward([1, 3], [2, 0.5], [0.1, -0.2], { rows: 1, groups: 1, size: 2, eps });
    const t = 2 / Math.sqrt(4 + 4 * eps); // (b − a)/2 · 1/√(var + ε), var = (d/2)² = 1
    expect(mean[0]).toBe(2);
    expect(rstd[0]).toBeCloseTo(1 / Math.sqrt(1 + eps), 15);
    expect(y[0]).toBeCloseTo(-t * 2 + 0.1, 14);
    expect(y[1]).toBeCloseTo(t * 0.5 - 0.2, 14);
  });

  it('groups are normalised apart: [1, 2, 3 | 10, 20, 30] as two groups of 3 give the same x̂ twice', () => {
    const { y } = layerNormForward([1, 2, 3, 10, 20, 30], null, null, { rows: 1, groups: 2, size: 3, eps: 0 });
    const v = Math.sqrt(3 / 2);
    [-v, 0, v].forEach((e, i) => {
      expect(y[i]).toBeCloseTo(e, 14);
      expect(y[i + 3]).toBeCloseTo(e, 14);
    });
  });
});
