// The Loss surfaces panel: the optimizers' paths on four two-parameter surfaces (draggable
// start, shared lr and β), the least-squares line fit in batch / stochastic / mini-batch mode,
// and random restarts. The worker runs every path through descent's real optimizer kernels;
// the page only draws, on animation frames.
import './surfaces.css';
import type { Panel } from '../../app/panel.js';
import type { Store } from '../../app/hash-state.js';
import { onFrame } from '../../app/frames.js';
import { el, note } from '../../ui/controls.js';
import { PanelWorker } from '../../worker/client.js';
import { explorer, type Section } from './explorer.js';
import { lineFit } from './line-fit.js';
import type { CatalogueReply } from './messages.js';
import { restarts } from './restarts.js';
import { SURFACES_DEFAULTS, type SurfacesState } from './state.js';

export function surfacesPanel(): Panel {
  let worker: PanelWorker;
  let sections: Section[] = [];
  let stopDrawing: (() => void) | null = null;
  let visible = false;
  const startDrawing = () => {
    stopDrawing?.();
    stopDrawing = onFrame(() => { for (const s of sections) s.frame(); });
  };
  return {
    id: 'surfaces',
    title: 'Loss surfaces',
    mount(root, ctx) {
      const store: Store<SurfacesState> = ctx.state.register('ls', SURFACES_DEFAULTS);
      const error = el('p', { className: 'error' });
      error.setAttribute('role', 'alert');
      const loading = el('p', { className: 'status' }, 'Loading the surfaces…');
      root.append(
        el('h2', {}, 'Loss surfaces'),
        note('Five update rules from the same start on the same surface, each path computed by descent\u2019s WebAssembly optimizer kernels in a Worker. Drag the start, move lr and β, and watch one rule overshoot while another crawls. Below: what batch, stochastic and mini-batch descent do to a line fit, and what random restarts find on a surface with two minima.'),
        error, loading,
      );
      worker = new PanelWorker('surfaces');
      worker.onError = (f) => {
        error.textContent = `${f.path ? `${f.path}: ` : ''}${f.message}`;
        ctx.announce(`Error: ${f.message}`);
        for (const s of sections) s.reset();
      };
      for (const type of ['paths', 'restarts', 'lineFit']) worker.on(type, () => (error.textContent = ''));
      worker.on<CatalogueReply>('catalogue', (m) => {
        const shared = { store, worker, surfaces: m.surfaces, grids: m.grids, announce: ctx.announce };
        sections = [explorer(shared), lineFit(shared), restarts(shared)];
        loading.remove();
        root.append(...sections.map((s) => s.root));
        store.onExternalChange(() => { for (const s of sections) s.reload(); });
        if (visible) startDrawing();
      });
      worker.send('init');
    },
    show() {
      visible = true;
      startDrawing();
    },
    hide() {
      visible = false;
      stopDrawing?.();
      stopDrawing = null;
    },
  };
}
