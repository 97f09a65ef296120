// Learning-rate range test (Smith, "Cyclical Learning Rates", 2017), the 'descent/lr-finder'
// subpath (kept out of the main entry for its size budget): train for a few steps
// while the rate grows geometrically from startLr to endLr, follow the smoothed loss, stop
// once it blows past divergeThreshold × its best, and suggest the rate where it fell
// fastest. Everything the test touches — parameters, optimizer slots, the pass descriptors
// (diagnostics flags) — is put back: the network, and any trainer
// on it, continue bit for bit as if it had not run.
import type { Engine } from '../engine/engine.js';
import { LAYER, PASS } from '../wasm/abi.js';
import { OptionsReader } from '../util/options.js';
import type { Network } from '../network.js';
import { resolveOptimizer } from '../optim/options.js';
import type { ResolvedOptimizer } from '../optim/rules.js';
import { BatchStepper } from '../train/stepper.js';
import type { Inputs, LrFinderOptions, LrFinderResult, Targets } from '../types.js';

interface ResolvedFinder {
  batchSize: number;
  startLr: number;
  endLr: number;
  numIter: number;
  smoothing: number;
  divergeThreshold: number;
  seed: number;
}

/** Checks the range test's options (everything but the optimizer and data) and fills defaults. */
function resolveFinder(o: LrFinderOptions, networkSeed: () => number): ResolvedFinder {
  const keys = ['optimizer', 'batchSize', 'startLr', 'endLr', 'numIter', 'smoothing', 'divergeThreshold', 'seed'] as const;
  const r = OptionsReader.read(o, 'options', keys, 'an option of findLearningRate', '{ optimizer, … }');
  const startLr = r.number('startLr', { default: 1e-7, above: 0 });
  return {
    batchSize: r.integer('batchSize', { default: 32, min: 1, want: 'a positive integer' }),
    startLr,
    endLr: r.number('endLr', { default: 10, above: startLr, want: `a finite number > startLr (${startLr})` }),
    numIter: r.integer('numIter', { default: 100, min: 2 }),
    smoothing: r.number('smoothing', { default: 0.98, min: 0, below: 1, want: 'in [0, 1)' }),
    divergeThreshold: r.number('divergeThreshold', { default: 4, above: 1 }),
    seed: r.has('seed') ? r.integer('seed', { want: 'an integer' }) : networkSeed(),
  };
}

/**
 * Smith's learning-rate range test on `net`: up to `numIter` steps of `optimizer` while the
 * rate grows from startLr to endLr; returns the curve and the rate where the smoothed loss
 * fell fastest. Parameters, optimizer state and any trainer's data are restored bit for bit.
 */
export function findLearningRate(net: Network, x: Inputs, y: Targets, options: LrFinderOptions): LrFinderResult {
  const finder = resolveFinder(options, () => net.spec.seed);
  const optimizer = resolveOptimizer(options.optimizer, 'options.optimizer');
  const data = net.stepAccess(x, y, 'findLearningRate');
  return rangeTest(data.engine, data.x, data.y, data.rows, optimizer, finder);
}

/** Runs the test on `rows` rows (features x, targets y) with a fresh `optimizer`; restores the engine afterwards. */
function rangeTest(e: Engine, x: Float32Array, y: Float32Array | Int32Array, rows: number, optimizer: ResolvedOptimizer, f: ResolvedFinder): LrFinderResult {
  const P = e.paramCount;
  // The descriptor words diagnostics own: the rest of each descriptor follows the workspace
  // plan, which the test may grow.
  const diagnosticWords = [e.desc, ...e.workers.map((t) => t.desc)].flatMap((d) => [
    (d >> 2) + PASS.STATS, (d >> 2) + PASS.STAMP, ...e.layers.map((_, l) => e.layerWord(d, l, LAYER.LAST_ACTIVE)),
  ]);
  const saved = {
    params: e.f32.slice(e.params >> 2, (e.params >> 2) + P),
    slots: e.slots.map((s) => e.f32.slice(s >> 2, (s >> 2) + P)),
    words: diagnosticWords.map((w) => e.i32[w]),
  };
  const batch = Math.min(f.batchSize, rows);
  e.reserve(batch, e.sets[0].rows, rows);
  const owner = {};
  const set = e.loadResident(1, x, y, rows, owner);
  e.gatherStats(false);
  e.trackActivity(false);
  const stepper = new BatchStepper(e, set, batch, true, f.seed, { ...optimizer });
  const o = stepper.optimizer.options;
  const lrs: number[] = [], losses: number[] = [], smoothed: number[] = [];
  let avg = 0, best = Infinity, stoppedEarly = false;
  try {
    stepper.beginEpoch();
    for (let i = 0; i < f.numIter; i++) {
      if (stepper.epochDone) stepper.beginEpoch();
      const lr = f.startLr * (f.endLr / f.startLr) ** (i / (f.numIter - 1));
      o.lr = lr;
      stepper.step();
      const loss = e.f64[e.lossSlot];
      avg = f.smoothing * avg + (1 - f.smoothing) * loss;
      const s = avg / (1 - f.smoothing ** (i + 1)); // bias-corrected, as Adam's first moment
      lrs.push(lr);
      losses.push(loss);
      smoothed.push(s);
      if (!Number.isFinite(s) || s > f.divergeThreshold * best) {
        stoppedEarly = i < f.numIter - 1;
        break;
      }
      best = Math.min(best, s);
    }
  } finally {
    const f32 = e.f32, i32 = e.i32;
    f32.set(saved.params, e.params >> 2);
    e.slots.forEach((s, i) => f32.set(saved.slots[i], s >> 2));
    diagnosticWords.forEach((w, i) => { i32[w] = saved.words[i]; });
    // The range test's data stays in the second resident set, which only a fit's validation
    // data uses; a trainer's data, in the first, is untouched.
  }
  return { lrs, losses, smoothedLosses: smoothed, suggestion: steepest(lrs, smoothed), stoppedEarly };
}

/**
 * The rate where the smoothed loss falls fastest against log(lr): the most negative central
 * difference, over the points before the divergence (the last one is where it blew up).
 */
function steepest(lrs: number[], smoothed: number[]): number | null {
  const n = smoothed.length - 1; // drop the point that stopped the test
  if (n < 3) return null;
  let best = Infinity, at = -1;
  for (let i = 1; i < n - 1; i++) {
    const slope = (smoothed[i + 1] - smoothed[i - 1]) / (Math.log(lrs[i + 1]) - Math.log(lrs[i - 1]));
    if (slope < best) {
      best = slope;
      at = i;
    }
  }
  return at < 0 || !(best < 0) ? null : lrs[at];
}
