// ONNX export for inference: the network in evaluation mode as an ONNX graph (opset 13) that
// onnxruntime, PyTorch's onnx tooling and every ONNX runtime run. Each layer kind is its ONNX
// op: dense a Gemm (transB = 1, so the weight keeps Linear's [out, in] layout), conv2d a Conv
// (a 'same' padding's extra row and column after), the pools MaxPool and AveragePool (ceil mode
// as padding, below), flatten a
// Flatten, batch norm a BatchNormalization on its running statistics; dropout is the identity
// and leaves no node. Opset 13 has no LayerNormalization (it came in 17), so layer norm, and
// batch norm without running statistics (which normalises with the batch's own), are spelled
// out as PyTorch computes them: (x − mean) / √(var + eps) with the biased variance, then the
// affine. Each activation is its ONNX op (GELU, which opset 13 lacks, as x·½·(1 + erf(x/√2)),
// the exact form descent and PyTorch use). The input `input` is [batch, …spec.inputShape]
// (NCHW for images). Outputs: `output`, the last layer's raw values (predict's `outputs`), and
// for classifiers `probabilities` (Softmax over classes, or Sigmoid per output), as predict
// gives them.
import type { Network } from '../network.js';
import type { Activation, ResolvedLayerSpec } from '../types.js';
import { bytes, float, int, message, string } from './protobuf.js';
import { DESCENT_VERSION } from './checkpoint.js';
import { sequentialLayout, splitParameters } from './layout.js';

export const ONNX_OPSET = 13;
const IR_VERSION = 7;
const FLOAT = 1;
const INT64 = 7;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

type Attr = Uint8Array;
const attrInt = (name: string, i: number): Attr => message(string(1, name), int(3, i), int(20, ATTR_INT));
const attrFloat = (name: string, f: number): Attr => message(string(1, name), float(2, f), int(20, ATTR_FLOAT));
const attrInts = (name: string, v: readonly number[]): Attr => message(string(1, name), ...v.map((i) => int(8, i)), int(20, ATTR_INTS));

/** A node before it is written: the last layer's output is renamed `output` at the end. */
interface Node { op: string; inputs: string[]; outputs: string[]; name: string; attrs: Attr[] }

function encodeNode(n: Node): Uint8Array {
  return message(...n.inputs.map((i) => string(1, i)), ...n.outputs.map((o) => string(2, o)), string(3, n.name), string(4, n.op), ...n.attrs.map((a) => bytes(5, a)));
}

function tensor(name: string, dims: readonly number[], data: ArrayLike<number>, type = FLOAT): Uint8Array {
  const width = type === FLOAT ? 4 : 8;
  const raw = new Uint8Array(data.length * width);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) type === FLOAT ? view.setFloat32(4 * i, data[i], true) : view.setBigInt64(8 * i, BigInt(data[i]), true);
  return message(...dims.map((d) => int(1, d)), int(2, type), string(8, name), bytes(9, raw));
}

/** A float tensor input/output with a symbolic batch dimension. */
function valueInfo(name: string, dims: readonly number[]): Uint8Array {
  const shape = message(bytes(1, message(string(2, 'batch'))), ...dims.map((d) => bytes(1, message(int(1, d)))));
  const type = message(bytes(1, message(int(1, FLOAT), bytes(2, shape))));
  return message(string(1, name), bytes(2, type));
}

/**
 * The graph as it is built: nodes, initializers, and shared scalar constants. A node and its
 * output are named after the layer it belongs to (`at`), its op and its place: layers.3/Conv_7.
 */
class Graph {
  nodes: Node[] = [];
  inits: Uint8Array[] = [];
  consts = new Map<string, number>();
  at = '';
  add(op: string, inputs: string[], attrs: Attr[] = [], output = `${this.at}/${op}_${this.nodes.length}`): string {
    this.nodes.push({ op, inputs, outputs: [output], name: output, attrs });
    return output;
  }
  init(name: string, dims: readonly number[], data: ArrayLike<number>, type = FLOAT): string {
    this.inits.push(tensor(name, dims, data, type));
    return name;
  }
  constant(name: string, v: number): string {
    this.consts.set(name, v);
    return name;
  }
}

// The activations that are one ONNX op, and their alpha.
const ACTS: Partial<Record<Activation, [string, number?]>> = { relu: ['Relu'], sigmoid: ['Sigmoid'], tanh: ['Tanh'], softplus: ['Softplus'], leaky_relu: ['LeakyRelu', 0.01], elu: ['Elu', 1] };

/** `act(x)` (x itself for linear). */
function activation(g: Graph, act: Activation, x: string): string {
  if (act === 'gelu') {
    const erf = g.add('Erf', [g.add('Div', [x, g.constant('sqrt2', Math.SQRT2)])]);
    return g.add('Mul', [g.add('Mul', [x, g.add('Add', [erf, g.constant('one', 1)])]), g.constant('half', 0.5)]);
  }
  const op = ACTS[act];
  return op ? g.add(op[0], [x], op[1] === undefined ? [] : [attrFloat('alpha', op[1])]) : x;
}

/** (x − mean) / √(var + eps) over `axes`, with the biased variance, as PyTorch normalises. */
function normalize(g: Graph, x: string, axes: number[], eps: number): string {
  const keep = [attrInts('axes', axes), attrInt('keepdims', 1)];
  const d = g.add('Sub', [x, g.add('ReduceMean', [x], keep)]);
  const v = g.add('ReduceMean', [g.add('Mul', [d, d])], keep);
  return g.add('Div', [d, g.add('Sqrt', [g.add('Add', [v, g.init(`${g.at}.eps`, [], [eps])])])]);
}

/**
 * The nodes of one layer (before its activation) from `x`, a row of `layer.inputShape`, with
 * its tensors `v` by torch's name; returns its output.
 */
function layerNodes(g: Graph, layer: ResolvedLayerSpec, x: string, v: Record<string, { shape: readonly number[]; data: Float32Array }>): string {
  // An initializer of the layer's tensor `name`, in its own shape or another.
  const t = (name: string, shape = v[name].shape) => g.init(`${g.at}.${name}`, shape, v[name].data);
  switch (layer.type) {
    case 'dense': return g.add('Gemm', [x, t('weight'), t('bias')], [attrInt('transB', 1)]);
    case 'conv2d': {
      // 'same' puts the odd one of an even kernel's padding after (below and to the right).
      const after = [0, 1].map((d) => (layer.paddingMode === 'same' ? layer.dilation[d] * (layer.kernelSize[d] - 1) - layer.padding[d] : layer.padding[d]));
      return g.add('Conv', [x, t('weight'), ...(v.bias ? [t('bias')] : [])], [
        attrInts('kernel_shape', layer.kernelSize), attrInts('strides', layer.stride), attrInts('pads', [...layer.padding, ...after]), attrInts('dilations', layer.dilation), attrInt('group', 1),
      ]);
    }
    case 'maxpool2d':
    case 'avgpool2d': {
      // ATen's ceil mode drops a last window that would start in the padding after the input;
      // ONNX's (as onnxruntime computes it) keeps it. So floor mode, with as much padding after
      // as the last window ATen keeps reaches (≥ the padding before): max ignores the padding,
      // an average excludes it from the divisor (count_include_pad 0).
      const dilation = layer.type === 'maxpool2d' ? layer.dilation : [1, 1];
      const before = layer.padding;
      const after = [0, 1].map((d) => Math.max(before[d], (layer.shape[d + 1] - 1) * layer.stride[d] + dilation[d] * (layer.kernelSize[d] - 1) + 1 - layer.inputShape[d + 1] - before[d]));
      const window = [attrInts('kernel_shape', layer.kernelSize), attrInts('strides', layer.stride)];
      if (layer.type === 'maxpool2d') return g.add('MaxPool', [x], [...window, attrInts('pads', [...before, ...after]), attrInts('dilations', dilation)]);
      if (!layer.countIncludePad || after.every((a, d) => a === before[d])) {
        return g.add('AveragePool', [x], [...window, attrInts('pads', [...before, ...after]), attrInt('count_include_pad', layer.countIncludePad ? 1 : 0)]);
      }
      // Counting the padding, ATen's divisor stops at the padding after the input: pad with
      // zeros explicitly, then average without counting what lies beyond.
      const padded = g.add('Pad', [x, g.init(`${g.at}.pads`, [8], [0, 0, ...before, 0, 0, ...before], INT64)]);
      return g.add('AveragePool', [padded], [...window, attrInts('pads', [0, 0, after[0] - before[0], after[1] - before[1]]), attrInt('count_include_pad', 0)]);
    }
    case 'flatten': return layer.inputShape.length > 1 ? g.add('Flatten', [x], [attrInt('axis', 1)]) : x;
    case 'batchnorm1d':
    case 'batchnorm2d': {
      const c = layer.numFeatures;
      // Without affine the scale is 1 and the shift 0.
      v.weight ??= { shape: [c], data: new Float32Array(c).fill(1) };
      v.bias ??= { shape: [c], data: new Float32Array(c) };
      if (layer.trackRunningStats) return g.add('BatchNormalization', [x, t('weight'), t('bias'), t('running_mean'), t('running_var')], [attrFloat('epsilon', layer.eps)]);
      // Evaluation with the batch's statistics, over the batch and every position of a channel;
      // the scale and shift as [C, 1, …] to broadcast over those positions.
      const spatial = layer.inputShape.length - 1;
      const perChannel = [c, ...Array<number>(spatial).fill(1)];
      const y = normalize(g, x, [0, ...Array.from({ length: spatial }, (_, i) => i + 2)], layer.eps);
      return g.add('Add', [g.add('Mul', [y, t('weight', perChannel)]), t('bias', perChannel)]);
    }
    case 'layernorm': {
      const rank = layer.inputShape.length + 1;
      const k = layer.normalizedShape.length;
      const y = normalize(g, x, Array.from({ length: k }, (_, i) => rank - k + i), layer.eps);
      // The weight and bias have the normalised shape, which broadcasting lines up with the trailing dimensions.
      return layer.elementwiseAffine ? g.add('Add', [g.add('Mul', [y, t('weight')]), t('bias')]) : y;
    }
    // Dropout is the identity in evaluation; an activation layer is its activation alone.
    default: return x;
  }
}

/** `net` in evaluation mode as ONNX model bytes (opset 13, float32). */
export function exportOnnx(net: Network): Uint8Array {
  const spec = net.spec;
  const params = net.getParameters();
  const state = net.getState();
  const g = new Graph();
  let current = 'input';
  sequentialLayout(spec).forEach((l, i) => {
    const layer = spec.layers[i];
    g.at = `layers.${i}`;
    const values = splitParameters(l.parameters, params[i]);
    const v = Object.fromEntries([
      ...l.parameters.map((p, j) => [p.attribute, { shape: p.shape, data: values[j] }]),
      ...l.state.map((s) => [s.attribute, { shape: s.shape, data: state[i][s.attribute] }]),
    ]);
    current = activation(g, layer.activation, layerNodes(g, layer, current, v));
  });
  // The last value is `output`: its node's output renamed, or the input passed through.
  if (current === 'input') current = g.add('Identity', [current], [], 'output');
  for (const n of g.nodes) n.outputs = n.outputs.map((o) => (o === current ? 'output' : o));
  const outputs = [valueInfo('output', [net.outputs])];
  if (spec.loss === 'softmax_cross_entropy') {
    g.add('Softmax', ['output'], [attrInt('axis', 1)], 'probabilities');
    outputs.push(valueInfo('probabilities', [net.outputs]));
  } else if (spec.loss === 'sigmoid_bce') {
    g.add('Sigmoid', ['output'], [], 'probabilities');
    outputs.push(valueInfo('probabilities', [net.outputs]));
  }
  for (const [name, v] of g.consts) g.init(name, [], [v]);
  const graph = message(
    ...g.nodes.map((n) => bytes(1, encodeNode(n))),
    string(2, 'descent'),
    ...g.inits.map((t) => bytes(5, t)),
    bytes(11, valueInfo('input', spec.inputShape)),
    ...outputs.map((o) => bytes(12, o)),
  );
  return message(int(1, IR_VERSION), string(2, 'descent'), string(3, DESCENT_VERSION), bytes(7, graph), bytes(8, message(string(1, ''), int(2, ONNX_OPSET))));
}
