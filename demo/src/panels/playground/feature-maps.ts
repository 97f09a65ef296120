// A CNN's feature maps for one digit: each conv layer's channels as small heatmaps, the input
// beside them. ReLU outputs (never negative) are grey from white (0) to black (the channel's
// largest value), like the digit itself; signed outputs use a diverging scale (vermillion below
// 0, blue above). Each channel is scaled to its own largest magnitude, so a weak filter's
// pattern still shows; one that gives 0 everywhere is drawn blank and dashed.
import { el, numberField } from '../../ui/controls.js';
import { PALETTE, rgb } from '../../ui/palette.js';
import type { MapsMessage } from './config.js';

/** CSS pixels per map, about two per value (a 28 × 28 map), at least 40: 16 maps of 10 × 10 fit a desktop row. */
const mapPx = (side: number) => Math.max(40, Math.min(56, 2 * side));
const NEG = rgb(PALETTE.vermillion);
const POS = rgb(PALETTE.blue);

export interface FeatureMaps {
  root: HTMLElement;
  show(m: MapsMessage): void;
  /** The test digit field's value, when the hash changes it. */
  setDigit(index: number): void;
  reset(): void;
}

/** Paints `values` (h × w) into a canvas of that size: grey for non-negative maps, diverging otherwise. */
export function paintMap(canvas: HTMLCanvasElement, values: Float32Array, h: number, w: number): boolean {
  let max = 0, min = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > max) max = v;
    if (v < min) min = v;
  }
  const scale = Math.max(max, -min);
  const img = new ImageData(w, h);
  for (let i = 0; i < h * w; i++) {
    const t = scale > 0 ? values[i] / scale : 0;
    let r: number, g: number, b: number;
    if (min >= 0) {
      r = g = b = 255 * (1 - t);
    } else {
      const [cr, cg, cb] = t < 0 ? NEG : POS;
      const a = Math.abs(t);
      r = 255 + (cr - 255) * a; g = 255 + (cg - 255) * a; b = 255 + (cb - 255) * a;
    }
    img.data[4 * i] = r;
    img.data[4 * i + 1] = g;
    img.data[4 * i + 2] = b;
    img.data[4 * i + 3] = 255;
  }
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  canvas.getContext('2d')!.putImageData(img, 0, 0);
  return scale > 0;
}

export function featureMaps(o: { digit: number; tests: () => number; onDigit(index: number): void }): FeatureMaps {
  const rows = el('div', { className: 'fm-rows' });
  const source = el('p', { className: 'pg-hint fm-source' });
  const digit = numberField({ label: 'test digit #', name: 'digit', value: o.digit, min: 0, max: 1999, onChange: (v) => o.onDigit(Math.min(Math.max(0, Math.round(v)), Math.max(0, o.tests() - 1))) });
  digit.root.classList.add('fm-digit');
  const caption = el('figcaption', {},
    'Feature maps: what each convolution layer passes on for this digit. Each square is one channel — one small filter slid over the whole image — dark where the filter responds, white where it gives 0. The first layer picks out strokes and edges at every place; the next combines them into parts of digits on a coarser grid. Each square is scaled to its own largest value; they change as the net trains.');
  const root = el('figure', { className: 'fig fm', id: 'pg-maps' }, source, rows, digit.root, caption);
  root.hidden = true;
  let built = '';
  let canvases: HTMLCanvasElement[][] = [];
  let input: HTMLCanvasElement | null = null;

  /** Builds the rows of canvases once per architecture; later messages only repaint them. */
  function layout(m: MapsMessage): void {
    const key = JSON.stringify(m.layers.map((l) => [l.label, l.channels, l.h, l.w]));
    if (key === built) return;
    built = key;
    input = el('canvas', { width: 28, height: 28, className: 'fm-map fm-input' });
    input.setAttribute('aria-hidden', 'true');
    const inputRow = el('div', { className: 'fm-layer' }, el('p', { className: 'fm-label' }, 'input (28 × 28)'), el('div', { className: 'fm-grid' }, input));
    canvases = [];
    const layerRows = m.layers.map((l) => {
      const list = Array.from({ length: l.channels }, () => {
        const c = el('canvas', { width: l.w, height: l.h, className: 'fm-map' });
        c.style.width = c.style.height = `${mapPx(Math.max(l.h, l.w))}px`;
        return c;
      });
      canvases.push(list);
      const grid = el('div', { className: 'fm-grid' }, ...list);
      grid.setAttribute('role', 'img');
      grid.setAttribute('aria-label', `${l.label}: ${l.channels} feature maps of ${l.h} × ${l.w}`);
      const row = el('div', { className: 'fm-layer' }, el('p', { className: 'fm-label' }, `${l.label}: ${l.channels} channels, ${l.h} × ${l.w}`), grid);
      row.dataset.channels = String(l.channels);
      return row;
    });
    input.style.width = input.style.height = `${mapPx(28)}px`;
    rows.replaceChildren(inputRow, ...layerRows);
  }

  return {
    root,
    show(m) {
      root.hidden = false;
      layout(m);
      paintMap(input!, m.input, 28, 28);
      m.layers.forEach((l, i) => {
        const n = l.h * l.w;
        canvases[i].forEach((c, ch) => c.classList.toggle('fm-zero', !paintMap(c, l.values.subarray(ch * n, (ch + 1) * n), l.h, l.w)));
      });
      source.textContent = m.source === 'pad'
        ? `For the digit on the pad, at step ${m.step}.`
        : `For test digit #${m.index} (a ${m.label}), at step ${m.step}. Draw on the pad to see your own digit’s.`;
      Object.assign(root.dataset, { step: String(m.step), source: m.source, index: String(m.index) });
    },
    setDigit: (v) => digit.set(v),
    reset() {
      root.hidden = true;
      built = '';
      rows.replaceChildren();
      delete root.dataset.step;
    },
  };
}
