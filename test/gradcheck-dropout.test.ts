// Finite-difference gradient checks of the dropout reference (test/reference/dropout.ts) given
// a keep mask: with the mask fixed, z is linear in x, so the central difference of
// L = Σ r·z must give dx = r·keep/(1 − p) to rounding, for every p, training or not.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dropoutBackward, dropoutForward, keptNoise } from './reference/dropout.js';

const SEED = Number(process.env.FC_SEED ?? 0xd40);
fc.configureGlobal({ seed: SEED, numRuns: 60 });

const H = 1e-3; // exact enough: L is linear in x

const uniform = (min: number, max: number) => fc.noBias(fc.integer({ min: 0, max: 2 ** 30 })).map((k) => min + ((max - min) * k) / 2 ** 30);
const problem = fc.record({ n: fc.integer({ min: 1, max: 40 }), p: fc.oneof(fc.constantFrom(0, 0.5, 1), uniform(0, 0.999)) }).chain(({ n, p }) => fc.record({
  p: fc.constant(p),
  x: fc.array(uniform(-3, 3), { minLength: n, maxLength: n }),
  r: fc.array(uniform(-2, 2), { minLength: n, maxLength: n }),
  keep: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
}));

describe('dropout backward vs central differences, given a mask', () => {
  it('dx = ∂(Σ r·z)/∂x for random p, masks and inputs (training)', () => {
    fc.assert(fc.property(problem, ({ p, x, r, keep }) => {
      const v = Float64Array.from(x);
      const loss = () => dropoutForward(v, keep, p, true).reduce((s, z, i) => s + z * r[i], 0);
      const dx = dropoutBackward(r, keep, p);
      for (let i = 0; i < v.length; i++) {
        const k = v[i];
        v[i] = k + H;
        const up = loss();
        v[i] = k - H;
        const down = loss();
        v[i] = k;
        const numeric = (up - down) / (2 * H);
        expect(Math.abs(numeric - dx[i]), `x[${i}], p = ${p}`).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(dx[i])) * (1 + keptNoise(p)));
      }
    }));
  });

  it('in evaluation the layer is the identity: ∂(Σ r·z)/∂x = r whatever the mask', () => {
    fc.assert(fc.property(problem, ({ p, x, r, keep }) => {
      const v = Float64Array.from(x);
      for (let i = 0; i < v.length; i++) {
        const k = v[i];
        v[i] = k + H;
        const up = dropoutForward(v, keep, p, false).reduce((s, z, j) => s + z * r[j], 0);
        v[i] = k - H;
        const down = dropoutForward(v, keep, p, false).reduce((s, z, j) => s + z * r[j], 0);
        v[i] = k;
        expect((up - down) / (2 * H)).toBeCloseTo(r[i], 9);
      }
    }));
  });

  it('the reference\'s ends and scale: p = 0 keeps x, p = 1 zeroes it, a kept value is x/(1 − p)', () => {
    expect(Array.from(dropoutForward([1, -2, 3], [0, 0, 1], 0, true))).toEqual([1, -2, 3]);
    expect(Array.from(dropoutForward([1, -2, 3], [1, 1, 1], 1, true))).toEqual([0, -0, 0]);
    expect(Array.from(dropoutForward([1, -2, 3], [1, 0, 1], 0.75, true))).toEqual([4, -0, 12]);
  });
});
