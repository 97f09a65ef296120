// The layer-normalisation kind: torch.nn.LayerNorm over the trailing `normalizedShape`
// dimensions of each row, weight and bias of that shape when elementwiseAffine. Training
// and evaluation are the same. Kernels: assembly/layernorm.ts.
import { ConfigError } from '../errors.js';
import { ACTIVATIONS } from '../names.js';
import type { ResolvedLayerNormLayer } from '../types.js';
import { f32Bits, type LayerKind } from './layer-kind.js';

export const layernorm: LayerKind<ResolvedLayerNormLayer> = {
  type: 'layernorm',
  keys: ['normalizedShape', 'eps', 'elementwiseAffine', 'activation'],
  resolve(r, input) {
    const given = r.value('normalizedShape', input);
    const shape = typeof given === 'number' ? [given] : given;
    const ok = Array.isArray(shape) && shape.length >= 1 && shape.length <= input.length
      && shape.every((d, i) => d === input[input.length - shape.length + i]);
    if (!ok) {
      throw new ConfigError(`${r.at('normalizedShape')} must be the last dimensions of the layer's input [${input.join(', ')}] (as in PyTorch), got ${JSON.stringify(given)}`, r.at('normalizedShape'), given);
    }
    const n = input.reduce((a, b) => a * b, 1);
    return {
      type: 'layernorm', inputs: n, outputs: n, inputShape: input, shape: input, normalizedShape: [...(shape as number[])],
      eps: r.number('eps', { above: 0, default: 1e-5 }), elementwiseAffine: r.boolean('elementwiseAffine', true),
      activation: r.oneOf('activation', ACTIVATIONS, 'linear'),
    };
  },
  tensors: (l) => (l.elementwiseAffine ? [
    { name: 'weight', shape: l.normalizedShape, role: 'weight' },
    { name: 'bias', shape: l.normalizedShape, role: 'bias' },
  ] : []),
  fans: () => ({ fanIn: 0, fanOut: 0 }),
  initialize(_l, [weight, bias]) {
    weight?.fill(1);
    bias?.fill(0);
  },
  state: () => [],
  // A fixed workspace for the kernel's moments and sums, then each group's mean and
  // 1/√(var + eps), saved for the backward.
  scratch: (l, rows) => WORKSPACE_FLOATS + 2 * rows * groups(l),
  ownWords: ['groups', 'size', 'eps', 'affine'],
  words: (l) => [groups(l), l.outputs / groups(l), f32Bits(l.eps), l.elementwiseAffine ? 1 : 0],
};

/**
 * f32 values of the kernel's workspace at the start of the scratch (assembly/layernorm.ts
 * WORKSPACE_BYTES / 4: 24 cascade levels of 80 bytes, then 64 bytes of lane results).
 */
export const WORKSPACE_FLOATS = 496;

function groups(l: ResolvedLayerNormLayer): number {
  return l.outputs / l.normalizedShape.reduce((a, b) => a * b, 1);
}
