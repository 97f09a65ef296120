// The typed face of the wasm module: instantiation over a host-created memory, and the
// raw exports the host calls. Every argument is a number (a byte offset, a size or a
// scalar), so no bindings are needed: see README "Stack" for why not @assemblyscript/loader.

type Ptr = number;

/** Every export of descent.wasm (see assembly/index.ts); `hp` blocks are f64 hyper-parameters in the order each kernel reads them. */
export interface Kernels {
  memory: WebAssembly.Memory;
  heapBase(): Ptr;
  gatherRows(dst: Ptr, src: Ptr, indices: Ptr, count: number, rowBytes: number): void;
  fillF32(ptr: Ptr, count: number, value: number): void;
  addF32(dst: Ptr, src: Ptr, count: number): void;
  denseForward(y: Ptr, x: Ptr, w: Ptr, b: Ptr, rows: number, inDim: number, outDim: number): void;
  denseBackwardInput(dx: Ptr, dy: Ptr, w: Ptr, rows: number, inDim: number, outDim: number): void;
  denseBackwardParams(dw: Ptr, db: Ptr, dy: Ptr, x: Ptr, rows: number, inDim: number, outDim: number): void;
  activationForward(kind: number, a: Ptr, z: Ptr, count: number): void;
  activationBackward(kind: number, dz: Ptr, da: Ptr, z: Ptr, a: Ptr, count: number): void;
  softmaxCrossEntropy(loss: Ptr, dout: Ptr, out: Ptr, labels: Ptr, rows: number, classes: number, meanRows: number): void;
  sigmoidBce(loss: Ptr, dout: Ptr, out: Ptr, target: Ptr, rows: number, cols: number, meanRows: number): void;
  mse(loss: Ptr, dout: Ptr, out: Ptr, target: Ptr, rows: number, cols: number, meanRows: number): void;
  mae(loss: Ptr, dout: Ptr, out: Ptr, target: Ptr, rows: number, cols: number, meanRows: number): void;
  huber(loss: Ptr, dout: Ptr, out: Ptr, target: Ptr, rows: number, cols: number, meanRows: number): void;
  softmaxRows(probs: Ptr, logits: Ptr, rows: number, classes: number): void;
  sgdStep(p: Ptr, g: Ptr, buf: Ptr, n: number, hp: Ptr, nesterov: number, first: number): void;
  adagradStep(p: Ptr, g: Ptr, sum: Ptr, n: number, hp: Ptr): void;
  rmspropStep(p: Ptr, g: Ptr, sq: Ptr, gavg: Ptr, buf: Ptr, n: number, hp: Ptr, centered: number): void;
  adamStep(p: Ptr, g: Ptr, m: Ptr, v: Ptr, vmax: Ptr, n: number, hp: Ptr, amsgrad: number): void;
  adamwStep(p: Ptr, g: Ptr, m: Ptr, v: Ptr, vmax: Ptr, n: number, hp: Ptr, amsgrad: number): void;
  adamaxStep(p: Ptr, g: Ptr, m: Ptr, u: Ptr, n: number, hp: Ptr): void;
  nadamStep(p: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, hp: Ptr): void;
  radamStep(p: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, hp: Ptr, rectified: number): void;
  adadeltaStep(p: Ptr, g: Ptr, sq: Ptr, acc: Ptr, n: number, hp: Ptr): void;
  clampValues(g: Ptr, n: number, clip: number): void;
  sumOfSquares(result: Ptr, g: Ptr, n: number): void;
  scaleValues(g: Ptr, n: number, scale: number): void;
  erf64(x: number): number;
  forwardPass(desc: Ptr): void;
  trainPass(desc: Ptr): void;
  gradientStats(stats: Ptr, dW: Ptr, db: Ptr, weights: number, units: number): void;
  valueRange(range: Ptr, p: Ptr, n: number): void;
  histogram(counts: Ptr, bins: number, range: Ptr, p: Ptr, n: number): void;
  parameterStats(stats: Ptr, W: Ptr, b: Ptr, weights: number, units: number): void;
  measureNextUpdate(regions: Ptr, regionCount: number, scratch: Ptr, withGradients: number): void;
  activationStats(stats: Ptr, a: Ptr, count: number, act: number): void;
  outputGradStats(stats: Ptr, da: Ptr, count: number): void;
  markActiveUnits(lastActive: Ptr, a: Ptr, rows: number, units: number, stamp: number): void;
}

/** Instantiates the module over `memory`, which the host created and owns. */
export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): Kernels {
  if (!(module instanceof WebAssembly.Module)) {
    throw new TypeError(`descent needs a compiled WebAssembly.Module, got ${Object.prototype.toString.call(module)}`);
  }
  // A plain instance: portable to every runtime (workerd included), given a Module.
  const abort = (message: number, file: number, line: number, column: number): never => {
    throw new Error(`descent: kernel assertion failed: ${readString(memory, message)} (${readString(memory, file)}:${line}:${column})`);
  };
  const instance = new WebAssembly.Instance(module, { env: { memory, abort } });
  return instance.exports as unknown as Kernels;
}

/**
 * An AssemblyScript string in static data (only debug builds, with asserts on, call abort):
 * UTF-16 code units, their byte length in the u32 before the pointer.
 */
function readString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return '';
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, bytes >>> 1));
}
