// The playground in real Chromium: training runs and the loss falls (spiral, MNIST), Step is
// exactly one optimizer step, reset and the URL hash reproduce a run bit for bit, own points
// and CSV files become the training data, a bad CSV is refused with a message, a diverging
// run stops with the remedy, best of N keeps the winning seed. No console error anywhere.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { useDemo } from './page.js';

const P = '#panel-playground';
const click = (page: Page, name: string) => page.click(`${P} button[name=${name}]`);

interface Status { step: number; loss: number; epoch: number; testLoss: number; trainLoss: number; accuracy: number; trainAccuracy: number; playing: boolean; run: number }

async function status(page: Page): Promise<Status> {
  return page.$eval('#pg-status', (e) => {
    const d = (e as HTMLElement).dataset;
    return { step: Number(d.step), loss: Number(d.loss), epoch: Number(d.epoch), testLoss: Number(d.testLoss), trainLoss: Number(d.trainLoss), accuracy: Number(d.accuracy), trainAccuracy: Number(d.trainAccuracy), playing: d.playing === 'true', run: Number(d.run) };
  });
}

async function until(page: Page, ok: (s: Status) => boolean, timeout = 20_000): Promise<Status> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const s = await status(page);
    if (Number.isFinite(s.step) && ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`#pg-status never satisfied the condition; last ${JSON.stringify(s)}`);
    await page.waitForTimeout(40);
  }
}

/** Two epochs through "Step one epoch", then the status once the run has stopped there. */
async function twoEpochs(page: Page, stepsPerEpoch: number): Promise<Status> {
  const start = await until(page, (s) => s.step === 0 && !s.playing);
  await click(page, 'epoch');
  await until(page, (s) => s.step === stepsPerEpoch && !s.playing);
  await click(page, 'epoch');
  const end = await until(page, (s) => s.step === 2 * stepsPerEpoch && !s.playing);
  expect(end.epoch).toBeGreaterThanOrEqual(1);
  expect(start.run).toBeLessThanOrEqual(end.run);
  return end;
}

describe('the playground panel', () => {
  const demo = useDemo();

  it('trains on the spiral: Step is exactly one step, the loss falls, nothing scrolls sideways at 390 px', async () => {
    const { page, problems, close } = await demo.open({ width: 390, height: 800, hash: 'pg.speed=10' });
    try {
      const start = await until(page, (s) => s.step === 0 && Number.isFinite(s.testLoss));
      await click(page, 'step');
      await until(page, (s) => s.step === 1);
      await click(page, 'step');
      await until(page, (s) => s.step === 2);
      await page.waitForTimeout(300);
      expect((await status(page)).step).toBe(2);
      await click(page, 'play');
      await until(page, (s) => s.step >= 800);
      await click(page, 'pause');
      const end = await until(page, (s) => !s.playing && s.step >= 800);
      expect(end.testLoss).toBeLessThan(start.testLoss * 0.6);
      expect(end.accuracy).toBeGreaterThan(0.6);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('reset gives the same run again, a new initialisation a different one, and the hash restores it', async () => {
    // xor, 400 points, 20 % test → 320 training rows, batches of 16 → 20 steps per epoch.
    const hash = 'pg.data=xor&pg.seed=7&pg.layers=8:relu,8:tanh&pg.type=sgd&pg.lr=0.1&pg.momentum=0.9&pg.speed=10';
    const { page, problems, close } = await demo.open({ hash });
    try {
      const first = await twoEpochs(page, 20);
      await click(page, 'reset');
      const again = await twoEpochs(page, 20);
      expect(again.loss).toBe(first.loss);
      expect(again.testLoss).toBe(first.testLoss);
      await click(page, 'new-init');
      const other = await twoEpochs(page, 20);
      expect(other.loss).not.toBe(first.loss);
      const seed = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('pg.seed');
      expect(seed).not.toBe('7');
      expect(problems).toEqual([]);

      // The same link in a fresh page: the same run, step for step.
      const link = new URL(page.url()).hash.slice(1);
      const second = await demo.open({ hash: link });
      try {
        const restored = await twoEpochs(second.page, 20);
        expect(restored.loss).toBe(other.loss);
        expect(restored.testLoss).toBe(other.testLoss);
        expect(await second.page.$eval(`${P} select[name=optimizer]`, (e) => (e as HTMLSelectElement).value)).toBe('sgd');
        expect(second.problems).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      await close();
    }
  });

  it('own points: clicks and shift-clicks add classes A and B, and the net trains on them', async () => {
    const { page, problems, close } = await demo.open({ hash: 'pg.data=own&pg.test=0&pg.speed=10' });
    try {
      const box = (await page.locator('#pg-canvas').boundingBox())!;
      for (const [fx, fy, shift] of [[0.2, 0.2, false], [0.25, 0.7, false], [0.15, 0.5, false], [0.8, 0.3, true], [0.75, 0.8, true], [0.85, 0.5, true]] as const) {
        if (shift) await page.keyboard.down('Shift');
        await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
        if (shift) await page.keyboard.up('Shift');
      }
      await expect.poll(() => page.textContent('#pg-point-count')).toBe('6 points');
      const pts = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('pg.pts')!;
      expect(pts.split('_').map((p) => p.split('*')[2])).toEqual(['0', '0', '0', '1', '1', '1']);
      // The keyboard way: fields and a button.
      await page.fill(`${P} input[name=point-x]`, '1');
      await page.dispatchEvent(`${P} input[name=point-x]`, 'change');
      await page.selectOption(`${P} select[name=point-class]`, '1');
      await click(page, 'add-point');
      await expect.poll(() => page.textContent('#pg-point-count')).toBe('7 points');
      await until(page, (s) => s.step === 0);
      await click(page, 'play');
      const trained = await until(page, (s) => s.step >= 300 && s.trainAccuracy === 1);
      expect(trained.trainLoss).toBeLessThan(0.3);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('a CSV from the file input becomes the data; a bad one dropped on the plot is refused with the line named', async () => {
    const { page, problems, close } = await demo.open({ hash: 'pg.speed=10' });
    try {
      const rows = ['x1,x2,label'];
      for (let i = 0; i < 40; i++) rows.push(`${(i % 2 ? 5 : -5) + (i % 7) * 0.1},${(i % 5) * 0.2},${i % 2 ? 'dog' : 'cat'}`);
      await page.setInputFiles('#pg-csv', { name: 'pets.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
      await expect.poll(() => page.textContent('#pg-point-count')).toBe('40 points');
      expect(await page.$eval(`${P} select[name=data]`, (e) => (e as HTMLSelectElement).value)).toBe('own');
      await until(page, (s) => s.step === 0);
      await click(page, 'play');
      await until(page, (s) => s.step >= 200 && s.trainAccuracy === 1);
      await click(page, 'pause');

      await page.evaluate(() => {
        const dt = new DataTransfer();
        dt.items.add(new File(['x1,x2,label\n0.1,0.2,0\n0.3,abc,1\n0.5,0.5\n'], 'bad.csv', { type: 'text/csv' }));
        document.querySelector('#panel-playground figure')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      });
      await page.waitForSelector('#pg-csv-error:not([hidden])');
      const message = await page.textContent('#pg-csv-error');
      expect(message).toContain('line 3: x2 is "abc", not a number');
      expect(message).toContain('line 4: expected 3 values');
      await expect.poll(() => page.textContent('#pg-point-count')).toBe('40 points');
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('a diverging run (linear layers, sgd lr 10) stops and says what to do', async () => {
    const { page, problems, close } = await demo.open({ hash: 'pg.layers=16:linear,16:linear&pg.type=sgd&pg.lr=10&pg.speed=10' });
    try {
      await until(page, (s) => s.step === 0);
      await click(page, 'play');
      await page.waitForSelector('#pg-alert:not([hidden])');
      const s = await until(page, (x) => !x.playing);
      expect(Number.isFinite(s.loss)).toBe(false);
      const text = await page.textContent('#pg-alert');
      expect(text).toContain('no longer a number');
      expect(text).toContain('Lower lr');
      await expect.poll(() => page.textContent('#announcer')).toContain('Lower lr');
      await page.waitForTimeout(200);
      expect((await status(page)).step).toBe(s.step);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('best of N restarts shows every seed, keeps the one with the lowest test loss and announces it', async () => {
    const { page, problems, close } = await demo.open({ hash: 'pg.data=circle&pg.restarts=3&pg.budget=50' });
    try {
      await until(page, (s) => s.step === 0);
      await click(page, 'restarts');
      await page.waitForSelector('#pg-restarts table');
      const rows = await page.$$eval('#pg-restarts tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
      expect(rows).toHaveLength(3);
      const losses = rows.map((r) => Number(r[1]));
      const winner = rows.find((r) => r[3].includes('kept'))!;
      expect(Number(winner[1])).toBe(Math.min(...losses));
      await expect.poll(() => new URLSearchParams(new URL(page.url()).hash.slice(1)).get('pg.seed') ?? '1').toBe(winner[0]);
      const s = await until(page, (x) => x.step === 50);
      expect(s.testLoss.toFixed(4)).toBe(winner[1]);
      await expect.poll(() => page.textContent('#announcer')).toContain(`seed ${winner[0]}`);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('Download model saves the network and its run: a checkpoint descent loads and resumes at the step shown', async () => {
    const { page, problems, close } = await demo.open({ hash: 'pg.speed=10' });
    try {
      await until(page, (s) => s.step === 0 && Number.isFinite(s.testLoss));
      for (let i = 1; i <= 5; i++) {
        await click(page, 'step');
        await until(page, (s) => s.step === i);
      }
      const [download] = await Promise.all([page.waitForEvent('download'), click(page, 'download')]);
      expect(download.suggestedFilename()).toBe('descent-spiral-step-5.safetensors');
      const bytes = new Uint8Array(readFileSync((await download.path())!));
      const { readCheckpoint, loadCheckpoint } = await import('../../dist/checkpoint.js');
      const { createNetwork } = await import('../../dist/node.js');
      const contents = readCheckpoint(bytes);
      expect(JSON.parse(contents.metadata['descent.demo.config']).data).toBe('spiral');
      const net = await createNetwork(contents.spec!);
      const { training } = loadCheckpoint(net, bytes);
      expect(training!.optimizer.step).toBe(5);
      expect(training!.run!.state.steps).toBe(5);
      net.dispose();
      // Saving is between two steps: the run goes on where it was.
      await click(page, 'step');
      await until(page, (s) => s.step === 6);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('MNIST: the digits load on demand, the loss falls, and a drawn digit gets ten probabilities', async () => {
    const { page, problems, close } = await demo.open({ hash: 'pg.data=mnist&pg.speed=10' });
    try {
      const start = await until(page, (s) => s.step === 0 && Number.isFinite(s.testLoss), 30_000);
      expect(start.testLoss).toBeGreaterThan(1.5);
      // MNIST keeps its own network settings (prefix pgm): one hidden layer of 64 ReLUs.
      expect(await page.$eval(`${P} input[name=units-0]`, (e) => (e as HTMLInputElement).value)).toBe('64');
      expect(await page.$$(`${P} input[name=units-1]`)).toHaveLength(0);
      expect(await page.isVisible('#pg-canvas')).toBe(false);
      await click(page, 'play');
      await until(page, (s) => s.step >= 300);
      await click(page, 'pause');
      const end = await until(page, (s) => !s.playing && s.step >= 300);
      expect(end.testLoss).toBeLessThan(start.testLoss * 0.5);
      const pad = (await page.locator('#pg-pad canvas').first().boundingBox())!;
      await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.2);
      await page.mouse.down();
      for (let i = 1; i <= 12; i++) await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * (0.2 + i * 0.05));
      await page.mouse.up();
      const probs = await page.waitForFunction(() => document.getElementById('pg-pad')?.dataset.probs).then((h) => h.jsonValue()) as string;
      const p = JSON.parse(probs) as number[];
      expect(p).toHaveLength(10);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
