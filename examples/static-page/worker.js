// The static page's module Worker: the same run as the page, posted back as losses.
import { createNetwork } from './node_modules/descent/dist/browser.js';
import { spiral } from './node_modules/descent/dist/data.js';

const { x, y } = spiral({ samples: 200, classes: 3, seed: 1 });
const net = await createNetwork({ inputs: 2, layers: [{ units: 16, activation: 'tanh' }, { units: 3 }], loss: 'softmax_cross_entropy', seed: 2 }, { kernels: 'simd' });
const trainer = net.trainer(x, y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 32 });
const losses = [];
for (let i = 0; i < 60; i++) {
  trainer.step();
  losses.push(trainer.loss);
}
net.dispose();
self.postMessage(losses);
