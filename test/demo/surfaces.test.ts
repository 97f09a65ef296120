// The Loss surfaces panel in real Chromium: the paths come from descent's kernels in the
// panel's Worker and are summarised in the panel's tables (data attributes per row), which
// these tests read. Distinct rules and distinct gradient-descent modes must give distinct
// paths; moving the start (keyboard, pointer drag, typed) must change them; restarts on the
// two-minima surface must find both minima; the hash must reproduce the picture.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { useDemo } from './page.js';

type Row = Record<string, string>;

/** The rows of a path table once `until` holds for them. */
async function rows(page: Page, selector: string, until: (rows: Row[]) => boolean, timeout = 15_000): Promise<Row[]> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = await page.$$eval(selector, (trs) => trs.map((tr) => ({ ...(tr as HTMLElement).dataset }) as Record<string, string>));
    if (found.length && until(found)) return found;
    if (Date.now() > deadline) throw new Error(`${selector}: condition never held; last ${JSON.stringify(found)}`);
    await page.waitForTimeout(50);
  }
}

const PATHS = '#panel-surfaces .explorer table.paths tbody tr[data-rule]';
const FITS = '#panel-surfaces .line-fit table.paths tbody tr[data-mode]';
const startOf = (page: Page) => page.$eval('#panel-surfaces .explorer table.paths', (t) => (t as HTMLElement).dataset.start);

function expectPairwiseDistinct(list: Row[]): void {
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      expect(list[i].checksum, `${JSON.stringify(list[i])} vs ${JSON.stringify(list[j])}`).not.toBe(list[j].checksum);
      expect([list[i].endX ?? list[i].endW, list[i].endY ?? list[i].endB]).not.toEqual([list[j].endX ?? list[j].endW, list[j].endY ?? list[j].endB]);
    }
  }
}

describe('the Loss surfaces panel', () => {
  const demo = useDemo();

  it('draws distinct paths for five rules, and moving the start (keys, drag, typed) changes them; the hash restores them', async () => {
    const { page, problems, close } = await demo.open({ hash: 'tab=surfaces' });
    try {
      const first = await rows(page, PATHS, (r) => r.length === 5);
      expect(first.map((r) => r.rule)).toEqual(['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam']);
      expectPairwiseDistinct(first);
      expect(first.every((r) => r.status === 'ran' && r.steps === '150')).toBe(true);
      // The quadratic's start is (−4, 1.5); momentum ends far nearer the minimum than Adam, which crawls.
      const f = Object.fromEntries(first.map((r) => [r.rule, Number(r.finalF)]));
      expect(f.momentum).toBeLessThan(f.adam / 100);
      expect(await startOf(page)).toBe('-4,1.5');

      // Keyboard: the start marker is focusable and the arrow keys move it.
      await page.focus('#panel-surfaces .start-marker');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowUp');
      const moved = await rows(page, PATHS, (r) => r[0].checksum !== first[0].checksum);
      expect(await startOf(page)).toBe('-3.8,1.58');
      for (let i = 0; i < 5; i++) expect(moved[i].checksum).not.toBe(first[i].checksum);
      expectPairwiseDistinct(moved);

      // Pointer: drag the start to near the bottom-right of the plot.
      const box = (await page.locator('#panel-surfaces .explorer canvas.contour').boundingBox())!;
      const marker = (await page.locator('#panel-surfaces .explorer .start-marker').boundingBox())!;
      await page.mouse.move(marker.x + marker.width / 2, marker.y + marker.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.7, { steps: 8 });
      await page.mouse.up();
      const dragged = await rows(page, PATHS, (r) => r[0].checksum !== moved[0].checksum);
      const [sx, sy] = (await startOf(page))!.split(',').map(Number);
      expect(sx).toBeCloseTo(3, 0);
      expect(sy).toBeCloseTo(-0.8, 0);
      for (let i = 0; i < 5; i++) expect(dragged[i].checksum).not.toBe(moved[i].checksum);

      // Typed: the x field.
      await page.fill('#panel-surfaces input[name=ls-start-x]', '2');
      await page.press('#panel-surfaces input[name=ls-start-x]', 'Enter');
      await rows(page, PATHS, (r) => r[0].checksum !== dragged[0].checksum);
      expect((await startOf(page))!.split(',')[0]).toBe('2');

      // The same hash gives the same paths in a fresh page.
      const hash = await page.evaluate(() => location.hash.slice(1));
      expect(hash).toContain('ls.start=');
      const now = await rows(page, PATHS, () => true);
      const again = await demo.open({ hash });
      try {
        expect(await rows(again.page, PATHS, (r) => r.length === 5)).toEqual(now);
        expect(again.problems).toEqual([]);
      } finally {
        await again.close();
      }
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('any rule can be shown, and a too-large lr shows a diverged path', async () => {
    const { page, problems, close } = await demo.open({ hash: 'tab=surfaces&ls.lr=0.05&ls.rules=sgd,nesterov,adagrad,nadam,adadelta' });
    try {
      const r = await rows(page, PATHS, (x) => x.length === 5);
      expect(r.map((x) => x.rule)).toEqual(['sgd', 'nesterov', 'adagrad', 'nadam', 'adadelta']);
      expectPairwiseDistinct(r);
      // lr·50 = 2.5 > 2: plain SGD and Nesterov blow up across the steep direction.
      expect(r.find((x) => x.rule === 'nesterov')!.status).toBe('diverged');
      expect(r.find((x) => x.rule === 'sgd')!.status).toBe('diverged');
      expect(await page.locator('#panel-surfaces .explorer td.diverged').count()).toBe(2);
      // Play grows the paths from the start: the shown step drops to the beginning, then climbs.
      const shown = page.locator('#panel-surfaces .explorer .scrub output');
      const step = async () => Number(/step (\d+)/.exec((await shown.textContent())!)![1]);
      await expect.poll(step).toBe(150);
      await page.click('#panel-surfaces button[name=ls-paths-play]');
      await expect.poll(step, { timeout: 5_000 }).toBeLessThan(150);
      const early = await step();
      await expect.poll(step, { timeout: 10_000 }).toBeGreaterThan(early);
      // Toggling a rule off removes its path.
      await page.uncheck('#panel-surfaces input[name=ls-rule-adadelta]');
      await rows(page, PATHS, (x) => x.length === 4);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('draws distinct batch, stochastic and mini-batch paths towards the closed-form line', async () => {
    const { page, problems, close } = await demo.open({ hash: 'tab=surfaces' });
    try {
      const fits = await rows(page, FITS, (r) => r.length === 3);
      expect(fits.map((r) => r.mode)).toEqual(['batch', 'stochastic', 'mini-batch']);
      // 20 epochs of 64 points: 20 full-batch updates, 1280 single-point ones, 160 batches of 8.
      expect(fits.map((r) => Number(r.updates))).toEqual([20, 1280, 160]);
      expectPairwiseDistinct(fits);
      // Every mode heads for y = 2x − 1 from (0, 0).
      for (const r of fits) {
        expect(Number(r.endW)).toBeGreaterThan(1.5);
        expect(Number(r.endB)).toBeLessThan(-0.5);
      }
      // A smaller batch size changes only the mini-batch path.
      await page.locator('#panel-surfaces input[name=ls-fit-batch]').fill('4');
      const smaller = await rows(page, FITS, (r) => r[2].checksum !== fits[2].checksum);
      expect(Number(smaller[2].updates)).toBe(320);
      expect(smaller[0].checksum).toBe(fits[0].checksum);
      expect(smaller[1].checksum).toBe(fits[1].checksum);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('random restarts reach both minima of the two-minima surface, at 390 px with no horizontal scroll', async () => {
    const { page, problems, close } = await demo.open({ hash: 'tab=surfaces', width: 390 });
    try {
      await page.waitForSelector('#ls-restarts-count[data-n]');
      const count = await page.$eval('#ls-restarts-count', (e) => ({ ...(e as HTMLElement).dataset, text: e.textContent }) as Record<string, string>);
      const [left, right] = count.reached!.split(',').map(Number);
      expect(Number(count.n)).toBe(24);
      expect(left).toBeGreaterThan(0);
      expect(right).toBeGreaterThan(0);
      expect(left + right + Number(count.none)).toBe(24);
      expect(count.text).toContain(`${left} of 24 reached the left minimum`);
      // Another seed, other starts, another split; the same seed again, the same split.
      await page.fill('#panel-surfaces input[name=ls-rs-seed]', '7');
      await page.press('#panel-surfaces input[name=ls-rs-seed]', 'Enter');
      await page.waitForFunction((old) => document.getElementById('ls-restarts-count')!.textContent !== old, count.text);
      await page.fill('#panel-surfaces input[name=ls-rs-seed]', '1');
      await page.press('#panel-surfaces input[name=ls-rs-seed]', 'Enter');
      await page.waitForFunction((old) => document.getElementById('ls-restarts-count')!.textContent === old, count.text);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
