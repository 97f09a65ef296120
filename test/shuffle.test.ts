// The seeded epoch shuffle must give every order of the samples the same chance. A biased
// shuffle (the classic j = rng.int(n) for every i) still visits every sample once per epoch,
// so losses and goldens never notice it; only the frequencies of the orders do. Each test
// counts orders and takes Pearson's chi-square against the uniform distribution, at fixed
// seeds, and shows that the same statistic rejects the biased variant.
//
// The training loop reshuffles the previous epoch's order in place, so an epoch's order is a
// product of all shuffles so far: a random walk that mixes to uniform even when each step is
// biased. What must be uniform is each shuffle's own move — the permutation taking the last
// epoch's order to this one's — so the trainer test counts those moves, and the orders too.
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../src/util/rng.js';
import { makeNetwork } from './helpers/network.js';

/** Pearson's chi-square of counts against equal expected counts. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

/**
 * The 0.999 quantile of chi-square with k degrees of freedom (Wilson–Hilferty; within 0.3%
 * of the exact value for k ≥ 20): a uniform shuffle exceeds it once in a thousand seeds.
 */
function chiSquare999(k: number): number {
  const z = 3.0902; // standard normal 0.999 quantile
  return k * (1 - 2 / (9 * k) + z * Math.sqrt(2 / (9 * k))) ** 3;
}

/** Index of each permutation of 0…n−1 in lexicographic order (key: the digits joined). */
function permutationIndex(n: number): Map<string, number> {
  const out: number[][] = [];
  const grow = (prefix: number[]) => {
    if (prefix.length === n) out.push(prefix);
    else for (let v = 0; v < n; v++) if (!prefix.includes(v)) grow([...prefix, v]);
  };
  grow([]);
  return new Map(out.map((p, i) => [p.join(','), i]));
}

/** Counts of each permutation in `orders` (each an order of 0…n−1); throws on a non-permutation. */
function countOrders(orders: number[][], n: number): number[] {
  const index = permutationIndex(n);
  const counts = new Array<number>(index.size).fill(0);
  for (const o of orders) {
    const i = index.get(o.join(','));
    if (i === undefined) throw new Error(`not a permutation of 0…${n - 1}: ${o.join(',')}`);
    counts[i]++;
  }
  return counts;
}

/** The classic biased shuffle: every position swaps with any position, n^n equally likely paths onto n! orders. */
function biasedShuffle(rng: Rng, items: number[]): void {
  for (let i = 0; i < items.length; i++) {
    const j = rng.int(items.length);
    [items[i], items[j]] = [items[j], items[i]];
  }
}

/** `epochs` orders drawn by the biased shuffle, re-shuffling one array in place as an epoch loop does. */
function biasedOrders(seed: number, n: number, epochs: number): number[][] {
  const rng = createRng(seed);
  const items = Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: epochs }, () => {
    biasedShuffle(rng, items);
    return [...items];
  });
}

/**
 * Each epoch's move: for every position, the position its sample held in the epoch before
 * (the first epoch starts from the stored order 0…n−1). A shuffle of the array in place
 * applies one such permutation per epoch whatever the array holds.
 */
function moves(orders: number[][]): number[][] {
  let prev = orders[0].map((_, i) => i);
  return orders.map((order) => {
    const move = order.map((sample) => prev.indexOf(sample));
    prev = order;
    return move;
  });
}

const N = 4;
const EPOCHS = 2400; // 100 expected per order of 4 samples

/**
 * The sample orders of `epochs` epochs of stochastic training, read from the losses: all
 * weights are 0 and lr is 0, so the output stays 0 and the mse of a one-sample step on
 * sample i (target i + 1) is (i + 1)², naming the sample.
 */
function trainerOrders(seed: number, epochs: number): number[][] {
  const net = makeNetwork({ inputs: 1, layers: [{ units: 1, activation: 'linear' }], loss: 'mse' });
  try {
    net.setParameters([{ weight: [0], bias: [0] }]);
    const x = Array.from({ length: N }, () => [0]);
    const y = Array.from({ length: N }, (_, i) => [i + 1]);
    const t = net.trainer(x, y, { optimizer: { type: 'sgd', lr: 0 }, mode: 'stochastic', seed, diagnostics: false });
    const orders: number[][] = [];
    for (let e = 0; e < epochs; e++) {
      const order: number[] = [];
      for (let i = 0; i < N; i++) {
        t.step();
        order.push(Math.sqrt(t.loss) - 1);
      }
      orders.push(order);
    }
    expect(t.epoch).toBe(epochs - 1);
    return orders;
  } finally {
    net.dispose();
  }
}

describe('seeded epoch shuffle', () => {
  it('gives every order of the samples equal frequency through trainer.step() in stochastic mode', () => {
    const orders = trainerOrders(11, EPOCHS);
    const limit = chiSquare999(24 - 1);
    for (const counts of [countOrders(orders, N), countOrders(moves(orders), N)]) {
      expect(Math.min(...counts)).toBeGreaterThan(0);
      expect(chiSquare(counts)).toBeLessThan(limit);
    }
    // The statistic on the moves has the power to see the classic bias at this sample size
    // (on the orders alone it would not: the product of biased moves is near uniform).
    expect(chiSquare(countOrders(moves(biasedOrders(11, N, EPOCHS)), N))).toBeGreaterThan(limit);
  });

  it('draws the same orders in fit as in the trainer for a seed', () => {
    const net = makeNetwork({ inputs: 1, layers: [{ units: 1, activation: 'linear' }], loss: 'mse' });
    try {
      net.setParameters([{ weight: [0], bias: [0] }]);
      const x = Array.from({ length: N }, () => [0]);
      const y = Array.from({ length: N }, (_, i) => [i + 1]);
      const seen: number[] = [];
      net.fitSync(x, y, {
        optimizer: { type: 'sgd', lr: 0 }, mode: 'stochastic', seed: 11, epochs: 30, preflight: 'off', diagnostics: false,
        onBatchEnd: (info) => { seen.push(Math.sqrt(info.loss) - 1); },
      });
      expect(seen).toEqual(trainerOrders(11, 30).flat());
    } finally {
      net.dispose();
    }
  });

  it('shuffleRange permutes only its range, reaching every order uniformly', () => {
    const outside = [100, 101, 107, 108, 109];
    const trials = 12_000; // 100 expected per order of 5 elements
    const rng = createRng(2024);
    const items = new Int32Array([100, 101, 0, 1, 2, 3, 4, 107, 108, 109]);
    const orders: number[][] = [];
    let untouched = true;
    for (let k = 0; k < trials; k++) {
      rng.shuffleRange(items, 2, 5);
      untouched &&= outside.every((v, i) => items[i < 2 ? i : i + 5] === v);
      orders.push([...items.subarray(2, 7)]);
    }
    expect(untouched).toBe(true);
    const counts = countOrders(moves(orders), 5);
    expect(Math.min(...counts)).toBeGreaterThan(0);
    const limit = chiSquare999(counts.length - 1);
    expect(chiSquare(counts)).toBeLessThan(limit);
    expect(chiSquare(countOrders(moves(biasedOrders(2024, 5, trials)), 5))).toBeGreaterThan(limit);
  });

  it('shuffleRange of length 0 or 1 changes nothing', () => {
    const items = [5, 6, 7];
    const rng = createRng(1);
    rng.shuffleRange(items, 1, 1);
    rng.shuffleRange(items, 3, 0);
    expect(items).toEqual([5, 6, 7]);
  });
});
