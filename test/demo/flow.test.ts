// The Gradient flow panel in real Chromium: the vanishing preset (8 sigmoid layers, Xavier)
// raises `vanishing` while its fix (ReLU, He) beside it stays healthy; one-click remedies
// change the settings in the hash and restart the run without the verdict; every figure is
// drawn; the panel fits 390 px. The BatchNorm preset runs the same deep sigmoid net without
// and with BatchNorm: the first vanishes, the second passes the gradient down, and every
// per-layer figure names each layer's kind. Runs go at full speed (gf.speed=0) to keep the file short.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { readStatus, useDemo } from './page.js';

const card = (side: 0 | 1) => `#panel-flow .run-card[data-side="${side}"]`;

/** Codes of the verdict badges shown on one side (`healthy` when none is raised). */
function verdicts(page: Page, side: 0 | 1): Promise<string[]> {
  return page.$$eval(`${card(side)} [data-verdict]`, (els) => els.map((e) => (e as HTMLElement).dataset.verdict!));
}

/** How many pixels of each canvas in the panel are inked (neither blank nor white). */
function inkedPixels(page: Page, selector: string): Promise<number[]> {
  return page.$$eval(selector, (canvases) => canvases.map((c) => {
    const canvas = c as HTMLCanvasElement;
    // Read through a copy: reading the page's canvases again and again makes Chromium warn.
    const copy = new OffscreenCanvas(canvas.width, canvas.height).getContext('2d', { willReadFrequently: true })!;
    copy.drawImage(canvas, 0, 0);
    const data = copy.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i] + data[i + 1] + data[i + 2] < 720) inked++;
    return inked;
  }));
}

const hashParams = async (page: Page) => new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));

describe('the Gradient flow panel', () => {
  const demo = useDemo();

  it('raises vanishing on the deep sigmoid network while its ReLU + He fix stays healthy, and draws every figure', async () => {
    const { page, problems, close } = await demo.open({ hash: 'tab=flow&gf.speed=0' });
    try {
      await page.waitForSelector(`${card(0)} [data-verdict="vanishing"]`, { timeout: 20_000 });
      await readStatus(page, '#gf-status-1', (s) => s.step >= 2000);
      expect(await verdicts(page, 1)).toEqual(['healthy']);
      expect(await verdicts(page, 0)).toContain('vanishing');
      // The figure the verdict reads: first-to-last RMS ∂W, a millionth-ish against about one.
      const ratio = (side: 0 | 1) => page.$eval(`${card(side)} .ratio`, (e) => Number((e as HTMLElement).dataset.ratio));
      expect(await ratio(0)).toBeLessThan(1e-3);
      expect(await ratio(1)).toBeGreaterThan(1e-2);
      // The fix learns, the sigmoid net stays at chance (ln 3 for three classes).
      const fix = await readStatus(page, '#gf-status-1');
      const stalled = await readStatus(page, '#gf-status-0');
      expect(fix.loss).toBeLessThan(0.5);
      expect(stalled.loss).toBeGreaterThan(1);
      // Bars for both sides, three histogram canvases, the uPlot charts: all inked.
      const bars = await inkedPixels(page, '#panel-flow canvas.bars');
      const histograms = await inkedPixels(page, '#panel-flow canvas.histograms');
      const charts = await inkedPixels(page, '#panel-flow .chart canvas');
      expect(bars).toHaveLength(2);
      expect(histograms).toHaveLength(3);
      expect(charts.length).toBeGreaterThanOrEqual(3);
      for (const n of [...bars, ...histograms, ...charts]) expect(n).toBeGreaterThan(500);
      // The per-layer summary: 8 hidden layers and the output layer, the first read as vanished.
      const rows = await page.$$eval('#panel-flow table.summary tbody tr', (trs) => trs.map((tr) => tr.lastElementChild!.textContent!));
      expect(rows).toHaveLength(9);
      expect(rows[0]).toMatch(/vanished/);
      expect(await page.textContent('#announcer')).toBeTruthy();
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('"switch to ReLU + He" changes the settings in the hash and restarts without the vanishing verdict', async () => {
    const { page, problems, close } = await demo.open({ hash: 'tab=flow&gf.speed=0&gf.cmp=0' });
    try {
      await page.waitForSelector(`${card(0)} [data-verdict="vanishing"]`, { timeout: 20_000 });
      expect(await page.isHidden(card(1))).toBe(true);
      await page.click(`${card(0)} [data-verdict="vanishing"] button:has-text("switch to ReLU + He")`);
      const params = await hashParams(page);
      expect(params.get('gf.act')).toBe('relu');
      expect(params.get('gf.init')).toBe('he_uniform');
      expect(await page.inputValue('#panel-flow select[name=act]')).toBe('relu');
      expect(await page.textContent(`${card(0)} h3`)).toMatch(/relu, he_uniform/);
      await readStatus(page, '#gf-status-0', (s) => s.step >= 1000);
      expect(await verdicts(page, 0)).toEqual(['healthy']);
      expect(await page.$eval(`${card(0)} .ratio`, (e) => Number((e as HTMLElement).dataset.ratio))).toBeGreaterThan(1e-2);
      expect(await page.textContent('#announcer')).toMatch(/switched to ReLU/);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('"lr ÷ 10" and "clip gradient norm at 1" on an exploding run change the run in the hash; lr ÷ 10 ends the explosion', async () => {
    const exploding = 'tab=flow&gf.speed=0&gf.cmp=0&gf.act=relu&gf.init=he_uniform&gf.depth=4&gf.lr=30';
    for (const remedy of ['lr ÷ 10', 'clip gradient norm at 1']) {
      const { page, problems, close } = await demo.open({ hash: exploding });
      try {
        await page.waitForSelector(`${card(0)} [data-verdict="exploding"]`, { timeout: 20_000 });
        await page.click(`${card(0)} [data-verdict="exploding"] button:has-text("${remedy}")`);
        const params = await hashParams(page);
        if (remedy === 'lr ÷ 10') {
          expect(params.get('gf.lr')).toBe('3');
          await readStatus(page, '#gf-status-0', (s) => s.step >= 500);
          expect(await verdicts(page, 0)).not.toContain('exploding');
        } else {
          expect(params.get('gf.clipGradNorm')).toBe('1');
          expect(params.get('gf.lr')).toBe('30');
          // Restarted: the status counts from the new run's first steps again.
          await readStatus(page, '#gf-status-0', (s) => s.step >= 1);
        }
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    }
  });

  it('the vanishing preset button restores the lesson from other settings, and the panel fits 390 px', async () => {
    const { page, problems, close } = await demo.open({ hash: 'tab=flow&gf.act=tanh&gf.depth=3&gf.cmp=0', width: 390 });
    try {
      await page.click('#panel-flow button[name=preset]');
      const params = await hashParams(page);
      expect(params.get('gf.act')).toBeNull();
      expect(params.get('gf.depth')).toBeNull();
      expect(await page.isVisible(card(1))).toBe(true);
      await page.selectOption('#panel-flow select[name=speed]', '0');
      await page.waitForSelector(`${card(0)} [data-verdict="vanishing"]`, { timeout: 20_000 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('the BatchNorm preset runs the deep sigmoid net without and with BatchNorm: one vanishes, the other does not, each layer labelled with its kind', async () => {
    const { page, problems, close } = await demo.open({ hash: 'tab=flow&gf.speed=0' });
    try {
      await page.click('#panel-flow button[name=preset-bn]');
      const params = await hashParams(page);
      expect(params.get('gf.cmpBn')).toBe('1');
      expect(params.get('gf.cmpAct')).toBe('sigmoid');
      expect(params.get('gf.cmpInit')).toBe('xavier_uniform');
      expect(params.get('gf.bn')).toBeNull();
      expect(params.get('gf.fig')).toBe('1');
      // The preset plays at the speed it sets (200 steps/s): full speed again, for a short test.
      await page.selectOption('#panel-flow select[name=speed]', '0');
      expect(await page.textContent(`${card(0)} h3`)).toMatch(/8 × 16 sigmoid, xavier_uniform$/);
      expect(await page.textContent(`${card(1)} h3`)).toMatch(/8 × 16 sigmoid, xavier_uniform, BatchNorm$/);
      expect(await page.isChecked('#panel-flow input[name=cmpBn]')).toBe(true);
      // Generous waits: on a loaded machine (load 11 on 2 cores) the two 2,000-step runs took 20 s.
      await page.waitForSelector(`${card(0)} [data-verdict="vanishing"]`, { timeout: 60_000 });
      await readStatus(page, '#gf-status-1', (s) => s.step >= 2000, 60_000);
      // Both sides ran the same steps; only the one without BatchNorm lost its gradient.
      expect((await readStatus(page, '#gf-status-0')).step).toBeGreaterThanOrEqual(2000);
      expect(await verdicts(page, 1)).not.toContain('vanishing');
      const ratio = (side: 0 | 1) => page.$eval(`${card(side)} .ratio`, (e) => Number((e as HTMLElement).dataset.ratio));
      expect(await ratio(0)).toBeLessThan(1e-3);
      expect(await ratio(1)).toBeGreaterThan(1e-2);
      expect((await readStatus(page, '#gf-status-1')).loss).toBeLessThan(1);
      expect((await readStatus(page, '#gf-status-0')).loss).toBeGreaterThan(1);
      // Bars for both sides inked; the BatchNorm side names its 17 layers' kinds in its label.
      for (const n of await inkedPixels(page, '#panel-flow canvas.bars')) expect(n).toBeGreaterThan(500);
      const barsLabel = await page.$eval(`${card(1)} canvas.bars`, (c) => c.getAttribute('aria-label') ?? '');
      expect(barsLabel).toContain('layer 1 (dense)');
      expect(barsLabel).toContain('layer 2 (BatchNorm, sigmoid)');
      expect(barsLabel).toContain('output layer (dense)');
      // Meters: only layers with an activation, i.e. the BatchNorm ones on that side.
      expect(await page.$$eval(`${card(1)} table.meters tbody th`, (th) => th.map((e) => e.textContent))).toEqual(['2 BN', '4 BN', '6 BN', '8 BN', '10 BN', '12 BN', '14 BN', '16 BN']);
      expect(await page.$$eval(`${card(0)} table.meters tbody th`, (th) => th.map((e) => e.textContent))).toEqual(['1 dense', '2 dense', '3 dense', '4 dense', '5 dense', '6 dense', '7 dense', '8 dense']);
      // The figures below show the BatchNorm side: its table has every layer with its kind.
      const kinds = () => page.$$eval('#panel-flow table.summary tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.kind));
      await expect.poll(kinds, { timeout: 20_000 }).toHaveLength(17);
      expect(await kinds()).toEqual([...Array.from({ length: 8 }, () => ['dense', 'batchnorm1d']).flat(), 'dense']);
      expect(await page.textContent('#panel-flow table.summary caption')).toMatch(/BatchNorm\)$/);
      for (const n of await inkedPixels(page, '#panel-flow canvas.histograms')) expect(n).toBeGreaterThan(500);
      // Switching the figures to the main side does not restart the run.
      const before = (await readStatus(page, '#gf-status-1')).step;
      await page.selectOption('#panel-flow select[name=fig]', '0');
      await expect.poll(kinds, { timeout: 20_000 }).toHaveLength(9);
      expect((await readStatus(page, '#gf-status-1')).step).toBeGreaterThanOrEqual(before);
      expect((await hashParams(page)).get('gf.fig')).toBeNull();
      // The vanishing verdict's "add BatchNorm" remedy gives the main side BatchNorm too: restarted, it no longer vanishes.
      await page.click(`${card(0)} [data-verdict="vanishing"] button:has-text("add BatchNorm")`);
      expect((await hashParams(page)).get('gf.bn')).toBe('1');
      expect(await page.textContent(`${card(0)} h3`)).toMatch(/, BatchNorm$/);
      await readStatus(page, '#gf-status-0', (s) => s.step >= 1000, 60_000);
      expect(await verdicts(page, 0)).not.toContain('vanishing');
      expect(await ratio(0)).toBeGreaterThan(1e-2);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
