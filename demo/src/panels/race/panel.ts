// The Optimizer race: the chosen rules train clones of one network (same initial weights,
// same batches) side by side in the Worker; their loss curves grow together on one chart,
// each rule's decision surface beside them, and the table names the winner at the end.
import { OPTIMIZERS, optimizerDefaults, type OptimizerConfig, type OptimizerType } from 'descent';
import type { Panel, PanelContext } from '../../app/panel.js';
import type { Store } from '../../app/hash-state.js';
import { onFrame } from '../../app/frames.js';
import { button, checkbox, el, figure, fmt, group, note, numberField, select, slider } from '../../ui/controls.js';
import { lineChart, type LineChart } from '../../ui/chart.js';
import { drawDecision } from '../../ui/heatmap.js';
import { SGD_LR } from '../../ui/optimizer-form.js';
import { PanelWorker } from '../../worker/client.js';
import { BOUNDS, DATASETS } from './datasets.js';
import { NETWORKS } from './networks.js';
import { ruleStyle, swatch } from './styles.js';
import type { RaceFrame, RaceSetup } from './worker.js';
import './race.css';

const SPEEDS = [['slow', 'slow (60 steps/s)'], ['medium', 'medium (250 steps/s)'], ['full', 'full speed']] as const;
const STEPS_PER_SECOND: Record<string, number> = { slow: 60, medium: 250, full: 0 };
const RACING_BY_DEFAULT: readonly OptimizerType[] = ['sgd', 'adagrad', 'rmsprop', 'adam', 'adadelta'];

const defaultLr = (t: OptimizerType) => (t === 'sgd' ? SGD_LR : ((optimizerDefaults(t) as { lr?: number }).lr ?? SGD_LR));

function defaults(): Record<string, string | number | boolean> {
  const d: Record<string, string | number | boolean> = { data: 'spiral', network: '16x16-tanh', seed: 1, epochs: 100, batch: 32, speed: 'medium', momentum: 0.9 };
  for (const t of OPTIMIZERS) {
    d[t] = RACING_BY_DEFAULT.includes(t);
    d[`${t}_lr`] = defaultLr(t);
  }
  return d;
}

type State = ReturnType<typeof defaults>;

function setupOf(v: State, run: number): RaceSetup {
  const rules: OptimizerConfig[] = OPTIMIZERS.filter((t) => v[t] === true).map((t) => {
    const lr = Number(v[`${t}_lr`]);
    return (t === 'sgd' ? { type: t, lr, momentum: Number(v.momentum) } : { type: t, lr }) as OptimizerConfig;
  });
  return { run, data: String(v.data), network: String(v.network), seed: Number(v.seed), epochs: Number(v.epochs), batchSize: Number(v.batch), stepsPerSecond: STEPS_PER_SECOND[String(v.speed)] ?? 0, rules };
}

export function racePanel(): Panel {
  let worker: PanelWorker;
  let store: Store<State>;
  let ctx: PanelContext;
  let stopDrawing: (() => void) | null = null;
  let started = false;
  let playing = false;
  let chart: LineChart | null = null;
  let points: { xy: Float32Array; labels: Int32Array } | null = null;
  let announcedDone = false;
  let racing: OptimizerType[] = [];
  const controls = el('div');
  const chartHolder = el('div');
  const surfaces = el('div', { className: 'race-surfaces' });
  const tbody = el('tbody');
  const status = el('output', { className: 'status', id: 'or-status' });
  const winner = el('p', { className: 'winner', id: 'or-winner' });
  const error = el('p', { className: 'error', role: 'alert' });
  const canvases = new Map<string, HTMLCanvasElement>();
  const rows = new Map<string, HTMLTableRowElement>();

  function buildControls(): void {
    const v = store.get();
    const set = (patch: Partial<State>) => {
      store.set(patch);
      restart();
    };
    const ruleRows = OPTIMIZERS.map((t) => {
      const lr = slider({ label: 'lr', name: `${t}_lr`, min: 1e-5, max: 10, log: true, value: Number(v[`${t}_lr`]), live: false, onChange: (x) => set({ [`${t}_lr`]: x }) });
      lr.input.setAttribute('aria-label', `${t} lr`);
      const on = checkbox({ label: t, name: t, value: v[t] === true, onChange: (b) => { lr.root.hidden = !b; if (momentum && t === 'sgd') momentum.root.hidden = !b; set({ [t]: b }); } });
      lr.root.hidden = v[t] !== true;
      on.root.querySelector('label')!.prepend(swatch(t), ' ');
      const momentum = t === 'sgd' ? slider({ label: 'momentum', name: 'momentum', min: 0, max: 0.99, step: 0.01, value: Number(v.momentum), live: false, onChange: (x) => set({ momentum: x }) }) : null;
      if (momentum) {
        momentum.input.setAttribute('aria-label', 'sgd momentum');
        momentum.root.hidden = v[t] !== true;
      }
      return el('div', { className: 'race-rule' }, on.root, lr.root, ...(momentum ? [momentum.root] : []));
    });
    controls.replaceChildren(
      group('Race',
        select({ label: 'data set', name: 'data', options: DATASETS, value: String(v.data) as (typeof DATASETS)[number], onChange: (x) => set({ data: x }) }).root,
        select({ label: 'network', name: 'network', options: NETWORKS, value: String(v.network) as (typeof NETWORKS)[number][0], onChange: (x) => set({ network: x }) }).root,
        numberField({ label: 'seed', name: 'seed', value: Number(v.seed), min: 0, max: 2 ** 31 - 1, onChange: (x) => set({ seed: x }) }).root,
        numberField({ label: 'epochs', name: 'epochs', value: Number(v.epochs), min: 1, max: 2000, onChange: (x) => set({ epochs: x }) }).root,
        numberField({ label: 'batch size', name: 'batch', value: Number(v.batch), min: 1, max: 300, onChange: (x) => set({ batch: x }) }).root,
        select({ label: 'speed', name: 'speed', options: SPEEDS, value: String(v.speed) as (typeof SPEEDS)[number][0], onChange: (x) => { store.set({ speed: x }); worker.send('speed', { stepsPerSecond: STEPS_PER_SECOND[x] }); } }).root,
      ),
      group('Rules (each with its own lr)', ...ruleRows),
    );
  }

  /** A fresh race from the current state: new chart (one series per chosen rule), new surfaces, new table. */
  function restart(): void {
    const setup = setupOf(store.get(), ++run);
    racing = setup.rules.map((r) => r.type);
    announcedDone = false;
    error.textContent = '';
    winner.textContent = '';
    chart = lineChart({
      series: racing.map((t) => ({ label: t, color: ruleStyle(t).color, dash: ruleStyle(t).dash, width: 2 })),
      xLabel: 'epoch', yLabel: 'training loss (log)', yLog: true, height: 260,
    });
    chart.root.id = 'or-chart';
    chartHolder.replaceChildren(figure('Training-set loss after each epoch, one line per rule (same start, same batches).', chart.root));
    canvases.clear();
    rows.clear();
    surfaces.replaceChildren(...racing.map((t) => {
      const c = el('canvas', { width: 130, height: 130, className: 'heatmap' });
      c.setAttribute('role', 'img');
      c.setAttribute('aria-label', `Decision surface learned with ${t}`);
      canvases.set(t, c);
      return el('figure', {}, c, el('figcaption', {}, swatch(t), t));
    }));
    tbody.replaceChildren(...racing.map((t) => {
      const lr = setup.rules.find((r) => r.type === t)!.lr ?? 0;
      const tr = el('tr', {}, el('th', { scope: 'row' }, swatch(t), ` ${t}`), el('td', {}, fmt(lr)), el('td'), el('td'), el('td'));
      tr.dataset.rule = t;
      rows.set(t, tr);
      return tr;
    }));
    if (racing.length === 0) {
      error.textContent = 'Choose at least one rule to race.';
      return;
    }
    worker.send('init', { setup });
    if (playing) worker.send('play');
  }

  function draw(f: RaceFrame): void {
    const longest = Math.max(1, ...f.runners.map((r) => r.losses.length));
    const xs = Array.from({ length: longest }, (_, i) => i);
    chart?.setData([xs, ...f.runners.map((r) => xs.map((i) => (i < r.losses.length && Number.isFinite(r.losses[i]) ? r.losses[i] : null)))]);
    for (const r of f.runners) {
      const c = canvases.get(r.type);
      if (c && points && r.probs) drawDecision(c, { n: Math.round(Math.sqrt(r.probs.length / classes)), classes, probs: r.probs, bounds: BOUNDS }, [points]);
      const tr = rows.get(r.type);
      if (!tr) continue;
      const loss = r.losses.at(-1)!;
      const cells = tr.querySelectorAll('td');
      cells[1].textContent = r.diverged ? 'diverged' : loss.toFixed(4);
      cells[2].textContent = r.diverged ? '–' : `${(100 * r.accuracy).toFixed(1)}%`;
      cells[3].textContent = String(r.steps);
      Object.assign(tr.dataset, { loss: String(r.diverged ? Infinity : loss), accuracy: String(r.accuracy), steps: String(r.steps), points: String(r.losses.length), diverged: String(r.diverged) });
    }
    status.value = `epoch ${f.epoch} of ${f.epochs}${f.done ? ' · finished' : ''}`;
    Object.assign(status.dataset, { epoch: String(f.epoch), step: String(f.epoch), done: String(f.done), loss: String(Math.min(...f.runners.map((r) => r.losses.at(-1)!))) });
    if (f.done && !announcedDone) {
      announcedDone = true;
      playing = false;
      const ranked = f.runners.filter((r) => !r.diverged).sort((a, b) => a.losses.at(-1)! - b.losses.at(-1)!);
      const diverged = f.runners.filter((r) => r.diverged).map((r) => r.type);
      const best = ranked[0];
      const text = best
        ? `${best.type} wins after ${f.epoch} epochs with loss ${best.losses.at(-1)!.toFixed(4)} (accuracy ${(100 * best.accuracy).toFixed(1)}%)${ranked.length > 1 ? `; last: ${ranked.at(-1)!.type} at ${ranked.at(-1)!.losses.at(-1)!.toFixed(4)}` : ''}${diverged.length ? `; diverged: ${diverged.join(', ')}` : ''}.`
        : `Every rule diverged (${diverged.join(', ')}): lower their learning rates.`;
      winner.textContent = text;
      winner.dataset.winner = best?.type ?? '';
      ctx.announce(`Race finished: ${text}`);
    }
  }

  let classes = 2;
  let run = 0;

  return {
    id: 'race',
    title: 'Optimizer race',
    mount(root, c) {
      ctx = c;
      store = c.state.register('or', defaults());
      worker = new PanelWorker('race');
      worker.coalesce('frame');
      worker.onError = (f) => {
        error.textContent = `${f.name}: ${f.message}`;
        playing = false;
      };
      worker.on<{ run: number; xy: Float32Array; labels: Int32Array; classes: number }>('setup', (m) => {
        if (m.run !== run) return;
        points = { xy: m.xy, labels: m.labels };
        classes = m.classes;
      });
      store.onExternalChange(() => {
        buildControls();
        restart();
      });
      buildControls();
      root.append(
        el('h2', {}, 'Optimizer race'),
        el('div', { className: 'layout' },
          el('div', {}, controls),
          el('div', {},
            note(
              'Every rule starts from <strong>the same weights</strong> and sees <strong>the same batches</strong> (one seed); only the update rule differs. Each line is the loss on the whole training set after each epoch.',
              'What to look for: <strong>RMSprop</strong> drops fast early, each weight\'s step scaled by its own recent gradient size; <strong>SGD with momentum</strong> is ragged but keeps going down and often catches up; <strong>Adagrad</strong> stalls, because its per-weight step only ever shrinks as squared gradients pile up; <strong>Adam</strong> at PyTorch\'s default lr 0.001 is cautious on a problem this small (each weight moves about lr per step) — give it lr 0.01 and it is among the fastest; <strong>Adadelta</strong> runs at lr = 1 (PyTorch\'s default) because its step is built from its own running averages of updates.',
              'Raise a rule\'s lr until its line turns ragged or stops (diverged) and the ranking changes: a race compares rules <em>at these learning rates</em>, not in general. The small maps show what each rule\'s network has learned so far.',
            ),
            el('div', { className: 'toolbar' },
              button('Play', () => { playing = true; worker.send('play'); }, { name: 'play' }),
              button('Pause', () => { playing = false; worker.send('pause'); }, { name: 'pause' }),
              button('Restart', () => { playing = true; restart(); }, { name: 'restart', title: 'Start the race again from the same initialisation' }),
            ),
            status, error, chartHolder,
            el('h3', {}, 'Decision surfaces'),
            surfaces,
            el('h3', {}, 'Results'),
            el('div', { className: 'table-scroll' }, el('table', { className: 'race-table', id: 'or-results' },
              el('caption', { className: 'visually-hidden' }, 'Each rule\'s learning rate, final training loss, accuracy and steps taken'),
              el('thead', {}, el('tr', {}, ...['rule', 'lr', 'final loss', 'accuracy', 'steps'].map((h) => el('th', { scope: 'col' }, h)))),
              tbody)),
            winner,
          ),
        ),
      );
    },
    show() {
      stopDrawing = onFrame(() => {
        const f = worker.take<RaceFrame>('frame');
        if (f && f.run === run) draw(f);
      });
      // The race starts by itself the first time the panel is shown: it is the point of the panel.
      if (!started) {
        started = true;
        playing = true;
        restart();
      } else if (playing) worker.send('play');
    },
    hide() {
      stopDrawing?.();
      stopDrawing = null;
      worker.send('pause');
    },
  };
}
