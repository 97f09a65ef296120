// The Optimizer race panel, built and served: the chosen rules' loss curves are drawn and
// differ, each rule paints its own decision surface, a winner is named, and the same hash
// (same seed) gives the same race on a fresh page while another seed gives another.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { useDemo } from './page.js';

const HASH = 'tab=race&or.speed=full&or.epochs=30';

interface Row { rule: string; loss: number; accuracy: number; steps: number; points: number }

async function finishedRace(page: Page): Promise<Row[]> {
  await page.waitForSelector('#or-status[data-done=true]', { timeout: 20_000 });
  return page.$$eval('#or-results tbody tr', (trs) => trs.map((tr) => {
    const d = (tr as HTMLElement).dataset;
    return { rule: d.rule!, loss: Number(d.loss), accuracy: Number(d.accuracy), steps: Number(d.steps), points: Number(d.points) };
  }));
}

describe('optimizer race panel', () => {
  const demo = useDemo();

  it('races the default rules: distinct curves, surfaces, a winner', async () => {
    const { page, problems, close } = await demo.open({ hash: HASH });
    try {
      const rows = await finishedRace(page);
      expect(rows.map((r) => r.rule)).toEqual(['sgd', 'adagrad', 'rmsprop', 'adam', 'adadelta']);
      for (const r of rows) {
        expect(r.points).toBe(31); // the start and 30 epochs
        expect(r.steps).toBe(30 * 10); // 300 samples in batches of 32: 10 steps per epoch
        expect(Number.isFinite(r.loss)).toBe(true);
      }
      // Same start, different rules: the final losses differ.
      expect(new Set(rows.map((r) => r.loss.toFixed(6))).size).toBe(rows.length);
      // One chart series per rule, each with its points (uPlot's legend lists the series).
      const legend = await page.$$eval('#or-chart .u-legend .u-series .u-label', (ls) => ls.map((l) => l.textContent));
      expect(legend).toEqual(expect.arrayContaining(['sgd', 'adagrad', 'rmsprop', 'adam', 'adadelta']));
      // Every small surface is painted (not blank white).
      const painted = await page.$$eval('#panel-race .race-surfaces canvas', (cs) => cs.map((c) => {
        // Read through a copy: repeated readbacks of the page's own canvas make Chromium warn.
        const { width, height } = c as HTMLCanvasElement;
        const copy = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
        copy.drawImage(c as HTMLCanvasElement, 0, 0);
        const d = copy.getImageData(0, 0, width, height).data;
        let coloured = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) coloured++;
        return coloured;
      }));
      expect(painted).toHaveLength(5);
      for (const n of painted) expect(n).toBeGreaterThan(500);
      // The winner is the lowest final loss.
      const best = rows.reduce((a, b) => (b.loss < a.loss ? b : a));
      expect(await page.$eval('#or-winner', (e) => (e as HTMLElement).dataset.winner)).toBe(best.rule);
      expect(await page.textContent('#announcer')).toContain('Race finished');
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('the same hash gives the same race; another seed another', async () => {
    const hash = 'tab=race&or.speed=full&or.epochs=10&or.rmsprop=0&or.adadelta=0&or.nadam=1&or.sgd_lr=0.3&or.data=circles';
    // One page at a time: three races at full speed at once would only compete for the CPU.
    const raceOnce = async (h: string) => {
      const { page, problems, close } = await demo.open({ hash: h });
      try {
        const rows = await finishedRace(page);
        const sgdLr = await page.$eval('#or-results tbody tr[data-rule=sgd] td', (e) => e.textContent);
        expect(problems).toEqual([]);
        return { rows, sgdLr };
      } finally {
        await close();
      }
    };
    const a = await raceOnce(hash);
    expect(a.rows.map((r) => r.rule)).toEqual(['sgd', 'adagrad', 'adam', 'nadam']);
    expect(a.sgdLr).toBe('0.3');
    expect((await raceOnce(hash)).rows).toEqual(a.rows);
    expect((await raceOnce(`${hash}&or.seed=7`)).rows.map((r) => r.loss)).not.toEqual(a.rows.map((r) => r.loss));
  });

  it('fits a 390 px screen and is played from the keyboard', async () => {
    const { page, problems, close } = await demo.open({ hash: 'tab=race&or.speed=slow', width: 390, height: 844 });
    try {
      await page.waitForSelector('#or-status[data-epoch]');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.focus('#panel-race button[name=pause]');
      await page.keyboard.press('Enter');
      await page.waitForTimeout(150);
      const paused = await page.$eval('#or-status', (e) => (e as HTMLElement).dataset.epoch);
      await page.waitForTimeout(400);
      expect(await page.$eval('#or-status', (e) => (e as HTMLElement).dataset.epoch)).toBe(paused);
      // Turning a rule on from the keyboard adds it to the race and to the hash.
      await page.focus('#panel-race input[name=adamw]');
      await page.keyboard.press('Space');
      await page.waitForSelector('#or-results tr[data-rule=adamw]');
      expect(await page.evaluate(() => location.hash)).toContain('or.adamw=1');
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
