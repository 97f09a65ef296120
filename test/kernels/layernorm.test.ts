// The layernorm layer's kernels (assembly/layernorm.ts), run by the kernels' own pass
// (test/helpers/layer-pass.ts), against the f64 reference (test/reference/layernorm.ts) over
// many shapes, and against PyTorch 1.13's own answers bit for bit
// (test/fixtures/layernorm/make_layernorm.py), which the kernel mirrors operation for operation.
// Then in networks: a training step's gradients against an f64 network, training, threads.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { forEachBuild, expectNear, prng, type Wasm } from '../helpers/kernel-arena.js';
import { layerPass, resolveLayer } from '../helpers/layer-pass.js';
import { loadTestModule, loadThreadsModule, testKernels } from '../helpers/wasm.js';
import { layernorm, WORKSPACE_FLOATS } from '../../src/model/layernorm.js';
import { Network } from '../../src/network.js';
import { spawnWorker } from '../../src/node.js';
import type { NetworkSpec, ResolvedLayerNormLayer } from '../../src/types.js';
import { denseBackwardInput, denseBackwardParams, denseForward } from '../reference/dense.js';
import { layerNormBackward, layerNormForward, type LayerNormShape } from '../reference/layernorm.js';
import { softmaxCrossEntropy } from '../reference/losses.js';

interface Fixture {
  name: string; shape: number[]; normalizedShape: number[]; elementwiseAffine: boolean; eps: number; rows: number;
  x: string; target: string; y: string; mean: string; rstd: string; dy: string; dx: string;
  weight?: string; bias?: string; dweight?: string; dbias?: string;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/layernorm/layernorm.json', import.meta.url), 'utf8')) as { torch: string; cases: Fixture[] };
/** A fixture array: base64 of little-endian f32 bytes. */
const f32 = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};
const bitsOf = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a).buffer));

const product = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;

interface Case { shape: number[]; normalizedShape: number[]; affine: boolean; rows: number; offset: number; spread: number; eps?: number }

/** Row shapes around the 8-lane vectors and 16-vector chunks of the moments, 1–3 normalized dimensions, groups. */
const CASES: Case[] = [];
for (const n of [1, 2, 3, 5, 7, 8, 9, 13, 16, 17, 31, 64, 127, 129, 255, 300]) {
  for (const affine of [true, false]) CASES.push({ shape: [n], normalizedShape: [n], affine, rows: 3, offset: 0.5, spread: 2 });
}
CASES.push(
  { shape: [1100], normalizedShape: [1100], affine: true, rows: 1, offset: -1, spread: 1 }, // 138 vectors: 9 chunks, 4 cascade levels
  { shape: [2100], normalizedShape: [2100], affine: false, rows: 1, offset: 0, spread: 3 }, // 17 chunks, 5 levels
  { shape: [3, 5], normalizedShape: [5], affine: true, rows: 2, offset: 0, spread: 1 },
  { shape: [3, 5], normalizedShape: [3, 5], affine: false, rows: 2, offset: 0, spread: 1 },
  { shape: [2, 3, 4], normalizedShape: [4], affine: true, rows: 3, offset: 0, spread: 1 },
  { shape: [2, 3, 4], normalizedShape: [3, 4], affine: true, rows: 2, offset: 1, spread: 1 },
  { shape: [2, 3, 4], normalizedShape: [2, 3, 4], affine: false, rows: 2, offset: 0, spread: 1 },
  { shape: [4, 19], normalizedShape: [19], affine: true, rows: 2, offset: 0, spread: 1, eps: 0.1 },
  { shape: [40], normalizedShape: [40], affine: true, rows: 2, offset: 300, spread: 0.5 }, // a mean far above the spread
  { shape: [6], normalizedShape: [6], affine: true, rows: 2, offset: 0, spread: 1e-4 }, // variance below eps
);

forEachBuild((arena) => {
  let w: Wasm;
  beforeEach(() => { w = arena(); });

  /** The layer and a pass of it over `rows` rows (x, MSE targets, weight and bias given). */
  const setUp = (c: { shape: number[]; normalizedShape: number[]; affine: boolean; rows: number; eps?: number }, x: ArrayLike<number>, y: ArrayLike<number>, weight?: ArrayLike<number>, bias?: ArrayLike<number>) => {
    const layer = resolveLayer(layernorm, { normalizedShape: c.normalizedShape, elementwiseAffine: c.affine, ...(c.eps === undefined ? {} : { eps: c.eps }) }, c.shape);
    const params = c.affine ? [...Array.from(weight!), ...Array.from(bias!)] : [];
    return layerPass(w, layernorm, layer, c.rows, { x, y, params });
  };
  const shapeOf = (l: ResolvedLayerNormLayer, rows: number): LayerNormShape => {
    const size = product(l.normalizedShape);
    return { rows, groups: l.outputs / size, size, eps: Math.fround(l.eps) };
  };
  /** Each group's saved mean and rstd: after the workspace, a (mean, rstd) pair per group. */
  const saved = (scratch: number, count: number) => {
    const v = w.read(scratch + WORKSPACE_FLOATS * 4, 2 * count);
    return { mean: v.filter((_, i) => i % 2 === 0), rstd: v.filter((_, i) => i % 2 === 1) };
  };

  describe('layernorm layer', () => {
    it('forward, saved statistics and backward match the f64 reference: 1–3 normalized dimensions, groups, affine on and off', () => {
      const r = prng(11);
      for (const c of CASES) {
        w.reset();
        const features = product(c.shape), size = product(c.normalizedShape);
        const x = r.f32s(c.rows * features, c.offset - c.spread, c.offset + c.spread);
        const y = r.f32s(c.rows * features, -1, 1);
        const weight = r.f32s(size, 0.5, 1.5).map((v, i) => (i % 3 === 1 ? -v : v)), bias = r.f32s(size, -0.5, 0.5);
        const p = setUp(c, x, y, weight, bias);
        const s = shapeOf(p.layer, c.rows);
        const tag = `shape [${c.shape}] normalized [${c.normalizedShape}] affine ${c.affine} rows ${c.rows}`;
        p.train();
        const ref = layerNormForward(x, c.affine ? weight : null, c.affine ? bias : null, s);
        // Scales: what each result is made of, in magnitude (f32 rounding is relative to these).
        const shift = Float64Array.from(ref.mean, (m, g) => 1 + Math.abs(m) * ref.rstd[g]);
        const yScale = Float64Array.from(ref.y, (_, i) => {
          const g = Math.floor(i / size), j = i % size;
          const xhat = Math.abs((x[i] - ref.mean[g]) * ref.rstd[g]);
          return (c.affine ? Math.abs(weight[j]) : 1) * (xhat + shift[g]) + (c.affine ? Math.abs(bias[j]) : 0);
        });
        expectNear(w.read(p.z, ref.y.length), ref.y, `z ${tag}`, { rtol: 0, atol: 1e-6, scale: yScale });
        const st = saved(p.scratch, s.rows * s.groups);
        expectNear(st.mean, ref.mean, `mean ${tag}`, { rtol: 1e-6, atol: 1e-6, scale: Float64Array.from(ref.rstd, (rs) => 1 / rs) });
        // f32 deviations from a mean m are good to ε·|m|: relative to the spread, (1 + |m|·rstd)·ε.
        expectNear(st.rstd, ref.rstd, `rstd ${tag}`, { rtol: 0, atol: 2e-6, scale: Float64Array.from(ref.rstd, (rs, g) => rs * shift[g]) });

        const dz = w.read(p.dz, ref.y.length);
        const back = layerNormBackward(dz, x, c.affine ? weight : null, c.affine, s);
        const g = Float64Array.from(dz, (v, i) => Math.abs(v * (c.affine ? weight[i % size] : 1)));
        const gMean = Float64Array.from({ length: s.rows * s.groups }, (_, k) => mean(g.subarray(k * size, (k + 1) * size)));
        const dxScale = Float64Array.from(back.dx, (_, i) => {
          const k = Math.floor(i / size);
          return ref.rstd[k] * (g[i] + gMean[k] * shift[k] * shift[k]);
        });
        expectNear(w.read(p.dx, back.dx.length), back.dx, `dx ${tag}`, { rtol: 0, atol: 1e-5, scale: dxScale });
        if (c.affine) {
          const count = s.rows * s.groups;
          const dwScale = new Float64Array(size), dbScale = new Float64Array(size);
          for (let k = 0; k < count; k++) {
            for (let j = 0; j < size; j++) {
              const i = k * size + j;
              dwScale[j] += Math.abs(dz[i]) * (Math.abs((x[i] - ref.mean[k]) * ref.rstd[k]) + 2 * shift[k]);
              dbScale[j] += Math.abs(dz[i]);
            }
          }
          expectNear(w.read(p.grads, size), back.dweight!, `dweight ${tag}`, { rtol: 0, atol: 1e-6, scale: dwScale });
          expectNear(w.read(p.grads + size * 4, size), back.dbias!, `dbias ${tag}`, { rtol: 0, atol: 1e-6, scale: dbScale });
        }
        // Inputs and parameters are read-only.
        expect(w.read(p.x, x.length)).toEqual(x);
        if (c.affine) expect(w.read(p.params, 2 * size)).toEqual(Float32Array.from([...weight, ...bias]));
      }
    });

    it('evaluation (forwardPass) gives training\'s z bit for bit', () => {
      const r = prng(12);
      for (const c of CASES.slice(0, 12)) {
        w.reset();
        const n = c.rows * product(c.shape), size = product(c.normalizedShape);
        const x = r.f32s(n, -3, 3), y = r.f32s(n);
        const p = setUp(c, x, y, r.f32s(size), r.f32s(size));
        p.forward();
        const evaluated = w.read(p.z, n);
        p.train();
        expect(bitsOf(w.read(p.z, n))).toEqual(bitsOf(evaluated));
      }
    });

    it('writes dweight and dbias (=, not +=) and still does when it is the first layer (no dx)', () => {
      const r = prng(13);
      const c = { shape: [3, 10], normalizedShape: [10], affine: true, rows: 4 };
      const x = r.f32s(120, -2, 2), y = r.f32s(120), weight = r.f32s(10), bias = r.f32s(10);
      const p = setUp(c, x, y, weight, bias);
      p.train();
      const first = [w.read(p.grads, 20), w.read(p.dx, 120)];
      p.train();
      expect([w.read(p.grads, 20), w.read(p.dx, 120)]).toEqual(first);
      // As the network's first layer: the pass gives it dx = 0, and dx must stay untouched.
      w.reset();
      const q = setUp(c, x, y, weight, bias);
      q.setPassWord(0, 1); // PASS.LAYERS = 1, with the layer moved to the first block:
      const block0 = q.desc + 16 * 4, block1 = q.block;
      new Int32Array(w.memory.buffer, block0, 28).set(new Int32Array(w.memory.buffer, block1, 28));
      q.train();
      expect(w.read(q.grads, 20)).toEqual(first[0]);
      expect(Array.from(w.read(q.dx, 120)).every(Number.isNaN), 'the spare gradient buffer').toBe(true);
    });
  });

  describe(`layernorm against PyTorch ${fixture.torch} (test/fixtures/layernorm)`, () => {
    it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: y, mean, rstd, dx, dweight and dbias bit for bit', (_, c) => {
      const x = f32(c.x);
      const p = setUp({ shape: c.shape, normalizedShape: c.normalizedShape, affine: c.elementwiseAffine, rows: c.rows, eps: c.eps },
        x, f32(c.target), c.weight ? f32(c.weight) : undefined, c.bias ? f32(c.bias) : undefined);
      p.train();
      const n = x.length, count = f32(c.mean).length;
      expect(bitsOf(w.read(p.z, n)), 'y').toEqual(bitsOf(f32(c.y)));
      const st = saved(p.scratch, count);
      expect(bitsOf(st.mean), 'mean').toEqual(bitsOf(f32(c.mean)));
      expect(bitsOf(st.rstd), 'rstd').toEqual(bitsOf(f32(c.rstd)));
      // The loss's gradient is the dy torch was given (the generator computes MSE's as the kernel does).
      expect(bitsOf(w.read(p.dz, n)), 'dy').toEqual(bitsOf(f32(c.dy)));
      expect(bitsOf(w.read(p.dx, n)), 'dx').toEqual(bitsOf(f32(c.dx)));
      if (c.dweight) {
        const size = product(c.normalizedShape);
        expect(bitsOf(w.read(p.grads, size)), 'dweight').toEqual(bitsOf(f32(c.dweight)));
        expect(bitsOf(w.read(p.grads + size * 4, size)), 'dbias').toEqual(bitsOf(f32(c.dbias!)));
      }
    });
  });
});

describe('layernorm in networks', () => {
  const spec: NetworkSpec = {
    inputs: [3, 8],
    layers: [{ type: 'layernorm', normalizedShape: [8] }, { type: 'flatten' }, { units: 6, activation: 'tanh' }, { type: 'layernorm', normalizedShape: 6, elementwiseAffine: false }, { units: 3 }],
    loss: 'softmax_cross_entropy', seed: 9,
  };
  const r = prng(31);
  const x = Array.from({ length: 40 }, () => Array.from(r.f32s(24, -2, 2)));
  const y = x.map((row) => (row[0] + row[9] > 0 ? (row[17] > 0 ? 2 : 1) : 0));

  it('a step\'s gradients are the f64 network\'s: layernorm (weight, bias, dx) → dense → CE, with parameters in the kind\'s order', () => {
    const small: NetworkSpec = { inputs: [2, 5], layers: [{ type: 'layernorm', normalizedShape: [5] }, { type: 'flatten' }, { units: 3 }], loss: 'softmax_cross_entropy', seed: 2 };
    const net = Network.create(small, loadTestModule());
    const p = net.getParameters();
    expect(p[0].weight).toEqual(new Float32Array(5).fill(1));
    expect(p[0].bias).toEqual(new Float32Array(5));
    const weight = r.f32s(5, 0.5, 1.5), bias = r.f32s(5, -0.5, 0.5);
    net.setParameters([{ weight, bias }, p[1], p[2]]);
    const rows = 4, xs = Array.from({ length: rows }, () => Array.from(r.f32s(10, -2, 2))), labels = [0, 2, 1, 2];
    // One SGD step with lr 1: each parameter moves by minus its gradient.
    const t = net.trainer(xs, labels, { optimizer: { type: 'sgd', lr: 1 }, mode: 'batch' });
    t.step();
    const after = net.getParameters();
    const shape = { rows, groups: 2, size: 5, eps: Math.fround(1e-5) };
    const fwd = layerNormForward(xs.flat(), weight, bias, shape);
    const logits = denseForward(fwd.y, p[2].weight, p[2].bias, rows, 10, 3);
    const ce = softmaxCrossEntropy(logits, labels, rows, 3);
    expect(t.loss).toBeCloseTo(ce.loss, 5);
    const dense = denseBackwardParams(ce.grad, fwd.y, rows, 10, 3);
    const back = layerNormBackward(denseBackwardInput(ce.grad, p[2].weight, rows, 10, 3), xs.flat(), weight, true, shape);
    const moved = (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array.from(a, (v, i) => b[i] - v);
    expectNear(moved(after[0].weight, weight), back.dweight!, 'dweight', { rtol: 1e-4, atol: 1e-6 });
    expectNear(moved(after[0].bias, bias), back.dbias!, 'dbias', { rtol: 1e-4, atol: 1e-6 });
    expectNear(moved(after[2].weight, p[2].weight), dense.dw, 'dense dW after the layernorm', { rtol: 1e-4, atol: 1e-6 });
    net.dispose();
  });

  it('trains; in evaluation (layerOutputs) it is the f64 forward to f32 rounding; 2 threads train within f32 rounding of 1, bit for bit run to run', () => {
    const options = { optimizer: { type: 'adam', lr: 0.02 } as const, batchSize: 8, epochs: 15, preflight: 'off' as const, diagnostics: false };
    const one = Network.create(spec, loadTestModule());
    const h = one.fitSync(x, y, options);
    expect(h.epochs[h.epochs.length - 1].loss).toBeLessThan(0.7 * h.epochs[0].loss);
    const w0 = one.getParameters()[0];
    expect(Array.from(w0.weight).some((v) => v !== 1) && Array.from(w0.bias).some((v) => v !== 0)).toBe(true);
    // Evaluation is training's arithmetic: layer 0's output from layerOutputs is the f32 kernel's, near the f64 one.
    const outs = one.layerOutputs(x.slice(0, 5));
    const ref = layerNormForward(x.slice(0, 5).flat(), w0.weight, w0.bias, { rows: 5, groups: 3, size: 8, eps: Math.fround(1e-5) });
    expectNear(outs[0].values, ref.y, 'layer 0 output', { rtol: 1e-5, atol: 1e-5 });
    const threaded = () => Network.create(spec, loadThreadsModule(), { kernels: testKernels, threads: 2, spawnWorker });
    const [a, b] = [threaded(), threaded()];
    a.fitSync(x, y, options);
    b.fitSync(x, y, options);
    const bits = (n: Network) => n.getParameters().flatMap((l) => [...new Uint32Array(l.weight.buffer), ...new Uint32Array(l.bias.buffer)]);
    expect(bits(b)).toEqual(bits(a));
    const p1 = one.getParameters(), p2 = a.getParameters();
    p1.forEach((l, i) => {
      l.weight.forEach((v, j) => expect(Math.abs(v - p2[i].weight[j])).toBeLessThan(1e-3 + 1e-3 * Math.abs(v)));
      l.bias.forEach((v, j) => expect(Math.abs(v - p2[i].bias[j])).toBeLessThan(1e-3 + 1e-3 * Math.abs(v)));
    });
    for (const n of [one, a, b]) n.dispose();
  });
});
