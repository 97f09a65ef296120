// Batch normalisation's kernels (assembly/batchnorm.ts), called on a layer block of their own:
// against the f64 reference (test/reference/batchnorm.ts) over many shapes and options, and
// against known answers from torch 1.13 (test/fixtures/batchnorm/), which the kernels reproduce
// bit for bit: they follow ATen's CPU kernels operation by operation.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { forEachBuild, expectNear, prng, ulpsF32, Wasm } from '../helpers/kernel-arena.js';
import { loadTestModule } from '../helpers/wasm.js';
import { kindOf } from '../../src/model/layers.js';
import { resolveSpec } from '../../src/model/spec.js';
import { LAYER, PASS } from '../../src/wasm/abi.js';
import type { KernelVariant, ResolvedBatchNormLayer } from '../../src/types.js';
import {
  batchNormBackward, batchStatistics, initialRunning, normalize, updateRunning, type BatchShape, type RunningStats,
} from '../reference/batchnorm.js';

type Options = { eps?: number; momentum?: number | null; affine?: boolean; trackRunningStats?: boolean };

/** A batch-norm layer's block and buffers in the arena, as the engine would lay them out. */
class Layer {
  readonly spec: ResolvedBatchNormLayer;
  readonly C: number;
  readonly S: number;
  readonly n: number;
  readonly block: number;
  readonly x: number;
  readonly z: number;
  readonly dz: number;
  readonly dx: number;
  readonly params: number;
  readonly grads: number;
  readonly state: number;
  readonly scratch: number;

  constructor(private readonly w: Wasm, type: 'batchnorm1d' | 'batchnorm2d', shape: number[], options: Options, rows: number) {
    // A flatten after it: the loss takes flat rows.
    const spec = resolveSpec({ inputs: shape, layers: [{ type, ...options }, { type: 'flatten' }], loss: 'mse' });
    this.spec = spec.layers[0] as ResolvedBatchNormLayer;
    const { kind, code } = kindOf(this.spec);
    this.C = this.spec.numFeatures;
    this.n = this.spec.inputs;
    this.S = this.n / this.C;
    const C = this.C;
    this.x = w.alloc(rows * this.n);
    this.z = w.alloc(rows * this.n);
    this.dz = w.alloc(rows * this.n);
    this.dx = w.alloc(rows * this.n);
    this.params = this.spec.affine ? w.f32([...new Array(C).fill(1), ...new Array(C).fill(0)]) : 0;
    this.grads = this.spec.affine ? w.alloc(2 * C) : 0;
    this.state = this.spec.trackRunningStats ? w.f32([...new Array(C).fill(0), ...new Array(C).fill(1), 0]) : 0;
    this.scratch = w.alloc(kind.scratch(this.spec, rows));
    const words = new Array(PASS.LAYER_WORDS).fill(0);
    words[LAYER.KIND] = code;
    words[LAYER.INPUTS] = this.n;
    words[LAYER.OUTPUTS] = this.n;
    words[LAYER.PARAMS] = this.params;
    words[LAYER.GRADS] = this.grads;
    words[LAYER.Z] = this.z;
    words[LAYER.A] = this.z;
    words[LAYER.STATE] = this.state;
    words[LAYER.SCRATCH] = this.scratch;
    kind.words(this.spec).forEach((v, j) => { words[LAYER.COMMON + j] = v; });
    this.block = w.i32(words);
  }

  forward(x: ArrayLike<number>, rows: number, training: boolean): Float32Array {
    this.w.write(this.x, x);
    this.w.k.batchNormLayerForward(this.block, this.x, rows, training ? 1 : 0);
    return this.w.read(this.z, rows * this.n);
  }

  backward(dz: ArrayLike<number>, rows: number, withDx = true): { dx: Float32Array; dweight: Float32Array; dbias: Float32Array } {
    this.w.write(this.dz, dz);
    this.w.k.batchNormLayerBackward(this.block, this.dz, this.x, withDx ? this.dx : 0, rows);
    const g = this.w.read(this.grads, this.grads ? 2 * this.C : 0);
    return { dx: this.w.read(this.dx, rows * this.n), dweight: g.subarray(0, this.C), dbias: g.subarray(this.C) };
  }

  setAffine(weight: ArrayLike<number>, bias: ArrayLike<number>): void {
    this.w.write(this.params, weight);
    this.w.write(this.params + 4 * this.C, bias);
  }

  /** running_mean, running_var, num_batches_tracked. */
  running(): { mean: Float32Array; variance: Float32Array; tracked: number } {
    const s = this.w.read(this.state, 2 * this.C + 1);
    return { mean: s.slice(0, this.C), variance: s.slice(this.C, 2 * this.C), tracked: s[2 * this.C] };
  }

  /** The scratch: the last training batch's mean and invstd. */
  saved(): { mean: Float32Array; invstd: Float32Array } {
    const s = this.w.read(this.scratch, 2 * this.C);
    return { mean: s.slice(0, this.C), invstd: s.slice(this.C) };
  }
}

const absSum = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + Math.abs(b), 0);

/** Per-channel values of a batch [rows, C, S] mapped to every element. */
const perElement = (shape: BatchShape, f: (c: number) => number) => Float64Array.from(
  { length: shape.rows * shape.channels * shape.spatial }, (_, j) => f(Math.floor(j / shape.spatial) % shape.channels));

/** A batch whose channels have their own offset and scale, so mean and variance are not 0 and 1. */
function batch(r: ReturnType<typeof prng>, shape: BatchShape): Float32Array {
  const scale = Array.from({ length: shape.channels }, () => r.uniform(0.1, 4));
  const shift = Array.from({ length: shape.channels }, () => r.uniform(-3, 3));
  const v = r.f32s(shape.rows * shape.channels * shape.spatial, -1.7, 1.7);
  return Float32Array.from(v, (u, j) => u * scale[Math.floor(j / shape.spatial) % shape.channels] + shift[Math.floor(j / shape.spatial) % shape.channels]);
}

const SHAPES: { type: 'batchnorm1d' | 'batchnorm2d'; shape: number[] }[] = [
  ...[1, 3, 4, 5, 7, 8, 13, 17].map((f) => ({ type: 'batchnorm1d' as const, shape: [f] })),
  ...[[2, 1], [3, 2], [4, 5], [1, 8], [3, 9], [2, 17], [5, 3]].map((s) => ({ type: 'batchnorm1d' as const, shape: s })),
  ...[[3, 1, 1], [2, 2, 2], [4, 2, 3], [1, 2, 4], [2, 3, 3], [3, 4, 4], [2, 5, 7], [6, 1, 3]].map((s) => ({ type: 'batchnorm2d' as const, shape: s })),
];

const OPTIONS: Options[] = [
  {},
  { momentum: 0.35, affine: false },
  { momentum: null, eps: 1e-3 },
  { trackRunningStats: false },
  { trackRunningStats: false, affine: false },
];

forEachBuild((arena) => {
  let w: Wasm;
  beforeEach(() => { w = arena(); });

  describe('batch normalisation', () => {
    it('three training steps (z, saved statistics, running statistics, backward) then evaluation match the reference, for every shape and option set', () => {
      const r = prng(11);
      for (const { type, shape } of SHAPES) {
        for (const options of OPTIONS) {
          for (const rows of [2, 3, 6]) {
            w.reset();
            const layer = new Layer(w, type, shape, options, rows + 1);
            const { C, S } = layer;
            const b = { rows, channels: C, spatial: S };
            const { eps, momentum, affine, trackRunningStats: track } = layer.spec;
            const tag = `${type} [${shape}] rows=${rows} ${JSON.stringify(options)}`;
            const gamma = affine ? r.f32s(C, 0.5, 2) : null, beta = affine ? r.f32s(C, -1, 1) : null;
            if (gamma && beta) layer.setAffine(gamma, beta);
            const ref: RunningStats = initialRunning(C);
            for (let step = 0; step < 3; step++) {
              const x = batch(r, b);
              const z = layer.forward(x, rows, true);
              const { mean, variance } = batchStatistics(x, b);
              const invstd = Float64Array.from(variance, (v) => 1 / Math.sqrt(v + eps));
              const scale = Float64Array.from(x, (v, j) => {
                const c = Math.floor(j / S) % C;
                return (Math.abs(v) + Math.abs(mean[c])) * invstd[c] * (gamma ? gamma[c] : 1) + (beta ? Math.abs(beta[c]) : 0);
              });
              expectNear(z, normalize(x, b, mean, variance, eps, gamma, beta), `z step ${step} ${tag}`, { rtol: 0, atol: 1e-6, scale });
              const saved = layer.saved();
              expectNear(saved.mean, mean, `mean ${tag}`, { rtol: 1e-6, atol: 1e-6, scale: perElement({ rows: 1, channels: C, spatial: 1 }, (c) => Math.sqrt(variance[c])) });
              expectNear(saved.invstd, invstd, `invstd ${tag}`, { rtol: 1e-5 });
              if (track) {
                updateRunning(ref, mean, variance, rows * S, momentum);
                const got = layer.running();
                expect(got.tracked, `num_batches_tracked ${tag}`).toBe(step + 1);
                expectNear(got.mean, ref.mean, `running_mean ${tag}`, { rtol: 1e-5, atol: 1e-6 });
                expectNear(got.variance, ref.variance, `running_var ${tag}`, { rtol: 1e-5, atol: 1e-6 });
              }
              const dz = r.f32s(rows * layer.n, -1, 1);
              const got = layer.backward(dz, rows);
              const want = batchNormBackward(dz, x, b, eps, gamma);
              // Magnitudes of each term, for a tolerance relative to what cancels.
              const sums = batchNormBackward(Float64Array.from(dz, Math.abs), x, b, eps, gamma);
              const dxScale = Float64Array.from(dz, (v, j) => {
                const c = Math.floor(j / S) % C;
                const xh = (Math.abs(x[j]) + Math.abs(mean[c])) * invstd[c];
                return (gamma ? gamma[c] : 1) * invstd[c] * (Math.abs(v) + sums.dbeta[c] / (rows * S) + xh * absSum(perChannel(dz, x, b, c, mean[c], invstd[c])) / (rows * S)) + 1e-30;
              });
              expectNear(got.dx, want.dx, `dx step ${step} ${tag}`, { rtol: 0, atol: 2e-6, scale: dxScale });
              if (affine) {
                const dgScale = Float64Array.from({ length: C }, (_, c) => absSum(perChannel(dz, x, b, c, mean[c], invstd[c])) + 1e-30);
                expectNear(got.dweight, want.dgamma, `dweight ${tag}`, { rtol: 0, atol: 2e-6, scale: dgScale });
                expectNear(got.dbias, want.dbeta, `dbias ${tag}`, { rtol: 0, atol: 2e-6, scale: sums.dbeta });
              }
            }
            // Evaluation: running statistics when tracked (unchanged by it), else the batch's.
            const before = track ? layer.running() : null;
            const x = batch(r, { ...b, rows: rows + 1 });
            const z = layer.forward(x, rows + 1, false);
            const eb = { ...b, rows: rows + 1 };
            const stats = track ? { mean: ref.mean, variance: ref.variance } : batchStatistics(x, eb);
            const scale = Float64Array.from(x, (v, j) => {
              const c = Math.floor(j / S) % C;
              return (Math.abs(v) + Math.abs(stats.mean[c])) / Math.sqrt(stats.variance[c] + eps) * (gamma ? gamma[c] : 1) + (beta ? Math.abs(beta[c]) : 0);
            });
            expectNear(z, normalize(x, eb, stats.mean, stats.variance, eps, gamma, beta), `eval z ${tag}`, { rtol: 0, atol: 1e-5, scale });
            if (before) expect(layer.running(), `evaluation changed the running statistics ${tag}`).toEqual(before);
          }
        }
      }
    });

    it('momentum None keeps the cumulative average of the batches\' statistics', () => {
      const r = prng(5);
      const layer = new Layer(w, 'batchnorm1d', [6], { momentum: null }, 4);
      const means: Float64Array[] = [], vars: Float64Array[] = [];
      for (let step = 0; step < 5; step++) {
        const x = batch(r, { rows: 4, channels: 6, spatial: 1 });
        layer.forward(x, 4, true);
        const s = batchStatistics(x, { rows: 4, channels: 6, spatial: 1 });
        means.push(s.mean);
        vars.push(s.variance.map((v) => v * 4 / 3));
      }
      const got = layer.running();
      expect(got.tracked).toBe(5);
      // The initial buffers weigh nothing once the first batch has factor 1/1.
      expectNear(got.mean, means[0].map((_, c) => means.reduce((a, m) => a + m[c], 0) / 5), 'cumulative mean', { rtol: 1e-5, atol: 1e-6 });
      expectNear(got.variance, vars[0].map((_, c) => vars.reduce((a, v) => a + v[c], 0) / 5), 'cumulative var', { rtol: 1e-5 });
    });

    it('the backward of the first layer (dx = 0) writes the same parameter gradients and leaves dx alone', () => {
      const r = prng(9);
      for (const [type, shape] of [['batchnorm1d', [7]], ['batchnorm2d', [3, 3, 5]]] as const) {
        w.reset();
        const layer = new Layer(w, type, [...shape], {}, 5);
        layer.setAffine(r.f32s(layer.C, 0.5, 2), r.f32s(layer.C));
        const b = { rows: 5, channels: layer.C, spatial: layer.S };
        layer.forward(batch(r, b), 5, true);
        const dz = r.f32s(5 * layer.n);
        const full = layer.backward(dz, 5);
        w.write(layer.dx, new Float32Array(5 * layer.n).fill(NaN));
        const firstLayer = layer.backward(dz, 5, false);
        expect(firstLayer.dweight).toEqual(full.dweight);
        expect(firstLayer.dbias).toEqual(full.dbias);
        expect(Array.from(firstLayer.dx).every(Number.isNaN)).toBe(true);
      }
    });

    it('reproduces torch 1.13 (known answers): training outputs, gradients and buffers over three steps, then evaluation', () => {
      let values = 0;
      for (const c of FIXTURE.cases) {
        w.reset();
        const rows = c.rows;
        const layer = new Layer(w, c.type, c.shape, c.options, rows + 1);
        if (c.weight && c.bias) layer.setAffine(c.weight, c.bias);
        const compare = (got: ArrayLike<number>, want: ArrayLike<number>, what: string) => {
          expect(got.length, what).toBe(want.length);
          for (let i = 0; i < want.length; i++) {
            const d = ulpsF32(got[i], Math.fround(want[i]));
            values++;
            if (d !== 0) expect.fail(`${c.name} ${what}[${i}]: kernel ${got[i]} vs torch ${want[i]} (${d} ulps)`);
          }
        };
        c.steps.forEach((s, step) => {
          compare(layer.forward(s.x, rows, true), s.z, `step ${step} z`);
          const g = layer.backward(s.dz, rows);
          compare(g.dx, s.dx, `step ${step} dx`);
          if (s.dweight && s.dbias) {
            compare(g.dweight, s.dweight, `step ${step} dweight`);
            compare(g.dbias, s.dbias, `step ${step} dbias`);
          }
          if (s.runningMean && s.runningVar) {
            const got = layer.running();
            compare(got.mean, s.runningMean, `step ${step} running_mean`);
            compare(got.variance, s.runningVar, `step ${step} running_var`);
            expect(got.tracked, `${c.name} num_batches_tracked`).toBe(s.numBatchesTracked);
          }
        });
        compare(layer.forward(c.eval.x, c.eval.rows, false), c.eval.z, 'eval z');
      }
      // Bit for bit: an emulated fma's double rounding (assembly/batchnorm.ts) could cost an ulp
      // once in ~2²⁹ operations, and does nowhere in these inputs.
      expect(values).toBeGreaterThan(6000);
    });
  });
});

/**
 * |(x − mean)·invstd·dz| of channel c, per value, bounded as f32 computes it: x − mean loses
 * the ulps of x and of mean, so their magnitudes count, not their difference's.
 */
function perChannel(dz: ArrayLike<number>, x: ArrayLike<number>, b: BatchShape, c: number, mean: number, invstd: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < b.rows; r++) {
    for (let i = 0; i < b.spatial; i++) {
      const j = (r * b.channels + c) * b.spatial + i;
      out.push((Math.abs(x[j]) + Math.abs(mean)) * invstd * Math.abs(dz[j]));
    }
  }
  return out;
}

interface FixtureStep {
  x: number[]; dz: number[]; z: number[]; dx: number[]; dweight?: number[]; dbias?: number[];
  runningMean?: number[]; runningVar?: number[]; numBatchesTracked?: number;
}
interface FixtureCase {
  name: string; type: 'batchnorm1d' | 'batchnorm2d'; shape: number[]; rows: number; options: Options;
  weight: number[] | null; bias: number[] | null; steps: FixtureStep[]; eval: { rows: number; x: number[]; z: number[] };
}
const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/batchnorm/torch-batchnorm.json', import.meta.url), 'utf8')) as { torch: string; cases: FixtureCase[] };

describe('batch normalisation across kernel variants', () => {
  // Relaxed SIMD needs an engine flag in Node 20; where it is off, the other two are compared.
  const variants = (['simd', 'scalar', 'relaxed'] as KernelVariant[]).filter((v) => {
    try {
      loadTestModule('release', v);
      return true;
    } catch {
      return false;
    }
  });
  it(`scalar, SIMD (and relaxed, where it runs) builds compute the same bits: the same operations in the same order (${variants.join(', ')})`, () => {
    expect(variants).toContain('scalar');
    const results = variants.map((v) => {
      const w = new Wasm(loadTestModule('release', v));
      const r = prng(21);
      const out: number[] = [];
      for (const [type, shape] of [['batchnorm1d', [13]], ['batchnorm1d', [3, 11]], ['batchnorm2d', [2, 5, 5]], ['batchnorm2d', [5, 1, 2]]] as const) {
        w.reset();
        const layer = new Layer(w, type, [...shape], {}, 7);
        layer.setAffine(r.f32s(layer.C, 0.5, 2), r.f32s(layer.C));
        const b = { rows: 7, channels: layer.C, spatial: layer.S };
        for (let step = 0; step < 2; step++) {
          out.push(...layer.forward(batch(r, b), 7, true));
          const g = layer.backward(r.f32s(7 * layer.n), 7);
          out.push(...g.dx, ...g.dweight, ...g.dbias);
        }
        const run = layer.running();
        out.push(...run.mean, ...run.variance, ...layer.forward(batch(r, b), 7, false));
      }
      w.check();
      return Float32Array.from(out);
    });
    for (let i = 1; i < results.length; i++) expect(results[i], variants[i]).toEqual(results[0]);
  });
});
