// The hidden layers as a short list of rows — units and activation per layer, a remove button
// each, and "add layer" — every one a native, labelled control. The output layer is not here:
// it always has one unit per class and feeds softmax with cross-entropy.
import { ACTIVATIONS } from 'descent';
import { button, el, group, numberField, select } from '../../ui/controls.js';
import type { HiddenLayer } from './config.js';

export const MAX_LAYERS = 6;
export const MAX_UNITS = 512;

export interface NetworkBuilder {
  root: HTMLElement;
  set(layers: HiddenLayer[]): void;
}

export function networkBuilder(o: { value: HiddenLayer[]; onChange(layers: HiddenLayer[]): void; legend?: string }): NetworkBuilder {
  let layers = o.value.map((l) => ({ ...l }));
  const rows = el('div', { className: 'pg-layers' });
  const root = group(o.legend ?? 'Hidden layers', rows);
  const changed = () => o.onChange(layers.map((l) => ({ ...l })));
  const render = () => {
    const children: HTMLElement[] = layers.map((l, i) => {
      const units = numberField({ label: 'units', name: `units-${i}`, value: l.units, min: 1, max: MAX_UNITS, onChange: (v) => { l.units = v; changed(); } });
      const act = select({ label: 'activation', name: `activation-${i}`, options: ACTIVATIONS, value: l.activation, onChange: (v) => { l.activation = v; changed(); } });
      // The visible labels are short; the accessible names say which layer.
      units.input.setAttribute('aria-label', `layer ${i + 1} units`);
      act.input.setAttribute('aria-label', `layer ${i + 1} activation`);
      const remove = button('Remove', () => { layers.splice(i, 1); changed(); render(); add.focus(); }, { name: `remove-${i}` });
      remove.setAttribute('aria-label', `Remove layer ${i + 1}`);
      return el('div', { className: 'pg-layer' }, el('span', { className: 'pg-layer-name' }, `${i + 1}`), units.root, act.root, remove);
    });
    if (!layers.length) children.push(el('p', { className: 'pg-hint' }, 'No hidden layer: a linear classifier (softmax regression). It can only draw straight boundaries.'));
    rows.replaceChildren(...children);
    add.disabled = layers.length >= MAX_LAYERS;
  };
  const add = button('Add layer', () => {
    layers.push({ units: layers.at(-1)?.units ?? 8, activation: layers.at(-1)?.activation ?? 'tanh' });
    changed();
    render();
  }, { name: 'add-layer' });
  root.append(add);
  render();
  return { root, set: (v) => { layers = v.map((l) => ({ ...l })); render(); } };
}
