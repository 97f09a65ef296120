// Gradient-flow diagnostics: every `every` steps the training pass and the optimizer's
// sweep (assembly/stats.ts, measured-update.ts) leave per-layer sums in wasm memory, and
// this turns them into the figures of a DiagnosticsReport — one object, reused, so a step
// stays allocation-free.
// Dead ReLU units are tracked on every step: the pass stamps each unit that fired with the
// running sample count, and a unit is dead once it has been silent for `deadWindow` samples.
// Layers without weights (pools, flatten, dropout, activation layers) have no weight, gradient
// or update figures: theirs are NaN ("does not apply", as `saturated` for a ReLU layer), and
// nothing that sums or compares layers reads them. After a convolution the unit is the
// channel: one filter serves every position, so it stops learning only when it fires nowhere.
import { LAYER_STATISTICS } from '../names.js';
import { canDie, isSaturating } from '../model/activations.js';
import type { Engine } from '../engine/engine.js';
import { STAT } from '../wasm/abi.js';
import { mustBe } from '../util/must-be.js';
import { OptionsReader } from '../util/options.js';
import { clips } from '../optim/options.js';
import type { ResolvedOptimizer } from '../optim/rules.js';
import type { DiagnosticsOptions, DiagnosticsReport, DiagnosticsState, DiagnosticsSummary, HistogramsOption, HistogramTaker, Verdict, VerdictThresholds } from '../types.js';
import { resolveThresholds, VerdictJudge } from './verdicts.js';
import { loadFields, sameShape, saveFields } from '../util/plain-state.js';

const DEFAULT_EVERY = 10;
const DEAD = LAYER_STATISTICS.indexOf('dead');
/** Samples a ReLU unit must stay silent to count as dead, at most (one epoch if shorter). */
const DEFAULT_DEAD_WINDOW = 1000;

/** Diagnostics options checked, defaults filled; null when turned off. */
export interface ResolvedDiagnostics {
  every: number;
  /** Samples of silence that make a ReLU unit dead; null: min(one epoch, 1,000). */
  deadWindow: number | null;
  thresholds: VerdictThresholds;
  /** From descent/diagnostics, or null: no histograms. */
  histograms: HistogramsOption | null;
}

/** Checks the `diagnostics` option: true / undefined (defaults), false (off), or { every, deadWindow }. */
export function resolveDiagnostics(o: boolean | DiagnosticsOptions | undefined, path = 'options.diagnostics'): ResolvedDiagnostics | null {
  if (o === false) return null;
  if (o === undefined || o === true) return { every: DEFAULT_EVERY, deadWindow: null, thresholds: resolveThresholds(undefined, ''), histograms: null };
  const r = OptionsReader.read(o, path, ['every', 'deadWindow', 'thresholds', 'histograms'], 'a diagnostics option', 'true, false or { every, deadWindow, thresholds, histograms }');
  const every = r.integer('every', { default: DEFAULT_EVERY, min: 1, want: 'an integer ≥ 1 (steps between reports)' });
  const deadWindow = r.integer<number | null>('deadWindow', { default: null, min: 1, want: 'an integer ≥ 1 (samples)' });
  return { every, deadWindow, thresholds: resolveThresholds(o.thresholds, `${path}.thresholds`), histograms: resolveHistograms(o.histograms, `${path}.histograms`) };
}

/** `histograms` must come from histograms() of descent/diagnostics (or be false / absent). */
function resolveHistograms(o: unknown, path: string): HistogramsOption | null {
  if (o === undefined || o === false) return null;
  const h = o as HistogramsOption;
  if (typeof o !== 'object' || o === null || typeof h.create !== 'function' || !Number.isInteger(h.bins)) {
    throw mustBe(path, `histograms({ bins }) from 'descent/diagnostics' (or false)`, o);
  }
  return h;
}

export class Diagnostics {
  readonly report: DiagnosticsReport;
  /** True while the current step gathers statistics (set by beforePass). */
  active = false;
  /** The epoch reports are tagged with (the owner keeps it current). */
  epoch = 0;
  private steps = 0;
  private samples = 0;
  private readonly deadWindow: number;
  private readonly relu: boolean[];
  private readonly saturating: boolean[];
  /**
   * Per layer: 1 when it has weight (bias) tensors, else NaN, which their figures are
   * multiplied by (a typed-array read stays an unboxed double; a choice of two constants may not).
   */
  private readonly weightsScale: Float64Array;
  private readonly biasScale: Float64Array;
  /** Per layer: the channels dead units are counted in (its output's first dimension when it is [C, H, W] or [C, L]; else each unit its own). */
  private readonly channels: Int32Array;
  // Per-epoch accumulation: sums of every per-layer figure (statistic-major) and of loss and gradNorm.
  private readonly sums: Float64Array;
  /** Values in each sum (fewer than the reports for `dead` before its window filled). */
  private readonly counts: Float64Array;
  private lossSum = 0;
  private gradNormSum = 0;
  private reports = 0;

  /** Verdicts drawn from the reports. */
  readonly judge: VerdictJudge;
  /** Clipping changes the gradient before the update, so the raw gradient is measured first. */
  private readonly clipping: boolean;
  private readonly histograms: HistogramTaker | null;

  constructor(
    private readonly e: Engine,
    options: ResolvedDiagnostics,
    trainRows: number,
    private readonly onReport: ((report: DiagnosticsReport) => void) | undefined,
    optimizer: ResolvedOptimizer,
    onVerdict: ((v: Verdict) => void) | undefined,
  ) {
    this.every = options.every;
    this.channels = Int32Array.from(e.layers, (l) => (l.spec.shape.length > 1 ? l.spec.shape[0] : l.outputs));
    this.weightsScale = Float64Array.from(e.layers, (l) => (l.weightCount > 0 ? 1 : NaN));
    this.biasScale = Float64Array.from(e.layers, (l) => (l.biasCount > 0 ? 1 : NaN));
    this.judge = new VerdictJudge(options.thresholds, e.layers.map((l, i) => ({
      type: l.spec.type,
      weights: l.weightCount,
      linearMap: l.kind.fans(l.spec).fanIn > 0,
      deadUnits: this.channels[i] < l.outputs ? 'channels' : 'units',
    })), optimizer.type === 'sgd', onVerdict);
    this.clipping = clips(optimizer);
    this.deadWindow = options.deadWindow ?? Math.min(trainRows, DEFAULT_DEAD_WINDOW);
    const L = e.layers.length;
    const perLayer = () => new Float64Array(L).fill(NaN);
    this.report = {
      step: 0, epoch: 0, samples: 0, loss: NaN, gradNorm: NaN, layers: L,
      weightGradNorm: perLayer(), biasGradNorm: perLayer(), weightNorm: perLayer(), biasNorm: perLayer(),
      weightUpdateNorm: perLayer(), biasUpdateNorm: perLayer(), gradToData: perLayer(), updateToData: perLayer(),
      activationGradRms: perLayer(), activationMean: perLayer(), activationStd: perLayer(),
      saturated: perLayer(), dead: perLayer(),
      nonFiniteActivations: perLayer(), nonFiniteGradients: perLayer(), nonFiniteParameters: perLayer(),
      histograms: null,
    };
    this.histograms = options.histograms?.create(e) ?? null;
    this.report.histograms = this.histograms?.report ?? null;
    this.relu = e.layers.map((l) => canDie(l.spec.activation));
    this.saturating = e.layers.map((l) => isSaturating(l.spec.activation));
    this.sums = new Float64Array(LAYER_STATISTICS.length * L);
    this.counts = new Float64Array(LAYER_STATISTICS.length * L);
    e.trackActivity(this.relu.some((r) => r));
    e.gatherStats(false);
  }

  /** Steps between reports. */
  readonly every: number;

  /**
   * Everything the reports, the epoch's summary and the verdicts go on from, as plain data: the
   * counters and sums, the last report, the verdict streaks, when each ReLU unit was last live,
   * and the last histograms.
   */
  state(): DiagnosticsState {
    const { e, histograms } = this;
    return {
      every: this.every,
      fields: saveFields(this, ['steps', 'samples', 'sums', 'counts', 'lossSum', 'gradNormSum', 'reports']),
      report: saveFields(this.report, ['step', 'epoch', 'samples', 'loss', 'gradNorm', ...LAYER_STATISTICS]),
      judge: this.judge.state(),
      lastActive: e.lastActive.map((p, l) => (p ? Array.from(e.i32.subarray(p >> 2, (p >> 2) + e.layers[l].outputs)) : [])),
      histograms: histograms && (['weights', 'gradients', 'activations'] as const).map((k) => saveFields(histograms.report[k], ['lo', 'hi', 'counts'])),
    };
  }

  /**
   * A resumed run: from `state()` when it has this run's shape and cadence; else (diagnostics
   * that were off, another `every`) reports start over, keeping their cadence over the run's steps.
   */
  resume(s: DiagnosticsState | null | undefined, steps: number): void {
    this.steps = steps;
    if (!s || s.every !== this.every || !sameShape(this.state(), s)) return;
    const { e, histograms } = this;
    loadFields(this, s.fields);
    loadFields(this.report, s.report);
    this.judge.load(s.judge);
    e.lastActive.forEach((p, l) => p && e.i32.set(s.lastActive[l], p >> 2));
    s.histograms?.forEach((h, i) => loadFields(histograms!.report[(['weights', 'gradients', 'activations'] as const)[i]], h));
  }

  /** Before the pass of a step over `rows` rows: decides whether this step reports. */
  beforePass(rows: number): void {
    // Steps every, 2·every, …: the first report comes after `every` steps (the first step with every = 1).
    const active = (this.steps + 1) % this.every === 0;
    if (active !== this.active) this.e.gatherStats(active);
    this.active = active;
    this.e.setActivityStamp(this.samples + rows);
  }

  /** After the whole batch's gradient exists, before clipping and the update. */
  afterGradients(): void {
    if (!this.active) return;
    if (this.clipping) this.e.gradientStats();
    this.histograms?.takeGradients();
  }

  /** Just before an update is applied: on a reporting step it measures the parameters in its own sweep. */
  beforeUpdate(): void {
    if (this.active) this.e.measureNextUpdate(!this.clipping);
  }

  /**
   * After the update of a step over `rows` rows (measured, when `applied`): fills the report
   * and hands it on.
   */
  afterUpdate(rows: number, applied: boolean): void {
    this.steps++;
    this.samples += rows;
    const e = this.e;
    // A non-finite loss is exploding at the step it appears, report or not.
    if (!Number.isFinite(e.f64[e.lossSlot])) this.judge.judgeLoss(e.f64[e.lossSlot], this.steps, this.epoch);
    if (!this.active) return;
    if (!applied) {
      // No update ran to measure the parameters: take the figures directly.
      if (!this.clipping) e.gradientStats();
      e.parameterStats();
    }
    this.histograms?.takeWeightsAndOutputs();
    const r = this.report;
    const f64 = e.f64;
    const i32 = e.i32;
    let gradSq = 0;
    for (let l = 0; l < r.layers; l++) {
      const s = (e.stats >> 3) + l * STAT.WORDS;
      const n = rows * e.layers[l].outputs;
      const dW = f64[s + STAT.DW_SQ], db = f64[s + STAT.DB_SQ];
      // An absent tensor's sums are 0: they add nothing here, and its figures are NaN below.
      gradSq += dW + db;
      const hasW = this.weightsScale[l], hasB = this.biasScale[l];
      r.weightGradNorm[l] = Math.sqrt(dW) * hasW;
      r.biasGradNorm[l] = Math.sqrt(db) * hasB;
      r.weightNorm[l] = Math.sqrt(f64[s + STAT.W_SQ]) * hasW;
      r.biasNorm[l] = Math.sqrt(f64[s + STAT.B_SQ]) * hasB;
      r.weightUpdateNorm[l] = Math.sqrt(f64[s + STAT.DW_STEP_SQ]) * hasW;
      r.biasUpdateNorm[l] = Math.sqrt(f64[s + STAT.DB_STEP_SQ]) * hasB;
      r.gradToData[l] = Math.log10(r.weightGradNorm[l] / r.weightNorm[l]);
      r.updateToData[l] = Math.log10(r.weightUpdateNorm[l] / r.weightNorm[l]);
      r.activationGradRms[l] = Math.sqrt(f64[s + STAT.DA_SQ] / n);
      const mean = f64[s + STAT.A_SUM] / n;
      r.activationMean[l] = mean;
      r.activationStd[l] = Math.sqrt(Math.max(0, f64[s + STAT.A_SQ] / n - mean * mean));
      r.saturated[l] = this.saturating[l] ? f64[s + STAT.A_SAT] / n : NaN;
      // Written by the callee: a double returned from a call V8 does not inline is a heap allocation.
      if (this.relu[l]) this.writeDeadFraction(i32, l);
      else r.dead[l] = NaN;
      r.nonFiniteActivations[l] = f64[s + STAT.A_BAD];
      r.nonFiniteGradients[l] = f64[s + STAT.G_BAD];
      r.nonFiniteParameters[l] = f64[s + STAT.P_BAD];
    }
    r.step = this.steps;
    r.epoch = this.epoch;
    r.samples = this.samples;
    r.loss = f64[e.lossSlot];
    r.gradNorm = Math.sqrt(gradSq);
    this.accumulate();
    this.judge.judgeReport(r);
    this.onReport?.(r);
  }

  /**
   * Stores the fraction of layer l's units silent for the last deadWindow samples (NaN until
   * that many were seen). In a [C, H, W] or [C, L] output the units are its channels: a
   * channel is dead when every one of its positions was silent (a position can be silent for
   * want of its feature there, or because padding reaches it, while its filter still learns
   * from the others).
   */
  private writeDeadFraction(i32: Int32Array, l: number): void {
    if (this.samples < this.deadWindow) {
      this.report.dead[l] = NaN;
      return;
    }
    const base = this.e.lastActive[l] >> 2;
    const channels = this.channels[l];
    const positions = this.e.layers[l].outputs / channels;
    // The latest stamp of any position of the channel: silent since then.
    let dead = 0;
    for (let c = 0, u = base; c < channels; c++) {
      let latest = i32[u];
      for (const end = u + positions; u < end; u++) latest = Math.max(latest, i32[u]);
      if (this.samples - latest >= this.deadWindow) dead++;
    }
    this.report.dead[l] = dead / channels;
  }

  private accumulate(): void {
    const r = this.report;
    const L = r.layers;
    for (let f = 0; f < LAYER_STATISTICS.length; f++) {
      const values = r[LAYER_STATISTICS[f]];
      for (let l = 0; l < L; l++) {
        // `dead` is NaN until deadWindow samples were seen: not measured, so not averaged.
        if (f === DEAD && Number.isNaN(values[l])) continue;
        this.sums[f * L + l] += values[l];
        this.counts[f * L + l]++;
      }
    }
    this.lossSum += r.loss;
    this.gradNormSum += r.gradNorm;
    this.reports++;
  }

  /** The epoch's means and last values (plain arrays, for the history); starts the next epoch's sums. */
  endEpoch(): DiagnosticsSummary | undefined {
    if (this.reports === 0) return undefined;
    const L = this.report.layers;
    const mean = { loss: this.lossSum / this.reports, gradNorm: this.gradNormSum / this.reports } as DiagnosticsSummary['mean'];
    const last = { loss: this.report.loss, gradNorm: this.report.gradNorm } as DiagnosticsSummary['last'];
    LAYER_STATISTICS.forEach((name, f) => {
      mean[name] = Array.from(this.sums.subarray(f * L, (f + 1) * L), (v, l) => v / this.counts[f * L + l]);
      last[name] = Array.from(this.report[name]);
    });
    const summary: DiagnosticsSummary = { reports: this.reports, step: this.report.step, mean, last };
    if (this.histograms) summary.histograms = this.histograms.summary();
    this.sums.fill(0);
    this.counts.fill(0);
    this.lossSum = 0;
    this.gradNormSum = 0;
    this.reports = 0;
    return summary;
  }
}

/** Diagnostics for a run on `e` (or none: the engine then stops gathering and stamping). */
export function createDiagnostics(
  e: Engine, options: ResolvedDiagnostics | null, trainRows: number, onReport: ((report: DiagnosticsReport) => void) | undefined,
  optimizer: ResolvedOptimizer, onVerdict: ((v: Verdict) => void) | undefined,
): Diagnostics | null {
  if (options === null) {
    e.gatherStats(false);
    e.trackActivity(false);
    return null;
  }
  return new Diagnostics(e, options, trainRows, onReport, optimizer, onVerdict);
}
