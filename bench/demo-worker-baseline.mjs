// The bare Worker of bench/demo-worker.mjs: the library's browser entry (what `import 'descent'`
// gives a bundler) stepping CASE's trainer in a tight loop, with no demo around it.
import { createNetwork } from '../dist/browser.js';
import { spiral } from '../dist/data.js';
import { prepare, runWindow } from './demo-case.mjs';

let run = null;
self.onmessage = async ({ data }) => {
  try {
    if (data.type === 'prepare') {
      run = await prepare(createNetwork, spiral);
      self.postMessage({ result: run.net.kernels });
    } else if (data.type === 'window') {
      self.postMessage({ result: runWindow(run, data.ms, false) });
    }
  } catch (err) {
    self.postMessage({ error: String(err?.message ?? err) });
  }
};
