// Every wasm kernel against its f64 reference (test/reference/), in both builds. Buffers sit
// at or above heapBase, 16-byte aligned, each followed by a guard band that must survive every
// call; output buffers are pre-filled with NaN so an element a kernel forgets to write shows up;
// the static data below heapBase and memory's size must not change either.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Kernels } from '../src/kernels.js';
import { loadTestModule } from './helpers/wasm.js';
import { ACTIVATION_NAMES, ACTIVATIONS, activationBackward, type ActivationName } from './reference/activations.js';
import { denseBackwardInput, denseBackwardParams, denseForward } from './reference/dense.js';
import * as L from './reference/losses.js';
import * as O from './reference/optimizers.js';
import { clipCoefficient, clipGradNorm, clipGradValue, totalNorm } from './reference/clip.js';

const SEED = Number(process.env.FC_SEED ?? 0xd35c);
fc.configureGlobal({ seed: SEED, numRuns: 40 });

type Ptr = number;
/**
 * The raw exports (src/kernels.ts), except that the tests call the optimizer kernels with
 * their f64 hyper-parameters as arguments, in block order (the Wasm class writes the block).
 */
type Exports = Omit<Kernels, keyof typeof HP_SPLIT | 'memory'> & {
  sgdStep(p: Ptr, g: Ptr, buf: Ptr, n: number, lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: number, first: number): void;
  adagradStep(p: Ptr, g: Ptr, sum: Ptr, n: number, clr: number, weightDecay: number, eps: number): void;
  rmspropStep(p: Ptr, g: Ptr, sq: Ptr, gavg: Ptr, buf: Ptr, n: number, lr: number, alpha: number, eps: number, weightDecay: number, momentum: number, centered: number): void;
  adamStep(p: Ptr, g: Ptr, m: Ptr, v: Ptr, vmax: Ptr, n: number, stepSize: number, bc2Sqrt: number, beta1: number, beta2: number, eps: number, weightDecay: number, amsgrad: number): void;
  adamwStep(p: Ptr, g: Ptr, m: Ptr, v: Ptr, vmax: Ptr, n: number, lr: number, stepSize: number, bc2Sqrt: number, beta1: number, beta2: number, eps: number, weightDecay: number, amsgrad: number): void;
  adamaxStep(p: Ptr, g: Ptr, m: Ptr, u: Ptr, n: number, clr: number, beta1: number, beta2: number, eps: number, weightDecay: number): void;
  nadamStep(p: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, gradCoef: number, avgCoef: number, bc2Sqrt: number, beta1: number, beta2: number, eps: number, weightDecay: number): void;
  radamStep(p: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, lr: number, bc1: number, bc2Sqrt: number, rect: number, rectified: number, beta1: number, beta2: number, eps: number, weightDecay: number): void;
  adadeltaStep(p: Ptr, g: Ptr, sq: Ptr, acc: Ptr, n: number, lr: number, rho: number, eps: number, weightDecay: number): void;
  erf64(x: number): number;
};

const BUILDS = ['release', 'debug'] as const;
/** Dimensions around the 4-lane SIMD width: empty bodies, exact multiples and every tail length. */
const DIMS = [1, 3, 4, 5, 7, 8, 13, 17];
const GUARD_BYTES = 32;
const SENTINEL = 0xa5;

/**
 * Optimizer kernels take their f64 hyper-parameters from a block in memory. The tests call
 * them with the values as arguments, in the block's order: [pointer args incl. n, f64 values,
 * then i32 flags]. These counts say where each argument list splits.
 */
const HP_SPLIT = {
  sgdStep: [4, 4], adagradStep: [4, 3], rmspropStep: [6, 5], adamStep: [6, 6], adamwStep: [6, 7],
  adamaxStep: [5, 5], nadamStep: [5, 7], radamStep: [5, 8], adadeltaStep: [5, 4],
} as const satisfies Record<string, readonly [pointers: number, f64s: number]>;
const HP_BYTES = 128;

/** One instance over a fresh 4-page memory, with a bump allocator above heapBase. */
class Wasm {
  readonly memory = new WebAssembly.Memory({ initial: 4 });
  readonly k: Exports;
  readonly byteLength: number;
  private readonly heapBase: number;
  private readonly staticData: Uint8Array;
  private next = 0;
  private guards: { start: number; end: number }[] = [];

  constructor(module: WebAssembly.Module) {
    const instance = new WebAssembly.Instance(module, {
      env: { memory: this.memory, abort() { throw new Error('abort'); } },
    });
    this.k = { ...(instance.exports as unknown as Exports) };
    this.byteLength = this.memory.buffer.byteLength;
    // The last HP_BYTES of memory hold the optimizer's f64 block, outside the test arena.
    const hp = this.byteLength - HP_BYTES;
    const raw = instance.exports as unknown as Record<string, (...a: number[]) => void>;
    for (const [name, [pointers, f64s]] of Object.entries(HP_SPLIT)) {
      (this.k as unknown as Record<string, unknown>)[name] = (...args: number[]) => {
        let values = args.slice(pointers, pointers + f64s);
        let flags = args.slice(pointers + f64s);
        if (name === 'radamStep') {
          // Test order: lr, bc1, bc2Sqrt, rect, rectified, beta1, beta2, eps, weightDecay.
          values = [...args.slice(pointers, pointers + 4), ...args.slice(pointers + 5, pointers + 9)];
          flags = [args[pointers + 4]];
        }
        new Float64Array(this.memory.buffer, hp, values.length).set(values);
        raw[name](...args.slice(0, pointers), hp, ...flags);
      };
    }
    this.heapBase = this.k.heapBase();
    this.staticData = new Uint8Array(this.memory.buffer, 0, this.heapBase).slice();
    this.reset();
  }

  get bytes(): Uint8Array { return new Uint8Array(this.memory.buffer); }

  /** Forgets every buffer (after checking their guards) and starts allocating afresh. */
  reset(): void {
    if (this.guards.length) this.check();
    this.guards = [];
    this.next = align16(this.heapBase) + GUARD_BYTES;
    this.bytes.fill(SENTINEL, this.heapBase, this.next);
    this.guards.push({ start: this.heapBase, end: this.next });
  }

  /** Reserves `count` 4-byte elements, 16-byte aligned, filled with NaN, followed by a guard band. */
  alloc(count: number): Ptr {
    const ptr = this.next;
    const end = ptr + count * 4;
    const guardEnd = align16(end + GUARD_BYTES);
    if (guardEnd > this.memory.buffer.byteLength - HP_BYTES) throw new Error('test arena exhausted');
    new Float32Array(this.memory.buffer, ptr, count).fill(NaN);
    this.bytes.fill(SENTINEL, end, guardEnd);
    this.guards.push({ start: end, end: guardEnd });
    this.next = guardEnd;
    return ptr;
  }

  /** Copies f32 values into a new buffer. */
  f32(values: ArrayLike<number>): Ptr {
    const p = this.alloc(values.length);
    new Float32Array(this.memory.buffer, p, values.length).set(values);
    return p;
  }

  /** Copies i32 values into a new buffer. */
  i32(values: ArrayLike<number>): Ptr {
    const p = this.alloc(values.length);
    new Int32Array(this.memory.buffer, p, values.length).set(values);
    return p;
  }

  /** A copy of `count` f32 values at `ptr`. */
  read(ptr: Ptr, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, count).slice();
  }

  /** Overwrites `count` f32 values at `ptr`. */
  write(ptr: Ptr, values: ArrayLike<number>): void {
    new Float32Array(this.memory.buffer, ptr, values.length).set(values);
  }

  /** Memory never grows, static data and every guard band are intact. */
  check(): void {
    expect(this.memory.buffer.byteLength, 'memory grew').toBe(this.byteLength);
    const bytes = this.bytes;
    for (const { start, end } of this.guards) {
      for (let i = start; i < end; i++) {
        if (bytes[i] !== SENTINEL) expect.fail(`guard byte at ${i} (band ${start}..${end}) overwritten`);
      }
    }
    const now = bytes.subarray(0, this.heapBase);
    for (let i = 0; i < now.length; i++) if (now[i] !== this.staticData[i]) expect.fail(`static data byte ${i} changed`);
  }
}

const align16 = (n: number) => (n + 15) & ~15;

/** Small seeded PRNG (xorshift32) for bulk random inputs. */
function prng(seed: number) {
  let s = seed >>> 0 || 0x9e3779b9;
  const next = () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
  return {
    next,
    uniform: (a: number, b: number) => a + (b - a) * next(),
    int: (n: number) => Math.floor(next() * n),
    /** f32 values uniform in [a, b]. */
    f32s: (n: number, a = -1, b = 1) => Float32Array.from({ length: n }, () => a + (b - a) * next()),
  };
}

const fmt = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
const sameValue = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** Ordered integer image of an f32 so that adjacent floats differ by 1 (−0 and +0 coincide). */
function f32Ordinal(x: number): number {
  const bits = new Int32Array(Float32Array.of(x).buffer)[0];
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}
/** Distance in f32 ulps between a and fround(b). */
const ulpsF32 = (a: number, b: number) => Math.abs(f32Ordinal(a) - f32Ordinal(Math.fround(b)));

/**
 * Elementwise: |actual − expected| ≤ rtol·|expected| + atol·scale[i] + floor (scale defaults to 1;
 * floor, default 1e-37, absorbs results in f32's subnormal range); NaN only matches NaN.
 */
function expectNear(
  actual: ArrayLike<number>, expected: ArrayLike<number>, what: string,
  { rtol = 1e-5, atol = 1e-7, scale, floor = 1e-37 }: { rtol?: number; atol?: number; scale?: ArrayLike<number>; floor?: number } = {},
): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (sameValue(a, e)) continue;
    const tol = rtol * Math.abs(e) + atol * (scale ? scale[i] : 1) + floor;
    if (!(Math.abs(a - e) <= tol)) expect.fail(`${what}[${i}]: kernel ${a} vs reference ${e} (|Δ| = ${Math.abs(a - e)}, tol ${tol})`);
  }
}

/** Elementwise within `maxUlps` f32 ulps of the f64 reference rounded to f32 (or |Δ| ≤ 1e-35). */
function expectUlps(actual: ArrayLike<number>, expected: ArrayLike<number>, maxUlps: number, what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (sameValue(a, Math.fround(e))) continue;
    if (Number.isNaN(a) || Number.isNaN(e)) expect.fail(`${what}[${i}]: kernel ${a} vs reference ${e}`);
    if (Math.abs(a - e) <= 1e-35) continue;
    const d = ulpsF32(a, e);
    if (!(d <= maxUlps)) expect.fail(`${what}[${i}]: kernel ${a} vs reference ${e} (${d} ulps > ${maxUlps})`);
  }
}

const abs = (v: ArrayLike<number>) => Float64Array.from(v, Math.abs);

for (const build of BUILDS) {
  describe(`${build} build`, () => {
    let w: Wasm;
    beforeEach(() => { w = new Wasm(loadTestModule(build)); });
    afterEach(() => { w.check(); });

    it('no export grows memory: every kernel called once on 4096-element buffers', () => {
      const n = 4096, r = prng(99);
      const before = w.memory.buffer.byteLength;
      const v = () => w.f32(r.f32s(n, -1, 1));
      const [a, b, c, d, e, f] = [v(), v(), v(), v(), v(), v()];
      const labels = w.i32(Int32Array.from({ length: 64 }, () => r.int(64)));
      w.k.gatherRows(a, b, labels, 64, 64 * 4);
      w.k.fillF32(c, n, 0.5);
      w.k.denseForward(a, b, c, d, 64, 64, 64);
      w.k.denseBackwardInput(a, b, c, 64, 64, 64);
      w.k.denseBackwardParams(a, e, b, c, 64, 64, 64);
      for (let kind = 0; kind < 8; kind++) { w.k.activationForward(kind, a, b, n); w.k.activationBackward(kind, c, d, b, a, n); }
      const slot = w.alloc(4);
      w.k.softmaxCrossEntropy(slot, a, b, labels, 64, 64, 64);
      for (const loss of [w.k.sigmoidBce, w.k.mse, w.k.mae, w.k.huber]) loss(slot, a, b, c, 64, 64, 64);
      w.k.softmaxRows(a, b, 64, 64);
      w.k.sgdStep(a, b, c, n, 0.1, 0.9, 0, 0.01, 1, 1);
      w.k.adagradStep(a, b, c, n, 0.1, 0.01, 1e-10);
      w.k.rmspropStep(a, b, c, d, e, n, 0.01, 0.99, 1e-8, 0.01, 0.9, 1);
      w.k.adamStep(a, b, c, d, e, n, 0.01, 0.03, 0.9, 0.999, 1e-8, 0.01, 1);
      w.k.adamwStep(a, b, c, d, e, n, 0.01, 0.01, 0.03, 0.9, 0.999, 1e-8, 0.01, 1);
      w.k.adamaxStep(a, b, c, d, n, 0.02, 0.9, 0.999, 1e-8, 0.01);
      w.k.nadamStep(a, b, c, d, n, 0.001, 0.01, 0.03, 0.9, 0.999, 1e-8, 0.01);
      w.k.radamStep(a, b, c, d, n, 0.001, 0.1, 0.03, 0.5, 1, 0.9, 0.999, 1e-8, 0.01);
      w.k.adadeltaStep(a, b, c, d, n, 1, 0.9, 1e-6, 0.01);
      w.k.clampValues(f, n, 0.5);
      w.k.sumOfSquares(slot, f, n);
      w.k.scaleValues(f, n, 0.5);
      w.k.erf64(0.5);
      expect(w.memory.buffer.byteLength).toBe(before);
      // afterEach also checks every guard band and the static data.
    });

    describe('memory helpers', () => {
      it('heapBase is above the static data and leaves the imported memory unchanged', () => {
        expect(w.k.heapBase()).toBeGreaterThan(0);
        expect(w.k.heapBase()).toBeLessThan(65536);
        expect(w.memory.buffer.byteLength).toBe(4 * 65536);
      });

      it('gatherRows copies the indexed rows (repeats allowed) for several row sizes', () => {
        const r = prng(1);
        for (const cols of [1, 3, 4, 5, 13]) {
          for (const count of [1, 2, 7]) {
            w.reset();
            const srcRows = 6;
            const src = r.f32s(srcRows * cols, -10, 10);
            const idx = Int32Array.from({ length: count }, (_, i) => (i === 1 ? 0 : r.int(srcRows)));
            if (count > 2) idx[2] = idx[0]; // a repeated row
            const pSrc = w.f32(src), pIdx = w.i32(idx), pDst = w.alloc(count * cols);
            w.k.gatherRows(pDst, pSrc, pIdx, count, cols * 4);
            const got = w.read(pDst, count * cols);
            for (let row = 0; row < count; row++) {
              for (let c = 0; c < cols; c++) expect(got[row * cols + c]).toBe(src[idx[row] * cols + c]);
            }
            expect(w.read(pSrc, src.length)).toEqual(src); // source untouched
          }
        }
      });

      it('gatherRows copies i32 label rows and odd byte counts bit-exactly', () => {
        const labels = Int32Array.of(5, -1, 7, 2147483647);
        const pSrc = w.i32(labels), pIdx = w.i32([3, 0, 3]), pDst = w.alloc(3);
        w.k.gatherRows(pDst, pSrc, pIdx, 3, 4);
        expect(Array.from(new Int32Array(w.memory.buffer, pDst, 3))).toEqual([2147483647, 5, 2147483647]);
        // 6-byte rows: byte-granular copy.
        const bytes = Uint8Array.from({ length: 18 }, (_, i) => i * 7 + 1);
        const pB = w.alloc(5);
        w.bytes.set(bytes, pB);
        const pOut = w.alloc(3), pI = w.i32([2, 0]);
        w.k.gatherRows(pOut, pB, pI, 2, 6);
        expect(Array.from(w.bytes.subarray(pOut, pOut + 12))).toEqual([...bytes.subarray(12, 18), ...bytes.subarray(0, 6)]);
      });

      it('fillF32 writes exactly `count` copies of the value, signed zero and NaN included', () => {
        for (const count of [0, 1, 3, 4, 5, 17]) {
          for (const value of [0, -0, 1.5, -3.25e-20, Infinity, NaN, Math.fround(0.1)]) {
            w.reset();
            const p = w.f32(Float32Array.from({ length: count }, (_, i) => i + 0.5));
            w.k.fillF32(p, count, value);
            const got = w.read(p, count);
            for (let i = 0; i < count; i++) {
              if (!sameValue(got[i], Math.fround(value))) expect.fail(`fillF32(${count}, ${fmt(value)})[${i}] = ${fmt(got[i])}`);
            }
          }
        }
      });
    });

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

    describe('activations', () => {
      it('ACT_* globals number the kinds 0…7 in the reference order', () => {
        const ex = w.k as unknown as Record<string, WebAssembly.Global>;
        ACTIVATION_NAMES.forEach((name, code) => expect(ex[`ACT_${name.toUpperCase()}`].value).toBe(code));
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

      it('an unknown activation kind traps', () => {
        const p = w.f32([1, 2]);
        expect(() => w.k.activationForward(8, p, p, 2)).toThrow(WebAssembly.RuntimeError);
        expect(() => w.k.activationBackward(-1, p, p, p, p, 2)).toThrow(WebAssembly.RuntimeError);
      });
    });

    describe('losses', () => {
      type Case = { rows: number; cols: number; out: Float32Array; target: Float32Array; labels: Int32Array };
      const LOSS_TOL = (ref: number) => 1e-12 * (1 + Math.abs(ref));

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
        expect(loss).toBeCloseTo((1 + 0.25) / 6, 15);
      });

      it('huber: |d| = 1 exactly gives gradient ±1/n and loss 0.5 from both branches', () => {
        const out = Float32Array.of(1.5, -0.5, 2, 0.25, 10, -10);
        const target = Float32Array.of(0.5, 0.5, 2, 0, 0, 0); // d = 1, −1, 0, 0.25, 10, −10
        const { loss, grad } = runLoss({ rows: 3, cols: 2, out, target, labels: new Int32Array(3) }, 'huber');
        expect(Array.from(grad)).toEqual([1, -1, 0, 0.25, 1, -1].map((g) => Math.fround(g / 6)));
        expect(loss).toBeCloseTo((0.5 + 0.5 + 0 + 0.03125 + 9.5 + 9.5) / 6, 15);
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
        kernel: (p: Ptr, g: Ptr, st: Record<string, Ptr>, t: number) => void;
        tag: string;
        schedule?: 'random' | 'shrinking';
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
        const refParam = Float64Array.from(p0);
        const refState = opts.refState();
        const grads = gradients(opts.seed + 1, opts.schedule ?? 'random');
        for (let t = 1; t <= STEPS; t++) {
          const g = grads[t - 1];
          w.write(pGrad, g);
          opts.kernel(pParam, pGrad, st, t);
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
            kernel: (p, g, st, t) => w.k.sgdStep(p, g, st.buf, N, h.lr, h.momentum, h.dampening, h.weightDecay, h.nesterov ? 1 : 0, t === 1 ? 1 : 0),
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
            kernel: (p, g, st, t) => w.k.adagradStep(p, g, st.sum, N, h.lr / (1 + (t - 1) * h.lrDecay), h.weightDecay, h.eps),
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
            kernel: (p, g, st) => w.k.rmspropStep(p, g, st.sq, st.gavg, st.buf, N, h.lr, h.alpha, h.eps, h.weightDecay, h.momentum, h.centered ? 1 : 0),
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
              kernel: (p, g, st, t) => {
                const stepSize = h.lr / (1 - h.beta1 ** t);
                const bc2Sqrt = Math.sqrt(1 - h.beta2 ** t);
                if (variant === 'adam') w.k.adamStep(p, g, st.m, st.v, st.vmax, N, stepSize, bc2Sqrt, h.beta1, h.beta2, h.eps, h.weightDecay, h.amsgrad ? 1 : 0);
                else w.k.adamwStep(p, g, st.m, st.v, st.vmax, N, h.lr, stepSize, bc2Sqrt, h.beta1, h.beta2, h.eps, h.weightDecay, h.amsgrad ? 1 : 0);
              },
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
            kernel: (p, g, st, t) => w.k.adamaxStep(p, g, st.m, st.u, N, h.lr / (1 - h.beta1 ** t), h.beta1, h.beta2, h.eps, h.weightDecay),
          });
        });
      }

      const NADAM_CASES: Partial<O.NadamHyper>[] = [{}, { weightDecay: 0.1 }, { momentumDecay: 0.05, beta1: 0.8, beta2: 0.95, lr: 0.01 }];
      for (const [ci, c] of NADAM_CASES.entries()) {
        it(`NAdam ${JSON.stringify(c)}`, () => {
          const h: O.NadamHyper = { ...O.NADAM_DEFAULTS, ...c };
          let muProduct = 1; // host-side state, kept in f64
          race<O.NadamState>({
            seed: 700 + ci, state: ['m', 'v'], tag: 'nadam',
            refState: () => O.createNadamState(N),
            refStep: (p, g, s, t) => O.nadamStep(p, g, s, h, t),
            refViews: (s) => ({ m: s.expAvg, v: s.expAvgSq }),
            kernel: (p, g, st, t) => {
              const mu = h.beta1 * (1 - 0.5 * 0.96 ** (t * h.momentumDecay));
              const muNext = h.beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * h.momentumDecay));
              muProduct *= mu;
              const gradCoef = (h.lr * (1 - mu)) / (1 - muProduct);
              const avgCoef = (h.lr * muNext) / (1 - muProduct * muNext);
              w.k.nadamStep(p, g, st.m, st.v, N, gradCoef, avgCoef, Math.sqrt(1 - h.beta2 ** t), h.beta1, h.beta2, h.eps, h.weightDecay);
            },
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
            kernel: (p, g, st, t) => {
              const rhoInf = 2 / (1 - h.beta2) - 1;
              const rhoT = rhoInf - (2 * t * h.beta2 ** t) / (1 - h.beta2 ** t);
              const rectified = rhoT > 5;
              branches.add(rectified);
              const rect = rectified ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
              w.k.radamStep(p, g, st.m, st.v, N, h.lr, 1 - h.beta1 ** t, Math.sqrt(1 - h.beta2 ** t), rect, rectified ? 1 : 0,
                h.beta1, h.beta2, h.eps, h.weightDecay);
            },
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
            kernel: (p, g, st) => w.k.adadeltaStep(p, g, st.sq, st.acc, N, h.lr, h.rho, h.eps, h.weightDecay),
          });
        });
      }
    });
  });
}
