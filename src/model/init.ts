// Weight initialisers, torch.nn.init's formulas with fan_in = inputs, fan_out = units
// (gain 1 for Xavier, √2 for He). Normals are plain, not truncated. Biases start at 0.
import type { Rng } from '../util/rng.js';
import type { Init } from '../types.js';

/** Fills `weight` ([fanOut, fanIn] row-major) from `rng` according to `init`. */
export function initWeights(weight: Float32Array, fanIn: number, fanOut: number, init: Init, rng: Rng): void {
  const uniform = (bound: number) => {
    for (let i = 0; i < weight.length; i++) weight[i] = (2 * rng.uniform() - 1) * bound;
  };
  const normal = (std: number) => {
    for (let i = 0; i < weight.length; i++) weight[i] = rng.normal() * std;
  };
  switch (init) {
    case 'xavier_uniform': return uniform(Math.sqrt(6 / (fanIn + fanOut)));
    case 'xavier_normal': return normal(Math.sqrt(2 / (fanIn + fanOut)));
    case 'he_uniform': return uniform(Math.sqrt(6 / fanIn)); // √2 · √(3 / fan_in)
    case 'he_normal': return normal(Math.sqrt(2 / fanIn));
    case 'lecun_normal': return normal(Math.sqrt(1 / fanIn));
    case 'uniform': return uniform(1 / Math.sqrt(fanIn));
    case 'zeros': return void weight.fill(0);
  }
}
