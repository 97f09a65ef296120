// A Cloudflare Worker that trains test/runtimes/train.mjs's run on each request and answers with
// the losses' bits (as train.mjs prints them), or with the error that stopped it.
import { createNetwork, kernelSupport } from 'descent';
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
    const bits = new BigUint64Array(1);
    const view = new Float64Array(bits.buffer);
    const losses = [];
    for (let i = 0; i < 60; i++) {
      trainer.step();
      view[0] = trainer.loss;
      losses.push(bits[0].toString(16));
    }
    net.dispose();
    return Response.json({ losses, kernels: kernelSupport() });
  },
};
