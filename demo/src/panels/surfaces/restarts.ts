// Random restarts: N seeded random starts on a surface, each run with the same rule, each path
// coloured (and dashed) by the minimum it ends in. On the two-minima surface the start decides
// the answer: which basin a path begins in is where it ends, so restarts find both.
import { el, figure, fmt, group, note, numberField, select, slider } from '../../ui/controls.js';
import { PALETTE } from '../../ui/palette.js';
import type { Store } from '../../app/hash-state.js';
import type { PanelWorker } from '../../worker/client.js';
import { ContourView } from './contour.js';
import { drawLandmarks, drawMarker, drawPath, swatch } from './draw.js';
import type { Section } from './explorer.js';
import { LatestRequest } from './latest.js';
import { SURFACE_IDS, type Grid, type RestartsReply, type SurfaceId, type SurfaceInfo } from './messages.js';
import { Playback } from './playback.js';
import { RULES, ruleById, type Marker } from './rules.js';
import type { SurfacesState } from './state.js';

/** The look of "ended at minimum k"; the last entry is "reached none". */
const OUTCOMES: { colour: string; dash: number[]; marker: Marker }[] = [
  { colour: PALETTE.orange, dash: [], marker: 'circle' },
  { colour: PALETTE.purple, dash: [6, 3], marker: 'square' },
];
const NONE = { colour: PALETTE.black, dash: [1, 3], marker: 'cross' as Marker };
const outcome = (k: number) => (k >= 0 ? OUTCOMES[k % OUTCOMES.length] : NONE);

/** "left" / "right" when the minima differ in x, "lower" / "upper" when in y. */
export function minimumNames(minima: [number, number][]): string[] {
  if (minima.length === 1) return ['the minimum'];
  const byX = Math.abs(minima[0][0] - minima[1][0]) > 1e-9;
  return minima.map(([x, y], i) => {
    const other = minima[1 - i] ?? minima[0];
    const side = byX ? (x < other[0] ? 'left' : 'right') : y < other[1] ? 'lower' : 'upper';
    return `the ${side} minimum`;
  });
}

export function restarts(o: { store: Store<SurfacesState>; worker: PanelWorker; surfaces: SurfaceInfo[]; grids: Grid[]; announce(text: string): void }): Section {
  const { store, worker } = o;
  const infoOf = (id: string) => o.surfaces.find((s) => s.id === id) ?? o.surfaces[0];
  let result: RestartsReply | null = null;
  let dirty = true;

  const view = new ContourView({ label: 'Random restarts: every path on the contours, coloured by the minimum it reaches', minRatio: 0.5, maxRatio: 1.1 });
  view.onResize = () => (dirty = true);
  const s0 = store.get();
  const surface = select({ label: 'surface', name: 'ls-rs-surface', options: SURFACE_IDS.map((id) => [id, infoOf(id).name] as const), value: s0.rsSurface as SurfaceId, onChange: (v) => { store.set({ rsSurface: v }); load(); } });
  const rule = select({ label: 'rule', name: 'ls-rs-rule', options: RULES.map((r) => [r.id, r.label] as const), value: s0.rsRule, onChange: (v) => { store.set({ rsRule: v }); request(); } });
  const lr = slider({ label: 'lr', name: 'ls-rs-lr', min: 1e-4, max: 1, log: true, value: s0.rsLr, onChange: (v) => { store.set({ rsLr: v }); request(); } });
  const beta = slider({ label: 'β (momentum, betas[0])', name: 'ls-rs-beta', min: 0, max: 0.99, step: 0.01, value: s0.rsBeta, onChange: (v) => { store.set({ rsBeta: v }); request(); } });
  const steps = slider({ label: 'steps', name: 'ls-rs-steps', min: 10, max: 3000, log: true, stepsPerDecade: 12, value: s0.rsSteps, format: (v) => String(Math.round(v)), onChange: (v) => { store.set({ rsSteps: Math.round(v) }); request(); } });
  const count = slider({ label: 'restarts N', name: 'ls-rs-n', min: 2, max: 100, step: 1, value: s0.rsN, onChange: (v) => { store.set({ rsN: v }); request(); } });
  const seed = numberField({ label: 'seed', name: 'ls-rs-seed', value: s0.rsSeed, min: 0, step: 1, onChange: (v) => { store.set({ rsSeed: Math.round(v) }); request(); } });
  const summary = el('output', { className: 'status restarts-count', id: 'ls-restarts-count' });
  summary.setAttribute('aria-live', 'off');
  const legend = el('ul', { className: 'legend' });
  const playback = new Playback({
    name: 'ls-rs', durationMs: 4000,
    describe: (p) => `step ${Math.round(p * store.get().rsSteps)} of ${store.get().rsSteps}`,
    onChange: () => (dirty = true),
  });

  const requests = new LatestRequest((req) => {
    const s = store.get();
    const r = ruleById(s.rsRule) ?? RULES[0];
    worker.send('restarts', { req, surface: s.rsSurface, n: s.rsN, seed: s.rsSeed, steps: s.rsSteps, optimizer: r.config(s.rsLr, s.rsBeta) });
  });
  const request = () => requests.ask();

  worker.on<RestartsReply>('restarts', (m) => {
    requests.settle(m.req);
    if (m.surface !== store.get().rsSurface) return;
    result = m;
    playback.showAll();
    describe();
    dirty = true;
  });

  function describe(): void {
    if (!result) return;
    const info = infoOf(result.surface);
    const names = minimumNames(info.minima);
    const n = result.reached.length;
    const counts = info.minima.map((_, k) => result!.reached.filter((r) => r === k).length);
    const none = n - counts.reduce((a, b) => a + b, 0);
    const at = (k: number) => `(${fmt(+info.minima[k][0].toFixed(3))}, ${fmt(+info.minima[k][1].toFixed(3))})`;
    const parts = counts.map((c, k) => (k === 0 ? `${c} of ${n} reached ${names[k]} ${at(k)}` : `${c} ${names[k]} ${at(k)}`));
    const text = `${parts.join('; ')}${none ? `; ${none} reached neither (still on the way or diverged)` : ''}.`;
    summary.value = text;
    summary.dataset.n = String(n);
    summary.dataset.reached = counts.join(',');
    summary.dataset.none = String(none);
    legend.replaceChildren(
      ...info.minima.map((_, k) => el('li', {}, swatch(outcome(k).colour, outcome(k).dash, outcome(k).marker), `ended at ${names[k]} ${at(k)}: ${counts[k]}`)),
      el('li', {}, swatch(NONE.colour, NONE.dash, NONE.marker), `reached no minimum: ${none}`),
      el('li', {}, '○ a start (hollow circle)'),
    );
    o.announce(`Restarts: ${text}`);
  }

  function frame(): void {
    if (!playback.tick() && !dirty) return;
    dirty = false;
    const info = infoOf(store.get().rsSurface);
    const r = result;
    view.draw((ctx) => {
      drawLandmarks(ctx, view, info.minima, info.saddles);
      if (!r) return;
      const paths = Array.from(r.reached, (k, i) => ({ k, path: r.points.subarray(2 * r.offsets[i], 2 * r.offsets[i + 1]) }));
      const upTo = (p: Float32Array) => Math.round(playback.position * (p.length / 2 - 1));
      for (const { k, path } of paths) drawPath(ctx, view, path, upTo(path), { colour: outcome(k).colour, dash: outcome(k).dash, width: 1.5, halo: false });
      for (const { k, path } of paths) {
        const [sx, sy] = view.toPx(path[0], path[1]);
        ctx.beginPath();
        ctx.arc(sx, sy, 3, 0, 2 * Math.PI);
        ctx.fillStyle = '#fff';
        ctx.fill();
        ctx.strokeStyle = outcome(k).colour;
        ctx.lineWidth = 1.5;
        ctx.stroke();
        const i = upTo(path);
        const [ex, ey] = view.toPx(path[2 * i], path[2 * i + 1]);
        drawMarker(ctx, outcome(k).marker, Math.max(4, Math.min(view.width - 4, ex)), Math.max(4, Math.min(view.height - 4, ey)), outcome(k).colour, 4);
      }
    });
  }

  function load(): void {
    const s = store.get();
    surface.set(s.rsSurface as SurfaceId);
    rule.set(s.rsRule);
    lr.set(s.rsLr);
    beta.set(s.rsBeta);
    steps.set(s.rsSteps);
    count.set(s.rsN);
    seed.set(s.rsSeed);
    result = null;
    view.setGrid(o.grids[o.surfaces.indexOf(infoOf(s.rsSurface))]);
    dirty = true;
    request();
  }

  const root = el('section', { className: 'restarts' },
    el('h3', {}, 'Random restarts'),
    el('div', { className: 'layout' },
      el('div', {}, group('Restarts', surface.root, rule.root, lr.root, beta.root, steps.root, count.root, seed.root), legend),
      el('div', {},
        figure('Each restart\u2019s path from a seeded random start (hollow circle), coloured by the minimum it ends in', view.wrap),
        playback.root, summary,
        note(
          '<b>Restarts find different minima</b>: descent only ever goes downhill from where it starts, so on the two-minima surface every start left of the ridge x = 0 ends in the left minimum and every start right of it in the right one. One run tells you about one basin; several seeded restarts (keep the best) are the cheap way to find the others. With a large lr or much momentum a path can jump the ridge — watch the colours mix.',
        )),
    ),
  );
  load();
  return { root, frame, reload: load, reset: () => requests.reset() };
}
