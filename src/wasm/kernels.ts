// The typed face of the wasm module: instantiation over a host-created memory, and the
// raw exports the host calls. Every argument is a number (a byte offset, a size or a
// scalar), so no bindings are needed (docs/design.md says why not @assemblyscript/loader).
import { ConfigError, KernelError } from '../errors.js';
import type { OptimizerType } from '../types.js';

type Ptr = number;

/**
 * Every optimizer's step kernel: n parameters, their gradients, three state slots and the
 * f64 hyper-parameter block at `hp`, laid out as the rule's slots (src/optim/rules.ts).
 */
export type StepKernel = (param: Ptr, grad: Ptr, s0: Ptr, s1: Ptr, s2: Ptr, n: number, hp: Ptr) => void;

/** Every function descent.wasm exports (assembly/index.ts); `<rule>Step` for each optimizer. */
export type Kernels = {
  heapBase(): Ptr;
  gatherRows(dst: Ptr, src: Ptr, indices: Ptr, count: number, rowBytes: number): void;
  fillF32(ptr: Ptr, count: number, value: number): void;
  addF32(dst: Ptr, src: Ptr, count: number): void;
  denseForward(y: Ptr, x: Ptr, w: Ptr, b: Ptr, rows: number, inDim: number, outDim: number): void;
  denseBackwardInput(dx: Ptr, dy: Ptr, w: Ptr, rows: number, inDim: number, outDim: number): void;
  denseBackwardParams(dw: Ptr, db: Ptr, dy: Ptr, x: Ptr, rows: number, inDim: number, outDim: number): void;
  /** A conv2d layer's z over `rows` rows of `x`, from its descriptor block `layer` (words LAYER_* and CONV2D_*). */
  conv2dLayerForward(layer: Ptr, x: Ptr, rows: number): void;
  /** Its dW and db from dz and x (written, not accumulated), and dx unless `dx` is 0. */
  conv2dLayerBackward(layer: Ptr, dz: Ptr, x: Ptr, dx: Ptr, rows: number): void;
  activationForward(kind: number, a: Ptr, z: Ptr, count: number): void;
  activationBackward(kind: number, dz: Ptr, da: Ptr, z: Ptr, a: Ptr, count: number): void;
  softmaxCrossEntropy(loss: Ptr, dout: Ptr, out: Ptr, labels: Ptr, rows: number, classes: number, meanRows: number): void;
  sigmoidBce(loss: Ptr, dout: Ptr, out: Ptr, target: Ptr, rows: number, cols: number, meanRows: number): void;
  mse(loss: Ptr, dout: Ptr, out: Ptr, target: Ptr, rows: number, cols: number, meanRows: number): void;
  mae(loss: Ptr, dout: Ptr, out: Ptr, target: Ptr, rows: number, cols: number, meanRows: number): void;
  huber(loss: Ptr, dout: Ptr, out: Ptr, target: Ptr, rows: number, cols: number, meanRows: number): void;
  softmaxRows(probs: Ptr, logits: Ptr, rows: number, classes: number): void;
  clampValues(g: Ptr, n: number, clip: number): void;
  sumOfSquares(result: Ptr, g: Ptr, n: number): void;
  scaleValues(g: Ptr, n: number, scale: number): void;
  erf64(x: number): number;
  forwardPass(desc: Ptr): void;
  trainPass(desc: Ptr): void;
  /** Batch normalisation's pass functions on one layer block (`training`: 1 or 0). */
  batchNormLayerForward(layer: Ptr, x: Ptr, rows: number, training: number): void;
  batchNormLayerBackward(layer: Ptr, dz: Ptr, x: Ptr, dx: Ptr, rows: number): void;
  maxPool2dLayerForward(layer: Ptr, x: Ptr, rows: number): void;
  maxPool2dLayerBackward(layer: Ptr, dz: Ptr, x: Ptr, dx: Ptr, rows: number): void;
  avgPool2dLayerForward(layer: Ptr, x: Ptr, rows: number): void;
  avgPool2dLayerBackward(layer: Ptr, dz: Ptr, x: Ptr, dx: Ptr, rows: number): void;
  gradientStats(stats: Ptr, dW: Ptr, db: Ptr, weights: number, units: number): void;
  parameterStats(stats: Ptr, W: Ptr, b: Ptr, weights: number, units: number): void;
  activationStats(stats: Ptr, a: Ptr, count: number, act: number): void;
  outputGradStats(stats: Ptr, da: Ptr, count: number): void;
  markActiveUnits(lastActive: Ptr, a: Ptr, rows: number, units: number, stamp: number): void;
  measureNextUpdate(regions: Ptr, regionCount: number, scratch: Ptr, withGradients: number): void;
  valueRange(range: Ptr, p: Ptr, n: number): void;
  claimLines(ptr: Ptr, count: number): void;
  histogram(counts: Ptr, bins: number, range: Ptr, p: Ptr, n: number): void;
} & { [R in OptimizerType as `${R}Step`]: StepKernel };

/** Instantiates the module over `memory`, which the host created and owns. */
export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): Kernels {
  if (!(module instanceof WebAssembly.Module)) {
    throw new ConfigError(`descent needs a compiled WebAssembly.Module, got ${Object.prototype.toString.call(module)}`, 'module', module);
  }
  // Debug builds' assertions pass their source location; the kernels' own aborts (an unknown
  // code in a descriptor) pass a message only.
  const abort = (message: number, file: number, line: number, column: number): never => {
    const what = readString(memory, message);
    const where = file ? `${readString(memory, file)}:${line}:${column}` : 'kernel';
    throw new KernelError(`descent: a kernel stopped: ${what}${file ? ` (${where})` : ''}`, where, what);
  };
  // A plain instance: portable to every runtime (workerd included), given a Module.
  const instance = new WebAssembly.Instance(module, { env: { memory, abort } });
  return instance.exports as unknown as Kernels;
}

/**
 * An AssemblyScript string in static data (the messages of abort()): UTF-16 code units,
 * their byte length in the u32 before the pointer.
 */
function readString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return '';
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, bytes >>> 1));
}
