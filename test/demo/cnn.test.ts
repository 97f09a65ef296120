// The playground's CNNs on MNIST in real Chromium: LeNet-5 trains in the page's Worker (the
// test loss falls, accuracy rises far above chance), its feature maps are drawn (one inked
// square per channel of each conv layer, for a test digit, then for the digit drawn on the pad,
// then for another test digit chosen in its field), the MLP beside it reports its test accuracy
// on the same digits, and the model is in the link. The other presets build and step; batch
// norm refuses batches of one row with the library's message; every model name shows whole in
// its menu at 1280 and 390 px. No console error or warning.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { useDemo } from './page.js';

const P = '#panel-playground';

interface Status { step: number; loss: number; testLoss: number; accuracy: number; playing: boolean }

async function status(page: Page): Promise<Status> {
  return page.$eval('#pg-status', (e) => {
    const d = (e as HTMLElement).dataset;
    return { step: Number(d.step), loss: Number(d.loss), testLoss: Number(d.testLoss), accuracy: Number(d.accuracy), playing: d.playing === 'true' };
  });
}

async function until(page: Page, ok: (s: Status) => boolean, timeout = 45_000): Promise<Status> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const s = await status(page);
    if (Number.isFinite(s.step) && ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`#pg-status never satisfied the condition; last ${JSON.stringify(s)}`);
    await page.waitForTimeout(50);
  }
}

interface Maps { step: number; source: string; index: number; channels: number[]; inked: number[][]; input: number }

/** The feature maps as drawn: channels per conv layer, and each square's count of non-white pixels. */
function maps(page: Page): Promise<Maps> {
  return page.$eval('#pg-maps', (fig) => {
    const f = fig as HTMLElement;
    // Read through a copy: reading the page's canvases again and again makes Chromium warn.
    const inked = (c: HTMLCanvasElement) => {
      const copy = new OffscreenCanvas(c.width, c.height).getContext('2d', { willReadFrequently: true })!;
      copy.drawImage(c, 0, 0);
      const d = copy.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] + d[i + 1] + d[i + 2] < 750) n++;
      return n;
    };
    const layers = Array.from(f.querySelectorAll<HTMLElement>('.fm-layer[data-channels]'));
    return {
      step: Number(f.dataset.step), source: f.dataset.source ?? '', index: Number(f.dataset.index),
      channels: layers.map((l) => Number(l.dataset.channels)),
      inked: layers.map((l) => Array.from(l.querySelectorAll('canvas'), (c) => inked(c))),
      input: inked(f.querySelector('canvas.fm-input')!),
    };
  });
}

async function mapsWhen(page: Page, ok: (m: Maps) => boolean, timeout = 30_000): Promise<Maps> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const m = await page.isVisible('#pg-maps') ? await maps(page) : null;
    if (m && ok(m)) return m;
    if (Date.now() > deadline) throw new Error(`the feature maps never satisfied the condition; last ${JSON.stringify(m)}`);
    await page.waitForTimeout(50);
  }
}

/** A vertical stroke down the middle of the pad: a 1 to MNIST. */
async function drawOne(page: Page): Promise<void> {
  const pad = (await page.locator('#pg-pad canvas.pad').boundingBox())!;
  await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.2);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * (0.2 + i * 0.05));
  await page.mouse.up();
}

const hashParams = (page: Page) => new URLSearchParams(new URL(page.url()).hash.slice(1));

describe('the playground’s CNNs on MNIST', () => {
  const demo = useDemo();

  it('LeNet-5 trains in the page, draws its feature maps for a test digit, the pad’s and a chosen one, and beats chance beside its MLP', async () => {
    const { page, problems, close } = await demo.open({ hash: 'pg.data=mnist&pgm.model=lenet&pg.speed=10' });
    try {
      const start = await until(page, (s) => s.step === 0 && Number.isFinite(s.testLoss), 60_000);
      expect(start.testLoss).toBeGreaterThan(1.5);
      expect(await page.$eval(`${P} select[name=model]`, (e) => (e as HTMLSelectElement).value)).toBe('lenet');
      expect(await page.$$eval('#pg-cnn-layers li', (li) => li.map((e) => e.textContent))).toEqual([
        'conv2d 6@5×5 pad 2 · relu', 'maxpool2d 2×2', 'conv2d 16@5×5 · relu', 'maxpool2d 2×2', 'flatten', 'dense 120 · relu', 'dense 84 · relu', 'dense 10',
      ]);
      // Before any step: test digit #0's maps, 6 channels of 28 × 28 then 16 of 10 × 10, the input inked.
      const first = await mapsWhen(page, (m) => m.step === 0);
      expect(first.source).toBe('test');
      expect(first.index).toBe(0);
      expect(first.channels).toEqual([6, 16]);
      expect(first.inked.map((l) => l.length)).toEqual([6, 16]);
      expect(first.input).toBeGreaterThan(40);

      await page.click(`${P} button[name=play]`);
      await until(page, (s) => s.step >= 300, 90_000);
      await page.click(`${P} button[name=pause]`);
      const end = await until(page, (s) => !s.playing && s.step >= 300);
      expect(end.testLoss).toBeLessThan(start.testLoss * 0.5);
      // Chance is 10 %; 300 steps of 32 digits take LeNet far past it.
      expect(end.accuracy).toBeGreaterThan(0.6);
      // The maps follow training (posted at most a few times a second; the paused state is sent).
      const trained = await mapsWhen(page, (m) => m.step === end.step);
      expect(trained.channels).toEqual([6, 16]);
      // A trained first layer responds somewhere on a digit in most of its channels.
      expect(trained.inked[0].filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
      expect(trained.inked[1].filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);

      // The MLP trained beside it on the same batches: both test accuracies at the last evaluation.
      const compare = await page.$eval('#pg-compare', (e) => {
        const d = (e as HTMLElement).dataset;
        return { hidden: (e as HTMLElement).hidden, step: d.step, cnn: d.cnn, mlp: d.mlp, meters: e.querySelectorAll('meter').length };
      });
      expect(compare.hidden).toBe(false);
      expect(compare.meters).toBe(2);
      expect(Number(compare.step)).toBe(end.step);
      expect(Number(compare.cnn)).toBe(end.accuracy);
      expect(Number(compare.mlp)).toBeGreaterThan(0.3);
      expect(await page.$$eval(`${P} .chart .u-legend th`, (th) => th.map((e) => e.textContent?.trim()))).toContain('MLP test accuracy');

      // The pad's digit: maps and the prediction bars for it.
      await drawOne(page);
      const padMaps = await mapsWhen(page, (m) => m.source === 'pad');
      expect(padMaps.input).toBeGreaterThan(20);
      const probs = JSON.parse(await page.waitForFunction(() => document.getElementById('pg-pad')?.dataset.probs).then((h) => h.jsonValue()) as string) as number[];
      expect(probs).toHaveLength(10);
      expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);

      // Cleared, the maps go back to a test digit: the one chosen in the field, kept in the link.
      await page.click(`${P} button[name=clear-pad]`);
      await mapsWhen(page, (m) => m.source === 'test');
      await page.fill(`${P} input[name=digit]`, '7');
      await page.dispatchEvent(`${P} input[name=digit]`, 'change');
      const seventh = await mapsWhen(page, (m) => m.source === 'test' && m.index === 7);
      expect(seventh.input).not.toBe(first.input);
      expect(await page.textContent('#pg-maps .fm-source')).toMatch(/test digit #7 \(a \d\)/);
      const params = hashParams(page);
      expect(params.get('pgm.model')).toBe('lenet');
      expect(params.get('pgm.digit')).toBe('7');
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it.each([1280, 390])('every model name is shown whole in the model menu at %i px', async (width) => {
    const { page, problems, close } = await demo.open({ hash: 'pg.data=mnist&pgm.model=lenet-bn', width });
    try {
      // The text's width in the select's own font against the room the closed select gives it
      // (its content box less the arrow's ~24 px).
      const names = await page.$eval(`${P} select[name=model]`, (s) => {
        const select = s as HTMLSelectElement;
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.font = getComputedStyle(select).font;
        return Array.from(select.options, (o) => ({ name: o.text, text: ctx.measureText(o.text).width, room: select.clientWidth - 24 }));
      });
      expect(names.length).toBeGreaterThanOrEqual(5);
      for (const n of names) expect(n.text, n.name).toBeLessThanOrEqual(n.room);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('the other presets build from the model menu and step; batch norm refuses batches of one row and says why', async () => {
    const { page, problems, close } = await demo.open({ hash: 'pg.data=mnist&pg.speed=10' });
    try {
      await until(page, (s) => s.step === 0 && Number.isFinite(s.testLoss), 60_000);
      // The MLP: no feature maps, no comparison.
      expect(await page.isVisible('#pg-maps')).toBe(false);
      expect(await page.isVisible('#pg-compare')).toBe(false);
      for (const [model, channels, layerText] of [['cnn-small', [8], 'conv2d 8@3×3 pad 1 · relu'], ['lenet-bn', [6, 16], 'batchnorm2d · relu'], ['lenet-dropout', [6, 16], 'dropout p=0.25']] as const) {
        await page.selectOption(`${P} select[name=model]`, model);
        // A new run: a fresh status line at step 0 after the rebuild.
        await page.waitForFunction((run) => Number(document.getElementById('pg-status')?.dataset.run) > run, Number(await page.$eval('#pg-status', (e) => (e as HTMLElement).dataset.run)));
        await until(page, (s) => s.step === 0 && Number.isFinite(s.testLoss));
        expect(await page.$$eval('#pg-cnn-layers li', (li) => li.map((e) => e.textContent))).toContain(layerText);
        for (let i = 1; i <= 3; i++) {
          await page.click(`${P} button[name=step]`);
          await until(page, (s) => s.step === i);
        }
        const m = await mapsWhen(page, (x) => x.step === 3);
        expect(m.channels, model).toEqual(channels);
        expect(m.inked.map((l) => l.length)).toEqual([...channels]);
        expect(hashParams(page).get('pgm.model')).toBe(model);
      }
      // Stochastic descent gives batch norm batches of one row: refused, with the library's words.
      await page.selectOption(`${P} select[name=model]`, 'lenet-bn');
      await page.selectOption(`${P} select[name=mode]`, 'stochastic');
      await page.waitForSelector('#pg-alert:not([hidden])');
      expect(await page.textContent('#pg-alert')).toMatch(/batch normalisation needs more than 1/);
      // Back to mini-batches: it trains again.
      await page.selectOption(`${P} select[name=mode]`, 'mini-batch');
      await page.waitForSelector('#pg-alert', { state: 'hidden' });
      await until(page, (s) => s.step === 0 && Number.isFinite(s.testLoss));
      await page.click(`${P} button[name=step]`);
      await until(page, (s) => s.step === 1);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
