// Placeholder demo: trains a 2-32-32-3 tanh network on the spiral with the async fit,
// which yields to the page between slices of work, and logs every tenth epoch.
import { createNetwork } from '../dist/browser.js';
import { spiral } from '../dist/data.js';

const log = document.getElementById('log');
const data = spiral({ samples: 600, classes: 3, seed: 1 });
const net = await createNetwork({
  inputs: 2,
  layers: [{ units: 32, activation: 'tanh' }, { units: 32, activation: 'tanh' }, { units: 3 }],
  loss: 'softmax_cross_entropy',
  init: 'xavier_uniform',
  seed: 1,
});
log.textContent = `${net.parameterCount} parameters\n`;
await net.fit(data.x, data.y, {
  optimizer: { type: 'adam', lr: 0.01 },
  batchSize: 32,
  epochs: 200,
  onEpochEnd: (e) => {
    if (e.epoch % 10 === 9) log.textContent += `epoch ${e.epoch + 1}: loss ${e.loss.toFixed(4)}, accuracy ${(100 * e.train.accuracy).toFixed(1)}%\n`;
  },
});
