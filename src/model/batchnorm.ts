// The batch-normalisation kinds: torch.nn.BatchNorm1d over rows of [features] or [C, L],
// BatchNorm2d over rows of [C, H, W]. Parameters weight (γ) and bias (β) per channel when
// affine; state running_mean, running_var (kept with the unbiased variance, as PyTorch) and
// num_batches_tracked. Training normalises with the batch's statistics and updates the
// running ones; evaluation uses the running ones. Kernels: assembly/batchnorm.ts.
import { ConfigError } from '../errors.js';
import { ACTIVATIONS } from '../names.js';
import type { ResolvedBatchNormLayer } from '../types.js';
import { f32Bits, type LayerKind } from './layer-kind.js';

type Type = 'batchnorm1d' | 'batchnorm2d';

function batchnorm<T extends Type>(type: T, dims: readonly number[], takes: string): LayerKind<ResolvedBatchNormLayer<T>> {
  return {
    type,
    keys: ['eps', 'momentum', 'affine', 'trackRunningStats', 'activation'],
    resolve(r, input, path) {
      if (!dims.includes(input.length)) {
        throw new ConfigError(`${path} is a ${type} layer, which takes rows of ${takes}; its input here is [${input.join(', ')}]`, path, input);
      }
      const n = input.reduce((a, b) => a * b, 1);
      const momentum = r.value('momentum', 0.1) === null ? null : r.number('momentum', { min: 0, max: 1, default: 0.1 });
      return {
        type, inputs: n, outputs: n, inputShape: input, shape: input, numFeatures: input[0],
        eps: r.number('eps', { above: 0, default: 1e-5 }), momentum,
        affine: r.boolean('affine', true), trackRunningStats: r.boolean('trackRunningStats', true),
        activation: r.oneOf('activation', ACTIVATIONS, 'linear'),
      };
    },
    tensors: (l) => (l.affine ? [
      { name: 'weight', shape: [l.numFeatures], role: 'weight' },
      { name: 'bias', shape: [l.numFeatures], role: 'bias' },
    ] : []),
    fans: () => ({ fanIn: 0, fanOut: 0 }),
    initialize(l, [weight, bias]) {
      weight?.fill(1);
      bias?.fill(0);
    },
    state: (l) => (l.trackRunningStats ? [
      { name: 'running_mean', shape: [l.numFeatures], initial: 0 },
      { name: 'running_var', shape: [l.numFeatures], initial: 1 },
      { name: 'num_batches_tracked', shape: [], initial: 0, integer: true },
    ] : []),
    // The batch's mean and 1/√(var + eps) per channel, saved for the backward.
    scratch: (l) => 2 * l.numFeatures,
    // eps twice: as f32 (evaluation adds it in f32) and as f64 bits (training adds it in f64), as ATen.
    ownWords: ['channels', 'spatial', 'eps', 'momentum', 'affine', 'trackRunningStats', 'epsF64', 'epsF64High'],
    words: (l) => [
      l.numFeatures, l.inputs / l.numFeatures, f32Bits(l.eps), f32Bits(l.momentum ?? -1), l.affine ? 1 : 0, l.trackRunningStats ? 1 : 0,
      ...f64Words(l.eps),
    ],
  };
}

/** The two i32 words of x's f64 bits, low word first (wasm memory is little-endian). */
function f64Words(x: number): [number, number] {
  F64[0] = x;
  return [WORDS[0], WORDS[1]];
}
const F64 = new Float64Array(1);
const WORDS = new Int32Array(F64.buffer);

export const batchnorm1d = batchnorm('batchnorm1d', [1, 2], '[features] or [channels, length]');
export const batchnorm2d = batchnorm('batchnorm2d', [3], '[channels, height, width]');
