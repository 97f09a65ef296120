// A small classifier trained with descent, in Node, Deno or Bun — in a project where
// `npm i descent` was run:
//   node train.mjs    deno run --allow-read train.mjs    bun train.mjs
// (Deno reads the kernels beside the package's entry, hence --allow-read.) Prints the file the
// runtime loaded descent from and the loss of each of 60 steps; test/runtimes.test.ts runs it in
// all three and checks that the losses agree bit for bit.
import { createNetwork } from 'descent';
import { spiral } from 'descent/data';

const { x, y } = spiral({ samples: 200, classes: 3, seed: 1 });
// The SIMD build everywhere: relaxed SIMD rounds differently and Node 20 lacks it without a flag.
const net = await createNetwork({ inputs: 2, layers: [{ units: 16, activation: 'tanh' }, { units: 3 }], loss: 'softmax_cross_entropy', seed: 2 }, { kernels: 'simd' });
const trainer = net.trainer(x, y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 32 });
const losses = [];
for (let i = 0; i < 60; i++) {
  trainer.step();
  losses.push(trainer.loss);
}
net.dispose();
console.log(JSON.stringify({ entry: import.meta.resolve('descent'), losses }));
