// The update rules a path can follow, each with its look: a palette colour AND its own dash
// and end marker, so no two paths differ by colour alone. One lr and one β drive them all:
// β is SGD's momentum for the momentum rules and betas[0] (β₁) for the Adam family.
import type { OptimizerConfig } from 'descent';
import { PALETTE } from '../../ui/palette.js';

export type Marker = 'circle' | 'square' | 'triangle' | 'diamond' | 'cross' | 'plus' | 'star';

export interface Rule {
  id: string;
  label: string;
  colour: string;
  dash: number[];
  marker: Marker;
  config(lr: number, beta: number): OptimizerConfig;
}

export const RULES: readonly Rule[] = [
  { id: 'sgd', label: 'SGD', colour: PALETTE.black, dash: [], marker: 'circle', config: (lr) => ({ type: 'sgd', lr }) },
  { id: 'momentum', label: 'momentum', colour: PALETTE.orange, dash: [9, 4], marker: 'square', config: (lr, beta) => ({ type: 'sgd', lr, momentum: beta }) },
  { id: 'nesterov', label: 'Nesterov', colour: PALETTE.vermillion, dash: [2, 3], marker: 'triangle', config: (lr, beta) => ({ type: 'sgd', lr, momentum: beta, nesterov: true }) },
  { id: 'rmsprop', label: 'RMSprop', colour: PALETTE.green, dash: [12, 3, 2, 3], marker: 'diamond', config: (lr) => ({ type: 'rmsprop', lr }) },
  { id: 'adam', label: 'Adam', colour: PALETTE.purple, dash: [5, 5], marker: 'cross', config: (lr, beta) => ({ type: 'adam', lr, betas: [beta, 0.999] }) },
  { id: 'adagrad', label: 'Adagrad', colour: PALETTE.blue, dash: [1, 4], marker: 'plus', config: (lr) => ({ type: 'adagrad', lr }) },
  { id: 'nadam', label: 'NAdam', colour: PALETTE.sky, dash: [14, 4], marker: 'star', config: (lr, beta) => ({ type: 'nadam', lr, betas: [beta, 0.999] }) },
  { id: 'radam', label: 'RAdam', colour: PALETTE.orange, dash: [3, 3, 9, 3], marker: 'circle', config: (lr, beta) => ({ type: 'radam', lr, betas: [beta, 0.999] }) },
  { id: 'adamax', label: 'Adamax', colour: PALETTE.green, dash: [2, 6], marker: 'square', config: (lr, beta) => ({ type: 'adamax', lr, betas: [beta, 0.999] }) },
  { id: 'adamw', label: 'AdamW (weight_decay 0.01)', colour: PALETTE.vermillion, dash: [16, 4, 4, 4], marker: 'diamond', config: (lr, beta) => ({ type: 'adamw', lr, betas: [beta, 0.999] }) },
  { id: 'adadelta', label: 'Adadelta', colour: PALETTE.purple, dash: [1, 2], marker: 'triangle', config: (lr) => ({ type: 'adadelta', lr }) },
];

export const DEFAULT_RULES = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam'];

export const ruleById = (id: string): Rule | undefined => RULES.find((r) => r.id === id);
