// The acceptance test of the range test's suggestion (issue 12): on spiral and circles, with
// sgd and adam, over seeds 0–4, 20 epochs at the suggested rate train a small net to a final
// training loss within 2× of the best of a 13-point log grid of rates, 1e-4 … 10. The
// suggestion is the default one (valley, after a 10% burn-in, 300 steps from 1e-7 to 10).
// Measured before it (steepest fall, 100 steps, no burn-in): 8 of the 20 passed.
// Pinned to the plain SIMD kernels (dist/descent.wasm), so it runs in `default` only: on
// circles the best rates sit at the edge of divergence, where the other variants' roundings
// (relaxed, scalar, 2 threads) change single outcomes — measured there: 1, 1 and 2 of the 20
// combinations fail (circles, adam). What it checks is the suggestion rule, not the kernels.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { circles, spiral } from '../src/data/datasets.js';
import { findLearningRate } from '../src/lr-finder.js';
import { Network } from '../src/network.js';
import type { NetworkSpec, OptimizerType } from '../src/types.js';

const simd = new WebAssembly.Module(readFileSync(new URL('../dist/descent.wasm', import.meta.url)));

const GRID = Array.from({ length: 13 }, (_, k) => 10 ** (-4 + (5 * k) / 12));
const EPOCHS = 20;

describe('the suggested learning rate trains as well as a grid search', () => {
  it.each(['spiral', 'circles'] as const)('%s, sgd and adam, seeds 0–4: within 2× of the grid’s best loss after 20 epochs', (dataset) => {
    const failures: string[] = [];
    for (const type of ['sgd', 'adam'] as OptimizerType[]) {
      for (let seed = 0; seed < 5; seed++) {
        const d = (dataset === 'spiral' ? spiral : circles)({ seed });
        const spec: NetworkSpec = {
          inputs: 2, layers: [{ units: 16, activation: 'tanh' }, { units: 16, activation: 'tanh' }, { units: d.classes }],
          loss: 'softmax_cross_entropy', init: 'xavier_uniform', seed,
        };
        const net = Network.create(spec, simd, { kernels: 'simd' });
        try {
          const trainedLoss = (lr: number) => {
            net.reinitialize(seed);
            net.fitSync(d.x, d.y, { optimizer: { type, lr }, epochs: EPOCHS, batchSize: 32, preflight: 'off' });
            const loss = net.evaluate(d.x, d.y).loss;
            return Number.isFinite(loss) ? loss : Infinity;
          };
          // On the fresh network (the test leaves it as it was).
          const r = findLearningRate(net, d.x, d.y, { optimizer: { type, lr: 1 } });
          const best = Math.min(...GRID.map(trainedLoss));
          const loss = r.suggestion === null ? Infinity : trainedLoss(r.suggestion);
          if (!(loss <= 2 * best)) failures.push(`${type} seed ${seed}: lr ${r.suggestion} (${r.method}) → loss ${loss}, grid best ${best}`);
        } finally {
          net.dispose();
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
