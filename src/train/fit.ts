// The fit loop: the three modes of gradient descent over a data set resident in wasm
// memory. A training step is gather → forward → loss → backward → clip → update, all
// kernel calls on fixed offsets: no memory growth and no JS objects per step (the batch
// callback gets one reused object). The loop is a resumable state machine so the async
// fit can yield to the event loop about every `yieldEveryMs` of work.
import type { Engine, Resident } from '../engine/engine.js';
import { EarlyStopper } from './early-stopping.js';
import { createDiagnostics, type Diagnostics } from '../diagnostics/gradient-flow.js';
import { Guard } from './guard.js';
import { Evaluator, residentRows } from './metrics.js';
import { resolveOptimizer, setCycledMomentum } from '../optim/options.js';
import { BatchStepper } from './stepper.js';
import { batchRows, openSchedule, type ResolvedFit } from './fit-options.js';
import type { BatchInfo, EpochRecord, FitOptions, FitRunControl, History, Metrics, Monitor, RunSnapshot, Scheduler, TrainingSnapshot, TrainingState } from '../types.js';

type Phase = 'train' | 'evalTrain' | 'evalVal' | 'done';

/** One fit in progress over resident data. */
export class FitRun implements FitRunControl {
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
  /** Between an epoch's record and the next epoch's start (onEpochEnd runs then). */
  private epochRecorded = false;
  /** Rows of the validation set (a snapshot's settings). */
  private readonly validationRows: number;

  constructor(
    private readonly e: Engine,
    private readonly train: Resident,
    private readonly validation: Resident | null,
    private readonly fit: ResolvedFit,
    private readonly options: FitOptions,
  ) {
    const shuffle = fit.mode === 'stochastic' || (fit.mode === 'mini-batch' && fit.shuffle);
    this.stepper = new BatchStepper(e, train, batchRows(fit, train.rows), shuffle, fit.seed, resolveOptimizer(options.optimizer, 'options.optimizer'));
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
    this.validationRows = validation?.rows ?? 0;
    if (options.resume) this.resume(options.resume);
    else this.beginEpoch();
  }

  /**
   * Continues from a snapshot train/resume.ts has checked against this fit: the optimizer's
   * state, then (unless it holds only that) the position in the epoch and its order, the
   * shuffling stream, the control state and the history, as they were when it was taken.
   */
  private resume(r: TrainingSnapshot): void {
    this.stepper.optimizer.restore(r.optimizer);
    const run = r.run;
    if (!run) return this.beginEpoch();
    const { state, history } = run;
    this.history.epochs.push(...history.epochs.map((h) => ({ ...h })));
    if (history.bestEpoch !== null) this.history.bestEpoch = history.bestEpoch;
    this.history.steps = state.steps;
    this.stepper.resumeRun(run, this.scheduler !== null);
    if (state.schedule) this.scheduler!.load(state.schedule);
    if (state.earlyStopping) this.stopper!.load(state.earlyStopping);
    this.applySchedule();
    this.epoch = run.epoch;
    if (run.cursor === null) return this.beginEpoch(run);
    this.batchIndex = run.batch;
    this.epochSteps = run.epochSteps;
    this.lossSum = run.lossSum;
    this.lossRows = run.lossRows;
    this.lastLr = run.lastLr ?? NaN;
    this.epochStart = now();
    this.stepper.resumeAt(run.cursor, run.rng, run.order);
  }

  /** Everything `resume` needs to continue from here (see TrainingSnapshot). */
  snapshot(): TrainingSnapshot {
    const { rng, order } = this.stepper.position();
    const train = this.stepper;
    const run: RunSnapshot = {
      settings: { mode: this.fit.mode, batchSize: train.batchSize, shuffle: order !== null, rows: this.train.rows, validationRows: this.validationRows },
      // In onEpochEnd (or once the fit is over) the epoch is done: the next one starts, and shuffles, on resume.
      epoch: this.epochRecorded ? this.history.epochs.length : this.epoch,
      cursor: this.epochRecorded ? null : train.cursor,
      batch: this.batchIndex, epochSteps: this.epochSteps, lossSum: this.lossSum, lossRows: this.lossRows,
      lastLr: Number.isNaN(this.lastLr) ? null : this.lastLr,
      rng, order,
      state: this.trainingState(),
      diagnostics: this.diagnostics?.state() ?? null,
      history: { epochs: this.history.epochs.map((h) => ({ ...h })), bestEpoch: this.history.bestEpoch ?? null, verdicts: this.history.verdicts.map((v) => ({ ...v })) },
    };
    return { optimizer: this.stepper.optimizer.snapshot(), run };
  }

  get done(): boolean {
    return this.phase === 'done';
  }

  /** Starts an epoch (a resumed run: from the snapshot's stream and order). */
  private beginEpoch(from?: RunSnapshot): void {
    this.epochRecorded = false;
    this.batchIndex = 0;
    this.lossSum = 0;
    this.lossRows = 0;
    this.epochSteps = 0;
    this.epochStart = now();
    if (this.diagnostics) this.diagnostics.epoch = this.epoch;
    if (this.guard) this.guard.epoch = this.epoch;
    if (from) this.stepper.resumeAt(null, from.rng, from.order);
    else this.stepper.beginEpoch();
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
    if (m !== undefined) setCycledMomentum(o, m);
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
    // Counted before the callback, so a snapshot taken there resumes after this batch.
    this.batchIndex++;
    const cb = this.options.onBatchEnd;
    if (cb) {
      const info = this.info;
      info.epoch = this.epoch;
      info.batch = this.batchIndex - 1;
      info.step = this.history.steps;
      info.batchSize = count;
      info.loss = loss;
      info.lr = lr;
      if (cb(info, this) === false) return false;
    }
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
    this.epochRecorded = true;
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
    const stop = this.stopper!.update(monitored(r, monitor)!, r.epoch);
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
