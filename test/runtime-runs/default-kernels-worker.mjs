// default-kernels.mjs as a Cloudflare Worker (test/runtimes.test.ts bundles it with the workerd
// condition and serves it in workerd). A Worker cannot read files, so the builds' bytes come as
// data modules, simd.bin and relaxed.bin (descent.wasm and descent-relaxed.wasm).
import { createNetwork } from 'descent';
import { spiral } from 'descent/data';
import simdBytes from './simd.bin';
import relaxedBytes from './relaxed.bin';

export default {
  async fetch() {
    try {
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
      return Response.json({ kernels, compiles: { simd: WebAssembly.validate(simdBytes), relaxed: WebAssembly.validate(relaxedBytes) }, losses });
    } catch (e) {
      return Response.json({ error: { name: e.name, message: e.message } });
    }
  },
};
