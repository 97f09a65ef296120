// A side's verdicts as badges: the code (and layer), the library's message, its remedy text,
// and buttons that apply the remedy. "healthy" while none is raised. Each item carries
// data-verdict (and data-layer) so tests and scripts read them without parsing text.
import type { Verdict } from 'descent';
import { button, el } from '../../ui/controls.js';
import { remediesFor, type Remedy } from './remedies.js';
import type { FlowSettings, Side } from './settings.js';

export interface VerdictList {
  root: HTMLElement;
  /** Redraws when the number of verdicts changed (they are only ever added). */
  update(verdicts: Verdict[], settings: FlowSettings): void;
  reset(): void;
}

export function verdictList(side: Side, onRemedy: (r: Remedy, v: Verdict) => void): VerdictList {
  const root = el('ul', { className: 'verdicts' });
  root.dataset.side = String(side);
  let shown = -1;
  const healthy = () => {
    const li = el('li', {}, el('span', { className: 'badge ok', textContent: 'healthy' }), ' no verdict raised so far');
    li.dataset.verdict = 'healthy';
    return li;
  };
  const item = (v: Verdict, s: FlowSettings) => {
    const where = v.layer === null ? '' : ` · layer ${v.layer + 1}`;
    const li = el('li', { className: 'verdict' },
      el('span', { className: 'badge warn', textContent: `${v.code}${where}` }),
      el('span', { className: 'when', textContent: ` step ${v.step}` }),
      el('p', { className: 'message', textContent: v.message }),
      el('p', { className: 'remedy', textContent: `Remedy: ${v.remedy}` }));
    li.dataset.verdict = v.code;
    if (v.layer !== null) li.dataset.layer = String(v.layer);
    const remedies = remediesFor(v.code, side, s);
    if (remedies.length) li.append(el('div', { className: 'toolbar' }, ...remedies.map((r) => button(r.label, () => onRemedy(r, v), { name: `remedy-${v.code}`, className: 'remedy-button' }))));
    return li;
  };
  return {
    root,
    update(verdicts, settings) {
      if (verdicts.length === shown) return;
      shown = verdicts.length;
      root.replaceChildren(...(verdicts.length ? verdicts.map((v) => item(v, settings)) : [healthy()]));
    },
    reset() {
      shown = -1;
      root.replaceChildren();
    },
  };
}
