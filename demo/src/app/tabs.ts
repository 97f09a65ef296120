// The panels as an ARIA tab list: one tab stop, arrow keys / Home / End move between tabs
// (and select them), the chosen tab is kept in the hash (`tab=`).
import type { Store } from './hash-state.js';
import type { Panel, PanelContext } from './panel.js';

export function mountTabs(panels: Panel[], store: Store<{ tab: string }>, ctx: PanelContext): void {
  const list = document.getElementById('tabs')!;
  const main = document.getElementById('main')!;
  const mounted = new Set<string>();
  const tabs = panels.map((p) => {
    const tab = document.createElement('button');
    tab.type = 'button';
    tab.role = 'tab';
    tab.id = `tab-${p.id}`;
    tab.textContent = p.title;
    tab.setAttribute('aria-controls', `panel-${p.id}`);
    const section = document.createElement('section');
    section.id = `panel-${p.id}`;
    section.role = 'tabpanel';
    section.className = 'panel';
    section.setAttribute('aria-labelledby', tab.id);
    section.hidden = true;
    main.append(section);
    list.append(tab);
    tab.addEventListener('click', () => select(p.id, false));
    tab.addEventListener('keydown', (ev) => {
      const i = panels.indexOf(p);
      const to = ev.key === 'ArrowRight' ? i + 1 : ev.key === 'ArrowLeft' ? i - 1 : ev.key === 'Home' ? 0 : ev.key === 'End' ? panels.length - 1 : null;
      if (to === null) return;
      ev.preventDefault();
      select(panels[(to + panels.length) % panels.length].id, true);
    });
    return { panel: p, tab, section };
  });
  let current: string | null = null;

  function select(id: string, focus: boolean): void {
    const target = tabs.find((t) => t.panel.id === id) ?? tabs[0];
    if (current === target.panel.id) return;
    for (const t of tabs) {
      const on = t === target;
      t.tab.setAttribute('aria-selected', String(on));
      t.tab.tabIndex = on ? 0 : -1;
      if (!on && !t.section.hidden) {
        t.section.hidden = true;
        t.panel.hide();
      }
    }
    current = target.panel.id;
    store.set({ tab: current });
    target.section.hidden = false;
    if (!mounted.has(current)) {
      mounted.add(current);
      target.panel.mount(target.section, ctx);
    }
    target.panel.show();
    if (focus) target.tab.focus();
  }

  store.onExternalChange((v) => select(v.tab, false));
  select(store.get().tab, false);
}
