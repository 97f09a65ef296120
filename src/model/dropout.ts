// The dropout kind: torch.nn.Dropout. In training each value is kept with probability 1 − p
// and scaled by 1/(1 − p); in evaluation values pass through. The keep mask of a pass is
// drawn in the kernel from the step's seed, the layer and the value's place in the batch
// (assembly/dropout.ts), so a seed gives the same run with any number of threads.
import type { ResolvedDropoutLayer } from '../types.js';
import { f32Bits, NO_PARAMETERS, type LayerKind } from './layer-kind.js';

export const dropout: LayerKind<ResolvedDropoutLayer> = {
  type: 'dropout',
  keys: ['p'],
  resolve(r, input) {
    const n = input.reduce((a, b) => a * b, 1);
    // PyTorch: "dropout probability has to be between 0 and 1".
    const p = r.number('p', { min: 0, max: 1, default: 0.5 });
    return { type: 'dropout', inputs: n, outputs: n, inputShape: input, shape: input, p, activation: 'linear' };
  },
  ...NO_PARAMETERS,
  // The pass's mask, one f32 per value (what the backward multiplies by).
  scratch: (l, rows) => rows * l.outputs,
  // PyTorch computes 1 − p in double and rounds it to f32 once, then divides by it in f32
  // (bernoulli_(1 − p), div_(1 − p)): the kernel needs that f32, which f32(p) does not give
  // (p = 0.6, 0.8 or 0.9 would each scale kept values by a different f32 than PyTorch's).
  ownWords: ['keep', 'givenMask'],
  words: (l) => [f32Bits(1 - l.p), 0],
};
