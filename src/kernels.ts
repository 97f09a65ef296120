// The typed face of the wasm module: instantiation over a host-created memory, and the
// raw exports the host calls. Hot paths call these functions directly (the loader's
// managed-object helpers are not used: every argument is a number).
import { instantiateSync } from '@assemblyscript/loader';

type Ptr = number;

/** Every export of descent.wasm (see assembly/index.ts). */
export interface Kernels {
  memory: WebAssembly.Memory;
  heapBase(): Ptr;
  gatherRows(dst: Ptr, src: Ptr, indices: Ptr, count: number, rowBytes: number): void;
  fillF32(ptr: Ptr, count: number, value: number): void;
  denseForward(y: Ptr, x: Ptr, w: Ptr, b: Ptr, rows: number, inDim: number, outDim: number): void;
  denseBackwardInput(dx: Ptr, dy: Ptr, w: Ptr, rows: number, inDim: number, outDim: number): void;
  denseBackwardParams(dw: Ptr, db: Ptr, dy: Ptr, x: Ptr, rows: number, inDim: number, outDim: number): void;
  activationForward(kind: number, a: Ptr, z: Ptr, count: number): void;
  activationBackward(kind: number, dz: Ptr, da: Ptr, z: Ptr, a: Ptr, count: number): void;
  softmaxCrossEntropy(dout: Ptr, out: Ptr, labels: Ptr, rows: number, classes: number): number;
  sigmoidBce(dout: Ptr, out: Ptr, target: Ptr, rows: number, cols: number): number;
  mse(dout: Ptr, out: Ptr, target: Ptr, rows: number, cols: number): number;
  mae(dout: Ptr, out: Ptr, target: Ptr, rows: number, cols: number): number;
  huber(dout: Ptr, out: Ptr, target: Ptr, rows: number, cols: number): number;
  softmaxRows(probs: Ptr, logits: Ptr, rows: number, classes: number): void;
  sgdStep(p: Ptr, g: Ptr, buf: Ptr, n: number, lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: number, first: number): void;
  adagradStep(p: Ptr, g: Ptr, sum: Ptr, n: number, clr: number, weightDecay: number, eps: number): void;
  rmspropStep(p: Ptr, g: Ptr, sq: Ptr, gavg: Ptr, buf: Ptr, n: number, lr: number, alpha: number, eps: number, weightDecay: number, momentum: number, centered: number): void;
  adamStep(p: Ptr, g: Ptr, m: Ptr, v: Ptr, vmax: Ptr, n: number, stepSize: number, bc2Sqrt: number, beta1: number, beta2: number, eps: number, weightDecay: number, amsgrad: number): void;
  adamwStep(p: Ptr, g: Ptr, m: Ptr, v: Ptr, vmax: Ptr, n: number, lr: number, stepSize: number, bc2Sqrt: number, beta1: number, beta2: number, eps: number, weightDecay: number, amsgrad: number): void;
  adamaxStep(p: Ptr, g: Ptr, m: Ptr, u: Ptr, n: number, clr: number, beta1: number, beta2: number, eps: number, weightDecay: number): void;
  nadamStep(p: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, gradCoef: number, avgCoef: number, bc2Sqrt: number, beta1: number, beta2: number, eps: number, weightDecay: number): void;
  radamStep(p: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, lr: number, bc1: number, bc2Sqrt: number, rect: number, rectified: number, beta1: number, beta2: number, eps: number, weightDecay: number): void;
  adadeltaStep(p: Ptr, g: Ptr, sq: Ptr, acc: Ptr, n: number, lr: number, rho: number, eps: number, weightDecay: number): void;
  clampValues(g: Ptr, n: number, clip: number): void;
  sumOfSquares(g: Ptr, n: number): number;
  scaleValues(g: Ptr, n: number, scale: number): void;
}

/** Instantiates the module over `memory`, which the host created and owns. */
export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): Kernels {
  if (!(module instanceof WebAssembly.Module)) {
    throw new TypeError(`descent needs a compiled WebAssembly.Module, got ${Object.prototype.toString.call(module)}`);
  }
  const { exports } = instantiateSync(module, { env: { memory } });
  return exports as unknown as Kernels;
}
