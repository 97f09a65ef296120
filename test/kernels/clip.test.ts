// Gradient clipping (assembly/clip.ts) against torch.nn.utils' clip_grad_value_ and
// clip_grad_norm_ (test/reference/clip.ts).
import { beforeEach, describe, expect, it } from 'vitest';
import { forEachBuild, expectUlps, prng, sameValue, type Wasm } from '../helpers/kernel-arena.js';
import { clipCoefficient, clipGradNorm, clipGradValue, totalNorm } from '../reference/clip.js';

type Ptr = number;

forEachBuild((arena) => {
  let w: Wasm;
  beforeEach(() => { w = arena(); });

  describe('gradient clipping', () => {
    it('clampValues matches clip_grad_value_ (NaN kept, counts around the SIMD width)', () => {
      const r = prng(30);
      for (const n of [1, 3, 4, 5, 17]) {
        for (const clip of [0.5, 1, 0.1, 3]) {
          w.reset();
          const g = r.f32s(n, -4, 4);
          if (n > 2) { g[0] = NaN; g[1] = Math.fround(clip); }
          const p = w.f32(g);
          w.k.clampValues(p, n, clip);
          const ref = Float64Array.from(g);
          clipGradValue([ref], Math.fround(clip)); // the kernel clamps to the f32 value of `clip`
          const got = w.read(p, n);
          for (let i = 0; i < n; i++) if (!sameValue(got[i], Math.fround(ref[i]))) expect.fail(`clamp(${clip})[${i}]: ${got[i]} vs ${ref[i]}`);
        }
      }
    });

    /** Runs the kernel and reads the f64 it leaves in memory. */
    const sumOfSquares = (ptr: Ptr, n: number): number => {
      const slot = w.alloc(2);
      w.k.sumOfSquares(slot, ptr, n);
      return new Float64Array(w.memory.buffer, slot, 1)[0];
    };

    it('sumOfSquares is the f64 sum of squares of the f32 values', () => {
      const r = prng(31);
      for (const n of [0, 1, 3, 4, 5, 17, 1000]) {
        w.reset();
        const g = r.f32s(n, -100, 100);
        const s = sumOfSquares(w.f32(g), n);
        const ref = totalNorm([g]) ** 2;
        expect(Math.abs(s - ref)).toBeLessThanOrEqual(1e-13 * ref);
      }
      // Squares of large f32 values would overflow f32 but not the f64 accumulator.
      const big = Math.fround(1e30);
      expect(sumOfSquares(w.f32([big, -big]), 2) / (2 * big * big)).toBeCloseTo(1, 14);
    });

    it('clip_grad_norm_ over several tensors: host norm from sumOfSquares, then scaleValues', () => {
      const r = prng(32);
      const sizes = [13, 5, 20, 4];
      for (const maxNorm of [0.5, 2, 1e6]) {
        w.reset();
        const grads = sizes.map((n) => r.f32s(n, -1, 1));
        const ptrs = grads.map((g) => w.f32(g));
        let ss = 0;
        ptrs.forEach((p, i) => { ss += sumOfSquares(p, sizes[i]); });
        const norm = Math.sqrt(ss);
        const coef = Math.min(1, maxNorm / (norm + 1e-6));
        ptrs.forEach((p, i) => w.k.scaleValues(p, sizes[i], coef));

        const ref = grads.map((g) => Float64Array.from(g));
        const refNorm = clipGradNorm(ref, maxNorm);
        expect(Math.abs(norm - refNorm)).toBeLessThanOrEqual(1e-14 * refNorm);
        expect(coef).toBe(clipCoefficient(refNorm, maxNorm));
        ptrs.forEach((p, i) => expectUlps(w.read(p, sizes[i]), ref[i], 1, `clipped grad ${i} (max ${maxNorm})`));
        if (maxNorm < 1e6) expect(totalNorm(ptrs.map((p, i) => w.read(p, sizes[i])))).toBeLessThanOrEqual(maxNorm * (1 + 1e-6));
      }
    });
  });
});
