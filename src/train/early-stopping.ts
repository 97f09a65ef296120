// Early stopping with Keras semantics: an epoch improves when its monitored value beats the
// best by more than minDelta (in the mode's direction; NaN never improves); training stops
// after `patience` epochs in a row without improvement. With restoreBestWeights the best
// epoch's parameters are kept aside and put back whenever training ends. Its state is a
// plain, JSON-serialisable object, so a checkpoint can store and resume it.
import type { Engine } from '../engine/engine.js';
import { mustBe } from '../util/must-be.js';
import type { EarlyStopping, EarlyStoppingState } from '../types.js';

export class EarlyStopper {
  private best = NaN;
  private wait = 0;
  /** The epoch whose value was best, or null before the first improvement. */
  bestEpoch: number | null = null;
  private bestWeights: Float32Array | null = null;
  private bestState: Float32Array | null = null;
  private readonly higherIsBetter: boolean;

  constructor(private readonly e: Engine, private readonly options: Required<EarlyStopping>) {
    this.higherIsBetter = options.mode === 'max' || (options.mode === 'auto' && options.monitor.endsWith('accuracy'));
  }

  /** Books epoch `epoch`'s monitored value; true when training should stop. */
  update(value: number, epoch: number): boolean {
    const o = this.options;
    const improved = Number.isNaN(this.best) ? !Number.isNaN(value) : this.higherIsBetter ? value > this.best + o.minDelta : value < this.best - o.minDelta;
    if (improved) {
      this.best = value;
      this.wait = 0;
      this.bestEpoch = epoch;
      if (o.restoreBestWeights) this.keepWeights();
      return false;
    }
    this.wait++;
    return this.wait > o.patience;
  }

  /** restoreBestWeights: puts the best epoch's parameters back (whatever ended training). */
  finish(): void {
    if (this.bestWeights) this.e.f32.set(this.bestWeights, this.e.params >> 2);
    // Batch norm's running statistics go back with the weights they were gathered under.
    if (this.bestState) {
      let at = 0;
      for (const l of this.e.layers) {
        this.e.f32.set(this.bestState.subarray(at, at + l.stateSize), l.state >> 2);
        at += l.stateSize;
      }
    }
  }

  /** Copies the parameters (and the layers' running statistics) aside as the best so far. */
  private keepWeights(): void {
    const e = this.e;
    this.bestWeights ??= new Float32Array(e.paramCount);
    this.bestWeights.set(e.f32.subarray(e.params >> 2, (e.params >> 2) + e.paramCount));
    const stateSize = e.layers.reduce((n, l) => n + l.stateSize, 0);
    if (stateSize > 0) {
      this.bestState ??= new Float32Array(stateSize);
      let at = 0;
      for (const l of e.layers) {
        this.bestState.set(e.f32.subarray(l.state >> 2, (l.state >> 2) + l.stateSize), at);
        at += l.stateSize;
      }
    }
  }

  /** A plain copy of the state (NaN as null, so JSON keeps it). */
  state(): EarlyStoppingState {
    return {
      best: Number.isNaN(this.best) ? null : this.best,
      wait: this.wait,
      bestEpoch: this.bestEpoch,
      bestWeights: this.bestWeights && Array.from(this.bestWeights),
      ...(this.bestState ? { bestState: Array.from(this.bestState) } : {}),
    };
  }

  /** Resumes from `state()` (of a run on a network of the same shape). */
  load(s: EarlyStoppingState): void {
    if (s.bestWeights && s.bestWeights.length !== this.e.paramCount) throw mustBe('earlyStopping.bestWeights', `${this.e.paramCount} values`, s.bestWeights.length);
    this.best = s.best ?? NaN;
    this.wait = s.wait;
    this.bestEpoch = s.bestEpoch;
    this.bestWeights = s.bestWeights && Float32Array.from(s.bestWeights);
    const stateSize = this.e.layers.reduce((n, l) => n + l.stateSize, 0);
    if (s.bestState && s.bestState.length !== stateSize) throw mustBe('earlyStopping.bestState', `${stateSize} values`, s.bestState.length);
    this.bestState = s.bestState ? Float32Array.from(s.bestState) : null;
  }
}
