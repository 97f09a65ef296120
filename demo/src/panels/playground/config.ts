// The playground's state (one flat record for the URL hash, prefix `pg`) and the run config
// the page sends its worker. Both halves import this file, so the message shapes agree.
import type { Activation, Init, OptimizerConfig } from 'descent';
import { flatDefaults, type FlatOptimizer } from '../../ui/optimizer-form.js';
import type { ModelName } from './cnn.js';

export const DATASETS = [
  ['spiral', 'spiral'], ['circle', 'circle'], ['xor', 'xor'], ['gauss', 'two Gaussian blobs'],
  ['own', 'your own points / CSV'], ['mnist', 'MNIST digits'],
] as const;
export type DatasetName = (typeof DATASETS)[number][0];
export type GdMode = 'batch' | 'stochastic' | 'mini-batch';

/** Steps per second along the speed slider; the last position is "as fast as possible". */
export const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, Infinity] as const;

export type PgState = FlatOptimizer & {
  data: string; noise: number; test: number; samples: number; arms: number; dseed: number; pts: string;
  layers: string; init: string; mode: string; batch: number; seed: number; speed: number;
  restarts: number; budget: number;
  /** MNIST only (kept in its `pgm` store): the model, and the test digit whose feature maps are shown. */
  model: string; digit: number;
};

/** The network and optimizer settings: kept apart for 2-D sets (prefix `pg`) and MNIST (`pgm`). */
export type NetFields = FlatOptimizer & { layers: string; init: string; mode: string; batch: number };

/** What a 2-D set starts with: small tanh net, Adam at a rate that moves visibly in seconds. */
export const NET_2D: NetFields = { layers: '16:tanh,16:tanh', init: 'xavier_uniform', ...flatDefaults('adam'), lr: 0.03, mode: 'mini-batch', batch: 16 };
/** What MNIST starts with: one hidden layer of 64 ReLUs, He init, Adam 1e-3, batches of 32. */
export const NET_MNIST: NetFields = { layers: '64:relu', init: 'he_uniform', ...flatDefaults('adam'), lr: 1e-3, mode: 'mini-batch', batch: 32 };
export const NET_KEYS = Object.keys(NET_2D) as (keyof NetFields)[];

/** MNIST's own settings: its network and optimizer, the model (MLP or a CNN preset), the feature maps' test digit. */
export type MnistFields = NetFields & { model: string; digit: number };
export const MNIST_DEFAULTS: MnistFields = { ...NET_MNIST, model: 'mlp', digit: 0 };
export const MNIST_KEYS = Object.keys(MNIST_DEFAULTS) as (keyof MnistFields)[];

export const DEFAULTS: PgState = {
  ...NET_2D,
  data: 'spiral', noise: 0.05, test: 0.2, samples: 400, arms: 3, dseed: 1, pts: '',
  seed: 1, speed: SPEEDS.indexOf(200), restarts: 5, budget: 200,
  model: 'mlp', digit: 0,
};

export interface HiddenLayer { units: number; activation: Activation }

/** "16:tanh,8:relu" ↔ hidden layers (the hash form). Bad entries are dropped, not guessed. */
export function parseLayers(s: string, activations: readonly string[]): HiddenLayer[] {
  const out: HiddenLayer[] = [];
  for (const part of s.split(',')) {
    const [u, a] = part.split(':');
    const units = Number(u);
    if (Number.isInteger(units) && units >= 1 && units <= 1024 && activations.includes(a)) out.push({ units, activation: a as Activation });
  }
  return out;
}

export function formatLayers(layers: HiddenLayer[]): string {
  return layers.map((l) => `${l.units}:${l.activation}`).join(',');
}

/** One own point: features, then its class index. */
export interface OwnPoint { x: number; y: number; label: number }

/** Own points in the hash: "x*y*label_x*y*label" (characters URLSearchParams leaves alone). */
export function parsePoints(s: string): OwnPoint[] {
  if (!s) return [];
  const out: OwnPoint[] = [];
  for (const part of s.split('_')) {
    const [x, y, label] = part.split('*').map(Number);
    if (Number.isFinite(x) && Number.isFinite(y) && Number.isInteger(label) && label >= 0 && label < 8) out.push({ x, y, label });
  }
  return out;
}

export function formatPoints(points: OwnPoint[]): string {
  return points.map((p) => `${+p.x.toPrecision(4)}*${+p.y.toPrecision(4)}*${p.label}`).join('_');
}

/** Everything the worker needs to build a run; the same config always gives the same run. */
export interface RunConfig {
  data: DatasetName;
  noise: number;
  testFraction: number;
  samples: number;
  arms: number;
  dataSeed: number;
  points: OwnPoint[];
  hidden: HiddenLayer[];
  /** MNIST: 'mlp' (the hidden layers) or a CNN preset, trained beside an MLP of `hidden` for comparison. */
  model: ModelName;
  init: Init;
  optimizer: OptimizerConfig;
  mode: GdMode;
  batchSize: number;
  seed: number;
  /** Where the MNIST bytes are (resolved against the page), sent only with data 'mnist'. */
  mnistUrl?: string;
}

/** One evaluation over the whole train and test sets (test NaN when there is none). */
export interface EvalRecord {
  step: number; epoch: number; trainLoss: number; trainAccuracy: number; testLoss: number; testAccuracy: number;
  /** A CNN run's MLP baseline on the same test rows at the same step (NaN without one). */
  baseTestLoss: number; baseTestAccuracy: number;
}

export interface RestartResult { seed: number; testLoss: number; testAccuracy: number; trainLoss: number }

/**
 * Page → worker: `config` {config} (rebuild: data, net at `seed`, fresh trainer; keeps playing
 * if it was), `play`, `pause`, `step` (exactly one step), `epoch` (to the end of the current
 * epoch), `reset` (same initialisation, fresh trainer), `speed` {stepsPerSecond, 0 = max},
 * `restarts` {n, budget}, `predict` {pixels: Float32Array(784)} (MNIST pad), `digit` {index}
 * (the test digit whose feature maps are shown while the pad is empty).
 * Worker → page: `data` (per run: points, classes, bounds), `frame` (newest state; grid
 * transferred), `maps` (a CNN's feature maps, throttled), `loading` {done},
 * `restart-progress` {done, n}, `restarts` {results, best}, `prediction` {probs}, `error`
 * (from entry.ts).
 */
export interface DataMessage {
  type: 'data';
  run: number;
  data: DatasetName;
  classes: number;
  features: number;
  trainRows: number;
  testRows: number;
  stepsPerEpoch: number;
  /** 2-D sets only: points in data coordinates and the plotted square. */
  train?: { xy: Float32Array; labels: Int32Array };
  test?: { xy: Float32Array; labels: Int32Array };
  bounds?: [[number, number], [number, number]];
  /** The trained network's layers in words, its parameter count, and the baseline MLP's (CNN runs). */
  layers: string[];
  parameters: number;
  baseline: { layers: string[]; parameters: number } | null;
}

/** One conv layer's feature maps for one digit: channels × h × w values, row-major. */
export interface FeatureMapLayer { label: string; channels: number; h: number; w: number; values: Float32Array }

/** A CNN's feature maps for the pad's digit, or for test digit `index` while the pad is empty. */
export interface MapsMessage {
  type: 'maps';
  run: number;
  step: number;
  source: 'pad' | 'test';
  /** The test digit's index and label (source 'test'). */
  index: number;
  label: number;
  /** The 28 × 28 input as the net saw it. */
  input: Float32Array;
  layers: FeatureMapLayer[];
}

export interface FrameMessage {
  type: 'frame';
  run: number;
  step: number;
  epoch: number;
  /** The last step's batch loss (NaN before the first step). */
  loss: number;
  playing: boolean;
  diverged: boolean;
  /** Evaluations since the previous frame (every listener sees every frame). */
  records: EvalRecord[];
  last: EvalRecord | null;
  grid?: { n: number; classes: number; probs: Float32Array; bounds: [[number, number], [number, number]] };
  /** The pad digit's class probabilities under the current weights (MNIST). */
  pad?: Float32Array;
}
