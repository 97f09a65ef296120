// Verdicts: the diagnostics read back in the seeds' terms. Each condition must hold at
// `consecutive` evaluations in a row (3 by default) before it is raised — except a
// non-finite loss, which is raised at the step it appears. Each verdict (per layer, for the
// layer ones) is raised once per run, at its first occurrence: a condition that flickers
// does not flood the history, and nothing here allocates except that first raise.
import { OptionsReader } from '../util/options.js';
import { RollingMedian } from '../util/rolling-median.js';
import { loadFields, saveFields } from '../util/plain-state.js';
import type { DiagnosticsReport, Verdict, VerdictCode, VerdictThresholds } from '../types.js';

/** Every threshold, with its default (docs/diagnostics.md). */
export const DEFAULT_THRESHOLDS: Readonly<VerdictThresholds> = {
  consecutive: 3,
  vanishingRatio: 1e-3,
  explodingNormFactor: 100,
  explodingNormWindow: 50,
  explodingLossFactor: 10,
  saturated: 0.5,
  dead: 0.5,
  lrHighUpdateRatio: -1,
  lrLowUpdateRatio: -5,
  plateauLossChange: 1e-3,
  plateauGradNorm: 1e-3,
};

const REMEDIES: Record<VerdictCode, string> = {
  vanishing: 'gradients fade towards the input: use ReLU (or leaky ReLU) with He initialisation instead of sigmoid/tanh with Xavier, or fewer layers',
  exploding: 'gradients blow up: lower the learning rate, clip gradients (clipGradNorm), or train with guard: "recover"',
  saturated: 'sigmoid/tanh units sit in their flat tails and pass almost no gradient: standardise the inputs, use Xavier initialisation, or switch to ReLU',
  dead: 'ReLU units output 0 for every sample and no longer learn: lower the learning rate, use He initialisation, or leaky ReLU',
  lr_too_high: 'the learning rate is too high: updates overshoot and the loss rises; lower it (÷10)',
  lr_too_low: 'the learning rate is too low: updates are tiny next to the weights and the loss crawls; raise it (×10)',
  plateau: 'the loss is flat and the gradient small — a saddle point or flat region: add momentum, restart from a new initialisation, or raise the learning rate',
  overfitting: 'validation loss rises while training loss falls: stop earlier (earlyStopping with restoreBestWeights), get more data, or use a smaller network',
};

/** Checks `thresholds` (any subset of VerdictThresholds) and fills defaults. */
export function resolveThresholds(o: unknown, path: string): VerdictThresholds {
  if (o === undefined) return { ...DEFAULT_THRESHOLDS };
  const keys = Object.keys(DEFAULT_THRESHOLDS) as (keyof VerdictThresholds)[];
  const r = OptionsReader.read(o, path, keys, 'a threshold', 'an object of thresholds', { defaults: DEFAULT_THRESHOLDS });
  const t = { ...DEFAULT_THRESHOLDS };
  for (const key of keys) {
    // Counts are integers ≥ 1; the lr ratios are log10 values of any sign; the rest are positive.
    t[key] = key === 'consecutive' || key === 'explodingNormWindow' ? r.integer(key, { min: 1 })
      : key.startsWith('lr') ? r.number(key) : r.number(key, { above: 0 });
  }
  return t;
}

const LAYER_CODES: VerdictCode[] = ['saturated', 'dead'];

/**
 * What the judge knows of a layer: its kind's `type`, its weight count (0: it has no weights,
 * so no weight figures), whether its weights are a linear map with fans (dense, conv2d: the
 * layers the vanishing ratio compares; a normalisation's γ is a scale, not one), and what its
 * dead units are (channels for a [C, H, W] or [C, L] output, where one filter serves every position).
 */
export interface JudgedLayer {
  readonly type: string;
  readonly weights: number;
  readonly linearMap: boolean;
  readonly deadUnits: 'units' | 'channels';
}
const NETWORK_CODES: VerdictCode[] = ['vanishing', 'exploding', 'lr_too_high', 'lr_too_low', 'plateau', 'overfitting'];

export class VerdictJudge {
  /** Every verdict raised so far, in order. */
  readonly raised: Verdict[] = [];
  // Consecutive evaluations each condition has held: network codes, then layer codes × layers.
  private readonly streak: Int32Array;
  /** Set once a verdict has been raised: it is not judged again in this run. */
  private readonly done: Uint8Array;
  /** Marked to be raised at the next flush. */
  private readonly pending: Uint8Array;
  private anyPending = 0;
  /** The exploding verdict's cause at the last report: 2 non-finite, 1 gradient-norm blow-up, 0 loss blow-up. */
  private explodingCause = 0;
  private explodingNonFinite = NaN;
  /** Recent finite gradient norms. */
  private readonly norms: RollingMedian;
  /** Their median before this report's norm joined (what `exploding` compares against). */
  private median = Infinity;
  private firstLoss = NaN;
  private lastLoss = NaN;
  private lastValLoss = NaN;
  private lastTrainLoss = NaN;
  /** The largest update:data of the layers with weights at the last report (what the learning-rate verdicts read). */
  private maxUpdate = NaN;

  // The thresholds as plain number fields: reading a double from the options object (a
  // spread copy) allocated in optimized code, and judgeReport must not allocate.
  private readonly consecutive: number;
  private readonly vanishingRatio: number;
  private readonly explodingNormFactor: number;
  private readonly explodingLossFactor: number;
  private readonly saturatedLimit: number;
  private readonly deadLimit: number;
  private readonly lrHigh: number;
  private readonly lrLow: number;
  private readonly plateauLossChange: number;
  private readonly plateauGradNorm: number;
  /** The first and last linear-map layers (dense, conv2d) and √ of their weight counts: the vanishing ratio's ends. */
  private readonly first: number;
  private readonly last: number;
  private readonly sqrtFirst: number;
  private readonly sqrtLast: number;
  /** 1 for layers with weights: only they have an update:data for the learning-rate verdicts. */
  private readonly weighted: Uint8Array;
  private readonly layerCount: number;

  constructor(
    readonly thresholds: VerdictThresholds,
    private readonly layers: readonly JudgedLayer[],
    private readonly plainSgd: boolean,
    private readonly onVerdict: ((v: Verdict) => void) | undefined,
  ) {
    this.consecutive = thresholds.consecutive;
    this.vanishingRatio = thresholds.vanishingRatio;
    this.explodingNormFactor = thresholds.explodingNormFactor;
    this.explodingLossFactor = thresholds.explodingLossFactor;
    this.saturatedLimit = thresholds.saturated;
    this.deadLimit = thresholds.dead;
    this.lrHigh = thresholds.lrHighUpdateRatio;
    this.lrLow = thresholds.lrLowUpdateRatio;
    this.plateauLossChange = thresholds.plateauLossChange;
    this.plateauGradNorm = thresholds.plateauGradNorm;
    this.layerCount = layers.length;
    this.weighted = Uint8Array.from(layers, (l) => (l.weights > 0 ? 1 : 0));
    // Pools, flatten, dropout and activation layers have no weights, so no ∂W: the ratio runs
    // from the first layer with a weight matrix or kernel to the last. With fewer than two it is
    // a layer against itself (1: never vanishing); with none, 0/0 (NaN: never either).
    const maps = layers.flatMap((l, i) => (l.linearMap && l.weights > 0 ? [i] : []));
    this.first = maps.length ? maps[0] : 0;
    this.last = maps.length ? maps[maps.length - 1] : 0;
    this.sqrtFirst = Math.sqrt(layers[this.first]?.weights ?? 0);
    this.sqrtLast = Math.sqrt(layers[this.last]?.weights ?? 0);
    this.streak = new Int32Array(NETWORK_CODES.length + LAYER_CODES.length * layers.length);
    this.done = new Uint8Array(this.streak.length);
    this.pending = new Uint8Array(this.streak.length);
    this.norms = new RollingMedian(thresholds.explodingNormWindow);
  }

  /** The streaks and running figures, as plain data (the verdicts raised are the history's). */
  state(): Record<string, unknown> {
    return {
      ...saveFields(this, ['streak', 'done', 'pending', 'anyPending', 'explodingCause', 'explodingNonFinite', 'median', 'firstLoss', 'lastLoss', 'lastValLoss', 'lastTrainLoss']),
      norms: saveFields(this.norms, ['ring', 'sorted', 'count', 'next', 'median']),
    };
  }

  /** Continues from `state()` (of a judge of the same network and thresholds). */
  load({ norms, ...rest }: Record<string, unknown>): void {
    loadFields(this, rest);
    loadFields(this.norms, norms as Record<string, unknown>);
  }

  /** Every step: a non-finite loss is `exploding` at once. */
  judgeLoss(loss: number, step: number, epoch: number): void {
    if (Number.isFinite(loss)) return;
    const i = NETWORK_CODES.indexOf('exploding');
    if (this.done[i]) return;
    this.done[i] = 1;
    this.raise('exploding', null, step, epoch, { loss }, `the loss is ${loss} at step ${step}`);
  }

  /** At every diagnostics report. */
  judgeReport(r: DiagnosticsReport): void {
    const L = r.layers;
    if (Number.isNaN(this.firstLoss) && Number.isFinite(r.loss)) this.firstLoss = r.loss;

    // vanishing: RMS of the first linear-map layer's weight gradient against the last one's.
    // Inline, not through gradientRatio(): a double returned from a call is a heap allocation.
    // No `L > 1 ? … : NaN`: a phi of a computed double and a constant is boxed. One layer gives 1.
    const ratio = (r.weightGradNorm[this.first] / this.sqrtFirst) / (r.weightGradNorm[this.last] / this.sqrtLast);
    this.update('vanishing', null, r, ratio < this.vanishingRatio);

    // exploding: non-finite values, a gradient norm far above its recent median, or the loss far above the first.
    let nonFinite = 0;
    for (let l = 0; l < L; l++) nonFinite += r.nonFiniteActivations[l] + r.nonFiniteGradients[l] + r.nonFiniteParameters[l];
    const median = this.norms.median;
    this.median = median;
    const normBlowUp = r.gradNorm > this.explodingNormFactor * median;
    const lossBlowUp = r.loss > this.explodingLossFactor * this.firstLoss;
    const nonFiniteSeen = nonFinite > 0 || !Number.isFinite(r.gradNorm) || !Number.isFinite(r.loss);
    const i = NETWORK_CODES.indexOf('exploding');
    // Non-finite values need no streak; a blow-up of finite figures does. Every operand is
    // evaluated on every report (see update() for why).
    const run = (this.streak[i] + 1) * ((nonFiniteSeen || normBlowUp || lossBlowUp) ? 1 : 0);
    this.streak[i] = run;
    const fire = ((nonFiniteSeen ? 1 : 0) | (run >= this.consecutive ? 1 : 0)) & (run > 0 ? 1 : 0) & (1 - this.done[i]);
    this.mark(i, fire);
    // What the flush will say, set on every report (a branch first taken late would deoptimize).
    this.explodingCause = nonFiniteSeen ? 2 : normBlowUp ? 1 : 0;
    this.explodingNonFinite = nonFinite;
    if (Number.isFinite(r.gradNorm)) {
      this.norms.value = r.gradNorm;
      this.norms.add();
    }

    // Learning rate, judged by update:data under plain SGD only (Adam keeps it near −2 whatever happens).
    // Over the layers with weights: the others' update:data is NaN (no weights), which Math.max would spread.
    let maxUpdate = -Infinity;
    for (let l = 0; l < L; l++) if (this.weighted[l] === 1) maxUpdate = Math.max(maxUpdate, r.updateToData[l]);
    this.maxUpdate = maxUpdate;
    const rising = r.loss > this.lastLoss;
    const change = Math.abs(r.loss - this.lastLoss) / Math.abs(this.lastLoss);
    this.update('lr_too_high', null, r, this.plainSgd && maxUpdate > this.lrHigh && rising);
    // Tiny updates with a real gradient: the step size, not the landscape, holds training back.
    this.update('lr_too_low', null, r, this.plainSgd && maxUpdate < this.lrLow && r.gradNorm >= this.plateauGradNorm);
    this.update('plateau', null, r, change < this.plateauLossChange && r.gradNorm < this.plateauGradNorm);
    this.lastLoss = r.loss;

    for (let l = 0; l < L; l++) {
      this.update('saturated', l, r, r.saturated[l] > this.saturatedLimit);
      this.update('dead', l, r, r.dead[l] > this.deadLimit);
    }
    this.flush(r);
  }

  /** At the end of an epoch with validation data. */
  judgeEpoch(trainLoss: number, valLoss: number, step: number, epoch: number): void {
    const overfitting = valLoss > this.lastValLoss && trainLoss < this.lastTrainLoss;
    this.lastValLoss = valLoss;
    this.lastTrainLoss = trainLoss;
    const i = NETWORK_CODES.indexOf('overfitting');
    if (this.done[i]) return;
    this.streak[i] = overfitting ? this.streak[i] + 1 : 0;
    if (this.streak[i] === this.thresholds.consecutive) {
      this.done[i] = 1;
      this.raise('overfitting', null, step, epoch, { valLoss, trainLoss }, `validation loss ${valLoss.toPrecision(4)} rose while training loss fell to ${trainLoss.toPrecision(4)}`);
    }
  }

  /**
   * Counts one more evaluation where `code` (for `layer`) holds, or resets its streak; raises
   * it when the streak reaches `consecutive`. Only the raise path builds objects.
   */
  private update(code: VerdictCode, layer: number | null, r: DiagnosticsReport, holds: boolean): void {
    const i = layer === null ? NETWORK_CODES.indexOf(code) : NETWORK_CODES.length + LAYER_CODES.indexOf(code) * this.layerCount + layer;
    // Arithmetic instead of branches: optimized code that meets a path it has never run
    // deoptimizes, and this runs too rarely (once per report) to be re-optimized soon —
    // interpreted, it would box every double it reads.
    const run = (this.streak[i] + 1) * (holds ? 1 : 0);
    this.streak[i] = run;
    this.mark(i, (run === this.consecutive ? 1 : 0) & (1 - this.done[i]));
  }

  /** Records that verdict `i` fires (fire = 1): raised by the next flush, once per run. */
  private mark(i: number, fire: number): void {
    this.done[i] |= fire;
    this.pending[i] |= fire;
    this.anyPending |= fire;
  }

  /**
   * Raises the marked verdicts. Called on every report, so judgeReport's own code never
   * meets a first-time path; this small function takes the deoptimization instead.
   */
  private flush(r: DiagnosticsReport): void {
    if (this.anyPending === 0) return;
    this.anyPending = 0;
    const n = NETWORK_CODES.length, L = this.layerCount;
    for (let i = 0; i < this.pending.length; i++) {
      if (!this.pending[i]) continue;
      this.pending[i] = 0;
      if (i < n) this.raiseFrom(NETWORK_CODES[i], null, r);
      else this.raiseFrom(LAYER_CODES[Math.floor((i - n) / L)], (i - n) % L, r);
    }
  }

  private raiseFrom(code: VerdictCode, layer: number | null, r: DiagnosticsReport): void {
    if (code === 'exploding') {
      const detail = this.explodingCause === 2 ? `${this.explodingNonFinite} non-finite values (loss ${r.loss}, gradient norm ${r.gradNorm})`
        : this.explodingCause === 1 ? `gradient norm ${r.gradNorm.toPrecision(3)} > ${this.explodingNormFactor}× its recent median ${this.median.toPrecision(3)}`
        : `loss ${r.loss.toPrecision(4)} > ${this.explodingLossFactor}× the first ${this.firstLoss.toPrecision(4)}`;
      this.raise('exploding', null, r.step, r.epoch, { gradNorm: r.gradNorm, loss: r.loss, nonFinite: this.explodingNonFinite, medianGradNorm: this.median }, detail);
      return;
    }
    const [figure, value, what] = this.figureOf(code, layer, r);
    const where = layer === null ? '' : `${this.name(layer)}: `;
    const figures: Record<string, number> = { [figure]: value, loss: r.loss, gradNorm: r.gradNorm };
    let detail = `${where}${what} ${value.toPrecision(3)}`;
    if (code === 'vanishing') {
      // Where the gradient fades, through every layer (those without weights pass ∂L/∂a on too).
      const drop = steepestDrop(r);
      if (drop.layer >= 0) {
        figures.dropLayer = drop.layer;
        figures.drop = drop.factor;
        detail += `; RMS(∂L/∂a) falls most across ${this.name(drop.layer)}, ×${drop.factor.toPrecision(3)}`;
      }
    }
    this.raise(code, layer, r.step, r.epoch, figures, detail);
  }

  /** A layer as verdicts name it: its kind and position ("conv2d layer 0"). */
  private name(l: number): string {
    return `${this.layers[l].type} layer ${l}`;
  }

  /** The figure a verdict rests on, as the report shows it. */
  private figureOf(code: VerdictCode, layer: number | null, r: DiagnosticsReport): [string, number, string] {
    switch (code) {
      case 'vanishing': return ['ratio', this.gradientRatio(r), `RMS(∂W ${this.name(this.first)}) / RMS(∂W ${this.name(this.last)})`];
      case 'lr_too_high':
      case 'lr_too_low': return ['updateToData', this.maxUpdate, 'largest log10 update:data'];
      case 'plateau': return ['gradNorm', r.gradNorm, 'loss flat, gradient norm'];
      case 'saturated': return ['saturated', r.saturated[layer!], 'fraction of outputs saturated'];
      default: return ['dead', r.dead[layer!], `fraction of ReLU ${this.layers[layer!].deadUnits} dead`];
    }
  }

  private raise(code: VerdictCode, layer: number | null, step: number, epoch: number, figures: Record<string, number>, detail: string): void {
    const v: Verdict = { code, layer, step, epoch, figures, message: `${code}: ${detail}`, remedy: REMEDIES[code] };
    this.raised.push(v);
    this.onVerdict?.(v);
  }

  /** RMS(∂W) of the first linear-map layer over that of the last (only called when raising: it returns a double). */
  private gradientRatio(r: DiagnosticsReport): number {
    return (r.weightGradNorm[this.first] / this.sqrtFirst) / (r.weightGradNorm[this.last] / this.sqrtLast);
  }
}

/**
 * The layer across which RMS(∂L/∂a) shrinks most on the way back: the smallest
 * RMS(∂L/∂ its input) / RMS(∂L/∂ its output), layers 1 … L−1 (layer 0's input gradient is
 * never computed); layer −1 when no ratio is finite.
 */
export function steepestDrop(r: DiagnosticsReport): { layer: number; factor: number } {
  let layer = -1, factor = Infinity;
  for (let l = 1; l < r.layers; l++) {
    const f = r.activationGradRms[l - 1] / r.activationGradRms[l];
    if (Number.isFinite(f) && f < factor) {
      factor = f;
      layer = l;
    }
  }
  return { layer, factor: layer < 0 ? NaN : factor };
}
