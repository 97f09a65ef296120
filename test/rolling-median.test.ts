// RollingMedian keeps its window sorted incrementally; it must always agree with sorting the
// last `size` values from scratch, whatever the order, repeats and window size.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { RollingMedian } from '../src/util/rolling-median.js';

function sortedMedian(values: number[]): number {
  if (values.length === 0) return Infinity;
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

it('is the median of the last `size` values after every add (Infinity before the first)', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 12 }),
    // Few distinct values, so repeats (and removing one of several equal values) are common.
    fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true, noDefaultInfinity: true })), { maxLength: 60 }),
    (size, values) => {
      const m = new RollingMedian(size);
      expect(m.median).toBe(Infinity);
      values.forEach((v, i) => {
        m.value = v;
        m.add();
        expect(m.median).toBe(sortedMedian(values.slice(Math.max(0, i + 1 - size), i + 1)));
      });
    },
  ), { seed: 0x6d0, numRuns: 300 });
});
