// Keyboard and screen-reader acceptance, over whatever panels exist (read from the tab list):
// the tabs work with arrow keys; in every panel each interactive element has an accessible
// name (Chromium's own computation, through the DevTools accessibility tree), Tab walks through
// all of them and out again (nothing traps focus), sliders move with arrow keys and show their
// new value; the aria-live region is there and receives text; no panel scrolls sideways at
// 390 px.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { horizontalOverflow, panelIds, pressPlay, showPanel, useDemo } from './page.js';

/** What can take focus or be operated: native controls, links, anything given a tab stop. */
const INTERACTIVE = 'button, input, select, textarea, a[href], [tabindex], [contenteditable=true]';

interface Described { what: string; role: string; name: string; tabbable: boolean; radioGroup: string | null }

/**
 * The visible interactive elements inside `scope`, each with the role and accessible name
 * Chromium computes (what a screen reader announces), and whether Tab stops on it.
 */
async function interactive(page: Page, scope: string): Promise<Described[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { result } = await cdp.send('Runtime.evaluate', {
      expression: `[...document.querySelectorAll(${JSON.stringify(scope)})].flatMap((s) => [...s.querySelectorAll(${JSON.stringify(INTERACTIVE)})])
        .filter((e) => e.checkVisibility() && !e.disabled && !(e.getAttribute('tabindex') !== null && e.tabIndex < 0 && !e.matches('button, input, select, textarea, a[href]')))`,
    });
    const { result: props } = await cdp.send('Runtime.getProperties', { objectId: result.objectId!, ownProperties: true });
    const out: Described[] = [];
    for (const p of props) {
      if (!/^\d+$/.test(p.name) || !p.value?.objectId) continue;
      const objectId = p.value.objectId;
      const { node } = await cdp.send('DOM.describeNode', { objectId });
      const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { backendNodeId: node.backendNodeId, fetchRelatives: false });
      const ax = nodes[0];
      const { result: info } = await cdp.send('Runtime.callFunctionOn', {
        objectId,
        // A key on the element lets the Tab walk below recognise it when it has focus.
        functionDeclaration: `function (key) {
          this.dataset.a11yKey = key;
          const id = this.id ? '#' + this.id : '';
          const name = this.getAttribute('name') ? '[name=' + this.getAttribute('name') + ']' : '';
          const radioGroup = this.type === 'radio' ? (this.name || key) : null;
          return JSON.stringify({ what: this.tagName.toLowerCase() + id + name + ' (' + key + ')', tabbable: this.tabIndex >= 0, radioGroup });
        }`,
        arguments: [{ value: `${scope}:${p.name}` }],
        returnByValue: true,
      });
      const { what, tabbable, radioGroup } = JSON.parse(info.value as string) as { what: string; tabbable: boolean; radioGroup: string | null };
      out.push({ what, tabbable, radioGroup, role: String(ax?.role?.value ?? ''), name: String(ax?.name?.value ?? '').trim() });
    }
    return out;
  } finally {
    await cdp.detach();
  }
}

/** A short description of the focused element, and whether it lies inside `scope`. */
async function focused(page: Page, scope: string): Promise<{ what: string; inside: boolean; tag: string }> {
  return page.evaluate((scope) => {
    const e = document.activeElement as HTMLElement | null;
    if (!e || e === document.body) return { what: 'body', inside: false, tag: 'body' };
    const key = e.dataset.a11yKey ? ` (${e.dataset.a11yKey})` : '';
    const what = `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.getAttribute('name') ? `[name=${e.getAttribute('name')}]` : ''}${key}`;
    return { what, inside: Boolean(e.closest(scope)), tag: e.tagName.toLowerCase() };
  }, scope);
}

describe('keyboard and screen readers', () => {
  const demo = useDemo();

  it('the tab list: arrow keys, Home and End move between panels and focus follows', async () => {
    const { page, problems, close } = await demo.open();
    try {
      const ids = await panelIds(page);
      expect(ids.length).toBeGreaterThanOrEqual(5);
      // One tab stop for the whole list: the selected tab.
      expect(await page.$$eval('[role=tab]', (t) => t.filter((e) => (e as HTMLElement).tabIndex === 0).length)).toBe(1);
      await page.focus('[role=tab][aria-selected=true]');
      const expectSelected = async (id: string) => {
        expect(await page.$eval('[role=tab][aria-selected=true]', (t) => t.id)).toBe(`tab-${id}`);
        expect((await focused(page, '[role=tablist]')).what).toMatch(new RegExp(`^button#tab-${id}\\b`));
        expect(await page.$$eval('[role=tabpanel]:not([hidden])', (s) => s.map((e) => e.id))).toEqual([`panel-${id}`]);
      };
      for (let i = 1; i <= ids.length; i++) {
        await page.keyboard.press('ArrowRight');
        await expectSelected(ids[i % ids.length]);
      }
      await page.keyboard.press('ArrowLeft');
      await expectSelected(ids.at(-1)!);
      await page.keyboard.press('Home');
      await expectSelected(ids[0]);
      await page.keyboard.press('End');
      await expectSelected(ids.at(-1)!);
      // Tab from the tab list goes into the panel (or past it), not to another tab.
      await page.keyboard.press('Tab');
      expect((await focused(page, '[role=tablist]')).inside).toBe(false);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('every panel: each interactive element has an accessible name, and Tab walks through all of them and out', async () => {
    const { page, problems, close } = await demo.open();
    try {
      const ids = await panelIds(page);
      for (const id of ids) {
        await showPanel(page, id);
        const scope = `#panel-${id}`;
        // A panel may add controls once its worker answers: walk it when their count holds still
        // (under load, a walk sized on a half-built panel ran out of presses before leaving it).
        let controls = await interactive(page, scope);
        for (let still = 0; still < 3;) {
          await page.waitForTimeout(100);
          const now = await interactive(page, scope);
          still = now.length === controls.length && now.length > 0 ? still + 1 : 0;
          controls = now;
        }
        const unnamed = controls.filter((c) => c.name === '');
        expect(unnamed.map((c) => `${c.what} (role ${c.role})`), `${id}: controls with no accessible name`).toEqual([]);

        // From the panel's tab, Tab must visit every tabbable control of the panel, then leave it.
        // A radio group is one tab stop (arrow keys move within it): one of its radios will do.
        const tabbable = controls.filter((c) => c.tabbable).map((c) => c.what);
        const single = controls.filter((c) => c.tabbable && c.radioGroup === null).map((c) => c.what);
        const radioGroups = new Map<string, Described[]>();
        for (const c of controls) if (c.tabbable && c.radioGroup !== null) radioGroups.set(c.radioGroup, [...(radioGroups.get(c.radioGroup) ?? []), c]);
        await page.focus(`#tab-${id}`);
        const visited: string[] = [];
        let left = false;
        // Room for controls a training panel adds during the walk; leaving the panel ends it.
        for (let i = 0; i < 2 * tabbable.length + 8; i++) {
          await page.keyboard.press('Tab');
          const f = await focused(page, scope);
          if (f.inside) visited.push(f.what);
          else if (visited.length > 0 || tabbable.length === 0) { left = true; break; }
        }
        // A panel that trains while Tab walks may add controls (a verdict's remedy buttons):
        // they count once they are there, and they need names too.
        const after = await interactive(page, scope);
        expect(after.filter((c) => c.name === '').map((c) => `${c.what} (role ${c.role})`), `${id}: controls with no accessible name`).toEqual([]);
        const tabbableNow = [...tabbable, ...after.filter((c) => c.tabbable).map((c) => c.what)];
        // Controls added during the walk carried no key when focused: matched by what they are.
        const counted = (v: string) => tabbableNow.includes(v) || (!v.endsWith(')') && tabbableNow.some((t) => t.startsWith(`${v} (`)));
        expect(visited.filter((v) => !counted(v)), `${id}: focus stopped on something not counted as interactive`).toEqual([]);
        expect(single.filter((c) => !visited.includes(c)), `${id}: controls Tab never reached`).toEqual([]);
        for (const [group, radios] of radioGroups) expect(radios.some((r) => visited.includes(r.what)), `${id}: radio group ${group} never reached by Tab`).toBe(true);
        expect(left, `${id}: focus never left the panel after ${visited.join(', ')}`).toBe(true);
        // And back: Shift+Tab from past the panel returns into it.
        if (tabbable.length > 0) {
          await page.keyboard.press('Shift+Tab');
          expect((await focused(page, scope)).inside, `${id}: Shift+Tab back into the panel`).toBe(true);
        }
      }
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('every slider moves with the arrow keys and shows its new value', async () => {
    const { page, problems, close } = await demo.open();
    try {
      let sliders = 0;
      for (const id of await panelIds(page)) {
        await showPanel(page, id);
        const all = page.locator(`#panel-${id} input[type=range]`);
        for (let n = 0; n < (await all.count()); n++) {
          const range = all.nth(n);
          if (!(await range.isVisible()) || (await range.isDisabled())) continue;
          sliders++;
          const rid = (await range.getAttribute('id')) || `range ${n}`;
          const shown = () => range.evaluate((e) => {
            const input = e as HTMLInputElement;
            const out = document.querySelector(`output[for~="${input.id}"]`);
            return { value: input.value, text: out?.textContent ?? null, valuetext: input.getAttribute('aria-valuetext'), atMax: Number(input.value) >= Number(input.max) };
          });
          const before = await shown();
          expect(before.text !== null || before.valuetext !== null, `${id} ${rid}: the value is shown (an <output for> or aria-valuetext)`).toBe(true);
          const [forward, back] = before.atMax ? ['ArrowLeft', 'ArrowRight'] : ['ArrowRight', 'ArrowLeft'];
          await range.focus();
          // A slider whose display rounds (3 significant digits) may need a few steps to show a change.
          let presses = 0;
          let after = before;
          while (presses < 10 && (after.value === before.value || (after.text ?? after.valuetext) === (before.text ?? before.valuetext))) {
            await page.keyboard.press(forward);
            presses++;
            after = await shown();
          }
          expect(after.value, `${id} ${rid}: the arrow key moved it`).not.toBe(before.value);
          expect(after.text ?? after.valuetext, `${id} ${rid}: its shown value followed`).not.toBe(before.text ?? before.valuetext);
          for (let i = 0; i < presses; i++) await page.keyboard.press(back);
          expect((await shown()).value, `${id} ${rid}: and back`).toBe(before.value);
        }
      }
      // The issue puts the learning rate (and the surfaces' β) on sliders: a page with none lost them.
      expect(sliders, 'sliders found across the panels').toBeGreaterThanOrEqual(1);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('the aria-live region is there, readable, and receives text when a panel plays', async () => {
    const { page, problems, close } = await demo.open();
    try {
      const region = await page.$eval('#announcer', (e) => ({ live: e.getAttribute('aria-live'), shown: getComputedStyle(e).display !== 'none' && getComputedStyle(e).visibility !== 'hidden', count: document.querySelectorAll('[aria-live=polite], [aria-live=assertive]').length }));
      expect(region.live).toBe('polite');
      // Hidden from the eye, never from screen readers (display: none would silence it).
      expect(region.shown).toBe(true);
      let played = 0;
      for (const id of await panelIds(page)) {
        await showPanel(page, id);
        if ((await page.locator(`#panel-${id} button[name=play]`).count()) === 0) continue;
        played++;
        await page.$eval('#announcer', (e) => { e.textContent = ''; });
        await pressPlay(page, id);
        // The flow panel speaks at its first verdict, some hundred steps in: alone that takes a
        // few seconds, but with the other projects' browsers and threads on the 2 cores it took
        // more than 8 s (two runs at once, load 4) and once more than 25 s (a CI of 2026-12-05),
        // so the wait is generous; the test's own limit (2 minutes) still ends a silent panel.
        await page.waitForFunction(() => (document.getElementById('announcer')?.textContent ?? '').trim() !== '', undefined, { timeout: 60_000 })
          .catch(() => { throw new Error(`${id}: nothing was announced within 60 s of pressing play`); });
        await page.locator(`#panel-${id} button[name=pause]`).first().click().catch(() => {});
      }
      expect(played, 'panels with a play button').toBeGreaterThanOrEqual(1);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('the states the defaults do not show (a CNN on MNIST with its feature maps, BatchNorm in the flow panel) name every control and fit 390 px', async () => {
    for (const [hash, id, ready] of [
      ['pg.data=mnist&pgm.model=lenet-bn', 'playground', '#pg-maps:not([hidden]) .fm-layer[data-channels]'],
      ['tab=flow&gf.cmpAct=sigmoid&gf.cmpInit=xavier_uniform&gf.cmpBn=1&gf.bn=1&gf.fig=1', 'flow', '#panel-flow table.summary tbody tr'],
    ] as const) {
      const { page, problems, close } = await demo.open({ hash, width: 390, height: 844 });
      try {
        await page.waitForSelector(ready, { timeout: 60_000 });
        const controls = await interactive(page, `#panel-${id}`);
        expect(controls.filter((c) => c.name === '').map((c) => `${c.what} (role ${c.role})`), `${id}: controls with no accessible name`).toEqual([]);
        // The new controls are among them, as native labelled elements.
        const names = controls.map((c) => c.name);
        if (id === 'playground') expect(names).toEqual(expect.arrayContaining(['model', 'test digit #']));
        else expect(names).toEqual(expect.arrayContaining(['BatchNorm after each hidden layer (Linear → BatchNorm → activation)', 'its BatchNorm after each hidden layer', 'figures below show']));
        expect(await horizontalOverflow(page), `${id} at 390 px`).toEqual({ overflow: 0, culprits: [] });
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    }
  });

  it('no panel scrolls sideways at 390 px', async () => {
    const { page, problems, close } = await demo.open({ width: 390, height: 844 });
    try {
      for (const id of await panelIds(page)) {
        await showPanel(page, id);
        await page.waitForTimeout(150);
        const o = await horizontalOverflow(page);
        expect(o, `${id} at 390 px`).toEqual({ overflow: 0, culprits: [] });
      }
      expect(await page.evaluate(() => document.documentElement.clientWidth)).toBe(390);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
