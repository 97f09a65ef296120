// The Gradient flow panel's state: one flat record (it lives in the URL hash under `gf.`).
// The defaults ARE the vanishing preset: a deep sigmoid net with Xavier on the spiral under
// plain SGD, run beside the same net with ReLU + He — so the panel opens on the lesson. The
// BatchNorm preset runs the same deep sigmoid net beside itself with BatchNorm inserted.
import type { Activation, Init, LayerSpec, NetworkSpec } from 'descent';
import { flatDefaults, type FlatOptimizer } from '../../ui/optimizer-form.js';

export const DATASETS = ['spiral', 'circles', 'xor'] as const;
export type DatasetName = (typeof DATASETS)[number];

export type FlowSettings = FlatOptimizer & {
  data: string;
  noise: number;
  /** Hidden layers. */
  depth: number;
  /** Units per hidden layer. */
  width: number;
  act: string;
  init: string;
  batch: number;
  seed: number;
  /** Steps between diagnostics reports. */
  every: number;
  /** Steps per second, 0 = as fast as the worker can (does not change the run, only its pace). */
  speed: number;
  /** Run the comparison network beside the main one. */
  cmp: boolean;
  cmpAct: string;
  cmpInit: string;
  /** BatchNorm after each hidden dense layer, before its activation: main side, comparison side. */
  bn: boolean;
  cmpBn: boolean;
  /** Which side the charts, histograms and table below the cards show (0 main, 1 the comparison). */
  fig: number;
};

export const VANISHING_PRESET: FlowSettings = {
  ...flatDefaults('sgd'),
  // 0.05 rather than SGD's usual 0.1: at 0.1 a ReLU layer of the fix can die late in a long run.
  lr: 0.05,
  data: 'spiral',
  noise: 0.05,
  depth: 8,
  width: 16,
  act: 'sigmoid',
  init: 'xavier_uniform',
  batch: 32,
  seed: 1,
  every: 5,
  speed: 200,
  cmp: true,
  cmpAct: 'relu',
  cmpInit: 'he_uniform',
  bn: false,
  cmpBn: false,
  fig: 0,
};

/**
 * The same deep sigmoid net twice, the second with BatchNorm: each hidden layer's
 * pre-activations are renormalised to mean 0, variance 1 per unit, where sigmoid's slope is
 * largest, and BatchNorm's backward divides by the batch's spread. The figures show that side.
 */
export const BATCHNORM_PRESET: FlowSettings = {
  ...VANISHING_PRESET,
  cmpAct: 'sigmoid',
  cmpInit: 'xavier_uniform',
  cmpBn: true,
  fig: 1,
};

export const SAMPLES = 300;
export const SPEEDS = [['20', '20 steps/s'], ['200', '200 steps/s'], ['2000', '2,000 steps/s'], ['0', 'full speed']] as const;
export const DEPTH_RANGE: [number, number] = [1, 12];
export const WIDTH_RANGE: [number, number] = [2, 64];

/** The two sides of the comparison: index 0 is the main run, 1 the comparison. */
export type Side = 0 | 1;

/** Activation, initialiser and BatchNorm of one side. */
export function sideOf(s: FlowSettings, side: Side): { act: Activation; init: Init; bn: boolean } {
  return side === 0 ? { act: s.act as Activation, init: s.init as Init, bn: s.bn } : { act: s.cmpAct as Activation, init: s.cmpInit as Init, bn: s.cmpBn };
}

export function networkSpec(s: FlowSettings, side: Side, classes: number): NetworkSpec {
  const { act, init, bn } = sideOf(s, side);
  // With BatchNorm the usual order: Linear → BatchNorm1d → activation (the dense layer is linear,
  // its bias made redundant by BN's shift but kept, as nn.Linear keeps it).
  const hidden = (): LayerSpec[] => (bn ? [{ units: s.width }, { type: 'batchnorm1d', activation: act }] : [{ units: s.width, activation: act }]);
  return {
    inputs: 2,
    layers: [...Array.from({ length: s.depth }, hidden).flat(), { units: classes }],
    loss: 'softmax_cross_entropy',
    init,
    seed: s.seed,
  };
}

/** "8 × 16 sigmoid, xavier_uniform, BatchNorm": a side's network in a few words. */
export function describeSide(s: FlowSettings, side: Side): string {
  const { act, init, bn } = sideOf(s, side);
  return `${s.depth} × ${s.width} ${act}, ${init}${bn ? ', BatchNorm' : ''}`;
}
