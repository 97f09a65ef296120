// The measured SIMD peak: compiles peak.ts with the root's asc (standard SIMD, and relaxed
// SIMD when this asc can), and times its independent-chain loops. The GEMM table reports
// descent's kernels as a percentage of the best chain count here, not of a datasheet number.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Each build contributes the chains it exists for: mul+add from the standard build,
// relaxed_madd from the relaxed one (whose mul+add chains would be the same code).
export const PEAK_BUILDS = [
  { file: 'bench/build/peak.wasm', enable: 'simd', kinds: ['mulAdd'] },
  { file: 'bench/build/peak-relaxed.wasm', enable: 'simd,relaxed-simd', kinds: ['relaxed'] },
];
const CHAINS = [8, 12, 16];
const FLOP_PER_ROUND = 8; // 4 lanes × (mul + add), per chain

/**
 * Compiles both peak modules, in parallel (see PEAK_BUILDS for their paths). The
 * near-empty --config keeps asc from applying the root asconfig.json (descent's own build:
 * imported memory, output paths), so exactly the flags below apply.
 */
export async function buildPeak() {
  mkdirSync(new URL('./build/', import.meta.url), { recursive: true });
  await Promise.all(PEAK_BUILDS.map((b) => new Promise((resolve, reject) => {
    const args = ['--no', 'asc', 'bench/peak.ts', '--config', 'bench/peak.asconfig.json', '--runtime', 'stub', '-O3', '--noAssert', '--enable', b.enable, '-o', b.file];
    execFile('npx', args, { cwd: ROOT }, (err, stdout, stderr) => (err ? reject(new Error(`npx ${args.join(' ')} failed:\n${stderr}${stdout}`)) : resolve()));
  })));
}

/**
 * GFLOP/s of each chain count: every function is calibrated to ~`ms`/4 per call, then the
 * chain counts take turns for `windows` rounds of about `ms` each; medians per count.
 * `kinds` picks 'mulAdd' and/or 'relaxed' chains (the latter only exist in a relaxed build).
 */
export function measurePeak(module, { ms, windows, kinds = ['mulAdd', 'relaxed'] }) {
  const ex = new WebAssembly.Instance(module, {}).exports;
  const fns = [];
  if (kinds.includes('mulAdd')) for (const n of CHAINS) fns.push({ kind: 'mulAdd', n, f: ex[`mulAdd${n}`] });
  if (kinds.includes('relaxed') && ex.hasRelaxed()) for (const n of CHAINS) fns.push({ kind: 'relaxed', n, f: ex[`relaxed${n}`] });
  const m = Math.fround(0.9999);
  const c = Math.fround(1e-4); // a → c/(1−m) = 1: no overflow, no denormals
  for (const fn of fns) {
    fn.iters = 1 << 12;
    for (;;) {
      const t0 = performance.now();
      fn.f(fn.iters, m, c);
      if (performance.now() - t0 >= ms / 4 || fn.iters >= 1 << 28) break;
      fn.iters *= 2;
    }
    fn.samples = [];
  }
  for (let w = 0; w < windows; w++) {
    for (const fn of fns) {
      let calls = 0;
      const t0 = performance.now();
      let t = t0;
      while (t - t0 < ms) {
        fn.f(fn.iters, m, c);
        calls++;
        t = performance.now();
      }
      fn.samples.push((calls * fn.iters * fn.n * FLOP_PER_ROUND) / ((t - t0) / 1000) / 1e9);
    }
  }
  return fns.map(({ kind, n, samples }) => ({ kind, chains: n, gflops: median(samples), windows: samples }));
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}
