// GEMM micro-bench, run as its own process (`node [relaxed flag] gemm.mjs '<json options>'`,
// prints JSON): descent's three dense products for a 784→256 layer at batch 128, called as
// raw wasm exports on a memory this script owns, against the f32x4 peak (peak.mjs), whose
// loops take their windows in the same rounds as the kernels. Every dist/*.wasm with the
// dense exports is measured, so scalar/relaxed builds show up as soon as they exist; a module
// this process cannot compile is reported, not skipped silently.
import { readFileSync } from 'node:fs';
import { CLOCKS, loadPeakLoops, median, summarizePeak, timeFlops } from './peak.mjs';
import { relaxedSupported } from './relaxed.mjs';
import { rng } from './cases.mjs';
import { memoryImport } from './wasm-memory.mjs';

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
  return { file, relaxed: /relaxed/.test(file), kernels: gemm(file, module, memoryImport(bytes)) };
});

// Warm-up: V8 starts wasm in its baseline compiler and tiers hot functions up to TurboFan,
// so untimed calls come first. Then every round times each peak loop and each kernel for one
// window, in an order that rotates from round to round. The clock is this process's CPU
// time: all of it is single-threaded, and time other work holds the core is not its own.
const loops = loadPeakLoops();
const kernels = modules.flatMap((m) => m.kernels ?? []);
const timed = [
  ...loops.map((l) => ({ id: l.name, time: () => timeFlops(l.run, ms, CLOCKS.cpu) })),
  ...kernels.map((k) => ({ id: k.id, time: () => timeFlops(() => (k.run(), FLOP), ms, CLOCKS.cpu) })),
];
for (const t of timed) t.time();
const samples = Object.fromEntries(timed.map((t) => [t.id, []]));
for (let w = 0; w < windows; w++) {
  for (let j = 0; j < timed.length; j++) {
    const t = timed[(j + w * 7) % timed.length];
    samples[t.id].push(t.time());
  }
}

const peak = summarizePeak(loops, samples);
for (const k of kernels) {
  k.windows = samples[k.id];
  k.gflops = median(k.windows);
}
// The bound of each class of build: its peak, unless a kernel beat it (then that kernel).
const bound = (relaxed) => {
  const p = relaxed ? peak.relaxed : peak.mulAdd;
  const best = Math.max(0, ...modules.filter((m) => m.kernels && m.relaxed === relaxed).flatMap((m) => m.kernels.map((k) => k.gflops)));
  return { peak: p, gflops: Math.max(p ?? 0, best) || null, beaten: p != null && best > p };
};
const bounds = { standard: bound(false), relaxed: bound(true) };
const out = modules.map(({ file, na, relaxed, kernels: ks }) => (na ? { file, na } : {
  file,
  bound: relaxed ? 'relaxed' : 'standard',
  kernels: ks.map(({ name, what, gflops, windows: ws }) => {
    const b = bounds[relaxed ? 'relaxed' : 'standard'].gflops;
    return { name, what, gflops, windows: ws, fractionOfBound: b ? gflops / b : null };
  }),
}));
process.stdout.write(JSON.stringify({ relaxedRuntime: relaxedSupported(), windowMs: ms, windows, peak, bounds, shape: { M, K, N }, modules: out }));

function gemm(file, module, limits) {
  // A memory the import accepts: a threads build wants a shared one with a maximum.
  const memory = new WebAssembly.Memory({
    initial: limits.initial,
    ...(limits.maximum !== undefined ? { maximum: limits.maximum } : {}),
    ...(limits.shared ? { shared: true } : {}),
  });
  // abort: the kernels stop on an impossible code (never here).
  const ex = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('kernel abort'); } } }).exports;
  // Buffers from heapBase up, each 16-byte aligned; memory grows before any view is made
  // (growing detaches views).
  let top = (ex.heapBase() + 15) & ~15;
  const alloc = (floats) => {
    const p = top;
    top = (top + floats * 4 + 15) & ~15;
    return p;
  };
  const X = alloc(M * K), W = alloc(N * K), b = alloc(N), Y = alloc(M * N);
  const dY = alloc(M * N), dW = alloc(N * K), db = alloc(N), dX = alloc(M * K);
  const need = Math.ceil(top / 65536) - memory.buffer.byteLength / 65536;
  if (need > 0) memory.grow(need);
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
  for (const k of kernels) k.id = `${file}:${k.name}`;
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
