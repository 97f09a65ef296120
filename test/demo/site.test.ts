// The site as a whole, the way it is hosted and the way it is developed: the static build
// served from a sub-path opens every panel with no console error and no failed request, its
// index.html fits phones (viewport meta) and its favicon is there; and `npm run demo`'s dev
// server (vite, started here in-process) serves a page whose playground trains.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServer } from 'vite';
import { panelIds, pressPlay, readStatus, showPanel, useDemo } from './page.js';

const root = resolve(import.meta.dirname, '../..');

describe('the static build, served from a sub-path', () => {
  const demo = useDemo();

  it('opens every panel by its tab with no console error or failed request', async () => {
    const { page, problems, close } = await demo.open();
    try {
      const ids = await panelIds(page);
      expect(ids.length).toBeGreaterThanOrEqual(5);
      for (const id of ids) {
        await showPanel(page, id);
        // A panel that mounted something, shown while every other panel is hidden.
        expect(await page.$eval(`#panel-${id}`, (e) => e.children.length), id).toBeGreaterThan(0);
        expect(await page.$$eval('[role=tabpanel]:not([hidden])', (s) => s.map((e) => e.id))).toEqual([`panel-${id}`]);
        expect(page.url(), 'the chosen tab is kept in the hash').toMatch(ids.indexOf(id) === 0 ? /.*/ : new RegExp(`tab=${id}`));
        await page.waitForTimeout(200);
      }
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('opens every panel straight from a link (tab=<id> in the hash)', async () => {
    const { page, problems, close } = await demo.open();
    try {
      for (const id of await panelIds(page)) {
        // A fresh document each time (a hash-only change would not reload the page).
        await page.goto('about:blank');
        await page.goto(`${demo.url}#tab=${id}`);
        await page.waitForSelector('[role=tab][aria-selected=true]');
        expect(await page.$eval('[role=tab][aria-selected=true]', (t) => t.id)).toBe(`tab-${id}`);
        await page.waitForSelector(`#panel-${id}:not([hidden]) > *`);
        await page.waitForTimeout(200);
        expect(problems, id).toEqual([]);
      }
    } finally {
      await close();
    }
  });

  it('index.html has the viewport meta and a favicon that is served', async () => {
    const { page, problems, close } = await demo.open();
    try {
      expect(await page.$eval('meta[name=viewport]', (m) => m.getAttribute('content'))).toMatch(/width=device-width/);
      expect(await page.evaluate(() => innerWidth)).toBe(1280);
      const icon = await page.$eval('link[rel~=icon]', (l) => (l as HTMLLinkElement).href);
      // Under the sub-path, not at the origin's root (where a host's other site may live).
      expect(icon.startsWith(demo.url)).toBe(true);
      const response = await page.request.get(icon);
      expect(response.status()).toBe(200);
      expect(response.headers()['content-type']).toMatch(/^image\//);
      expect((await response.body()).length).toBeGreaterThan(50);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('npm run demo: the dev server', () => {
  const demo = useDemo();

  it('serves a page whose playground trains in its Worker', async () => {
    const server = await createServer({
      configFile: resolve(root, 'demo/vite.config.ts'),
      server: { port: 0, strictPort: false },
      // Its own dependency cache, so a developer's running `npm run demo` is not disturbed.
      cacheDir: resolve(root, 'node_modules/.cache/descent-demo-test-vite'),
      logLevel: 'warn',
    });
    try {
      await server.listen();
      const url = server.resolvedUrls?.local[0];
      expect(url).toBeTruthy();
      const { page, problems, close } = await demo.open({ url });
      try {
        expect(await pressPlay(page, 'playground')).toBe(true);
        const started = await readStatus(page, '#pg-status', (s) => s.step >= 1, 30_000);
        await readStatus(page, '#pg-status', (s) => s.step > started.step + 50, 30_000);
        const icon = await page.$eval('link[rel~=icon]', (l) => (l as HTMLLinkElement).href);
        expect((await page.request.get(icon)).status()).toBe(200);
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    } finally {
      await server.close();
    }
  });
});
