// The surface explorer: one surface's contours, a start point the reader drags (or moves with
// the arrow keys, or types), and the paths of the chosen rules from that start, computed by the
// worker with the real kernels, growing step by step on Play. lr and β are shared by every
// rule, so the same setting shows one rule overshooting while another crawls.
import { fmt, checkbox, el, figure, group, note, numberField, select, slider, button, type Control } from '../../ui/controls.js';
import type { Store } from '../../app/hash-state.js';
import type { PanelWorker } from '../../worker/client.js';
import { ContourView } from './contour.js';
import { drawLandmarks, drawMarker, drawPath, swatch } from './draw.js';
import { LatestRequest } from './latest.js';
import { SURFACE_IDS, type Grid, type PathResult, type PathsReply, type PathsRequest, type SurfaceId, type SurfaceInfo } from './messages.js';
import { Playback } from './playback.js';
import { RULES, ruleById } from './rules.js';
import type { SurfacesState } from './state.js';

/** lr and steps that show each surface's story at first sight (the reader moves them on). */
export const SUGGESTED: Record<SurfaceId, { lr: number; steps: number }> = {
  quadratic: { lr: 0.02, steps: 150 },
  rosenbrock: { lr: 0.001, steps: 1500 },
  saddle: { lr: 0.05, steps: 150 },
  twoMinima: { lr: 0.05, steps: 100 },
};

const num = (v: number) => fmt(+v.toPrecision(3));

export function parseStart(text: string, fallback: [number, number]): [number, number] {
  const parts = text.split(',').map(Number);
  return parts.length === 2 && parts.every(Number.isFinite) ? [parts[0], parts[1]] : fallback;
}

export interface Section {
  root: HTMLElement;
  /** Draws on an animation frame if anything changed. */
  frame(): void;
  /** The hash changed from outside: re-read the store. */
  reload(): void;
  /** The worker failed: forget requests in flight. */
  reset(): void;
}

export function explorer(o: { store: Store<SurfacesState>; worker: PanelWorker; surfaces: SurfaceInfo[]; grids: Grid[]; announce(text: string): void }): Section {
  const { store, worker } = o;
  const infoOf = (id: string) => o.surfaces.find((s) => s.id === id) ?? o.surfaces[0];
  const gridOf = (id: string) => o.grids[o.surfaces.indexOf(infoOf(id))];
  let results: PathResult[] = [];
  let dirty = true;
  let dragging = false;

  const view = new ContourView({ label: 'Contours of the chosen surface with the optimizers\u2019 paths', minRatio: 0.5, maxRatio: 1.1 });
  view.onResize = () => { placeMarker(); dirty = true; };
  const marker = el('div', { className: 'start-marker', tabIndex: 0 });
  marker.setAttribute('role', 'button');
  marker.setAttribute('aria-roledescription', 'draggable start point');
  view.wrap.append(marker);

  const current = () => {
    const s = store.get();
    const info = infoOf(s.surface);
    return { s, info, start: parseStart(s.start, info.start) };
  };

  // Controls.
  const surfaceSelect = select({ label: 'surface', name: 'ls-surface', options: SURFACE_IDS.map((id) => [id, infoOf(id).name] as const), value: store.get().surface as SurfaceId, onChange: (id) => {
    store.set({ surface: id, lr: SUGGESTED[id].lr, steps: SUGGESTED[id].steps, start: '' });
    loadSurface();
  } });
  const lr = slider({ label: 'lr', name: 'ls-lr', min: 1e-4, max: 1, log: true, value: store.get().lr, onChange: (v) => { store.set({ lr: v }); request(); } });
  const beta = slider({ label: 'β (momentum, betas[0])', name: 'ls-beta', min: 0, max: 0.99, step: 0.01, value: store.get().beta, onChange: (v) => { store.set({ beta: v }); request(); } });
  const steps = slider({ label: 'steps', name: 'ls-steps', min: 10, max: 5000, log: true, stepsPerDecade: 12, value: store.get().steps, format: (v) => String(Math.round(v)), onChange: (v) => { store.set({ steps: Math.round(v) }); request(); } });
  const startX = numberField({ label: 'start x', name: 'ls-start-x', value: 0, step: 0.01, onChange: (x) => setStart(x, current().start[1], true) });
  const startY = numberField({ label: 'start y', name: 'ls-start-y', value: 0, step: 0.01, onChange: (y) => setStart(current().start[0], y, true) });
  const resetStart = button('Surface\u2019s own start', () => { store.set({ start: '' }); placeMarker(); request(); }, { name: 'ls-reset-start' });
  const ruleBoxes: Control<boolean>[] = RULES.map((r) => {
    const box = checkbox({ label: r.label, name: `ls-rule-${r.id}`, value: false, onChange: () => {
      store.set({ rules: ruleBoxes.map((b, i) => (b.get() ? RULES[i].id : '')).filter(Boolean).join(',') });
      request();
    } });
    box.root.querySelector('label')!.prepend(swatch(r.colour, r.dash, r.marker));
    return box;
  });
  const formula = el('p', { className: 'formula' });
  const table = el('table', { className: 'paths' });
  const maxSteps = () => results.reduce((m, r) => Math.max(m, r.steps), 0);
  const playback = new Playback({
    name: 'ls-paths', durationMs: 4000,
    describe: (p) => `step ${Math.round(p * maxSteps())} of ${maxSteps()}`,
    onChange: () => (dirty = true),
  });

  function setStart(x: number, y: number, final: boolean): void {
    const [[x0, x1], [y0, y1]] = current().info.bounds;
    x = +Math.min(x1, Math.max(x0, x)).toFixed(3);
    y = +Math.min(y1, Math.max(y0, y)).toFixed(3);
    store.set({ start: `${x},${y}` });
    placeMarker();
    if (final) dragging = false;
    request();
  }

  function placeMarker(): void {
    const { start } = current();
    if (!view.bounds) return;
    const [px, py] = view.toPx(...start);
    marker.style.left = `${px}px`;
    marker.style.top = `${py}px`;
    marker.setAttribute('aria-label', `Start point x = ${start[0]}, y = ${start[1]}. Arrow keys move it (Shift: bigger steps).`);
    startX.set(start[0]);
    startY.set(start[1]);
  }

  // Keyboard: arrows move the start by 1/50 of the plot (Shift: 1/10).
  marker.addEventListener('keydown', (ev) => {
    const d: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    const dir = d[ev.key];
    if (!dir) return;
    ev.preventDefault();
    const { info, start } = current();
    const [[x0, x1], [y0, y1]] = info.bounds;
    const k = ev.shiftKey ? 0.1 : 0.02;
    setStart(start[0] + dir[0] * k * (x1 - x0), start[1] + dir[1] * k * (y1 - y0), true);
  });
  // Pointer: press anywhere on the plot to put the start there, drag to move it.
  const fromEvent = (ev: PointerEvent): [number, number] => {
    const r = view.canvas.getBoundingClientRect();
    return view.fromPx(ev.clientX - r.left, ev.clientY - r.top);
  };
  view.wrap.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0 || !view.bounds) return;
    ev.preventDefault();
    dragging = true;
    view.wrap.setPointerCapture(ev.pointerId);
    marker.focus({ preventScroll: true });
    setStart(...fromEvent(ev), false);
  });
  view.wrap.addEventListener('pointermove', (ev) => { if (dragging) setStart(...fromEvent(ev), false); });
  const endDrag = (ev: PointerEvent) => {
    if (!dragging) return;
    setStart(...fromEvent(ev), true);
  };
  view.wrap.addEventListener('pointerup', endDrag);
  view.wrap.addEventListener('pointercancel', () => { dragging = false; });

  const requests = new LatestRequest((req) => {
    const { s, start } = current();
    const rules = s.rules.split(',').map(ruleById).filter((r) => r !== undefined);
    const message: Omit<PathsRequest, 'type'> = { req, surface: s.surface as SurfaceId, start, steps: s.steps, rules: rules.map((r) => ({ id: r.id, optimizer: r.config(s.lr, s.beta) })) };
    worker.send('paths', { ...message });
  });
  function request(): void {
    requests.ask();
  }

  worker.on<PathsReply>('paths', (m) => {
    requests.settle(m.req);
    if (m.surface !== store.get().surface) return;
    results = m.results;
    playback.showAll();
    fillTable();
    dirty = true;
    if (!dragging) announceResults();
  });

  function fillTable(): void {
    const head = el('tr', {}, ...['rule', 'ends at (x, y)', 'f there', 'steps'].map((h) => el('th', { scope: 'col' }, h)));
    const rows = results.map((r) => {
      const rule = ruleById(r.id)!;
      const n = r.steps;
      const x = r.path[2 * n], y = r.path[2 * n + 1], f = r.values[n];
      // A checksum of the whole path, so a test can tell two paths apart, not only their ends.
      let sum = 0;
      for (let i = 0; i < r.path.length; i++) sum += Number.isFinite(r.path[i]) ? r.path[i] * ((i % 7) + 1) : 0;
      const row = el('tr', {},
        el('th', { scope: 'row' }, swatch(rule.colour, rule.dash, rule.marker), rule.label),
        el('td', {}, `(${num(x)}, ${num(y)})`), el('td', {}, num(f)),
        el('td', { className: r.status === 'diverged' ? 'diverged' : '' }, r.status === 'diverged' ? `diverged at ${n}` : String(n)));
      Object.assign(row.dataset, { rule: r.id, steps: String(n), endX: String(x), endY: String(y), finalF: String(f), status: r.status, checksum: String(sum) });
      return row;
    });
    table.replaceChildren(el('caption', {}, 'Where each path ends'), el('thead', {}, head), el('tbody', {}, ...rows));
    table.dataset.surface = store.get().surface;
    table.dataset.start = current().start.join(',');
  }

  function announceResults(): void {
    const { info } = current();
    const parts = results.map((r) => {
      const label = ruleById(r.id)!.label;
      return r.status === 'diverged' ? `${label} diverged at step ${r.steps}` : `${label} ends at f = ${num(r.values[r.steps])}`;
    });
    o.announce(`${info.name}: ${parts.join('; ') || 'no rule chosen'}.`);
  }

  function loadSurface(): void {
    const { s, info } = current();
    surfaceSelect.set(s.surface as SurfaceId);
    lr.set(s.lr);
    beta.set(s.beta);
    steps.set(s.steps);
    const chosen = new Set(s.rules.split(','));
    ruleBoxes.forEach((b, i) => b.set(chosen.has(RULES[i].id)));
    formula.textContent = `${info.formula}. Minima: ${info.minima.map(([x, y]) => `(${num(x)}, ${num(y)})`).join(', ')}${info.saddles.length ? `; saddle at ${info.saddles.map(([x, y]) => `(${x}, ${y})`).join(', ')}` : ''}.`;
    results = [];
    view.setGrid(gridOf(s.surface));
    placeMarker();
    dirty = true;
    request();
  }

  function frame(): void {
    if (!playback.tick() && !dirty) return;
    dirty = false;
    const { info } = current();
    const upTo = Math.round(playback.position * maxSteps());
    view.draw((ctx) => {
      drawLandmarks(ctx, view, info.minima, info.saddles);
      for (const r of results) {
        const rule = ruleById(r.id)!;
        drawPath(ctx, view, r.path, upTo, { colour: rule.colour, dash: rule.dash });
      }
      for (const r of results) {
        const rule = ruleById(r.id)!;
        const at = Math.min(upTo, r.steps);
        const [px, py] = view.toPx(r.path[2 * at], r.path[2 * at + 1]);
        const W = view.width, H = view.height;
        // A path that left the plot ends in a marker pinned to the edge it left by.
        drawMarker(ctx, rule.marker, Math.max(4, Math.min(W - 4, px)), Math.max(4, Math.min(H - 4, py)), rule.colour, 5);
      }
    });
  }

  const ruleGroup = group('Rules (legend: colour, dash and end marker)', ...ruleBoxes.map((b) => b.root));
  ruleGroup.classList.add('rules');
  const root = el('section', { className: 'explorer' },
    el('h3', {}, 'Paths on a surface'),
    el('div', { className: 'layout' },
      el('div', {},
        group('Surface and start', surfaceSelect.root, startX.root, startY.root, el('div', { className: 'toolbar' }, resetStart)),
        group('Hyper-parameters (shared by every rule)', lr.root, beta.root, steps.root),
        ruleGroup),
      el('div', {},
        figure('Contours of f (log-spaced bands; + minimum, × saddle). Drag the white start point, or focus it and use the arrow keys.', view.wrap),
        formula, playback.root, table,
        note(
          '<b>Momentum overshoots on κ = 50</b>: the quadratic is 50 times steeper across (y) than along (x). A step small enough for y crawls along x; momentum builds speed along x but also keeps swinging across the narrow valley, so its path spirals past the minimum before settling. Raise β towards 0.99 and the swings last longer; raise lr until Nesterov or momentum diverges.',
          '<b>Adam crawls, then zigzags</b>: Adam divides each step by the running size of the gradient, so every coordinate moves about lr per step, however steep. From x = −4 at lr = 0.02 that is 200 steps of crawling; near the minimum the steps stay about lr long and it zigzags across the valley instead of sliding in.',
          '<b>Rosenbrock</b>: the minimum (1, 1) lies at the end of a long, curved, almost flat valley with steep walls. lr must be tiny for the walls (above about 0.001 SGD diverges from the default start), and at that lr plain SGD then crawls along the valley floor; momentum keeps the speed it gathered and gets there.',
          '<b>Saddle</b>: at (0, 0) the gradient is zero, but it is a maximum along y. Start exactly on y = 0 and plain SGD stops at the saddle for ever; start a hair off it and the tiny y grows every step until the path escapes to a minimum. Momentum and Adam escape sooner.',
        )),
    ),
  );
  loadSurface();
  return { root, frame, reload: loadSurface, reset: () => requests.reset() };
}
