// Every activation's forward and derivative (assembly/activations.ts) against the f64
// reference (test/reference/activations.ts), kinks and non-finite inputs included.
import { beforeEach, describe, expect, it } from 'vitest';
import { KernelError } from '../../src/errors.js';
import { ACTIVATIONS as ACTIVATIONS_BY_CODE } from '../../src/names.js';
import fc from 'fast-check';
import { forEachBuild, abs, expectNear, expectUlps, prng, type Wasm } from '../helpers/kernel-arena.js';
import { ACTIVATION_NAMES, ACTIVATIONS, activationBackward, type ActivationName } from '../reference/activations.js';

const SEED = Number(process.env.FC_SEED ?? 0xd35c);
fc.configureGlobal({ seed: SEED, numRuns: 40 });

forEachBuild((arena) => {
  let w: Wasm;
  beforeEach(() => { w = arena(); });

  describe('activations', () => {
    it('the reference lists the activations in the order of their codes (src/names.ts)', () => {
      expect(ACTIVATION_NAMES).toEqual(ACTIVATIONS_BY_CODE);
    });

    const kind = (name: ActivationName) => ACTIVATION_NAMES.indexOf(name);
    /** Allowed f32 ulps of the forward value (f32 arithmetic; GELU is evaluated in f64 and rounded once). */
    const FORWARD_ULPS: Record<ActivationName, number> = {
      linear: 0, sigmoid: 4, tanh: 4, relu: 0, leaky_relu: 1, elu: 4, softplus: 4, gelu: 1,
    };
    const SPECIAL = [0, -0, 1e-30, -1e-30, 1e-42, -1e-42, 0.5, -0.5, 1, -1, 19.99, 20, 20.000002, 25, -20, -50, -88, -100, 88, 1e4, -1e4,
      3e38, -3e38, Infinity, -Infinity];

    /** Runs forward and backward for one kind on z, against the reference, in separate and in-place buffers. */
    function checkActivation(name: ActivationName, z: Float32Array, da: Float32Array, tag: string): void {
      const n = z.length;
      const { f } = ACTIVATIONS[name];
      const refA = Float64Array.from(z, f);
      w.reset();
      const pZ = w.f32(z), pA = w.alloc(n);
      w.k.activationForward(kind(name), pA, pZ, n);
      expectUlps(w.read(pA, n), refA, FORWARD_ULPS[name], `${name} forward ${tag}`);
      expect(w.read(pZ, n), 'z is read-only').toEqual(z);
      // In place (a = z).
      const pZa = w.f32(z);
      w.k.activationForward(kind(name), pZa, pZa, n);
      expectUlps(w.read(pZa, n), refA, FORWARD_ULPS[name], `${name} forward in place ${tag}`);

      // Backward from the f32 output a (what the forward pass stored) and the pre-activation z.
      const a32 = Float32Array.from(refA);
      const refDz = activationBackward(name, da, z, a32);
      const pA32 = w.f32(a32), pDa = w.f32(da), pDz = w.alloc(n);
      w.k.activationBackward(kind(name), pDz, pDa, pZ, pA32, n);
      const opts = { rtol: 2e-6, atol: 2.5e-7, scale: abs(da) };
      expectNear(w.read(pDz, n), refDz, `${name} backward ${tag}`, opts);
      expect(w.read(pDa, n), 'da is read-only').toEqual(da);
      // In place (dz = da).
      const pDa2 = w.f32(da);
      w.k.activationBackward(kind(name), pDa2, pDa2, pZ, pA32, n);
      expectNear(w.read(pDa2, n), refDz, `${name} backward in place ${tag}`, opts);
    }

    for (const name of ACTIVATION_NAMES) {
      it(`${name}: forward and backward on counts {1,…,17,33} and special values`, () => {
        const r = prng(10 + kind(name));
        for (const n of [1, 2, 3, 4, 5, 7, 8, 13, 17, 33]) {
          const z = r.f32s(n, -8, 8);
          if (n >= 5) { z[0] = 0; z[n - 1] = -0; z[n - 2] = 20; } // kinks and thresholds in body and tail
          checkActivation(name, z, r.f32s(n, -2, 2), `n=${n}`);
        }
        checkActivation(name, Float32Array.from(SPECIAL), r.f32s(SPECIAL.length, -2, 2), 'special values');
      });

      it(`${name}: random f32 inputs (fast-check)`, () => {
        const arb = fc.integer({ min: 1, max: 40 }).chain((n) => fc.tuple(
          fc.float32Array({ minLength: n, maxLength: n, noNaN: true }),
          fc.float32Array({ minLength: n, maxLength: n, min: -4, max: 4, noNaN: true, noDefaultInfinity: true }),
        ));
        fc.assert(fc.property(arb, ([z, da]) => checkActivation(name, z, da, 'fc')), { numRuns: 30 });
      });
    }

    it('kinks: relu′(0) = 0, leaky_relu′(0) = 0.01, elu′(0) = 1 (kernel, both signs of zero)', () => {
      const z = Float32Array.of(0, -0, 0, -0, 0);
      const da = Float32Array.of(1, 1, -2, 3, 0.5);
      const pZ = w.f32(z), pDa = w.f32(da), pA = w.f32(new Float32Array(5)), pDz = w.alloc(5);
      const run = (name: ActivationName) => { w.k.activationBackward(kind(name), pDz, pDa, pZ, pA, 5); return Array.from(w.read(pDz, 5)); };
      expect(run('relu')).toEqual([0, 0, 0, 0, 0]);
      expect(run('leaky_relu')).toEqual(Array.from(da, (g) => Math.fround(g * Math.fround(0.01))));
      expect(run('elu')).toEqual(Array.from(da));
    });

    it('NaN propagates through every forward activation, in the SIMD body and the tail alike', () => {
      for (const name of ACTIVATION_NAMES) {
        w.reset();
        const n = 9;
        const pZ = w.f32(new Float32Array(n).fill(NaN)), pA = w.alloc(n);
        w.k.activationForward(kind(name), pA, pZ, n);
        const got = w.read(pA, n);
        got.forEach((v, i) => { if (!Number.isNaN(v)) expect.fail(`${name}(NaN)[${i}] = ${v}`); });
      }
    });

    it('a NaN pre-activation gets the derivative PyTorch gives it', () => {
      // torch: relu and elu pass the gradient (their tests are x ≤ 0), leaky_relu scales it by 0.01.
      const want: Partial<Record<ActivationName, number>> = { relu: 2, elu: 2, leaky_relu: Math.fround(0.02) };
      for (const [name, g] of Object.entries(want) as [ActivationName, number][]) {
        w.reset();
        const n = 9;
        const pZ = w.f32(new Float32Array(n).fill(NaN)), pDa = w.f32(new Float32Array(n).fill(2)), pDz = w.alloc(n);
        w.k.activationBackward(kind(name), pDz, pDa, pZ, pZ, n);
        expect(Array.from(w.read(pDz, n)), name).toEqual(Array(n).fill(g));
      }
    });

    it('an unknown activation kind stops the kernel with a KernelError naming it', () => {
      const p = w.f32([1, 2]);
      expect(() => w.k.activationForward(8, p, p, 2)).toThrow(KernelError);
      expect(() => w.k.activationBackward(-1, p, p, p, p, 2)).toThrow(/a kernel stopped: unknown activation code/);
    });
  });
});
