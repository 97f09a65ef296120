// One network being trained in the worker, with what the page needs of it: every report's
// per-layer figures gathered as they come (onDiagnostics hands one reused object, so values
// are copied out at once), and copies of the latest report and histograms at publish time.
import { createNetwork, type Network, type Trainer, type DiagnosticsReport } from 'descent';
import { histograms } from 'descent/diagnostics';
import type { Dataset } from 'descent/data';
import { toOptimizerConfig } from '../../ui/optimizer-form.js';
import { networkSpec, type FlowSettings, type Side } from './settings.js';
import type { HistogramColumn, KindHistogram, LatestReport, RunFrame, SeriesChunk } from './messages.js';
import { layerInfo, type LayerInfo } from './layers.js';

export const HISTOGRAM_BINS = 24;

export class Run {
  private steps: number[] = [];
  private losses: number[] = [];
  private gradNorms: number[] = [];
  private updates: number[] = [];
  private lastHistogramStep = -1;
  readonly layers: number;
  /** Each layer's kind, activation and weight count (a BatchNorm layer is one of them). */
  readonly info: LayerInfo[];

  private constructor(readonly net: Network, readonly trainer: Trainer, private readonly data: Dataset) {
    this.info = layerInfo(net.spec, net.getParameters().map((p) => p.weight.length));
    this.layers = this.info.length;
  }

  /** Both sides take histograms: the page shows either side's (settings.fig) without a restart. */
  static async create(s: FlowSettings, side: Side, data: Dataset): Promise<Run> {
    const net = await createNetwork(networkSpec(s, side, data.classes));
    let run: Run | null = null;
    const trainer = net.trainer(data.x, data.y, {
      optimizer: toOptimizerConfig(s),
      batchSize: s.batch,
      seed: s.seed,
      diagnostics: { every: s.every, histograms: histograms({ bins: HISTOGRAM_BINS }) },
      onDiagnostics: (r) => run?.record(r),
    });
    run = new Run(net, trainer, data);
    return run;
  }

  private record(r: DiagnosticsReport): void {
    this.steps.push(r.step);
    this.losses.push(r.loss);
    for (let l = 0; l < r.layers; l++) {
      this.gradNorms.push(r.weightGradNorm[l]);
      this.updates.push(r.updateToData[l]);
    }
  }

  step(): boolean {
    this.trainer.step();
    return Number.isFinite(this.trainer.loss);
  }

  /** Everything new since the last call, with buffers to transfer. */
  frame(transfer: Transferable[]): RunFrame {
    const t = this.trainer;
    const series: SeriesChunk = {
      n: this.steps.length,
      step: Float64Array.from(this.steps),
      loss: Float64Array.from(this.losses),
      weightGradNorm: Float64Array.from(this.gradNorms),
      updateToData: Float64Array.from(this.updates),
    };
    this.steps = [];
    this.losses = [];
    this.gradNorms = [];
    this.updates = [];
    transfer.push(series.step.buffer, series.loss.buffer, series.weightGradNorm.buffer, series.updateToData.buffer);
    const r = t.diagnostics;
    const latest = r && r.step > 0 ? copyLatest(r) : null;
    let histogramColumn: HistogramColumn | null = null;
    if (r?.histograms && r.step > this.lastHistogramStep) {
      const h = r.histograms;
      const kind = (k: typeof h.weights): KindHistogram => ({ lo: k.lo.slice(), hi: k.hi.slice(), counts: k.counts.slice() });
      histogramColumn = { step: r.step, bins: h.bins, weights: kind(h.weights), gradients: kind(h.gradients), activations: kind(h.activations) };
      this.lastHistogramStep = r.step;
    }
    const evaluation = t.steps > 0 ? this.net.evaluate(this.data.x, this.data.y) : { loss: NaN, accuracy: NaN };
    return {
      steps: t.steps,
      epoch: t.epoch,
      loss: t.loss,
      setLoss: evaluation.loss,
      accuracy: evaluation.accuracy ?? NaN,
      series,
      latest,
      verdicts: t.verdicts.map((v) => ({ ...v, figures: { ...v.figures } })),
      histograms: histogramColumn,
    };
  }

  dispose(): void {
    this.net.dispose();
  }
}

function copyLatest(r: DiagnosticsReport): LatestReport {
  const nonFinite = new Float64Array(r.layers);
  for (let l = 0; l < r.layers; l++) nonFinite[l] = r.nonFiniteActivations[l] + r.nonFiniteGradients[l] + r.nonFiniteParameters[l];
  return {
    step: r.step,
    gradNorm: r.gradNorm,
    weightGradNorm: r.weightGradNorm.slice(),
    weightNorm: r.weightNorm.slice(),
    activationGradRms: r.activationGradRms.slice(),
    activationStd: r.activationStd.slice(),
    updateToData: r.updateToData.slice(),
    saturated: r.saturated.slice(),
    dead: r.dead.slice(),
    nonFinite,
  };
}
