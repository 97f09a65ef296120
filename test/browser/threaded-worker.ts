// Module Worker for threads.test.ts: trains a 2-thread network with the synchronous API
// (allowed here: a Worker may block on Atomics.wait) and posts back the parameters.
import { createNetwork } from '../../dist/browser.js';
import '../../dist/threads.js'; // the threaded kernels (descent/threads)

self.onmessage = async (event: MessageEvent) => {
  const { spec, x, y, options } = event.data;
  try {
    const net = await createNetwork(spec, { threads: 2 });
    net.fitSync(x, y, options);
    const params = net.getParameters();
    const trainer = net.trainer(x, y, { optimizer: { type: 'sgd', lr: 0 } });
    trainer.step();
    self.postMessage({ threads: net.threads, params, stepLoss: trainer.loss });
    net.dispose();
  } catch (error) {
    self.postMessage({ error: String((error as Error).stack ?? error) });
  }
};
