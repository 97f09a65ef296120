// One layer of some kind, run by the kernels' own pass (trainPass / forwardPass) in a kernel
// arena (test/helpers/kernel-arena.ts): a hand-written descriptor of two layers, a linear
// activation layer (which copies x, so the layer under test is not the first and gets a dx)
// then the layer under test, with MSE behind it. After `train()`, ∂L/∂z is in `dz` (the
// loss's gradient, which nothing overwrites: the first layer writes no dx) and the layer's dx
// in `dx`. The layer's own words are its kind's (`words`), so the host's side is tested too.
import type { LayerKind, ResolvedLayer } from '../../src/model/layer-kind.js';
import { LAYER_KINDS } from '../../src/model/layers.js';
import { LOSSES } from '../../src/names.js';
import { OptionsReader } from '../../src/util/options.js';
import { LAYER, PASS } from '../../src/wasm/abi.js';
import type { Wasm } from './kernel-arena.js';

/** A layer resolved by its kind, as spec.layers[i] would be with `options`, on rows of shape `input`. */
export function resolveLayer<R extends ResolvedLayer>(kind: LayerKind<R>, options: object, input: readonly number[]): R {
  return kind.resolve(OptionsReader.read(options, 'layer', kind.keys, `an option of a ${kind.type} layer`), input, 'layer');
}

export interface LayerPass<R extends ResolvedLayer = ResolvedLayer> {
  readonly layer: R;
  readonly rows: number;
  /** Byte offsets: the descriptor, the layer's block, its input, targets, z, ∂L/∂z, dx, parameters, gradients, scratch. */
  readonly desc: number;
  readonly block: number;
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly dz: number;
  readonly dx: number;
  readonly params: number;
  readonly grads: number;
  readonly scratch: number;
  /** Sets a word of the header (PASS.*) or of the layer's block (LAYER.* and the kind's own). */
  setPassWord(i: number, value: number): void;
  setLayerWord(i: number, value: number): void;
  /** forwardPass: evaluation mode. */
  forward(): void;
  /** trainPass: training-mode forward, MSE against y, backward. */
  train(): void;
}

/**
 * Lays out a pass of `rows` rows through `layer` (of `kind`) in the arena: every buffer is the
 * arena's (NaN-filled, guarded); x, y, and the parameters come from the arguments.
 */
export function layerPass<R extends ResolvedLayer>(
  w: Wasm, kind: LayerKind<R>, layer: R, rows: number,
  { x, y, params = [], index = 1, seed = 0, row0 = 0 }: { x: ArrayLike<number>; y: ArrayLike<number>; params?: ArrayLike<number>; index?: number; seed?: number; row0?: number },
): LayerPass<R> {
  const n = layer.inputs, m = layer.outputs;
  const code = LAYER_KINDS.indexOf(kind as unknown as (typeof LAYER_KINDS)[number]);
  const identity = LAYER_KINDS.findIndex((k) => k.type === 'activation');
  if (code < 0) throw new Error(`${kind.type} is not in LAYER_KINDS`);
  const paramCount = kind.tensors(layer).reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);
  const desc = w.i32(new Array(PASS.HEADER + 2 * PASS.LAYER_WORDS).fill(0));
  const px = w.f32(x), py = w.f32(y);
  const a0 = w.alloc(rows * n), z = w.alloc(rows * m);
  const dA = w.alloc(rows * Math.max(n, m)), dB = w.alloc(rows * Math.max(n, m));
  const loss = w.alloc(2);
  if (params.length !== paramCount) throw new Error(`${kind.type}: ${paramCount} parameters wanted, ${params.length} given`);
  const pParams = paramCount ? w.f32(params) : 0;
  const grads = paramCount ? w.alloc(paramCount) : 0;
  const scratchCount = kind.scratch(layer, rows);
  const scratch = scratchCount ? w.alloc(scratchCount) : 0;
  const i32 = () => new Int32Array(w.memory.buffer);
  const header = (i: number, v: number) => { i32()[(desc >> 2) + i] = v; };
  const block = (l: number) => desc + (PASS.HEADER + l * PASS.LAYER_WORDS) * 4;
  const word = (l: number, i: number, v: number) => { i32()[(block(l) >> 2) + i] = v; };
  header(PASS.LAYERS, 2);
  header(PASS.LOSS, LOSSES.indexOf('mse'));
  header(PASS.ROWS, rows);
  header(PASS.MEAN_ROWS, rows);
  header(PASS.X, px);
  header(PASS.Y, py);
  header(PASS.LOSS_OUT, loss);
  header(PASS.DELTA_A, dA);
  header(PASS.DELTA_B, dB);
  header(PASS.SEED, seed);
  header(PASS.ROW0, row0);
  word(0, LAYER.KIND, identity);
  word(0, LAYER.INPUTS, n);
  word(0, LAYER.OUTPUTS, n);
  word(0, LAYER.Z, a0);
  word(0, LAYER.A, a0);
  word(1, LAYER.KIND, code);
  word(1, LAYER.INPUTS, n);
  word(1, LAYER.OUTPUTS, m);
  word(1, LAYER.PARAMS, pParams);
  word(1, LAYER.GRADS, grads);
  word(1, LAYER.Z, z);
  word(1, LAYER.A, z);
  word(1, LAYER.SCRATCH, scratch);
  word(1, LAYER.INDEX, index);
  kind.words(layer).forEach((v, i) => word(1, LAYER.COMMON + i, v));
  return {
    layer, rows, desc, block: block(1), x: px, y: py, z, dz: dA, dx: dB, params: pParams, grads, scratch,
    setPassWord: header,
    setLayerWord: (i, v) => word(1, i, v),
    forward: () => w.k.forwardPass(desc),
    train: () => w.k.trainPass(desc),
  };
}
