// Activation-gradient RMS as bars by depth, on a log scale: under sigmoid each layer passes
// back at most a quarter of the gradient, so the bars fall layer by layer towards the input —
// a staircase. Both sides of the comparison share one range so their staircases compare.
// Normalisation layers (BatchNorm) are bars of their own, drawn paler and outlined.
import { decade, fitCanvas } from './canvas.js';

export interface BarsOptions {
  color: string;
  /** log10 range of the axis, whole decades [low, high]. */
  range: [number, number];
  /** Per layer: a normalisation layer (drawn paler, outlined). */
  norm?: boolean[];
}

const HEIGHT = 170;

/** The decades spanning every positive, finite value in `sets` (at least two decades). */
export function sharedRange(sets: ArrayLike<number>[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const s of sets) {
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (v > 0 && Number.isFinite(v)) {
        lo = Math.min(lo, Math.log10(v));
        hi = Math.max(hi, Math.log10(v));
      }
    }
  }
  if (!Number.isFinite(lo)) return [-6, 0];
  const low = Math.floor(lo), high = Math.max(Math.ceil(hi), low + 2);
  return [low, high];
}

export function drawBars(canvas: HTMLCanvasElement, values: ArrayLike<number>, o: BarsOptions): void {
  const { ctx, w, h } = fitCanvas(canvas, HEIGHT);
  const left = 40, bottom = 22, top = 6, right = 6;
  const plotW = w - left - right, plotH = h - top - bottom;
  const [lo, hi] = o.range;
  const y = (log: number) => top + plotH * (1 - (log - lo) / (hi - lo));
  ctx.clearRect(0, 0, w, h);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#333';
  ctx.strokeStyle = '#e4e4e4';
  ctx.lineWidth = 1;
  const stride = Math.ceil((hi - lo) / 6);
  for (let p = lo; p <= hi; p += stride) {
    ctx.beginPath();
    ctx.moveTo(left, y(p) + 0.5);
    ctx.lineTo(w - right, y(p) + 0.5);
    ctx.stroke();
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(decade(p), left - 4, y(p));
  }
  const n = values.length;
  const slot = plotW / Math.max(1, n);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  // Every layer's number while they fit; past that every other one (and always the output's).
  const every = slot < 20 ? 2 : 1;
  for (let l = 0; l < n; l++) {
    const x = left + l * slot;
    const v = values[l];
    ctx.fillStyle = '#333';
    if (l === n - 1 || l % every === 0) ctx.fillText(l === n - 1 ? 'out' : String(l + 1), x + slot / 2, h - bottom + 5);
    if (!(v > 0 && Number.isFinite(v))) continue;
    const top = y(Math.max(lo, Math.min(hi, Math.log10(v))));
    const norm = o.norm?.[l] ?? false;
    ctx.fillStyle = o.color;
    ctx.globalAlpha = norm ? 0.4 : 1;
    ctx.fillRect(x + slot * 0.15, top, slot * 0.7, h - bottom - top);
    ctx.globalAlpha = 1;
    if (norm) {
      ctx.strokeStyle = o.color;
      ctx.strokeRect(x + slot * 0.15 + 0.5, top + 0.5, slot * 0.7 - 1, h - bottom - top - 1);
    }
  }
  ctx.strokeStyle = '#333';
  ctx.beginPath();
  ctx.moveTo(left, h - bottom + 0.5);
  ctx.lineTo(w - right, h - bottom + 0.5);
  ctx.stroke();
}
