// The LeNet-5-like case on TensorFlow.js 4.22 with the wasm backend (XNNPACK, SIMD, one
// thread in Node), trained like the MLP rows (impl-tfjs.mjs): a layers model, batch tensors
// made once, the hand loop `tf.tidy(() => optimizer.minimize(() => loss, false))`.
// tfjs works channels-last (NHWC): with one input channel a [1, 28, 28] MNIST row is already a
// [28, 28, 1] image, but the weights are re-laid out from PyTorch's (see tfjsWeights), and
// the conv filter gradient the backend lacks is registered first (tfjs-conv-filter-grad.mjs).
import { ADAM } from './cases.mjs';
import { checkFilterGrad, registerWasmConv2DBackpropFilter } from './tfjs-conv-filter-grad.mjs';

export async function open(backend = 'wasm') {
  const tf = await import('@tensorflow/tfjs');
  tf.enableProdMode(); // silences the "use tfjs-node" banner only
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
  if (tf.getBackend() !== backend) throw new Error(`tfjs runs on ${tf.getBackend()}, not ${backend}`);
  let filterGradCheck = null;
  if (backend === 'wasm') {
    registerWasmConv2DBackpropFilter(tf);
    // The LeNet shapes at batch 8, against tfjs-backend-cpu's own Conv2DBackpropFilter.
    filterGradCheck = await checkFilterGrad(tf, [
      { x: [8, 28, 28, 1], filter: [5, 5, 1, 6], pad: 'same' },
      { x: [8, 14, 14, 6], filter: [5, 5, 6, 16], pad: 'valid' },
    ]);
    if (!(filterGradCheck < 1e-4)) throw new Error(`the bench's wasm Conv2DBackpropFilter disagrees with tfjs-backend-cpu's: max |diff| / max |ref| = ${filterGradCheck}`);
  }

  return {
    describe: { backend, version: tf.version.tfjs, filterGrad: 'bench-registered (Transpose + XNNPACK Conv2D)', filterGradCheck },
    async prepare(c, data) {
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
          tf.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 120, activation: 'relu' }),
          tf.layers.dense({ units: 84, activation: 'relu' }),
          tf.layers.dense({ units: 10, activation: 'linear' }),
        ],
      });
      const initial = tfjsWeights(data.tensors);
      const setInit = () => {
        const ws = initial.map(({ values, shape }) => tf.tensor(values, shape));
        model.setWeights(ws);
        tf.dispose(ws);
      };

      const batches = [];
      for (let s = 0; s + c.batch <= c.rows; s += c.batch) {
        batches.push(tf.tidy(() => ({
          x: tf.tensor4d(data.x.subarray(s * 784, (s + c.batch) * 784), [c.batch, 28, 28, 1]),
          y: tf.oneHot(tf.tensor1d(data.labels.subarray(s, s + c.batch), 'int32'), 10).toFloat(),
        })));
      }
      const newOptimizer = () => tf.train.adam(ADAM.lr, ADAM.beta1, ADAM.beta2, ADAM.eps);
      const lossFns = batches.map((b) => () => tf.losses.softmaxCrossEntropy(b.y, model.apply(b.x)));

      let optimizer = null;
      let next = 0;
      let tensorsBefore = -1;
      return {
        trajectory(steps) {
          setInit();
          const opt = newOptimizer();
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
          next = 0;
          tensorsBefore = -1;
        },
        run(k) {
          for (let i = 0; i < k; i++) {
            tf.tidy(() => {
              optimizer.minimize(lossFns[next], false);
            });
            next = next + 1 === lossFns.length ? 0 : next + 1;
          }
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

/**
 * PyTorch's tensors (LENET_TENSORS order) as the layers model's weights, in its order
 * (kernel, bias per layer): a conv weight [out, in, kh, kw] becomes a kernel [kh, kw, in, out];
 * a linear weight [out, in] becomes [in, out]; and fc1's inputs are re-ordered, because
 * PyTorch flattens a [16, 5, 5] map channel-first (c·25 + h·5 + w) while tfjs flattens its
 * [5, 5, 16] map channel-last ((h·5 + w)·16 + c).
 */
export function tfjsWeights(tensors) {
  const by = new Map(tensors.map((t) => [t.name, t]));
  const conv = (name) => {
    const { values: w, shape: [o, i, kh, kw] } = by.get(name);
    const k = new Float32Array(w.length);
    for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) {
      k[((y * kw + x) * i + b) * o + a] = w[((a * i + b) * kh + y) * kw + x];
    }
    return { values: k, shape: [kh, kw, i, o] };
  };
  const linear = (name, inputIndex = (j) => j) => {
    const { values: w, shape: [o, n] } = by.get(name);
    const k = new Float32Array(w.length);
    for (let a = 0; a < o; a++) for (let j = 0; j < n; j++) k[inputIndex(j) * o + a] = w[a * n + j];
    return { values: k, shape: [n, o] };
  };
  const bias = (name) => ({ values: by.get(name).values, shape: by.get(name).shape });
  // PyTorch input j = c·25 + h·5 + w of the [16, 5, 5] map → tfjs input (h·5 + w)·16 + c.
  const chw2hwc = (j) => (j % 25) * 16 + Math.floor(j / 25);
  return [
    conv('conv1.weight'), bias('conv1.bias'),
    conv('conv2.weight'), bias('conv2.bias'),
    linear('fc1.weight', chw2hwc), bias('fc1.bias'),
    linear('fc2.weight'), bias('fc2.bias'),
    linear('fc3.weight'), bias('fc3.bias'),
  ];
}
