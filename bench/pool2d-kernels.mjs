// Max pooling kernel micro-bench (`node [--experimental-wasm-relaxed-simd] bench/pool2d-kernels.mjs
// [--ms 200] [--windows 7] [--batches 32,128] [--files dist/descent.wasm,/tmp/old.wasm,…]
// [--shapes lenet|more] [--step] [--json]`):
// maxPool2dLayerForward (z and the argmax) and maxPool2dLayerBackward (dx) at a LeNet-5's two
// pooling layers (6@28×28 → 14×14 and 16@10×10 → 5×5, 2×2 stride 2), called on a layer
// descriptor block this script writes, as ms per call and outputs per ns. `--shapes more` adds
// a few others (3×3 stride 2 padding 1, ceil mode over an odd width, overlapping 3×3 stride 1,
// dilation 2) to see that the general paths did not lose. Every file of --files runs the same
// calls on the same data, taking turns window by window, so an old build passed as a path is
// measured beside the new one under the same load; the script also checks that their z, argmax
// and dx agree bit for bit. Times are CPU time of the process (the machine may be shared); each
// figure is the median over the windows, the best window beside it. `--step` adds the whole
// LeNet-5 training step (SGD, the public trainer, diagnostics off) on each file's module, taking
// turns the same way, to see what the kernels are worth there. Needs `npm run build` (dist/).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { maxpool2d } from '../dist/model/pool2d.js';
import { LAYER_KINDS } from '../dist/model/layers.js';
import { OptionsReader } from '../dist/util/options.js';
import { rng } from './cases.mjs';
import { LENET_SPEC } from './lenet-case.mjs';
import { kernelInstance } from './wasm-memory.mjs';
import { flag, measure, stepRows } from './micro.mjs';

const ROOT = new URL('..', import.meta.url);
const MS = Number(flag('ms', 200));
const WINDOWS = Number(flag('windows', 7));
const BATCHES = flag('batches', '32,128').split(',').map(Number);
const FILES = flag('files', 'dist/descent.wasm').split(',');
const SHAPES = flag('shapes', 'lenet');
const JSON_OUT = process.argv.includes('--json');
const STEP = process.argv.includes('--step');

// Layer block words (src/wasm/abi.ts LAYER, assembly/abi.ts LAYER_*; const enums, so not in dist/).
const LAYER = { KIND: 0, INPUTS: 1, OUTPUTS: 2, Z: 6, A: 7, SCRATCH: 10, COMMON: 12, WORDS: 28 };

/** [name, input [C, H, W], maxpool2d options]: a LeNet-5's two poolings, and with `more` some others. */
const CASES = [
  ['pool1', [6, 28, 28], { kernelSize: 2 }],
  ['pool2', [16, 10, 10], { kernelSize: 2 }],
  ...(SHAPES === 'more' ? [
    ['3x3s2p1', [8, 28, 28], { kernelSize: 3, stride: 2, padding: 1 }],
    ['2x2ceil', [6, 27, 27], { kernelSize: 2, ceilMode: true }],
    ['3x3s1p1', [6, 14, 14], { kernelSize: 3, stride: 1, padding: 1 }],
    ['3x3d2', [6, 28, 28], { kernelSize: 3, stride: 2, dilation: 2 }],
  ] : []),
];

/** The layer as the host resolves it. */
function resolveLayer(input, options) {
  const r = OptionsReader.read({ type: 'maxpool2d', ...options }, 'layer', ['type', ...maxpool2d.keys], 'an option of a maxpool2d layer');
  return maxpool2d.resolve(r, input, 'layer');
}


/** A path as given (relative to the working directory) if it exists, else relative to the repository. */
const locate = (file) => (existsSync(file) ? resolve(file) : new URL(file, ROOT));

/** One instance of a build with the layer's buffers laid out and filled: its calls and its results. */
function setUp(module, bytes, l, rows) {
  const { ex, memory, alloc, grow } = kernelInstance(module, bytes);
  const block = alloc(LAYER.WORDS), x = alloc(rows * l.inputs), z = alloc(rows * l.outputs);
  const argmax = alloc(maxpool2d.scratch(l, rows)), dz = alloc(rows * l.outputs), dx = alloc(rows * l.inputs);
  grow();
  const f32 = new Float32Array(memory.buffer), i32 = new Int32Array(memory.buffer);
  // x as a ReLU leaves it (about half zeros, so ties), dz plain.
  const rand = rng(4321);
  for (let i = 0; i < rows * l.inputs; i++) f32[(x >> 2) + i] = Math.max(0, rand() - 0.5);
  for (let i = 0; i < rows * l.outputs; i++) f32[(dz >> 2) + i] = rand() - 0.5;
  const w = block >> 2;
  i32[w + LAYER.KIND] = LAYER_KINDS.indexOf(maxpool2d);
  i32[w + LAYER.INPUTS] = l.inputs; i32[w + LAYER.OUTPUTS] = l.outputs;
  i32[w + LAYER.Z] = z; i32[w + LAYER.A] = z; i32[w + LAYER.SCRATCH] = argmax;
  maxpool2d.words(l).forEach((v, j) => { i32[w + LAYER.COMMON + j] = v; });
  return {
    forward: () => ex.maxPool2dLayerForward(block, x, rows),
    backward: () => ex.maxPool2dLayerBackward(block, dz, x, dx, rows),
    /** z, argmax and dx as bytes, after one forward and one backward. */
    results() {
      ex.maxPool2dLayerForward(block, x, rows);
      ex.maxPool2dLayerBackward(block, dz, x, dx, rows);
      const bytes = (p, n) => new Uint8Array(memory.buffer, p, n * 4).slice();
      return [bytes(z, rows * l.outputs), bytes(argmax, rows * l.outputs), bytes(dx, rows * l.inputs)];
    },
  };
}

const sameBytes = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

const builds = FILES.map((file) => {
  const bytes = readFileSync(locate(file));
  if (!WebAssembly.validate(bytes)) return { file, na: 'this node cannot compile it' };
  const module = new WebAssembly.Module(bytes);
  if (!WebAssembly.Module.exports(module).some((e) => e.name === 'maxPool2dLayerForward')) return { file, na: 'no maxpool2d exports' };
  return { file, bytes, module };
});
const live = builds.filter((b) => !b.na);
const results = [];
for (const rows of BATCHES) {
  for (const [name, input, options] of CASES) {
    const l = resolveLayer(input, options);
    const runs = live.map((b) => ({ b, calls: setUp(b.module, b.bytes, l, rows) }));
    // Bit for bit against the first build, before timing.
    const first = runs[0].calls.results();
    const agree = runs.map((r) => r.calls.results().every((bytes, i) => sameBytes(bytes, first[i])));
    const t = measure(runs.flatMap((r, i) => [
      { name: `${i} forward`, run: r.calls.forward },
      { name: `${i} backward`, run: r.calls.backward },
    ]), MS, WINDOWS);
    const outputs = rows * l.outputs;
    runs.forEach((r, i) => {
      const fw = t[`${i} forward`], bw = t[`${i} backward`];
      results.push({
        file: r.b.file, rows, layer: name, shape: `${input.join('×')}→${l.shape.join('×')}`, outputs, sameAsFirst: agree[i],
        forward: { ms: fw.median, bestMs: fw.best, perNs: outputs / (fw.median * 1e6), bestPerNs: outputs / (fw.best * 1e6) },
        backward: { ms: bw.median, bestMs: bw.best, perNs: outputs / (bw.median * 1e6), bestPerNs: outputs / (bw.best * 1e6) },
      });
    });
  }
}

/** The LeNet-5 training step (bench/lenet-case.mjs's network) on each build's module, random rows: ms per step. */
async function stepFigures() {
  const { createNetwork } = await import(new URL('../dist/node.js', import.meta.url).href);
  const { x, y } = stepRows();
  const out = [];
  for (const rows of BATCHES) {
    const nets = [];
    for (const b of live) {
      const kernels = b.file.includes('relaxed') ? 'relaxed' : b.file.includes('scalar') ? 'scalar' : 'simd';
      const net = await createNetwork(LENET_SPEC, { module: b.module, kernels });
      nets.push({ b, net, trainer: net.trainer(x, y, { optimizer: { type: 'sgd', lr: 0.01 }, batchSize: rows, diagnostics: false }) });
    }
    const t = measure(nets.map((n, i) => ({ name: String(i), run: () => n.trainer.step() })), MS, WINDOWS);
    nets.forEach((n, i) => { out.push({ file: n.b.file, rows, ms: t[i].median, bestMs: t[i].best }); n.net.dispose(); });
  }
  return out;
}
const steps = STEP ? await stepFigures() : [];

if (JSON_OUT) {
  process.stdout.write(JSON.stringify({ builds: builds.map((b) => ({ file: b.file, na: b.na })), results, steps }, null, 2) + '\n');
} else {
  for (const b of builds) if (b.na) console.log(`${b.file}: n/a (${b.na})`);
  console.log('maxpool2d kernels: ms per call (CPU time), median and best window; outputs per ns, median and best');
  console.log(`${'build'.padEnd(30)} rows layer    ${'shape'.padEnd(20)} forward                          backward                         same`);
  const f = (r) => `${r.ms.toFixed(4).padStart(7)} ${r.bestMs.toFixed(4).padStart(7)} ms ${r.perNs.toFixed(2).padStart(6)} ${r.bestPerNs.toFixed(2).padStart(6)}/ns`;
  for (const r of results) {
    const file = r.file.length > 30 ? `…${r.file.slice(-29)}` : r.file;
    console.log(`${file.padEnd(30)} ${String(r.rows).padStart(4)} ${r.layer.padEnd(8)} ${r.shape.padEnd(20)} ${f(r.forward)}  ${f(r.backward)}  ${r.sameAsFirst ? 'yes' : 'NO'}`);
  }
  if (STEP) {
    console.log('\nLeNet-5 training step (SGD), ms of CPU time, median and best window');
    for (const r of steps) console.log(`${(r.file.length > 30 ? `…${r.file.slice(-29)}` : r.file).padEnd(30)} ${String(r.rows).padStart(4)}  ${r.ms.toFixed(3)}  ${r.bestMs.toFixed(3)}`);
  }
}
