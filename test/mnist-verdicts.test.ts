// The MNIST scenarios for verdicts and the guard (MNIST digits from the `mnist`
// package, the CLI's 8,000 / 2,000 split): SGD at lr 10 on a deep ReLU + He network blows
// up within a few steps — PyTorch's loss is non-finite at step 5; ours, computed in f64,
// reaches 5e22 there and the ReLUs then die — flagged `exploding` by step 5, and survived
// with guard 'recover'; 784-128-10 at lr 10 collapses into dead ReLUs — flagged `dead`.
import { describe, expect, it } from 'vitest';
import { loadMnistSplit } from '../src/cli/mnist.js';
import type { NetworkSpec } from '../src/types.js';
import { makeNetwork } from './helpers/network.js';

const split = await loadMnistSplit(0);
const deep: NetworkSpec = {
  inputs: 784, layers: [{ units: 256, activation: 'relu' }, { units: 128, activation: 'relu' }, { units: 64, activation: 'relu' }, { units: 10 }],
  loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 0,
};
const sgd10 = { optimizer: { type: 'sgd', lr: 10 }, batchSize: 32, seed: 0, preflight: 'off' } as const;

describe('MNIST, SGD lr 10', () => {
  it('784-256-128-64-10: exploding is flagged by step 5, where PyTorch goes non-finite', () => {
    const losses: number[] = [];
    const h = makeNetwork(deep).fitSync(split.xTrain, split.yTrain, { ...sgd10, diagnostics: { every: 1 }, onBatchEnd: (b) => { losses.push(b.loss); } });
    expect(losses[4]).toBeGreaterThan(1e20);
    const exploding = h.verdicts.find((v) => v.code === 'exploding')!;
    expect(exploding.step).toBeLessThanOrEqual(5);
  });

  it("with guard 'recover' (maxRecoveries 8) the run ends finite, well above chance", () => {
    const net = makeNetwork(deep);
    const h = net.fitSync(split.xTrain, split.yTrain, { ...sgd10, epochs: 2, guard: { mode: 'recover', maxRecoveries: 8 } });
    expect(h.guardEvents.length).toBeGreaterThan(0);
    expect(h.guardEvents.every((e) => e.action === 'recovered')).toBe(true);
    expect(h.guardEvents.length).toBeLessThanOrEqual(8);
    expect(Number.isFinite(h.epochs[1].loss)).toBe(true);
    expect(net.evaluate(split.xTest, split.yTest).accuracy).toBeGreaterThan(0.5);
  });

  it('784-128-10: the dead-unit collapse is flagged dead', () => {
    const net = makeNetwork({ inputs: 784, layers: [{ units: 128, activation: 'relu' }, { units: 10 }], loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 0 });
    const h = net.fitSync(split.xTrain, split.yTrain, { ...sgd10, epochs: 1 });
    const dead = h.verdicts.find((v) => v.code === 'dead')!;
    expect(dead.layer).toBe(0);
    expect(dead.figures.dead).toBeGreaterThan(0.5);
  });
});
