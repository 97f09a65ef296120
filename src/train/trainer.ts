// The public synchronous step: a Trainer keeps a training set resident in wasm memory and
// takes one optimizer step per call, for loops the caller drives (animations, benchmarks,
// teaching one step at a time). A step creates no JS values; epochs roll over by themselves.
import type { Resident } from '../engine/engine.js';
import { StateError } from '../errors.js';
import { BatchStepper } from './stepper.js';
import type { DiagnosticsReport, GradientDescentMode, GuardEvent, RunSnapshot, TrainingSnapshot, Verdict } from '../types.js';

export class Trainer {
  private epochCount = 0;

  /** @internal Use `network.trainer(x, y, options)` (`resume`: checked by train/resume.ts). */
  constructor(
    private readonly set: Resident,
    private readonly stepper: BatchStepper,
    private readonly isDisposed: () => boolean,
    private readonly mode: GradientDescentMode,
    resume?: TrainingSnapshot,
  ) {
    if (resume) stepper.optimizer.restore(resume.optimizer);
    const run = resume?.run;
    if (run) this.resume(run);
    else stepper.beginEpoch();
  }

  /** Continues from a run's snapshot (the optimizer's state is already back). */
  private resume(run: RunSnapshot): void {
    this.stepper.resumeRun(run, false);
    this.epochCount = run.epoch;
    this.stepper.resumeAt(run.cursor, run.rng, run.order);
  }

  /**
   * Everything `resume` needs to continue from here (copies): the optimizer's state, the position
   * in the epoch and its row order, the shuffling stream and the guard. A fit with the same
   * batching resumes from it too.
   */
  snapshot(): TrainingSnapshot {
    this.live();
    const s = this.stepper;
    const { rng, order } = s.position();
    const batches = Math.ceil(s.cursor / s.batchSize);
    return {
      optimizer: s.optimizer.snapshot(),
      run: {
        settings: { mode: this.mode, batchSize: s.batchSize, shuffle: order !== null, rows: this.set.rows, validationRows: 0 },
        epoch: this.epochCount, cursor: s.cursor, batch: batches, epochSteps: batches, lossSum: 0, lossRows: 0, lastLr: null, rng, order,
        state: { epoch: this.epochCount, steps: s.steps, schedule: null, earlyStopping: null, guard: s.guard?.state() ?? null },
        diagnostics: s.diagnostics?.state() ?? null,
        history: { epochs: [], bestEpoch: null, verdicts: this.verdicts.map((v) => ({ ...v })) },
      },
    };
  }

  /**
   * One optimizer step on the next batch (a new, reshuffled epoch starts when the last one
   * is used up). Throws StateError once the network is disposed or a later `fit` or
   * `trainer` has replaced this trainer's data.
   */
  step(): void {
    this.live();
    const s = this.stepper;
    if (s.epochDone) {
      s.beginEpoch();
      this.epochCount++;
      if (s.diagnostics) s.diagnostics.epoch = this.epochCount;
      if (s.guard) s.guard.epoch = this.epochCount;
    }
    s.step();
  }

  /** Throws StateError once the memory this trainer steps on belongs to a later fit or trainer, or is gone. */
  private live(): void {
    if (this.set.owner !== this || this.isDisposed()) {
      throw new StateError('this trainer was superseded by a later fit or trainer, or its network was disposed', 'trainer', 'stale');
    }
  }

  /** Loss of the last step's batch, before that step's update (NaN before the first step). */
  get loss(): number {
    return this.stepper.steps === 0 ? NaN : this.stepper.loss[0];
  }

  /** Steps taken. */
  get steps(): number {
    return this.stepper.steps;
  }

  /** Epochs completed (0 during the first pass over the data). */
  get epoch(): number {
    return this.epochCount;
  }

  /**
   * The latest diagnostics report (one object, updated in place every `diagnostics.every`
   * steps), or null when diagnostics are off.
   */
  get diagnostics(): DiagnosticsReport | null {
    return this.stepper.diagnostics?.report ?? null;
  }

  /** Verdicts raised so far, in order (empty when healthy or when diagnostics are off). */
  get verdicts(): readonly Verdict[] {
    return this.stepper.diagnostics?.judge.raised ?? [];
  }

  /** The guard's interventions so far (empty without a guard; see the option `guard`). */
  get guardEvents(): readonly GuardEvent[] {
    return this.stepper.guard?.events ?? [];
  }

  /** Rows per step (the last batch of an epoch may be smaller). */
  get batchSize(): number {
    return this.stepper.batchSize;
  }
}
