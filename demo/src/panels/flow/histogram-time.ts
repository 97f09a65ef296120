// Histograms over time, one canvas per kind (weights, gradients, outputs): each layer is a
// band, time runs left to right (one column per snapshot), the value runs bottom to top over
// the band's whole range, and ink shows where the values lie. A column's own bins are placed
// at their true values, so a distribution that narrows (gradients vanishing, weights that stop
// moving) is seen to narrow; the band's range is written beside it.
import { rgb } from '../../ui/palette.js';
import { fitCanvas } from './canvas.js';
import type { HistogramColumn, KindHistogram } from './messages.js';

export type HistogramKind = 'weights' | 'gradients' | 'activations';

const ROWS = 28;
const BAND_GAP = 4;
const LEFT = 92;

const short = (v: number) => (v === 0 ? '0' : Math.abs(v) >= 100 || Math.abs(v) < 0.01 ? v.toExponential(0) : String(+v.toPrecision(2)));

/** The value range of layer `l` over all columns. */
function bandRange(columns: HistogramColumn[], kind: HistogramKind, l: number): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const c of columns) {
    const k = c[kind];
    if (Number.isFinite(k.lo[l])) lo = Math.min(lo, k.lo[l]);
    if (Number.isFinite(k.hi[l])) hi = Math.max(hi, k.hi[l]);
  }
  return lo < hi ? [lo, hi] : [lo - 0.5, hi + 0.5];
}

/** `labels`: each layer's band label ("1 dense", "2 BN", "out dense"). */
export function drawHistograms(canvas: HTMLCanvasElement, columns: HistogramColumn[], kind: HistogramKind, color: string, labels: string[]): void {
  if (columns.length === 0) return;
  const layers = columns[0][kind].lo.length;
  const bins = columns[0].bins;
  const bandH = ROWS + BAND_GAP;
  const { ctx, w, h } = fitCanvas(canvas, layers * bandH + 18);
  ctx.clearRect(0, 0, w, h);
  const n = columns.length;
  const image = new ImageData(n, layers * bandH);
  const [cr, cg, cb] = rgb(color);
  const ranges: [number, number][] = [];
  for (let l = 0; l < layers; l++) {
    const [lo, hi] = bandRange(columns, kind, l);
    ranges.push([lo, hi]);
    for (let c = 0; c < n; c++) {
      const k: KindHistogram = columns[c][kind];
      const clo = k.lo[l], chi = k.hi[l];
      if (!(clo < chi)) continue;
      let max = 0;
      for (let b = 0; b < bins; b++) max = Math.max(max, k.counts[l * bins + b]);
      if (max === 0) continue;
      for (let r = 0; r < ROWS; r++) {
        // Row r covers values [vLo, vHi); it takes the count of the column's bin at its centre.
        const v = hi - ((r + 0.5) / ROWS) * (hi - lo);
        const b = Math.floor(((v - clo) / (chi - clo)) * bins);
        let count = b >= 0 && b < bins ? k.counts[l * bins + b] : 0;
        // A band pixel taller than the column's whole range still shows that the values are there.
        if (count === 0 && (chi - clo) < (hi - lo) / ROWS && Math.abs(v - (clo + chi) / 2) <= (hi - lo) / ROWS / 2) count = max;
        const t = Math.sqrt(count / max);
        const i = 4 * ((l * bandH + r) * n + c);
        image.data[i] = 255 + (cr - 255) * t;
        image.data[i + 1] = 255 + (cg - 255) * t;
        image.data[i + 2] = 255 + (cb - 255) * t;
        image.data[i + 3] = 255;
      }
    }
  }
  const off = new OffscreenCanvas(n, layers * bandH);
  off.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(off, LEFT, 0, w - LEFT - 4, layers * bandH);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#333';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  for (let l = 0; l < layers; l++) {
    const y = l * bandH;
    ctx.fillText(labels[l] ?? (l === layers - 1 ? 'out' : `layer ${l + 1}`), 2, y + ROWS / 2 - 6);
    ctx.fillStyle = '#666';
    ctx.fillText(`${short(ranges[l][0])}…${short(ranges[l][1])}`, 2, y + ROWS / 2 + 7);
    ctx.fillStyle = '#333';
    ctx.strokeStyle = '#ddd';
    ctx.strokeRect(LEFT - 0.5, y + 0.5, w - LEFT - 3, ROWS);
  }
  ctx.textBaseline = 'bottom';
  ctx.fillText(`step ${columns[0].step}`, LEFT, h - 2);
  ctx.textAlign = 'right';
  ctx.fillText(`step ${columns[n - 1].step} →`, w - 4, h - 2);
}
