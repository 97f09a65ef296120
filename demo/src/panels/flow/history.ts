// The page's record of one run's reports over time, for the line charts. Every report is
// appended; past 2 × CAP points every other one is dropped, so a long run keeps its whole
// span at an even thinning and charts stay cheap to redraw.
import type { SeriesChunk } from './messages.js';

const CAP = 600;

export class RunHistory {
  step: number[] = [];
  loss: number[] = [];
  /** Per layer: ‖∂W‖ and log10 update:data over time. */
  gradNorm: (number | null)[][] = [];
  update: (number | null)[][] = [];

  constructor(readonly layers: number) {
    for (let l = 0; l < layers; l++) {
      this.gradNorm.push([]);
      this.update.push([]);
    }
  }

  append(c: SeriesChunk): void {
    for (let i = 0; i < c.n; i++) {
      this.step.push(c.step[i]);
      this.loss.push(c.loss[i]);
      for (let l = 0; l < this.layers; l++) {
        this.gradNorm[l].push(positiveOrNull(c.weightGradNorm[i * this.layers + l]));
        this.update[l].push(finiteOrNull(c.updateToData[i * this.layers + l]));
      }
    }
    if (this.step.length > 2 * CAP) this.thin();
  }

  private thin(): void {
    const every = <T>(a: T[]) => a.filter((_, i) => i % 2 === 1);
    this.step = every(this.step);
    this.loss = every(this.loss);
    this.gradNorm = this.gradNorm.map(every);
    this.update = this.update.map(every);
  }
}

// uPlot draws null as a gap: a log axis cannot show 0, and NaN must not poison the scale.
const positiveOrNull = (v: number): number | null => (v > 0 && Number.isFinite(v) ? v : null);
const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);
