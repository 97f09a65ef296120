// The runs every runtime repeats (test/runtime-runs/), in Chromium through the built browser
// entry: on the page, in a module Worker, and on 2 threads over shared memory (the page is
// cross-origin isolated). On the simd build every loss must be the one Node gives
// (expected.json), bit for bit; on the kernels the default picks — relaxed SIMD, which Chromium
// has without a flag — within f32 rounding of it.
import { describe, expect, it } from 'vitest';
import { createNetwork, kernelSupport } from '../../dist/browser.js';
import '../../dist/threads.js'; // the threaded kernels (descent/threads)
import { spiral } from '../../dist/data.js';
import expected from '../runtime-runs/expected.json' with { type: 'json' };
import { defaultRun, roundingBound, stepLosses, threadedLosses, threadedRun } from '../runtime-runs/runs.js';

/** In a module Worker: the run `message` asks runtime-worker.ts for. */
async function inWorker<T>(message: null | 'default'): Promise<T & { error?: string }> {
  const worker = new Worker(new URL('./runtime-worker.ts', import.meta.url), { type: 'module' });
  const answer = await new Promise<T & { error?: string }>((done) => {
    worker.onmessage = (event) => done(event.data);
    worker.postMessage(message);
  });
  worker.terminate();
  return answer;
}

const expectWithinRounding = (losses: number[], want: number[]) => {
  expect(losses).toHaveLength(want.length);
  losses.forEach((l, i) => expect(Math.abs(l - want[i]), `loss ${i}`).toBeLessThanOrEqual(roundingBound(want[i])));
};

describe('Chromium repeats Node\'s runs bit for bit', () => {
  it('on the page', async () => {
    expect(await stepLosses(createNetwork, spiral)).toEqual(expected.steps);
  });

  it('in a module Worker', async () => {
    const answer = await inWorker<{ losses?: number[] }>(null);
    expect(answer.error).toBeUndefined();
    expect(answer.losses).toEqual(expected.steps);
  });

  it('on 2 threads over shared memory (cross-origin isolated page, the async fit)', async () => {
    expect(crossOriginIsolated).toBe(true);
    expect(await threadedLosses(createNetwork, spiral)).toEqual(expected.threaded);
  });
});

// Chromium has had relaxed SIMD without a flag since version 114: its default must be the
// relaxed build, wherever descent trains in it (a page, a Worker as the demo's, 2 threads).
describe('Chromium\'s default kernels are the relaxed-SIMD build', () => {
  it('Chromium compiles the relaxed build (its own WebAssembly.validate on the shipped file, not descent\'s probe)', async () => {
    const bytes = await (await fetch(new URL('../../dist/descent-relaxed.wasm', import.meta.url))).arrayBuffer();
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(kernelSupport()).toEqual({ simd: true, relaxed: true });
  });

  it('on the page: relaxed, and the run is the simd run within f32 rounding', async ({ annotate }) => {
    const { kernels, losses } = await defaultRun(createNetwork, spiral);
    const same = JSON.stringify(losses) === JSON.stringify(expected.steps);
    await annotate(`Chromium ${navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1]}: default kernels ${kernels} (losses ${same ? 'equal to' : 'within f32 rounding of'} the simd run's)`);
    expect(kernels).toBe('relaxed');
    expectWithinRounding(losses, expected.steps);
  });

  it('in a module Worker: relaxed', async () => {
    const answer = await inWorker<{ kernels: string; losses: number[] }>('default');
    expect(answer.error).toBeUndefined();
    expect(answer.kernels).toBe('relaxed');
    expectWithinRounding(answer.losses, expected.steps);
  });

  it('on 2 threads: relaxed (its threaded twin), within f32 rounding of the simd run', async () => {
    const { kernels, losses } = await threadedRun(createNetwork, spiral);
    expect(kernels).toBe('relaxed');
    expectWithinRounding(losses, expected.threaded);
  });
});
