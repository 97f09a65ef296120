// The runs every runtime repeats (test/runtime-runs/), in Chromium through the built browser
// entry: on the page, in a module Worker, and on 2 threads over shared memory (the page is
// cross-origin isolated). Every loss must be the one Node gives (expected.json), bit for bit.
import { describe, expect, it } from 'vitest';
import { createNetwork } from '../../dist/browser.js';
import '../../dist/threads.js'; // the threaded kernels (descent/threads)
import { spiral } from '../../dist/data.js';
import expected from '../runtime-runs/expected.json' with { type: 'json' };
import { stepLosses, threadedLosses } from '../runtime-runs/runs.js';

describe('Chromium repeats Node\'s runs bit for bit', () => {
  it('on the page', async () => {
    expect(await stepLosses(createNetwork, spiral)).toEqual(expected.steps);
  });

  it('in a module Worker', async () => {
    const worker = new Worker(new URL('./runtime-worker.ts', import.meta.url), { type: 'module' });
    const answer = await new Promise<{ losses?: number[]; error?: string }>((done) => {
      worker.onmessage = (event) => done(event.data);
      worker.postMessage(null);
    });
    worker.terminate();
    expect(answer.error).toBeUndefined();
    expect(answer.losses).toEqual(expected.steps);
  });

  it('on 2 threads over shared memory (cross-origin isolated page, the async fit)', async () => {
    expect(crossOriginIsolated).toBe(true);
    expect(await threadedLosses(createNetwork, spiral)).toEqual(expected.threaded);
  });
});
