// Saturation and dead-unit meters, one row per hidden layer: the share of sigmoid/tanh outputs
// pinned near their limits (their slope ≈ 0, so no gradient passes) and the share of ReLU
// units that output 0 for every recent sample (they never learn again). "—" where a figure
// does not apply (saturation for ReLU, dead units for sigmoid) or is not measured yet.
import { el } from '../../ui/controls.js';

export interface Meters {
  root: HTMLElement;
  update(saturated: ArrayLike<number>, dead: ArrayLike<number>): void;
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
    el('caption', { className: 'visually-hidden' }, 'Saturated outputs and dead units per hidden layer'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'layer'), el('th', { scope: 'col' }, 'saturated'), el('th', { scope: 'col' }, 'dead'))),
    body);
  let rows: { sat: ReturnType<typeof cell>; dead: ReturnType<typeof cell> }[] = [];
  return {
    root,
    update(saturated, dead) {
      // The output layer is linear (logits): neither figure applies, so only hidden layers.
      const hidden = Math.max(0, saturated.length - 1);
      if (rows.length !== hidden) {
        rows = Array.from({ length: hidden }, () => ({ sat: cell(), dead: cell() }));
        body.replaceChildren(...rows.map((r, l) => el('tr', {}, el('th', { scope: 'row' }, String(l + 1)), r.sat.td, r.dead.td)));
      }
      rows.forEach((r, l) => {
        show(r.sat, saturated[l]);
        show(r.dead, dead[l]);
      });
    },
  };
}
