// The 2-D convolution kind: torch.nn.Conv2d over rows of [C, H, W], weight
// [outChannels, inChannels, kH, kW] and bias [outChannels], then an activation. Its kernels:
// assembly/conv2d.ts.
import { ACTIVATIONS } from '../names.js';
import type { ResolvedConv2dLayer } from '../types.js';
import { initWeights } from './init.js';
import type { LayerKind } from './layer-kind.js';
import { convOutput, readPair, requireImage, requireOutput, type Pair } from './spatial.js';

export type Conv2dLayer = ResolvedConv2dLayer;

const up4 = (n: number): number => Math.ceil(n / 4) * 4;
/** Window entries of Wᵀ·dz the dX kernel computes at a time (assembly/conv2d.ts DCOL_BLOCK). */
const DCOL_BLOCK = 20;

/**
 * Whether the kernels put output positions rather than channels in the vector lanes
 * (assembly/conv2d.ts `positionLanes`): their dW and db then need lane sums in the scratch.
 */
export function positionLanes(l: Conv2dLayer): boolean {
  return l.stride[1] === 1 && l.shape[2] % 4 === 0 && l.outChannels % 4 !== 0;
}

/**
 * The padded input's size along dimension d (0: height, 1: width): the padding before, the
 * input, and as much after as the windows reach (assembly/conv2d.ts padH, padW).
 */
function paddedSize(l: Conv2dLayer, d: 0 | 1): number {
  const reach = (l.shape[d + 1] - 1) * l.stride[d] + (l.kernelSize[d] - 1) * l.dilation[d] + 1;
  return Math.max(l.inputShape[d + 1] + l.padding[d], reach);
}

/** Keeps channel counts well inside memory (a dense layer's units have the same bound). */
const MAX_CHANNELS = 1 << 16;

export const conv2d: LayerKind<Conv2dLayer> = {
  type: 'conv2d',
  keys: ['outChannels', 'kernelSize', 'stride', 'padding', 'dilation', 'bias', 'activation'],
  resolve(r, input, path) {
    const [inChannels, h, w] = requireImage(input, path, 'a conv2d layer');
    const outChannels = r.integer('outChannels', { min: 1, max: MAX_CHANNELS });
    const kernelSize = readPair(r, 'kernelSize', 1);
    const stride = readPair(r, 'stride', 1, [1, 1]);
    const dilation = readPair(r, 'dilation', 1, [1, 1]);
    const given = r.value('padding', 0);
    let padding: Pair, after: Pair;
    let paddingMode: Conv2dLayer['paddingMode'] = 'explicit';
    if (given === 'same') {
      // PyTorch: 'same' needs stride 1; an odd total pads one more after than before.
      if (stride[0] !== 1 || stride[1] !== 1) throw r.fail('padding', "numbers when the stride is not 1 ('same' needs stride 1, as in PyTorch)", given);
      const total = [dilation[0] * (kernelSize[0] - 1), dilation[1] * (kernelSize[1] - 1)];
      padding = [Math.floor(total[0] / 2), Math.floor(total[1] / 2)];
      after = [total[0] - padding[0], total[1] - padding[1]];
      paddingMode = 'same';
    } else if (given === 'valid') {
      padding = after = [0, 0];
      paddingMode = 'valid';
    } else {
      padding = after = readPair(r, 'padding', 0, [0, 0]);
    }
    const out: Pair = [
      convOutput(h, kernelSize[0], padding[0], after[0], stride[0], dilation[0]),
      convOutput(w, kernelSize[1], padding[1], after[1], stride[1], dilation[1]),
    ];
    requireOutput(path, 'conv2d', input, out);
    const shape = [outChannels, out[0], out[1]];
    return {
      type: 'conv2d', inputs: inChannels * h * w, outputs: outChannels * out[0] * out[1], inputShape: input, shape,
      inChannels, outChannels, kernelSize, stride, padding, paddingMode, dilation, bias: r.boolean('bias', true),
      activation: r.oneOf('activation', ACTIVATIONS, 'linear'),
    };
  },
  tensors: (l) => [
    { name: 'weight', shape: [l.outChannels, l.inChannels, l.kernelSize[0], l.kernelSize[1]], role: 'weight' },
    ...(l.bias ? [{ name: 'bias', shape: [l.outChannels], role: 'bias' as const }] : []),
  ],
  // torch.nn.init's _calculate_fan_in_and_fan_out: channels times the receptive field.
  fans: (l) => ({ fanIn: l.inChannels * l.kernelSize[0] * l.kernelSize[1], fanOut: l.outChannels * l.kernelSize[0] * l.kernelSize[1] }),
  initialize(l, [weight, bias], init, rng) {
    const { fanIn, fanOut } = conv2d.fans(l);
    initWeights(weight, fanIn, fanOut, init, rng);
    bias?.fill(0);
  },
  state: () => [],
  // assembly/conv2d.ts's layout: offset tables (window entries, output positions), Wᵀ or dWᵀ
  // and b or db over the channels rounded up to 4, the padded input row, one row's dzᵀ, Wᵀ·dz
  // and padded dx. Nothing grows with the rows.
  scratch: (l) => {
    const k = l.inChannels * l.kernelSize[0] * l.kernelSize[1];
    const p = l.shape[1] * l.shape[2];
    const on = up4(l.outChannels);
    const padded = l.inChannels * paddedSize(l, 0) * paddedSize(l, 1);
    return up4(k) + up4(p) + k * on + on + up4(padded) + p * on + up4(Math.min(k, DCOL_BLOCK) * p) + up4(padded)
      + (positionLanes(l) ? (k + 2) * l.outChannels * 4 : 0);
  },
  ownWords: [
    'inChannels', 'inHeight', 'inWidth', 'outChannels', 'outHeight', 'outWidth', 'kernelHeight', 'kernelWidth',
    'strideHeight', 'strideWidth', 'padTop', 'padLeft', 'dilationHeight', 'dilationWidth', 'hasBias',
  ],
  words: (l) => [
    l.inChannels, l.inputShape[1], l.inputShape[2], l.outChannels, l.shape[1], l.shape[2], l.kernelSize[0], l.kernelSize[1],
    l.stride[0], l.stride[1], l.padding[0], l.padding[1], l.dilation[0], l.dilation[1], l.bias ? 1 : 0,
  ],
};
