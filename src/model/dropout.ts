// The dropout kind: torch.nn.Dropout. In training each value is kept with probability 1 − p
// and scaled by 1/(1 − p); in evaluation values pass through. The keep mask of a pass is
// drawn in the kernel from the step's seed, the layer and the value's place in the batch
// (assembly/dropout.ts), so a seed gives the same run with any number of threads.
import type { ResolvedDropoutLayer } from '../types.js';
import { f32Bits, type LayerKind } from './layer-kind.js';

export const dropout: LayerKind<ResolvedDropoutLayer> = {
  type: 'dropout',
  keys: ['p'],
  resolve(r, input) {
    const n = input.reduce((a, b) => a * b, 1);
    // PyTorch: "dropout probability has to be between 0 and 1".
    const p = r.number('p', { min: 0, max: 1, default: 0.5 });
    return { type: 'dropout', inputs: n, outputs: n, inputShape: input, shape: input, p, activation: 'linear' };
  },
  tensors: () => [],
  fans: () => ({ fanIn: 0, fanOut: 0 }),
  initialize() {},
  state: () => [],
  // The pass's mask, one f32 per value (what the backward multiplies by).
  scratch: (l, rows) => rows * l.outputs,
  ownWords: ['p', 'givenMask'],
  words: (l) => [f32Bits(l.p), 0],
};
