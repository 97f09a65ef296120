// One runtime's default kernels, for bench/runtime-defaults.mjs: which build `createNetwork`
// picks with no `kernels` option, whether the runtime compiles each shipped build (its own
// WebAssembly.validate on the files' bytes, not descent's probes), and, where the runtime has a
// clock that advances while code runs, samples/s of the default against `kernels: 'simd'`.
// Runtime-neutral: the caller passes descent's createNetwork, a way to get a file's bytes and a
// clock. Imports nothing, so Node, Deno, Bun, workerd and Chromium run the same code.

/** The MLP of bench/README.md's throughput table (784-256-128-10 ReLU, Adam) at batch 32. */
const SPEC = { inputs: 784, layers: [{ units: 256, activation: 'relu' }, { units: 128, activation: 'relu' }, { units: 10 }], loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 1 };
const BATCH = 32;
const ROWS = 1024;

/** Rows of pseudo-random pixels and labels (a fixed LCG: the same data in every runtime). */
function data() {
  const x = new Float32Array(ROWS * 784);
  const y = new Int32Array(ROWS);
  let s = 12345;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let i = 0; i < x.length; i++) x[i] = next();
  for (let i = 0; i < ROWS; i++) y[i] = Math.floor(next() * 10);
  return { x: { data: x, shape: [ROWS, 784] }, y };
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * The runtime's default and what it compiles, and trainers ready to time. `createNetwork`: the
 * runtime's descent entry. `bytes(file)`: a shipped file's bytes (e.g. 'descent-relaxed.wasm').
 * `timed`: whether to build the trainers (the default's build and simd, or simd alone where
 * that is the default); `run(build, steps)` then takes that many steps.
 */
export async function prepare({ createNetwork, bytes, timed = true }) {
  const compiles = {
    simd: WebAssembly.validate(await bytes('descent.wasm')),
    relaxed: WebAssembly.validate(await bytes('descent-relaxed.wasm')),
  };
  const probe = await createNetwork({ inputs: 2, layers: [{ units: 2 }], loss: 'mse', seed: 1 });
  const kernels = probe.kernels;
  probe.dispose();
  const builds = !timed ? [] : kernels === 'simd' ? ['simd'] : [kernels, 'simd'];
  const { x, y } = data();
  const nets = [];
  const trainers = {};
  for (const b of builds) {
    const net = await createNetwork(SPEC, b === kernels ? {} : { kernels: b });
    nets.push(net);
    trainers[b] = net.trainer(x, y, { optimizer: { type: 'adam', lr: 0.001 }, batchSize: BATCH, shuffle: false, diagnostics: false });
  }
  return {
    kernels,
    compiles,
    builds,
    run(build, steps) {
      const t = trainers[build];
      for (let i = 0; i < steps; i++) t.step();
    },
    dispose() {
      for (const net of nets) net.dispose();
    },
  };
}

/**
 * Interleaved windows of `steps` steps per build, the order rotating each round after a
 * warm-up round; `time(build, steps)` takes them and returns the milliseconds they took on the
 * runtime's clock. Returns samples/s per build, median and best, and the median over rounds of
 * each round's first build / last build (adjacent windows: the least disturbed by load drifting).
 */
export async function timeBuilds(builds, time, { windows = 9, steps = 300 } = {}) {
  const rates = Object.fromEntries(builds.map((b) => [b, []]));
  for (let w = 0; w <= windows; w++) {
    for (let k = 0; k < builds.length; k++) {
      const b = builds[(k + w) % builds.length];
      const ms = await time(b, steps);
      if (w > 0) rates[b].push((steps * BATCH) / (ms / 1000));
    }
  }
  const out = Object.fromEntries(builds.map((b) => [b, { median: median(rates[b]), best: Math.max(...rates[b]) }]));
  out.ratio = median(rates[builds[0]].map((r, w) => r / rates[builds.at(-1)][w]));
  return out;
}

/**
 * prepare and timeBuilds in one runtime, with `clock()` (milliseconds, CPU time where the runtime
 * has it), or none where time does not advance while code runs (workerd): no speed then.
 */
export async function report({ createNetwork, bytes, clock = null, windows, steps }) {
  const p = await prepare({ createNetwork, bytes, timed: clock !== null });
  const out = { kernels: p.kernels, compiles: p.compiles, speed: null };
  if (clock) {
    out.speed = await timeBuilds(p.builds, (b, n) => {
      const t0 = clock();
      p.run(b, n);
      return clock() - t0;
    }, { windows, steps });
  }
  p.dispose();
  return out;
}
