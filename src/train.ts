// The fit loop: the three modes of gradient descent over a data set resident in wasm
// memory. A training step is gather → forward → loss → backward → clip → update, all
// kernel calls on fixed offsets: no memory growth and no JS objects per step (the batch
// callback gets one reused object). The loop is a resumable state machine so the async
// fit can yield to the event loop about every `yieldEveryMs` of work.
import { MODES, MONITORS } from './codes.js';
import type { Engine, Resident } from './engine.js';
import { EarlyStopper } from './early-stopping.js';
import { createDiagnostics, resolveDiagnostics, type Diagnostics, type ResolvedDiagnostics } from './diagnostics.js';
import { ConfigError } from './errors.js';
import { describe } from './describe.js';
import { mustBe } from './must-be.js';
import { Guard, resolveGuard, type ResolvedGuard } from './guard.js';
import { Evaluator, residentRows } from './metrics.js';
import { resolveOptimizer, type ResolvedOptimizer } from './optimizers.js';
import type { Scheduler } from './schedulers.js';
import { BatchStepper } from './stepper.js';
import type { BatchInfo, EarlyStopping, EpochRecord, FitOptions, GradientDescentMode, History, Metrics, Monitor, TrainingState } from './types.js';

const FIT_KEYS = new Set([
  'optimizer', 'mode', 'batchSize', 'epochs', 'shuffle', 'seed', 'validationData', 'validationSplit',
  'earlyStopping', 'onBatchEnd', 'onEpochEnd', 'yieldEveryMs', 'signal', 'diagnostics', 'onDiagnostics', 'onVerdict', 'schedule', 'preflight', 'onWarning', 'guard', 'restarts',
]);

/** Fit options checked, with defaults filled. */
export interface ResolvedFit {
  mode: GradientDescentMode;
  batchSize: number;
  epochs: number;
  shuffle: boolean;
  seed: number;
  validationSplit: number;
  earlyStopping: Required<EarlyStopping> | null;
  yieldEveryMs: number;
  diagnostics: ResolvedDiagnostics | null;
  schedule: ResolvedSchedule | null;
  preflight: 'warn' | 'throw' | 'off';
  guard: ResolvedGuard | null;
  restarts: { seeds: number[]; metric: Monitor } | null;
}

/** A schedule as `schedule()` in 'descent/schedules' makes it (see schedules.ts). */
export interface ResolvedSchedule {
  interval: 'epoch' | 'step';
  monitor: Monitor | null;
  /** Builds the scheduler for an optimizer (its lr, and the momentum or β₁ one-cycle may cycle). */
  open(baseLr: number, baseMomentum: number | undefined): Scheduler;
}

/** Checks the `schedule` option: an object from schedule() in 'descent/schedules'. */
function resolveSchedule(o: FitOptions['schedule'], hasValidation: boolean): ResolvedSchedule | null {
  if (o === undefined) return null;
  if (typeof o !== 'object' || o === null || typeof (o as Partial<ResolvedSchedule>).open !== 'function') {
    throw new ConfigError(`options.schedule must come from schedule({ type, … }) in 'descent/schedules', got ${describe(o)}`, 'options.schedule', o);
  }
  const monitor = o.monitor === null ? null : o.monitor ?? (hasValidation ? 'val_loss' : 'loss');
  if (monitor?.startsWith('val_') && !hasValidation) throw new ConfigError(`options.schedule.monitor "${monitor}" needs validationData or validationSplit`, 'options.schedule.monitor', monitor);
  return { interval: o.interval, monitor, open: o.open };
}

/** Builds the schedule for `optimizer`; throws ConfigError. */
export function openSchedule(s: ResolvedSchedule, optimizer: ResolvedOptimizer): Scheduler {
  return s.open(optimizer.lr, momentumOf(optimizer));
}

/** The momentum one-cycle may cycle: SGD's and RMSprop's momentum, or the Adam family's β₁. */
function momentumOf(o: ResolvedOptimizer): number | undefined {
  return cyclesMomentum(o) ? o.momentum : o.type === 'adagrad' || o.type === 'adadelta' ? undefined : o.beta1;
}

/** SGD and RMSprop cycle their momentum; the Adam family its β₁. */
function cyclesMomentum(o: ResolvedOptimizer): boolean {
  return o.type === 'sgd' || o.type === 'rmsprop';
}

/** Validates fit options (everything but the data) and fills defaults. */
export function resolveFitOptions(o: FitOptions, networkSeed: number, async: boolean): ResolvedFit {
  if (typeof o !== 'object' || o === null) throw new ConfigError(`fit options must be an object with at least { optimizer }, got ${describe(o)}`, 'options', o);
  for (const key of Object.keys(o)) {
    if (!FIT_KEYS.has(key)) throw new ConfigError(`options.${key} is not a fit option (expected one of ${[...FIT_KEYS].join(', ')})`, `options.${key}`, key);
  }
  if (!async) {
    for (const key of ['yieldEveryMs', 'signal'] as const) {
      if (o[key] !== undefined) throw new ConfigError(`options.${key} only applies to the async fit(); fitSync never yields`, `options.${key}`, o[key]);
    }
  }
  const mode = o.mode ?? 'mini-batch';
  if (!MODES.includes(mode)) throw mustBe('options.mode', `one of ${MODES.join(', ')}`, mode);
  if (mode !== 'mini-batch') {
    if (o.batchSize !== undefined) throw new ConfigError(`options.batchSize only applies to mode "mini-batch" (mode "${mode}" fixes the batch), got ${describe(o.batchSize)}`, 'options.batchSize', o.batchSize);
    if (o.shuffle !== undefined) throw new ConfigError(`options.shuffle only applies to mode "mini-batch" (${mode === 'stochastic' ? 'stochastic mode always shuffles' : 'batch mode uses every sample each step'})`, 'options.shuffle', o.shuffle);
  }
  const batchSize = o.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw mustBe('options.batchSize', 'a positive integer', batchSize);
  const epochs = o.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 1) throw mustBe('options.epochs', 'a positive integer', epochs);
  const shuffle = o.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw mustBe('options.shuffle', 'true or false', shuffle);
  const seed = o.seed ?? networkSeed;
  if (!Number.isSafeInteger(seed)) throw mustBe('options.seed', 'an integer', seed);
  const validationSplit = o.validationSplit ?? 0;
  if (typeof validationSplit !== 'number' || !(validationSplit >= 0 && validationSplit < 1)) {
    throw mustBe('options.validationSplit', 'in [0, 1)', validationSplit);
  }
  if (validationSplit > 0 && o.validationData !== undefined) {
    throw new ConfigError('options.validationSplit and options.validationData are exclusive: give one', 'options.validationSplit', validationSplit);
  }
  const hasValidation = validationSplit > 0 || o.validationData !== undefined;
  let earlyStopping: Required<EarlyStopping> | null = null;
  if (o.earlyStopping !== undefined) {
    const es = o.earlyStopping;
    if (typeof es !== 'object' || es === null) throw mustBe('options.earlyStopping', '{ monitor, minDelta, patience }', es);
    const keys = ['monitor', 'minDelta', 'patience', 'mode', 'restoreBestWeights'];
    for (const key of Object.keys(es)) {
      if (!keys.includes(key)) throw new ConfigError(`options.earlyStopping.${key} is not an option (${keys.join(', ')})`, `options.earlyStopping.${key}`, key);
    }
    const monitor = es.monitor ?? (hasValidation ? 'val_loss' : 'loss');
    if (!MONITORS.includes(monitor)) throw mustBe('options.earlyStopping.monitor', `one of ${MONITORS.join(', ')}`, monitor);
    if (monitor.startsWith('val_') && !hasValidation) throw new ConfigError(`options.earlyStopping.monitor "${monitor}" needs validationData or validationSplit`, 'options.earlyStopping.monitor', monitor);
    const minDelta = es.minDelta ?? 0;
    if (typeof minDelta !== 'number' || !(minDelta >= 0) || !Number.isFinite(minDelta)) throw mustBe('options.earlyStopping.minDelta', 'a number ≥ 0', minDelta);
    const patience = es.patience ?? 0;
    if (!Number.isInteger(patience) || patience < 0) throw mustBe('options.earlyStopping.patience', 'an integer ≥ 0', patience);
    const mode = es.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(mode)) throw mustBe('options.earlyStopping.mode', `'auto', 'min' or 'max'`, mode);
    const restoreBestWeights = es.restoreBestWeights ?? false;
    if (typeof restoreBestWeights !== 'boolean') throw mustBe('options.earlyStopping.restoreBestWeights', 'true or false', restoreBestWeights);
    earlyStopping = { monitor, minDelta, patience, mode, restoreBestWeights };
  }
  const yieldEveryMs = o.yieldEveryMs ?? 16;
  if (typeof yieldEveryMs !== 'number' || !(yieldEveryMs > 0)) throw mustBe('options.yieldEveryMs', 'a number > 0', yieldEveryMs);
  const diagnostics = resolveDiagnostics(o.diagnostics);
  const preflight = o.preflight ?? 'warn';
  if (!['warn', 'throw', 'off'].includes(preflight)) throw mustBe('options.preflight', `'warn', 'throw' or 'off'`, preflight);
  for (const key of ['onBatchEnd', 'onEpochEnd', 'onDiagnostics', 'onVerdict', 'onWarning'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'function') throw mustBe(`options.${key}`, 'a function', o[key]);
  }
  if (o.signal !== undefined && !(typeof o.signal === 'object' && o.signal !== null && 'aborted' in o.signal)) {
    throw mustBe('options.signal', 'an AbortSignal', o.signal);
  }
  for (const key of ['onDiagnostics', 'onVerdict'] as const) {
    if (o[key] !== undefined && diagnostics === null) throw new ConfigError(`options.${key} needs diagnostics on (options.diagnostics is false)`, `options.${key}`, o[key]);
  }
  const schedule = resolveSchedule(o.schedule, hasValidation);
  const guard = resolveGuard(o.guard);
  const restarts = resolveRestarts(o.restarts, networkSeed, hasValidation);
  return { mode, batchSize, epochs, shuffle, seed, validationSplit, earlyStopping, yieldEveryMs, diagnostics, schedule, preflight, guard, restarts };
}

/** Checks `restarts`: { count, seeds = network seed + i, metric = val_loss with validation data, else loss }. */
function resolveRestarts(o: FitOptions['restarts'], networkSeed: number, hasValidation: boolean): { seeds: number[]; metric: Monitor } | null {
  if (o === undefined) return null;
  const path = 'options.restarts';
  if (typeof o !== 'object' || o === null) throw mustBe(path, '{ count, seeds, metric }', o);
  for (const key of Object.keys(o)) {
    if (!['count', 'seeds', 'metric'].includes(key)) throw new ConfigError(`${path}.${key} is not an option (count, seeds, metric)`, `${path}.${key}`, key);
  }
  if (!Number.isInteger(o.count) || o.count < 1) throw mustBe(`${path}.count`, 'an integer ≥ 1', o.count);
  const seeds = o.seeds ?? Array.from({ length: o.count }, (_, i) => networkSeed + i);
  if (!Array.isArray(seeds) || seeds.length !== o.count || !seeds.every((v) => Number.isSafeInteger(v))) {
    throw mustBe(`${path}.seeds`, `${o.count} integers`, seeds);
  }
  const metric = o.metric ?? (hasValidation ? 'val_loss' : 'loss');
  if (!MONITORS.includes(metric)) throw mustBe(`${path}.metric`, `one of ${MONITORS.join(', ')}`, metric);
  if (metric.startsWith('val_') && !hasValidation) throw new ConfigError(`${path}.metric "${metric}" needs validationData or validationSplit`, `${path}.metric`, metric);
  return { seeds, metric };
}

type Phase = 'train' | 'evalTrain' | 'evalVal' | 'done';

/** One fit in progress over resident data. */
export class FitRun {
  readonly history: History = { epochs: [], stopReason: 'completed', steps: 0, verdicts: [], guardEvents: [] };
  private readonly guard: Guard | null;
  private readonly stepper: BatchStepper;
  private readonly evaluator: Evaluator;
  private readonly diagnostics: Diagnostics | null;
  // Doubles start as doubles: a field that changes representation later costs a deopt.
  private readonly info: BatchInfo = { epoch: 0, batch: 0, step: 0, batchSize: 0, loss: NaN, lr: NaN };
  private readonly scheduler: Scheduler | null;
  private phase: Phase = 'train';
  private epoch = 0;
  private batchIndex = 0;
  private lossSum = 0;
  private lossRows = 0;
  private epochStart = 0;
  private epochSteps = 0;
  private trainMetrics: Metrics | null = null;
  /** Early stopping, if asked for. */
  readonly stopper: EarlyStopper | null;
  private lastLr = NaN;
  /** A step's pass was started and its workers have not all finished. */
  private midStep = false;
  /** False when worker threads must be awaited rather than blocked on (browser main thread). */
  private readonly blocking: boolean;

  constructor(
    private readonly e: Engine,
    private readonly train: Resident,
    private readonly validation: Resident | null,
    private readonly fit: ResolvedFit,
    private readonly options: FitOptions,
  ) {
    const shuffle = fit.mode === 'stochastic' || (fit.mode === 'mini-batch' && fit.shuffle);
    this.stepper = new BatchStepper(e, train, FitRun.batchRows(fit, train.rows), shuffle, fit.seed, resolveOptimizer(options.optimizer, 'options.optimizer'));
    this.evaluator = new Evaluator(e);
    this.diagnostics = createDiagnostics(e, fit.diagnostics, train.rows, options.onDiagnostics, this.stepper.optimizer.options, options.onVerdict);
    if (this.diagnostics) this.history.verdicts = this.diagnostics.judge.raised;
    this.stepper.diagnostics = this.diagnostics;
    this.scheduler = fit.schedule ? openSchedule(fit.schedule, this.stepper.optimizer.options) : null;
    this.applySchedule();
    this.guard = fit.guard ? new Guard(e, fit.guard, this.stepper.optimizer) : null;
    this.stepper.guard = this.guard;
    if (this.guard) {
      this.history.guardEvents = this.guard.events;
      this.guard.take();
    }
    this.stopper = fit.earlyStopping && new EarlyStopper(e, fit.earlyStopping);
    this.blocking = e.parallel === null || e.parallel.canBlock;
    this.beginEpoch();
  }

  /** Rows per step (the last batch of an epoch may be smaller). */
  static batchRows(fit: ResolvedFit, rows: number): number {
    return fit.mode === 'batch' ? rows : fit.mode === 'stochastic' ? 1 : Math.min(fit.batchSize, rows);
  }

  get done(): boolean {
    return this.phase === 'done';
  }

  private beginEpoch(): void {
    this.batchIndex = 0;
    this.lossSum = 0;
    this.lossRows = 0;
    this.epochSteps = 0;
    this.epochStart = now();
    if (this.diagnostics) this.diagnostics.epoch = this.epoch;
    if (this.guard) this.guard.epoch = this.epoch;
    this.stepper.beginEpoch();
  }

  /** Whether the run is waiting for worker threads to finish a pass (see `runUntil`). */
  get waitingForWorkers(): boolean {
    return this.midStep;
  }

  /** Puts the schedule's lr (and one-cycle's momentum or β₁) into the optimizer for its next steps. */
  private applySchedule(): void {
    const s = this.scheduler;
    if (!s) return;
    const o = this.stepper.optimizer.options;
    o.lr = s.lr * (this.guard?.lrScale ?? 1);
    const m = s.momentum;
    if (m === undefined) return;
    if (cyclesMomentum(o)) o.momentum = m;
    else o.beta1 = m;
  }

  /** Books a finished step of `count` rows; returns false if a callback asked to stop. */
  private afterStep(count: number): boolean {
    const e = this.e;
    const lr = this.stepper.optimizer.options.lr;
    this.lastLr = lr;
    if (this.scheduler && this.fit.schedule!.interval === 'step') {
      this.scheduler.step();
      this.applySchedule();
    }
    const loss = e.f64[e.lossSlot];
    // A step the guard refused is not part of the epoch's loss.
    if (this.stepper.applied) {
      this.lossSum += loss * count;
      this.lossRows += count;
    }
    this.epochSteps++;
    this.history.steps++;
    const cb = this.options.onBatchEnd;
    if (cb) {
      const info = this.info;
      info.epoch = this.epoch;
      info.batch = this.batchIndex;
      info.step = this.history.steps;
      info.batchSize = count;
      info.loss = loss;
      info.lr = lr;
      if (cb(info) === false) return false;
    }
    this.batchIndex++;
    return true;
  }

  /**
   * Works until `deadline` (performance.now() ms) or the end; returns true when finished.
   * Returns false early while `waitingForWorkers`.
   */
  runUntil(deadline: number): boolean {
    while (this.phase !== 'done') {
      if (this.phase === 'train') {
        if (this.midStep) {
          // Threads on a thread that cannot block: the async fit awaits the workers, then resumes here.
          if (!this.stepper.passDone) return false;
          this.midStep = false;
          if (!this.afterStep(this.stepper.end())) return this.finish('callback');
        } else if (!this.stepper.epochDone) {
          if (this.blocking) {
            if (!this.afterStep(this.stepper.step())) return this.finish('callback');
          } else {
            this.stepper.begin();
            this.midStep = true;
            continue;
          }
        } else {
          this.evaluator.begin(residentRows(this.e, this.train));
          this.phase = 'evalTrain';
        }
      } else if (this.phase === 'evalTrain') {
        if (this.evaluator.advance()) {
          this.trainMetrics = this.evaluator.result();
          if (this.validation) {
            this.evaluator.begin(residentRows(this.e, this.validation));
            this.phase = 'evalVal';
          } else if (this.endEpoch(undefined)) return true;
        }
      } else if (this.phase === 'evalVal') {
        if (this.evaluator.advance() && this.endEpoch(this.evaluator.result())) return true;
      }
      // Reading the clock allocates a boxed double in V8; the sync path never needs it.
      if (deadline !== Infinity && now() >= deadline) return this.done;
    }
    return true;
  }

  /** Records the epoch; returns true if training is over. */
  private endEpoch(validation: Metrics | undefined): boolean {
    const record: EpochRecord = {
      epoch: this.epoch,
      loss: this.lossSum / this.lossRows,
      train: this.trainMetrics!,
      steps: this.epochSteps,
      timeMs: now() - this.epochStart,
      lr: this.lastLr,
    };
    if (validation) record.validation = validation;
    if (validation && this.diagnostics) this.diagnostics.judge.judgeEpoch(record.loss, validation.loss, this.history.steps, this.epoch);
    const diagnostics = this.diagnostics?.endEpoch();
    if (diagnostics) record.diagnostics = diagnostics;
    this.history.epochs.push(record);
    // Early stopping and the schedule take the epoch in before the callback, so the state it
    // can read (run.trainingState()) is the state the next epoch starts from.
    const diverged = !Number.isFinite(record.loss);
    const converged = !diverged && this.stopper !== null && this.converged(record);
    if (!diverged && !converged && this.scheduler && this.fit.schedule!.interval === 'epoch') {
      const monitor = this.fit.schedule!.monitor;
      this.scheduler.step(monitor === null ? undefined : monitored(record, monitor));
      this.applySchedule();
    }
    if (this.options.onEpochEnd?.(record, this) === false) return this.finish('callback');
    if (diverged) return this.finish('diverged');
    if (converged) return this.finish('converged');
    this.epoch++;
    if (this.epoch >= this.fit.epochs) return this.finish('completed');
    this.phase = 'train';
    this.beginEpoch();
    return false;
  }

  /** The schedule's, early stopping's and the guard's state, as plain data (see TrainingState). */
  trainingState(): TrainingState {
    return {
      epoch: this.history.epochs.length, steps: this.history.steps,
      schedule: this.scheduler?.state() ?? null, earlyStopping: this.stopper?.state() ?? null, guard: this.guard?.state() ?? null,
    };
  }

  private converged(r: EpochRecord): boolean {
    const monitor = this.fit.earlyStopping!.monitor;
    const value = monitored(r, monitor);
    if (value === undefined) throw new ConfigError(`options.earlyStopping.monitor "${monitor}" is only defined for classifiers`, 'options.earlyStopping.monitor', monitor);
    const stop = this.stopper!.update(value, r.epoch);
    if (this.stopper!.bestEpoch !== null) this.history.bestEpoch = this.stopper!.bestEpoch;
    return stop;
  }

  private finish(reason: History['stopReason']): true {
    this.stopper?.finish();
    this.history.stopReason = reason;
    this.phase = 'done';
    return true;
  }
}

/** The value of `monitor` in an epoch's record (undefined: accuracy of a regression). */
export function monitored(r: EpochRecord, monitor: Monitor): number | undefined {
  return monitor === 'loss' ? r.loss
    : monitor === 'val_loss' ? r.validation!.loss
    : monitor === 'accuracy' ? r.train.accuracy
    : r.validation!.accuracy;
}

function now(): number {
  return performance.now();
}

/** Lets other tasks run: setImmediate where it exists, else a MessageChannel turn, else a timer. */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => g.setImmediate!(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
