// The pooling kinds' kernels (assembly/pool2d.ts) against the reference (test/reference/pool2d.ts)
// and against PyTorch's own answers (test/golden/pool2d.json, test/golden/make_pool2d.py). Each
// layer is resolved by its host kind (src/model/pool2d.ts), whose descriptor words, output size
// and scratch the kernels run on. Max pooling selects, so its outputs, argmax and gradients are
// exact; average pooling is held to the reference's f32 arithmetic in ATen's order, bit for bit,
// and to the plain f64 reference within rounding.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { forEachBuild, fmt, prng, sameValue, type Wasm } from '../helpers/kernel-arena.js';
import { avgpool2d, maxpool2d, type AvgPool2dLayer, type MaxPool2dLayer } from '../../src/model/pool2d.js';
import { LAYER_KINDS } from '../../src/model/layers.js';
import { OptionsReader } from '../../src/util/options.js';
import { LAYER, PASS } from '../../src/wasm/abi.js';
import {
  avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward, type Pool2dGeometry,
} from '../reference/pool2d.js';

const SEED = Number(process.env.FC_SEED ?? 0x9001);
fc.configureGlobal({ seed: SEED, numRuns: 150 });

type PoolType = 'maxpool2d' | 'avgpool2d';
type Size = number | [number, number];
interface PoolOptions {
  kernelSize: Size; stride?: Size; padding?: Size; dilation?: Size; ceilMode?: boolean; countIncludePad?: boolean;
}
type PoolLayer = MaxPool2dLayer | AvgPool2dLayer;

/** The layer as the host resolves it (throws its ConfigError on a layer PyTorch refuses). */
function resolvePool(type: PoolType, input: readonly number[], options: PoolOptions): PoolLayer {
  const kind = type === 'maxpool2d' ? maxpool2d : avgpool2d;
  const r = OptionsReader.read({ type, ...options }, 'layer', ['type', ...kind.keys], `an option of a ${type} layer`);
  return kind.resolve(r as never, input, 'layer');
}

function geometry(l: PoolLayer): Pool2dGeometry {
  return {
    channels: l.inputShape[0], height: l.inputShape[1], width: l.inputShape[2],
    kernel: l.kernelSize, stride: l.stride, padding: l.padding,
    dilation: l.type === 'maxpool2d' ? l.dilation : [1, 1], ceilMode: l.ceilMode,
    countIncludePad: l.type === 'avgpool2d' ? l.countIncludePad : true,
  };
}

interface Run { z: Float32Array; argmax: Int32Array | null; dx: Float32Array }

/**
 * Forward then backward of one layer over `rows` rows through the exported pass functions, on a
 * descriptor block the host's kind fills: z, the argmax scratch (sized by kind.scratch) and dx.
 */
function run(w: Wasm, l: PoolLayer, rows: number, x: ArrayLike<number>, dz: ArrayLike<number>): Run {
  const kind = LAYER_KINDS.find((k) => k.type === l.type)!;
  const code = LAYER_KINDS.indexOf(kind);
  const pX = w.f32(x), pZ = w.alloc(rows * l.outputs);
  const scratch = (kind.scratch as (l: PoolLayer, rows: number) => number)(l, rows);
  const pArg = scratch ? w.alloc(scratch) : 0;
  const words = new Int32Array(PASS.LAYER_WORDS);
  words[LAYER.KIND] = code;
  words[LAYER.INPUTS] = l.inputs;
  words[LAYER.OUTPUTS] = l.outputs;
  words[LAYER.Z] = pZ;
  words[LAYER.A] = pZ;
  words[LAYER.SCRATCH] = pArg;
  (kind.words as (l: PoolLayer) => readonly number[])(l).forEach((v, i) => { words[LAYER.COMMON + i] = v; });
  const block = w.i32(words);
  const pDz = w.f32(dz), pDx = w.alloc(rows * l.inputs);
  if (l.type === 'maxpool2d') {
    w.k.maxPool2dLayerForward(block, pX, rows);
    w.k.maxPool2dLayerBackward(block, pDz, pX, pDx, rows);
  } else {
    w.k.avgPool2dLayerForward(block, pX, rows);
    w.k.avgPool2dLayerBackward(block, pDz, pX, pDx, rows);
  }
  // Inputs are read-only.
  expectSame(w.read(pX, x.length), x, 'x after the calls');
  expectSame(w.read(pDz, dz.length), dz, 'dz after the calls');
  const argmax = pArg ? new Int32Array(w.memory.buffer, pArg, rows * l.outputs).slice() : null;
  return { z: w.read(pZ, rows * l.outputs), argmax, dx: w.read(pDx, rows * l.inputs) };
}

/** Elementwise identical (NaN matches NaN, −0 only −0). */
function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!sameValue(actual[i], Math.fround(expected[i]))) expect.fail(`${what}[${i}]: kernel ${fmt(actual[i])} vs ${fmt(expected[i])}`);
  }
}

/** Checks one layer's kernels against the reference on (x, dz); returns the run. */
function check(w: Wasm, l: PoolLayer, rows: number, x: Float32Array, dz: Float32Array, tag: string): Run {
  const g = geometry(l);
  const got = run(w, l, rows, x, dz);
  if (l.type === 'maxpool2d') {
    const ref = maxPool2dForward(x, rows, g);
    expectSame(got.z, ref.y, `z ${tag}`);
    expectSame(got.argmax!, ref.argmax, `argmax ${tag}`);
    expectSame(got.dx, maxPool2dBackward(dz, ref.argmax, rows, g, true), `dx ${tag}`);
  } else {
    expectSame(got.z, avgPool2dForward(x, rows, g, true), `z ${tag}`);
    expectSame(got.dx, avgPool2dBackward(dz, rows, g, true), `dx ${tag}`);
  }
  return got;
}

/** Values with many ties, signed zeros, infinities and NaNs, or plain random ones. */
const valueArb = fc.oneof(
  fc.float({ min: -4, max: 4, noNaN: true }),
  fc.constantFrom(0, -0, 1, -1, 2),
  fc.constantFrom(NaN, -Infinity, Infinity),
);
const dims = fc.record({
  kernel: fc.integer({ min: 1, max: 4 }), stride: fc.integer({ min: 1, max: 4 }), dilation: fc.integer({ min: 1, max: 3 }),
  size: fc.integer({ min: 1, max: 14 }), pad: fc.nat(),
});

forEachBuild((arena) => {
  let w: Wasm;
  beforeEach(() => { w = arena(); });

  describe('the windows taken four at a time (stride 1 or 2 across; 2×2 and 3×3 at stride 2 the common ones) against the reference', () => {
    const cases: [PoolType, PoolOptions][] = [];
    for (const type of ['maxpool2d', 'avgpool2d'] as const) {
      for (const ceilMode of [false, true]) {
        cases.push([type, { kernelSize: 2, ceilMode }], [type, { kernelSize: 2, padding: 1, ceilMode }]);
        cases.push([type, { kernelSize: 3, stride: 2, ceilMode }], [type, { kernelSize: 3, stride: 2, padding: 1, ceilMode }]);
        cases.push([type, { kernelSize: [3, 2], stride: [1, 2], padding: [1, 0], ceilMode }]);
        cases.push([type, { kernelSize: 3, stride: 1, padding: 1, ceilMode }], [type, { kernelSize: [2, 5], stride: [2, 1], padding: [0, 2], ceilMode }]);
      }
      cases.push(['maxpool2d', { kernelSize: 3, stride: 1, padding: 1, dilation: 2 }], ['maxpool2d', { kernelSize: 2, stride: 2, dilation: [1, 2] }]);
      cases.push(['maxpool2d', { kernelSize: 3, stride: 2, padding: 1, dilation: 3, ceilMode: true }]);
      cases.push(['avgpool2d', { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }]);
      cases.push(['avgpool2d', { kernelSize: 2, padding: 1, ceilMode: true, countIncludePad: false }]);
    }

    it('every width 1…27 (each lane tail and border) over 3 rows of 2 channels, random values', () => {
      const r = prng(5);
      let ran = 0;
      for (const [type, options] of cases) {
        for (let width = 1; width <= 27; width++) {
          for (const height of [3, 8]) {
            let l: PoolLayer;
            try { l = resolvePool(type, [2, height, width], options); } catch { continue; }
            w.reset();
            const rows = 3;
            check(w, l, rows, r.f32s(rows * l.inputs, -3, 3), r.f32s(rows * l.outputs, -1, 1), `${type} ${JSON.stringify(options)} ${height}×${width}`);
            ran++;
          }
        }
      }
      expect(ran).toBeGreaterThan(700);
    });

    it('average pooling stays within f32 rounding of the plain f64 reference', () => {
      const r = prng(6);
      for (const [type, options] of cases) {
        if (type !== 'avgpool2d') continue;
        w.reset();
        const l = resolvePool(type, [2, 9, 21], options), g = geometry(l);
        const x = r.f32s(2 * l.inputs, -3, 3), dz = r.f32s(2 * l.outputs);
        const got = run(w, l, 2, x, dz);
        const y = avgPool2dForward(x, 2, g), dx = avgPool2dBackward(dz, 2, g);
        // Each output is at most 16 terms of |x| ≤ 3 over a divisor ≥ 1: 16 ulps of 3·16 bounds the rounding.
        for (let i = 0; i < y.length; i++) if (!(Math.abs(got.z[i] - y[i]) < 48 * 2 ** -20)) expect.fail(`z[${i}]: ${got.z[i]} vs ${y[i]}`);
        for (let i = 0; i < dx.length; i++) if (!(Math.abs(got.dx[i] - dx[i]) < 16 * 2 ** -20)) expect.fail(`dx[${i}]: ${got.dx[i]} vs ${dx[i]}`);
      }
    });
  });

  describe('2×2 max pooling 2 apart across (kernels of its own: fours along rows, fours down columns, planes as one run)', () => {
    const options: PoolOptions[] = [];
    for (const ceilMode of [false, true]) {
      for (const padding of [0, 1, [0, 1], [1, 0]] as Size[]) options.push({ kernelSize: 2, padding, ceilMode });
      options.push({ kernelSize: 2, stride: [1, 2], ceilMode }, { kernelSize: 2, stride: [3, 2], ceilMode }, { kernelSize: 2, stride: [3, 2], padding: 1, ceilMode });
    }
    /** Random values, a third of them ties, signed zeros, ±∞ or NaN. */
    const values = (r: ReturnType<typeof prng>, n: number) => Float32Array.from({ length: n }, () =>
      r.next() < 0.35 ? [0, -0, 1, -1, Infinity, -Infinity, NaN][r.int(7)] : r.uniform(-3, 3));

    it('every height 1…10 and width 1…27 over 2 rows of 3 channels, strides 1…3 down, paddings and ceil mode', () => {
      const r = prng(21);
      let ran = 0;
      for (const o of options) {
        for (let height = 1; height <= 10; height++) {
          for (let width = 1; width <= 27; width++) {
            let l: PoolLayer;
            try { l = resolvePool('maxpool2d', [3, height, width], o); } catch { continue; }
            w.reset();
            check(w, l, 2, values(r, 2 * l.inputs), r.f32s(2 * l.outputs, -1, 1), `${JSON.stringify(o)} ${height}×${width}`);
            ran++;
          }
        }
      }
      expect(ran).toBeGreaterThan(2500);
    });

    it('ties, signed zeros and NaNs of different payloads at every place of a window in every lane: z is its argmax\'s value, bit for bit', () => {
      // The 4⁴ arrangements of four values in a window's four taps (row-major: ATen's scan),
      // NaNs told apart by payload and sign. With 13 outputs across (three fours along the
      // row, one column down) and 5 output rows per plane (fours down a column crossing into
      // the next plane), every arrangement lands in every lane over 13 shifts.
      const bits = [0x3f800000, 0x00000000, 0x80000000, 0x7fc00001, 0xffc00002] as const; // 1, +0, −0, NaN, −NaN
      const taps = [1, 2, 3, 4] as const;
      const arrangements: number[][] = [];
      for (let i = 0; i < 5 ** 4; i++) arrangements.push(taps.map((_, t) => bits[Math.floor(i / 5 ** t) % 5]));
      const [OH, OW] = [5, 13];
      for (const padding of [0, [0, 1]] as Size[]) {
        const l = resolvePool('maxpool2d', [2, 2 * OH, 2 * OW], { kernelSize: 2, padding });
        const [oh, ow] = [l.shape[1], l.shape[2]];
        const planes = Math.ceil(arrangements.length / (oh * ow)) + 1;
        const rows = Math.ceil(planes / 2);
        for (let shift = 0; shift < ow; shift++) {
          w.reset();
          const x = new Uint32Array(rows * l.inputs).fill(0xbf800000); // −1 outside every arranged window
          const W = 2 * OW, p = padding === 0 ? 0 : 1;
          for (let o = 0; o < rows * l.outputs; o++) {
            const plane = Math.floor(o / (oh * ow)), i = Math.floor((o % (oh * ow)) / ow), j = o % ow;
            const a = arrangements[(o + shift) % arrangements.length];
            // Windows cut by the padding keep −1: only whole windows take arrangements.
            const c = 2 * j - p;
            if (c < 0 || c + 1 >= W) continue;
            const at = plane * (l.inputs / 2) + 2 * i * W + c;
            [x[at], x[at + 1], x[at + W], x[at + W + 1]] = a;
          }
          const xf = new Float32Array(x.buffer);
          const got = check(w, l, rows, xf, new Float32Array(rows * l.outputs).fill(1), `padding ${JSON.stringify(padding)} shift ${shift}`);
          const zBits = new Uint32Array(got.z.buffer);
          for (let o = 0; o < zBits.length; o++) {
            const tap = Math.floor(o / (oh * ow)) * (l.inputs / 2) + got.argmax![o];
            if (zBits[o] !== x[tap]) expect.fail(`z[${o}] bits ${zBits[o].toString(16)} vs its argmax's ${x[tap].toString(16)}`);
          }
        }
      }
    });
  });

  it('random shapes, kernels, strides, paddings, dilations, ceil mode and divisors; ties, NaN, ±∞ and signed zeros (fast-check)', () => {
    const arb = fc.record({
      type: fc.constantFrom<PoolType>('maxpool2d', 'avgpool2d'),
      h: dims, w: dims, channels: fc.integer({ min: 1, max: 3 }), rows: fc.integer({ min: 1, max: 3 }),
      ceilMode: fc.boolean(), countIncludePad: fc.boolean(), ties: fc.boolean(),
    }).chain((c) => {
      let l: PoolLayer;
      try {
        const pad = (d: { kernel: number; pad: number }) => d.pad % (Math.floor(d.kernel / 2) + 1);
        const options: PoolOptions = {
          kernelSize: [c.h.kernel, c.w.kernel], stride: [c.h.stride, c.w.stride], padding: [pad(c.h), pad(c.w)], ceilMode: c.ceilMode,
          ...(c.type === 'maxpool2d' ? { dilation: [c.h.dilation, c.w.dilation] } : { countIncludePad: c.countIncludePad }),
        };
        l = resolvePool(c.type, [c.channels, c.h.size, c.w.size], options);
      } catch {
        return fc.constant(null);
      }
      const values = (n: number, v: fc.Arbitrary<number>) => fc.array(v, { minLength: n, maxLength: n }).map((a) => Float32Array.from(a));
      return fc.record({
        l: fc.constant(l), rows: fc.constant(c.rows),
        x: values(c.rows * l.inputs, c.ties ? fc.constantFrom(0, -0, 1, -1, NaN) : valueArb),
        dz: values(c.rows * l.outputs, fc.float({ min: -2, max: 2, noNaN: true })),
      });
    });
    let ran = 0;
    fc.assert(fc.property(arb, (c) => {
      if (!c) return; // a layer PyTorch refuses: the spec tests cover those
      w.reset();
      check(w, c.l, c.rows, c.x, c.dz, JSON.stringify({ ...c.l, x: undefined }));
      ran++;
    }));
    expect(ran).toBeGreaterThan(50);
  });

  describe('max pooling', () => {
    it('ties go to the first maximum in scan order, NaN beats everything and the last NaN wins (ATen)', () => {
      const l = resolvePool('maxpool2d', [1, 1, 8], { kernelSize: [1, 4], stride: [1, 4] });
      const x = Float32Array.of(2, 5, 5, 1, NaN, 1, NaN, 3);
      const got = run(w, l, 1, x, Float32Array.of(10, 20));
      expect(Array.from(got.argmax!)).toEqual([1, 6]);
      expectSame(got.z, [5, NaN], 'z');
      expectSame(got.dx, [0, 10, 0, 0, 0, 0, 20, 0], 'dx');
    });

    it('a window of −∞ keeps its first tap inside the input; padding is never the maximum', () => {
      const l = resolvePool('maxpool2d', [1, 2, 4], { kernelSize: 2, padding: 1 });
      const x = Float32Array.of(-Infinity, -Infinity, -7, -8, -Infinity, -Infinity, -9, -Infinity);
      const got = run(w, l, 1, x, Float32Array.of(1, 2, 3, 4, 5, 6));
      // Windows: rows {0} × cols {0}, {1,2}, {3}; rows {1} × the same.
      expect(Array.from(got.argmax!)).toEqual([0, 2, 3, 4, 6, 7]);
      expectSame(got.z, [-Infinity, -7, -8, -Infinity, -9, -Infinity], 'z');
      expectSame(got.dx, [1, 0, 2, 3, 4, 0, 5, 6], 'dx');
    });

    it('overlapping windows add their gradients where they share a maximum', () => {
      const l = resolvePool('maxpool2d', [1, 3, 3], { kernelSize: 2, stride: 1 });
      const x = Float32Array.of(0, 0, 0, 0, 9, 0, 0, 0, 0);
      const got = run(w, l, 1, x, Float32Array.of(1, 2, 4, 8));
      expectSame(got.dx, [0, 0, 0, 0, 15, 0, 0, 0, 0], 'dx');
    });

    it('a window with no tap inside the input gives −∞ and no gradient (kernel-side; the host refuses such layers)', () => {
      // PyTorch: kernel 2, stride 2, padding 1, dilation 3, ceil mode on a 1×1 input has one
      // output whose taps (−1 and 2) both miss the input; it gives −inf and index 4, outside the plane.
      const words = new Int32Array(PASS.LAYER_WORDS);
      const pX = w.f32([7]), pZ = w.alloc(1), pArg = w.alloc(1), pDz = w.f32([5]), pDx = w.alloc(1);
      words.set([LAYER_KINDS.indexOf(maxpool2d as never), 1, 1, 0, 0, 0, pZ, pZ, 0, 0, pArg, 0]);
      words.set([1, 1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 3, 3], LAYER.COMMON);
      const block = w.i32(words);
      w.k.maxPool2dLayerForward(block, pX, 1);
      expectSame(w.read(pZ, 1), [-Infinity], 'z');
      expect(new Int32Array(w.memory.buffer, pArg, 1)[0]).toBe(-1);
      w.k.maxPool2dLayerBackward(block, pDz, pX, pDx, 1);
      expectSame(w.read(pDx, 1), [0], 'dx');
    });

    it('windows that share no element skip the ones without a tap inside, four at a time too (kernel-side)', () => {
      // 1×3 planes, kernel 1×2 dilated 3, stride 4, padding 1, four outputs: taps (−1, 2), (3, 6),
      // (7, 10), (11, 14): only the first window has one inside. Two planes (rows).
      const words = new Int32Array(PASS.LAYER_WORDS);
      const pX = w.f32([7, 8, 9, 1, 2, 3]), pZ = w.alloc(8), pArg = w.alloc(8);
      const pDz = w.f32([5, 6, 7, 8, 1, 2, 3, 4]), pDx = w.alloc(6);
      words.set([LAYER_KINDS.indexOf(maxpool2d as never), 3, 4, 0, 0, 0, pZ, pZ, 0, 0, pArg, 0]);
      words.set([1, 1, 3, 1, 4, 1, 2, 1, 4, 0, 1, 1, 3], LAYER.COMMON);
      const block = w.i32(words);
      w.k.maxPool2dLayerForward(block, pX, 2);
      expectSame(w.read(pZ, 8), [9, -Infinity, -Infinity, -Infinity, 3, -Infinity, -Infinity, -Infinity], 'z');
      expect(Array.from(new Int32Array(w.memory.buffer, pArg, 8))).toEqual([2, -1, -1, -1, 2, -1, -1, -1]);
      w.k.maxPool2dLayerBackward(block, pDz, pX, pDx, 2);
      expectSame(w.read(pDx, 6), [0, 0, 5, 0, 0, 1], 'dx');
    });
  });

  describe('average pooling', () => {
    it('divides by ATen\'s divisor: padding counted or not, ceil mode\'s window clipped to the padded input', () => {
      // Width 3, kernel 2, stride 2, padding 1, ceil mode: windows [−1, 1), [1, 3), [3, 5) → the last
      // starts in the right padding and is dropped (ATen), so 2 outputs across.
      const ones = Float32Array.of(1, 1, 1);
      const incl = resolvePool('avgpool2d', [1, 1, 3], { kernelSize: [1, 2], padding: [0, 1], ceilMode: true });
      expect(incl.shape).toEqual([1, 1, 2]);
      expectSame(run(w, incl, 1, ones, [1, 1]).z, [0.5, 1], 'count_include_pad');
      const excl = resolvePool('avgpool2d', [1, 1, 3], { kernelSize: [1, 2], padding: [0, 1], ceilMode: true, countIncludePad: false });
      expectSame(run(w, excl, 1, ones, [1, 1]).z, [1, 1], 'not count_include_pad');
      // Width 4, kernel 3, stride 2, padding 1, ceil mode: windows [−1, 2), [1, 4), [3, 6) clipped to
      // [3, 5), the padded input's end: divisors 3, 3, 2 with the padding, 2, 3, 1 without.
      const x = Float32Array.of(1, 2, 3, 4);
      const c = resolvePool('avgpool2d', [1, 1, 4], { kernelSize: [1, 3], stride: [1, 2], padding: [0, 1], ceilMode: true });
      expectSame(run(w, c, 1, x, [3, 6, 8]).z, [3 / 3, 9 / 3, 4 / 2], 'ceil, with padding');
      expectSame(run(w, c, 1, x, [3, 6, 8]).dx, [1, 1 + 2, 2, 2 + 4], 'ceil, with padding, dx');
      const e = resolvePool('avgpool2d', [1, 1, 4], { kernelSize: [1, 3], stride: [1, 2], padding: [0, 1], ceilMode: true, countIncludePad: false });
      expectSame(run(w, e, 1, x, [2, 3, 1]).z, [3 / 2, 9 / 3, 4 / 1], 'ceil, without padding');
      expectSame(run(w, e, 1, x, [2, 3, 1]).dx, [1, 1 + 1, 1, 1 + 1], 'ceil, without padding, dx');
    });

    it('a negative sum that rounds to −0 comes out +0, as ATen adds it to a zeroed output', () => {
      const l = resolvePool('avgpool2d', [1, 2, 8], { kernelSize: 2 });
      const tiny = -(2 ** -149);
      const x = Float32Array.of(tiny, 0, -0, -0, 0, 0, 0, 0, 0, 0, -0, -0, 0, 0, tiny, 0);
      const got = run(w, l, 1, x, Float32Array.of(-0, 1, -0, 4));
      expectSame(got.z, [0, 0, 0, 0], 'z');
      expectSame(got.dx, [0, 0, 0.25, 0.25, 0, 0, 1, 1, 0, 0, 0.25, 0.25, 0, 0, 1, 1], 'dx');
    });
  });

  describe('PyTorch 1.13 known answers (test/golden/pool2d.json)', () => {
    const golden = JSON.parse(readFileSync(new URL('../golden/pool2d.json', import.meta.url), 'utf8')) as {
      cases: { name: string; type: PoolType; options: PoolOptions; shape: number[]; outShape: number[]; x: unknown[]; dy: unknown[]; y: unknown[]; dx: unknown[]; argmax?: number[] }[];
    };
    const num = (v: unknown) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Math.fround(v as number));
    it.each(golden.cases.map((c) => [c.name, c] as const))('%s: output, indices and input gradient bit for bit', (_, c) => {
      const [n, ch, h, wd] = c.shape;
      const l = resolvePool(c.type, [ch, h, wd], c.options);
      expect(l.shape).toEqual([ch, ...c.outShape]);
      const got = run(w, l, n, c.x.map(num), c.dy.map(num));
      expectSame(got.z, c.y.map(num), 'y');
      if (c.argmax) expect(Array.from(got.argmax!)).toEqual(c.argmax);
      expectSame(got.dx, c.dx.map(num), 'dx');
    });
  });
});
