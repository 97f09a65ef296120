// The learning-rate range test (Smith 2017): the smoothed loss against a geometrically growing
// lr on a log axis, the suggestion marked, and three short trainings of the same network — at
// the suggestion, far above it, far below it — overlaid so the lesson shows at a glance.
import type uPlot from 'uplot';
import type { OptimizerType } from 'descent';
import type { Panel, PanelContext } from '../../app/panel.js';
import type { Store } from '../../app/hash-state.js';
import { onFrame } from '../../app/frames.js';
import { button, el, figure, fmt, group, note, numberField, select, slider } from '../../ui/controls.js';
import { lineChart, type LineChart } from '../../ui/chart.js';
import { flatDefaults, optimizerForm, toOptimizerConfig, type FlatOptimizer, type OptimizerForm } from '../../ui/optimizer-form.js';
import { PALETTE } from '../../ui/palette.js';
import { PanelWorker } from '../../worker/client.js';
import { DATASETS } from '../race/datasets.js';
import { NETWORKS } from '../race/networks.js';
import type { PresetFrame, RangeResult, RangeSetup } from './worker.js';
import './lr-range.css';

const HIGH_FACTORS = [['10', '10×'], ['30', '30×'], ['100', '100×']] as const;
const LOW_FACTOR = 100;
/** Preset trainings animate at this many steps per second (each of the three), so the curves visibly grow. */
const PRESET_STEPS_PER_SECOND = 400;

const PRESETS = [
  { name: 'suggested', label: 'at the suggestion', color: PALETTE.green, dash: [] as number[] },
  { name: 'high', label: 'too high', color: PALETTE.vermillion, dash: [7, 4] },
  { name: 'low', label: 'too low (÷100)', color: PALETTE.blue, dash: [2, 3] },
] as const;

/** Decades only (1e-7 … 10), as powers of ten: the in-between ticks of a log axis stay unlabelled. */
function decadeLabel(v: number): string {
  const p = Math.log10(v);
  if (Math.abs(p - Math.round(p)) > 1e-6) return '';
  return p >= -2 && p <= 2 ? String(+v.toPrecision(1)) : `1e${Math.round(p)}`;
}

function defaults() {
  return { data: 'spiral', network: '16x16-tanh', seed: 0, batch: 32, startLr: 1e-7, endLr: 10, numIter: 300, high: '30', epochs: 20, ...flatDefaults('adam') };
}
type State = ReturnType<typeof defaults>;

export function lrRangePanel(): Panel {
  let worker: PanelWorker;
  let store: Store<State>;
  let ctx: PanelContext;
  let form: OptimizerForm;
  let stopDrawing: (() => void) | null = null;
  let started = false;
  let run = 0;
  let result: RangeResult | null = null;
  let pending: ReturnType<typeof setTimeout> | null = null;
  let announcedPresets = false;
  const controls = el('div');
  const status = el('output', { className: 'status', id: 'lr-status' });
  const error = el('p', { className: 'error', role: 'alert' });
  const presetStatus = el('output', { className: 'status', id: 'lr-presets' });
  const tbody = el('tbody');
  const useButton = button('Use this lr in the playground', () => useInPlayground(), { name: 'use-lr' });
  const compareButton = button('Train at suggested / too high / too low', () => runPresets(), { name: 'presets' });

  /** The smoothed curve's falling part: from a bit under its lowest point to a bit over where it started. */
  function yRange(r: RangeResult): [number, number] {
    const s = r.smoothedLosses.filter(Number.isFinite);
    const head = s.slice(0, Math.max(1, Math.ceil(s.length / 10)));
    const top = Math.max(...head) * 1.25;
    const low = Math.min(...s);
    return [Math.max(0, low - 0.15 * (top - low)), top];
  }

  const curve: LineChart = lineChart({
    series: [
      { label: 'loss (each step)', color: PALETTE.sky, width: 1 },
      { label: 'smoothed loss', color: PALETTE.blue, width: 2.5 },
    ],
    xLabel: 'learning rate (log)', yLabel: 'loss', xLog: true, height: 280, xTicks: decadeLabel,
    draw: (u) => markSuggestion(u),
  });
  curve.root.id = 'lr-chart';

  function markSuggestion(u: uPlot): void {
    const r = result;
    const c = u.ctx;
    const { left, top, width, height } = u.bbox;
    // Equal pixels per decade is what a log axis means; exposed for the tests and for anyone inspecting the page.
    const decade = (a: number) => u.valToPos(a * 10, 'x', true) - u.valToPos(a, 'x', true);
    (u.root.parentElement ?? u.root).dataset.decadePx = JSON.stringify([decade(1e-6), decade(1e-2)].map((p) => +(p / devicePixelRatio).toFixed(2)));
    if (!r) return;
    c.save();
    if (r.valley) {
      const [i0, i1] = r.valley;
      const x0 = u.valToPos(r.lrs[i0] ?? r.lrs[0], 'x', true), x1 = u.valToPos(r.lrs[i1] ?? r.lrs.at(-1)!, 'x', true);
      c.fillStyle = 'rgba(0, 158, 115, 0.12)';
      c.fillRect(Math.min(x0, x1), top, Math.abs(x1 - x0), height);
    }
    if (r.suggestion !== null) {
      const x = u.valToPos(r.suggestion, 'x', true);
      c.strokeStyle = PALETTE.vermillion;
      c.lineWidth = 2 * devicePixelRatio;
      c.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
      c.beginPath();
      c.moveTo(x, top);
      c.lineTo(x, top + height);
      c.stroke();
      c.setLineDash([]);
      c.fillStyle = '#8a3c00';
      c.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
      // uPlot leaves the context right-aligned from its axis labels; the placement below measures from the left.
      c.textAlign = 'left';
      c.textBaseline = 'alphabetic';
      const text = `suggested lr ${fmt(r.suggestion)}`;
      const w = c.measureText(text).width;
      const beside = x + 6 * devicePixelRatio + w > left + width ? x - 6 * devicePixelRatio - w : x + 6 * devicePixelRatio;
      // On a narrow plot neither side of the line holds the label: keep it inside the plot, never over the axis.
      const tx = Math.max(left, Math.min(beside, left + width - w));
      c.fillText(text, tx, top + 16 * devicePixelRatio);
    }
    c.restore();
  }

  const presetChart: LineChart = lineChart({
    series: PRESETS.map((p) => ({ label: p.label, color: p.color, dash: [...p.dash], width: 2 })),
    xLabel: 'epoch', yLabel: 'training loss (log)', yLog: true, height: 240,
  });
  presetChart.root.id = 'lr-presets-chart';

  function setupOf(v: State): RangeSetup {
    return {
      run: ++run, data: v.data, network: v.network, seed: v.seed, batchSize: v.batch, startLr: v.startLr, endLr: v.endLr, numIter: v.numIter,
      optimizer: toOptimizerConfig(v as unknown as FlatOptimizer),
    };
  }

  /** Runs the test again after the controls settle (sliders fire while dragging). */
  function rerun(): void {
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      pending = null;
      const v = store.get();
      result = null;
      error.textContent = '';
      if (!(v.startLr > 0 && v.endLr > v.startLr)) {
        error.textContent = `The end lr (${fmt(v.endLr)}) must be above the start lr (${fmt(v.startLr)}).`;
        return;
      }
      status.textContent = 'Running the range test…';
      delete status.dataset.suggestion;
      worker.send('test', { setup: setupOf(v) });
    }, 150);
  }

  function presetRates(): { name: string; lr: number }[] {
    const s = result?.suggestion;
    if (s === null || s === undefined) return [];
    return [{ name: 'suggested', lr: s }, { name: 'high', lr: s * Number(store.get().high) }, { name: 'low', lr: s / LOW_FACTOR }];
  }

  function runPresets(): void {
    const lrs = presetRates();
    if (!lrs.length) return;
    announcedPresets = false;
    presetStatus.textContent = 'Training…';
    presetStatus.dataset.done = 'false';
    tbody.replaceChildren(...lrs.map((p, i) => {
      const tr = el('tr', {}, el('th', { scope: 'row' }, PRESETS[i].label), el('td', {}, fmt(p.lr)), el('td'));
      tr.dataset.preset = p.name;
      return tr;
    }));
    worker.send('presets', { run, lrs, epochs: store.get().epochs, stepsPerSecond: PRESET_STEPS_PER_SECOND });
  }

  function useInPlayground(): void {
    const s = result?.suggestion;
    if (s === null || s === undefined) return;
    // The playground's own keys (its optimizer form's `type` and `lr`); everything else in the hash is kept.
    const params = new URLSearchParams(location.hash.slice(1));
    params.set('tab', 'playground');
    params.set('pg.type', store.get().type);
    params.set('pg.lr', String(+s.toPrecision(3)));
    location.hash = params.toString();
  }

  function showResult(r: RangeResult): void {
    result = r;
    const y = yRange(r);
    curve.setData([r.lrs, r.losses.map((l) => (Number.isFinite(l) ? l : null)), r.smoothedLosses.map((l) => (Number.isFinite(l) ? l : null))]);
    curve.plot.setScale('y', { min: y[0], max: y[1] });
    const v = store.get();
    Object.assign(status.dataset, { points: String(r.lrs.length), start: String(v.startLr), end: String(v.endLr), stoppedEarly: String(r.stoppedEarly) });
    const stopped = r.stoppedEarly ? ` The loss blew up at lr ${fmt(r.lrs.at(-1)!)}, so the test stopped there.` : '';
    if (r.suggestion === null) {
      status.textContent = `No suggestion: the smoothed loss never fell over ${r.lrs.length} steps. Widen the range or raise the end lr.${stopped}`;
      status.dataset.suggestion = 'none';
      compareButton.disabled = useButton.disabled = true;
      ctx.announce('Range test finished: no suggestion, the loss never fell.');
      return;
    }
    status.textContent = `Suggested lr ${fmt(r.suggestion)} (after ${r.lrs.length} steps from ${fmt(v.startLr)} to ${fmt(v.endLr)}).${stopped}`;
    status.dataset.suggestion = String(r.suggestion);
    compareButton.disabled = useButton.disabled = false;
    ctx.announce(`Range test finished: suggested learning rate ${fmt(r.suggestion)}.`);
    runPresets();
  }

  function drawPresets(f: PresetFrame): void {
    const longest = Math.max(1, ...f.runs.map((r) => r.losses.length));
    const xs = Array.from({ length: longest }, (_, i) => i);
    presetChart.setData([xs, ...f.runs.map((r) => xs.map((i) => (i < r.losses.length && Number.isFinite(r.losses[i]) ? r.losses[i] : null)))]);
    const finals: Record<string, number> = {};
    f.runs.forEach((r) => {
      const loss = r.diverged ? Infinity : r.losses.at(-1)!;
      finals[r.name] = loss;
      const tr = tbody.querySelector<HTMLElement>(`tr[data-preset="${r.name}"]`);
      if (!tr) return;
      tr.querySelectorAll('td')[1].textContent = r.diverged ? 'diverged' : loss.toFixed(4);
      Object.assign(tr.dataset, { loss: String(loss), lr: String(r.lr), diverged: String(r.diverged) });
    });
    presetStatus.textContent = `epoch ${f.epoch} of ${f.epochs}${f.done ? ' · finished' : ''}`;
    Object.assign(presetStatus.dataset, { epoch: String(f.epoch), done: String(f.done) });
    if (f.done && !announcedPresets) {
      announcedPresets = true;
      const show = (n: string) => (Number.isFinite(finals[n]) ? finals[n].toFixed(3) : 'diverged');
      ctx.announce(`After ${f.epoch} epochs: suggested lr loss ${show('suggested')}, too high ${show('high')}, too low ${show('low')}.`);
    }
  }

  function buildControls(): void {
    const v = store.get();
    const set = (patch: Partial<State>, presetsOnly = false) => {
      store.set(patch);
      if (presetsOnly) runPresets();
      else rerun();
    };
    form = optimizerForm({
      legend: 'Optimizer (the test sweeps its lr)', value: v as unknown as FlatOptimizer, lrRange: [1e-6, 10],
      onChange: (o) => set(o as unknown as Partial<State>),
    });
    controls.replaceChildren(
      group('Data and network',
        select({ label: 'data set', name: 'data', options: DATASETS, value: v.data as (typeof DATASETS)[number], onChange: (x) => set({ data: x }) }).root,
        select({ label: 'network', name: 'network', options: NETWORKS, value: v.network as (typeof NETWORKS)[number][0], onChange: (x) => set({ network: x }) }).root,
        numberField({ label: 'seed', name: 'seed', value: v.seed, min: 0, max: 2 ** 31 - 1, onChange: (x) => set({ seed: x }) }).root,
        numberField({ label: 'batch size', name: 'batch', value: v.batch, min: 1, max: 300, onChange: (x) => set({ batch: x }) }).root,
      ),
      group('Range test',
        slider({ label: 'start lr', name: 'startLr', min: 1e-8, max: 1e-2, log: true, stepsPerDecade: 4, value: v.startLr, live: false, onChange: (x) => set({ startLr: x }) }).root,
        slider({ label: 'end lr', name: 'endLr', min: 1e-3, max: 100, log: true, stepsPerDecade: 4, value: v.endLr, live: false, onChange: (x) => set({ endLr: x }) }).root,
        numberField({ label: 'steps (numIter)', name: 'numIter', value: v.numIter, min: 10, max: 1000, onChange: (x) => set({ numIter: x }) }).root,
      ),
      form.root,
      group('Presets',
        select({ label: 'too high ×', name: 'high', options: HIGH_FACTORS, value: v.high as (typeof HIGH_FACTORS)[number][0], onChange: (x) => set({ high: x }, true) }).root,
        numberField({ label: 'epochs', name: 'epochs', value: v.epochs, min: 1, max: 500, onChange: (x) => set({ epochs: x }, true) }).root,
      ),
    );
  }

  return {
    id: 'lr-range',
    title: 'Learning-rate range test',
    mount(root, c) {
      ctx = c;
      store = c.state.register('lr', defaults());
      worker = new PanelWorker('lr-range');
      worker.coalesce('presets');
      worker.onError = (f) => {
        error.textContent = `${f.name}: ${f.message}`;
        status.textContent = '';
      };
      worker.on<RangeResult>('result', (r) => {
        if (r.run === run) showResult(r);
      });
      store.onExternalChange(() => {
        buildControls();
        rerun();
      });
      buildControls();
      const th = (t: string) => el('th', { scope: 'col' }, t);
      root.append(
        el('h2', {}, 'Learning-rate range test'),
        el('div', { className: 'layout' },
          el('div', {}, controls),
          el('div', {},
            note(
              '<strong>What the test does</strong> (Leslie Smith, 2017): it trains for a few hundred steps while the learning rate grows geometrically from the start lr to the end lr, and records the loss at each step. Plotted against lr on a log axis, the loss first stays flat (the rate is too small to move anything), then falls, then shoots up once the steps overshoot.',
              '<strong>How to read it</strong>: a good rate sits on the falling slope, well before the bottom. descent ignores the first tenth of the test (early batches can spike and fake a fall), finds the <em>valley</em> — the longest stretch over which the smoothed loss keeps falling, shaded — and suggests the rate 4/5 of the way down it. <strong>Why not the minimum?</strong> At the lowest point the rate is already on the edge: the loss has stopped improving because the steps are starting to overshoot, and the test only saw it for a step or two. The raw loss (faint) is noisy, one batch at a time; the thick line is its smoothed average, which the suggestion is read from.',
            ),
            status, error,
            figure('Loss against the learning rate (log scale). The shaded band is the valley, the dashed line the suggested lr.', curve.root),
            el('div', { className: 'toolbar' }, compareButton, useButton),
            note('<strong>The lesson, trained</strong>: the same network from the same start, for a few epochs at the suggested lr, at a multiple of it (too high: the loss bounces or blows up) and at a hundredth of it (too low: it crawls).'),
            presetStatus,
            figure('Training loss per epoch at the three learning rates.', presetChart.root),
            el('div', { className: 'table-scroll' }, el('table', { className: 'lr-table', id: 'lr-presets-table' },
              el('caption', { className: 'visually-hidden' }, 'Final training loss at each preset learning rate'),
              el('thead', {}, el('tr', {}, th('run'), th('lr'), th('final loss'))), tbody)),
          ),
        ),
      );
      compareButton.disabled = useButton.disabled = true;
    },
    show() {
      stopDrawing = onFrame(() => {
        const f = worker.take<PresetFrame>('presets');
        if (f && f.run === run) drawPresets(f);
      });
      if (!started) {
        started = true;
        rerun();
      } else worker.send('play');
    },
    hide() {
      stopDrawing?.();
      stopDrawing = null;
      worker.send('pause');
    },
  };
}
