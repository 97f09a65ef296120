// What the Gradient flow worker posts to its page. Every report's figures reach the page
// (they are the time series' points), so frames carry the reports taken since the last
// frame; the latest report, the verdicts and the newest histograms ride along for drawing.
import type { Verdict } from 'descent';
import type { LayerInfo } from './layers.js';

/** Reports since the last frame, flattened: `n` reports × `layers` values per figure. */
export interface SeriesChunk {
  n: number;
  step: Float64Array;
  loss: Float64Array;
  /** ‖∂W‖ per layer. */
  weightGradNorm: Float64Array;
  /** log10(‖ΔW‖/‖W‖) per layer. */
  updateToData: Float64Array;
}

/** The latest report's per-layer figures (copies: the library reuses its report object). */
export interface LatestReport {
  step: number;
  gradNorm: number;
  weightGradNorm: Float64Array;
  weightNorm: Float64Array;
  activationGradRms: Float64Array;
  activationStd: Float64Array;
  updateToData: Float64Array;
  saturated: Float64Array;
  dead: Float64Array;
  nonFinite: Float64Array;
}

export interface KindHistogram {
  lo: Float64Array;
  hi: Float64Array;
  counts: Uint32Array;
}

export interface HistogramColumn {
  step: number;
  bins: number;
  weights: KindHistogram;
  gradients: KindHistogram;
  activations: KindHistogram;
}

export interface RunFrame {
  steps: number;
  epoch: number;
  /** The last step's batch loss. */
  loss: number;
  /** Loss and accuracy over the whole training set, at publish time. */
  setLoss: number;
  accuracy: number;
  series: SeriesChunk;
  latest: LatestReport | null;
  verdicts: Verdict[];
  /** Only when a report newer than the last column sent exists. */
  histograms: HistogramColumn | null;
}

export interface FlowFrame {
  type: 'frame';
  /** Which build this frame belongs to (the page drops frames of an older build). */
  build: number;
  running: boolean;
  /** Why the loop stopped by itself, if it did. */
  stopped: string | null;
  runs: RunFrame[];
}

export interface BuiltMessage {
  type: 'built';
  build: number;
  classes: number;
  /** Per side (main first): every layer's kind, activation and weight count (RMS ∂W = ‖∂W‖ / √count). */
  sides: LayerInfo[][];
  samples: number;
}
