// The built demo, served statically from a sub-path: it loads with no console error and no
// failed request, and the playground trains in its Worker (the loss falls on the spiral).
import { describe, expect, it } from 'vitest';
import { readStatus, useDemo } from './page.js';

describe('the demo, built and served from a sub-path', () => {
  const demo = useDemo();

  it('loads cleanly and the playground loss falls', async () => {
    const { page, problems, close } = await demo.open();
    try {
      await page.click('#panel-playground button[name=step]');
      const first = await readStatus(page, '#pg-status', (s) => s.step >= 1);
      await page.click('#panel-playground button[name=play]');
      const later = await readStatus(page, '#pg-status', (s) => s.step >= 400);
      expect(later.loss).toBeLessThan(first.loss * 0.8);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
