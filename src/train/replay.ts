// Replay: our conformance contract with PyTorch. A case fixes the network, data, batches,
// starting parameters (and batch norm's buffers), dropout's keep masks and optimizer;
// replaying it yields the per-step losses, the step-0 gradients, the final parameters and,
// for networks with other kinds than dense, the evaluation-mode outputs after training and
// the running statistics, which test/golden compares with torch's.
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
import { kindOf, stateOf } from '../model/layers.js';
import { resolveSpec, type AnyLayer } from '../model/spec.js';
import { ThreadPool } from '../engine/threads.js';
import type { NetworkSpec, OptimizerConfig, Scheduler, SchedulerConfig, WorkerSpawner } from '../types.js';

/**
 * One layer's tensors in a replay result, by torch.nn name (a dense or conv2d layer's `weight`
 * and `bias`, batch norm's `running_mean`, …); a layer without any has none. Flat row-major;
 * non-finite values are null.
 */
export type ReplayTensors = Record<string, (number | null)[]>;

/** What `descent replay` prints. */
export interface ReplayResult {
  /** Loss at every step, before that step's update. */
  losses: (number | null)[];
  /** ∂L/∂θ at step 0, before clipping and without weight decay, per layer. */
  grads0: ReplayTensors[];
  /** Parameters after the last step, per layer. */
  final: ReplayTensors[];
  /**
   * Networks with a layer other than dense: the evaluation-mode outputs (dropout passes values
   * through, batch norm uses its running statistics) for every row of x after the last step, n × outputs.
   */
  evalOutputs?: (number | null)[];
  /** Networks with batch norm tracking running statistics: each layer's state after the last step (torch's buffers). */
  state?: ReplayTensors[];
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
  /** Per layer, each parameter tensor by torch.nn name (flat), plus batch norm buffers that do not start at torch's values. */
  init: Record<string, number[]>[];
  /**
   * Each dropout layer's keep masks (by layer index): one per step (step 0 also when steps is
   * 0), batch rows × features, as a string of 0 and 1 or an array of them. Required for every
   * dropout layer with p > 0.
   */
  dropoutMasks?: Record<string, (string | number[])[]>;
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
  OptionsReader.read(input, 'case', [...CASE_KEYS, 'schedule', 'dropoutMasks', ...COMMENT_KEYS], 'part of the replay format', 'a JSON object', { error: formatError });
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
    throw new ReplayFormatError(`case.init must have one object of tensors ({ weight, bias } for a dense layer) per layer (${spec.layers.length}), got ${describe(init)}`, 'case.init', init);
  }
  checkBatchNormRows(spec.layers, batches as number[][], steps as number);
  const start = init.map((v, i) => initialTensors(spec.layers[i], v, i));
  const masks = dropoutMasks(c.dropoutMasks, spec.layers, batches as number[][], steps as number);

  const schedule = c.schedule === undefined ? null : replaySchedule(c.schedule, optimizer);

  const { threads = 1 } = options;
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw mustBe('threads', 'an integer in 1…64', threads);
  if (threads > 1 && typeof options.spawnWorker !== 'function') throw new ConfigError('threads > 1 needs spawnWorker', 'spawnWorker', options.spawnWorker);
  // As Network refuses it: each thread would normalise its shard with the shard's statistics.
  const norm = spec.layers.findIndex((l) => l.type === 'batchnorm1d' || l.type === 'batchnorm2d');
  if (threads > 1 && norm >= 0) {
    throw new ConfigError(`threads must be 1 to replay a network with batch normalisation (spec.layers[${norm}] is ${spec.layers[norm].type}): PyTorch normalises with the whole batch's statistics; got ${threads}`, 'threads', threads);
  }
  const e = new Engine(spec, module, threads);
  const pool = threads > 1 ? new ThreadPool(e, module, options.spawnWorker!) : null;
  try {
    return replaySteps(e, optimizer, x.data, targets, rows, batches as number[][], steps as number, start, masks, c, schedule);
  } finally {
    pool?.dispose();
  }
}

/**
 * PyTorch raises "Expected more than 1 value per channel when training" for batch norm over a
 * batch of one row whose rows hold one value per channel; so does a replay, for the batches its
 * steps train on (step 0's also when steps is 0), as fit refuses such batches.
 */
function checkBatchNormRows(layers: readonly AnyLayer[], batches: number[][], steps: number): void {
  const i = layers.findIndex((l) => (l.type === 'batchnorm1d' || l.type === 'batchnorm2d') && l.inputs === l.numFeatures);
  if (i < 0) return;
  const trained = Math.min(Math.max(steps, 1), batches.length);
  const b = batches.slice(0, trained).findIndex((rows) => rows.length === 1);
  if (b >= 0) {
    throw new DataError(`case.batches[${b}] has 1 row, and spec.layers[${i}] (${layers[i].type} over ${layers[i].inputs} features) would then have 1 value per channel: batch normalisation needs more than 1 in training, as PyTorch ("Expected more than 1 value per channel when training")`, `case.batches[${b}]`, batches[b]);
  }
}

/** What one layer starts with: each parameter tensor's values, and the state's (torch's defaults unless given). */
interface LayerStart {
  tensors: Float32Array[];
  state: Float32Array;
}

/**
 * `case.init[i]`: the layer's parameter tensors by torch.nn name, each required, plus any of
 * its state tensors (batch norm's buffers), which otherwise start at torch's values.
 */
function initialTensors(layer: AnyLayer, value: unknown, i: number): LayerStart {
  const path = `case.init[${i}]`;
  const { kind } = kindOf(layer);
  const params = kind.tensors(layer);
  const state = kind.state(layer);
  const names = [...params.map((t) => t.name), ...state.map((t) => t.name)];
  const what = `the tensors of a ${layer.type} layer (${names.length ? names.join(', ') : 'none'})`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ReplayFormatError(`${path} must be an object of ${what}, got ${describe(value)}`, path, value);
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!names.includes(key)) throw new ReplayFormatError(`${path}.${key} is not one of ${what}`, `${path}.${key}`, v[key]);
  }
  const read = (name: string, size: number, integer = false): Float32Array => {
    const t = v[name];
    const ok = Array.isArray(t) && t.length === size && t.every((x) => typeof x === 'number' && Number.isFinite(x) && (!integer || (Number.isInteger(x) && x >= 0)));
    if (!ok) throw new DataError(`${path}.${name} must be ${size} finite ${integer ? 'counts (integers ≥ 0)' : 'numbers'}, got ${describe(t)}`, `${path}.${name}`, t);
    return Float32Array.from(t as number[]);
  };
  const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
  const stateValues = new Float32Array(stateOf(layer).size);
  let at = 0;
  for (const t of state) {
    const n = size(t.shape);
    stateValues.set(v[t.name] === undefined ? new Float32Array(n).fill(t.initial) : read(t.name, n, t.integer), at);
    at += n;
  }
  return { tensors: params.map((t) => read(t.name, size(t.shape))), state: stateValues };
}

/** A dropout layer's keep mask for each step, decoded and checked. */
type StepMasks = { layer: number; masks: Float32Array[] }[];

/** `case.dropoutMasks`: one keep mask per step for every dropout layer with p > 0 (only dropout layers). */
function dropoutMasks(value: unknown, layers: readonly AnyLayer[], batches: number[][], steps: number): StepMasks {
  const path = 'case.dropoutMasks';
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new ReplayFormatError(`${path} must be an object of keep masks by dropout layer index, like { "2": ["0110", …] }, got ${describe(value)}`, path, value);
  }
  const given = (value ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    const l = layers[Number(key)];
    if (!/^(0|[1-9]\d*)$/.test(key) || l?.type !== 'dropout') {
      throw new ReplayFormatError(`${path}.${key} must name a dropout layer by its index in spec.layers`, `${path}.${key}`, given[key]);
    }
  }
  const passes = Math.max(steps, 1); // steps 0 still trains one pass, for grads0
  const out: StepMasks = [];
  layers.forEach((layer, i) => {
    if (layer.type !== 'dropout') return;
    const list = given[String(i)];
    if (list === undefined) {
      if (layer.p === 0) return;
      throw new ReplayFormatError(`${path} must give dropout layer ${i} (p ${layer.p}) a keep mask for every step: a replay cannot draw PyTorch's masks`, `${path}.${i}`, list);
    }
    if (!Array.isArray(list) || list.length !== passes) {
      throw new ReplayFormatError(`${path}.${i} must be ${passes} keep masks (one per step), got ${describe(list)}`, `${path}.${i}`, list);
    }
    out.push({
      layer: i,
      masks: list.map((m, s) => {
        const size = batches[s % batches.length].length * layer.outputs;
        const at = `${path}.${i}[${s}]`;
        const bits = typeof m === 'string' ? Array.from(m, (ch) => (ch === '1' ? 1 : ch === '0' ? 0 : NaN)) : m;
        if (!Array.isArray(bits) || bits.length !== size || !bits.every((b) => b === 0 || b === 1)) {
          throw new ReplayFormatError(`${at} must be the keep mask of step ${s}: ${size} values 0 or 1 (batch rows × ${layer.outputs} features), as a string of 0 and 1 or an array, got ${describe(m)}`, at, m);
        }
        return Float32Array.from(bits);
      }),
    });
  });
  return out;
}

/** Options of `runReplay`: threads as in NetworkOptions (the module must then be the threaded build). */
export interface ReplayOptions {
  threads?: number;
  spawnWorker?: WorkerSpawner;
}

function replaySteps(
  e: Engine, optimizer: ResolvedOptimizer, xData: Float32Array, targets: Float32Array | Int32Array,
  rows: number, batches: number[][], steps: number, start: LayerStart[], masks: StepMasks, owner: object, schedule: ReplaySchedule | null,
): ReplayResult {
  const maxBatch = Math.max(...batches.map((b) => b.length));
  // A batch capacity of all n rows too: the evaluation outputs are one pass over x.
  e.reserve(Math.max(maxBatch, rows), rows, maxBatch);
  const data = e.loadResident(0, xData, targets, rows, owner);
  const f32 = e.f32;
  e.layers.forEach((l, i) => {
    start[i].tensors.forEach((t, j) => f32.set(t, l.tensors[j] >> 2));
    if (l.stateSize) f32.set(start[i].state, l.state >> 2);
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
    // PyTorch's keep masks for this pass, taken back after it (the engine would keep them).
    for (const m of masks) e.giveDropoutMask(m.layer, m.masks[s]);
    try {
      e.trainPass(e.xBatch, e.yBatch, batch.length);
    } finally {
      for (const m of masks) e.giveDropoutMask(m.layer, null);
    }
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
  // Layers whose evaluation differs from training (dropout, batch norm) need a look at the
  // network after training in evaluation mode; an MLP's would repeat its forward pass.
  if (!e.layers.every((l) => l.spec.type === 'dense')) {
    const out = e.forward(data.x, rows);
    result.evalOutputs = Array.from(e.f32.subarray(out >> 2, (out >> 2) + rows * e.outputs), finite);
  }
  if (e.layers.some((l) => l.stateSize > 0)) result.state = states(e);
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

/** Every layer's parameters or their gradients (which mirror their layout), by torch.nn name. */
function tensors(e: Engine, which: 'param' | 'grad'): ReplayTensors[] {
  const f32 = e.f32;
  return e.layers.map((l) => {
    const out: ReplayTensors = {};
    l.kind.tensors(l.spec).forEach((t, j) => {
      const at = (which === 'param' ? l.tensors[j] : l.grads + (l.tensors[j] - l.params)) >> 2;
      out[t.name] = Array.from(f32.subarray(at, at + l.tensorSizes[j]), finite);
    });
    return out;
  });
}

/** Every layer's state tensors (batch norm's buffers) by torch.nn name; {} for a layer without. */
function states(e: Engine): ReplayTensors[] {
  const f32 = e.f32;
  return e.layers.map((l) => {
    const out: ReplayTensors = {};
    let at = l.state >> 2;
    for (const t of l.kind.state(l.spec)) {
      const n = t.shape.reduce((a, b) => a * b, 1);
      out[t.name] = Array.from(f32.subarray(at, at + n), finite);
      at += n;
    }
    return out;
  });
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
