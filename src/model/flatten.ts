// The flatten kind: torch.nn.Flatten (start_dim 1), a row of any shape as one vector of
// its features in the same order. No parameters; its kernel copies (assembly/identity.ts).
import type { ResolvedFlattenLayer } from '../types.js';
import { NO_PARAMETERS, type LayerKind } from './layer-kind.js';

export const flatten: LayerKind<ResolvedFlattenLayer> = {
  type: 'flatten',
  keys: [],
  resolve(_r, input) {
    const n = input.reduce((a, b) => a * b, 1);
    return { type: 'flatten', inputs: n, outputs: n, inputShape: input, shape: [n], activation: 'linear' };
  },
  ...NO_PARAMETERS,
  scratch: () => 0,
  ownWords: [],
  words: () => [],
};
