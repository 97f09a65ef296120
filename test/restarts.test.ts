// Restarts: XOR on a 2-2-1 network is the seeds' bad-local-minimum example — from some
// initialisations plain gradient descent gets stuck, from others it solves the problem. Ten
// restarts keep the best run's weights and every run's history.
import { expect, it } from 'vitest';
import type { NetworkSpec } from '../src/types.js';
import { makeNetwork } from './helpers/network.js';

const spec: NetworkSpec = { inputs: 2, layers: [{ units: 2, activation: 'tanh' }, { units: 1 }], loss: 'sigmoid_bce', init: 'xavier_uniform', seed: 1 };
const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
const y = [[0], [1], [1], [0]];
const options = { optimizer: { type: 'sgd', lr: 0.5 }, mode: 'batch', epochs: 400, preflight: 'off', diagnostics: false } as const;

it('XOR 2-2-1: some seeds get stuck, the best of ten restarts solves it and its weights are kept', () => {
  const net = makeNetwork(spec);
  const h = net.fitSync(x, y, { ...options, restarts: { count: 10 } });
  const r = h.restarts!;
  expect(r.seeds).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(r.histories).toHaveLength(10);
  expect(r.metrics).toEqual(r.histories.map((run) => run.epochs[run.epochs.length - 1].loss));
  // Some runs fail (stuck near a loss of ln 2 or at one wrong corner), some succeed.
  expect(Math.max(...r.metrics)).toBeGreaterThan(0.3);
  expect(r.metrics[r.best]).toBe(Math.min(...r.metrics));
  expect(r.metrics[r.best]).toBeLessThan(0.1);
  expect(h.epochs).toEqual(r.histories[r.best].epochs);
  // The network holds the best run's weights: a single fit from that seed gives the same.
  const single = makeNetwork(spec);
  single.reinitialize(r.seeds[r.best]);
  single.fitSync(x, y, options);
  expect(net.getParameters()).toEqual(single.getParameters());
  expect(net.evaluate(x, y).loss).toBeCloseTo(r.histories[r.best].epochs[399].train.loss, 6);
});

it('seeds and metric can be given; bad ones are ConfigErrors', () => {
  const h = makeNetwork(spec).fitSync(x, y, { ...options, epochs: 5, restarts: { count: 2, seeds: [7, 9], metric: 'accuracy' } });
  expect(h.restarts!.seeds).toEqual([7, 9]);
  for (const [restarts, path] of [
    [{ count: 0 }, 'options.restarts.count'],
    [{ count: 2, seeds: [1] }, 'options.restarts.seeds'],
    [{ count: 2, metric: 'val_loss' }, 'options.restarts.metric'],
    [{ count: 2, tries: 3 }, 'options.restarts.tries'],
  ] as const) {
    expect(() => makeNetwork(spec).fitSync(x, y, { ...options, restarts } as never)).toThrow(expect.objectContaining({ name: 'ConfigError', path }));
  }
});
