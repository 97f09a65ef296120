// Replay: our conformance contract with PyTorch. A case fixes the network, data, batches,
// starting parameters and optimizer; replaying it yields the per-step losses, the step-0
// gradients and the final parameters, which test/golden compares with torch's.
import { toLabels, toMatrix } from '../data/matrix.js';
import { Engine } from '../engine/engine.js';
import { ConfigError, DataError, ReplayFormatError } from '../errors.js';
import { describe } from '../util/describe.js';
import { mustBe } from '../util/must-be.js';
import { OptionsReader } from '../util/options.js';
import { resolveOptimizer, setCycledMomentum } from '../optim/options.js';
import { defaultInterval, openFor } from '../optim/schedule.js';
import type { ResolvedOptimizer } from '../optim/rules.js';
import { OptimizerState } from '../optim/optimizer.js';
import { resolveSpec } from '../model/spec.js';
import { ThreadPool } from '../engine/threads.js';
import type { NetworkSpec, OptimizerConfig, Scheduler, SchedulerConfig, WorkerSpawner } from '../types.js';

/** Per-layer tensors of a replay result; non-finite values are null. */
export interface ReplayTensors {
  weight: (number | null)[];
  bias: (number | null)[];
}

/** What `descent replay` prints. */
export interface ReplayResult {
  /** Loss at every step, before that step's update. */
  losses: (number | null)[];
  /** ∂L/∂θ at step 0, before clipping and without weight decay. */
  grads0: ReplayTensors[];
  /** Parameters after the last step. */
  final: ReplayTensors[];
  /** With a schedule: the learning rate of every step. */
  lrs?: number[];
  /** With a schedule that cycles momentum (oneCycleLR, cyclicLR): the momentum or β₁ of every step. */
  momentum?: number[];
}

/** A replay case (docs/replay.md). */
export interface ReplayCase {
  spec: NetworkSpec;
  optimizer: OptimizerConfig;
  x: number[];
  y: number[] | number[][];
  n: number;
  batches: number[][];
  steps: number;
  init: { weight: number[]; bias: number[] }[];
  /**
   * Optional: a learning-rate schedule (a SchedulerConfig without functions) plus `interval`,
   * 'epoch' (one pass over `batches`; the default) or 'step' (the default of oneCycleLR and cyclicLR).
   */
  schedule?: SchedulerConfig & { interval?: 'epoch' | 'step' };
}

const CASE_KEYS = ['spec', 'optimizer', 'x', 'y', 'n', 'batches', 'steps', 'init'] as const;
/** Keys a case may carry for people (names, notes, expected results) that replay ignores. */
const COMMENT_KEYS = ['name', 'description', 'expected'] as const;
const formatError = (message: string, path: string, value: unknown) => new ReplayFormatError(message, path, value);

/** Replays `input` (a parsed case) on `module`; throws ReplayFormatError / ConfigError / DataError. */
export function runReplay(input: unknown, module: WebAssembly.Module, options: ReplayOptions = {}): ReplayResult {
  OptionsReader.read(input, 'case', [...CASE_KEYS, 'schedule', ...COMMENT_KEYS], 'part of the replay format', 'a JSON object', { error: formatError });
  const c = input as Record<string, unknown>;
  for (const key of CASE_KEYS) {
    if (c[key] === undefined) throw new ReplayFormatError(`case.${key} is missing`, `case.${key}`, undefined);
  }
  const spec = resolveSpec(c.spec as NetworkSpec);
  const optimizer = resolveOptimizer(c.optimizer as OptimizerConfig, 'optimizer');
  const n = c.n;
  if (!Number.isInteger(n) || (n as number) < 1) throw new ReplayFormatError(`case.n must be a positive integer, got ${describe(n)}`, 'case.n', n);
  const rows = n as number;
  if (!Array.isArray(c.x) || c.x.length !== rows * spec.inputs) {
    throw new ReplayFormatError(`case.x must be a flat array of n × inputs = ${rows * spec.inputs} numbers, got ${describe(c.x)}`, 'case.x', c.x);
  }
  const x = toMatrix(c.x as number[], spec.inputs, 'case.x');
  const outputs = spec.layers[spec.layers.length - 1].outputs;
  let targets: Float32Array | Int32Array;
  if (spec.loss === 'softmax_cross_entropy') {
    targets = toLabels(c.y as number[], outputs, 'case.y');
  } else {
    if (!Array.isArray(c.y) || !c.y.every((row) => Array.isArray(row))) {
      throw new ReplayFormatError(`case.y must be nested n × outputs for loss ${spec.loss}, got ${describe(c.y)}`, 'case.y', c.y);
    }
    targets = toMatrix(c.y as number[][], outputs, 'case.y').data;
  }
  const yRows = spec.loss === 'softmax_cross_entropy' ? targets.length : targets.length / outputs;
  if (yRows !== rows) throw new ReplayFormatError(`case.y has ${yRows} rows but n is ${rows}`, 'case.y', yRows);
  const batches = c.batches;
  if (!Array.isArray(batches) || batches.length === 0) throw new ReplayFormatError(`case.batches must be a non-empty array of index arrays, got ${describe(batches)}`, 'case.batches', batches);
  batches.forEach((b, i) => {
    if (!Array.isArray(b) || b.length === 0) throw new ReplayFormatError(`case.batches[${i}] must be a non-empty array of sample indices, got ${describe(b)}`, `case.batches[${i}]`, b);
    b.forEach((v, j) => {
      if (!Number.isInteger(v) || v < 0 || v >= rows) throw new ReplayFormatError(`case.batches[${i}][${j}] must be a sample index in 0…${rows - 1}, got ${describe(v)}`, `case.batches[${i}][${j}]`, v);
    });
  });
  const steps = c.steps;
  if (!Number.isInteger(steps) || (steps as number) < 0) throw new ReplayFormatError(`case.steps must be an integer ≥ 0, got ${describe(steps)}`, 'case.steps', steps);
  const init = c.init;
  if (!Array.isArray(init) || init.length !== spec.layers.length) {
    throw new ReplayFormatError(`case.init must have one { weight, bias } per layer (${spec.layers.length}), got ${describe(init)}`, 'case.init', init);
  }

  const schedule = c.schedule === undefined ? null : replaySchedule(c.schedule, optimizer);

  const { threads = 1 } = options;
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw mustBe('threads', 'an integer in 1…64', threads);
  if (threads > 1 && typeof options.spawnWorker !== 'function') throw new ConfigError('threads > 1 needs spawnWorker', 'spawnWorker', options.spawnWorker);
  const e = new Engine(spec, module, threads);
  const pool = threads > 1 ? new ThreadPool(e, module, options.spawnWorker!) : null;
  try {
    return replaySteps(e, optimizer, x.data, targets, rows, batches as number[][], steps as number, init as unknown[], c, schedule);
  } finally {
    pool?.dispose();
  }
}

/** Options of `runReplay`: threads as in NetworkOptions (the module must then be the threaded build). */
export interface ReplayOptions {
  threads?: number;
  spawnWorker?: WorkerSpawner;
}

function replaySteps(
  e: Engine, optimizer: ResolvedOptimizer, xData: Float32Array, targets: Float32Array | Int32Array,
  rows: number, batches: number[][], steps: number, init: unknown[], owner: object, schedule: ReplaySchedule | null,
): ReplayResult {
  const maxBatch = Math.max(...batches.map((b) => b.length));
  e.reserve(maxBatch, rows, maxBatch);
  const data = e.loadResident(0, xData, targets, rows, owner);
  const f32 = e.f32;
  e.layers.forEach((l, i) => {
    const p = init[i] as { weight?: unknown; bias?: unknown };
    for (const [key, size, at] of [['weight', l.weightCount, l.weight], ['bias', l.biasCount, l.bias]] as const) {
      const v = p?.[key];
      if (!Array.isArray(v) || v.length !== size || !v.every((t) => typeof t === 'number' && Number.isFinite(t))) {
        throw new DataError(`case.init[${i}].${key} must be ${size} finite numbers, got ${describe(v)}`, `case.init[${i}].${key}`, v);
      }
      f32.set(v as number[], at >> 2);
    }
  });
  const opt = new OptimizerState(optimizer, e.k, { param: e.params, grad: e.grads, slots: e.slots, count: e.paramCount, hp: e.hp }, () => e.f64);
  const scratch = e.sets[1].indices;

  const losses: (number | null)[] = [];
  let grads0: ReplayTensors[] = [];
  const sched = schedule?.scheduler;
  const lrs: number[] = [];
  const momentum: number[] = [];
  // reduceLROnPlateau's metric: the mean loss (by rows) of the steps since the scheduler's last step, as fit's `loss`.
  let lossSum = 0;
  let lossRows = 0;
  for (let s = 0; s < Math.max(steps, 1); s++) {
    const batch = batches[s % batches.length];
    if (sched && s < steps) {
      optimizer.lr = sched.lr;
      lrs.push(sched.lr);
      const m = sched.momentum;
      if (m !== undefined) {
        setCycledMomentum(optimizer, m);
        momentum.push(m);
      }
    }
    e.i32.set(batch, scratch >> 2);
    e.gather(data, scratch, batch.length);
    e.trainPass(e.xBatch, e.yBatch, batch.length);
    const loss = e.f64[e.lossSlot];
    if (s === 0) grads0 = tensors(e, 'grad');
    if (s >= steps) break; // steps = 0: gradients only, no update
    losses.push(finite(loss));
    e.clip(optimizer.clipGradValue, optimizer.clipGradNorm);
    opt.apply();
    if (sched) {
      lossSum += loss * batch.length;
      lossRows += batch.length;
      if (schedule.interval === 'step' || (s + 1) % batches.length === 0) {
        sched.step(lossSum / lossRows);
        lossSum = lossRows = 0;
      }
    }
  }
  const result: ReplayResult = { losses, grads0, final: tensors(e, 'param') };
  if (sched) result.lrs = lrs;
  if (sched?.momentum !== undefined) result.momentum = momentum;
  return result;
}

interface ReplaySchedule {
  scheduler: Scheduler;
  interval: 'epoch' | 'step';
}

/** `case.schedule`, built for the case's optimizer (ConfigError naming the bad option). */
function replaySchedule(value: unknown, optimizer: ResolvedOptimizer): ReplaySchedule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ReplayFormatError(`case.schedule must be a schedule like { "type": "stepLR", "stepSize": 2 }, got ${describe(value)}`, 'case.schedule', value);
  }
  const { interval = defaultInterval((value as { type?: unknown }).type), ...config } = value as { interval?: unknown };
  if (interval !== 'epoch' && interval !== 'step') {
    throw new ReplayFormatError(`case.schedule.interval must be "epoch" or "step", got ${describe(interval)}`, 'case.schedule.interval', interval);
  }
  return { scheduler: openFor(config as SchedulerConfig, optimizer, 'case.schedule'), interval };
}

function tensors(e: Engine, which: 'param' | 'grad'): ReplayTensors[] {
  const f32 = e.f32;
  return e.layers.map((l) => {
    const w = which === 'param' ? l.weight : l.dWeight;
    const b = which === 'param' ? l.bias : l.dBias;
    return {
      weight: Array.from(f32.subarray(w >> 2, (w >> 2) + l.weightCount), finite),
      bias: Array.from(f32.subarray(b >> 2, (b >> 2) + l.biasCount), finite),
    };
  });
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
