// Writes the descent side of the checkpoint fixtures (run after `npm run build`, before
// make_checkpoints.py): a small trained MLP saved by descent, and the inputs both sides predict on;
// then descent's optimizer state for the optimizer interop (test/optimizer-interop.test.ts).
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

// Optimizer state. Each case trains a 2-8(tanh)-3 classifier K full-batch steps (mode 'batch':
// every row each step, no shuffling, so PyTorch can take the very same steps) and saves it at
// step K with the run's snapshot: descent-<case>-state.safetensors. make_checkpoints.py puts
// that state into torch.optim and takes M more steps, and trains the same network K + M steps
// itself from the initial parameters written here. Small on purpose: 51 parameters, 30 rows.
const K = 4;
const M = 4;
const spec = { inputs: 2, layers: [{ units: 8, activation: 'tanh' }, { units: 3 }], loss: 'softmax_cross_entropy', init: 'xavier_uniform', seed: 7 };
const small = spiral({ samples: 30, classes: 3, seed: 5 });
const cases = [
  { name: 'adam', optimizer: { type: 'adam', lr: 0.05 } },
  // β₂ 0.9 so that AMSGrad's max_exp_avg_sq already differs from exp_avg_sq at step K (with
  // 0.999 it barely ever does in a few steps), and L2 weight decay on top.
  { name: 'adam-amsgrad', optimizer: { type: 'adam', lr: 0.05, betas: [0.9, 0.9], amsgrad: true, weightDecay: 0.01 } },
  { name: 'adamw', optimizer: { type: 'adamw', lr: 0.05, weightDecay: 0.1 } },
  // SGD keeps no step count in torch.optim: its file from PyTorch has a momentum_buffer only.
  { name: 'sgd-nesterov', optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true } },
];
let init = null;
for (const c of cases) {
  const net = await createNetwork(spec);
  const start = net.getParameters().map((p) => ({ weight: Array.from(p.weight), bias: Array.from(p.bias) }));
  if (init && JSON.stringify(start) !== JSON.stringify(init)) throw new Error('the seed gave another initial network');
  init = start;
  let bytes = null;
  const history = net.fitSync(small.x, small.y, {
    optimizer: c.optimizer, mode: 'batch', epochs: K, preflight: 'off',
    onBatchEnd: (info, run) => { if (info.step === K) bytes = saveCheckpoint(net, { training: run.snapshot() }); },
  });
  if (!bytes || history.steps !== K) throw new Error(`${c.name}: no checkpoint at step ${K}`);
  writeFileSync(new URL(`descent-${c.name}-state.safetensors`, dir), bytes);
}
const fixture = { spec, rows: small.x.shape[0], columns: 2, x: Array.from(small.x.data), y: Array.from(small.y), init, steps: K, more: M, cases };
writeFileSync(new URL('optimizer-interop.json', dir), JSON.stringify(fixture) + '\n');
console.log(`wrote ${cases.map((c) => `descent-${c.name}-state.safetensors`).join(', ')} and optimizer-interop.json`);
