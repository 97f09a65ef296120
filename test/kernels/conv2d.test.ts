// The conv2d layer's kernels (assembly/conv2d.ts) against the f64 reference
// (test/reference/conv2d.ts) and PyTorch's own answers (test/fixtures/conv2d/), called as the
// pass calls them: on a layer block the host's kind filled (src/model/conv2d.ts: its resolved
// shape, own words and scratch size).
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { conv2d, positionLanes } from '../../src/model/conv2d.js';
import { resolveSpec } from '../../src/model/spec.js';
import type { ResolvedConv2dLayer } from '../../src/types.js';
import { LAYER, PASS } from '../../src/wasm/abi.js';
import { abs, expectNear, forEachBuild, prng, Wasm } from '../helpers/kernel-arena.js';
import { loadTestModule, testKernels } from '../helpers/wasm.js';
import { conv2dBackward, conv2dForward, type ConvShape } from '../reference/conv2d.js';

const SEED = Number(process.env.FC_SEED ?? 0xc0472d);
fc.configureGlobal({ seed: SEED, numRuns: 40 });

type LayerOptions = Record<string, unknown>;

/** test/fixtures/conv2d/cases.json (make_conv2d.py): torch.nn.Conv2d's answers on tiny layers. */
interface TorchCase {
  name: string; rows: number; inputs: number[]; layer: LayerOptions; outputShape: number[];
  x: number[]; weight: number[]; bias: number[] | null; dz: number[];
  z: number[]; dWeight: number[]; dBias: number[] | null; dx: number[];
}
const FIXTURE: { torch: string; cases: TorchCase[] } = JSON.parse(readFileSync(new URL('../fixtures/conv2d/cases.json', import.meta.url), 'utf8'));

/** The layer as the host resolves it, over rows of `input` = [C, H, W]. */
function resolveLayer(input: number[], options: LayerOptions): ResolvedConv2dLayer {
  const spec = resolveSpec({ inputs: input, layers: [{ type: 'conv2d', outChannels: 1, ...options } as never, { type: 'flatten' }, { units: 1 }], loss: 'mse' });
  return spec.layers[0] as ResolvedConv2dLayer;
}

function shapeOf(l: ResolvedConv2dLayer): ConvShape {
  return {
    inChannels: l.inChannels, inHeight: l.inputShape[1], inWidth: l.inputShape[2],
    outChannels: l.outChannels, outHeight: l.shape[1], outWidth: l.shape[2],
    kernelHeight: l.kernelSize[0], kernelWidth: l.kernelSize[1], strideHeight: l.stride[0], strideWidth: l.stride[1],
    padTop: l.padding[0], padLeft: l.padding[1], dilationHeight: l.dilation[0], dilationWidth: l.dilation[1],
  };
}

interface Placed { block: number; x: number; params: number; grads: number; z: number; dz: number; dx: number; scratch: number }

/** The layer's block and buffers in the arena, with x, W (and b) and dz written. */
function place(w: Wasm, l: ResolvedConv2dLayer, rows: number, x: ArrayLike<number>, params: ArrayLike<number>, dz: ArrayLike<number>): Placed {
  const words = new Int32Array(PASS.LAYER_WORDS);
  const p: Placed = {
    block: 0, x: w.f32(x), params: w.f32(params), grads: w.alloc(params.length), z: w.alloc(rows * l.outputs),
    dz: w.f32(dz), dx: w.alloc(rows * l.inputs), scratch: w.alloc(conv2d.scratch(l, rows)),
  };
  words[LAYER.KIND] = 1;
  words[LAYER.INPUTS] = l.inputs;
  words[LAYER.OUTPUTS] = l.outputs;
  words[LAYER.PARAMS] = p.params;
  words[LAYER.GRADS] = p.grads;
  words[LAYER.Z] = p.z;
  words[LAYER.A] = p.z;
  words[LAYER.SCRATCH] = p.scratch;
  conv2d.words(l).forEach((v, j) => { words[LAYER.COMMON + j] = v; });
  p.block = w.i32(words);
  return p;
}

const nWeights = (l: ResolvedConv2dLayer) => l.outChannels * l.inChannels * l.kernelSize[0] * l.kernelSize[1];

/**
 * Runs forward, backward with dx and backward without, and checks each against the
 * reference: |kernel − f64| ≤ 1e-5 · (the same sum over absolute values), elementwise.
 */
function checkLayer(w: Wasm, l: ResolvedConv2dLayer, rows: number, x: Float32Array, params: Float32Array, dz: Float32Array, tag: string): void {
  const s = shapeOf(l);
  const nw = nWeights(l);
  const wt = params.subarray(0, nw), b = l.bias ? params.subarray(nw) : null;
  const p = place(w, l, rows, x, params, dz);
  const opts = (scale: ArrayLike<number>) => ({ rtol: 0, atol: 1e-5, scale: Float64Array.from(scale, (m) => m + 1e-30) });

  w.k.conv2dLayerForward(p.block, p.x, rows);
  expectNear(w.read(p.z, rows * l.outputs), conv2dForward(x, wt, b, rows, s), `z ${tag}`, opts(conv2dForward(abs(x), abs(wt), b && abs(b), rows, s)));

  const ref = conv2dBackward(dz, x, wt, rows, s);
  const mag = conv2dBackward(abs(dz), abs(x), abs(wt), rows, s);
  const grads = () => w.read(p.grads, params.length);
  const checkParams = (what: string) => {
    const g = grads();
    expectNear(g.subarray(0, nw), ref.dw, `dW ${what} ${tag}`, opts(mag.dw));
    if (l.bias) expectNear(g.subarray(nw), ref.db, `db ${what} ${tag}`, opts(mag.db));
  };
  w.k.conv2dLayerBackward(p.block, p.dz, p.x, 0, rows);
  checkParams('(no dx)');
  // The first layer's backward leaves dx alone (still the arena's NaN).
  expect(w.read(p.dx, rows * l.inputs).every(Number.isNaN), `dx untouched ${tag}`).toBe(true);
  w.k.conv2dLayerBackward(p.block, p.dz, p.x, p.dx, rows);
  checkParams('(with dx)');
  expectNear(w.read(p.dx, rows * l.inputs), ref.dx, `dx ${tag}`, opts(mag.dx));

  // Inputs are read-only.
  expect(w.read(p.x, x.length)).toEqual(x);
  expect(w.read(p.params, params.length)).toEqual(params);
  expect(w.read(p.dz, dz.length)).toEqual(dz);
}

/** A random layer: channels, sizes, kernel, stride, dilation, padding (numbers, pairs, 'same', 'valid'), bias. */
const layerCase = fc.record({
  rows: fc.integer({ min: 0, max: 3 }),
  c: fc.integer({ min: 1, max: 4 }),
  h: fc.integer({ min: 1, max: 9 }),
  w: fc.integer({ min: 1, max: 9 }),
  o: fc.integer({ min: 1, max: 11 }),
  kernel: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
  stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  dilation: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  padding: fc.oneof(
    fc.integer({ min: 0, max: 3 }),
    fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
    fc.constant('same'),
    fc.constant('valid'),
  ),
  bias: fc.boolean(),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});

type LayerCase = typeof layerCase extends fc.Arbitrary<infer T> ? T : never;

/** The case's layer, or null when PyTorch would refuse it (window larger than the input, 'same' with a stride). */
function layerOf(c: LayerCase): ResolvedConv2dLayer | null {
  const padding = c.padding === 'same' ? 'same' : c.padding;
  const stride = padding === 'same' ? [1, 1] : c.stride;
  try {
    return resolveLayer([c.c, c.h, c.w], { outChannels: c.o, kernelSize: c.kernel, stride, dilation: c.dilation, padding, bias: c.bias });
  } catch {
    return null;
  }
}

function randomData(l: ResolvedConv2dLayer, rows: number, seed: number) {
  const r = prng(seed);
  return {
    x: r.f32s(rows * l.inputs, -2, 2),
    params: r.f32s(nWeights(l) + (l.bias ? l.outChannels : 0), -1, 1),
    dz: r.f32s(rows * l.outputs, -1, 1),
  };
}

forEachBuild((arena) => {
  let w: Wasm;
  beforeEach(() => { w = arena(); });

  describe('conv2d layer', () => {
    it('matches the reference on random layers (fast-check: channels, sizes, kernel, stride, dilation, padding incl. \'same\' with even kernels, bias, rows 0–3)', () => {
      let tried = 0;
      fc.assert(fc.property(layerCase, (c) => {
        const l = layerOf(c);
        fc.pre(l !== null);
        tried++;
        w.reset();
        const { x, params, dz } = randomData(l!, c.rows, c.seed);
        checkLayer(w, l!, c.rows, x, params, dz, JSON.stringify(c));
      }), { numRuns: 150 });
      expect(tried).toBeGreaterThan(100);
    });

    it('covers every block and tail of the kernels: channels around 4 and 8, positions around 4, windows around 4', () => {
      const r = prng(11);
      for (const o of [1, 3, 4, 5, 6, 7, 8, 9, 12, 13, 16, 17]) {
        for (const [h, wd] of [[1, 1], [2, 3], [3, 5], [4, 4], [5, 7]]) {
          for (const k of [1, 2, 3]) {
            if (k > h + 2 || k > wd + 2) continue;
            w.reset();
            const l = resolveLayer([2, h, wd], { outChannels: o, kernelSize: k, padding: 1 });
            const rows = 1 + r.int(3);
            const { x, params, dz } = randomData(l, rows, 100 + o);
            checkLayer(w, l, rows, x, params, dz, `o=${o} ${h}×${wd} k=${k}`);
          }
        }
      }
    });

    it('covers the position-lane blocks: channels in threes with 1–2 left, odd vector counts, odd windows', () => {
      // Layers whose output rows are whole vectors (width 4, 8, 12) and whose channels are not a
      // multiple of 4 put positions in the lanes (src/model/conv2d.ts positionLanes).
      let laned = 0;
      for (const o of [1, 2, 3, 5, 6, 7, 10]) {
        for (const [c, h, wd, k, dilation, stride] of [[1, 3, 4, 1, 1, 1], [1, 5, 8, 5, 1, 1], [3, 4, 10, 3, 1, 2], [2, 7, 12, 3, 2, 1], [1, 6, 1, 2, 1, 1]]) {
          w.reset();
          const l = resolveLayer([c, h, wd], { outChannels: o, kernelSize: k, padding: 2, dilation, stride: [stride, 1] });
          expect(l.shape[2] % 4, `width ${l.shape[2]}`).toBe(0);
          if (positionLanes(l)) laned++;
          const { x, params, dz } = randomData(l, 3, 200 + o);
          checkLayer(w, l, 3, x, params, dz, `o=${o} ${c}×${h}×${wd} k=${k} d=${dilation} s=${stride}`);
        }
      }
      expect(laned).toBe(35);
    });

    it('the LeNet-5 layers: 1×28×28 → 6@5×5 pad 2, and 6×14×14 → 16@5×5', () => {
      for (const [input, options, rows] of [[[1, 28, 28], { outChannels: 6, kernelSize: 5, padding: 2 }, 1], [[6, 14, 14], { outChannels: 16, kernelSize: 5 }, 2]] as const) {
        w.reset();
        const l = resolveLayer([...input], options);
        const { x, params, dz } = randomData(l, rows, 7);
        checkLayer(w, l, rows, x, params, dz, JSON.stringify(options));
      }
    });

    it('writes its gradients (=, not +=): a second backward gives the same, and 0 rows give zeros', () => {
      const l = resolveLayer([3, 6, 5], { outChannels: 5, kernelSize: 3, padding: 1 });
      const { x, params, dz } = randomData(l, 2, 3);
      const p = place(w, l, 2, x, params, dz);
      w.k.conv2dLayerBackward(p.block, p.dz, p.x, p.dx, 2);
      const first = [w.read(p.grads, params.length), w.read(p.dx, 2 * l.inputs)];
      w.k.conv2dLayerBackward(p.block, p.dz, p.x, p.dx, 2);
      expect([w.read(p.grads, params.length), w.read(p.dx, 2 * l.inputs)]).toEqual(first);
      w.k.conv2dLayerForward(p.block, p.x, 2);
      const z = w.read(p.z, 2 * l.outputs);
      w.k.conv2dLayerForward(p.block, p.x, 2);
      expect(w.read(p.z, 2 * l.outputs)).toEqual(z);
      // A worker thread's shard can be empty: its gradients must still be written, as zeros.
      w.k.conv2dLayerBackward(p.block, p.dz, p.x, p.dx, 0);
      expect(Array.from(w.read(p.grads, params.length))).toEqual(new Array(params.length).fill(0));
    });

    it.each(FIXTURE.cases.map((c) => [c.name, c] as const))('PyTorch %s: z, dW, db and dx as torch.nn.Conv2d computes them', (_name, c) => {
      const l = resolveLayer(c.inputs, c.layer);
      expect(l.shape).toEqual(c.outputShape);
      const params = Float32Array.from([...c.weight, ...(c.bias ?? [])]);
      const x = Float32Array.from(c.x), dz = Float32Array.from(c.dz);
      const p = place(w, l, c.rows, x, params, dz);
      const near = { rtol: 1e-6, atol: 1e-6 };
      w.k.conv2dLayerForward(p.block, p.x, c.rows);
      expectNear(w.read(p.z, c.rows * l.outputs), c.z, 'z', near);
      w.k.conv2dLayerBackward(p.block, p.dz, p.x, p.dx, c.rows);
      const g = w.read(p.grads, params.length);
      expectNear(g.subarray(0, c.weight.length), c.dWeight, 'dW', near);
      if (c.bias) expectNear(g.subarray(c.weight.length), c.dBias!, 'db', near);
      expectNear(w.read(p.dx, c.rows * l.inputs), c.dx, 'dx', near);
      // The reference agrees with PyTorch too.
      const s = shapeOf(l);
      expectNear(conv2dForward(x, c.weight, c.bias, c.rows, s), c.z, 'reference z', near);
      const ref = conv2dBackward(dz, x, c.weight, c.rows, s);
      expectNear(ref.dw, c.dWeight, 'reference dW', near);
      expectNear(ref.dx, c.dx, 'reference dx', near);
    });
  });
});

// The SIMD kernels take the scalar build's sums in the scalar build's order (lanes are output
// channels or window entries, never a split of one sum), so they agree bit for bit. Relaxed
// builds fuse the multiply-add and may round differently: they are held to the reference above.
describe.runIf(testKernels === 'simd')('conv2d, SIMD and scalar builds', () => {
  it('give identical z, dW, db and dx', () => {
    fc.assert(fc.property(layerCase, (c) => {
      const l = layerOf(c);
      fc.pre(l !== null && c.rows > 0);
      const { x, params, dz } = randomData(l!, c.rows, c.seed);
      const run = (module: WebAssembly.Module) => {
        const arena = new Wasm(module);
        const p = place(arena, l!, c.rows, x, params, dz);
        arena.k.conv2dLayerForward(p.block, p.x, c.rows);
        arena.k.conv2dLayerBackward(p.block, p.dz, p.x, p.dx, c.rows);
        return [arena.read(p.z, c.rows * l!.outputs), arena.read(p.grads, params.length), arena.read(p.dx, c.rows * l!.inputs)];
      };
      expect(run(loadTestModule('release', 'simd'))).toEqual(run(loadTestModule('release', 'scalar')));
    }), { numRuns: 60 });
  });

  it('give identical results in position lanes too (dW and db summed in four lane parts by both)', () => {
    for (const [c, h, wd, o, k] of [[1, 28, 28, 6, 5], [2, 5, 8, 7, 3], [1, 3, 4, 1, 1], [3, 6, 12, 5, 3]]) {
      const l = resolveLayer([c, h, wd], { outChannels: o, kernelSize: k, padding: k >> 1 });
      expect(positionLanes(l)).toBe(true);
      const { x, params, dz } = randomData(l, 3, o);
      const run = (module: WebAssembly.Module) => {
        const arena = new Wasm(module);
        const p = place(arena, l, 3, x, params, dz);
        arena.k.conv2dLayerForward(p.block, p.x, 3);
        arena.k.conv2dLayerBackward(p.block, p.dz, p.x, p.dx, 3);
        return [arena.read(p.z, 3 * l.outputs), arena.read(p.grads, params.length), arena.read(p.dx, 3 * l.inputs)];
      };
      expect(run(loadTestModule('release', 'simd'))).toEqual(run(loadTestModule('release', 'scalar')));
    }
  });
});
