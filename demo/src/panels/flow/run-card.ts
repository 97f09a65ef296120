// One side of the comparison: what network it is, its step / loss / accuracy, the
// activation-gradient bars by depth, the first-to-last gradient ratio the vanishing verdict
// reads, the saturation and dead-unit meters, and its verdicts with their remedies. Each bar
// is a layer of any kind: a BatchNorm layer's bar stands between its dense layers, paler.
import type { Verdict } from 'descent';
import { el } from '../../ui/controls.js';
import { drawBars } from './bars.js';
import { isNorm, longLabel, type LayerInfo } from './layers.js';
import { meters } from './meters.js';
import { verdictList } from './verdicts.js';
import type { Remedy } from './remedies.js';
import type { FlowSettings, Side } from './settings.js';
import type { RunFrame } from './messages.js';

export interface RunCard {
  root: HTMLElement;
  setTitle(text: string): void;
  draw(frame: RunFrame, layers: LayerInfo[], settings: FlowSettings, range: [number, number]): void;
  reset(): void;
}

export function runCard(side: Side, color: string, onRemedy: (r: Remedy, v: Verdict) => void): RunCard {
  const title = el('h3', {});
  const swatch = el('span', { className: 'swatch', ariaHidden: 'true' });
  swatch.style.background = color;
  const status = el('output', { className: 'status', id: `gf-status-${side}` });
  const bars = el('canvas', { className: 'bars' });
  bars.setAttribute('role', 'img');
  bars.dataset.side = String(side);
  const ratio = el('p', { className: 'ratio' });
  const legend = el('span', { className: 'bars-legend' });
  const m = meters();
  const verdicts = verdictList(side, onRemedy);
  const root = el('section', { className: 'run-card' },
    el('div', { className: 'card-head' }, swatch, title),
    status,
    el('figure', { className: 'fig' }, bars, el('figcaption', {}, 'RMS of ∂L/∂(layer output) by depth, log scale: input side left, output right', legend)),
    ratio,
    m.root,
    el('h4', {}, 'Verdicts'),
    verdicts.root);
  root.dataset.side = String(side);
  return {
    root,
    setTitle: (text) => { title.textContent = text; },
    draw(f, layers, settings, range) {
      const weightCounts = layers.map((l) => l.weights);
      status.value = `step ${f.steps} · epoch ${f.epoch + 1} · loss ${Number.isFinite(f.setLoss) ? f.setLoss.toFixed(3) : f.steps ? 'not finite' : '—'} · accuracy ${Number.isFinite(f.accuracy) ? `${(f.accuracy * 100).toFixed(0)}%` : '—'}`;
      status.dataset.step = String(f.steps);
      status.dataset.loss = String(f.setLoss);
      verdicts.update(f.verdicts, settings);
      const r = f.latest;
      if (!r) return;
      const norm = layers.map((l) => isNorm(l.kind));
      drawBars(bars, r.activationGradRms, { color, range, norm });
      legend.textContent = norm.some(Boolean) ? '. Pale, outlined bars: BatchNorm layers (after each dense layer, before its activation).' : '';
      bars.setAttribute('aria-label', `Activation-gradient RMS by layer, input to output: ${Array.from(r.activationGradRms, (v, l) => `${longLabel(layers, l)} ${v.toExponential(0)}`).join(', ')}`);
      const L = r.weightGradNorm.length;
      const rms = (l: number) => r.weightGradNorm[l] / Math.sqrt(weightCounts[l] ?? 1);
      const q = rms(0) / rms(L - 1);
      ratio.dataset.ratio = String(q);
      ratio.textContent = Number.isFinite(q) ? `First layer's RMS ∂W is ${q < 0.01 || q > 100 ? q.toExponential(1) : q.toPrecision(2)} × the output layer's${q < 1e-3 ? ' — below 1/1000: vanishing.' : '.'}` : '';
      m.update(r.saturated, r.dead, layers);
    },
    reset() {
      status.value = 'building…';
      delete status.dataset.step;
      ratio.textContent = '';
      verdicts.reset();
    },
  };
}
