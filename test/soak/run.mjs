// Long-run stability (issue 13): trains `steps` steps (default 100,000) through a live trainer on
// the built library (dist/) and checks, from warm-up on, that the wasm memory never grows and
// that the JS heap after a full GC does not grow either. Run with `node --expose-gc`:
//   node --expose-gc test/soak/run.mjs [steps]     (npm run soak: 100,000 steps)
// test/soak.test.ts runs a 10,000-step variant in CI. Prints one JSON line; exits 1 on a failure.
import { createNetwork } from '../../dist/node.js';

const steps = Number(process.argv[2] ?? 100_000);
const WARMUP = 1_000;
const SAMPLES = 10;
/**
 * Heap growth tolerated from the first sample to the last (after a full GC the heap wanders by
 * ~200 KB): a leak of 60 bytes a step shows over 9,000 steps, of 6 bytes over 90,000.
 */
const HEAP_SLACK = 512 << 10;
/** SOAK_INJECT_LEAK=<bytes>: keep that much per step alive, to see the check fail (test/soak.test.ts). */
const leak = Number(process.env.SOAK_INJECT_LEAK ?? 0);
const kept = [];

if (typeof globalThis.gc !== 'function') {
  console.error('soak: run with node --expose-gc');
  process.exit(2);
}
if (!Number.isInteger(steps) || steps < WARMUP + SAMPLES) {
  console.error(`soak: steps must be an integer ≥ ${WARMUP + SAMPLES}, got ${process.argv[2]}`);
  process.exit(2);
}

const heap = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};

const net = await createNetwork({ inputs: 4, layers: [{ units: 32, activation: 'relu' }, { units: 16, activation: 'tanh' }, { units: 3 }], loss: 'softmax_cross_entropy', seed: 1 });
// The engine's wasm memory (dist/ is tsc output: the private field keeps its name).
const memory = net.e.memory;
const x = Array.from({ length: 96 }, (_, i) => [Math.sin(i), Math.cos(i * 0.7), (i % 7) / 7, ((i * 13) % 11) / 11 - 0.5]);
const y = x.map(([a, b]) => (a + b > 0.5 ? 2 : a > b ? 1 : 0));
const trainer = net.trainer(x, y, { optimizer: { type: 'adam', lr: 1e-3 }, batchSize: 16, seed: 1 });

const started = performance.now();
const step = (n) => {
  for (let i = 0; i < n; i++) {
    trainer.step();
    if (leak) kept.push(new Uint8Array(leak));
  }
  // Host-side paths too: an evaluation and a prediction now and then.
  net.evaluate(x, y);
  net.predict(x.slice(0, 8));
};
step(WARMUP);
const bytes0 = memory.buffer.byteLength;
const heap0 = heap();
const samples = [];
const every = Math.floor((steps - WARMUP) / SAMPLES);
for (let s = 0; s < SAMPLES; s++) {
  step(s === SAMPLES - 1 ? steps - WARMUP - every * (SAMPLES - 1) : every);
  samples.push({ step: trainer.steps, wasmBytes: memory.buffer.byteLength, heapUsed: heap() });
}
const last = samples[samples.length - 1];
const loss = net.evaluate(x, y).loss;
const failures = [];
if (trainer.steps !== steps) failures.push(`took ${trainer.steps} steps, not ${steps}`);
for (const s of samples) if (s.wasmBytes !== bytes0) failures.push(`wasm memory ${bytes0} → ${s.wasmBytes} bytes by step ${s.step}`);
const growth = last.heapUsed - samples[0].heapUsed;
if (growth > HEAP_SLACK) failures.push(`JS heap grew ${growth} bytes (${samples[0].heapUsed} → ${last.heapUsed}) from step ${samples[0].step} to ${last.step}`);
if (!Number.isFinite(loss)) failures.push(`loss ${loss}`);
console.log(JSON.stringify({
  steps: trainer.steps,
  seconds: +((performance.now() - started) / 1000).toFixed(2),
  wasmBytes: bytes0,
  heapAfterWarmup: heap0,
  heapFirstSample: samples[0].heapUsed,
  heapGrowth: growth,
  heapRange: [Math.min(...samples.map((s) => s.heapUsed)), Math.max(...samples.map((s) => s.heapUsed))],
  loss,
  failures,
}));
net.dispose();
process.exit(failures.length ? 1 : 0);
