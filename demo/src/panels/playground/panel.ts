// The playground: pick data (synthetic sets, your own points or CSV, MNIST digits), build a
// network, choose the optimizer and the mode of descent, then play, pause, step, step an epoch,
// reset to the same initialisation, draw a new one, or keep the best of N restarts. Every
// control lives in the hash (prefix `pg`), so a link reproduces the run. Training runs in the
// panel's worker (worker.ts); this file draws its newest frame on each animation frame.
// On MNIST the model may be a CNN (cnn.ts): its feature maps are drawn (feature-maps.ts) and
// the MLP trained beside it gives the test accuracy to compare with.
import { ACTIVATIONS, INITS, type Init } from 'descent';
import { downloadCheckpoint } from 'descent/checkpoint';
import type { Panel, PanelContext } from '../../app/panel.js';
import type { Store } from '../../app/hash-state.js';
import { onFrame } from '../../app/frames.js';
import { button, el, figure, fmt, group, note, numberField, select, slider } from '../../ui/controls.js';
import { PALETTE } from '../../ui/palette.js';
import { drawDecision } from '../../ui/heatmap.js';
import { optimizerForm } from '../../ui/optimizer-form.js';
import { toOptimizerConfig, type FlatOptimizer } from '../../ui/optimizer-form.js';
import { DrawingPad } from '../../ui/drawing-pad.js';
import { PanelWorker } from '../../worker/client.js';
import {
  DATASETS, DEFAULTS, MNIST_DEFAULTS, MNIST_KEYS, SPEEDS, formatLayers, formatPoints, parseLayers, parsePoints,
  type DataMessage, type DatasetName, type MapsMessage, type MnistFields, type FrameMessage, type GdMode, type PgState, type RestartResult, type RunConfig,
} from './config.js';
import { isCnn, MODELS, type ModelName } from './cnn.js';
import { featureMaps } from './feature-maps.js';
import { parseCsv } from './csv.js';
import { Curves } from './curves.js';
import { networkBuilder } from './network-builder.js';
import './playground.css';

const SQUARE: [[number, number], [number, number]] = [[-1.25, 1.25], [-1.25, 1.25]];
const CLASS_NAMES = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
/** Spoken progress while training, at most this often. */
const PROGRESS_MS = 15_000;
const SYNTHETIC = new Set(['spiral', 'circle', 'xor', 'gauss']);
const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '–');
const num = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : String(v));

export function playgroundPanel(): Panel {
  let worker: PanelWorker;
  let store: Store<PgState>;
  /** MNIST's own network, optimizer and model settings (prefix `pgm`), so each family keeps its own. */
  let mnistNet: Store<MnistFields>;
  let state: PgState;
  let ctx: PanelContext;
  let stopDrawing: (() => void) | null = null;
  let data: DataMessage | null = null;
  let run = -1;
  let announcedDivergence = -1;
  let announcedAt = 0;
  let playing = false;
  let pad: DrawingPad | null = null;
  const curves = new Curves();

  const controls = el('div', { className: 'pg-controls' });
  const status = el('output', { className: 'status', id: 'pg-status' });
  const alert = el('p', { className: 'error', id: 'pg-alert', hidden: true });
  const canvas = el('canvas', { width: 320, height: 320, className: 'heatmap', id: 'pg-canvas' });
  const padBox = el('div', { id: 'pg-pad', hidden: true });
  const plotNote = note('');
  const decision = figure('', el('div', {}, canvas, padBox));
  const csvError = el('p', { className: 'error', id: 'pg-csv-error', hidden: true });
  const outputInfo = el('p', { className: 'pg-hint', id: 'pg-output' });
  const restartTable = el('div', { id: 'pg-restarts' });
  const restartProgress = el('p', { className: 'pg-hint', id: 'pg-restart-progress' });
  const cnnLayerList = el('ol', { className: 'pg-cnn-layers', id: 'pg-cnn-layers' });
  const compare = el('div', { className: 'pg-compare', id: 'pg-compare', hidden: true });
  let maps: ReturnType<typeof featureMaps>;
  let seedField: ReturnType<typeof numberField> | null = null;
  let playButton: HTMLButtonElement;

  const isMnist = () => state.data === 'mnist';
  /** The model trained: a CNN preset on MNIST, else the MLP of the hidden layers. */
  const model = (): ModelName => (isMnist() && isCnn(state.model) ? state.model : 'mlp');
  const dataset = (): DatasetName => (DATASETS.some(([d]) => d === state.data) ? (state.data as DatasetName) : 'spiral');

  /** The state as the controls see it: the main store, with MNIST's net settings over it. */
  function read(): PgState {
    const s = store.get();
    return s.data === 'mnist' ? { ...s, ...mnistNet.get() } : s;
  }

  /** Writes a patch: net settings go to the store of the data family they belong to. */
  function write(patch: Partial<PgState>): void {
    const mnist = (patch.data ?? state.data) === 'mnist';
    const main: Partial<PgState> = {}, net: Partial<MnistFields> = {};
    for (const [k, v] of Object.entries(patch)) Object.assign(mnist && (MNIST_KEYS as string[]).includes(k) ? net : main, { [k]: v });
    store.set(main);
    if (Object.keys(net).length) mnistNet.set(net);
    state = read();
  }

  function update(patch: Partial<PgState>, rerender = false): void {
    write(patch);
    if (rerender) renderControls();
    sendConfig();
  }

  function sendConfig(): void {
    const s = state;
    const d = dataset();
    const config: RunConfig = {
      data: d, noise: s.noise, testFraction: s.test, samples: s.samples, arms: s.arms, dataSeed: s.dseed,
      points: d === 'own' ? parsePoints(s.pts) : [], hidden: parseLayers(s.layers, ACTIVATIONS), model: model(),
      init: (INITS as readonly string[]).includes(s.init) ? (s.init as Init) : 'xavier_uniform',
      optimizer: toOptimizerConfig(s), mode: s.mode as GdMode, batchSize: s.batch, seed: s.seed,
      ...(d === 'mnist' ? { mnistUrl: new URL('mnist-digits.bin', document.baseURI).href } : {}),
    };
    showAlert(null);
    worker.send('config', { config });
    showView();
  }

  function showAlert(text: string | null): void {
    alert.hidden = text === null;
    alert.textContent = text ?? '';
  }

  /** The decision surface for 2-D sets, the drawing pad for MNIST. */
  function showView(): void {
    const mnist = isMnist();
    canvas.hidden = mnist;
    padBox.hidden = !mnist;
    if (model() === 'mlp') {
      maps.reset();
      compare.hidden = true;
    }
    if (mnist && !pad) {
      pad = new DrawingPad({
        onChange: (pixels) => {
          const copy = pixels.slice();
          worker.send('predict', { pixels: copy }, [copy.buffer]);
        },
      });
      padBox.append(pad.root, el('div', { className: 'toolbar' }, button('Clear the pad', () => { pad!.clear(); delete padBox.dataset.probs; worker.send('predict', { pixels: null }); }, { name: 'clear-pad' })));
    }
    decision.querySelector('figcaption')!.textContent = mnist
      ? 'Draw a digit: the bars are the net’s probability for each class, updated as it trains.'
      : 'Decision surface: each colour is a class, paler where the net is unsure. Training points filled, test points hollow.';
    plotNote.replaceChildren(...(mnist
      ? [model() === 'mlp'
        ? 'Each of the 784 pixels is an input. A digit drawn off-centre or much thicker than MNIST’s strokes is often misread: the net only knows what its training digits look like.'
        : 'The CNN sees the 784 pixels as a 28 × 28 image: each filter looks at a small patch and is slid over every place, so a stroke is recognised wherever it is. A dense layer (the MLP) has one weight per pixel instead and must learn each place on its own. A digit drawn off-centre or much thicker than MNIST’s strokes can still fool it.']
      : ['Watch the boundary bend as the hidden layers learn features. Test points (hollow) were never trained on: where they sit on the wrong colour, the net has not generalised.',
        state.data === 'own' ? 'Click the plot to add a class-A point, shift-click for class B (or use the fields under “Your points”).' : 'Choose “your own points / CSV” to place points yourself.'])
      .map((t) => el('p', {}, t)));
  }

  // ---- controls --------------------------------------------------------------------------

  function renderControls(): void {
    const s = state;
    const d = dataset();
    const dataGroup = group('Data',
      select({ label: 'data set', name: 'data', options: DATASETS, value: d, onChange: (v) => {
        update({ data: v }, true);
      } }).root);
    if (SYNTHETIC.has(d)) {
      dataGroup.append(
        slider({ label: 'noise', name: 'noise', min: 0, max: 0.5, step: 0.01, value: s.noise, live: false, onChange: (noise) => update({ noise }) }).root,
        slider({ label: 'points', name: 'samples', min: 50, max: 1000, step: 50, value: s.samples, live: false, onChange: (samples) => update({ samples }) }).root,
      );
      if (d === 'spiral') dataGroup.append(slider({ label: 'arms (classes)', name: 'arms', min: 2, max: 5, value: s.arms, live: false, onChange: (arms) => update({ arms }) }).root);
      dataGroup.append(numberField({ label: 'data seed', name: 'dseed', value: s.dseed, min: 0, max: 2 ** 31 - 1, onChange: (dseed) => update({ dseed }) }).root);
    }
    if (d !== 'mnist') {
      dataGroup.append(slider({ label: 'test share', name: 'test', min: 0, max: 0.5, step: 0.05, value: s.test, live: false, format: (v) => `${Math.round(v * 100)}%`, onChange: (test) => update({ test }) }).root);
      const file = el('input', { type: 'file', id: 'pg-csv', name: 'csv', accept: '.csv,text/csv,text/plain' });
      file.addEventListener('change', () => { const f = file.files?.[0]; if (f) void loadCsv(f); file.value = ''; });
      dataGroup.append(el('div', { className: 'control pg-file' }, el('label', { htmlFor: 'pg-csv' }, 'CSV (x1,x2,label)'), file), csvError);
    } else {
      dataGroup.append(el('p', { className: 'pg-hint' }, 'MNIST: 10,000 handwritten digits of 28 × 28 pixels, most to train on and the rest held out to test (the counts are under Network). The bytes (about 8 MB) are loaded only when MNIST is chosen.'));
    }
    if (d === 'own') dataGroup.append(ownPointsGroup());

    const cnn = model() !== 'mlp';
    const net = networkBuilder({
      value: parseLayers(s.layers, ACTIVATIONS), onChange: (layers) => update({ layers: formatLayers(layers) }),
      legend: cnn ? 'The MLP beside it: hidden layers' : 'Hidden layers',
    });
    const netGroup = group('Network');
    if (d === 'mnist') {
      netGroup.append(select({ label: 'model', name: 'model', options: MODELS, value: model(), wide: true, onChange: (m) => update({ model: m }, true) }).root);
      if (cnn) {
        netGroup.append(el('p', { className: 'pg-hint' }, 'The CNN’s layers (input 1 × 28 × 28):'), cnnLayerList,
          el('p', { className: 'pg-hint' }, 'An MLP of the hidden layers below trains beside it on the same batches, with the same optimizer and seed, so their test accuracies compare.'));
      }
    }
    netGroup.append(net.root,
      select({ label: 'initialiser', name: 'init', options: INITS, value: s.init as Init, onChange: (init) => update({ init }) }).root,
      outputInfo);

    const flat = optimizerForm({ value: s as FlatOptimizer, onChange: (v) => update(v) });

    const mode = s.mode as GdMode;
    const gd = group('Gradient descent',
      select({ label: 'mode', name: 'mode', options: [['batch', 'batch (every row each step)'], ['mini-batch', 'mini-batch'], ['stochastic', 'stochastic (one row each step)']] as const, value: mode, onChange: (m) => update({ mode: m }, true) }).root);
    if (mode === 'mini-batch') gd.append(slider({ label: 'batch size', name: 'batch', min: 1, max: 256, value: s.batch, live: false, onChange: (batch) => update({ batch }) }).root);
    if (mode === 'batch' && model() !== 'mlp') gd.append(el('p', { className: 'pg-hint' }, 'A CNN’s step over all 8,000 training digits takes seconds: the controls answer between steps.'));
    seedField = numberField({ label: 'seed (initialisation, shuffling)', name: 'seed', value: s.seed, min: 0, max: 2 ** 31 - 1, onChange: (seed) => update({ seed }) });
    gd.append(seedField.root);

    const restarts = group('Best of N restarts',
      slider({ label: 'N (seeds)', name: 'restarts', min: 2, max: 10, value: s.restarts, onChange: (restarts) => write({ restarts }) }).root,
      slider({ label: 'steps each', name: 'budget', min: 20, max: 2000, log: true, stepsPerDecade: 10, value: s.budget, format: (v) => String(Math.round(v)), onChange: (budget) => write({ budget: Math.round(budget) }) }).root,
      el('div', { className: 'toolbar' }, button('Run best of N', runRestarts, { name: 'restarts' })),
      restartProgress, restartTable,
      note('Each seed starts from its own random weights and trains the same number of steps; the one with the lowest test loss wins and becomes the seed. Different starts can end in different valleys of the loss.'));

    controls.replaceChildren(dataGroup, netGroup, flat.root, gd, restarts);
  }

  function ownPointsGroup(): HTMLElement {
    const points = parsePoints(state.pts);
    let cls = 0, px = 0, py = 0;
    const count = el('p', { className: 'pg-hint', id: 'pg-point-count' }, `${points.length} points`);
    return group('Your points',
      count,
      select({ label: 'class', name: 'point-class', options: CLASS_NAMES.slice(0, 3).map((c, i) => [String(i), `class ${c}`] as const), value: '0', onChange: (v) => { cls = Number(v); } }).root,
      numberField({ label: 'x1', name: 'point-x', value: 0, min: -10, max: 10, step: 0.05, onChange: (v) => { px = v; } }).root,
      numberField({ label: 'x2', name: 'point-y', value: 0, min: -10, max: 10, step: 0.05, onChange: (v) => { py = v; } }).root,
      el('div', { className: 'toolbar' },
        button('Add point', () => addPoint(px, py, cls), { name: 'add-point' }),
        button('Remove last', () => setPoints(parsePoints(state.pts).slice(0, -1)), { name: 'undo-point' }),
        button('Clear points', () => setPoints([]), { name: 'clear-points' })));
  }

  function setPoints(points: ReturnType<typeof parsePoints>): void {
    update({ pts: formatPoints(points) }, true);
    drawOwnPoints();
  }

  function addPoint(x: number, y: number, label: number): void {
    const points = parsePoints(state.pts);
    points.push({ x, y, label });
    setPoints(points);
    ctx.announce(`Added a class ${CLASS_NAMES[label]} point at (${fmt(x)}, ${fmt(y)}); ${points.length} points.`);
  }

  /** Own points drawn at once (before the worker's next frame, or when there is no net yet). */
  function drawOwnPoints(): void {
    const points = parsePoints(state.pts);
    // A blank (undecided) surface under the points until the worker's next frame paints it.
    drawDecision(canvas, { n: 1, classes: 2, probs: new Float32Array([0.5, 0.5]), bounds: data?.bounds ?? SQUARE },
      [{ xy: points.flatMap((p) => [p.x, p.y]), labels: points.map((p) => p.label) }]);
  }

  async function loadCsv(file: Blob): Promise<void> {
    const r = parseCsv(await file.text());
    csvError.hidden = r.ok;
    if (!r.ok) {
      csvError.textContent = r.error;
      ctx.announce(r.error);
      return;
    }
    csvError.textContent = '';
    update({ data: 'own', pts: formatPoints(r.points) }, true);
    ctx.announce(`Loaded ${r.points.length} points in ${r.classes.length} classes from the CSV.`);
  }

  function onCanvasClick(e: MouseEvent): void {
    if (state.data !== 'own') return;
    const rect = canvas.getBoundingClientRect();
    const [[x0, x1], [y0, y1]] = data?.data === 'own' && data.bounds ? data.bounds : SQUARE;
    const x = x0 + ((e.clientX - rect.left) / rect.width) * (x1 - x0);
    const y = y1 - ((e.clientY - rect.top) / rect.height) * (y1 - y0);
    addPoint(+x.toFixed(3), +y.toFixed(3), e.shiftKey ? 1 : 0);
  }

  // ---- transport ---------------------------------------------------------------------------

  function runRestarts(): void {
    if (!data) return;
    restartProgress.textContent = `Running ${state.restarts} seeds for ${state.budget} steps each…`;
    restartTable.replaceChildren();
    worker.send('restarts', { n: state.restarts, budget: state.budget });
  }

  function showRestarts(results: RestartResult[], best: number, budget: number): void {
    write({ seed: best });
    seedField?.set(best);
    const rows = results.map((r) => {
      const win = r.seed === best;
      const tr = el('tr', { className: win ? 'pg-best' : '' },
        el('td', {}, String(r.seed)), el('td', {}, num(r.testLoss)), el('td', {}, pct(r.testAccuracy)), el('td', {}, win ? '★ kept' : ''));
      return tr;
    });
    const table = el('table', { className: 'pg-table' },
      el('caption', {}, `Loss and accuracy on the test set (train set when there is none) after ${budget} steps`),
      el('thead', {}, el('tr', {}, ...['seed', 'test loss', 'accuracy', ''].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows));
    restartTable.replaceChildren(table);
    const w = results.find((r) => r.seed === best)!;
    const text = `Best of ${results.length} restarts: seed ${best}, test loss ${num(w.testLoss)} (accuracy ${pct(w.testAccuracy)}). The net now shows that run after ${budget} steps.`;
    restartProgress.textContent = text;
    ctx.announce(text);
  }

  function onData(m: DataMessage): void {
    data = m;
    run = m.run;
    curves.reset();
    showAlert(null);
    status.dataset.run = String(m.run);
    const classes = m.classes;
    const count = (n: number) => n.toLocaleString('en');
    outputInfo.textContent = `Output: ${classes} units, one per class, then softmax with cross-entropy loss. ${m.trainRows} training rows, ${m.testRows} test rows, ${m.stepsPerEpoch} steps per epoch. `
      + (m.baseline ? `The CNN has ${count(m.parameters)} parameters, the MLP beside it ${count(m.baseline.parameters)}.` : `${count(m.parameters)} parameters.`);
    cnnLayerList.replaceChildren(...(m.baseline ? m.layers.map((l) => el('li', {}, l)) : []));
    curves.setBaseline(m.baseline ? 'MLP' : null);
    compare.hidden = !m.baseline;
    if (!m.baseline) maps.reset();
  }

  /** The CNN's and its MLP's test accuracy side by side, as two labelled meters. */
  function showCompare(e: NonNullable<FrameMessage['last']>): void {
    if (!Number.isFinite(e.baseTestAccuracy)) return;
    const name = MODELS.find(([m]) => m === model())?.[1].replace(/^CNN: /, '') ?? 'CNN';
    const row = (id: string, label: string, v: number, color: string) => {
      const meter = el('meter', { id, min: 0, max: 1, value: v });
      meter.style.setProperty('--fill', color);
      const out = el('output', {}, pct(v));
      out.setAttribute('for', id);
      return el('div', { className: 'pg-compare-row' }, el('label', { htmlFor: id }, label), meter, out);
    };
    compare.replaceChildren(
      el('p', { className: 'pg-compare-title' }, `Test accuracy on the ${data?.testRows.toLocaleString('en') ?? ''} held-out digits after ${e.step} steps (${data ? (e.step / data.stepsPerEpoch).toFixed(1) : "?"} epochs), same batches for both:`),
      row('pg-compare-cnn', `CNN (${name})`, e.testAccuracy, PALETTE.vermillion),
      row('pg-compare-mlp', 'MLP beside it', e.baseTestAccuracy, PALETTE.green));
    Object.assign(compare.dataset, { step: String(e.step), cnn: String(e.testAccuracy), mlp: String(e.baseTestAccuracy) });
  }

  function onFrameMessage(f: FrameMessage): void {
    if (f.run !== run) return;
    curves.add(f.records);
  }

  function draw(): void {
    const f = worker.take<FrameMessage>('frame');
    if (f && f.run === run) {
      const e = f.last;
      const test = e && Number.isFinite(e.testLoss);
      status.value = `step ${f.step} · epoch ${f.epoch} · batch loss ${f.step === 0 ? '–' : num(f.loss)}` + (e ? ` · ${test ? 'test' : 'train'} loss ${num(test ? e.testLoss : e.trainLoss)} · ${test ? 'test' : 'train'} accuracy ${pct(test ? e.testAccuracy : e.trainAccuracy)}` : '');
      Object.assign(status.dataset, {
        step: String(f.step), loss: String(f.loss), epoch: String(f.epoch), playing: String(f.playing),
        testLoss: String(e?.testLoss ?? NaN), accuracy: String(test ? e!.testAccuracy : e?.trainAccuracy ?? NaN),
        trainLoss: String(e?.trainLoss ?? NaN), trainAccuracy: String(e?.trainAccuracy ?? NaN),
      });
      // Progress for screen readers: the start, then at most every PROGRESS_MS while it plays.
      const lossText = e ? `, ${test ? 'test' : 'train'} loss ${num(test ? e.testLoss : e.trainLoss)}` : '';
      if (!playing && f.playing) {
        ctx.announce(`Training from step ${f.step}${lossText}.`);
        announcedAt = performance.now();
      } else if (f.playing && performance.now() - announcedAt > PROGRESS_MS) {
        ctx.announce(`Step ${f.step}${lossText}.`);
        announcedAt = performance.now();
      }
      if (playing && !f.playing) ctx.announce(`Paused at step ${f.step}${e ? `, ${test ? 'test' : 'train'} loss ${num(test ? e.testLoss : e.trainLoss)}` : ''}.`);
      playing = f.playing;
      playButton.setAttribute('aria-pressed', String(playing));
      if (f.grid && data?.train && data.test) {
        drawDecision(canvas, f.grid, [{ xy: data.train.xy, labels: data.train.labels }, { xy: data.test.xy, labels: data.test.labels, hollow: true }]);
      }
      if (f.pad && pad) showProbabilities(f.pad);
      if (e && compare.dataset.step !== String(e.step)) showCompare(e);
      if (f.diverged && announcedDivergence !== f.run) {
        announcedDivergence = f.run;
        const text = `Training stopped at step ${f.step}: the loss is no longer a number (it overflowed to ${f.loss}). The updates grew until the numbers blew up, which usually means the learning rate is too high for this net. Lower lr (try ÷ 10) or set “clip grad norm” to 1, then press Reset.`;
        showAlert(text);
        ctx.announce(text);
      }
    }
    const m = worker.take<MapsMessage>('maps');
    if (m && m.run === run && model() !== 'mlp') maps.show(m);
    curves.draw();
  }

  function showProbabilities(p: Float32Array): void {
    pad!.setProbabilities(p);
    padBox.dataset.probs = JSON.stringify(Array.from(p, (v) => +v.toFixed(6)));
  }

  return {
    id: 'playground',
    title: 'Playground',
    mount(root, c) {
      ctx = c;
      store = c.state.register('pg', DEFAULTS);
      mnistNet = c.state.register('pgm', MNIST_DEFAULTS);
      state = read();
      worker = new PanelWorker('playground');
      worker.coalesce('frame', 'maps');
      maps = featureMaps({
        digit: state.digit, tests: () => data?.testRows ?? 0,
        onDigit: (index) => { write({ digit: index }); worker.send('digit', { index }); },
      });
      worker.onError = (f) => {
        const text = `${f.path ? `${f.path}: ` : ''}${f.message}`;
        showAlert(text);
        ctx.announce(text);
      };
      worker.on<DataMessage>('data', onData);
      worker.on<FrameMessage>('frame', onFrameMessage);
      worker.on<{ message: string }>('idle', (m) => {
        data = null;
        run = -1;
        curves.reset();
        status.value = m.message;
        for (const k of Object.keys(status.dataset)) delete status.dataset[k];
        drawOwnPoints();
      });
      worker.on<{ done: boolean }>('loading', (m) => {
        decision.setAttribute('aria-busy', String(!m.done));
        if (!m.done) status.value = 'Loading the MNIST digits (about 8 MB)…';
        ctx.announce(m.done ? 'MNIST digits loaded.' : 'Loading the MNIST digits…');
      });
      worker.on<{ done: number; n: number }>('restart-progress', (m) => { restartProgress.textContent = `Seed ${m.done} of ${m.n} done…`; });
      worker.on<{ results: RestartResult[]; best: number; budget: number }>('restarts', (m) => showRestarts(m.results, m.best, m.budget));
      worker.on<{ probs: Float32Array }>('prediction', (m) => { if (pad) showProbabilities(m.probs); });
      worker.on<{ bytes: Uint8Array; step: number; data: string }>('checkpoint', (m) => {
        const name = `descent-${m.data}-step-${m.step}.safetensors`;
        downloadCheckpoint(m.bytes, name);
        ctx.announce(`Downloaded ${name}: the network and its run, as a safetensors checkpoint.`);
      });

      status.setAttribute('aria-live', 'off');
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', 'Decision surface with the training and test points');
      canvas.addEventListener('click', onCanvasClick);
      decision.append(plotNote);
      decision.addEventListener('dragover', (e) => { if (!isMnist()) e.preventDefault(); });
      decision.addEventListener('drop', (e) => {
        const f = e.dataTransfer?.files[0];
        if (!f || isMnist()) return;
        e.preventDefault();
        void loadCsv(f);
      });

      playButton = button('Play', () => worker.send('play'), { name: 'play' });
      playButton.setAttribute('aria-pressed', 'false');
      const speed = slider({
        label: 'speed', name: 'speed', min: 0, max: SPEEDS.length - 1, value: Math.min(state.speed, SPEEDS.length - 1),
        format: (i) => (Number.isFinite(SPEEDS[i]) ? `${SPEEDS[i]}/s` : 'max'),
        onChange: (i) => { write({ speed: i }); sendSpeed(); },
      });
      const sendSpeed = () => worker.send('speed', { stepsPerSecond: Number.isFinite(SPEEDS[state.speed]) ? SPEEDS[state.speed] : 0 });
      const transport = el('div', { className: 'toolbar', role: 'toolbar' },
        playButton,
        button('Pause', () => worker.send('pause'), { name: 'pause' }),
        button('Step', () => worker.send('step'), { name: 'step', title: 'Exactly one optimizer step on the next batch' }),
        button('Step one epoch', () => worker.send('epoch'), { name: 'epoch', title: 'Steps until every training row has been used once' }),
        button('Reset', () => worker.send('reset'), { name: 'reset', title: 'Back to step 0 with the same initial weights' }),
        button('New initialisation', () => {
          const seed = 1 + Math.floor(Math.random() * 999_999);
          write({ seed });
          seedField?.set(seed);
          worker.send('reset', { seed });
          ctx.announce(`New initialisation: seed ${seed}.`);
        }, { name: 'new-init', title: 'Fresh random weights from a new seed' }),
        button('Download model', () => worker.send('save'), { name: 'download', title: 'The network and its run (optimizer state, position) as a safetensors checkpoint: PyTorch loads it, descent resumes it' }));
      transport.setAttribute('aria-label', 'Training');

      root.append(
        el('h2', {}, 'Playground'),
        note('Train a small network on data you choose and watch it learn. Each press of <b>Step</b> is one optimizer step on one batch — not a whole epoch — so you can follow every update. Change any setting and the run starts again from the same initial weights: the link in the address bar reproduces it exactly.'),
        el('div', { className: 'layout' },
          controls,
          el('div', { className: 'pg-view' }, transport, speed.root, status, alert, decision, compare, maps.root, curves.loss, curves.accuracy)),
      );
      renderControls();
      showView();
      sendSpeed();
      sendConfig();
      worker.send('digit', { index: state.digit });
      // A pasted link changes both stores at once: apply it once, after both have heard.
      let pending = false;
      const external = () => {
        if (pending) return;
        pending = true;
        queueMicrotask(() => {
          pending = false;
          state = read();
          renderControls();
          speed.set(Math.min(state.speed, SPEEDS.length - 1));
          sendSpeed();
          sendConfig();
          maps.setDigit(state.digit);
          worker.send('digit', { index: state.digit });
        });
      };
      store.onExternalChange(external);
      mnistNet.onExternalChange(external);
    },
    show() {
      stopDrawing = onFrame(draw);
    },
    hide() {
      stopDrawing?.();
      stopDrawing = null;
      worker.send('pause');
    },
  };
}
