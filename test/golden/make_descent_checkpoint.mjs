// Writes the descent side of the checkpoint fixtures (run after `npm run build`, before
// make_checkpoints.py): a small trained MLP saved by descent, and the inputs both sides predict on;
// then descent's optimizer state for the optimizer interop (test/optimizer-interop.test.ts); then
// a checkpoint of each layer kind. `--kinds` writes the layer kinds' part only.
import { writeFileSync } from 'node:fs';
import { createNetwork, createRng } from '../../dist/descent.node.js';
import { saveCheckpoint } from '../../dist/descent.checkpoint.js';
import { spiral } from '../../dist/descent.data.js';

const dir = new URL('./checkpoints/', import.meta.url);
const kindsOnly = process.argv.includes('--kinds');
if (!kindsOnly) {
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
}

// Layer kinds: a checkpoint of each kind, and a LeNet-like network with batch norm, dropout and
// layer norm (test/checkpoint-kinds.test.ts, test/onnx.test.ts). Each network's parameters and
// running statistics are set to seeded random values (BatchNorm's weight 1, bias 0, mean 0 and
// variance 1 would hide a swapped or misplaced tensor), then saved: descent-kind-<case>.safetensors.
// make_checkpoints.py loads each into a torch.nn.Sequential built from the file's descent.spec
// (load_state_dict strict) and writes its eval-mode outputs on the case's inputs, and builds the
// same Sequential itself, randomised by torch, to save torch-kind-<case>.safetensors. Small:
// at most a few hundred parameters, 6 rows each.
const kinds = [
  { name: 'conv2d', spec: { inputs: [2, 7, 6], layers: [{ type: 'conv2d', outChannels: 3, kernelSize: [3, 2], stride: [2, 1], padding: [1, 0], dilation: [1, 2], activation: 'relu' }, { type: 'flatten' }, { units: 4 }], loss: 'softmax_cross_entropy' } },
  // 'same' with an even kernel pads one more after than before; no bias.
  { name: 'conv2d-same', spec: { inputs: [1, 5, 6], layers: [{ type: 'conv2d', outChannels: 2, kernelSize: [2, 4], padding: 'same', dilation: [2, 1], bias: false, activation: 'tanh' }, { type: 'flatten' }, { units: 3 }], loss: 'mse' } },
  // Ceil mode where the last window would start in the padding after the input (5 rows, kernel 2,
  // stride 2, padding 1: 3 windows, not 4), as ATen drops it.
  { name: 'maxpool2d', spec: { inputs: [2, 5, 8], layers: [{ type: 'maxpool2d', kernelSize: [2, 3], stride: 2, padding: 1, ceilMode: true }, { type: 'maxpool2d', kernelSize: [2, 2], stride: 1, dilation: [2, 1] }, { type: 'flatten' }, { units: 3 }], loss: 'softmax_cross_entropy' } },
  { name: 'avgpool2d', spec: { inputs: [2, 5, 8], layers: [{ type: 'avgpool2d', kernelSize: [2, 3], stride: 2, padding: 1, ceilMode: true, countIncludePad: false }, { type: 'avgpool2d', kernelSize: [2, 3], stride: [1, 2], padding: [1, 1], ceilMode: true }, { type: 'avgpool2d', kernelSize: 3, stride: 2, padding: 1, ceilMode: true }, { type: 'flatten' }, { units: 3 }], loss: 'mse' } },
  { name: 'flatten', spec: { inputs: [2, 3, 3], layers: [{ type: 'flatten' }, { units: 4, activation: 'elu' }, { units: 2 }], loss: 'sigmoid_bce' } },
  { name: 'dropout', spec: { inputs: 5, layers: [{ units: 6, activation: 'relu' }, { type: 'dropout', p: 0.3 }, { units: 3 }, { type: 'dropout' }], loss: 'softmax_cross_entropy' } },
  { name: 'batchnorm1d', spec: { inputs: 4, layers: [{ units: 6 }, { type: 'batchnorm1d', activation: 'relu' }, { units: 5 }, { type: 'batchnorm1d', affine: false, momentum: null }, { units: 3 }], loss: 'softmax_cross_entropy' } },
  // Rows of [C, L], and without running statistics: evaluation normalises with the batch's.
  { name: 'batchnorm1d-cl', spec: { inputs: [3, 4], layers: [{ type: 'batchnorm1d', eps: 1e-3 }, { type: 'batchnorm1d', trackRunningStats: false }, { type: 'flatten' }, { units: 2 }], loss: 'mse' } },
  { name: 'batchnorm2d', spec: { inputs: [2, 4, 5], layers: [{ type: 'conv2d', outChannels: 3, kernelSize: 3, padding: 1 }, { type: 'batchnorm2d', activation: 'relu', momentum: 0.2 }, { type: 'flatten' }, { units: 3 }], loss: 'softmax_cross_entropy' } },
  { name: 'layernorm', spec: { inputs: [2, 3, 4], layers: [{ type: 'layernorm', normalizedShape: [3, 4], activation: 'gelu' }, { type: 'flatten' }, { units: 5 }, { type: 'layernorm', elementwiseAffine: false, eps: 1e-4 }, { units: 2 }], loss: 'mse' } },
  { name: 'activation', spec: { inputs: 3, layers: [{ units: 5 }, { type: 'activation', activation: 'softplus' }, { units: 4, activation: 'sigmoid' }, { type: 'activation', activation: 'leaky_relu' }, { units: 3 }], loss: 'softmax_cross_entropy' } },
  {
    name: 'lenet', spec: {
      inputs: [1, 12, 12], layers: [
        { type: 'conv2d', outChannels: 4, kernelSize: 3, padding: 0 }, { type: 'batchnorm2d', activation: 'relu' }, { type: 'maxpool2d', kernelSize: 2 },
        { type: 'conv2d', outChannels: 6, kernelSize: 3, padding: 'same', activation: 'relu' }, { type: 'avgpool2d', kernelSize: 3, stride: 2, padding: 1, ceilMode: true },
        { type: 'flatten' }, { units: 16 }, { type: 'layernorm', activation: 'relu' }, { type: 'dropout', p: 0.25 }, { units: 3 },
      ], loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 3,
    },
  },
];
const ROWS = 6;
const rng = createRng(2024);
const kindCases = [];
for (const c of kinds) {
  const net = await createNetwork(c.spec);
  net.setParameters(net.getParameters().map((p) => ({ weight: p.weight.map(() => rng.normal() * 0.5), bias: p.bias.map(() => rng.normal() * 0.5) })));
  net.setState(net.getState().map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === 'num_batches_tracked' ? Float32Array.of(7) : v.map(() => (k === 'running_var' ? 0.5 + rng.uniform() : rng.normal() * 0.5))]))));
  writeFileSync(new URL(`descent-kind-${c.name}.safetensors`, dir), saveCheckpoint(net));
  const x = Array.from({ length: ROWS * net.inputs }, () => Math.round(rng.normal() * 1e4) / 1e4);
  kindCases.push({ name: c.name, spec: c.spec, rows: ROWS, x });
  net.dispose();
}
writeFileSync(new URL('kinds.json', dir), JSON.stringify({ cases: kindCases }) + '\n');
console.log(`wrote ${kinds.map((c) => `descent-kind-${c.name}.safetensors`).join(', ')} and kinds.json`);
