// One seeded training run through the package's own entry, as a user's script in any runtime
// would write it; prints the file the runtime resolved and every loss's bits, for comparison.
import { createNetwork } from 'descent';
import { spiral } from 'descent/data';

const { x, y } = spiral({ samples: 200, classes: 3, seed: 1 });
// The SIMD build everywhere: relaxed SIMD rounds differently and Node 20 lacks it without a flag.
const net = await createNetwork({ inputs: 2, layers: [{ units: 16, activation: 'tanh' }, { units: 3 }], loss: 'softmax_cross_entropy', seed: 2 }, { kernels: 'simd' });
const trainer = net.trainer(x, y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 32 });
const bits = new BigUint64Array(1);
const view = new Float64Array(bits.buffer);
const losses = [];
for (let i = 0; i < 60; i++) {
  trainer.step();
  view[0] = trainer.loss;
  losses.push(bits[0].toString(16));
}
net.dispose();
console.log(JSON.stringify({ entry: import.meta.resolve('descent'), losses }));
