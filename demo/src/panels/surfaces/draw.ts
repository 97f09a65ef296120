// Drawing on a contour: paths (a white halo under each so it reads on any band), end markers
// (each rule its own shape), minima (+), saddles (×). Everything in CSS pixels.
import type { ContourView } from './contour.js';
import type { Marker } from './rules.js';

/** Canvas coordinates far outside the plot (a diverged path) are clamped: some browsers drop huge ones. */
const FAR = 1e4;
const clampPx = (v: number) => Math.max(-FAR, Math.min(FAR, v));

export interface PathStyle {
  colour: string;
  dash?: number[];
  width?: number;
  /** Draw the white halo (off for the many thin restart paths). */
  halo?: boolean;
}

/** Draws points 0…`upTo` of a flat (x, y) path. */
export function drawPath(ctx: CanvasRenderingContext2D, view: ContourView, path: ArrayLike<number>, upTo: number, style: PathStyle): void {
  const last = Math.min(upTo, path.length / 2 - 1);
  if (last < 1) return;
  ctx.beginPath();
  for (let i = 0; i <= last; i++) {
    const [px, py] = view.toPx(path[2 * i], path[2 * i + 1]);
    if (!Number.isFinite(px) || !Number.isFinite(py)) break;
    if (i === 0) ctx.moveTo(clampPx(px), clampPx(py));
    else ctx.lineTo(clampPx(px), clampPx(py));
  }
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  const width = style.width ?? 2;
  if (style.halo !== false) {
    ctx.setLineDash([]);
    ctx.strokeStyle = 'rgba(255,255,255,0.75)';
    ctx.lineWidth = width + 2.5;
    ctx.stroke();
  }
  ctx.setLineDash(style.dash ?? []);
  ctx.strokeStyle = style.colour;
  ctx.lineWidth = width;
  ctx.stroke();
  ctx.setLineDash([]);
}

/** A marker of `shape` centred on (px, py), outlined in white so it shows on a path. */
export function drawMarker(ctx: CanvasRenderingContext2D, shape: Marker, px: number, py: number, colour: string, size = 5): void {
  if (!Number.isFinite(px) || !Number.isFinite(py)) return;
  ctx.save();
  ctx.translate(px, py);
  ctx.beginPath();
  const s = size;
  switch (shape) {
    case 'circle': ctx.arc(0, 0, s, 0, 2 * Math.PI); break;
    case 'square': ctx.rect(-s * 0.85, -s * 0.85, 1.7 * s, 1.7 * s); break;
    case 'triangle': ctx.moveTo(0, -s * 1.15); ctx.lineTo(s * 1.05, s * 0.8); ctx.lineTo(-s * 1.05, s * 0.8); ctx.closePath(); break;
    case 'diamond': ctx.moveTo(0, -s * 1.2); ctx.lineTo(s, 0); ctx.lineTo(0, s * 1.2); ctx.lineTo(-s, 0); ctx.closePath(); break;
    case 'star':
      for (let k = 0; k < 10; k++) {
        const r = k % 2 ? s * 0.5 : s * 1.25, a = (k * Math.PI) / 5 - Math.PI / 2;
        if (k) ctx.lineTo(r * Math.cos(a), r * Math.sin(a)); else ctx.moveTo(r * Math.cos(a), r * Math.sin(a));
      }
      ctx.closePath();
      break;
    case 'cross': case 'plus': {
      const t = shape === 'cross' ? Math.PI / 4 : 0;
      ctx.rotate(t);
      ctx.rect(-s * 1.2, -s * 0.35, 2.4 * s, 0.7 * s);
      ctx.rect(-s * 0.35, -s * 1.2, 0.7 * s, 2.4 * s);
      break;
    }
  }
  ctx.fillStyle = colour;
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 1.5;
  ctx.stroke();
  ctx.fill('nonzero');
  ctx.restore();
}

/** The surface's known minima (+) and saddle points (×), in black with a white outline. */
export function drawLandmarks(ctx: CanvasRenderingContext2D, view: ContourView, minima: [number, number][], saddles: [number, number][]): void {
  for (const [x, y] of minima) drawMarker(ctx, 'plus', ...view.toPx(x, y), '#000', 5.5);
  for (const [x, y] of saddles) drawMarker(ctx, 'cross', ...view.toPx(x, y), '#000', 5.5);
}

/** A small SVG of a path's look (colour, dash, end marker) for legends and tables. */
export function swatch(colour: string, dash: number[], marker: Marker): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', '44');
  svg.setAttribute('height', '14');
  svg.setAttribute('aria-hidden', 'true');
  svg.classList.add('swatch');
  const line = document.createElementNS(ns, 'line');
  Object.entries({ x1: '2', y1: '7', x2: '32', y2: '7', stroke: colour, 'stroke-width': '2.5', 'stroke-dasharray': dash.join(' ') }).forEach(([k, v]) => line.setAttribute(k, v));
  const shapes: Record<Marker, string> = {
    circle: 'M38 2.5a4.5 4.5 0 1 0 0.01 0Z', square: 'M34 3h8v8h-8Z', triangle: 'M38 1.5l5 9.5h-10Z', diamond: 'M38 1l4.5 6-4.5 6-4.5-6Z',
    cross: 'M34.5 2.5l3.5 3.5 3.5-3.5 1.5 1.5-3.5 3.5 3.5 3.5-1.5 1.5-3.5-3.5-3.5 3.5-1.5-1.5 3.5-3.5-3.5-3.5Z',
    plus: 'M37 2h2v4h4v2h-4v4h-2v-4h-4v-2h4Z', star: 'M38 1.5l1.6 3.8 4 .3-3.1 2.6 1 3.9-3.5-2.2-3.5 2.2 1-3.9-3.1-2.6 4-.3Z',
  };
  const mark = document.createElementNS(ns, 'path');
  mark.setAttribute('d', shapes[marker]);
  mark.setAttribute('fill', colour);
  svg.append(line, mark);
  return svg;
}
