// The measured f32x4 peak: compiles peak-source.mjs's loops with the root's asc (standard
// SIMD, and relaxed SIMD), and times them in short windows that alternate with the windows of
// the work they bound (gemm.mjs: the dense products; run.mjs: the MLP rows, through
// impl-peak.mjs): each window of work is held to the peak windows just before and after it,
// so a change of clock or load hits both alike.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PEAK_LOOPS, flopPerIteration, peakSource } from './peak-source.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE = 'bench/build/peak.ts';
// Each build contributes the loops it exists for: mul+add from the standard build,
// relaxed_madd from the relaxed one (its mul+add loops would be the same code).
export const PEAK_BUILDS = [
  { file: 'bench/build/peak.wasm', enable: 'simd', kind: 'mulAdd' },
  { file: 'bench/build/peak-relaxed.wasm', enable: 'simd,relaxed-simd', kind: 'relaxed' },
];
/** One call's target duration once calibrated: long enough that the call itself is free. */
const CALL_MS = 2;

/**
 * Writes bench/build/peak.ts and compiles both modules in parallel. The near-empty --config
 * keeps asc from applying the root asconfig.json (descent's own build: imported memory,
 * output paths), so exactly the flags below apply.
 */
export async function buildPeak() {
  mkdirSync(new URL('./build/', import.meta.url), { recursive: true });
  writeFileSync(new URL(`../${SOURCE}`, import.meta.url), peakSource());
  await Promise.all(PEAK_BUILDS.map((b) => new Promise((resolve, reject) => {
    const args = ['--no', 'asc', SOURCE, '--config', 'bench/peak.asconfig.json', '--runtime', 'stub', '-O3', '--noAssert', '--enable', b.enable, '-o', b.file];
    execFile('npx', args, { cwd: ROOT }, (err, stdout, stderr) => (err ? reject(new Error(`npx ${args.join(' ')} failed:\n${stderr}${stdout}`)) : resolve()));
  })));
}

/**
 * The loops this process can run (the relaxed module only validates where relaxed SIMD
 * does), each warmed up (V8 tiers it up to TurboFan) and calibrated to ~CALL_MS a call.
 * Returns [{ name, kind, what, run() → FLOP done }].
 */
export function loadPeakLoops() {
  const loops = [];
  for (const b of PEAK_BUILDS) {
    const bytes = readFileSync(new URL(`../${b.file}`, import.meta.url));
    if (!WebAssembly.validate(bytes)) continue;
    const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
    if (b.kind === 'relaxed' && !ex.hasRelaxed()) continue;
    for (const loop of PEAK_LOOPS.filter((l) => l.kind === b.kind)) {
      const f = ex[loop.name];
      const [m, c] = loop.args.map(Math.fround);
      let iters = 1 << 10;
      for (let k = 0; k < 50; k++) f(iters, m, c); // past the baseline compiler
      for (;;) {
        const t0 = performance.now();
        f(iters, m, c);
        if (performance.now() - t0 >= CALL_MS || iters >= 1 << 28) break;
        iters *= 2;
      }
      const flop = iters * flopPerIteration(loop);
      loops.push({ name: loop.name, kind: loop.kind, what: loop.what, run: () => (f(iters, m, c), flop) });
    }
  }
  return loops;
}

/**
 * Seconds by the wall clock, or by the process's CPU time: a single-threaded measurement
 * on a shared machine loses nothing to the time other work holds the core (gemm.mjs uses
 * it); rows that run threads can only be timed by the wall clock (the MLP section).
 */
export const CLOCKS = {
  wall: () => performance.now() / 1000,
  cpu: () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  },
};

/** Calls `run` (returns the FLOP it did) for about `ms` of wall time; returns GFLOP/s by `clock`. */
export function timeFlops(run, ms, clock = CLOCKS.wall) {
  let flop = 0;
  const c0 = clock();
  const t0 = performance.now();
  do flop += run();
  while (performance.now() - t0 < ms);
  return flop / (clock() - c0) / 1e9;
}

/**
 * One peak window: every loop for an equal share of `ms`, by `clock`. Returns
 * { loops: { name → GFLOP/s }, mulAdd, relaxed }: the window's best mul+add loop, and the
 * best of all its loops (a relaxed build may run either kind), null where none ran.
 */
export function peakWindow(loops, ms, clock) {
  const gflops = Object.fromEntries(loops.map((l) => [l.name, timeFlops(l.run, ms / loops.length, clock)]));
  const best = (kinds) => Math.max(0, ...loops.filter((l) => kinds.includes(l.kind)).map((l) => gflops[l.name])) || null;
  return { loops: gflops, mulAdd: best(['mulAdd']), relaxed: best(['mulAdd', 'relaxed']) };
}

/**
 * A window's bound from the peak windows just before and after it (the mean of the two):
 * the work and its bound are measured alternately, seconds apart at most, so a change of
 * clock or load between rounds moves both. `kind` is 'mulAdd' or 'relaxed'.
 */
export function adjacentPeak(before, after, kind) {
  const v = [before?.[kind], after?.[kind]].filter((x) => x != null);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

/**
 * Fraction of peak of something timed in windows, each with its adjacent peak: the median
 * of the windows' fractions. Above 1 means a loop of peak-source.mjs is not the fastest thing
 * of its kind: the work itself is then the bound (`beaten`, the fraction reads 1).
 */
export function fractionOfPeak(rates, bounds) {
  const f = rates.map((r, i) => (bounds[i] ? r / bounds[i] : null)).filter((x) => x != null);
  if (f.length === 0) return null;
  const m = median(f);
  return { fraction: Math.min(m, 1), measured: m, beaten: m > 1, bound: median(bounds.filter((b) => b != null)) };
}

/** Every peak window summarised: each loop's median, and the median of the windows' bests. */
export function summarizePeak(loops, windows) {
  const col = (get) => windows.map(get).filter((x) => x != null);
  return {
    loops: loops.map((l) => ({ name: l.name, kind: l.kind, what: l.what, gflops: median(col((w) => w.loops[l.name])), windows: col((w) => w.loops[l.name]) })),
    mulAdd: windows.length ? median(col((w) => w.mulAdd)) : null,
    relaxed: windows.length ? median(col((w) => w.relaxed)) : null,
    windows: windows.length,
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}
