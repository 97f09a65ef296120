// GEMM micro-bench, run as its own process (`node [relaxed flag] gemm.mjs '<json options>'`,
// prints JSON): descent's three dense products for a 784→256 layer at batch 128, called as
// raw wasm exports on a memory this script owns, against the f32x4 peak (peak.mjs), whose
// loops take short windows between the kernels' windows. Every dist/*.wasm with the
// dense exports is measured, so scalar/relaxed builds show up as soon as they exist; a module
// this process cannot compile is reported, not skipped silently.
import { readFileSync } from 'node:fs';
import { CLOCKS, adjacentPeak, fractionOfPeak, loadPeakLoops, median, peakWindow, summarizePeak, timeFlops } from './peak.mjs';
import { relaxedSupported } from './relaxed.mjs';
import { rng } from './cases.mjs';
import { kernelInstance } from './wasm-memory.mjs';

const { files, ms, windows } = JSON.parse(process.argv[2]);
const ROOT = new URL('..', import.meta.url);
const M = 128; // rows (batch)
const K = 784; // inputs
const N = 256; // units
const FLOP = 2 * M * K * N;

const modules = files.map((file) => {
  const bytes = readFileSync(new URL(file, ROOT));
  if (!WebAssembly.validate(bytes)) return { file, na: 'this node cannot compile it' };
  const module = new WebAssembly.Module(bytes);
  const names = WebAssembly.Module.exports(module).map((e) => e.name);
  if (!['denseForward', 'denseBackwardParams', 'denseBackwardInput', 'heapBase'].every((n) => names.includes(n))) {
    return { file, na: 'no dense exports' };
  }
  const other = WebAssembly.Module.imports(module).filter((i) => !(i.module === 'env' && (i.name === 'memory' || i.name === 'abort')));
  if (other.length) return { file, na: `imports ${other.map((i) => `${i.module}.${i.name}`).join(', ')} besides env.memory and env.abort` };
  // The relaxed builds may use relaxed_madd, so the relaxed peak bounds them.
  return { file, relaxed: /relaxed/.test(file), kernels: gemm(module, bytes) };
});

// Warm-up: V8 starts wasm in its baseline compiler and tiers hot functions up to TurboFan,
// so untimed calls come first. Then every round times each kernel for one window, in an order
// that rotates from round to round, with a peak window (every loop, a third as long) before
// the first and after each: each kernel window is held to the two beside it. The clock is
// this process's CPU time: all of it is single-threaded, and time other work holds the core
// is not its own.
const loops = loadPeakLoops();
const kernels = modules.flatMap((m) => m.kernels ?? []);
const timeKernel = (k) => timeFlops(() => (k.run(), FLOP), ms, CLOCKS.cpu);
const timePeak = () => peakWindow(loops, ms / 3, CLOCKS.cpu);
timePeak();
for (const k of kernels) {
  timeKernel(k);
  k.windows = [];
}
const peakWindows = [];
for (let w = 0; w < windows; w++) {
  let before = timePeak();
  peakWindows.push(before);
  for (let j = 0; j < kernels.length; j++) {
    const k = kernels[(j + w * 7) % kernels.length];
    const gflops = timeKernel(k);
    const after = timePeak();
    peakWindows.push(after);
    k.windows.push({ gflops, before, after });
    before = after;
  }
}

const peak = summarizePeak(loops, peakWindows);
const out = modules.map(({ file, na, relaxed, kernels: ks }) => (na ? { file, na } : {
  file,
  bound: relaxed ? 'relaxed' : 'mulAdd',
  kernels: ks.map(({ name, what, windows: ws }) => {
    const rates = ws.map((x) => x.gflops);
    const f = fractionOfPeak(rates, ws.map((x) => adjacentPeak(x.before, x.after, relaxed ? 'relaxed' : 'mulAdd')));
    return { name, what, gflops: median(rates), windows: rates, fractionOfBound: f?.fraction ?? null, measuredFraction: f?.measured ?? null, beaten: !!f?.beaten, bound: f?.bound ?? null };
  }),
}));
process.stdout.write(JSON.stringify({ relaxedRuntime: relaxedSupported(), windowMs: ms, windows, peak, shape: { M, K, N }, modules: out }));

function gemm(module, bytes) {
  // A memory the import accepts (a threads build wants a shared one), buffers from heapBase up.
  const { ex, memory, alloc, grow } = kernelInstance(module, bytes);
  const X = alloc(M * K), W = alloc(N * K), b = alloc(N), Y = alloc(M * N);
  const dY = alloc(M * N), dW = alloc(N * K), db = alloc(N), dX = alloc(M * K);
  grow();
  const f32 = new Float32Array(memory.buffer); // a SharedArrayBuffer for a shared memory
  const rand = rng(128784256);
  for (const [p, n] of [[X, M * K], [W, N * K], [b, N], [dY, M * N]]) {
    for (let i = 0; i < n; i++) f32[(p >> 2) + i] = rand() - 0.5;
  }
  const kernels = [
    { name: 'denseForward', what: 'Y = X·Wᵀ + b', run: () => ex.denseForward(Y, X, W, b, M, K, N) },
    { name: 'denseBackwardParams', what: 'dW = dYᵀ·X, db = Σ dY', run: () => ex.denseBackwardParams(dW, db, dY, X, M, K, N) },
    { name: 'denseBackwardInput', what: 'dX = dY·W', run: () => ex.denseBackwardInput(dX, dY, W, M, K, N) },
  ];
  for (const k of kernels) k.run();
  verify(f32, { X, W, b, Y, dY, dW, db, dX });
  return kernels;
}

/** Spot-checks 64 entries of each product against a float64 sum: a wrong call is an error. */
function verify(f32, p) {
  const at = (base, i) => f32[(base >> 2) + i];
  const rand = rng(7);
  const pick = (n) => Math.floor(rand() * n);
  const close = (got, want, what) => {
    if (!(Math.abs(got - want) <= 1e-4 + 1e-4 * Math.abs(want))) throw new Error(`${what}: got ${got}, expected ${want}`);
  };
  for (let s = 0; s < 64; s++) {
    const r = pick(M), o = pick(N), i = pick(K);
    let y = at(p.b, o);
    for (let j = 0; j < K; j++) y += at(p.X, r * K + j) * at(p.W, o * K + j);
    close(at(p.Y, r * N + o), y, `denseForward Y[${r}][${o}]`);
    let dw = 0, dbs = 0;
    for (let q = 0; q < M; q++) {
      dw += at(p.dY, q * N + o) * at(p.X, q * K + i);
      dbs += at(p.dY, q * N + o);
    }
    close(at(p.dW, o * K + i), dw, `denseBackwardParams dW[${o}][${i}]`);
    close(at(p.db, o), dbs, `denseBackwardParams db[${o}]`);
    let dx = 0;
    for (let q = 0; q < N; q++) dx += at(p.dY, r * N + q) * at(p.W, q * K + i);
    close(at(p.dX, r * K + i), dx, `denseBackwardInput dX[${r}][${i}]`);
  }
}
