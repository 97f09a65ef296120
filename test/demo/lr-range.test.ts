// The learning-rate range test panel, built and served: the loss is drawn against lr on a
// log axis, a finite suggestion inside [startLr, endLr] is shown, and the presets train the
// same net — the too-high rate ends with a higher loss than the suggested one.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { useDemo } from './page.js';

async function suggestion(page: Page) {
  await page.waitForSelector('#lr-status[data-suggestion]', { timeout: 20_000 });
  return page.$eval('#lr-status', (e) => {
    const d = (e as HTMLElement).dataset;
    return { suggestion: Number(d.suggestion), start: Number(d.start), end: Number(d.end), points: Number(d.points) };
  });
}

async function presets(page: Page) {
  await page.waitForSelector('#lr-presets[data-done=true]', { timeout: 20_000 });
  const rows = await page.$$eval('#lr-presets-table tbody tr', (trs) => trs.map((tr) => [(tr as HTMLElement).dataset.preset!, { loss: Number((tr as HTMLElement).dataset.loss), lr: Number((tr as HTMLElement).dataset.lr) }] as const));
  return Object.fromEntries(rows);
}

describe('learning-rate range test panel', () => {
  const demo = useDemo();

  it('draws the loss on a log lr axis, marks a suggestion, and the presets tell the lesson', async () => {
    const { page, problems, close } = await demo.open({ hash: 'tab=lr-range' });
    try {
      const s = await suggestion(page);
      expect(s.points).toBeGreaterThanOrEqual(10);
      expect(Number.isFinite(s.suggestion)).toBe(true);
      expect(s.suggestion).toBeGreaterThanOrEqual(s.start);
      expect(s.suggestion).toBeLessThanOrEqual(s.end);
      expect([s.start, s.end]).toEqual([1e-7, 10]);
      // A log axis: every decade takes the same width (a linear one would squeeze 1e-7…1e-6 to nothing).
      const [low, high] = JSON.parse((await page.$eval('#lr-chart', (e) => (e as HTMLElement).dataset.decadePx))!) as number[];
      expect(low).toBeGreaterThan(20);
      expect(Math.abs(low - high)).toBeLessThan(1);
      expect(await page.textContent('#lr-status')).toContain('Suggested lr');
      const runs = await presets(page);
      expect(runs.suggested.lr).toBeCloseTo(s.suggestion, 12);
      expect(runs.high.lr).toBeCloseTo(s.suggestion * 30, 10);
      expect(runs.low.lr).toBeCloseTo(s.suggestion / 100, 14);
      expect(runs.high.loss).toBeGreaterThan(runs.suggested.loss);
      expect(runs.low.loss).toBeGreaterThan(runs.suggested.loss);
      expect(await page.textContent('#announcer')).toMatch(/After 20 epochs: suggested lr loss/);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('follows the hash (sgd, circles, a narrower range) and reruns when a control changes', async () => {
    const { page, problems, close } = await demo.open({ hash: 'tab=lr-range&lr.type=sgd&lr.lr=0.1&lr.data=circles&lr.seed=1&lr.startLr=0.0001&lr.endLr=100&lr.high=100&lr.epochs=10' });
    try {
      const s = await suggestion(page);
      expect([s.start, s.end]).toEqual([1e-4, 100]);
      expect(s.suggestion).toBeGreaterThanOrEqual(1e-4);
      expect(s.suggestion).toBeLessThanOrEqual(100);
      const runs = await presets(page);
      expect(runs.high.lr).toBeCloseTo(s.suggestion * 100, 8);
      expect(Object.keys(runs)).toEqual(['suggested', 'high', 'low']);
      // Fewer steps from the keyboard: the test runs again with that many points.
      await page.fill('#panel-lr-range input[name=numIter]', '40');
      await page.press('#panel-lr-range input[name=numIter]', 'Enter');
      // (at most 40: the test stops early where the loss blows up)
      await page.waitForFunction(() => Number((document.querySelector('#lr-status') as HTMLElement).dataset.points) <= 40);
      expect(await page.evaluate(() => location.hash)).toContain('lr.numIter=40');
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('fits a 390 px screen', async () => {
    const { page, problems, close } = await demo.open({ hash: 'tab=lr-range', width: 390, height: 844 });
    try {
      await suggestion(page);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
