// A screenshot of every panel at 1280 px (after ~2 s of training where there is a play
// button) and of the playground at 390 px, each checked to show something: many colours and
// a fair share of non-background pixels, and every 2-D canvas in the panel drawn on. They are
// written to docs/demo/<panel>.png (the README embeds them) only with UPDATE_SCREENSHOTS=1;
// otherwise to a temporary directory, so a plain test run leaves the tree untouched.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { panelIds, pressPlay, showPanel, useDemo } from './page.js';

const update = process.env.UPDATE_SCREENSHOTS === '1';
const outDir = update ? resolve(import.meta.dirname, '../../docs/demo') : mkdtempSync(join(tmpdir(), 'descent-demo-shots-'));
mkdirSync(outDir, { recursive: true });

interface Ink { colours: number; inked: number; pixels: number }

/** Decodes the PNG in the page and counts its distinct colours and non-background pixels. */
async function ink(page: Page, png: Buffer): Promise<Ink> {
  return page.evaluate(async (b64) => {
    const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const px = new Uint32Array(ctx.getImageData(0, 0, bitmap.width, bitmap.height).data.buffer);
    const counts = new Map<number, number>();
    for (const p of px) counts.set(p, (counts.get(p) ?? 0) + 1);
    const background = Math.max(...counts.values());
    return { colours: counts.size, inked: px.length - background, pixels: px.length };
  }, png.toString('base64'));
}

/** The panel's visible 2-D canvases that hold a single colour (nothing drawn). */
async function blankCanvases(page: Page, id: string): Promise<string[]> {
  return page.$$eval(`#panel-${id} canvas`, (all) => (all as HTMLCanvasElement[]).filter((c) => c.checkVisibility() && c.width > 0 && c.height > 0).flatMap((c) => {
    const canvas = c as HTMLCanvasElement;
    // A WebGL canvas has no 2-D context to read: skipped. A canvas never drawn on reads blank.
    const ctx = canvas.getContext('2d');
    if (!ctx) return [];
    const px = new Uint32Array(ctx.getImageData(0, 0, canvas.width, canvas.height).data.buffer);
    return px.every((p) => p === px[0]) ? [`canvas${canvas.id ? `#${canvas.id}` : ''}.${canvas.className} ${canvas.width}×${canvas.height}`] : [];
  }));
}

async function shoot(page: Page, id: string, file: string): Promise<void> {
  const plays = await pressPlay(page, id);
  if (plays) {
    await page.waitForTimeout(2_000);
    await page.locator(`#panel-${id} button[name=pause]`).first().click().catch(() => {});
  }
  await page.waitForTimeout(300);
  const png = await page.locator(`#panel-${id}`).screenshot({ animations: 'disabled' });
  writeFileSync(join(outDir, file), png);
  const i = await ink(page, png);
  expect(i.colours, `${file}: distinct colours`).toBeGreaterThanOrEqual(16);
  expect(i.inked / i.pixels, `${file}: share of pixels that are not background`).toBeGreaterThan(0.01);
  if (plays) expect(await blankCanvases(page, id), `${file}: canvases left blank`).toEqual([]);
}

describe(`screenshots of the panels (to ${update ? 'docs/demo' : 'a temporary directory; UPDATE_SCREENSHOTS=1 writes docs/demo'})`, () => {
  const demo = useDemo();

  it('every panel at 1280 px, after training where it plays', async () => {
    const { page, problems, close } = await demo.open({ width: 1280, height: 900 });
    try {
      for (const id of await panelIds(page)) {
        await showPanel(page, id);
        await shoot(page, id, `${id}.png`);
      }
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('the playground at 390 px', async () => {
    const { page, problems, close } = await demo.open({ width: 390, height: 844 });
    try {
      await shoot(page, 'playground', 'playground-390.png');
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
