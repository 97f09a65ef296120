// Saturation and dead-unit meters, one row per hidden layer with an activation (labelled with its
// kind: in a BatchNorm net the activation follows the BatchNorm layer): the share of sigmoid/tanh outputs
// pinned near their limits (their slope ≈ 0, so no gradient passes) and the share of ReLU
// units that output 0 for every recent sample (they never learn again). "—" where a figure
// does not apply (saturation for ReLU, dead units for sigmoid) or is not measured yet.
import { el } from '../../ui/controls.js';
import { shortLabel, type LayerInfo } from './layers.js';

export interface Meters {
  root: HTMLElement;
  update(saturated: ArrayLike<number>, dead: ArrayLike<number>, layers: LayerInfo[]): void;
}

const WARN = 0.5;

function cell(): { td: HTMLTableCellElement; fill: HTMLElement; text: HTMLElement } {
  const fill = el('span', { className: 'fill' });
  const text = el('span', { className: 'value' });
  const td = el('td', {}, el('span', { className: 'meter', ariaHidden: 'true' }, fill), text);
  return { td, fill, text };
}

function show(c: ReturnType<typeof cell>, v: number): void {
  const known = Number.isFinite(v);
  c.fill.style.width = known ? `${Math.round(v * 100)}%` : '0';
  c.fill.classList.toggle('warn', known && v > WARN);
  c.text.textContent = known ? `${Math.round(v * 100)}%` : '—';
}

export function meters(): Meters {
  const body = el('tbody');
  const root = el('table', { className: 'meters' },
    el('caption', { className: 'visually-hidden' }, 'Saturated outputs and dead units per hidden layer with an activation'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'layer'), el('th', { scope: 'col' }, 'saturated'), el('th', { scope: 'col' }, 'dead'))),
    body);
  let rows: { l: number; sat: ReturnType<typeof cell>; dead: ReturnType<typeof cell> }[] = [];
  let shape = '';
  return {
    root,
    update(saturated, dead, layers) {
      // Only hidden layers with an activation: the output layer gives logits, and a linear
      // layer (a dense layer before its BatchNorm) can neither saturate nor die.
      const shown = layers.flatMap((info, l) => (l < layers.length - 1 && info.activation !== 'linear' ? [l] : []));
      const key = shown.map((l) => shortLabel(layers, l)).join();
      if (key !== shape) {
        shape = key;
        rows = shown.map((l) => ({ l, sat: cell(), dead: cell() }));
        body.replaceChildren(...rows.map((r) => el('tr', {}, el('th', { scope: 'row' }, shortLabel(layers, r.l)), r.sat.td, r.dead.td)));
      }
      for (const r of rows) {
        show(r.sat, saturated[r.l]);
        show(r.dead, dead[r.l]);
      }
    },
  };
}
