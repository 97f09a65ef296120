// One cold start, in a fresh process (`node cold-child.mjs <what>`): the clock starts just
// before the library is imported and stops when the first synchronous training step has
// returned. Prints one line `COLD {"ms": …}` (tfjs also writes a banner to the console).
// Data are made before the clock starts: building the input is the caller's cost, not the
// library's.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { CASES, ADAM, makeData } from './cases.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const what = process.argv[2];
const c = what === 'descent-tiny' ? CASES.find((k) => k.id === 'tiny-b32') : CASES.find((k) => k.id === 'mlp-b32');
const cold = { ...c, rows: c.batch }; // one batch is all a first step needs
const data = makeData(cold);

let ms;
if (what.startsWith('descent')) {
  const t0 = performance.now();
  // What `import('descent')` resolves to in Node: the package's "node" export (a single bundled file).
  const { createNetwork } = await import(new URL(`../${pkg.exports['.'].node.default}`, import.meta.url).href);
  const net = await createNetwork(cold.spec);
  const t = net.trainer(data.x, data.labels, { optimizer: { type: 'adam', lr: ADAM.lr, eps: ADAM.eps }, batchSize: cold.batch, shuffle: false });
  t.step();
  ms = performance.now() - t0;
  if (!Number.isFinite(t.loss)) throw new Error(`first descent step gave loss ${t.loss}`);
} else if (what === 'tfjs-mlp' || what === 'tfjs-mlp-require') {
  const t0 = performance.now();
  // import() is what an ES-module app does; it makes Node lex tfjs's CommonJS bundles for
  // named exports, which costs several times what require() does, so both are measured.
  const tf = what === 'tfjs-mlp' ? await import('@tensorflow/tfjs') : createRequire(import.meta.url)('@tensorflow/tfjs');
  if (what === 'tfjs-mlp') await import('@tensorflow/tfjs-backend-wasm');
  else createRequire(import.meta.url)('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed");
  await tf.ready();
  const model = tf.sequential();
  cold.spec.layers.forEach((l, i) => model.add(tf.layers.dense({ units: l.units, activation: l.activation, ...(i === 0 ? { inputShape: [cold.spec.inputs] } : {}) })));
  const x = tf.tensor2d(data.x, [cold.batch, cold.spec.inputs]);
  const y = tf.oneHot(tf.tensor1d(data.labels, 'int32'), data.classes).toFloat();
  const optimizer = tf.train.adam(ADAM.lr, ADAM.beta1, ADAM.beta2, ADAM.eps);
  const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x)), true);
  const value = loss.dataSync()[0]; // the step has really run (wasm ops are synchronous anyway)
  ms = performance.now() - t0;
  if (!Number.isFinite(value)) throw new Error(`first tfjs step gave loss ${value}`);
} else {
  throw new Error(`unknown cold-start case ${what}`);
}
process.stdout.write(`\nCOLD ${JSON.stringify({ ms })}\n`);
