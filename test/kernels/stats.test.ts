// Dead-unit stamps (assembly/stats.ts markActiveUnits) against a plain scan: a unit gets the
// stamp when it is positive in some row, and keeps its old stamp otherwise — for unit counts
// around the kernel's 32- and 4-unit blocks, with zeros, −0, negatives and NaN as the silent values.
import { beforeEach, expect, it } from 'vitest';
import { forEachBuild, prng, type Wasm } from '../helpers/kernel-arena.js';

forEachBuild((arena) => {
  let w: Wasm;
  beforeEach(() => { w = arena(); });

  it('markActiveUnits stamps exactly the units positive in some row', () => {
    const r = prng(5);
    const silent = [0, -0, -1, -1e-30, NaN, -Infinity];
    for (const units of [1, 3, 4, 5, 31, 32, 33, 36, 64, 67, 100]) {
      for (const rows of [1, 2, 7]) {
        w.reset();
        // Each unit is live in one random row (or none); every other value is silent.
        const a = new Float32Array(rows * units);
        const live = Array.from({ length: units }, () => (r.int(3) === 0 ? -1 : r.int(rows)));
        for (let row = 0; row < rows; row++) {
          for (let u = 0; u < units; u++) a[row * units + u] = live[u] === row ? 1e-30 + r.int(4) : silent[r.int(silent.length)];
        }
        const old = Int32Array.from({ length: units }, () => r.int(1000));
        const pA = w.f32(a), pStamps = w.i32(old);
        w.k.markActiveUnits(pStamps, pA, rows, units, 4242);
        const got = new Int32Array(w.memory.buffer, pStamps, units).slice();
        const want = old.map((s, u) => (live[u] >= 0 ? 4242 : s));
        expect(Array.from(got), `units ${units}, rows ${rows}`).toEqual(Array.from(want));
      }
    }
  });
});
