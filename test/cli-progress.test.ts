// The train command's progress bar on a terminal: a verdict raised mid-epoch is held until the
// epoch's bar line is finished, so it is printed below that line and above the next bar, never
// over the bar; the bar shows steps/s and the run's ETA.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EpochBar } from '../src/cli/train-command.js';
import type { BatchInfo, EpochRecord } from '../src/types.js';

/** A stream that says it is a terminal, recording what is written (cursor moves as markers). */
function fakeTty(): { stream: NodeJS.WritableStream; text: () => string } {
  const chunks: string[] = [];
  const s = new PassThrough() as PassThrough & Record<string, unknown>;
  Object.assign(s, {
    isTTY: true, columns: 160, rows: 40,
    cursorTo: (_x: number, _y?: number, cb?: () => void) => { chunks.push('<cr>'); cb?.(); return true; },
    clearLine: (_dir: number, cb?: () => void) => { cb?.(); return true; },
    moveCursor: (_dx: number, _dy: number, cb?: () => void) => { cb?.(); return true; },
    clearScreenDown: (cb?: () => void) => { cb?.(); return true; },
    getWindowSize: () => [160, 40],
  });
  s.on('data', (d: Buffer) => chunks.push(`[bar]${d.toString()}`));
  return { stream: s, text: () => chunks.join('') };
}

const info = (epoch: number, batch: number): BatchInfo => ({ epoch, batch, step: epoch * 10 + batch + 1, batchSize: 4, loss: 0.5, lr: 0.1 });
const record = (epoch: number) => ({ epoch, loss: 0.5, train: { loss: 0.5, accuracy: 0.9 }, steps: 10, timeMs: 12, lr: 0.1 }) as unknown as EpochRecord;

describe('the epoch bar', () => {
  it('holds a verdict raised mid-epoch until the epoch line is done', async () => {
    const tty = fakeTty();
    const printed: string[] = [];
    const bar = new EpochBar(2, 10, tty.stream, (line) => printed.push(`${tty.text().length}:${line}`));
    bar.batch(info(0, 0));
    bar.batch(info(0, 1));
    bar.hold('verdict (epoch 1, step 2): exploding');
    expect(printed).toEqual([]);
    bar.end(record(0));
    await new Promise((r) => setImmediate(r));
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/:verdict \(epoch 1, step 2\): exploding$/);
    // Between bars, a held line prints at once.
    bar.hold('between epochs');
    expect(printed.at(-1)).toMatch(/:between epochs$/);
  });

  it('shows steps/s and the ETA of the whole run', async () => {
    const tty = fakeTty();
    const bar = new EpochBar(3, 10, tty.stream, () => {});
    bar.batch(info(0, 0));
    await new Promise((r) => setTimeout(r, 120));
    bar.batch(info(0, 1));
    bar.stop();
    await new Promise((r) => setImmediate(r));
    expect(tty.text()).toMatch(/[\d,]+ steps\/s \| [\d.]+ s \| ETA [\d.]+ s/);
  });
});
