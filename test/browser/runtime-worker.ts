// Module Worker for runtimes.test.ts: the one-thread run of test/runtime-runs/, in a Worker, on
// the simd build (message null) or on the kernels the default picks (message 'default').
import { createNetwork } from '../../dist/browser.js';
import { spiral } from '../../dist/data.js';
import { defaultRun, stepLosses } from '../runtime-runs/runs.js';

self.onmessage = async (event: MessageEvent<null | 'default'>) => {
  try {
    self.postMessage(event.data === 'default' ? await defaultRun(createNetwork, spiral) : { losses: await stepLosses(createNetwork, spiral) });
  } catch (error) {
    self.postMessage({ error: String((error as Error).stack ?? error) });
  }
};
