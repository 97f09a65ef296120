// The Gradient flow panel: the vanishing-gradient lesson as the library's diagnostics see it.
// The main network (and, beside it, a comparison network) trains in this panel's Worker; every
// diagnostics report reaches the page, which draws once per animation frame: the per-side
// cards (gradient bars by depth, meters, verdicts with one-click remedies), the loss, ‖∂W‖
// and update:data over time, histograms over time and the per-layer summary.
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
import { NOTES } from './notes.js';
import type { Remedy } from './remedies.js';
import { runCard, type RunCard } from './run-card.js';
import { describeSide, VANISHING_PRESET, type FlowSettings, type Side } from './settings.js';
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

const layerLabel = (l: number, L: number) => (l === L - 1 ? 'output layer' : `layer ${l + 1}`);
const layerSeries = (L: number) => Array.from({ length: L }, (_, l) => ({ label: layerLabel(l, L), color: SERIES[l % SERIES.length], dash: l >= SERIES.length }));

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
  let columns: HistogramColumn[] = [];
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
    columns = [];
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
    // The pace does not change the run: no rebuild, the run goes on at the new speed.
    if (Object.keys(patch).length === 1 && 'speed' in patch) return worker.send('speed', { stepsPerSecond: settings.speed });
    rebuild();
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
    histories = [new RunHistory(m.layers), new RunHistory(m.layers)];
    gradChart = lineChart({ series: layerSeries(m.layers), xLabel: 'step', yLabel: '‖∂W‖', yLog: true, height: 240 });
    // Powers of ten as 1e-5 (uPlot's default writes small ones as 0 at this width).
    gradChart.plot.axes[1].values = (_u: unknown, splits: number[]) => splits.map((v) => (v == null ? '' : v.toExponential(0)));
    updateChart = lineChart({
      series: layerSeries(m.layers), xLabel: 'step', yLabel: 'log₁₀ ‖ΔW‖/‖W‖', height: 240,
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
        columns.push(r.histograms);
        histogramsDirty = true;
        if (columns.length > HISTOGRAM_COLUMNS) columns = columns.filter((_, i) => i % 2 === 1);
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
    if (dirty) {
      dirty = false;
      slowPending = true;
      const live = frames.filter((f): f is RunFrame => f !== null);
      const range = sharedRange(live.map((f) => f.latest?.activationGradRms ?? []));
      frames.forEach((f, side) => { if (f) cards[side].draw(f, m.weightCounts, settings, range); });
      const b = settings.cmp ? histories[1] : null;
      lossChart.setData([a.step, a.loss, b ? b.loss.slice(0, a.step.length) : a.step.map(() => null)]);
      gradChart?.setData([a.step, ...a.gradNorm]);
      updateChart?.setData([a.step, ...a.update]);
    }
    // The histograms and the table change slowly and cost the most: four times a second is enough.
    const now = performance.now();
    if (!slowPending || now - slowDrawn < SLOW_MS) return;
    slowPending = false;
    slowDrawn = now;
    if (histogramsDirty) KINDS.forEach(([kind, , color], i) => drawHistograms(histogramCanvases[i], columns, kind, color));
    histogramsDirty = false;
    const latest = frames[0]?.latest;
    if (latest && latest.step !== tableStep) table.update(latest, m.weightCounts, settings.act);
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
        button('Vanishing preset', () => {
          const patch = { ...VANISHING_PRESET };
          settings = patch;
          store.set(patch);
          form.set(settings);
          playing = true;
          ctx.announce('Vanishing preset: 8 sigmoid layers with Xavier beside ReLU with He; training restarted.');
          rebuild();
        }, { name: 'preset', title: 'Deep sigmoid with Xavier beside its fix, ReLU with He' }));
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
            note(NOTES.cards, NOTES.verdicts),
            figure('Batch loss at each report: main network solid, the one beside it dashed', lossChart.root),
            note(NOTES.loss),
            figure('Per-layer ‖∂L/∂W‖ over time, log axis (main network)', gradHolder),
            note(NOTES.gradNorm),
            figure('Per-layer log₁₀ update:data ratio over time; dashed line at −3 (main network)', updateHolder),
            note(NOTES.update),
            el('h3', {}, 'Histograms over time'),
            ...histogramCanvases.map((c, i) => figure(KINDS[i][1], c)),
            note(NOTES.histograms),
            table.root,
            note(NOTES.summary))),
      );
      rebuild();
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
