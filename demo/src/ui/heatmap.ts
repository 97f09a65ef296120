// Decision surfaces: a grid of class probabilities painted as colour, each class its palette
// colour, mixed by probability and faded towards white where the net is unsure; data points on
// top (train filled, test hollow). Drawn with ImageData at the grid's size, then scaled.
import { rgb, SERIES } from './palette.js';

export interface DecisionGrid {
  /** Cells per side. */
  n: number;
  classes: number;
  /** n × n × classes probabilities, rows from the top (y max) down, x left to right. */
  probs: Float32Array;
  /** [[xMin, xMax], [yMin, yMax]] in data coordinates. */
  bounds: [[number, number], [number, number]];
}

/** The n × n cell centres a DecisionGrid's probabilities are computed at: flat (x, y) pairs, rows from the top. */
export function gridPoints(n: number, bounds: DecisionGrid['bounds']): Float32Array {
  const [[x0, x1], [y0, y1]] = bounds;
  const g = new Float32Array(n * n * 2);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const i = r * n + c;
      g[2 * i] = x0 + ((c + 0.5) / n) * (x1 - x0);
      g[2 * i + 1] = y1 - ((r + 0.5) / n) * (y1 - y0);
    }
  }
  return g;
}

export interface Points {
  /** Flat (x, y) pairs. */
  xy: Float32Array | number[];
  labels: Int32Array | number[];
  hollow?: boolean;
}

const colours = SERIES.map(rgb);

export function drawDecision(canvas: HTMLCanvasElement, grid: DecisionGrid, points: Points[] = []): void {
  const { n, classes, probs } = grid;
  const ctx = canvas.getContext('2d')!;
  const cells = new ImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    let r = 0, g = 0, b = 0, top = 0;
    for (let c = 0; c < classes; c++) {
      const p = probs[i * classes + c];
      const [cr, cg, cb] = colours[c % colours.length];
      r += p * cr; g += p * cg; b += p * cb;
      if (p > top) top = p;
    }
    // Confidence 1/classes → white, 1 → the full mixed colour.
    const t = classes > 1 ? Math.max(0, (top - 1 / classes) / (1 - 1 / classes)) * 0.65 : 0.65;
    cells.data[4 * i] = 255 + (r - 255) * t;
    cells.data[4 * i + 1] = 255 + (g - 255) * t;
    cells.data[4 * i + 2] = 255 + (b - 255) * t;
    cells.data[4 * i + 3] = 255;
  }
  const off = new OffscreenCanvas(n, n);
  off.getContext('2d')!.putImageData(cells, 0, 0);
  const { width: W, height: H } = canvas;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, 0, 0, W, H);
  const [[x0, x1], [y0, y1]] = grid.bounds;
  for (const set of points) {
    for (let i = 0; i < set.labels.length; i++) {
      const px = ((set.xy[2 * i] - x0) / (x1 - x0)) * W;
      const py = ((y1 - set.xy[2 * i + 1]) / (y1 - y0)) * H;
      ctx.beginPath();
      ctx.arc(px, py, set.hollow ? 3.2 : 3, 0, 2 * Math.PI);
      const c = SERIES[set.labels[i] % SERIES.length];
      ctx.lineWidth = 1.2;
      if (set.hollow) {
        ctx.fillStyle = '#fff';
        ctx.fill();
        ctx.strokeStyle = c;
      } else {
        ctx.fillStyle = c;
        ctx.fill();
        ctx.strokeStyle = '#fff';
      }
      ctx.stroke();
    }
  }
}
