// Writes the descent side of the checkpoint fixtures (run after `npm run build`, before
// make_checkpoints.py): a small trained MLP saved by descent, and the inputs both sides predict on.
import { writeFileSync } from 'node:fs';
import { createNetwork } from '../../dist/descent.node.js';
import { saveCheckpoint } from '../../dist/descent.checkpoint.js';
import { spiral } from '../../dist/descent.data.js';

const dir = new URL('./checkpoints/', import.meta.url);
const data = spiral({ samples: 120, classes: 3, seed: 4 });
const net = await createNetwork({
  inputs: 2,
  layers: [{ units: 8, activation: 'tanh' }, { units: 6, activation: 'relu' }, { units: 4, activation: 'gelu' }, { units: 5, activation: 'sigmoid' }, { units: 3 }],
  loss: 'softmax_cross_entropy', init: 'xavier_uniform', seed: 11,
});
net.fitSync(data.x, data.y, { optimizer: { type: 'adam', lr: 0.02 }, epochs: 5, batchSize: 16, preflight: 'off' });
writeFileSync(new URL('descent-mlp.safetensors', dir), saveCheckpoint(net));
const inputs = Array.from(data.x.data.slice(0, 20 * 2));
writeFileSync(new URL('inputs.json', dir), JSON.stringify({ rows: 20, columns: 2, x: inputs }) + '\n');
console.log('wrote descent-mlp.safetensors and inputs.json');
