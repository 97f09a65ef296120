// The per-layer summary users ask for instead of paging through histograms: one row per layer
// with the latest report's figures and, in words, what looks wrong (the library's verdict
// thresholds, applied to each layer so the culprit layer is named). Every layer is a row with
// its kind: a BatchNorm layer's W is its scale γ; a kind without parameters shows "—" there.
import { el, fmt } from '../../ui/controls.js';
import { shortLabel, type LayerInfo } from './layers.js';
import type { LatestReport } from './messages.js';

export interface Summary {
  root: HTMLElement;
  update(r: LatestReport, layers: LayerInfo[]): void;
  setTitle(text: string): void;
}

const HEAD = ['layer', 'activation', '‖W‖', '‖∂W‖', 'RMS ∂W ÷ out', 'RMS ∂a', 'log₁₀ ΔW:W', 'saturated', 'dead', 'reading'];

const pct = (v: number) => (Number.isFinite(v) ? `${Math.round(v * 100)}%` : '—');
const num = (v: number) => (Number.isFinite(v) ? fmt(v) : '—');

/** What is off in layer l, in a few words (empty when nothing is). */
export function layerReading(r: LatestReport, l: number, rmsRatio: number, weights = 1): string {
  const notes: string[] = [];
  if (r.nonFinite[l] > 0) notes.push('non-finite values');
  if (weights === 0) return notes.join('; ');
  if (rmsRatio < 1e-3) notes.push('gradient vanished (< 1/1000 of the output layer’s)');
  else if (rmsRatio < 1e-2) notes.push('gradient fading');
  if (r.saturated[l] > 0.5) notes.push('saturated');
  if (r.dead[l] > 0.5) notes.push('mostly dead');
  if (r.updateToData[l] > -1) notes.push('update large for its weights');
  else if (r.updateToData[l] < -5) notes.push('weights barely move');
  return notes.join('; ');
}

export function summary(): Summary {
  const body = el('tbody');
  const caption = el('caption', {}, 'Per-layer summary of the latest report');
  const root = el('div', { className: 'table-scroll' }, el('table', { className: 'summary' },
    caption,
    el('thead', {}, el('tr', {}, ...HEAD.map((h) => el('th', { scope: 'col' }, h)))),
    body));
  root.tabIndex = 0;
  root.setAttribute('role', 'region');
  root.setAttribute('aria-label', 'Per-layer summary (scrolls sideways on narrow screens)');
  return {
    root,
    setTitle: (text) => { caption.textContent = text; },
    update(r, layers) {
      const L = r.weightGradNorm.length;
      const rms = (l: number) => r.weightGradNorm[l] / Math.sqrt(layers[l]?.weights || NaN);
      const rows = [];
      for (let l = 0; l < L; l++) {
        const info = layers[l] ?? { kind: '?', activation: 'linear', weights: 0 };
        const has = info.weights > 0;
        const ratio = rms(l) / rms(L - 1);
        const reading = layerReading(r, l, ratio, info.weights);
        const tr = el('tr', {},
          el('th', { scope: 'row' }, shortLabel(layers, l)),
          el('td', {}, info.activation),
          el('td', {}, has ? num(r.weightNorm[l]) : '—'),
          el('td', {}, has ? num(r.weightGradNorm[l]) : '—'),
          el('td', {}, num(ratio)),
          el('td', {}, num(r.activationGradRms[l])),
          el('td', {}, Number.isFinite(r.updateToData[l]) ? r.updateToData[l].toFixed(1) : '—'),
          el('td', {}, pct(r.saturated[l])),
          el('td', {}, pct(r.dead[l])),
          el('td', { className: reading ? 'warn-text' : 'ok-text' }, reading || (has ? 'ok' : 'ok (no parameters)')));
        tr.dataset.kind = info.kind;
        rows.push(tr);
      }
      body.replaceChildren(...rows);
    },
  };
}
