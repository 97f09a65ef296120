// The dense (fully connected) layer kind: torch.nn.Linear, weight [units, inputs] row-major
// and bias [units], then an activation. Its kernels: assembly/dense.ts.
import { ConfigError } from '../errors.js';
import { ACTIVATIONS } from '../names.js';
import type { ResolvedDenseLayer } from '../types.js';
import type { LayerKind } from './layer-kind.js';
import { initWeights } from './init.js';

/** Keeps one layer's weight matrix well inside a 4 GiB memory. */
export const MAX_UNITS = 1 << 16;

/** A dense layer, resolved (the public ResolvedDenseLayer). */
export type DenseLayer = ResolvedDenseLayer;

export const dense: LayerKind<DenseLayer> = {
  type: 'dense',
  keys: ['units', 'activation'],
  resolve(r, input, path) {
    // torch.nn.Linear on a [C, H, W] row would act on W alone; descent asks for a flatten.
    if (input.length !== 1) {
      throw new ConfigError(`${path} is a dense layer, which takes flat rows; its input here is [${input.join(', ')}]: put { type: 'flatten' } before it`, path, input);
    }
    const units = r.integer('units', { min: 1, max: MAX_UNITS });
    return { type: 'dense', inputs: input[0], outputs: units, inputShape: input, shape: [units], units, activation: r.oneOf('activation', ACTIVATIONS, 'linear') };
  },
  tensors: (l) => [
    { name: 'weight', shape: [l.units, l.inputs], role: 'weight' },
    { name: 'bias', shape: [l.units], role: 'bias' },
  ],
  fans: (l) => ({ fanIn: l.inputs, fanOut: l.units }),
  initialize(l, [weight, bias], init, rng) {
    initWeights(weight, l.inputs, l.units, init, rng);
    bias.fill(0);
  },
  state: () => [],
  scratch: () => 0,
  ownWords: [],
  words: () => [],
};
