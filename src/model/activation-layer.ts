// An activation as a layer of its own (torch.nn.ReLU, Tanh, …): the kind passes its input
// through (assembly/identity.ts) and the activation every layer has does the work.
import { ACTIVATIONS } from '../names.js';
import type { ResolvedActivationLayer } from '../types.js';
import { NO_PARAMETERS, type LayerKind } from './layer-kind.js';

export const activationLayer: LayerKind<ResolvedActivationLayer> = {
  type: 'activation',
  // LAYER_ACTIVATION is the common word naming every layer's activation.
  abiName: 'ACTIVATION_ONLY',
  keys: ['activation'],
  resolve(r, input) {
    const n = input.reduce((a, b) => a * b, 1);
    if (!r.has('activation')) throw r.fail('activation', `one of ${ACTIVATIONS.join(', ')}`);
    return { type: 'activation', inputs: n, outputs: n, inputShape: input, shape: input, activation: r.oneOf('activation', ACTIVATIONS) };
  },
  ...NO_PARAMETERS,
  scratch: () => 0,
  ownWords: [],
  words: () => [],
};
