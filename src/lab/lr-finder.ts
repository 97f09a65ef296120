// Learning-rate range test (Smith, "Cyclical Learning Rates", 2017), the 'descent/lr-finder'
// subpath (kept out of the main entry for its size budget): train for a few steps
// while the rate grows geometrically from startLr to endLr, follow the smoothed loss, stop
// once it blows past divergeThreshold × its best, and suggest a rate from the curve: by
// default in its valley (the longest fall after a burn-in), see `valley`. Everything the test touches — parameters, optimizer slots, the pass descriptors
// (diagnostics flags) — is put back: the network, and any trainer
// on it, continue bit for bit as if it had not run.
import type { Engine } from '../engine/engine.js';
import { LAYER, PASS } from '../wasm/abi.js';
import { OptionsReader } from '../util/options.js';
import type { Network } from '../network.js';
import { resolveOptimizer } from '../optim/options.js';
import type { ResolvedOptimizer } from '../optim/rules.js';
import { checkBatchNormBatches } from '../train/fit-options.js';
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
  suggest: 'valley' | 'steepest';
  burnIn: number;
}

/** Checks the range test's options (everything but the optimizer and data) and fills defaults. */
function resolveFinder(o: LrFinderOptions, networkSeed: () => number): ResolvedFinder {
  const keys = ['optimizer', 'batchSize', 'startLr', 'endLr', 'numIter', 'smoothing', 'divergeThreshold', 'seed', 'suggest', 'burnIn'] as const;
  const r = OptionsReader.read(o, 'options', keys, 'an option of findLearningRate', '{ optimizer, … }');
  const startLr = r.number('startLr', { default: 1e-7, above: 0 });
  return {
    batchSize: r.integer('batchSize', { default: 32, min: 1, want: 'a positive integer' }),
    startLr,
    endLr: r.number('endLr', { default: 10, above: startLr, want: `a finite number > startLr (${startLr})` }),
    numIter: r.integer('numIter', { default: 300, min: 2 }),
    smoothing: r.number('smoothing', { default: 0.98, min: 0, below: 1, want: 'in [0, 1)' }),
    divergeThreshold: r.number('divergeThreshold', { default: 4, above: 1 }),
    seed: r.has('seed') ? r.integer('seed', { want: 'an integer' }) : networkSeed(),
    suggest: r.oneOf('suggest', ['valley', 'steepest'] as const, 'valley'),
    burnIn: r.number('burnIn', { default: 0.1, min: 0, below: 1, want: 'in [0, 1)' }),
  };
}

/**
 * Smith's learning-rate range test on `net`: up to `numIter` steps of `optimizer` while the
 * rate grows from startLr to endLr; returns the curve and a suggested rate (`suggest`: in the
 * valley of the smoothed loss, or where it fell fastest). Parameters, running statistics, optimizer state and any trainer's data are restored bit for bit.
 */
export function findLearningRate(net: Network, x: Inputs, y: Targets, options: LrFinderOptions): LrFinderResult {
  const finder = resolveFinder(options, () => net.spec.seed);
  const optimizer = resolveOptimizer(options.optimizer, 'options.optimizer');
  const data = net.stepAccess(x, y, 'findLearningRate');
  checkBatchNormBatches(net.spec.layers, data.rows, Math.min(finder.batchSize, data.rows), 'options.batchSize', finder.batchSize);
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
    // Running statistics (batch norm) move with every training step: they are put back too.
    state: e.layers.map((l) => e.f32.slice(l.state >> 2, (l.state >> 2) + l.stateSize)),
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
    e.layers.forEach((l, i) => f32.set(saved.state[i], l.state >> 2));
    // The range test's data stays in the second resident set, which only a fit's validation
    // data uses; a trainer's data, in the first, is untouched.
  }
  const from = Math.floor(f.burnIn * lrs.length);
  // The point that stopped the test is left out: it is where the loss blew up.
  const to = stoppedEarly ? lrs.length - 1 : lrs.length;
  const pick = f.suggest === 'valley' ? valley(lrs, smoothed, from, to, stoppedEarly) : { index: steepest(lrs, smoothed, from, to), valley: null, basis: 'steepest' as const };
  const index = pick.index;
  return {
    lrs, losses, smoothedLosses: smoothed, stoppedEarly,
    suggestion: index === null ? null : lrs[index], suggestionIndex: index, method: pick.basis, valley: pick.valley,
  };
}

/** A fall of the smoothed loss shallower than this share of its level is noise, not a valley. */
const MIN_DEPTH = 0.05;
/** Without a valley, the suggestion stays this many decades below the rate that stopped the test. */
const BELOW_DIVERGENCE = 2 / 3;
/** Where in the valley the suggestion lies: the first point this share of its depth down. */
const DEPTH_SHARE = 0.8;

/**
 * The valley of the smoothed loss over points from…to−1: the longest strictly decreasing
 * subsequence of it (a fall that may pause on noise), from its first point to its last. The
 * suggestion is the first point where the loss has come DEPTH_SHARE of the valley's depth down:
 * low enough that the rate trains fast, short of the floor, past which the rate is near
 * divergence. A valley shallower than MIN_DEPTH of its top is no fall; then, if the loss
 * diverged, the suggestion is the largest rate BELOW_DIVERGENCE decades under the one that
 * stopped the test (the loss never fell measurably before it blew up), else none.
 */
function valley(lrs: number[], s: number[], from: number, to: number, diverged: boolean): { index: number | null; valley: [number, number] | null; basis: 'valley' | 'belowDivergence' } {
  const none = { index: null, valley: null, basis: 'valley' as const };
  if (to - from < 3) return none;
  // length[i]: the longest decreasing subsequence ending at i; prev[i]: its previous point.
  const length: number[] = [], prev: number[] = [];
  let end = from;
  for (let i = from; i < to; i++) {
    length[i] = 1;
    prev[i] = -1;
    for (let j = from; j < i; j++) {
      if (s[j] > s[i] && length[j] + 1 > length[i]) {
        length[i] = length[j] + 1;
        prev[i] = j;
      }
    }
    if (length[i] > length[end]) end = i;
  }
  let start = end;
  while (prev[start] >= 0) start = prev[start];
  const depth = s[start] - s[end];
  if (!(depth >= MIN_DEPTH * Math.abs(s[start]))) {
    if (!diverged) return none;
    const limit = lrs[lrs.length - 1] / 10 ** BELOW_DIVERGENCE;
    let i = from;
    while (i + 1 < to && lrs[i + 1] <= limit) i++;
    return lrs[i] <= limit ? { index: i, valley: null, basis: 'belowDivergence' } : none;
  }
  let i = start;
  while (s[i] > s[start] - DEPTH_SHARE * depth) i++;
  return { index: i, valley: [start, end], basis: 'valley' };
}

/**
 * The point where the smoothed loss falls fastest against log(lr): the most negative central
 * difference over points from…to−1.
 */
function steepest(lrs: number[], smoothed: number[], from: number, to: number): number | null {
  let best = Infinity, at = -1;
  for (let i = Math.max(1, from); i < to - 1; i++) {
    const slope = (smoothed[i + 1] - smoothed[i - 1]) / (Math.log(lrs[i + 1]) - Math.log(lrs[i - 1]));
    if (slope < best) {
      best = slope;
      at = i;
    }
  }
  return at < 0 || !(best < 0) ? null : at;
}
