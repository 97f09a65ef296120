// Gradient-flow diagnostics: every `every` steps the training pass and two host-driven
// kernels (assembly/stats.ts) leave per-layer sums in wasm memory, and this turns them into
// the figures of a DiagnosticsReport — one object, reused, so a step stays allocation-free.
// Dead ReLU units are tracked on every step: the pass stamps each unit that fired with the
// running sample count, and a unit is dead once it has been silent for `deadWindow` samples.
import { activationCode } from './codes.js';
import { STAT_WORDS, type Engine } from './engine.js';
import { ConfigError, describe } from './errors.js';
import type { DiagnosticsOptions, DiagnosticsReport, DiagnosticsSummary, LayerStatistic, Verdict, VerdictThresholds } from './types.js';
import { resolveThresholds, VerdictJudge } from './verdicts.js';

// f64 slots of a layer's statistics block (mirrored from assembly/stats.ts; a test compares them).
export const STAT = {
  A_SUM: 0, A_SQ: 1, A_SAT: 2, A_BAD: 3, DA_SQ: 4, DW_SQ: 5, DB_SQ: 6, G_BAD: 7,
  W_SQ: 8, B_SQ: 9, DW_STEP_SQ: 10, DB_STEP_SQ: 11, P_BAD: 12,
} as const;

/** The per-layer figures of a report, in the order the CSV export lists them. */
export const LAYER_STATISTICS: readonly LayerStatistic[] = [
  'weightGradNorm', 'biasGradNorm', 'weightNorm', 'biasNorm', 'weightUpdateNorm', 'biasUpdateNorm',
  'gradToData', 'updateToData', 'activationGradRms', 'activationMean', 'activationStd',
  'saturated', 'dead', 'nonFiniteActivations', 'nonFiniteGradients', 'nonFiniteParameters',
];

const DEFAULT_EVERY = 10;
/** Samples a ReLU unit must stay silent to count as dead, at most (one epoch if shorter). */
const DEFAULT_DEAD_WINDOW = 1000;

/** Diagnostics options checked, defaults filled; null when turned off. */
export interface ResolvedDiagnostics {
  every: number;
  /** Samples of silence that make a ReLU unit dead; null: min(one epoch, 1,000). */
  deadWindow: number | null;
  thresholds: VerdictThresholds;
}

/** Checks the `diagnostics` option: true / undefined (defaults), false (off), or { every, deadWindow }. */
export function resolveDiagnostics(o: boolean | DiagnosticsOptions | undefined, path = 'options.diagnostics'): ResolvedDiagnostics | null {
  if (o === false) return null;
  if (o === undefined || o === true) return { every: DEFAULT_EVERY, deadWindow: null, thresholds: resolveThresholds(undefined, '') };
  if (typeof o !== 'object' || o === null) throw new ConfigError(`${path} must be true, false or { every, deadWindow, thresholds }, got ${describe(o)}`, path, o);
  for (const key of Object.keys(o)) {
    if (!['every', 'deadWindow', 'thresholds'].includes(key)) throw new ConfigError(`${path}.${key} is not a diagnostics option (every, deadWindow, thresholds)`, `${path}.${key}`, key);
  }
  const every = o.every ?? DEFAULT_EVERY;
  if (!Number.isInteger(every) || every < 1) throw new ConfigError(`${path}.every must be an integer ≥ 1 (steps between reports), got ${describe(every)}`, `${path}.every`, every);
  const deadWindow = o.deadWindow ?? null;
  if (deadWindow !== null && (!Number.isInteger(deadWindow) || deadWindow < 1)) {
    throw new ConfigError(`${path}.deadWindow must be an integer ≥ 1 (samples), got ${describe(deadWindow)}`, `${path}.deadWindow`, deadWindow);
  }
  return { every, deadWindow, thresholds: resolveThresholds(o.thresholds, `${path}.thresholds`) };
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
  // Per-epoch accumulation: sums of every per-layer figure (statistic-major) and of loss and gradNorm.
  private readonly sums: Float64Array;
  private lossSum = 0;
  private gradNormSum = 0;
  private reports = 0;

  /** Verdicts drawn from the reports. */
  readonly judge: VerdictJudge;

  constructor(
    private readonly e: Engine,
    options: ResolvedDiagnostics,
    trainRows: number,
    private readonly onReport: ((report: DiagnosticsReport) => void) | undefined,
    plainSgd: boolean,
    onVerdict: ((v: Verdict) => void) | undefined,
  ) {
    this.every = options.every;
    this.judge = new VerdictJudge(options.thresholds, e.layers.map((l) => l.units * l.inputs), plainSgd, onVerdict);
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
    };
    this.relu = e.layers.map((l) => l.act === activationCode('relu'));
    this.saturating = e.layers.map((l) => l.act === activationCode('sigmoid') || l.act === activationCode('tanh'));
    this.sums = new Float64Array(LAYER_STATISTICS.length * L);
    e.trackActivity(this.relu.some((r) => r));
    e.gatherStats(false);
  }

  /** Steps between reports. */
  readonly every: number;

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
    this.e.gradientStats();
    this.e.snapshotParameters();
  }

  /** After the update of a step over `rows` rows: fills the report and hands it on. */
  afterUpdate(rows: number): void {
    this.steps++;
    this.samples += rows;
    const e = this.e;
    // A non-finite loss is exploding at the step it appears, report or not.
    if (!Number.isFinite(e.f64[e.lossSlot])) this.judge.judgeLoss(e.f64[e.lossSlot], this.steps, this.epoch);
    if (!this.active) return;
    e.parameterStats();
    const r = this.report;
    const f64 = e.f64;
    const i32 = e.i32;
    let gradSq = 0;
    for (let l = 0; l < r.layers; l++) {
      const s = (e.stats >> 3) + l * STAT_WORDS;
      const n = rows * e.layers[l].units;
      const dW = f64[s + STAT.DW_SQ], db = f64[s + STAT.DB_SQ];
      gradSq += dW + db;
      r.weightGradNorm[l] = Math.sqrt(dW);
      r.biasGradNorm[l] = Math.sqrt(db);
      r.weightNorm[l] = Math.sqrt(f64[s + STAT.W_SQ]);
      r.biasNorm[l] = Math.sqrt(f64[s + STAT.B_SQ]);
      r.weightUpdateNorm[l] = Math.sqrt(f64[s + STAT.DW_STEP_SQ]);
      r.biasUpdateNorm[l] = Math.sqrt(f64[s + STAT.DB_STEP_SQ]);
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

  /** Stores the fraction of layer l's units silent for the last deadWindow samples (NaN until that many were seen). */
  private writeDeadFraction(i32: Int32Array, l: number): void {
    if (this.samples < this.deadWindow) {
      this.report.dead[l] = NaN;
      return;
    }
    const base = this.e.lastActive[l] >> 2;
    const units = this.e.layers[l].units;
    let dead = 0;
    for (let u = 0; u < units; u++) if (this.samples - i32[base + u] >= this.deadWindow) dead++;
    this.report.dead[l] = dead / units;
  }

  private accumulate(): void {
    const r = this.report;
    const L = r.layers;
    for (let f = 0; f < LAYER_STATISTICS.length; f++) {
      const values = r[LAYER_STATISTICS[f]];
      for (let l = 0; l < L; l++) this.sums[f * L + l] += values[l];
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
      mean[name] = Array.from(this.sums.subarray(f * L, (f + 1) * L), (v) => v / this.reports);
      last[name] = Array.from(this.report[name]);
    });
    const summary: DiagnosticsSummary = { reports: this.reports, step: this.report.step, mean, last };
    this.sums.fill(0);
    this.lossSum = 0;
    this.gradNormSum = 0;
    this.reports = 0;
    return summary;
  }
}

/** Diagnostics for a run on `e` (or none: the engine then stops gathering and stamping). */
export function createDiagnostics(
  e: Engine, options: ResolvedDiagnostics | null, trainRows: number, onReport: ((report: DiagnosticsReport) => void) | undefined,
  plainSgd: boolean, onVerdict: ((v: Verdict) => void) | undefined,
): Diagnostics | null {
  if (options === null) {
    e.gatherStats(false);
    e.trackActivity(false);
    return null;
  }
  return new Diagnostics(e, options, trainRows, onReport, plainSgd, onVerdict);
}

/** The diagnostics of a fit's history as CSV: one row per epoch, layer and statistic (mean and last value). */
export function diagnosticsCsv(history: { epochs: { epoch: number; diagnostics?: DiagnosticsSummary }[] }): string {
  const lines = ['epoch,layer,statistic,mean,last'];
  for (const record of history.epochs) {
    const d = record.diagnostics;
    if (!d) continue;
    lines.push(`${record.epoch},,loss,${d.mean.loss},${d.last.loss}`, `${record.epoch},,gradNorm,${d.mean.gradNorm},${d.last.gradNorm}`);
    for (const name of LAYER_STATISTICS) {
      d.mean[name].forEach((m, l) => lines.push(`${record.epoch},${l},${name},${m},${d.last[name][l]}`));
    }
  }
  return lines.join('\n') + '\n';
}
