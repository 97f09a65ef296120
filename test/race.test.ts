// Optimizer race: clones of one network, each trained with its own optimizer on the same
// batches; every history and final state equals a standalone fit's, bit for bit.
import { expect, it } from 'vitest';
import { race, raceSync } from '../src/race.js';
import type { NetworkSpec, OptimizerConfig } from '../src/types.js';
import { makeNetwork, xorData } from './helpers/network.js';

const spec: NetworkSpec = { inputs: 2, layers: [{ units: 12, activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 8 };
const data = xorData(96, 5);
const optimizers: OptimizerConfig[] = [{ type: 'sgd', lr: 0.1 }, { type: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true }, { type: 'adam', lr: 0.01 }, { type: 'rmsprop' }];
const common = { batchSize: 16, epochs: 3, seed: 11, preflight: 'off' } as const;
const withoutTimes = (h: { epochs: { timeMs: number }[] }) => h.epochs.map(({ timeMs: _, ...rest }) => rest);

it.each([['race (interleaved async fits)', true], ['raceSync', false]] as const)('%s: each entrant equals a standalone fit from the same start', async (_, async) => {
  const net = makeNetwork(spec);
  const start = net.getParameters();
  const entries = async ? await race(net, data.x, data.y, { ...common, optimizers }) : raceSync(net, data.x, data.y, { ...common, optimizers });
  expect(entries.map((e) => e.optimizer)).toEqual(optimizers);
  expect(net.getParameters()).toEqual(start); // the original is untouched
  for (const { optimizer, history, network } of entries) {
    const alone = makeNetwork(spec);
    const h = alone.fitSync(data.x, data.y, { ...common, optimizer });
    expect(withoutTimes(history)).toEqual(withoutTimes(h));
    expect(network.getParameters()).toEqual(alone.getParameters());
    network.dispose();
  }
  // Different optimizers really went different ways.
  expect(new Set(entries.map((e) => e.history.epochs[2].loss)).size).toBe(optimizers.length);
});

it('rejects an empty or bad optimizer list', () => {
  const net = makeNetwork(spec);
  expect(() => raceSync(net, data.x, data.y, { optimizers: [] })).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'options.optimizers' }));
  expect(() => raceSync(net, data.x, data.y, { optimizers: [{ type: 'adam' }, { type: 'sgd' } as never] })).toThrow(expect.objectContaining({ path: 'options.optimizers[1].lr' }));
});

it('refuses a disposed network before cloning anything', () => {
  const net = makeNetwork(spec);
  net.dispose();
  expect(() => raceSync(net, data.x, data.y, { optimizers })).toThrow(expect.objectContaining({ name: 'StateError' }));
});
