// Every loss fused with its gradient (assembly/losses.ts) against the f64 reference
// (test/reference/losses.ts).
import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { forEachBuild, DIMS, expectNear, prng, type Wasm } from '../helpers/kernel-arena.js';
import * as L from '../reference/losses.js';

const SEED = Number(process.env.FC_SEED ?? 0xd35c);
fc.configureGlobal({ seed: SEED, numRuns: 40 });

forEachBuild((arena) => {
  let w: Wasm;
  beforeEach(() => { w = arena(); });

  describe('losses', () => {
    type Case = { rows: number; cols: number; out: Float32Array; target: Float32Array; labels: Int32Array };
    // The loss is summed in f64 and rounded once to f32, as PyTorch's float32 loss is: within
    // half an f32 ulp of the f64 reference (2^-24 relative; 2^-150 below f32's normal range).
    const LOSS_TOL = (ref: number) => 2 ** -24 * Math.abs(ref) + 2 ** -150 + 1e-12 * (1 + Math.abs(ref));

    function runLoss(c: Case, name: 'ce' | 'bce' | 'mse' | 'mae' | 'huber'): { loss: number; grad: Float32Array; ref: L.LossResult } {
      w.reset();
      const n = c.rows * c.cols;
      const pOut = w.f32(c.out), pD = w.alloc(n), pLoss = w.alloc(2);
      let ref: L.LossResult;
      if (name === 'ce') {
        const pL = w.i32(c.labels);
        w.k.softmaxCrossEntropy(pLoss, pD, pOut, pL, c.rows, c.cols, c.rows);
        ref = L.softmaxCrossEntropy(c.out, c.labels, c.rows, c.cols);
        expect(Array.from(new Int32Array(w.memory.buffer, pL, c.rows))).toEqual(Array.from(c.labels));
      } else {
        const pT = w.f32(c.target);
        const k = { bce: w.k.sigmoidBce, mse: w.k.mse, mae: w.k.mae, huber: w.k.huber }[name];
        k(pLoss, pD, pOut, pT, c.rows, c.cols, c.rows);
        ref = { bce: L.sigmoidBce, mse: L.mse, mae: L.mae, huber: L.huber }[name](c.out, c.target, c.rows, c.cols);
        expect(w.read(pT, n)).toEqual(c.target);
      }
      expect(w.read(pOut, n)).toEqual(c.out);
      return { loss: new Float64Array(w.memory.buffer, pLoss, 1)[0], grad: w.read(pD, n), ref };
    }

    function checkLoss(c: Case, name: 'ce' | 'bce' | 'mse' | 'mae' | 'huber', tag: string): void {
      const { loss, grad, ref } = runLoss(c, name);
      expect(loss, `${name} loss ${tag} is an f32`).toBe(Math.fround(loss));
      expect(Math.abs(loss - ref.loss), `${name} loss ${tag}: ${loss} vs ${ref.loss}`).toBeLessThanOrEqual(LOSS_TOL(ref.loss));
      // The gradient is computed in f64 and rounded once to f32.
      expectNear(grad, ref.grad, `${name} grad ${tag}`, { rtol: 2.5e-7, atol: 1e-40 });
    }

    function randomCase(r: ReturnType<typeof prng>, rows: number, cols: number, targetLo = -3, targetHi = 3): Case {
      return {
        rows, cols,
        out: r.f32s(rows * cols, -5, 5),
        target: r.f32s(rows * cols, targetLo, targetHi),
        labels: Int32Array.from({ length: rows }, () => r.int(cols)),
      };
    }

    for (const name of ['ce', 'bce', 'mse', 'mae', 'huber'] as const) {
      it(`${name}: value and gradient match the reference over rows {1,2,5} × cols {1,3,4,5,7,8,13,17}`, () => {
        const r = prng(20);
        for (const rows of [1, 2, 5]) {
          for (const cols of DIMS) {
            const c = randomCase(r, rows, cols, name === 'bce' ? 0 : -3, name === 'bce' ? 1 : 3);
            checkLoss(c, name, `${rows}×${cols}`);
          }
        }
      });

      it(`${name}: random values incl. large logits (fast-check)`, () => {
        const arb = fc.record({ rows: fc.integer({ min: 1, max: 6 }), cols: fc.integer({ min: 1, max: 12 }) }).chain(({ rows, cols }) => fc.record({
          rows: fc.constant(rows), cols: fc.constant(cols),
          out: fc.float32Array({ minLength: rows * cols, maxLength: rows * cols, min: -200, max: 200, noNaN: true }),
          target: name === 'bce'
            ? fc.float32Array({ minLength: rows * cols, maxLength: rows * cols, min: 0, max: 1, noNaN: true })
            : fc.float32Array({ minLength: rows * cols, maxLength: rows * cols, min: -200, max: 200, noNaN: true }),
          labels: fc.array(fc.integer({ min: 0, max: cols - 1 }), { minLength: rows, maxLength: rows }).map((a) => Int32Array.from(a)),
        }));
        fc.assert(fc.property(arb, (c) => checkLoss(c, name, 'fc')), { numRuns: 50 });
      });
    }

    it('mae: sign(0) = 0, so equal output and target give an exactly zero gradient', () => {
      const out = Float32Array.of(1, 2, -3, 0.25, 7, -0);
      const target = Float32Array.of(1, 1, -3, 0.5, 7, 0);
      const { loss, grad } = runLoss({ rows: 2, cols: 3, out, target, labels: new Int32Array(2) }, 'mae');
      expect(Array.from(grad)).toEqual([0, 1 / 6, 0, -1 / 6, 0, 0].map(Math.fround));
      expect(loss).toBe(Math.fround((1 + 0.25) / 6));
    });

    it('huber: |d| = 1 exactly gives gradient ±1/n and loss 0.5 from both branches', () => {
      const out = Float32Array.of(1.5, -0.5, 2, 0.25, 10, -10);
      const target = Float32Array.of(0.5, 0.5, 2, 0, 0, 0); // d = 1, −1, 0, 0.25, 10, −10
      const { loss, grad } = runLoss({ rows: 3, cols: 2, out, target, labels: new Int32Array(3) }, 'huber');
      expect(Array.from(grad)).toEqual([1, -1, 0, 0.25, 1, -1].map((g) => Math.fround(g / 6)));
      expect(loss).toBe(Math.fround((0.5 + 0.5 + 0 + 0.03125 + 9.5 + 9.5) / 6));
    });

    it('a mean beyond f32 range is Infinity, as PyTorch\'s float32 loss is (not an f64 1e40)', () => {
      // mse of 2e20 against 0: 4e40; torch.nn.MSELoss()(torch.tensor([2e20]), torch.tensor([0.])) is inf.
      const big = runLoss({ rows: 1, cols: 1, out: Float32Array.of(2e20), target: Float32Array.of(0), labels: new Int32Array(1) }, 'mse');
      expect(big.loss).toBe(Infinity);
      expect(big.ref.loss).toBe(Math.fround(2e20) ** 2);
      expect(Array.from(big.grad)).toEqual([Math.fround(4e20)]);
    });

    it('cross-entropy: one class gives zero loss and gradient; extreme logits stay finite', () => {
      const one = runLoss({ rows: 3, cols: 1, out: Float32Array.of(5, -3, 1e30), target: new Float32Array(3), labels: new Int32Array(3) }, 'ce');
      expect(one.loss).toBe(0);
      expect(Array.from(one.grad)).toEqual([0, 0, 0]);
      const ext = runLoss({ rows: 2, cols: 3, out: Float32Array.of(1e30, -1e30, 0, 80, 90, 100), target: new Float32Array(6), labels: Int32Array.of(1, 2) }, 'ce');
      expect(Number.isFinite(ext.loss)).toBe(true);
      expect(Math.abs(ext.loss - ext.ref.loss)).toBeLessThanOrEqual(LOSS_TOL(ext.ref.loss));
    });

    it('softmaxRows matches the reference (separate and in place) and rows sum to 1', () => {
      const r = prng(21);
      for (const rows of [1, 3]) {
        for (const classes of DIMS) {
          w.reset();
          const z = r.f32s(rows * classes, -30, 30);
          const ref = L.softmaxRows(z, rows, classes);
          const pZ = w.f32(z), pP = w.alloc(rows * classes);
          w.k.softmaxRows(pP, pZ, rows, classes);
          const p = w.read(pP, rows * classes);
          expectNear(p, ref, `softmax ${rows}×${classes}`, { rtol: 2.5e-7, atol: 1e-40 });
          for (let row = 0; row < rows; row++) {
            let s = 0;
            for (let c = 0; c < classes; c++) s += p[row * classes + c];
            expect(Math.abs(s - 1)).toBeLessThan(1e-6);
          }
          w.k.softmaxRows(pZ, pZ, rows, classes);
          expectNear(w.read(pZ, rows * classes), ref, `softmax in place ${rows}×${classes}`, { rtol: 2.5e-7, atol: 1e-40 });
        }
      }
    });
  });
});
