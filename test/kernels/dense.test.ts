// The dense layer's kernels (assembly/dense.ts) against the f64 reference (test/reference/dense.ts).
import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { forEachBuild, DIMS, abs, expectNear, prng, type Wasm } from '../helpers/kernel-arena.js';
import { denseBackwardInput, denseBackwardParams, denseForward } from '../reference/dense.js';

const SEED = Number(process.env.FC_SEED ?? 0xd35c);
fc.configureGlobal({ seed: SEED, numRuns: 40 });

forEachBuild((arena) => {
  let w: Wasm;
  beforeEach(() => { w = arena(); });

  describe('dense layer', () => {
    const shapes: [number, number, number][] = [];
    for (const inDim of DIMS) for (const outDim of DIMS) for (const rows of [1, 3]) shapes.push([rows, inDim, outDim]);
    shapes.push([9, 64, 33], [2, 100, 10], [5, 2, 128]); // larger, MLP-like layers

    it('forward, backward input and backward params match the reference for every in/out dim in {1,3,4,5,7,8,13,17} and a few larger layers', () => {
      const r = prng(2);
      for (const [rows, inDim, outDim] of shapes) {
        w.reset();
        const x = r.f32s(rows * inDim, -2, 2), wt = r.f32s(outDim * inDim), b = r.f32s(outDim);
        const dy = r.f32s(rows * outDim, -1, 1);
        if (dy.length > 2) dy[1] = 0; // the kernels skip zero upstream gradients: the result must not change
        const pX = w.f32(x), pW = w.f32(wt), pB = w.f32(b), pDy = w.f32(dy);
        const pY = w.alloc(rows * outDim), pDx = w.alloc(rows * inDim), pDw = w.alloc(outDim * inDim), pDb = w.alloc(outDim);
        const tag = `rows=${rows} in=${inDim} out=${outDim}`;

        w.k.denseForward(pY, pX, pW, pB, rows, inDim, outDim);
        expectNear(w.read(pY, rows * outDim), denseForward(x, wt, b, rows, inDim, outDim), `y ${tag}`,
          { rtol: 0, atol: 1e-5, scale: denseForward(abs(x), abs(wt), abs(b), rows, inDim, outDim) });

        w.k.denseBackwardInput(pDx, pDy, pW, rows, inDim, outDim);
        expectNear(w.read(pDx, rows * inDim), denseBackwardInput(dy, wt, rows, inDim, outDim), `dx ${tag}`,
          { rtol: 0, atol: 1e-5, scale: denseBackwardInput(abs(dy), abs(wt), rows, inDim, outDim) });

        w.k.denseBackwardParams(pDw, pDb, pDy, pX, rows, inDim, outDim);
        const ref = denseBackwardParams(dy, x, rows, inDim, outDim);
        const mag = denseBackwardParams(abs(dy), abs(x), rows, inDim, outDim);
        expectNear(w.read(pDw, outDim * inDim), ref.dw, `dW ${tag}`, { rtol: 0, atol: 1e-5, scale: mag.dw });
        expectNear(w.read(pDb, outDim), ref.db, `db ${tag}`, { rtol: 0, atol: 1e-5, scale: mag.db });

        // Inputs are read-only.
        expect(w.read(pX, x.length)).toEqual(x);
        expect(w.read(pW, wt.length)).toEqual(wt);
        expect(w.read(pDy, dy.length)).toEqual(dy);
      }
    });

    it('outputs are overwritten, not accumulated (second call gives the same result)', () => {
      const r = prng(3);
      const [rows, inDim, outDim] = [3, 7, 5];
      const x = r.f32s(rows * inDim), wt = r.f32s(outDim * inDim), b = r.f32s(outDim), dy = r.f32s(rows * outDim);
      const pX = w.f32(x), pW = w.f32(wt), pB = w.f32(b), pDy = w.f32(dy);
      const pY = w.alloc(rows * outDim), pDx = w.alloc(rows * inDim), pDw = w.alloc(outDim * inDim), pDb = w.alloc(outDim);
      const run = () => {
        w.k.denseForward(pY, pX, pW, pB, rows, inDim, outDim);
        w.k.denseBackwardInput(pDx, pDy, pW, rows, inDim, outDim);
        w.k.denseBackwardParams(pDw, pDb, pDy, pX, rows, inDim, outDim);
        return [w.read(pY, rows * outDim), w.read(pDx, rows * inDim), w.read(pDw, outDim * inDim), w.read(pDb, outDim)];
      };
      const first = run();
      expect(run()).toEqual(first);
    });

    it('random shapes and values, including signed zeros and subnormals (fast-check)', () => {
      const arb = fc.record({ rows: fc.integer({ min: 1, max: 6 }), inDim: fc.integer({ min: 1, max: 21 }), outDim: fc.integer({ min: 1, max: 21 }) })
        .chain((s) => {
          const v = (n: number) => fc.float32Array({ minLength: n, maxLength: n, min: -8, max: 8, noNaN: true });
          return fc.record({ s: fc.constant(s), x: v(s.rows * s.inDim), wt: v(s.outDim * s.inDim), b: v(s.outDim), dy: v(s.rows * s.outDim) });
        });
      fc.assert(fc.property(arb, ({ s: { rows, inDim, outDim }, x, wt, b, dy }) => {
        w.reset();
        const pX = w.f32(x), pW = w.f32(wt), pB = w.f32(b), pDy = w.f32(dy);
        const pY = w.alloc(rows * outDim), pDx = w.alloc(rows * inDim), pDw = w.alloc(outDim * inDim), pDb = w.alloc(outDim);
        w.k.denseForward(pY, pX, pW, pB, rows, inDim, outDim);
        w.k.denseBackwardInput(pDx, pDy, pW, rows, inDim, outDim);
        w.k.denseBackwardParams(pDw, pDb, pDy, pX, rows, inDim, outDim);
        const opts = (scale: ArrayLike<number>) => ({ rtol: 0, atol: 1e-5, scale: Float64Array.from(scale, (m) => m + 1e-30) });
        expectNear(w.read(pY, rows * outDim), denseForward(x, wt, b, rows, inDim, outDim), 'y', opts(denseForward(abs(x), abs(wt), abs(b), rows, inDim, outDim)));
        expectNear(w.read(pDx, rows * inDim), denseBackwardInput(dy, wt, rows, inDim, outDim), 'dx', opts(denseBackwardInput(abs(dy), abs(wt), rows, inDim, outDim)));
        const ref = denseBackwardParams(dy, x, rows, inDim, outDim), mag = denseBackwardParams(abs(dy), abs(x), rows, inDim, outDim);
        expectNear(w.read(pDw, outDim * inDim), ref.dw, 'dW', opts(mag.dw));
        expectNear(w.read(pDb, outDim), ref.db, 'db', opts(mag.db));
      }), { numRuns: 60 });
    });
  });
});
