// The learning-rate range test: a geometric sweep with a smoothed, bias-corrected loss that
// stops on divergence and suggests the steepest descent — and leaves the network, and a
// trainer running on it, exactly as they were.
import { describe, expect, it } from 'vitest';
import { findLearningRate } from '../src/lr-finder.js';
import type { NetworkSpec } from '../src/types.js';
import { makeNetwork, xorData } from './helpers/network.js';

const spec: NetworkSpec = { inputs: 2, layers: [{ units: 16, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 4 };
const data = xorData(256, 6);

describe('findLearningRate', () => {
  it('sweeps the rate geometrically, smooths the loss, stops on divergence and suggests the steepest fall', () => {
    const r = findLearningRate(makeNetwork(spec), data.x, data.y, { optimizer: { type: 'sgd', lr: 1, momentum: 0.9 }, endLr: 1000 });
    const n = r.lrs.length;
    expect(n).toBeLessThanOrEqual(100);
    expect(r.lrs[0]).toBe(1e-7);
    for (let i = 1; i < n; i++) expect(r.lrs[i] / r.lrs[i - 1]).toBeCloseTo((1000 / 1e-7) ** (1 / 99), 9);
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
    // The suggestion trains: a few epochs at it beat the untrained loss.
    const net = makeNetwork(spec);
    const h = net.fitSync(data.x, data.y, { optimizer: { type: 'sgd', lr: r.suggestion!, momentum: 0.9 }, epochs: 5, preflight: 'off' });
    expect(h.epochs[4].loss).toBeLessThan(h.epochs[0].loss);
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
  ])('%j is a ConfigError naming %s', (extra, path) => {
    expect(() => findLearningRate(makeNetwork(spec), data.x, data.y, { optimizer: { type: 'adam' }, ...extra })).toThrow(expect.objectContaining({ name: 'ConfigError', path }));
  });
});
