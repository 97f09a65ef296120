// Seeded PRNG used for initialisation, shuffling and splits, so every run is reproducible.
// Generator: xoshiro128** (Blackman & Vigna), its 128-bit state filled from the 32-bit seed
// by SplitMix32. uniform() = next() / 2³² (24 significant bits are never lost: f64 holds 32).
// normal() uses the Box–Muller transform, one draw per call (the sine twin is discarded, so
// the stream does not depend on how calls interleave).

/** A seeded random stream. */
export interface Rng {
  /** Next 32-bit unsigned integer. */
  next(): number;
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** In-place Fisher–Yates shuffle of the first `length` elements (default: all). */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T, length?: number): T;
  /** In-place Fisher–Yates shuffle of items[start … start + length). */
  shuffleRange(items: { [i: number]: number }, start: number, length: number): void;
  /** The generator's 128-bit state as four unsigned 32-bit words (what a checkpoint keeps). */
  state(): [number, number, number, number];
  /** Continues from `state()`: the stream goes on exactly where that one was. */
  setState(words: readonly number[]): void;
}

/** Creates a stream from an integer seed; the same seed always gives the same stream. */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix(), b = splitmix(), c = splitmix(), d = splitmix();
  if ((a | b | c | d) === 0) a = 1; // the all-zero state is a fixed point
  const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const uniform = (): number => next() / 4294967296;
  const rng: Rng = {
    next,
    state: () => [a >>> 0, b >>> 0, c >>> 0, d >>> 0],
    setState(words) {
      [a, b, c, d] = words.map((w) => w | 0);
    },
    uniform,
    normal() {
      // 1 − u keeps the logarithm's argument in (0, 1].
      const u1 = 1 - uniform();
      const u2 = uniform();
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
    int(n: number) {
      return Math.floor(uniform() * n);
    },
    shuffle(items, length = items.length) {
      for (let i = length - 1; i > 0; i--) {
        const j = Math.floor(uniform() * (i + 1));
        const tmp = items[i];
        items[i] = items[j];
        items[j] = tmp;
      }
      return items;
    },
    shuffleRange(items, start, length) {
      for (let i = length - 1; i > 0; i--) {
        const j = start + Math.floor(uniform() * (i + 1));
        const tmp = items[start + i];
        items[start + i] = items[j];
        items[j] = tmp;
      }
    },
  };
  return rng;
}
