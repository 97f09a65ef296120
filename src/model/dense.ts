// The dense (fully connected) layer kind: torch.nn.Linear, weight [units, inputs] row-major
// and bias [units], then an activation. Its kernels: assembly/dense.ts.
import { ACTIVATIONS } from '../names.js';
import type { Activation } from '../types.js';
import type { LayerKind, ResolvedLayer } from './layer-kind.js';
import { initWeights } from './init.js';

/** Keeps one layer's weight matrix well inside a 4 GiB memory. */
export const MAX_UNITS = 1 << 16;

export interface DenseLayer extends ResolvedLayer {
  readonly type: 'dense';
  readonly units: number;
  readonly activation: Activation;
}

export const dense: LayerKind<DenseLayer> = {
  type: 'dense',
  keys: ['units', 'activation'],
  resolve(r, inputs) {
    const units = r.integer('units', { min: 1, max: MAX_UNITS });
    return { type: 'dense', inputs, outputs: units, units, activation: r.oneOf('activation', ACTIVATIONS, 'linear') };
  },
  tensors: (l) => [
    { name: 'weight', shape: [l.units, l.inputs], role: 'weight' },
    { name: 'bias', shape: [l.units], role: 'bias' },
  ],
  initialize(l, [weight, bias], init, rng) {
    initWeights(weight, l.inputs, l.units, init, rng);
    bias.fill(0);
  },
  words: () => [],
};
