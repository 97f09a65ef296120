// brain.js 1.6.1 (npm's `latest`): NeuralNetwork with sigmoid hidden *and* output layers,
// MSE, and its own online SGD (learningRate 0.3, momentum 0.1) — it has no mini-batches
// and no softmax, so it is a batch-1 row only and cannot join the loss cross-check.
// Each timed step is the public `train([oneSample], { iterations: 1 })`: one forward, one
// backward and one weight update per call, plus the per-call option and data formatting the
// public API does (a 784-float copy, small next to ~235k multiply-adds each way).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export async function open() {
  const brain = require('brain.js');
  const version = require('brain.js/package.json').version;
  return {
    describe: { version, what: 'sigmoid/MSE, online SGD, train() 1 sample × 1 iteration per step' },
    async prepare(c, data) {
      const { inputs } = c.spec;
      const hidden = c.spec.layers.slice(0, -1).map((l) => l.units);
      const net = new brain.NeuralNetwork({ hiddenLayers: hidden, activation: 'sigmoid' });
      // brain.js wants plain arrays (it tests Array.isArray) and one-hot outputs.
      const samples = Array.from({ length: c.rows }, (_, r) => {
        const output = new Array(data.classes).fill(0);
        output[data.labels[r]] = 1;
        return [{ input: Array.from(data.x.subarray(r * inputs, (r + 1) * inputs)), output }];
      });
      const opts = { iterations: 1, log: false };
      net.train(samples[0], opts); // sizes the network and draws its own initial weights
      let next = 0;
      return {
        trajectory() {
          return null;
        },
        arm() {},
        run(k) {
          for (let i = 0; i < k; i++) {
            net.train(samples[next], opts);
            next = next + 1 === samples.length ? 0 : next + 1;
          }
        },
        dispose() {},
      };
    },
  };
}
