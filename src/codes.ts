// Names ↔ kernel codes. The activation codes mirror assembly/activations.ts (ACT_*);
// a test compares them with the globals the module exports.
import type { Activation, GradientDescentMode, Init, LayerStatistic, Loss, Monitor, OptimizerType } from './types.js';

export const ACTIVATIONS: readonly Activation[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'softplus', 'gelu'];

/** Kernel code of an activation: its index in ACTIVATIONS. */
export function activationCode(a: Activation): number {
  return ACTIVATIONS.indexOf(a);
}

export const LOSSES: readonly Loss[] = ['softmax_cross_entropy', 'sigmoid_bce', 'mse', 'mae', 'huber'];

export const INITS: readonly Init[] = ['xavier_uniform', 'xavier_normal', 'he_uniform', 'he_normal', 'lecun_normal', 'uniform', 'zeros'];

export const OPTIMIZERS: readonly OptimizerType[] = ['sgd', 'adagrad', 'rmsprop', 'adam', 'adamw', 'adamax', 'nadam', 'radam', 'adadelta'];

/** Losses whose output rows are class scores (logits). */
export function isClassifier(loss: Loss): boolean {
  return loss === 'softmax_cross_entropy' || loss === 'sigmoid_bce';
}

export const MODES: readonly GradientDescentMode[] = ['batch', 'stochastic', 'mini-batch'];

/** Quantities early stopping, restarts and reduceLROnPlateau can watch. */
export const MONITORS: readonly Monitor[] = ['loss', 'val_loss', 'accuracy', 'val_accuracy'];

/** The per-layer figures of a report, in the order the CSV export lists them. */
export const LAYER_STATISTICS: readonly LayerStatistic[] = [
  'weightGradNorm', 'biasGradNorm', 'weightNorm', 'biasNorm', 'weightUpdateNorm', 'biasUpdateNorm',
  'gradToData', 'updateToData', 'activationGradRms', 'activationMean', 'activationStd',
  'saturated', 'dead', 'nonFiniteActivations', 'nonFiniteGradients', 'nonFiniteParameters',
];
