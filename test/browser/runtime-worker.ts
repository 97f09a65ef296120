// Module Worker for runtimes.test.ts: the one-thread run of test/runtime-runs/, in a Worker.
import { createNetwork } from '../../dist/browser.js';
import { spiral } from '../../dist/data.js';
import { stepLosses } from '../runtime-runs/runs.js';

self.onmessage = async () => {
  try {
    self.postMessage({ losses: await stepLosses(createNetwork, spiral) });
  } catch (error) {
    self.postMessage({ error: String((error as Error).stack ?? error) });
  }
};
