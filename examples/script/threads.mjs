// The same kind of classifier trained on 2 threads (each batch shared over one shared memory),
// in Node, Deno or Bun:
//   node threads.mjs    deno run --allow-read threads.mjs    bun threads.mjs
// Prints the thread count and each epoch's loss; test/runtimes.test.ts runs it in all three and
// checks the losses against Node's (and the browsers' 2-thread run) bit for bit.
import { createNetwork } from 'descent';
import { spiral } from 'descent/data';

const { x, y } = spiral({ samples: 300, classes: 3, seed: 3 });
const net = await createNetwork({ inputs: 2, layers: [{ units: 16, activation: 'tanh' }, { units: 3 }], loss: 'softmax_cross_entropy', seed: 2 }, { kernels: 'simd', threads: 2 });
const history = await net.fit(x, y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 64, epochs: 4, preflight: 'off', diagnostics: false });
const threads = net.threads;
net.dispose();
console.log(JSON.stringify({ threads, losses: history.epochs.map((e) => e.loss) }));
