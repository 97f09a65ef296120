// Memory helpers (assembly/memory.ts) against plain copies and fills, and every export of the
// module called once on large buffers without growing memory.
import { beforeEach, describe, expect, it } from 'vitest';
import { OPTIMIZERS } from '../../src/optim/rules.js';
import { forEachBuild, fmt, prng, sameValue, type Wasm } from '../helpers/kernel-arena.js';

forEachBuild((arena) => {
  let w: Wasm;
  beforeEach(() => { w = arena(); });

  it('no export grows memory: every kernel called once on 4096-element buffers', () => {
    const n = 4096, r = prng(99);
    const before = w.memory.buffer.byteLength;
    const v = () => w.f32(r.f32s(n, -1, 1));
    const [a, b, c, d, e, f] = [v(), v(), v(), v(), v(), v()];
    const labels = w.i32(Int32Array.from({ length: 64 }, () => r.int(64)));
    w.k.gatherRows(a, b, labels, 64, 64 * 4);
    w.k.fillF32(c, n, 0.5);
    w.k.claimLines(f, n);
    w.k.denseForward(a, b, c, d, 64, 64, 64);
    w.k.denseBackwardInput(a, b, c, 64, 64, 64);
    w.k.denseBackwardParams(a, e, b, c, 64, 64, 64);
    for (let kind = 0; kind < 8; kind++) { w.k.activationForward(kind, a, b, n); w.k.activationBackward(kind, c, d, b, a, n); }
    const slot = w.alloc(4);
    w.k.softmaxCrossEntropy(slot, a, b, labels, 64, 64, 64);
    for (const loss of [w.k.sigmoidBce, w.k.mse, w.k.mae, w.k.huber]) loss(slot, a, b, c, 64, 64, 64);
    w.k.softmaxRows(a, b, 64, 64);
    // Every rule's kernel, from a block of 0.5s, every flag on (the host's writes are tested in optimizers.test.ts).
    for (const type of OPTIMIZERS) {
      w.f64.fill(0.5, w.hp >> 3, (w.hp >> 3) + 16);
      w.k[`${type}Step`](a, b, c, d, e, n, w.hp);
    }
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

    it('claimLines leaves every value bit for bit as it was, at any alignment and length', () => {
      const r = prng(5);
      for (const offset of [0, 1, 4, 15]) {
        for (const count of [0, 1, 15, 16, 17, 100]) {
          w.reset();
          const values = r.f32s(count + 40, -1, 1);
          // Signed zero, a subnormal, NaN with a payload and infinities among them: rewritten as bits, not as numbers.
          const bits = new Uint32Array(values.buffer);
          [0x80000000, 0x00000001, 0x7fc01234, 0xffc00001, 0x7f800000].forEach((b, i) => { bits[(i * 7) % bits.length] = b; });
          const p = w.f32(values);
          const before = Array.from(new Uint32Array(w.memory.buffer, p, values.length));
          w.k.claimLines(p + offset * 4, count);
          expect(Array.from(new Uint32Array(w.memory.buffer, p, values.length))).toEqual(before);
        }
      }
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
});
