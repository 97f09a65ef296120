// What each layer of a side's network is, for labels: the diagnostics report one entry per
// layer of every kind (a BatchNorm layer is a layer of its own, with γ as its weight and β as
// its bias; a layer without parameters reports no ∂W), so every figure names the kind beside
// the number rather than assuming each layer is a dense one.
import type { NetworkSpec } from 'descent';

export interface LayerInfo {
  /** The spec's `type` ('dense', 'batchnorm1d', …). */
  kind: string;
  activation: string;
  /** Weights (γ for a normalisation); 0 for a kind without parameters. */
  weights: number;
}

export function layerInfo(spec: NetworkSpec, weightCounts: number[]): LayerInfo[] {
  return spec.layers.map((l, i) => ({ kind: l.type ?? 'dense', activation: ('activation' in l && l.activation) || 'linear', weights: weightCounts[i] ?? 0 }));
}

const SHORT: Record<string, string> = { dense: 'dense', batchnorm1d: 'BN', batchnorm2d: 'BN', layernorm: 'LN', dropout: 'drop', activation: 'act' };
const LONG: Record<string, string> = { dense: 'dense', batchnorm1d: 'BatchNorm', batchnorm2d: 'BatchNorm', layernorm: 'LayerNorm' };

export const isNorm = (kind: string): boolean => kind.startsWith('batchnorm') || kind === 'layernorm';

/** "3" or "out": a layer's place (the last one is the output layer). */
export const layerNumber = (l: number, L: number): string => (l === L - 1 ? 'out' : String(l + 1));

/** "2 BN", "out dense": number and short kind, for tight spaces (histogram bands, meters). */
export function shortLabel(layers: LayerInfo[], l: number): string {
  return `${layerNumber(l, layers.length)} ${SHORT[layers[l].kind] ?? layers[l].kind}`;
}

/** "layer 2 (BatchNorm, sigmoid)", "output layer (dense)": for legends and spoken labels. */
export function longLabel(layers: LayerInfo[], l: number): string {
  const { kind, activation } = layers[l];
  const what = `${LONG[kind] ?? kind}${activation !== 'linear' ? `, ${activation}` : ''}`;
  return l === layers.length - 1 ? `output layer (${what})` : `layer ${l + 1} (${what})`;
}
