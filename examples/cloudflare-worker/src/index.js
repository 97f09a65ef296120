// A Cloudflare Worker that trains a small classifier on each request and answers with the loss
// of each of 60 steps (the run of examples/script/train.mjs), or with the error that stopped it.
// `npx wrangler dev` serves it: wrangler bundles 'descent' through its "workerd" entry, which
// imports the kernels as .wasm modules (a Worker may not compile wasm bytes itself).
import { createNetwork } from 'descent';
import { spiral } from 'descent/data';

export default {
  async fetch() {
    const { x, y } = spiral({ samples: 200, classes: 3, seed: 1 });
    let net;
    try {
      net = await createNetwork({ inputs: 2, layers: [{ units: 16, activation: 'tanh' }, { units: 3 }], loss: 'softmax_cross_entropy', seed: 2 }, { kernels: 'simd' });
    } catch (e) {
      return Response.json({ error: { name: e.name, message: e.message } });
    }
    const trainer = net.trainer(x, y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 32 });
    const losses = [];
    for (let i = 0; i < 60; i++) {
      trainer.step();
      losses.push(trainer.loss);
    }
    net.dispose();
    return Response.json({ losses });
  },
};
