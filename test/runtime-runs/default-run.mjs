// The run both default-kernels scripts make (in Node, Deno, Bun, and as a Cloudflare Worker):
// examples/script/train.mjs's network on the kernels descent picks by default (no `kernels`
// option), 60 steps. Returns the build the default picked and the losses.
import { createNetwork } from 'descent';
import { spiral } from 'descent/data';

export async function defaultRun() {
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
  return { kernels, losses };
}
