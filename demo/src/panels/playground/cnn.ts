// The MNIST models besides the MLP: a few convolutional nets, as layer specs the worker hands
// to createNetwork with inputs [1, 28, 28] (a digit's 784 pixels are one channel of 28 × 28,
// row-major, which is how MNIST rows already lie), and which of their layers' outputs are the
// feature maps the panel draws. Both halves import this file, so they agree on the presets.
import type { LayerSpec } from 'descent';

export const MODELS = [
  ['mlp', 'MLP (the hidden layers below)'],
  ['lenet', 'CNN: LeNet-5'],
  ['cnn-small', 'CNN: small (one conv layer)'],
  ['lenet-bn', 'CNN: LeNet-5 + BatchNorm'],
  ['lenet-dropout', 'CNN: LeNet-5 + Dropout'],
] as const;
export type ModelName = (typeof MODELS)[number][0];
export type CnnName = Exclude<ModelName, 'mlp'>;

export const IMAGE_SHAPE = [1, 28, 28] as const;

export const isCnn = (m: string): m is CnnName => MODELS.some(([name]) => name === m && name !== 'mlp');

const conv = (outChannels: number, kernelSize: number, padding: number, activation: 'relu' | 'linear'): LayerSpec =>
  ({ type: 'conv2d', outChannels, kernelSize, padding, activation });
const pool: LayerSpec = { type: 'maxpool2d', kernelSize: 2 };

/**
 * The layers of a CNN preset, output layer included (`classes` units, linear: softmax with
 * cross-entropy is the loss's). LeNet-5 as it is usually rebuilt today: ReLU and max pooling
 * rather than the 1998 paper's scaled tanh and trainable subsampling. With BatchNorm, each
 * convolution and hidden dense layer is linear and the normalisation applies the ReLU
 * (Conv → BN → ReLU, the usual order); with Dropout, p = 0.25 after each hidden dense layer.
 */
export function cnnLayers(name: CnnName, classes: number): LayerSpec[] {
  if (name === 'cnn-small') return [conv(8, 3, 1, 'relu'), pool, { type: 'flatten' }, { units: classes }];
  if (name === 'lenet-bn') {
    return [
      conv(6, 5, 2, 'linear'), { type: 'batchnorm2d', activation: 'relu' }, pool,
      conv(16, 5, 0, 'linear'), { type: 'batchnorm2d', activation: 'relu' }, pool,
      { type: 'flatten' },
      { units: 120 }, { type: 'batchnorm1d', activation: 'relu' },
      { units: 84 }, { type: 'batchnorm1d', activation: 'relu' },
      { units: classes },
    ];
  }
  const dropout: LayerSpec[] = name === 'lenet-dropout' ? [{ type: 'dropout', p: 0.25 }] : [];
  return [
    conv(6, 5, 2, 'relu'), pool,
    conv(16, 5, 0, 'relu'), pool,
    { type: 'flatten' },
    { units: 120, activation: 'relu' }, ...dropout,
    { units: 84, activation: 'relu' }, ...dropout,
    { units: classes },
  ];
}

/** One layer in words: "conv2d 6@5×5 pad 2 · ReLU", "maxpool2d 2×2", "dense 120 · ReLU". */
export function describeLayer(l: LayerSpec): string {
  const act = 'activation' in l && l.activation && l.activation !== 'linear' ? ` · ${l.activation}` : '';
  switch (l.type) {
    case 'conv2d': return `conv2d ${l.outChannels}@${l.kernelSize}×${l.kernelSize}${l.padding ? ` pad ${l.padding}` : ''}${act}`;
    case 'maxpool2d': return `maxpool2d ${l.kernelSize}×${l.kernelSize}`;
    case 'dropout': return `dropout p=${l.p ?? 0.5}`;
    case 'flatten': return 'flatten';
    case 'batchnorm1d': case 'batchnorm2d': return `${l.type}${act}`;
    case undefined: case 'dense': return `dense ${l.units}${act}`;
    default: return `${l.type}${act}`;
  }
}

/** Kinds that keep a row's shape and only rescale or activate it, value by value or per channel. */
const ELEMENTWISE = new Set(['batchnorm2d', 'activation']);

/**
 * For each conv2d layer, the layer whose output shows its feature maps: the convolution itself,
 * or the end of the BatchNorm / activation layers right after it (so a Conv → BN → ReLU block
 * shows what it passes on, after the ReLU). Indices into `layers`.
 */
export function featureMapLayers(layers: readonly LayerSpec[]): { conv: number; shown: number; label: string }[] {
  const out: { conv: number; shown: number; label: string }[] = [];
  layers.forEach((l, i) => {
    if (l.type !== 'conv2d') return;
    let shown = i;
    while (shown + 1 < layers.length && ELEMENTWISE.has(layers[shown + 1].type ?? 'dense')) shown++;
    const parts = layers.slice(i, shown + 1).map((x) => (x.type === 'conv2d' ? `${x.outChannels}@${x.kernelSize}×${x.kernelSize}` : x.type === 'batchnorm2d' ? 'BatchNorm' : ''));
    const end = layers[shown];
    const act = 'activation' in end ? end.activation : undefined;
    out.push({ conv: i, shown, label: `conv ${out.length + 1} (${[...parts.filter(Boolean), ...(act && act !== 'linear' ? [act === 'relu' ? 'ReLU' : act] : [])].join(' → ')})` });
  });
  return out;
}
