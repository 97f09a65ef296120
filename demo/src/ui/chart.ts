// Line charts on uPlot (about 20 KB gzipped, canvas, fast enough to redraw every frame).
// `lineChart` sizes itself to its container (a ResizeObserver), takes colours from the
// palette, and can use log axes (log10, for gradient norms and learning rates).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { SERIES } from './palette.js';

export interface SeriesSpec {
  label: string;
  color?: string;
  /** Dashed, for a second quantity of the same colour (test beside train); or uPlot's own dash pattern. */
  dash?: boolean | number[];
  width?: number;
  /** Draw points only (a scatter), no line. */
  points?: boolean;
}

export interface LineChartOptions {
  series: SeriesSpec[];
  xLabel: string;
  yLabel: string;
  height?: number;
  xLog?: boolean;
  yLog?: boolean;
  /** Fixed y range; otherwise auto. */
  yRange?: [number, number];
  /** Labels of the x axis ticks (e.g. only the decades of a log axis); '' hides a label. */
  xTicks?: (v: number) => string;
  /** Extra drawing after the series (reference lines, markers), in canvas pixels. */
  draw?: (u: uPlot) => void;
}

export interface LineChart {
  root: HTMLElement;
  /** x values, then one array per series (null = gap). */
  setData(data: (ArrayLike<number | null>)[]): void;
  plot: uPlot;
}

export function lineChart(o: LineChartOptions): LineChart {
  const root = document.createElement('div');
  root.className = 'chart';
  const opts: uPlot.Options = {
    width: 320,
    height: o.height ?? 220,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: false, distr: o.xLog ? 3 : 1 },
      y: { distr: o.yLog ? 3 : 1, ...(o.yRange ? { range: o.yRange } : {}) },
    },
    axes: [
      { label: o.xLabel, stroke: '#333', grid: { stroke: '#eee' }, size: 36, labelSize: 18, ...(o.xTicks ? { values: (_u: uPlot, splits: number[]) => splits.map((v) => (v == null ? '' : o.xTicks!(v))) } : {}) },
      { label: o.yLabel, stroke: '#333', grid: { stroke: '#eee' }, size: 52, labelSize: 18 },
    ],
    series: [
      {},
      ...o.series.map((s, i) => ({
        label: s.label,
        stroke: s.color ?? SERIES[i % SERIES.length],
        width: s.width ?? 1.75,
        dash: Array.isArray(s.dash) ? s.dash : s.dash ? [6, 4] : undefined,
        points: { show: Boolean(s.points), size: 4 },
        paths: s.points ? () => null : undefined,
        spanGaps: false,
      })),
    ],
    hooks: o.draw ? { draw: [o.draw] } : {},
  };
  const empty: uPlot.AlignedData = [[], ...o.series.map(() => [])];
  const plot = new uPlot(opts, empty, root);
  new ResizeObserver(() => {
    const w = Math.max(200, Math.floor(root.clientWidth));
    if (w !== plot.width) plot.setSize({ width: w, height: o.height ?? 220 });
  }).observe(root);
  return {
    root,
    plot,
    setData: (data) => plot.setData(data as uPlot.AlignedData),
  };
}
