// The playground (first cut): play / pause / step on the spiral, the loss curve and the
// decision surface, drawn from the worker's latest frame on each animation frame.
import type { Panel } from '../../app/panel.js';
import { onFrame } from '../../app/frames.js';
import { button, el, note } from '../../ui/controls.js';
import { lineChart } from '../../ui/chart.js';
import { drawDecision, type DecisionGrid } from '../../ui/heatmap.js';
import { PanelWorker } from '../../worker/client.js';

interface Frame { type: 'frame'; step: number; loss: number; grid: DecisionGrid; points: { xy: Float32Array; labels: Int32Array } }

export function playgroundPanel(): Panel {
  let worker: PanelWorker;
  let stopDrawing: (() => void) | null = null;
  const steps: number[] = [], losses: number[] = [];
  let chart: ReturnType<typeof lineChart>;
  let canvas: HTMLCanvasElement;
  let status: HTMLOutputElement;
  return {
    id: 'playground',
    title: 'Playground',
    mount(root) {
      worker = new PanelWorker('playground');
      worker.coalesce('frame');
      canvas = el('canvas', { width: 320, height: 320, className: 'heatmap' });
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', 'Decision surface with the training points');
      chart = lineChart({ series: [{ label: 'train loss' }], xLabel: 'step', yLabel: 'loss' });
      status = el('output', { className: 'status', id: 'pg-status' });
      root.append(
        el('h2', {}, 'Playground'),
        note('Press play: the network learns to separate the spiral arms.'),
        el('div', { className: 'toolbar' },
          button('Play', () => worker.send('play'), { name: 'play' }),
          button('Pause', () => worker.send('pause'), { name: 'pause' }),
          button('Step', () => worker.send('step', { steps: 1 }), { name: 'step' })),
        status, canvas, chart.root,
      );
      worker.send('init', { seed: 1 });
    },
    show() {
      stopDrawing = onFrame(() => {
        const f = worker.take<Frame>('frame');
        if (!f) return;
        if (f.step > (steps.at(-1) ?? -1)) { steps.push(f.step); losses.push(f.loss); }
        status.value = `step ${f.step} · loss ${f.loss.toFixed(4)}`;
        status.dataset.loss = String(f.loss);
        status.dataset.step = String(f.step);
        drawDecision(canvas, f.grid, [{ xy: f.points.xy, labels: f.points.labels }]);
        chart.setData([steps, losses]);
      });
    },
    hide() {
      stopDrawing?.();
      worker.send('pause');
    },
  };
}
