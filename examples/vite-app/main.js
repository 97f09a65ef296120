// descent in a Vite app: `npm i descent vite`, then `npx vite` (or `npx vite build`). Vite
// ships the kernels (.wasm) the browser entry refers to; the page fetches the one it uses.
// The run is examples/script/train.mjs's; test/package.test.ts builds this app from the packed
// package and checks, in Chromium, that its losses are Node's bit for bit.
import { createNetwork } from 'descent';
import { spiral } from 'descent/data';

const { x, y } = spiral({ samples: 200, classes: 3, seed: 1 });
const net = await createNetwork({ inputs: 2, layers: [{ units: 16, activation: 'tanh' }, { units: 3 }], loss: 'softmax_cross_entropy', seed: 2 }, { kernels: 'simd' });
const trainer = net.trainer(x, y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 32 });
const losses = [];
for (let i = 0; i < 60; i++) {
  trainer.step();
  losses.push(trainer.loss);
}
net.dispose();
document.getElementById('out').textContent = `loss ${losses[0].toFixed(4)} → ${losses.at(-1).toFixed(4)} in 60 steps`;
document.body.dataset.losses = JSON.stringify(losses);
