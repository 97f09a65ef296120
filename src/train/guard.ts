// NaN/Inf guard: after a step's gradients exist and before the update, the loss and Σg²
// must be finite ('recover' also refuses a loss above 10× the run's first: a blow-up in
// progress). On a non-finite value the guard finds where it started (the first layer whose
// outputs, else whose gradients, hold one) and then, by mode: throws a NumericalError; skips
// the update (parameters, optimizer moments and step count stay, as PyTorch's GradScaler
// skips a step); or recovers — restores the last good snapshot (the parameters and optimizer
// state before an update, at epoch starts and every `snapshotEvery` steps, when their loss was
// finite and ≤ 10× the best), halves the learning rate and goes on, up to `maxRecoveries` times.
import type { Engine } from '../engine/engine.js';
import { NumericalError } from '../errors.js';
import { mustBe } from '../util/must-be.js';
import { isOneOf, OptionsReader } from '../util/options.js';
import { GUARD_MODES } from '../names.js';
import type { OptimizerState } from '../optim/optimizer.js';
import type { GuardEvent, GuardMode, GuardOptions, GuardState } from '../types.js';

export interface ResolvedGuard {
  mode: Exclude<GuardMode, 'off'>;
  snapshotEvery: number;
  maxRecoveries: number;
}

/** Checks the `guard` option: 'off' (default), 'throw', 'skip', 'recover', or { mode, snapshotEvery, maxRecoveries }. */
export function resolveGuard(o: GuardMode | GuardOptions | undefined): ResolvedGuard | null {
  if (o === undefined) return null;
  const path = 'options.guard';
  if (typeof o === 'string') {
    if (!isOneOf(GUARD_MODES, o)) throw mustBe(path, `one of ${GUARD_MODES.join(', ')}`, o);
    o = { mode: o };
  }
  const r = OptionsReader.read(o, path, ['mode', 'snapshotEvery', 'maxRecoveries'], 'a guard option', `'off', 'throw', 'skip', 'recover' or { mode, snapshotEvery, maxRecoveries }`);
  const mode = r.oneOf('mode', GUARD_MODES);
  const snapshotEvery = r.integer('snapshotEvery', { default: 100, min: 1, want: 'an integer ≥ 1 (steps)' });
  const maxRecoveries = r.integer('maxRecoveries', { default: 5, min: 0 });
  return mode === 'off' ? null : { mode, snapshotEvery, maxRecoveries };
}

/** Loss more than this many times the best seen is no state worth returning to. */
const SNAPSHOT_LOSS_FACTOR = 10;
/** 'recover': a loss above this many times the run's first is a blow-up. */
const BLOW_UP_FACTOR = 10;

export class Guard {
  readonly events: GuardEvent[] = [];
  /** Multiplies the learning rate (the schedule's, when there is one): halved at each recovery. */
  lrScale = 1;
  /** The epoch events are tagged with (the owner keeps it current). */
  epoch = 0;
  private recoveries = 0;
  private steps = 0;
  private best = Infinity;
  private first = NaN;
  private snapshot: Float32Array | null = null;
  private snapshotStep = 0;
  private snapshotState = { step: 0, muProduct: 1 };

  constructor(
    private readonly e: Engine,
    readonly options: ResolvedGuard,
    private readonly optimizer: OptimizerState,
  ) {}

  /**
   * Before the update: true when the step may be applied. Otherwise acts by mode (throws,
   * or leaves the update to be skipped; a recovery has already restored the snapshot).
   */
  allowUpdate(epochStart: boolean): boolean {
    const e = this.e;
    const step = ++this.steps;
    const loss = e.f64[e.lossSlot];
    e.k.sumOfSquares(e.scalars + 8, e.grads, e.paramCount);
    const finite = Number.isFinite(loss) && Number.isFinite(e.f64[(e.scalars + 8) >> 3]);
    if (step === 1) this.first = loss;
    // 'recover' also turns back from a blow-up that has not overflowed yet (the loss above
    // 10× the run's first, as the exploding verdict judges it).
    const blowUp = finite && this.options.mode === 'recover' && loss > BLOW_UP_FACTOR * this.first;
    if (finite && !blowUp) {
      if (loss < this.best) this.best = loss;
      // The parameters that gave this loss, before the update: a state worth returning to.
      if (this.options.mode === 'recover' && (epochStart || step % this.options.snapshotEvery === 0) && loss <= SNAPSHOT_LOSS_FACTOR * this.best) this.take();
      return true;
    }
    const { layer, where, value } = blowUp ? { layer: null, where: 'loss' as const, value: loss } : this.locate(loss);
    const action = this.options.mode === 'throw' ? 'threw'
      : this.options.mode === 'skip' ? 'skipped'
      : this.recoveries < this.options.maxRecoveries && this.snapshot ? 'recovered' : 'threw';
    const cause = blowUp ? 'blow-up' : 'non-finite';
    this.events.push({ step, epoch: this.epoch, layer, where, cause, action, ...(action === 'recovered' ? { lrScale: this.lrScale / 2, restoredStep: this.snapshotStep } : {}) });
    if (action === 'threw') {
      const why = this.options.mode === 'recover' ? ` after ${this.recoveries} recoveries (maxRecoveries ${this.options.maxRecoveries})` : '';
      const what = blowUp ? `loss ${loss.toPrecision(3)} (over ${BLOW_UP_FACTOR}× the first, ${this.first.toPrecision(3)})` : `non-finite ${where}`;
      throw new NumericalError(`${what} at step ${step}${layer === null ? '' : ` in layer ${layer}`}${why}; the step was not applied`, where, value, step, layer);
    }
    if (action === 'recovered') this.restore();
    return false;
  }

  /** Takes a snapshot now (also at the start of training). */
  take(): void {
    if (this.options.mode !== 'recover') return;
    const e = this.e;
    const P = e.paramCount;
    this.snapshot ??= new Float32Array(4 * P);
    const f32 = e.f32;
    this.snapshot.set(f32.subarray(e.params >> 2, (e.params >> 2) + P), 0);
    e.slots.forEach((s, i) => this.snapshot!.set(f32.subarray(s >> 2, (s >> 2) + P), (i + 1) * P));
    this.snapshotStep = this.steps;
    this.snapshotState = this.optimizer.saveState();
  }

  private restore(): void {
    const e = this.e;
    const P = e.paramCount;
    const f32 = e.f32;
    f32.set(this.snapshot!.subarray(0, P), e.params >> 2);
    e.slots.forEach((s, i) => f32.set(this.snapshot!.subarray((i + 1) * P, (i + 2) * P), s >> 2));
    this.optimizer.loadState(this.snapshotState);
    this.recoveries++;
    this.lrScale /= 2;
    this.optimizer.options.lr /= 2;
  }

  /** A plain copy of the state (NaN and ±Infinity as null, so JSON keeps them). */
  state(): GuardState {
    const json = (v: number) => (Number.isFinite(v) ? v : null);
    const snap = this.snapshot;
    return {
      lrScale: this.lrScale, recoveries: this.recoveries, steps: this.steps, best: json(this.best), first: json(this.first),
      events: this.events.map((ev) => ({ ...ev })),
      snapshot: snap && { step: this.snapshotStep, optimizerStep: this.snapshotState.step, muProduct: this.snapshotState.muProduct, values: Array.from(snap) },
    };
  }

  /** Resumes from `state()` (of a run on a network of the same shape). */
  load(s: GuardState): void {
    const values = s.snapshot?.values;
    if (values && values.length !== 4 * this.e.paramCount) throw mustBe('guard.snapshot.values', `${4 * this.e.paramCount} values (parameters and three state slots)`, values.length);
    this.lrScale = s.lrScale;
    this.recoveries = s.recoveries;
    this.steps = s.steps;
    this.best = s.best ?? Infinity;
    this.first = s.first ?? NaN;
    this.events.splice(0, this.events.length, ...s.events.map((ev) => ({ ...ev })));
    this.snapshot = values ? Float32Array.from(values) : null;
    this.snapshotStep = s.snapshot?.step ?? 0;
    this.snapshotState = { step: s.snapshot?.optimizerStep ?? 0, muProduct: s.snapshot?.muProduct ?? 1 };
  }

  /**
   * The first layer whose outputs hold a non-finite value, else the first whose gradients do,
   * with that value; else the loss.
   */
  private locate(loss: number): { layer: number | null; where: GuardEvent['where']; value: number } {
    const e = this.e;
    const f32 = e.f32;
    const rows = e.lastPassRows;
    for (const where of ['activations', 'gradients'] as const) {
      for (let l = 0; l < e.layers.length; l++) {
        const L = e.layers[l];
        const start = (where === 'activations' ? L.a : L.grads) >> 2;
        const end = start + (where === 'activations' ? rows * L.outputs : L.weightCount + L.biasCount);
        for (let i = start; i < end; i++) if (!Number.isFinite(f32[i])) return { layer: l, where, value: f32[i] };
      }
    }
    return { layer: null, where: 'loss', value: loss };
  }
}
