// Train and test curves from the worker's evaluations: loss on one chart, accuracy on another,
// train solid and test dashed in the same colour, x = optimizer steps. A CNN run adds its MLP
// baseline's test curve (green, dotted). Redrawn at most once per animation frame, and only
// when new evaluations came in.
import { lineChart, type LineChart } from '../../ui/chart.js';
import { el, figure, note } from '../../ui/controls.js';
import { PALETTE } from '../../ui/palette.js';
import type { EvalRecord } from './config.js';

export class Curves {
  readonly loss: HTMLElement;
  readonly accuracy: HTMLElement;
  private readonly lossChart: LineChart;
  private readonly accChart: LineChart;
  private steps: number[] = [];
  private cols: number[][] = [[], [], [], [], [], []];
  /** Whether the charts have the baseline's series (a third one). */
  private baseline = false;
  private dirty = true;
  /** Keep at most this many points: past it every other one is dropped (the shape stays). */
  private static readonly MAX_POINTS = 2000;

  constructor() {
    this.lossChart = lineChart({ series: [{ label: 'train loss', color: PALETTE.blue }, { label: 'test loss', color: PALETTE.blue, dash: true }], xLabel: 'step', yLabel: 'loss' });
    this.accChart = lineChart({ series: [{ label: 'train accuracy', color: PALETTE.vermillion }, { label: 'test accuracy', color: PALETTE.vermillion, dash: true }], xLabel: 'step', yLabel: 'accuracy', yRange: [0, 1] });
    this.loss = figure('Loss over the whole train set (solid) and test set (dashed), measured every epoch or every few dozen steps.', this.lossChart.root);
    this.loss.append(note('Both falling together: the net is learning the pattern. Train still falling while test turns up: it is memorising the training points (overfitting) — fewer units, more data or stopping earlier help.'));
    this.accuracy = figure('Accuracy: the share of points whose most likely class is right (train solid, test dashed).', this.accChart.root);
    this.accuracy.append(note('Accuracy moves in jumps, because a point counts only once the boundary crosses it; the loss keeps improving as the net grows more confident.'));
  }

  reset(): void {
    this.steps = [];
    this.cols = [[], [], [], [], [], []];
    this.dirty = true;
  }

  /** Shows the baseline MLP's test curves (named `label`), or removes them (null). */
  setBaseline(label: string | null): void {
    const on = label !== null;
    if (on === this.baseline) return;
    this.baseline = on;
    for (const [chart, what] of [[this.lossChart, 'test loss'], [this.accChart, 'test accuracy']] as const) {
      if (on) chart.plot.addSeries({ label: `${label} ${what}`, stroke: PALETTE.green, width: 1.75, dash: [2, 3], points: { show: false }, spanGaps: false });
      else chart.plot.delSeries(3);
    }
    for (const [fig, text] of [[this.loss, 'loss'], [this.accuracy, 'accuracy']] as const) {
      fig.querySelector('.pg-baseline-caption')?.remove();
      if (on) fig.querySelector('figcaption')!.append(el('span', { className: 'pg-baseline-caption' }, ` Green, dotted: the test ${text} of the MLP trained beside the CNN on the same batches.`));
    }
    this.dirty = true;
  }

  add(records: EvalRecord[]): void {
    for (const r of records) {
      if (this.steps.length && r.step <= this.steps[this.steps.length - 1]) continue;
      this.steps.push(r.step);
      const v = [r.trainLoss, r.testLoss, r.trainAccuracy, r.testAccuracy, r.baseTestLoss, r.baseTestAccuracy];
      v.forEach((x, i) => this.cols[i].push(x));
      this.dirty = true;
    }
    if (this.steps.length > Curves.MAX_POINTS) {
      const keep = (_: number, i: number) => i % 2 === 0 || i === this.steps.length - 1;
      this.cols = this.cols.map((c) => c.filter(keep));
      this.steps = this.steps.filter(keep);
    }
  }

  draw(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const gap = (a: number[]) => a.map((x) => (Number.isFinite(x) ? x : null));
    const base = (i: number) => (this.baseline ? [gap(this.cols[i])] : []);
    this.lossChart.setData([this.steps, gap(this.cols[0]), gap(this.cols[1]), ...base(4)]);
    this.accChart.setData([this.steps, gap(this.cols[2]), gap(this.cols[3]), ...base(5)]);
  }
}
