// TensorFlow.js 4.22 with the wasm backend (XNNPACK, SIMD, one thread in Node) or the
// pure-JS cpu backend: a layers model trained by the hand loop
// `tf.tidy(() => optimizer.minimize(() => loss, false))`, the cheapest per-step path tfjs
// offers (no fit() callbacks, no per-step data upload: batch tensors are made once).
import { ADAM } from './cases.mjs';

export async function open(backend = 'wasm') {
  const tf = await import('@tensorflow/tfjs');
  // PROD only silences tfjs's console warnings (the "install tfjs-node" banner); it changes
  // no computation.
  tf.enableProdMode();
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
  if (tf.getBackend() !== backend) throw new Error(`tfjs runs on ${tf.getBackend()}, not ${backend}`);

  return {
    describe: { backend, version: tf.version.tfjs },
    async prepare(c, data, init) {
      const { inputs, layers } = c.spec;
      const model = tf.sequential();
      layers.forEach((l, i) => {
        model.add(tf.layers.dense({ units: l.units, activation: l.activation, ...(i === 0 ? { inputShape: [inputs] } : {}) }));
      });
      // descent's weights are [units, inputs] (PyTorch's layout); a Dense kernel is [inputs, units].
      const setInit = () => {
        const ws = [];
        let fanIn = inputs;
        layers.forEach((l, i) => {
          ws.push(tf.tensor2d(transpose(init[i].weight, l.units, fanIn), [fanIn, l.units]), tf.tensor1d(init[i].bias));
          fanIn = l.units;
        });
        model.setWeights(ws);
        tf.dispose(ws);
      };

      // One x and one one-hot y tensor per batch, in order, made once and reused.
      const batches = [];
      for (let s = 0; s + c.batch <= c.rows; s += c.batch) {
        batches.push(tf.tidy(() => ({
          x: tf.tensor2d(data.x.subarray(s * inputs, (s + c.batch) * inputs), [c.batch, inputs]),
          y: tf.oneHot(tf.tensor1d(data.labels.subarray(s, s + c.batch), 'int32'), data.classes).toFloat(),
        })));
      }
      const newOptimizer = (a = ADAM) => tf.train.adam(a.lr, a.beta1, a.beta2, a.eps);
      const lossOf = (b) => () => tf.losses.softmaxCrossEntropy(b.y, model.apply(b.x));
      const lossFns = batches.map(lossOf);

      let optimizer = null;
      let next = 0;
      let tensorsBefore = -1;
      return {
        // `adam` replaces the shared settings for this trajectory only: the check's power
        // test (check.mjs) runs tfjs with a deliberately wrong lr or eps.
        trajectory(steps, adam = ADAM) {
          setInit();
          const opt = newOptimizer(adam);
          const losses = [];
          for (let i = 0; i < steps; i++) {
            const cost = opt.minimize(lossFns[i % lossFns.length], true);
            losses.push(cost.dataSync()[0]);
            cost.dispose();
          }
          opt.dispose();
          return losses;
        },
        arm() {
          setInit();
          optimizer?.dispose();
          optimizer = newOptimizer();
          tensorsBefore = -1;
        },
        run(k) {
          for (let i = 0; i < k; i++) {
            tf.tidy(() => {
              optimizer.minimize(lossFns[next], false);
            });
            next = next + 1 === lossFns.length ? 0 : next + 1;
          }
          // A leak would make later windows slower and is a bench bug: fail loudly. (Adam's
          // slots appear during the first step, so the count is taken after it.)
          const n = tf.memory().numTensors;
          if (tensorsBefore < 0) tensorsBefore = n;
          else if (n !== tensorsBefore) throw new Error(`tfjs leaked ${n - tensorsBefore} tensors in the timed loop`);
        },
        dispose() {
          optimizer?.dispose();
          for (const b of batches) tf.dispose([b.x, b.y]);
          model.dispose();
        },
      };
    },
  };
}

function transpose(w, rows, cols) {
  const t = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
  return t;
}
