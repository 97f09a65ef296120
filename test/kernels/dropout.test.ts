// The dropout layer's kernels (assembly/dropout.ts), run by the kernels' own pass
// (test/helpers/layer-pass.ts): given masks against the f64 reference and PyTorch 1.13's own
// answers bit for bit (test/fixtures/dropout/make_dropout.py); the masks the kernel draws
// (their keep rate and independence, and that they are a function of seed, layer and batch
// row alone); evaluation and the ends p = 0 and p = 1. Then networks: the same masks on 1 and
// 2 threads, a new mask every training step (fit, trainer, LR finder), and a resumed run
// drawing what the uninterrupted one drew.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { forEachBuild, expectNear, prng, sameValue, type Wasm } from '../helpers/kernel-arena.js';
import { layerPass, resolveLayer, type LayerPass } from '../helpers/layer-pass.js';
import { loadTestModule, loadThreadsModule, testKernels } from '../helpers/wasm.js';
import { Engine } from '../../src/engine/engine.js';
import { findLearningRate } from '../../src/lr-finder.js';
import { dropout } from '../../src/model/dropout.js';
import { Network } from '../../src/network.js';
import { spawnWorker } from '../../src/node.js';
import { stepSeed } from '../../src/train/stepper.js';
import type { NetworkSpec, ResolvedDropoutLayer, TrainingSnapshot } from '../../src/types.js';
import { LAYER, PASS } from '../../src/wasm/abi.js';
import { dropoutBackward, dropoutForward, torchKeptNoise } from '../reference/dropout.js';

interface Fixture { p: number; rows: number; features: number; x: string; keep: number[]; target: string; z: string; dz: string; dx: string; scale: number | null }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/dropout/dropout.json', import.meta.url), 'utf8')) as { torch: string; cases: Fixture[] };
const f32 = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};
/** Bit for bit, but any NaN matches any NaN (wasm leaves a NaN's sign and payload open). */
function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!sameValue(actual[i], expected[i])) expect.fail(`${what}[${i}]: kernel ${Object.is(actual[i], -0) ? '-0' : actual[i]} vs ${Object.is(expected[i], -0) ? '-0' : expected[i]}`);
  }
}
const GIVEN_MASK = LAYER.COMMON + dropout.ownWords.indexOf('givenMask');

forEachBuild((arena) => {
  let w: Wasm;
  beforeEach(() => { w = arena(); });

  const setUp = (p: number, rows: number, features: number, x: ArrayLike<number>, y: ArrayLike<number>, opts: { seed?: number; index?: number; row0?: number } = {}) => {
    const layer = resolveLayer(dropout, { p }, [features]);
    return layerPass(w, dropout, layer, rows, { x, y, ...opts });
  };
  /** This pass's multipliers, as the forward left them in the scratch. */
  const multipliers = (pass: LayerPass<ResolvedDropoutLayer>) => w.read(pass.scratch, pass.rows * pass.layer.outputs);

  describe('dropout, given a mask', () => {
    it.each(fixture.cases.map((c) => [c.p, c] as const))(`p = %s: z and dx equal PyTorch ${fixture.torch}'s bit for bit (inf · 0 is NaN, −2.5 · 0 is −0)`, (_, c) => {
      const x = f32(c.x), n = x.length;
      const pass = setUp(c.p, c.rows, c.features, x, f32(c.target));
      pass.setLayerWord(GIVEN_MASK, w.f32(c.keep));
      pass.train();
      expectSame(w.read(pass.z, n), f32(c.z), 'z');
      expectSame(w.read(pass.dz, n), f32(c.dz), 'dz (the MSE gradient torch was given)');
      expectSame(w.read(pass.dx, n), f32(c.dx), 'dx');
      if (c.scale !== null) expect(torchKeptNoise(c.p)).toBe(c.scale);
    });

    it('z and dx match the f64 reference for random p, shapes and masks; the shard reads the batch mask at its first row', () => {
      const r = prng(21);
      for (const [rows, features] of [[1, 1], [3, 5], [2, 8], [4, 13], [7, 33]]) {
        for (let t = 0; t < 4; t++) {
          w.reset();
          const p = t === 0 ? 0.5 : r.uniform(0.01, 0.99);
          const row0 = r.int(3);
          const n = rows * features;
          const batchKeep = Array.from({ length: (row0 + rows) * features }, () => (r.next() < 1 - p ? 1 : 0));
          const keep = batchKeep.slice(row0 * features);
          const x = r.f32s(n, -4, 4), y = r.f32s(n);
          const pass = setUp(p, rows, features, x, y, { row0 });
          pass.setLayerWord(GIVEN_MASK, w.f32(batchKeep));
          pass.train();
          const tag = `p ${p} rows ${rows} features ${features} row0 ${row0}`;
          // One rounding of 1/(1 − p) twice over and one of the product: within 3 f32 half-ulps.
          expectNear(w.read(pass.z, n), dropoutForward(x, keep, p, true), `z ${tag}`, { rtol: 2 ** -22, atol: 0 });
          const dz = w.read(pass.dz, n);
          expectNear(w.read(pass.dx, n), dropoutBackward(dz, keep, p), `dx ${tag}`, { rtol: 2 ** -22, atol: 0 });
          // And exactly PyTorch's f32 arithmetic: x · f32(1/f32(1 − p)).
          const s = torchKeptNoise(p);
          expectSame(w.read(pass.z, n), x.map((v, i) => v * (keep[i] ? s : 0)), `z ${tag}`);
          // Given masks leave the scratch alone (on the host's main thread it holds the mask itself).
          expect(Array.from(multipliers(pass)).every(Number.isNaN)).toBe(true);
        }
      }
    });
  });

  describe('dropout in evaluation', () => {
    it('passes x through bit for bit for every p (forwardPass)', () => {
      const x = Float32Array.of(1.5, -0, NaN, Infinity, -3, 0, 1e-40, -2);
      for (const p of [0, 0.3, 0.5, 1]) {
        w.reset();
        const pass = setUp(p, 2, 4, x, new Float32Array(8));
        pass.forward();
        expect(new Uint32Array(w.read(pass.z, 8).buffer)).toEqual(new Uint32Array(x.buffer));
      }
    });
  });

  describe('dropout\'s drawn masks', () => {
    const rows = 32, features = 128, n = rows * features;
    const ones = new Float32Array(n).fill(1);
    /** The keep mask (0/1) a training pass draws, after checking z = x · multiplier. */
    const draw = (p: number, seed: number, index = 1, x: Float32Array = ones, r0 = 0, rowCount = rows) => {
      w.reset();
      const pass = setUp(p, rowCount, features, x, new Float32Array(rowCount * features), { seed, index, row0: r0 });
      pass.train();
      const m = multipliers(pass), s = torchKeptNoise(p);
      const z = w.read(pass.z, rowCount * features);
      for (let i = 0; i < m.length; i++) {
        if (m[i] !== 0 && m[i] !== s) expect.fail(`multiplier[${i}] = ${m[i]}, neither 0 nor ${s}`);
        if (!sameValue(z[i], Math.fround(x[i] * m[i]))) expect.fail(`z[${i}] = ${z[i]} is not x · multiplier`);
      }
      // The backward multiplies dz by the same multipliers.
      const dz = w.read(pass.dz, rowCount * features);
      expectSame(w.read(pass.dx, rowCount * features), dz.map((v, i) => v * m[i]), 'dx');
      return Uint8Array.from(m, (v) => (v !== 0 ? 1 : 0));
    };
    /** |k − n·q| within 5 binomial standard deviations. */
    const expectBinomial = (k: number, trials: number, q: number, what: string) => {
      const sd = Math.sqrt(trials * q * (1 - q));
      expect(Math.abs(k - trials * q), `${what}: ${k} of ${trials}, expected ${(trials * q).toFixed(1)} ± ${sd.toFixed(1)}`).toBeLessThanOrEqual(5 * sd + 1e-9);
    };

    it.each([0.1, 0.25, 0.5, 0.75, 0.9, 0.99])('p = %s: the share kept, of pairs kept and of masks agreeing across seeds and layers is binomial', (p) => {
      // The kernel keeps u < f32(1 − p) with u on a 2⁻²⁴ grid: q is 1 − p to 2⁻²⁴.
      const q = Math.ceil(Math.fround(1 - p) * 2 ** 24) / 2 ** 24;
      expect(Math.abs(q - (1 - p))).toBeLessThan(2 ** -23);
      let kept = 0, pairs = 0, agree = 0, agreeLayer = 0, draws = 0;
      let previous: Uint8Array | null = null;
      for (let s = 0; s < 12; s++) {
        const seed = stepSeed(7, s);
        const m = draw(p, seed);
        const other = draw(p, seed, 2);
        for (let i = 0; i < n; i++) {
          kept += m[i];
          agreeLayer += m[i] === other[i] ? 1 : 0;
          if (previous) agree += m[i] === previous[i] ? 1 : 0;
        }
        for (let i = 0; i < n; i += 2) pairs += m[i] & m[i + 1];
        draws += n;
        previous = m;
      }
      expectBinomial(kept, draws, q, 'kept');
      expectBinomial(pairs, draws / 2, q * q, 'neighbours both kept');
      const same = q * q + (1 - q) * (1 - q);
      expectBinomial(agree, draws - n, same, 'same value kept in consecutive steps');
      expectBinomial(agreeLayer, draws, same, 'same value kept in two layers');
    });

    it('a mask is a function of (seed, layer, batch row) alone: equal for equal, a shard at row0 draws the batch\'s rows', () => {
      const a = draw(0.5, 12345, 3);
      expect(draw(0.5, 12345, 3)).toEqual(a);
      expect(draw(0.5, 12346, 3)).not.toEqual(a);
      expect(draw(0.5, 12345, 4)).not.toEqual(a);
      expect(draw(0.5, -12345, 3)).not.toEqual(a);
      // Rows 5…12 of the batch as a shard of their own: the batch's rows, not a fresh draw.
      const shard = draw(0.5, 12345, 3, ones, 5, 8);
      expect(shard).toEqual(a.subarray(5 * features, 13 * features));
      // p changes which values are kept only through the threshold: u < 0.75 keeps a superset of u < 0.5.
      const wider = draw(0.25, 12345, 3);
      for (let i = 0; i < n; i++) if (a[i] && !wider[i]) expect.fail(`value ${i} kept at p = 0.5 but not at p = 0.25`);
    });

    it('p = 0 passes x and dz through; p = 1 multiplies both by 0 (−0, and NaN for ±inf)', () => {
      const x = Float32Array.from({ length: 4 * features }, (_, i) => [1.5, -2, -0, Infinity, -Infinity, 3e-39, NaN][i % 7]);
      for (const p of [0, 1]) {
        w.reset();
        const pass = setUp(p, 4, features, x, new Float32Array(4 * features), { seed: 99 });
        pass.train();
        const z = w.read(pass.z, x.length), dz = w.read(pass.dz, x.length), dx = w.read(pass.dx, x.length);
        expectSame(z, p === 0 ? x : x.map((v) => v * 0), `z at p = ${p}`);
        expectSame(dx, p === 0 ? dz : dz.map((v) => v * 0), `dx at p = ${p}`);
      }
    });
  });
});

// ---- Networks: the kernel's masks as training uses them.

const spec: NetworkSpec = {
  inputs: 6,
  layers: [{ units: 16, activation: 'relu' }, { type: 'dropout', p: 0.5 }, { units: 12, activation: 'tanh' }, { type: 'dropout', p: 0.2 }, { units: 3 }],
  loss: 'softmax_cross_entropy', seed: 3,
};
const data = (() => {
  const r = prng(5);
  const x = Array.from({ length: 48 }, () => Array.from({ length: 6 }, () => r.uniform(-1, 1)));
  return { x, y: x.map((row) => (row[0] + row[1] > 0 ? (row[2] > 0 ? 2 : 1) : 0)) };
})();
const engineOf = (net: Network) => (net as unknown as { e: Engine }).e;
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const paramBits = (net: Network) => net.getParameters().flatMap((p) => [...bits(p.weight), ...bits(p.bias)]);
const off = { preflight: 'off', diagnostics: false } as const;

describe('dropout in networks', () => {
  afterEach(() => { vi.restoreAllMocks(); });

  it('a step draws the same masks on 1 and 2 threads, and the 2-thread run is the same run to run', () => {
    const one = Network.create(spec, loadTestModule());
    const two = () => Network.create(spec, loadThreadsModule(), { kernels: testKernels, threads: 2, spawnWorker });
    const a = two();
    // Batches of 8: each thread's shard is one 4-row block of the dense kernels, so every row's
    // forward is the same arithmetic on 1 and 2 threads and the dropout layers' z must match bit for bit.
    const options = { optimizer: { type: 'sgd', lr: 0.1 } as const, batchSize: 8, mode: 'mini-batch' as const, shuffle: false };
    const t1 = one.trainer(data.x, data.y, options), t2 = a.trainer(data.x, data.y, options);
    for (let step = 0; step < 3; step++) {
      t1.step();
      t2.step();
      const e1 = engineOf(one), e2 = engineOf(a);
      for (const l of [1, 3]) {
        const width = e1.layers[l].outputs;
        const whole = e1.f32.slice(e1.layers[l].scratch >> 2, (e1.layers[l].scratch >> 2) + 8 * width);
        const shard0 = e2.f32.slice(e2.layers[l].scratch >> 2, (e2.layers[l].scratch >> 2) + 4 * width);
        const shard1 = e2.f32.slice(e2.workers[0].scratch[l] >> 2, (e2.workers[0].scratch[l] >> 2) + 4 * width);
        expect([...bits(shard0), ...bits(shard1)], `step ${step}, layer ${l}'s multipliers`).toEqual(bits(whole));
        if (step === 0) {
          const z1 = e1.f32.slice(e1.layers[l].z >> 2, (e1.layers[l].z >> 2) + 8 * width);
          const z2 = [0, 1].flatMap((t) => bits(e2.f32.slice(e2.shardOutput(t, l) >> 2, (e2.shardOutput(t, l) >> 2) + 4 * width)));
          expect(z2, `layer ${l}'s z`).toEqual(bits(z1));
        }
      }
    }
    // Gradients add up per thread: within f32 rounding of one thread, and bit for bit run to run.
    const [c, d, single] = [two(), two(), Network.create(spec, loadTestModule())];
    const long = { ...options, epochs: 3, ...off };
    for (const n of [c, d, single]) n.fitSync(data.x, data.y, long);
    expect(paramBits(d)).toEqual(paramBits(c));
    const p1 = single.getParameters(), p2 = c.getParameters();
    p1.forEach((l, i) => l.weight.forEach((v, j) => expect(Math.abs(v - p2[i].weight[j])).toBeLessThan(1e-4 + 1e-3 * Math.abs(v))));
    for (const n of [one, a, c, d, single]) n.dispose();
  });

  it('every training step draws a new mask from the fit\'s seed (the network\'s by default) and the step: fit, trainer and the LR finder', () => {
    const seeds: number[] = [];
    vi.spyOn(Engine.prototype, 'setStepSeed').mockImplementation(function (this: Engine, seed: number) {
      seeds.push(seed);
      const w = this.i32;
      w[(this.desc >> 2) + PASS.SEED] = seed;
    });
    const expected = (from: number, count: number) => Array.from({ length: count }, (_, s) => stepSeed(spec.seed!, from + s));
    const net = Network.create(spec, loadTestModule());
    // lr = 0: the weights never move, so a step's loss changes only with its masks.
    net.fitSync(data.x, data.y, { optimizer: { type: 'sgd', lr: 0 }, mode: 'batch', epochs: 4, ...off });
    expect(seeds).toEqual(expected(0, 4));
    expect(new Set(seeds).size).toBe(4);
    seeds.length = 0;
    const t = net.trainer(data.x, data.y, { optimizer: { type: 'sgd', lr: 0 }, mode: 'batch' });
    const losses: number[] = [];
    for (let s = 0; s < 4; s++) {
      t.step();
      losses.push(t.loss);
    }
    expect(seeds).toEqual(expected(0, 4));
    expect(new Set(losses).size, `losses ${losses}`).toBe(4);
    seeds.length = 0;
    findLearningRate(net, data.x, data.y, { optimizer: { type: 'sgd', lr: 0.1 }, numIter: 5, batchSize: 16 });
    expect(seeds).toEqual(expected(0, seeds.length));
    expect(seeds.length).toBeGreaterThanOrEqual(2);
    net.dispose();
    // Without dropout (p = 0) the same steps give the same loss every time.
    const still = Network.create({ ...spec, layers: spec.layers.map((l) => ('type' in l && l.type === 'dropout' ? { ...l, p: 0 } : l)) }, loadTestModule());
    const t0 = still.trainer(data.x, data.y, { optimizer: { type: 'sgd', lr: 0 }, mode: 'batch' });
    const flat: number[] = [];
    for (let s = 0; s < 3; s++) {
      t0.step();
      flat.push(t0.loss);
    }
    expect(new Set(flat).size).toBe(1);
    still.dispose();
  });

  it('a resumed run draws the masks the uninterrupted one drew (equal parameters and history, bit for bit)', () => {
    const options = { optimizer: { type: 'adam', lr: 0.01 } as const, batchSize: 10, epochs: 4, ...off };
    const whole = Network.create(spec, loadTestModule());
    // Checkpoint files hold dense layers only so far: the snapshot and the parameters go across as objects.
    let snapshot: TrainingSnapshot | null = null;
    let params: ReturnType<Network['getParameters']> = [];
    const history = whole.fitSync(data.x, data.y, {
      ...options,
      onBatchEnd: (info, run) => {
        if (info.step !== 7) return;
        snapshot = structuredClone(run.snapshot());
        params = whole.getParameters();
      },
    });
    const resumed = Network.create(spec, loadTestModule());
    resumed.setParameters(params);
    const after = resumed.fitSync(data.x, data.y, { ...options, resume: snapshot! });
    expect(paramBits(resumed)).toEqual(paramBits(whole));
    expect(after.epochs.map((e) => e.loss)).toEqual(history.epochs.map((e) => e.loss));
    // And the masks matter here: the same run without them ends elsewhere.
    const plain = Network.create({ ...spec, layers: spec.layers.map((l) => ('type' in l && l.type === 'dropout' ? { ...l, p: 0 } : l)) }, loadTestModule());
    plain.fitSync(data.x, data.y, options);
    expect(paramBits(plain)).not.toEqual(paramBits(whole));
    for (const n of [whole, resumed, plain]) n.dispose();
  });
});
