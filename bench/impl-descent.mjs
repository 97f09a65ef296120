// descent through its public API only: createNetwork, setParameters, and the synchronous
// trainer (`net.trainer(x, y, opts).step()`), with the data resident in wasm memory.
// One process per kernel variant, so each variant's wasm module and JIT state are its own
// and relaxed SIMD can get its node flag without touching the other rows.
import { ADAM } from './cases.mjs';
import { relaxedSupported } from './relaxed.mjs';

const ENTRY = new URL('../dist/node.js', import.meta.url);

/**
 * Variants the bench asks createNetwork for. 'default' passes no options; the others pass
 * one option each, so rows appear as soon as a build accepts them (see probe()).
 */
export const VARIANTS = {
  default: undefined,
  scalar: { kernels: 'scalar' },
  simd: { kernels: 'simd' },
  relaxed: { kernels: 'relaxed' },
  threads2: { threads: 2 },
  relaxedThreads2: { kernels: 'relaxed', threads: 2 },
  // Diagnostics (default: every 10 steps) off, and on every step: their cost is the gap.
  diagnosticsOff: undefined,
  diagnosticsEvery1: undefined,
};

/** Trainer options a variant adds (the diagnostics rows). */
const TRAINER_VARIANTS = {
  diagnosticsOff: { diagnostics: false },
  diagnosticsEvery1: { diagnostics: { every: 1 } },
};

const PROBE_SPEC = { inputs: 2, layers: [{ units: 2, activation: 'linear' }], loss: 'mse', seed: 1 };

const optimizer = { type: 'adam', lr: ADAM.lr, betas: [ADAM.beta1, ADAM.beta2], eps: ADAM.eps };

export async function open(variant = 'default') {
  const { createNetwork } = await import(ENTRY.href);
  const options = VARIANTS[variant];
  if (!(variant in VARIANTS)) throw new Error(`unknown descent variant ${variant}`);
  // The relaxed row's process was started with the node flag; say so plainly if this node
  // still cannot compile relaxed SIMD, rather than reporting whatever createNetwork says.
  if ((variant === 'relaxed' || variant === 'relaxedThreads2') && !relaxedSupported()) {
    return { na: 'this node cannot compile relaxed SIMD (WebAssembly.validate of a relaxed_madd probe is false, even with the flag)' };
  }
  const make = (spec) => (options ? createNetwork(spec, options) : createNetwork(spec));

  // A variant is real only if createNetwork accepts it *and* the network reports it back:
  // a build without the option may ignore an unknown key, which must not pass as a row.
  let probe;
  try {
    probe = await make(PROBE_SPEC);
  } catch (err) {
    return { na: `createNetwork rejected ${JSON.stringify(options)}: ${err.message}` };
  }
  for (const [key, value] of Object.entries(options ?? {})) {
    if (probe[key] !== value) {
      probe.dispose();
      return { na: `createNetwork ignored ${key}: ${JSON.stringify(value)} (net.${key} is ${JSON.stringify(probe[key])})` };
    }
  }
  const kernels = probe.kernels;
  const threads = probe.threads;
  probe.dispose();

  return {
    describe: { variant, kernels: kernels ?? null, threads: threads ?? null, diagnostics: JSON.stringify(TRAINER_VARIANTS[variant]?.diagnostics ?? 'every 10'), relaxedRuntime: relaxedSupported() },
    async prepare(c, data, init) {
      const net = await make(c.spec);
      const trainerOptions = { optimizer, batchSize: c.batch, shuffle: false, ...TRAINER_VARIANTS[variant] };
      let timed = null;
      return {
        trajectory(steps) {
          net.setParameters(init);
          const t = net.trainer(data.x, data.labels, trainerOptions);
          const losses = [];
          for (let i = 0; i < steps; i++) {
            t.step();
            losses.push(t.loss);
          }
          return losses;
        },
        arm() {
          // The timed loop is exactly what a user writes; the trainer (which copies the data
          // into wasm memory) is made before any window, from the same initial parameters.
          net.setParameters(init);
          timed = net.trainer(data.x, data.labels, trainerOptions);
        },
        run(k) {
          for (let i = 0; i < k; i++) timed.step();
        },
        dispose() {
          net.dispose();
        },
      };
    },
  };
}
