// One-click remedies: each verdict's remedy text turned into changes of the settings. A
// remedy for the comparison side changes that side's activation and initialiser; the
// optimizer, depth and seed are shared by both sides, so those remedies change both.
import type { VerdictCode } from 'descent';
import { DEPTH_RANGE, type FlowSettings, type Side } from './settings.js';

export interface Remedy {
  /** Short button text. */
  label: string;
  /** What it does, for the announcement. */
  done: string;
  patch(s: FlowSettings): Partial<FlowSettings>;
}

const lrScaled = (s: FlowSettings, f: number) => +(s.lr * f).toPrecision(3);

function network(side: Side, act: string, init: string): Partial<FlowSettings> {
  return side === 0 ? { act, init } : { cmpAct: act, cmpInit: init };
}

export function remediesFor(code: VerdictCode, side: Side, s: FlowSettings): Remedy[] {
  const act = side === 0 ? s.act : s.cmpAct;
  const reluHe: Remedy = { label: 'switch to ReLU + He', done: 'switched to ReLU with He initialisation', patch: () => network(side, 'relu', 'he_uniform') };
  const lrDown: Remedy = { label: 'lr ÷ 10', done: 'divided the learning rate by 10', patch: (v) => ({ lr: lrScaled(v, 0.1) }) };
  const lrUp: Remedy = { label: 'lr × 10', done: 'multiplied the learning rate by 10', patch: (v) => ({ lr: lrScaled(v, 10) }) };
  switch (code) {
    case 'vanishing': {
      const out = act === 'relu' ? [] : [reluHe];
      if (!(side === 0 ? s.bn : s.cmpBn)) out.push({ label: 'add BatchNorm', done: 'inserted BatchNorm after each hidden layer', patch: () => (side === 0 ? { bn: true } : { cmpBn: true }) });
      if (s.depth > DEPTH_RANGE[0]) out.push({ label: 'halve the depth', done: 'halved the number of hidden layers', patch: (v) => ({ depth: Math.max(DEPTH_RANGE[0], Math.ceil(v.depth / 2)) }) });
      return out;
    }
    case 'saturated':
      return act === 'relu' ? [] : [reluHe, { label: 'Xavier init', done: 'switched to Xavier initialisation', patch: () => (side === 0 ? { init: 'xavier_uniform' } : { cmpInit: 'xavier_uniform' }) }];
    case 'exploding':
      return [lrDown, { label: 'clip gradient norm at 1', done: 'clipped the gradient norm at 1', patch: () => ({ clipGradNorm: 1 }) }];
    case 'lr_too_high':
      return [lrDown];
    case 'lr_too_low':
      return [lrUp];
    case 'dead':
      return [{ label: 'leaky ReLU + He', done: 'switched to leaky ReLU with He initialisation', patch: () => network(side, 'leaky_relu', 'he_uniform') }, lrDown];
    case 'plateau':
      return [
        ...(s.type === 'sgd' && s.momentum === 0 ? [{ label: 'momentum 0.9', done: 'added momentum 0.9', patch: () => ({ momentum: 0.9 }) }] : []),
        { label: 'restart (new seed)', done: 'restarted from a new initialisation', patch: (v: FlowSettings) => ({ seed: v.seed + 1 }) },
        lrUp,
      ];
    default:
      return [];
  }
}
