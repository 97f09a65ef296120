// One optimizer step at a time over a resident training set: the batch order of an epoch
// (a seeded Fisher–Yates permutation of the resident index array when shuffling), and the
// step itself — gather → forward → loss → backward → clip → update — as kernel calls on
// fixed offsets. Shared by fit's loop and the public Trainer.
import type { Diagnostics } from '../diagnostics/gradient-flow.js';
import type { Guard } from './guard.js';
import type { Engine, Resident } from '../engine/engine.js';
import { clips } from '../optim/options.js';
import type { ResolvedOptimizer } from '../optim/rules.js';
import { OptimizerState } from '../optim/optimizer.js';
import { createRng, type Rng } from '../util/rng.js';
import type { RunSnapshot } from '../types.js';

export class BatchStepper {
  readonly optimizer: OptimizerState;
  /** Rows consumed in the current epoch. */
  cursor = 0;
  /** Rows of the step `begin` started. */
  private pending = 0;
  /** Whether the step `begin` started shares its optimizer update among the threads. */
  private sharedUpdate = false;
  /** Gradient-flow statistics of the run, if on. */
  diagnostics: Diagnostics | null = null;
  /** The NaN/Inf guard, if on. */
  guard: Guard | null = null;
  /** False when the guard refused the last step's update (its loss was not finite). */
  applied = true;
  /** Steps taken, and the last one's loss (before its update). */
  steps = 0;
  readonly loss = new Float64Array(1);
  private readonly rng: Rng;

  /** The fit's seed, which dropout's masks follow from. */
  private readonly maskSeed: number;

  /**
   * `batchSize` rows per step (the last batch of an epoch keeps the remainder); `shuffle`
   * permutes the rows at every epoch start with a PRNG seeded by `seed`.
   */
  constructor(
    private readonly e: Engine,
    readonly train: Resident,
    readonly batchSize: number,
    private readonly shuffle: boolean,
    seed: number,
    optimizer: ResolvedOptimizer,
  ) {
    this.rng = createRng(seed);
    this.maskSeed = seed;
    this.optimizer = new OptimizerState(optimizer, e.k, {
      param: e.params, grad: e.grads, slots: e.slots, count: e.paramCount, hp: e.hp,
    }, () => e.f64);
  }

  /** True once every row of the epoch has been used. */
  get epochDone(): boolean {
    return this.cursor >= this.train.rows;
  }

  /** Starts an epoch: rewinds, and reshuffles the row order when shuffling. */
  beginEpoch(): void {
    this.cursor = 0;
    if (this.shuffle) this.rng.shuffleRange(this.e.i32, this.train.indices >> 2, this.train.rows);
  }

  /**
   * What a resumed fit and a resumed trainer both take back from a run's snapshot: the step
   * count, the guard (and, with no schedule to scale the rate, its halvings of the configured
   * lr) and the diagnostics, all tagged with the snapshot's epoch.
   */
  resumeRun(run: RunSnapshot, scheduled: boolean): void {
    const { guard, diagnostics } = this;
    if (run.state.guard) {
      guard!.load(run.state.guard);
      if (!scheduled) this.optimizer.options.lr *= guard!.lrScale;
    }
    this.steps = run.state.steps;
    if (diagnostics) {
      diagnostics.judge.raised.push(...run.history.verdicts.map((v) => ({ ...v })));
      diagnostics.resume(run.diagnostics, run.state.steps);
      diagnostics.epoch = run.epoch;
    }
    if (guard) guard.epoch = run.epoch;
  }

  /** The shuffling stream's state and, when shuffling, the epoch's row order (copies, for a snapshot). */
  position(): { rng: [number, number, number, number]; order: Int32Array | null } {
    const at = this.train.indices >> 2;
    return { rng: this.rng.state(), order: this.shuffle ? this.e.i32.slice(at, at + this.train.rows) : null };
  }

  /**
   * Continues where a snapshot was: the stream and the row order as they were, `cursor` rows
   * into the epoch (null: it has not started, so it shuffles now — the order it permutes is the
   * last epoch's, as Fisher–Yates runs in place).
   */
  resumeAt(cursor: number | null, rng: readonly number[], order: Int32Array | null): void {
    this.rng.setState(rng);
    if (order) this.e.i32.set(order, this.train.indices >> 2);
    if (cursor === null) this.beginEpoch();
    else this.cursor = cursor;
  }

  /**
   * Takes one step on the next batch and returns its row count; the batch's loss (before
   * the update) is left in `e.f64[e.lossSlot]`, read there to avoid boxing a returned double.
   */
  step(): number {
    this.begin();
    return this.end();
  }

  /**
   * First half of a step: gathers the next batch and starts its training pass (threaded: the
   * workers are running when this returns; `passDone` tells when `end` will not wait).
   */
  begin(): void {
    const e = this.e;
    const count = Math.min(this.batchSize, this.train.rows - this.cursor);
    this.pending = count;
    e.gather(this.train, this.train.indices + this.cursor * 4, count);
    this.diagnostics?.beforePass(count);
    // Dropout's masks follow from the fit's seed (as its shuffles do) and this step alone, so a
    // resumed run draws what the uninterrupted one would.
    e.setStepSeed(stepSeed(this.maskSeed, this.steps));
    if (e.parallel) {
      // Threads that may block share the update too, but for a diagnostics reporting step's,
      // which this thread measures as it runs it whole.
      this.sharedUpdate = e.parallel.canBlock && !(this.diagnostics !== null && this.diagnostics.active);
      e.parallel.begin(e.xBatch, e.yBatch, count, this.sharedUpdate, this.directUpdate);
    } else e.trainPass(e.xBatch, e.yBatch, count);
  }

  /**
   * Whether this step's shared update runs inside the threads' end, each chunk right after its
   * sum, with no handshake between the sum and the update: when nothing has to see the whole
   * gradient first (no guard, no clipping).
   */
  private get directUpdate(): boolean {
    return this.sharedUpdate && this.guard === null && !clips(this.optimizer.options);
  }

  /** Whether the pass `begin` started has finished on every thread. */
  get passDone(): boolean {
    return this.e.parallel === null || this.e.parallel.workersDone;
  }

  /** Second half: completes the pass, clips, updates, and returns the batch's row count. */
  end(): number {
    const e = this.e;
    const o = this.optimizer.options;
    const direct = this.directUpdate;
    e.parallel?.end(direct ? this.optimizer : null);
    this.diagnostics?.afterGradients();
    const count = this.pending;
    this.applied = this.guard === null || this.guard.allowUpdate(this.cursor === 0);
    if (this.applied && !direct) {
      if (clips(o)) e.clip(o.clipGradValue, o.clipGradNorm);
      this.diagnostics?.beforeUpdate();
      if (this.sharedUpdate) e.parallel!.update(this.optimizer);
      else this.optimizer.apply();
    } else if (!this.applied && this.sharedUpdate) e.parallel!.update(null);
    // The step's bookkeeping comes before diagnostics' callbacks (onDiagnostics, onVerdict):
    // one that throws leaves the step counted and the next step on the next batch.
    this.cursor += count;
    this.steps++;
    this.loss[0] = e.f64[e.lossSlot];
    this.diagnostics?.afterUpdate(count, this.applied);
    return count;
  }
}

/** A step's dropout seed: the network's seed and the step mixed (splitmix32's finaliser), as an i32. */
export function stepSeed(seed: number, step: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(step | 0, 0x85ebca6b) ^ ((seed / 2 ** 32) | 0)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aad5);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  return (h ^ (h >>> 15)) | 0;
}
