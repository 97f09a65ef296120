// Labelled form controls, built the same way everywhere: every input has a <label for>, every
// value is shown in an <output>, everything is a native element (keyboard and screen readers
// work without extra code). A log slider moves in steps of 10^(1/steps) and shows the value.
let nextId = 0;
const uid = (hint: string) => `${hint.replace(/\W+/g, '-').toLowerCase()}-${nextId++}`;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & { className?: string } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

export interface Control<T> {
  /** The wrapper (label, input, output) to place in the page. */
  root: HTMLElement;
  input: HTMLInputElement | HTMLSelectElement;
  get(): T;
  /** Sets the value without calling onChange. */
  set(v: T): void;
}

export interface SliderOptions {
  label: string;
  min: number;
  max: number;
  step?: number;
  value: number;
  /** Logarithmic: min/max are the values, `stepsPerDecade` positions per factor 10 (default 20). */
  log?: boolean;
  stepsPerDecade?: number;
  format?: (v: number) => string;
  onChange: (v: number) => void;
  /** Fire while dragging (default) or only on release. */
  live?: boolean;
  name?: string;
}

export const fmt = (v: number): string => (v === 0 ? '0' : Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(1) : String(+v.toPrecision(3)));

export function slider(o: SliderOptions): Control<number> {
  const id = uid(o.name ?? o.label);
  const input = el('input', { type: 'range', id, name: o.name ?? id });
  const out = el('output');
  out.setAttribute('for', id);
  const f = o.format ?? fmt;
  const spd = o.stepsPerDecade ?? 20;
  const toPos = (v: number) => (o.log ? Math.round(Math.log10(v) * spd) : v);
  const fromPos = (p: number) => (o.log ? +(10 ** (p / spd)).toPrecision(3) : p);
  if (o.log) {
    input.min = String(Math.round(Math.log10(o.min) * spd));
    input.max = String(Math.round(Math.log10(o.max) * spd));
    input.step = '1';
  } else {
    input.min = String(o.min);
    input.max = String(o.max);
    input.step = String(o.step ?? 1);
  }
  let value = o.value;
  const show = () => {
    out.textContent = f(value);
    input.setAttribute('aria-valuetext', f(value));
  };
  input.value = String(toPos(value));
  show();
  input.addEventListener(o.live === false ? 'change' : 'input', () => {
    value = fromPos(Number(input.value));
    show();
    o.onChange(value);
  });
  if (o.live === false) input.addEventListener('input', () => { value = fromPos(Number(input.value)); show(); });
  const root = el('div', { className: 'control slider' }, el('label', { htmlFor: id }, o.label), input, out);
  return { root, input, get: () => value, set: (v) => { value = v; input.value = String(toPos(v)); show(); } };
}

export interface SelectOptions<T extends string> {
  label: string;
  options: readonly (T | readonly [T, string])[];
  value: T;
  onChange: (v: T) => void;
  name?: string;
  /** Options too long for the side column's select: the select takes the whole row, its label above it. */
  wide?: boolean;
}

export function select<T extends string>(o: SelectOptions<T>): Control<T> {
  const id = uid(o.name ?? o.label);
  const input = el('select', { id, name: o.name ?? id });
  for (const opt of o.options) {
    const [value, text] = typeof opt === 'string' ? [opt, opt] : opt;
    input.append(el('option', { value, textContent: text }));
  }
  input.value = o.value;
  input.addEventListener('change', () => o.onChange(input.value as T));
  const root = el('div', { className: o.wide ? 'control select wide' : 'control select' }, el('label', { htmlFor: id }, o.label), input);
  return { root, input, get: () => input.value as T, set: (v) => { input.value = v; } };
}

export function checkbox(o: { label: string; value: boolean; onChange: (v: boolean) => void; name?: string }): Control<boolean> {
  const id = uid(o.name ?? o.label);
  const input = el('input', { type: 'checkbox', id, name: o.name ?? id, checked: o.value });
  input.addEventListener('change', () => o.onChange(input.checked));
  const root = el('div', { className: 'control checkbox' }, input, el('label', { htmlFor: id }, o.label));
  return { root, input, get: () => input.checked, set: (v) => { input.checked = v; } };
}

export function numberField(o: { label: string; value: number; min?: number; max?: number; step?: number; onChange: (v: number) => void; name?: string }): Control<number> {
  const id = uid(o.name ?? o.label);
  const input = el('input', { type: 'number', id, name: o.name ?? id, value: String(o.value) });
  if (o.min !== undefined) input.min = String(o.min);
  if (o.max !== undefined) input.max = String(o.max);
  input.step = String(o.step ?? 1);
  input.addEventListener('change', () => {
    const v = Number(input.value);
    if (input.value !== '' && Number.isFinite(v) && input.checkValidity()) o.onChange(v);
  });
  const root = el('div', { className: 'control number' }, el('label', { htmlFor: id }, o.label), input);
  return { root, input, get: () => Number(input.value), set: (v) => { input.value = String(v); } };
}

export function button(label: string, onClick: () => void, o: { title?: string; className?: string; name?: string } = {}): HTMLButtonElement {
  const b = el('button', { type: 'button', textContent: label, className: o.className ?? '' });
  if (o.title) b.title = o.title;
  if (o.name) b.name = o.name;
  b.addEventListener('click', onClick);
  return b;
}

/** A fieldset grouping controls under a legend. */
export function group(legend: string, ...children: (Node | string)[]): HTMLFieldSetElement {
  return el('fieldset', { className: 'group' }, el('legend', {}, legend), ...children);
}

/** The short plain-words note beside a panel or figure: what to look for and why it happens. */
export function note(...paragraphs: string[]): HTMLElement {
  return el('aside', { className: 'note' }, ...paragraphs.map((p) => el('p', { innerHTML: p })));
}

/** A figure with a caption (its accessible name). */
export function figure(caption: string, body: HTMLElement): HTMLElement {
  return el('figure', { className: 'fig' }, body, el('figcaption', {}, caption));
}
