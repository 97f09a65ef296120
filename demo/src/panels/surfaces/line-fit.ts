// The least-squares line fit: the same 64 noisy points fitted by SGD in each mode of gradient
// descent — batch (one update per epoch, the true gradient), stochastic (one point per update)
// and mini-batch — from (w, b) = (0, 0). Left, the data with each mode's current line; right,
// the three (w, b) paths on the loss contour with the closed-form solution marked.
import { el, figure, group, note, numberField, slider } from '../../ui/controls.js';
import { PALETTE } from '../../ui/palette.js';
import type { Store } from '../../app/hash-state.js';
import type { PanelWorker } from '../../worker/client.js';
import { ContourView } from './contour.js';
import { drawMarker, drawPath, swatch } from './draw.js';
import type { Section } from './explorer.js';
import { LatestRequest } from './latest.js';
import type { FitMode, LineFitReply } from './messages.js';
import { Playback } from './playback.js';
import type { Marker } from './rules.js';
import type { SurfacesState } from './state.js';
import { fmt } from '../../ui/controls.js';

const MODES: { mode: FitMode; label: string; colour: string; dash: number[]; width: number; marker: Marker }[] = [
  { mode: 'batch', label: 'batch', colour: PALETTE.black, dash: [], width: 2.25, marker: 'circle' },
  { mode: 'stochastic', label: 'stochastic (1 point)', colour: PALETTE.vermillion, dash: [], width: 1.1, marker: 'triangle' },
  { mode: 'mini-batch', label: 'mini-batch', colour: PALETTE.purple, dash: [7, 3], width: 2, marker: 'square' },
];
const SOLUTION = PALETTE.green;
const num = (v: number) => fmt(+v.toPrecision(3));

export function lineFit(o: { store: Store<SurfacesState>; worker: PanelWorker; announce(text: string): void }): Section {
  const { store, worker } = o;
  let fit: LineFitReply | null = null;
  let dirty = true;

  const contour = new ContourView({ label: 'Loss contours over (w, b) with the batch, stochastic and mini-batch paths and the closed-form solution', minRatio: 0.75, maxRatio: 1, maxWidth: 420, axes: ['w', 'b'] });
  contour.onResize = () => (dirty = true);
  const scatter = el('canvas', { className: 'scatter' });
  scatter.setAttribute('role', 'img');
  scatter.setAttribute('aria-label', 'The 64 data points with each mode\u2019s current fitted line and the least-squares line');
  new ResizeObserver(() => (dirty = true)).observe(scatter);

  const s0 = store.get();
  const lr = slider({ label: 'lr', name: 'ls-fit-lr', min: 1e-3, max: 1, log: true, value: s0.fitLr, onChange: (v) => { store.set({ fitLr: v }); request(); } });
  const batch = slider({ label: 'batch size (mini-batch)', name: 'ls-fit-batch', min: 2, max: 32, step: 1, value: s0.fitBatch, onChange: (v) => { store.set({ fitBatch: v }); request(); } });
  const epochs = slider({ label: 'epochs', name: 'ls-fit-epochs', min: 1, max: 100, step: 1, value: s0.fitEpochs, onChange: (v) => { store.set({ fitEpochs: v }); request(); } });
  const seed = numberField({ label: 'seed', name: 'ls-fit-seed', value: s0.fitSeed, min: 0, step: 1, onChange: (v) => { store.set({ fitSeed: Math.round(v) }); request(); } });
  const table = el('table', { className: 'paths' });
  const legend = el('ul', { className: 'legend' },
    ...MODES.map((m) => el('li', {}, swatch(m.colour, m.dash, m.marker), m.label)),
    el('li', {}, swatch(SOLUTION, [2, 2], 'star'), 'closed-form solution'));
  const playback = new Playback({
    name: 'ls-fit', durationMs: 5000,
    describe: (p) => `epoch ${num(p * store.get().fitEpochs)} of ${store.get().fitEpochs}`,
    onChange: () => (dirty = true),
  });

  const requests = new LatestRequest((req) => {
    const s = store.get();
    worker.send('lineFit', { req, epochs: s.fitEpochs, lr: s.fitLr, batchSize: s.fitBatch, seed: s.fitSeed });
  });
  const request = () => requests.ask();

  const mse = (w: number, b: number) => {
    if (!fit) return NaN;
    let s = 0;
    for (let i = 0; i < fit.x.length; i++) s += (w * fit.x[i] + b - fit.y[i]) ** 2;
    return s / fit.x.length;
  };

  worker.on<LineFitReply>('lineFit', (m) => {
    requests.settle(m.req);
    fit = m;
    contour.setGrid(m.grid);
    playback.showAll();
    fillTable();
    dirty = true;
    const ends = MODES.map(({ mode, label }) => {
      const p = m.paths[mode];
      return `${label} ${p.length / 2 - 1} updates, loss ${num(mse(p[p.length - 2], p[p.length - 1]))}`;
    });
    o.announce(`Line fit: ${ends.join('; ')}; best possible ${num(mse(m.solution.w, m.solution.b))}.`);
  });

  function fillTable(): void {
    if (!fit) return;
    const head = el('tr', {}, ...['mode', 'updates', 'ends at (w, b)', 'loss'].map((h) => el('th', { scope: 'col' }, h)));
    const rows = MODES.map((m) => {
      const p = fit!.paths[m.mode];
      const w = p[p.length - 2], b = p[p.length - 1], loss = mse(w, b);
      let sum = 0;
      for (let i = 0; i < p.length; i++) sum += Number.isFinite(p[i]) ? p[i] * ((i % 7) + 1) : 0;
      const row = el('tr', {}, el('th', { scope: 'row' }, swatch(m.colour, m.dash, m.marker), m.mode), el('td', {}, String(p.length / 2 - 1)), el('td', {}, `(${num(w)}, ${num(b)})`), el('td', {}, num(loss)));
      Object.assign(row.dataset, { mode: m.mode, updates: String(p.length / 2 - 1), endW: String(w), endB: String(b), loss: String(loss), checksum: String(sum) });
      return row;
    });
    const { w, b } = fit.solution;
    const best = el('tr', {}, el('th', { scope: 'row' }, swatch(SOLUTION, [2, 2], 'star'), 'closed form'), el('td', {}, '—'), el('td', {}, `(${num(w)}, ${num(b)})`), el('td', {}, num(mse(w, b))));
    table.replaceChildren(el('caption', {}, 'Where each mode ends'), el('thead', {}, head), el('tbody', {}, ...rows, best));
  }

  /** The (w, b) each mode has reached at the playback position (the same fraction of the epochs). */
  const at = (p: Float64Array): [number, number, number] => {
    const i = Math.round(playback.position * (p.length / 2 - 1));
    return [p[2 * i], p[2 * i + 1], i];
  };

  function drawScatter(): void {
    if (!fit) return;
    const width = Math.min(420, Math.floor(scatter.parentElement?.clientWidth || 320));
    const height = Math.round(width * 0.8);
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    if (scatter.width !== Math.round(width * dpr) || scatter.height !== Math.round(height * dpr)) {
      scatter.width = Math.round(width * dpr);
      scatter.height = Math.round(height * dpr);
      scatter.style.width = `${width}px`;
      scatter.style.height = `${height}px`;
    }
    const ctx = scatter.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    const x0 = -2.2, x1 = 2.2;
    let y0 = Infinity, y1 = -Infinity;
    for (const y of fit.y) { y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    y0 -= 0.5; y1 += 0.5;
    const px = (x: number) => ((x - x0) / (x1 - x0)) * width, py = (y: number) => ((y1 - y) / (y1 - y0)) * height;
    // Axes through zero.
    ctx.strokeStyle = '#ccc';
    ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(px(0), 0); ctx.lineTo(px(0), height); ctx.moveTo(0, py(0)); ctx.lineTo(width, py(0)); ctx.stroke();
    ctx.fillStyle = PALETTE.sky;
    for (let i = 0; i < fit.x.length; i++) { ctx.beginPath(); ctx.arc(px(fit.x[i]), py(fit.y[i]), 3, 0, 2 * Math.PI); ctx.fill(); }
    ctx.save();
    ctx.beginPath(); ctx.rect(0, 0, width, height); ctx.clip();
    const line = (w: number, b: number, colour: string, dash: number[], lw: number) => {
      if (!Number.isFinite(w) || !Number.isFinite(b)) return;
      ctx.beginPath(); ctx.setLineDash(dash); ctx.strokeStyle = colour; ctx.lineWidth = lw;
      ctx.moveTo(px(x0), py(w * x0 + b)); ctx.lineTo(px(x1), py(w * x1 + b)); ctx.stroke();
    };
    line(fit.solution.w, fit.solution.b, SOLUTION, [2, 2], 3);
    for (const m of MODES) {
      const [w, b] = at(fit.paths[m.mode]);
      line(w, b, m.colour, m.dash, Math.max(1.5, m.width));
    }
    ctx.restore();
    ctx.setLineDash([]);
  }

  function frame(): void {
    if (!playback.tick() && !dirty) return;
    dirty = false;
    if (!fit) return;
    drawScatter();
    const f = fit;
    contour.draw((ctx) => {
      for (const m of MODES) {
        const p = f.paths[m.mode];
        drawPath(ctx, contour, p, at(p)[2], { colour: m.colour, dash: m.dash, width: m.width });
      }
      for (const m of MODES) {
        const [w, b] = at(f.paths[m.mode]);
        drawMarker(ctx, m.marker, ...contour.toPx(w, b), m.colour, 4.5);
      }
      // On top: the stochastic path's jitter would otherwise hide the answer.
      drawMarker(ctx, 'star', ...contour.toPx(f.solution.w, f.solution.b), SOLUTION, 7);
    });
  }

  function reload(): void {
    const s = store.get();
    lr.set(s.fitLr);
    batch.set(s.fitBatch);
    epochs.set(s.fitEpochs);
    seed.set(s.fitSeed);
    request();
  }

  const root = el('section', { className: 'line-fit' },
    el('h3', {}, 'Batch, stochastic and mini-batch: fitting a line'),
    el('div', { className: 'layout' },
      el('div', {}, group('Line fit (SGD, same start, same epochs)', lr.root, batch.root, epochs.root, seed.root), legend),
      el('div', {},
        el('div', { className: 'grid2' },
          figure('Data (y = 2x − 1 + noise) and each mode\u2019s current line', el('div', {}, scatter)),
          figure('Loss over (w, b): each mode\u2019s path; ★ the closed-form least-squares solution', contour.wrap)),
        playback.root, table,
        note(
          '<b>Why the stochastic path is noisy</b>: each of its updates uses one point\u2019s gradient — a noisy estimate of the true one — so it takes 64 small, jittery steps per epoch and never quite settles: near the solution it keeps hopping around it, by an amount that shrinks with lr. Batch takes one clean step per epoch along the true gradient; mini-batch sits between: a few steps per epoch, each averaged over a batch, so less noise than stochastic and more progress per epoch than batch.',
          'All three do the same number of epochs (passes over the data): play them together to see how far each gets per pass.',
        )),
    ),
  );
  request();
  return { root, frame, reload, reset: () => requests.reset() };
}
