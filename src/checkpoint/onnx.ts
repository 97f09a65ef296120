// ONNX export for inference: the network as an ONNX graph (opset 13) that onnxruntime,
// PyTorch's onnx tooling and every ONNX runtime run. Each dense layer is a Gemm (transB = 1, so
// the weight keeps Linear's [out, in] layout), each activation its ONNX op (GELU, which opset
// 13 lacks, as x·½·(1 + erf(x/√2)), the exact form descent and PyTorch use). Outputs: `output`,
// the last layer's raw values (predict's `outputs`), and for classifiers `probabilities`
// (Softmax over classes, or Sigmoid per output), as predict gives them.
import type { Network } from '../network.js';
import type { Activation, ResolvedDenseLayer } from '../types.js';
import { bytes, float, int, message, string } from './protobuf.js';
import { DESCENT_VERSION } from './checkpoint.js';

export const ONNX_OPSET = 13;
const IR_VERSION = 7;
const FLOAT = 1;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;

const attrInt = (name: string, i: number) => message(string(1, name), int(3, i), int(20, ATTR_INT));
const attrFloat = (name: string, f: number) => message(string(1, name), float(2, f), int(20, ATTR_FLOAT));

function node(op: string, inputs: string[], outputs: string[], name: string, attrs: Uint8Array[] = []): Uint8Array {
  return message(...inputs.map((i) => string(1, i)), ...outputs.map((o) => string(2, o)), string(3, name), string(4, op), ...attrs.map((a) => bytes(5, a)));
}

function tensor(name: string, dims: number[], data: Float32Array): Uint8Array {
  const raw = new Uint8Array(data.length * 4);
  const view = new DataView(raw.buffer);
  data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return message(...dims.map((d) => int(1, d)), int(2, FLOAT), string(8, name), bytes(9, raw));
}

/** A float tensor input/output with a symbolic batch dimension. */
function valueInfo(name: string, columns: number): Uint8Array {
  const shape = message(bytes(1, message(string(2, 'batch'))), bytes(1, message(int(1, columns))));
  const type = message(bytes(1, message(int(1, FLOAT), bytes(2, shape))));
  return message(string(1, name), bytes(2, type));
}

/** The nodes computing `act(input)` into `output` (none for linear: the caller renames). */
function activation(act: Activation, input: string, output: string, at: string, consts: Map<string, number>): Uint8Array[] {
  switch (act) {
    case 'relu': return [node('Relu', [input], [output], at)];
    case 'sigmoid': return [node('Sigmoid', [input], [output], at)];
    case 'tanh': return [node('Tanh', [input], [output], at)];
    case 'leaky_relu': return [node('LeakyRelu', [input], [output], at, [attrFloat('alpha', 0.01)])];
    case 'elu': return [node('Elu', [input], [output], at, [attrFloat('alpha', 1)])];
    case 'softplus': return [node('Softplus', [input], [output], at)];
    case 'gelu': {
      consts.set('sqrt2', Math.SQRT2).set('one', 1).set('half', 0.5);
      return [
        node('Div', [input, 'sqrt2'], [`${at}/scaled`], `${at}/div`),
        node('Erf', [`${at}/scaled`], [`${at}/erf`], `${at}/erf`),
        node('Add', [`${at}/erf`, 'one'], [`${at}/plus1`], `${at}/add`),
        node('Mul', [input, `${at}/plus1`], [`${at}/times`], `${at}/mul`),
        node('Mul', [`${at}/times`, 'half'], [output], `${at}/half`),
      ];
    }
    default: return [];
  }
}

/** `net` as ONNX model bytes (opset 13, float32). */
export function exportOnnx(net: Network): Uint8Array {
  const spec = net.spec;
  const params = net.getParameters();
  const nodes: Uint8Array[] = [];
  const inits: Uint8Array[] = [];
  const consts = new Map<string, number>();
  let current = 'input';
  // Dense-only until the export covers every kind.
  const layers = spec.layers as ResolvedDenseLayer[];
  layers.forEach((layer, l) => {
    const fanIn = l === 0 ? spec.inputs : layers[l - 1].units;
    const last = l === spec.layers.length - 1;
    inits.push(tensor(`layers.${l}.weight`, [layer.units, fanIn], params[l].weight), tensor(`layers.${l}.bias`, [layer.units], params[l].bias));
    const act = layer.activation ?? 'linear';
    const z = last && act === 'linear' ? 'output' : `layers.${l}/gemm`;
    nodes.push(node('Gemm', [current, `layers.${l}.weight`, `layers.${l}.bias`], [z], `layers.${l}/Gemm`, [attrInt('transB', 1)]));
    current = z;
    if (act !== 'linear') {
      const a = last ? 'output' : `layers.${l}/out`;
      nodes.push(...activation(act, z, a, `layers.${l}/${act}`, consts));
      current = a;
    }
  });
  const outputs = [valueInfo('output', net.outputs)];
  if (spec.loss === 'softmax_cross_entropy') {
    nodes.push(node('Softmax', ['output'], ['probabilities'], 'probabilities/Softmax', [attrInt('axis', 1)]));
    outputs.push(valueInfo('probabilities', net.outputs));
  } else if (spec.loss === 'sigmoid_bce') {
    nodes.push(node('Sigmoid', ['output'], ['probabilities'], 'probabilities/Sigmoid'));
    outputs.push(valueInfo('probabilities', net.outputs));
  }
  for (const [name, v] of consts) inits.push(tensor(name, [], Float32Array.of(v)));
  const graph = message(
    ...nodes.map((n) => bytes(1, n)),
    string(2, 'descent'),
    ...inits.map((t) => bytes(5, t)),
    bytes(11, valueInfo('input', spec.inputs)),
    ...outputs.map((o) => bytes(12, o)),
  );
  return message(int(1, IR_VERSION), string(2, 'descent'), string(3, DESCENT_VERSION), bytes(7, graph), bytes(8, message(string(1, ''), int(2, ONNX_OPSET))));
}
