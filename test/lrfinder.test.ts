// The learning-rate range test: a geometric sweep with a smoothed, bias-corrected loss that
// stops on divergence and suggests a rate in the valley of the curve (or at its steepest
// fall) — and leaves the network, and a trainer running on it, exactly as they were. Whether
// the suggestion trains well is lrfinder-suggestion.test.ts.
import { describe, expect, it } from 'vitest';
import { findLearningRate } from '../src/lr-finder.js';
import type { NetworkSpec } from '../src/types.js';
import { makeNetwork, xorData } from './helpers/network.js';

const spec: NetworkSpec = { inputs: 2, layers: [{ units: 16, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 4 };
const data = xorData(256, 6);

describe('findLearningRate', () => {
  it('sweeps the rate geometrically, smooths the loss, stops on divergence and suggests a rate in the valley', () => {
    const r = findLearningRate(makeNetwork(spec), data.x, data.y, { optimizer: { type: 'sgd', lr: 1, momentum: 0.9 }, endLr: 1000 });
    const n = r.lrs.length;
    expect(n).toBeLessThanOrEqual(300);
    expect(r.lrs[0]).toBe(1e-7);
    for (let i = 1; i < n; i++) expect(r.lrs[i] / r.lrs[i - 1]).toBeCloseTo((1000 / 1e-7) ** (1 / 299), 9);
    // Bias-corrected exponential smoothing of the raw losses.
    let avg = 0;
    r.losses.forEach((loss, i) => {
      avg = 0.98 * avg + 0.02 * loss;
      expect(r.smoothedLosses[i]).toBeCloseTo(avg / (1 - 0.98 ** (i + 1)), 12);
    });
    expect(r.stoppedEarly).toBe(true);
    const last = r.smoothedLosses[n - 1];
    expect(!Number.isFinite(last) || last > 4 * Math.min(...r.smoothedLosses.slice(0, n - 1))).toBe(true);
    expect(r.suggestion).not.toBeNull();
    expect(r.suggestion!).toBeGreaterThan(1e-4);
    expect(r.suggestion!).toBeLessThan(r.lrs[n - 1]);
    // The valley: the longest decreasing subsequence of the smoothed loss after the 10% burn-in,
    // the point that stopped the test left out; the suggestion is its first point 4/5 of the depth down.
    expect(r.method).toBe('valley');
    const [start, end] = r.valley!;
    const s = r.smoothedLosses;
    expect(start).toBeGreaterThanOrEqual(Math.floor(0.1 * n));
    expect(end).toBeLessThan(n - 1);
    expect(r.lrs[r.suggestionIndex!]).toBe(r.suggestion);
    const target = s[start] - 0.8 * (s[start] - s[end]);
    expect(s[r.suggestionIndex!]).toBeLessThanOrEqual(target);
    for (let i = start; i < r.suggestionIndex!; i++) expect(s[i]).toBeGreaterThan(target);
    expect(longestDecreasing(s, Math.floor(0.1 * n), n - 1)).toBe(longestDecreasing(s, start, end + 1));
    expect(s[start] - s[end]).toBeGreaterThan(0.05 * s[start]);
    // The suggestion trains: a few epochs at it beat the untrained loss.
    const net = makeNetwork(spec);
    const h = net.fitSync(data.x, data.y, { optimizer: { type: 'sgd', lr: r.suggestion!, momentum: 0.9 }, epochs: 5, preflight: 'off' });
    expect(h.epochs[4].loss).toBeLessThan(h.epochs[0].loss);
  });

  it("suggest: 'steepest' picks the steepest fall after the burn-in; burnIn moves where the suggestion may lie", () => {
    const r = findLearningRate(makeNetwork(spec), data.x, data.y, { optimizer: { type: 'adam' }, suggest: 'steepest', burnIn: 0.5 });
    const n = r.lrs.length, s = r.smoothedLosses, l = r.lrs.map(Math.log);
    expect(r.method).toBe('steepest');
    expect(r.valley).toBeNull();
    const slope = (i: number) => (s[i + 1] - s[i - 1]) / (l[i + 1] - l[i - 1]);
    const to = r.stoppedEarly ? n - 1 : n;
    const candidates = Array.from({ length: to - 1 - Math.floor(n / 2) }, (_, k) => Math.floor(n / 2) + k);
    const best = candidates.reduce((a, b) => (slope(b) < slope(a) ? b : a));
    expect(r.suggestionIndex).toBe(best);
    expect(r.suggestion).toBe(r.lrs[best]);
  });

  it('without a fall: below the divergence when the loss blew up, else no suggestion', () => {
    // A rate far too high from the first step: no valley, the loss diverges at once.
    const high = findLearningRate(makeNetwork(spec), data.x, data.y, { optimizer: { type: 'sgd', lr: 1 }, startLr: 50, endLr: 1e4, numIter: 40, burnIn: 0 });
    expect(high.stoppedEarly).toBe(true);
    if (high.method === 'belowDivergence') expect(high.suggestion!).toBeLessThanOrEqual(high.lrs.at(-1)! / 10 ** (2 / 3));
    else expect(high.suggestion).toBeNull();
    // Rates too small to move the loss: no fall, no divergence, no suggestion.
    const low = findLearningRate(makeNetwork(spec), data.x, data.y, { optimizer: { type: 'sgd', lr: 1 }, startLr: 1e-9, endLr: 1e-8, numIter: 30 });
    expect(low.stoppedEarly).toBe(false);
    expect(low).toMatchObject({ suggestion: null, suggestionIndex: null, valley: null });
  });

  it('leaves parameters, optimizer state and a running trainer bit for bit as they were', () => {
    const run = (probe: boolean) => {
      const net = makeNetwork(spec);
      const t = net.trainer(data.x, data.y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 16, diagnostics: { every: 3 } });
      const losses: number[] = [];
      for (let i = 0; i < 7; i++) {
        t.step();
        losses.push(t.loss);
      }
      if (probe) {
        const before = net.getParameters();
        findLearningRate(net, data.x.slice(0, 100), data.y.slice(0, 100), { optimizer: { type: 'adam' }, numIter: 30 });
        expect(net.getParameters()).toEqual(before);
      }
      for (let i = 0; i < 7; i++) {
        t.step();
        losses.push(t.loss);
      }
      return { losses, params: net.getParameters(), report: Array.from(t.diagnostics!.weightGradNorm), dead: Array.from(t.diagnostics!.dead) };
    };
    expect(run(true)).toEqual(run(false));
  });

  it.each<[object, string]>([
    [{ startLr: 0 }, 'options.startLr'],
    [{ endLr: 1e-9 }, 'options.endLr'],
    [{ numIter: 1 }, 'options.numIter'],
    [{ smoothing: 1 }, 'options.smoothing'],
    [{ divergeThreshold: 1 }, 'options.divergeThreshold'],
    [{ steps: 3 }, 'options.steps'],
    [{ suggest: 'minimum' }, 'options.suggest'],
    [{ burnIn: 1 }, 'options.burnIn'],
    [{ burnIn: -0.1 }, 'options.burnIn'],
  ])('%j is a ConfigError naming %s', (extra, path) => {
    expect(() => findLearningRate(makeNetwork(spec), data.x, data.y, { optimizer: { type: 'adam' }, ...extra })).toThrow(expect.objectContaining({ name: 'ConfigError', path }));
  });
});

/** Length of the longest strictly decreasing subsequence of s[from…to−1]. */
function longestDecreasing(s: number[], from: number, to: number): number {
  const len: number[] = [];
  for (let i = from; i < to; i++) {
    len[i] = 1;
    for (let j = from; j < i; j++) if (s[j] > s[i]) len[i] = Math.max(len[i], len[j] + 1);
  }
  return Math.max(...len.slice(from));
}
