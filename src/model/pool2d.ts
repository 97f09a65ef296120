// The 2-D pooling kinds: torch.nn.MaxPool2d and torch.nn.AvgPool2d over rows of [C, H, W],
// no parameters. Their kernels: assembly/pool2d.ts.
import { ConfigError } from '../errors.js';
import type { ResolvedAvgPool2dLayer, ResolvedMaxPool2dLayer } from '../types.js';
import { NO_PARAMETERS, type LayerKind } from './layer-kind.js';
import { poolOutput, readPair, requireImage, requireOutput, type Pair } from './spatial.js';
import type { OptionsReader } from '../util/options.js';

export type MaxPool2dLayer = ResolvedMaxPool2dLayer;
export type AvgPool2dLayer = ResolvedAvgPool2dLayer;

type PoolKey = 'kernelSize' | 'stride' | 'padding' | 'dilation' | 'ceilMode' | 'countIncludePad';

/** What both poolings read: the window, its step and padding, and the output they give. */
function readWindow(r: OptionsReader<PoolKey>, input: readonly number[], path: string, type: string, dilation: Pair) {
  const [, h, w] = requireImage(input, path, `a ${type} layer`);
  const kernelSize = readPair(r, 'kernelSize', 1);
  const stride = readPair(r, 'stride', 1, kernelSize);
  const padding = readPair(r, 'padding', 0, [0, 0]);
  // ATen (1.13) refuses padding beyond half the kernel, rounded down, dilation or not.
  for (const d of [0, 1]) {
    if (padding[d] > Math.floor(kernelSize[d] / 2)) {
      throw new ConfigError(`${r.at('padding')} must be at most half the kernel size (${kernelSize.join('×')}), as in PyTorch; got ${padding.join('×')}`, r.at('padding'), r.value('padding'));
    }
  }
  const ceilMode = r.boolean('ceilMode', false);
  const out: Pair = [
    poolOutput(h, kernelSize[0], padding[0], stride[0], dilation[0], ceilMode),
    poolOutput(w, kernelSize[1], padding[1], stride[1], dilation[1], ceilMode),
  ];
  requireOutput(path, type, input, out);
  const shape = [input[0], out[0], out[1]];
  return { inputs: input[0] * h * w, outputs: input[0] * out[0] * out[1], inputShape: input, shape, kernelSize, stride, padding, ceilMode };
}

/**
 * The first output along one dimension whose window has no tap inside [0, size) (dilated taps
 * can straddle a small input), or −1.
 */
function emptyWindow(size: number, kernel: number, pad: number, stride: number, dilation: number, out: number): number {
  for (let o = 0; o < out; o++) {
    const start = o * stride - pad;
    const first = start >= 0 ? start : start + Math.ceil(-start / dilation) * dilation;
    if (first >= size || first > start + (kernel - 1) * dilation) return o;
  }
  return -1;
}

export const maxpool2d: LayerKind<MaxPool2dLayer> = {
  type: 'maxpool2d',
  keys: ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode'],
  resolve(r, input, path) {
    const dilation = readPair(r, 'dilation', 1, [1, 1]);
    const window = readWindow(r, input, path, 'maxpool2d', dilation);
    // PyTorch gives −inf for such a window, and its backward then writes outside the input.
    for (const d of [0, 1]) {
      const o = emptyWindow(input[d + 1], window.kernelSize[d], window.padding[d], window.stride[d], dilation[d], window.shape[d + 1]);
      if (o >= 0) {
        const along = d === 0 ? 'row' : 'column';
        throw new ConfigError(`${r.at('dilation')}: with dilation ${dilation.join('×')}, the window of output ${along} ${o} of this maxpool2d over an input of [${input.join(', ')}] covers only padding; PyTorch gives -inf there, and its backward then writes outside the input`, r.at('dilation'), r.value('dilation'));
      }
    }
    return { type: 'maxpool2d', ...window, dilation, activation: 'linear' };
  },
  ...NO_PARAMETERS,
  // Each output's argmax (an index into its channel's H·W plane, as i32), for the backward.
  scratch: (l, rows) => rows * l.outputs,
  ownWords: ['channels', 'inHeight', 'inWidth', 'outHeight', 'outWidth', 'kernelHeight', 'kernelWidth', 'strideHeight', 'strideWidth', 'padHeight', 'padWidth', 'dilationHeight', 'dilationWidth'],
  words: (l) => [l.shape[0], l.inputShape[1], l.inputShape[2], l.shape[1], l.shape[2], l.kernelSize[0], l.kernelSize[1], l.stride[0], l.stride[1], l.padding[0], l.padding[1], l.dilation[0], l.dilation[1]],
};

export const avgpool2d: LayerKind<AvgPool2dLayer> = {
  type: 'avgpool2d',
  keys: ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad'],
  resolve(r, input, path) {
    return { type: 'avgpool2d', ...readWindow(r, input, path, 'avgpool2d', [1, 1]), countIncludePad: r.boolean('countIncludePad', true), activation: 'linear' };
  },
  ...NO_PARAMETERS,
  scratch: () => 0,
  ownWords: ['channels', 'inHeight', 'inWidth', 'outHeight', 'outWidth', 'kernelHeight', 'kernelWidth', 'strideHeight', 'strideWidth', 'padHeight', 'padWidth', 'countIncludePad'],
  words: (l) => [l.shape[0], l.inputShape[1], l.inputShape[2], l.shape[1], l.shape[2], l.kernelSize[0], l.kernelSize[1], l.stride[0], l.stride[1], l.padding[0], l.padding[1], l.countIncludePad ? 1 : 0],
};
