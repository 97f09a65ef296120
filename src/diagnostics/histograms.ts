// Per-layer histograms for diagnostics reports (in the 'descent/diagnostics' subpath): weights,
// weight gradients and layer outputs, binned by the wasm kernels (assembly/histogram.ts)
// into storage the engine reserves, and copied into one reused set of typed arrays, so a
// reporting step stays allocation-free with them on. Not in the main entry: the demo needs
// them, most runs do not, and the entry has a size budget.
import type { Engine } from '../engine/engine.js';
import { OptionsReader } from '../util/options.js';
import { HISTOGRAM_MAX_BINS as PLANNED_BINS } from '../engine/memory-plan.js';
import type { DiagnosticsHistograms, HistogramsOption, HistogramsSummary, HistogramTaker, LayerHistograms } from '../types.js';

export type { DiagnosticsHistograms, HistogramsOption, HistogramsSummary, LayerHistograms } from '../types.js';
/** Most bins a histogram may have (the memory plan keeps this many counts per layer and kind). */
export const HISTOGRAM_MAX_BINS: number = PLANNED_BINS;

const DEFAULT_BINS = 32;
const WEIGHTS = 0, GRADIENTS = 1, OUTPUTS = 2;

/**
 * Histograms for `diagnostics.histograms`: every report then bins each layer's weights,
 * raw weight gradients and outputs into `bins` (default 32, at most 256) equal bins over
 * their finite range. Each costs two sweeps over its values, on reporting steps only.
 */
export function histograms(options: { bins?: number } = {}): HistogramsOption {
  const r = OptionsReader.read(options, 'histograms()', ['bins'], 'a histograms option', '{ bins }');
  const bins = r.integer('bins', { default: DEFAULT_BINS, min: 2, max: HISTOGRAM_MAX_BINS });
  return { bins, create: (engine) => new Histograms(engine as Engine, bins) };
}

class Histograms implements HistogramTaker {
  readonly report: DiagnosticsHistograms;

  constructor(private readonly e: Engine, private readonly bins: number) {
    const L = e.layers.length;
    const kind = (): LayerHistograms => ({ lo: new Float64Array(L).fill(NaN), hi: new Float64Array(L).fill(NaN), counts: new Uint32Array(L * bins) });
    this.report = { bins, weights: kind(), gradients: kind(), activations: kind() };
  }

  takeGradients(): void {
    for (let l = 0; l < this.e.layers.length; l++) this.take(GRADIENTS, l, this.report.gradients);
  }

  takeWeightsAndOutputs(): void {
    for (let l = 0; l < this.e.layers.length; l++) {
      this.take(WEIGHTS, l, this.report.weights);
      this.take(OUTPUTS, l, this.report.activations);
    }
  }

  /** Bins layer l's values of one kind into the engine's storage, then copies them into `into`. */
  private take(kind: number, l: number, into: LayerHistograms): void {
    const e = this.e;
    if (kind !== OUTPUTS && e.layers[l].weightCount === 0) {
      // A layer without weights (a pool, flatten, dropout): no weights or gradients to bin. Its
      // range stays NaN and its counts 0, what a layer with no finite value shows.
      into.lo[l] = NaN;
      into.hi[l] = NaN;
      into.counts.fill(0, l * this.bins, (l + 1) * this.bins);
      return;
    }
    const k = e.k;
    const bins = this.bins;
    const at = kind * e.layers.length + l;
    const counts = e.histogramCounts + at * HISTOGRAM_MAX_BINS * 4;
    const range = e.histogramRanges + at * 16;
    e.i32.fill(0, counts >> 2, (counts >> 2) + bins);
    e.f64[range >> 3] = Infinity;
    e.f64[(range >> 3) + 1] = -Infinity;
    if (kind === OUTPUTS) {
      // Every thread's shard of the batch: one range over all of them first, then the counts.
      const units = e.layers[l].outputs;
      for (let t = 0; t < e.threads; t++) k.valueRange(range, e.shardOutput(t, l), e.shardRows(t) * units);
      for (let t = 0; t < e.threads; t++) k.histogram(counts, bins, range, e.shardOutput(t, l), e.shardRows(t) * units);
    } else {
      const layer = e.layers[l];
      const p = kind === WEIGHTS ? layer.weight : layer.dWeight;
      k.valueRange(range, p, layer.weightCount);
      k.histogram(counts, bins, range, p, layer.weightCount);
    }
    // Each branch stores its own doubles: a local reassigned across branches was boxed.
    const f64 = e.f64;
    const lo = f64[range >> 3], hi = f64[(range >> 3) + 1];
    if (lo < hi) {
      into.lo[l] = lo;
      into.hi[l] = hi;
    } else if (lo === hi) {
      into.lo[l] = lo - 0.5;
      into.hi[l] = hi + 0.5;
    } else {
      // No finite value.
      into.lo[l] = NaN;
      into.hi[l] = NaN;
    }
    const from = counts >> 2;
    const u32 = e.i32;
    for (let b = 0; b < bins; b++) into.counts[l * bins + b] = u32[from + b];
  }

  summary(): HistogramsSummary {
    const bins = this.bins;
    const plain = (h: LayerHistograms) => ({
      lo: Array.from(h.lo),
      hi: Array.from(h.hi),
      counts: Array.from(h.lo, (_, l) => Array.from(h.counts.subarray(l * bins, (l + 1) * bins))),
    });
    const r = this.report;
    return { bins, weights: plain(r.weights), gradients: plain(r.gradients), activations: plain(r.activations) };
  }
}
