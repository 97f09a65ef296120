// The run of examples/script/train.mjs on the kernels descent picks by default (no `kernels`
// option), in Node, Deno or Bun: test/runtimes.test.ts copies it beside a node_modules/descent.
// Prints the build the default picked, whether this runtime compiles each build's shipped file
// (WebAssembly.validate of its bytes, not the tiny probes descent decides by), and the 60 losses.
import { readFileSync } from 'node:fs';
import { createNetwork } from 'descent';
import { spiral } from 'descent/data';

const compiles = (file) => WebAssembly.validate(readFileSync(new URL(import.meta.resolve(`descent/${file}`))));
const { x, y } = spiral({ samples: 200, classes: 3, seed: 1 });
const net = await createNetwork({ inputs: 2, layers: [{ units: 16, activation: 'tanh' }, { units: 3 }], loss: 'softmax_cross_entropy', seed: 2 });
const trainer = net.trainer(x, y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 32 });
const losses = [];
for (let i = 0; i < 60; i++) {
  trainer.step();
  losses.push(trainer.loss);
}
const kernels = net.kernels;
net.dispose();
console.log(JSON.stringify({ kernels, compiles: { simd: compiles('descent.wasm'), relaxed: compiles('descent-relaxed.wasm') }, losses }));
