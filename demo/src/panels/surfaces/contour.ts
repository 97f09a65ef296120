// A contour plot on a canvas: f's grid painted as filled bands on a log scale (so the rings
// keep coming as f falls towards the minimum) with a darker iso-line between bands, in a
// sequential ramp made from the Okabe–Ito palette (blue → sky → yellow, faded towards white so
// the paths on top stay readable). The band image is rendered once per grid and size; paths
// and markers are drawn over it on each frame, in CSS pixels.
import { PALETTE, rgb } from '../../ui/palette.js';
import type { Bounds, Grid } from './messages.js';

const BANDS = 14;
/** Ramp stops (low f first): palette colours mixed with white by `strength`. */
const STOPS: [string, number][] = [[PALETTE.blue, 0.62], [PALETTE.sky, 0.5], [PALETTE.yellow, 0.38], [PALETTE.yellow, 0.1]];

function mixWhite(hex: string, strength: number): [number, number, number] {
  return rgb(hex).map((c) => 255 + (c - 255) * strength) as [number, number, number];
}

/** The colour of band k of `BANDS`, and a darker one for its edge. */
const RAMP: [number, number, number][] = Array.from({ length: BANDS }, (_, k) => {
  const t = (k / (BANDS - 1)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(t));
  const a = mixWhite(...STOPS[i]), b = mixWhite(...STOPS[i + 1]);
  return a.map((c, j) => c + (b[j] - c) * (t - i)) as [number, number, number];
});
const EDGE = RAMP.map((c) => c.map((v) => v * 0.8) as [number, number, number]);

export interface ContourOptions {
  /** The accessible name of the figure's image. */
  label: string;
  /** Height ÷ width is the bounds' (equal scales), kept within these limits. */
  minRatio?: number;
  maxRatio?: number;
  maxWidth?: number;
  /** Axis names for the range labels at the edges (default x, y). */
  axes?: [string, string];
}

export class ContourView {
  readonly wrap: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  private grid: Grid | null = null;
  private background: HTMLCanvasElement | null = null;
  width = 0;
  height = 0;
  private dpr = 1;
  /** Called after the canvas changed size (the caller redraws). */
  onResize: () => void = () => {};

  constructor(private readonly o: ContourOptions) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'contour';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', o.label);
    this.wrap = document.createElement('div');
    this.wrap.className = 'contour-wrap';
    this.wrap.append(this.canvas);
    new ResizeObserver(() => {
      if (this.layout()) this.onResize();
    }).observe(this.wrap);
  }

  get bounds(): Bounds | null {
    return this.grid?.bounds ?? null;
  }

  setGrid(grid: Grid): void {
    this.grid = grid;
    this.layout(true);
  }

  /** Sizes the canvas to its container and the bounds' aspect; true when anything changed. */
  private layout(force = false): boolean {
    // Not in the page yet: the ResizeObserver lays it out once it is (one render, not two).
    if (!this.grid || !this.wrap.isConnected) return false;
    const [[x0, x1], [y0, y1]] = this.grid.bounds;
    const width = Math.floor(Math.min(this.o.maxWidth ?? 640, this.wrap.clientWidth));
    const ratio = Math.min(this.o.maxRatio ?? 1.1, Math.max(this.o.minRatio ?? 0.5, (y1 - y0) / (x1 - x0)));
    const height = Math.round(width * ratio);
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    if (!force && width === this.width && height === this.height && dpr === this.dpr) return false;
    if (width <= 0) return false;
    Object.assign(this, { width, height, dpr });
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.background = this.renderBands();
    return true;
  }

  /** Data (x, y) → CSS pixels. */
  toPx(x: number, y: number): [number, number] {
    const [[x0, x1], [y0, y1]] = this.grid!.bounds;
    return [((x - x0) / (x1 - x0)) * this.width, ((y1 - y) / (y1 - y0)) * this.height];
  }

  /** CSS pixels → data (x, y). */
  fromPx(px: number, py: number): [number, number] {
    const [[x0, x1], [y0, y1]] = this.grid!.bounds;
    return [x0 + (px / this.width) * (x1 - x0), y1 - (py / this.height) * (y1 - y0)];
  }

  /** Paints the bands, then `paint` with the context in CSS pixels. */
  draw(paint: (ctx: CanvasRenderingContext2D) => void): void {
    if (!this.background) return;
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.background, 0, 0);
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, 0, this.width, this.height);
    ctx.clip();
    paint(ctx);
    ctx.restore();
    this.drawRanges(ctx);
  }

  /** The plot's ranges at its edges ("x −5 … 5" along the bottom, "y" up the left), for orientation. */
  private drawRanges(ctx: CanvasRenderingContext2D): void {
    const [[x0, x1], [y0, y1]] = this.grid!.bounds;
    const [xn, yn] = this.o.axes ?? ['x', 'y'];
    const f = (v: number) => String(+v.toPrecision(3)).replace('-', '−');
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#333';
    const label = (text: string, x: number, y: number, align: CanvasTextAlign) => {
      ctx.textAlign = align;
      ctx.lineWidth = 3;
      ctx.strokeStyle = 'rgba(255,255,255,0.85)';
      ctx.strokeText(text, x, y);
      ctx.fillText(text, x, y);
    };
    ctx.textBaseline = 'bottom';
    label(`${xn} = ${f(x0)}`, 3, this.height - 2, 'left');
    label(`${xn} = ${f(x1)}`, this.width - 3, this.height - 2, 'right');
    ctx.textBaseline = 'top';
    label(`${yn} = ${f(y1)}`, 3, 2, 'left');
  }

  /** Bands of log(f − min f), sampled per device pixel from the grid (bilinear), edges darkened. */
  private renderBands(): HTMLCanvasElement {
    const { n, values } = this.grid!;
    let lo = Infinity, hi = -Infinity;
    for (const v of values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    // The offset keeps the log finite at the minimum and sets how deep the rings go (4 decades).
    const delta = Math.max((hi - lo) * 1e-4, 1e-12);
    const logs = Float32Array.from(values, (v) => Math.log10(v - lo + delta));
    const l0 = Math.log10(delta), l1 = Math.log10(hi - lo + delta);
    const W = this.canvas.width, H = this.canvas.height;
    const band = new Uint8Array(W * H);
    // Each pixel column's grid column and weight, computed once rather than per pixel.
    const cols = new Int32Array(W), fxs = new Float32Array(W);
    for (let px = 0; px < W; px++) {
      const gx = ((px + 0.5) / W) * (n - 1);
      cols[px] = Math.min(n - 2, Math.floor(gx));
      fxs[px] = gx - cols[px];
    }
    const scale = BANDS / (l1 - l0);
    for (let py = 0; py < H; py++) {
      const gy = ((py + 0.5) / H) * (n - 1), r = Math.min(n - 2, Math.floor(gy)), fy = gy - r;
      for (let px = 0; px < W; px++) {
        const i = r * n + cols[px], fx = fxs[px];
        const top = logs[i] + (logs[i + 1] - logs[i]) * fx, bottom = logs[i + n] + (logs[i + n + 1] - logs[i + n]) * fx;
        const k = ((top + (bottom - top) * fy - l0) * scale) | 0;
        band[py * W + px] = k < 0 ? 0 : k >= BANDS ? BANDS - 1 : k;
      }
    }
    const image = new ImageData(W, H);
    for (let i = 0; i < W * H; i++) {
      const k = band[i];
      const edge = (i % W > 0 && band[i - 1] !== k) || (i >= W && band[i - W] !== k);
      const [r, g, b] = edge ? EDGE[k] : RAMP[k];
      image.data[4 * i] = r;
      image.data[4 * i + 1] = g;
      image.data[4 * i + 2] = b;
      image.data[4 * i + 3] = 255;
    }
    const out = document.createElement('canvas');
    out.width = W;
    out.height = H;
    out.getContext('2d')!.putImageData(image, 0, 0);
    return out;
  }
}
