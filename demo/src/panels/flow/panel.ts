// The Gradient flow panel: the vanishing-gradient lesson as the library's diagnostics see it.
// The main network (and, beside it, a comparison network) trains in this panel's Worker; every
// diagnostics report reaches the page, which draws once per animation frame: the per-side
// cards (gradient bars by depth, meters, verdicts with one-click remedies), the loss, ‖∂W‖
// and update:data over time, histograms over time and the per-layer summary — the last four
// for the side `fig` names. Either side may insert BatchNorm after each hidden dense layer;
// every per-layer figure then labels each layer with its kind.
import type { Verdict } from 'descent';
import type { Panel, PanelContext } from '../../app/panel.js';
import type { Store } from '../../app/hash-state.js';
import { onFrame } from '../../app/frames.js';
import { button, el, figure, note } from '../../ui/controls.js';
import { lineChart, type LineChart } from '../../ui/chart.js';
import { PALETTE, SERIES } from '../../ui/palette.js';
import { PanelWorker } from '../../worker/client.js';
import { sharedRange } from './bars.js';
import { drawHistograms, type HistogramKind } from './histogram-time.js';
import { RunHistory } from './history.js';
import type { BuiltMessage, FlowFrame, HistogramColumn, RunFrame } from './messages.js';
import { longLabel, shortLabel, type LayerInfo } from './layers.js';
import { NOTES } from './notes.js';
import type { Remedy } from './remedies.js';
import { runCard, type RunCard } from './run-card.js';
import { BATCHNORM_PRESET, describeSide, VANISHING_PRESET, type FlowSettings, type Side } from './settings.js';
import { settingsForm, type SettingsForm } from './settings-form.js';
import { summary, type Summary } from './summary.js';
import './flow.css';

const SIDE_COLORS = [PALETTE.blue, PALETTE.orange];
const SIDE_NAMES = ['Main network', 'Beside it'];
const HISTOGRAM_COLUMNS = 160;
const SLOW_MS = 250;
const KINDS: [HistogramKind, string, string][] = [
  ['weights', 'Weights', PALETTE.blue],
  ['gradients', 'Weight gradients ∂L/∂W', PALETTE.vermillion],
  ['activations', 'Layer outputs', PALETTE.green],
];

const layerSeries = (layers: LayerInfo[]) => layers.map((_, l) => ({ label: longLabel(layers, l), color: SERIES[l % SERIES.length], dash: l >= SERIES.length }));
/** Settings that change how the run is shown, not the run: no restart. */
const VIEW_KEYS = new Set(['speed', 'fig']);

export function flowPanel(): Panel {
  let ctx: PanelContext;
  let store: Store<FlowSettings>;
  let settings: FlowSettings;
  let worker: PanelWorker;
  let form: SettingsForm;
  let stopDrawing: (() => void) | null = null;
  let playing = true;
  let build = 0;
  let built: BuiltMessage | null = null;
  let frames: (RunFrame | null)[] = [null, null];
  let histories: RunHistory[] = [];
  /** Histogram columns per side. */
  let columns: HistogramColumn[][] = [[], []];
  /** The side whose charts are built (-1: none yet). */
  let chartSide = -1;
  let announced = [0, 0];
  let dirty = false;
  /** New histogram columns since the last drawing, and the report step the table shows. */
  let histogramsDirty = false;
  let tableStep = -1;
  let slowDrawn = -Infinity;
  let slowPending = false;
  let cards: RunCard[];
  let table: Summary;
  let lossChart: LineChart;
  let gradChart: LineChart | null = null;
  let updateChart: LineChart | null = null;
  const gradHolder = el('div');
  const updateHolder = el('div');
  const gradFigure = figure('', gradHolder);
  const updateFigure = figure('', updateHolder);
  const histogramTitle = el('h3', {});
  const histogramCanvases = KINDS.map(([kind, name]) => {
    const c = el('canvas', { className: 'histograms' });
    c.dataset.kind = kind;
    c.setAttribute('role', 'img');
    c.setAttribute('aria-label', `${name} histograms over time, one band per layer`);
    return c;
  });
  const runStatus = el('p', { className: 'status', id: 'gf-run-status' });
  const errorBox = el('p', { className: 'error', role: 'alert' });

  function rebuild(): void {
    build++;
    built = null;
    frames = [null, null];
    histories = [];
    columns = [[], []];
    chartSide = -1;
    announced = [0, 0];
    tableStep = -1;
    errorBox.textContent = '';
    cards.forEach((c, side) => {
      c.reset();
      c.setTitle(`${SIDE_NAMES[side]}: ${describeSide(settings, side as Side)}`);
    });
    cards[1].root.hidden = !settings.cmp;
    worker.send('init', { settings, build, play: playing });
  }

  function change(patch: Partial<FlowSettings>): void {
    settings = { ...settings, ...patch };
    store.set(patch);
    // The pace and the side shown do not change the run: no rebuild, the run goes on.
    if (Object.keys(patch).every((k) => VIEW_KEYS.has(k))) {
      if ('speed' in patch) worker.send('speed', { stepsPerSecond: settings.speed });
      if ('fig' in patch) showSide();
      return;
    }
    rebuild();
  }

  /** The side the charts, histograms and table show: the comparison only when there is one. */
  const shownSide = (): Side => (settings.cmp && settings.fig === 1 && (built?.sides.length ?? 0) > 1 ? 1 : 0);

  /** (Re)builds the per-layer charts for the shown side's layers and redraws everything. */
  function showSide(): void {
    if (!built) return;
    const side = shownSide();
    if (side !== chartSide) {
      chartSide = side;
      makeCharts(built.sides[side]);
      const name = `${SIDE_NAMES[side].toLowerCase()}: ${describeSide(settings, side)}`;
      gradFigure.querySelector('figcaption')!.textContent = `Per-layer ‖∂L/∂W‖ over time, log axis (${name})`;
      updateFigure.querySelector('figcaption')!.textContent = `Per-layer log₁₀ update:data ratio over time; dashed line at −3 (${name})`;
      histogramTitle.textContent = `Histograms over time (${name})`;
      table.setTitle(`Per-layer summary of the latest report (${name})`);
    }
    dirty = true;
    histogramsDirty = true;
    tableStep = -1;
    slowDrawn = -Infinity;
  }

  function applyRemedy(r: Remedy, v: Verdict, side: Side): void {
    const patch = r.patch(settings);
    settings = { ...settings, ...patch };
    store.set(patch);
    form.set(settings);
    playing = true;
    ctx.announce(`${SIDE_NAMES[side]}: ${r.done} (for ${v.code}); training restarted.`);
    rebuild();
  }

  function setPlaying(on: boolean): void {
    playing = on;
    worker.send(on ? 'play' : 'pause');
  }

  function onBuilt(m: BuiltMessage): void {
    if (m.build !== build) return;
    built = m;
    histories = m.sides.map((layers) => new RunHistory(layers.length));
    showSide();
  }

  function makeCharts(layers: LayerInfo[]): void {
    gradChart = lineChart({ series: layerSeries(layers), xLabel: 'step', yLabel: '‖∂W‖', yLog: true, height: 240 });
    // Powers of ten as 1e-5 (uPlot's default writes small ones as 0 at this width).
    gradChart.plot.axes[1].values = (_u: unknown, splits: number[]) => splits.map((v) => (v == null ? '' : v.toExponential(0)));
    updateChart = lineChart({
      series: layerSeries(layers), xLabel: 'step', yLabel: 'log₁₀ ‖ΔW‖/‖W‖', height: 240,
      draw: (u) => {
        const y = u.valToPos(-3, 'y', true);
        if (!Number.isFinite(y) || y < u.bbox.top || y > u.bbox.top + u.bbox.height) return;
        const c = u.ctx;
        c.save();
        c.strokeStyle = '#000';
        c.setLineDash([6, 4]);
        c.lineWidth = 1.5;
        c.beginPath();
        c.moveTo(u.bbox.left, y);
        c.lineTo(u.bbox.left + u.bbox.width, y);
        c.stroke();
        c.restore();
      },
    });
    gradHolder.replaceChildren(gradChart.root);
    updateHolder.replaceChildren(updateChart.root);
  }

  function onFrameMessage(f: FlowFrame): void {
    if (f.build !== build || !built) return;
    f.runs.forEach((r, side) => {
      frames[side] = r;
      histories[side].append(r.series);
      if (r.histograms) {
        columns[side].push(r.histograms);
        histogramsDirty ||= side === shownSide();
        if (columns[side].length > HISTOGRAM_COLUMNS) columns[side] = columns[side].filter((_, i) => i % 2 === 1);
      }
      for (const v of r.verdicts.slice(announced[side])) {
        const where = v.layer === null ? '' : ` in layer ${v.layer + 1}`;
        ctx.announce(`${SIDE_NAMES[side]}: ${v.code}${where} at step ${v.step}. ${v.message} Remedy: ${v.remedy}`);
      }
      announced[side] = r.verdicts.length;
    });
    if (!f.running && f.stopped && playing) {
      playing = false;
      ctx.announce(`Gradient flow ${f.stopped}.`);
    }
    runStatus.textContent = f.stopped ?? (f.running ? 'training…' : 'paused');
    runStatus.dataset.running = String(f.running);
    dirty = true;
  }

  function draw(): void {
    if (!built) return;
    const m = built;
    const a = histories[0];
    const side = shownSide();
    const shown = histories[side];
    const layers = m.sides[side];
    if (dirty) {
      dirty = false;
      slowPending = true;
      const live = frames.filter((f): f is RunFrame => f !== null);
      const range = sharedRange(live.map((f) => f.latest?.activationGradRms ?? []));
      frames.forEach((f, s) => { if (f && m.sides[s]) cards[s].draw(f, m.sides[s], settings, range); });
      const b = settings.cmp ? histories[1] : null;
      lossChart.setData([a.step, a.loss, b ? b.loss.slice(0, a.step.length) : a.step.map(() => null)]);
      gradChart?.setData([shown.step, ...shown.gradNorm]);
      updateChart?.setData([shown.step, ...shown.update]);
    }
    // The histograms and the table change slowly and cost the most: four times a second is enough.
    const now = performance.now();
    if (!slowPending || now - slowDrawn < SLOW_MS) return;
    slowPending = false;
    slowDrawn = now;
    const labels = layers.map((_, l) => shortLabel(layers, l));
    if (histogramsDirty) KINDS.forEach(([kind, , color], i) => drawHistograms(histogramCanvases[i], columns[side], kind, color, labels));
    histogramsDirty = false;
    const latest = frames[side]?.latest;
    if (latest && latest.step !== tableStep) table.update(latest, layers);
    tableStep = latest?.step ?? -1;
  }

  return {
    id: 'flow',
    title: 'Gradient flow',
    mount(root, context) {
      ctx = context;
      store = ctx.state.register('gf', VANISHING_PRESET);
      settings = store.get();
      worker = new PanelWorker('flow');
      worker.on<BuiltMessage>('built', onBuilt);
      worker.on<FlowFrame>('frame', onFrameMessage);
      worker.onError = (e) => {
        errorBox.textContent = `${e.path ? `${e.path}: ` : ''}${e.message}`;
        playing = false;
        ctx.announce(`Gradient flow error: ${e.message}`);
      };
      cards = [0, 1].map((side) => runCard(side as Side, SIDE_COLORS[side], (r, v) => applyRemedy(r, v, side as Side)));
      table = summary();
      lossChart = lineChart({ series: [{ label: SIDE_NAMES[0], color: SIDE_COLORS[0] }, { label: SIDE_NAMES[1], color: SIDE_COLORS[1], dash: true }], xLabel: 'step', yLabel: 'batch loss', height: 200 });
      form = settingsForm(settings, change);
      store.onExternalChange((v) => {
        settings = v;
        form.set(v);
        rebuild();
      });
      const toolbar = el('div', { className: 'toolbar' },
        button('Play', () => setPlaying(true), { name: 'play' }),
        button('Pause', () => setPlaying(false), { name: 'pause' }),
        button('Step', () => { playing = false; worker.send('pause'); worker.send('step', { steps: 1 }); }, { name: 'step', title: 'One optimizer step on each network' }),
        button('Restart', () => rebuild(), { name: 'restart', title: 'Same settings, same seed: the same run from the start' }),
        button('Vanishing preset', () => preset(VANISHING_PRESET, 'Vanishing preset: 8 sigmoid layers with Xavier beside ReLU with He; training restarted.'),
          { name: 'preset', title: 'Deep sigmoid with Xavier beside its fix, ReLU with He' }),
        button('BatchNorm preset', () => preset(BATCHNORM_PRESET, 'BatchNorm preset: 8 sigmoid layers with Xavier, without BatchNorm and beside it with BatchNorm; the figures show the BatchNorm network; training restarted.'),
          { name: 'preset-bn', title: 'The same deep sigmoid net without and with BatchNorm after each hidden layer' }));
      root.append(
        el('h2', {}, 'Gradient flow: vanishing gradients, seen'),
        note(...NOTES.intro),
        toolbar,
        runStatus,
        errorBox,
        el('div', { className: 'layout' },
          el('div', { className: 'controls' }, form.root),
          el('div', { className: 'figures' },
            el('div', { className: 'grid2 cards' }, cards[0].root, cards[1].root),
            note(NOTES.cards, NOTES.batchnorm, NOTES.verdicts),
            figure('Batch loss at each report: main network solid, the one beside it dashed', lossChart.root),
            note(NOTES.loss),
            gradFigure,
            note(NOTES.gradNorm),
            updateFigure,
            note(NOTES.update),
            histogramTitle,
            ...histogramCanvases.map((c, i) => figure(KINDS[i][1], c)),
            note(NOTES.histograms),
            table.root,
            note(NOTES.summary))),
      );
      rebuild();

      function preset(values: FlowSettings, announcement: string): void {
        settings = { ...values };
        store.set(settings);
        form.set(settings);
        playing = true;
        ctx.announce(announcement);
        rebuild();
      }
    },
    show() {
      stopDrawing = onFrame(draw);
      dirty = true;
      if (playing) worker.send('play');
    },
    hide() {
      stopDrawing?.();
      stopDrawing = null;
      worker.send('pause');
    },
  };
}
