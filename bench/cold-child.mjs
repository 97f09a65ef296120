// One cold start, in a fresh process (`node cold-child.mjs <lib> <net>`, see cold.mjs): the
// clock starts just before the library is imported and stops when the first synchronous
// training step has returned. Prints one line `COLD {"ms": …}` (tfjs also writes a banner to
// the console). Data are made before the clock starts: building the input is the caller's
// cost, not the library's.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { CASES, ADAM, makeData } from './cases.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const [lib, netId] = process.argv.slice(2);
const c = CASES.find((k) => k.id === { tiny: 'tiny-b32', mlp: 'mlp-b32' }[netId]);
if (!c) throw new Error(`unknown cold-start network ${netId}`);
const cold = { ...c, rows: c.batch }; // one batch is all a first step needs
const data = makeData(cold);

let ms;
let c0;
if (lib === 'descent' || lib === 'descent-nocache') {
  // What `import('descent')` resolves to in Node: the package's "node" export (a single
  // bundled file, run with its code cache); without the cache, the "deno" export: the same
  // bundle as a plain ES module.
  const entry = lib === 'descent' ? pkg.exports['.'].node.default : pkg.exports['.'].deno.default;
  c0 = process.cpuUsage();
  const t0 = performance.now();
  const { createNetwork } = await import(new URL(`../${entry}`, import.meta.url).href);
  const net = await createNetwork(cold.spec);
  const t = net.trainer(data.x, data.labels, { optimizer: { type: 'adam', lr: ADAM.lr, eps: ADAM.eps }, batchSize: cold.batch, shuffle: false });
  t.step();
  ms = performance.now() - t0;
  if (!Number.isFinite(t.loss)) throw new Error(`first descent step gave loss ${t.loss}`);
} else if (lib === 'tfjs' || lib === 'tfjs-require') {
  c0 = process.cpuUsage();
  const t0 = performance.now();
  // import() is what an ES-module app does; it makes Node lex tfjs's CommonJS bundles for
  // named exports, which costs several times what require() does, so both are measured.
  const tf = lib === 'tfjs' ? await import('@tensorflow/tfjs') : createRequire(import.meta.url)('@tensorflow/tfjs');
  if (lib === 'tfjs') await import('@tensorflow/tfjs-backend-wasm');
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
  throw new Error(`unknown cold-start library ${lib}`);
}
// CPU time of every thread (V8 compiles on background threads too) over the same span: on a
// busy machine it moves far less than the wall clock.
const cpu = process.cpuUsage(c0);
process.stdout.write(`\nCOLD ${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
