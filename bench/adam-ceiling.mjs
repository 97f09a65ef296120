// The ceiling Adam puts on a training step's fraction of peak (`node bench/adam-ceiling.mjs
// [--ms 200] [--windows 7] [--file dist/descent.wasm] [--json]`).
// The bench's fraction of peak counts only the products' FLOP (cases.mjs flopsPerStep), so
// the optimizer's pass is time the step spends at 0 GFLOP/s. This script measures that pass
// on its own: adamStep (PyTorch's default Adam: no decay, no AMSGrad) called on parameter
// sets of three sizes — in L1 (1,024 values), in L2 (16,384) and the bench MLP's 235,146
// (3.8 MB of p, g, m, v: beyond L2) — with every first moment normal (live units) and, for
// the two larger, every third row of 784 at a subnormal first moment and a zero gradient (dead ReLU units,
// as the MLP has after a few hundred steps). Windows of the f32x4 peak loops (peak.mjs) run
// between them, so each figure has its peak beside it. Then, for the MLP at batch 32 and 128:
// the products' time at the peak, the update's time, and the best fraction of peak (and samples/s) a step
// could reach if its products ran at the peak and nothing but the update took time. Times are
// CPU time of the process (the machine may be shared). Needs `npm run build` (dist/) and the
// peak module (bench/build/peak.wasm, which `npm run bench` builds; built here if absent).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildPeak, CLOCKS, loadPeakLoops, median, peakWindow, PEAK_BUILDS } from './peak.mjs';
import { CASES, flopsPerStep, ADAM } from './cases.mjs';
import { kernelInstance } from './wasm-memory.mjs';
import { flag, timeWindow, warmUp } from './micro.mjs';

const ROOT = new URL('..', import.meta.url);
const MS = Number(flag('ms', 200));
const WINDOWS = Number(flag('windows', 7));
const FILE = flag('file', 'dist/descent.wasm');
const JSON_OUT = process.argv.includes('--json');
const MLP_PARAMS = 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10;
const SIZES = [['L1', 1024], ['L2', 16_384], ['MLP', MLP_PARAMS]];

// Adam's block (src/wasm/abi.ts, assembly/abi.ts ADAM_*; const enums, so not in dist/).
const HP = { STEP_SIZE: 0, BC2_SQRT: 1, BETA1: 2, BETA2: 3, EPS: 4, WEIGHT_DECAY: 5, AMSGRAD: 6, WORDS: 8 };

/** An instance of the build with p, g, m, v of n values; `dead`: every third value a dead unit's. */
function setUp(module, bytes, n, dead) {
  const { ex, memory, alloc, grow } = kernelInstance(module, bytes, 64);
  const hp = alloc(HP.WORDS * 2), p = alloc(n), g = alloc(n), m = alloc(n), v = alloc(n);
  grow();
  const f32 = new Float32Array(memory.buffer), f64 = new Float64Array(memory.buffer);
  // Step 1000 of the bench's Adam; values of a trained MLP's magnitude.
  const t = 1000;
  f64.set([ADAM.lr / (1 - ADAM.beta1 ** t), Math.sqrt(1 - ADAM.beta2 ** t), ADAM.beta1, ADAM.beta2, ADAM.eps, 0, 0], hp >> 3);
  let s = 12345;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
  for (let i = 0; i < n; i++) {
    const isDead = dead && Math.floor(i / 784) % 3 === 0; // whole rows: a dead unit's weights
    f32[(p >> 2) + i] = 0.1 * rand();
    f32[(g >> 2) + i] = isDead ? 0 : 1e-3 * rand();
    f32[(m >> 2) + i] = isDead ? 4 * 2 ** -149 : 1e-4 * rand();
    f32[(v >> 2) + i] = 1e-7 * (rand() + 0.5);
  }
  return () => ex.adamStep(p, g, m, v, 0, n, hp);
}


const locate = (file) => (existsSync(file) ? resolve(file) : new URL(file, ROOT));
const bytes = readFileSync(locate(FILE));
const module = new WebAssembly.Module(bytes);
if (!existsSync(new URL(`../${PEAK_BUILDS[0].file}`, import.meta.url))) await buildPeak();
const loops = loadPeakLoops().filter((l) => l.kind === 'mulAdd');

const runs = [];
for (const [where, n] of SIZES) {
  // A dead unit is a row of 784 weights: only the larger sets hold whole rows of both kinds.
  for (const dead of n >= 16_384 ? [false, true] : [false]) {
    const run = setUp(module, bytes, n, dead);
    runs.push({ where, n, dead, run, burst: warmUp(run, MS / 2), ms: [] });
  }
}
const peaks = [];
for (let w = 0; w < WINDOWS; w++) {
  peaks.push(peakWindow(loops, MS / 2, CLOCKS.cpu).mulAdd);
  for (const r of runs) r.ms.push(timeWindow(r.run, MS, r.burst));
}
peaks.push(peakWindow(loops, MS / 2, CLOCKS.cpu).mulAdd);

const peak = median(peaks);
const result = {
  file: FILE,
  peakGflops: peak,
  update: runs.map((r) => ({ where: r.where, n: r.n, dead: r.dead, nsPerParam: (median(r.ms) * 1e6) / r.n, bestNsPerParam: (Math.min(...r.ms) * 1e6) / r.n })),
};
const perParam = (where, dead) => result.update.find((u) => u.where === where && u.dead === dead).nsPerParam;
result.mlp = CASES.filter((c) => c.id === 'mlp-b32' || c.id === 'mlp-b128').map((c) => {
  const productsMs = flopsPerStep(c) / (peak * 1e9) * 1e3;
  const floorMs = perParam('L1', false) * MLP_PARAMS / 1e6;
  const measuredMs = perParam('MLP', true) * MLP_PARAMS / 1e6;
  return {
    batch: c.batch, productsMs, updateFloorMs: floorMs, updateMs: measuredMs,
    // The step's FLOP over (products at the peak + the update), as a fraction of the peak.
    ceilingInCache: productsMs / (productsMs + floorMs),
    ceilingMeasured: productsMs / (productsMs + measuredMs),
    samplesPerSecond: c.batch * 1000 / (productsMs + measuredMs),
  };
});

if (JSON_OUT) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`${FILE}: f32x4 mul+add peak ${peak.toFixed(1)} GFLOP/s (median of ${peaks.length} windows, CPU time)`);
  console.log('adamStep, ns of CPU time per parameter (median of windows; best):');
  for (const u of result.update) console.log(`  ${u.where.padEnd(3)} ${String(u.n).padStart(7)} values, ${u.dead ? 'a third dead' : 'all live    '}: ${u.nsPerParam.toFixed(3)} (${u.bestNsPerParam.toFixed(3)})`);
  for (const m of result.mlp) {
    console.log(`MLP batch ${m.batch}: products at the peak ${m.productsMs.toFixed(3)} ms; update ${m.updateMs.toFixed(3)} ms (in L1 it would be ${m.updateFloorMs.toFixed(3)} ms)`);
    console.log(`  best a step can reach: ${(100 * m.ceilingMeasured).toFixed(1)}% of the peak (with the update as fast as in L1: ${(100 * m.ceilingInCache).toFixed(1)}%), ${Math.round(m.samplesPerSecond)} samples/s`);
  }
}
