// Restarts: one fit per seed from a fresh initialisation — the remedy for a bad local
// minimum. The best run (lowest metric at its last epoch, highest for accuracies; a
// non-finite one never wins) keeps its weights and its history.
import type { FitOptions, History, LayerParameters, LayerState, Monitor } from '../types.js';
import { monitored } from './fit.js';

/** What a restart plan needs of the network it trains. */
export interface RestartTarget {
  initialize(seed: number): void;
  getParameters(): LayerParameters[];
  setParameters(p: LayerParameters[]): void;
  getState(): LayerState[];
  setState(s: LayerState[]): void;
}

export class RestartPlan {
  readonly seeds: number[];
  private readonly metric: Monitor;
  /** The fit options of each single run: the restarts option taken out. */
  private readonly single: FitOptions;
  private readonly histories: History[] = [];
  private readonly metrics: number[] = [];
  private best = -1;
  private bestParams: LayerParameters[] | null = null;
  private bestState: LayerState[] | null = null;

  constructor(options: FitOptions, restarts: { seeds: number[]; metric: Monitor }, private readonly net: RestartTarget) {
    this.seeds = restarts.seeds;
    this.metric = restarts.metric;
    const { restarts: _, ...single } = options;
    this.single = single;
  }

  /** Re-initialises the network from `seed` and returns the options to fit it with. */
  runOptions(seed: number): FitOptions {
    this.net.initialize(seed);
    return this.single;
  }

  /** Books a finished run; keeps its weights if it is the best so far. */
  record(h: History): void {
    const last = h.epochs[h.epochs.length - 1];
    const value = last ? monitored(last, this.metric) ?? NaN : NaN;
    const { histories, metrics } = this;
    histories.push(h);
    metrics.push(value);
    const higher = this.metric.endsWith('accuracy');
    const better = this.best < 0 ? Number.isFinite(value) : Number.isFinite(value) && (higher ? value > metrics[this.best] : value < metrics[this.best]);
    if (better || (this.best < 0 && histories.length === this.seeds.length)) {
      this.best = histories.length - 1;
      this.bestParams = this.net.getParameters();
      this.bestState = this.net.getState();
    }
  }

  /** Puts the best run's weights back; returns its history with every run's in `restarts`. */
  finish(): History {
    const best = Math.max(this.best, 0);
    if (this.bestParams) this.net.setParameters(this.bestParams);
    if (this.bestState) this.net.setState(this.bestState);
    return { ...this.histories[best], restarts: { seeds: this.seeds, metrics: this.metrics, histories: this.histories, best } };
  }
}
