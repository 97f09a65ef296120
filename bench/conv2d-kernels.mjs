// Conv2d kernel micro-bench (`node [--experimental-wasm-relaxed-simd] bench/conv2d-kernels.mjs
// [--ms 250] [--windows 5] [--batches 32,128] [--files dist/descent.wasm,…] [--no-torch]
// [--no-step] [--json]`):
// - the three products of a LeNet-5's two convolutions — forward z = W∗x + b, dW (with db) and
//   dX — called on a layer descriptor block this script writes, as GFLOP/s;
// - the whole LeNet-5's training step (SGD, the public trainer, diagnostics off) in ms;
// each beside PyTorch 1.13's one-thread figures for the same (bench/conv2d_pytorch.py, when
// /usr/bin/python3 — or $PYTHON — has torch). dW is the backward with dx = 0 (what the first
// layer runs); dX is the backward with dx minus that. Times are CPU time of the process, not
// wall time (the machine may be shared); each figure is the median over the windows, the best
// window beside it. Needs `npm run build` (dist/).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolveSpec } from '../dist/model/spec.js';
import { conv2d } from '../dist/model/conv2d.js';
import { rng } from './cases.mjs';
import { LENET_SPEC } from './lenet-case.mjs';
import { kernelInstance } from './wasm-memory.mjs';
import { flag, measure, stepRows } from './micro.mjs';
import { relaxedSupported } from './relaxed.mjs';

const ROOT = new URL('..', import.meta.url);
const MS = Number(flag('ms', 250));
const WINDOWS = Number(flag('windows', 5));
const BATCHES = flag('batches', '32,128').split(',').map(Number);
const FILES = flag('files', 'dist/descent.wasm,dist/descent-relaxed.wasm,dist/descent-scalar.wasm').split(',');
const TORCH = !process.argv.includes('--no-torch');
const STEP = !process.argv.includes('--no-step');
const JSON_OUT = process.argv.includes('--json');

// Layer block words (src/wasm/abi.ts LAYER, assembly/abi.ts LAYER_*; const enums, so not in dist/).
const LAYER = { KIND: 0, INPUTS: 1, OUTPUTS: 2, PARAMS: 4, GRADS: 5, Z: 6, A: 7, SCRATCH: 10, COMMON: 12, WORDS: 28 };

// LeNet-5 (bench/lenet-case.mjs; bench/conv2d_pytorch.py builds the same).
const lenet = resolveSpec(LENET_SPEC);
const LAYERS = lenet.layers.filter((l) => l.type === 'conv2d').map((l, i) => ({ name: `conv${i + 1}`, spec: l }));
const flopOf = (l, rows) => 2 * rows * l.outChannels * l.inChannels * l.kernelSize[0] * l.kernelSize[1] * l.shape[1] * l.shape[2];


function benchModule(file) {
  const bytes = readFileSync(new URL(file, ROOT));
  if (!WebAssembly.validate(bytes)) return { file, na: 'this node cannot compile it' };
  const module = new WebAssembly.Module(bytes);
  if (!WebAssembly.Module.exports(module).some((e) => e.name === 'conv2dLayerForward')) return { file, na: 'no conv2d exports' };
  const results = [];
  for (const rows of BATCHES) {
    for (const { name, spec: l } of LAYERS) {
      const { ex, memory, alloc, grow } = kernelInstance(module, bytes);
      const nParams = l.outChannels * l.inChannels * l.kernelSize[0] * l.kernelSize[1] + (l.bias ? l.outChannels : 0);
      const block = alloc(LAYER.WORDS), x = alloc(rows * l.inputs), params = alloc(nParams), grads = alloc(nParams);
      const z = alloc(rows * l.outputs), dz = alloc(rows * l.outputs), dx = alloc(rows * l.inputs);
      const scratch = alloc(conv2d.scratch(l, rows));
      grow();
      const f32 = new Float32Array(memory.buffer), i32 = new Int32Array(memory.buffer);
      const rand = rng(1234);
      for (const [p, n] of [[x, rows * l.inputs], [params, nParams], [dz, rows * l.outputs]]) for (let i = 0; i < n; i++) f32[(p >> 2) + i] = rand() - 0.5;
      const w = block >> 2;
      i32[w + LAYER.KIND] = 1; i32[w + LAYER.INPUTS] = l.inputs; i32[w + LAYER.OUTPUTS] = l.outputs;
      i32[w + LAYER.PARAMS] = params; i32[w + LAYER.GRADS] = grads; i32[w + LAYER.Z] = z; i32[w + LAYER.A] = z; i32[w + LAYER.SCRATCH] = scratch;
      conv2d.words(l).forEach((v, j) => { i32[w + LAYER.COMMON + j] = v; });
      const t = measure([
        { name: 'forward', run: () => ex.conv2dLayerForward(block, x, rows) },
        { name: 'dW', run: () => ex.conv2dLayerBackward(block, dz, x, 0, rows) },
        { name: 'backward', run: () => ex.conv2dLayerBackward(block, dz, x, dx, rows) },
      ], MS, WINDOWS);
      const flop = flopOf(l, rows);
      const ms = { forward: t.forward.median, dW: t.dW.median, dX: Math.max(t.backward.median - t.dW.median, 1e-9) };
      const best = { forward: t.forward.best, dW: t.dW.best, dX: Math.max(t.backward.best - t.dW.best, 1e-9) };
      const rate = (m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, flop / v / 1e6]));
      results.push({ rows, layer: name, ms, gflops: rate(ms), bestGflops: rate(best) });
    }
  }
  return { file, results };
}

const KERNELS = { 'dist/descent.wasm': 'simd', 'dist/descent-relaxed.wasm': 'relaxed', 'dist/descent-scalar.wasm': 'scalar' };

/** The LeNet-5 training step through the public API, per kernel variant: { kernels, rows, ms, best } or n/a. */
async function stepFigures() {
  const { createNetwork } = await import(new URL('../dist/node.js', import.meta.url).href);
  const { x, y } = stepRows();
  const out = [];
  for (const file of FILES) {
    const kernels = KERNELS[file];
    if (!kernels) continue;
    for (const rows of BATCHES) {
      let net;
      try {
        net = await createNetwork(LENET_SPEC, { kernels });
      } catch (err) {
        out.push({ kernels, rows, na: err.message });
        continue;
      }
      const trainer = net.trainer(x, y, { optimizer: { type: 'sgd', lr: 0.01 }, batchSize: rows, diagnostics: false });
      const t = measure([{ name: 'step', run: () => trainer.step() }], MS, WINDOWS).step;
      out.push({ kernels, rows, ms: t.median, best: t.best });
      net.dispose();
    }
  }
  return out;
}

function torchFigures() {
  if (!TORCH) return null;
  const python = process.env.PYTHON ?? '/usr/bin/python3';
  if (!existsSync(python)) return { na: `no ${python}` };
  const r = spawnSync(python, [new URL('./conv2d_pytorch.py', import.meta.url).pathname, JSON.stringify({ batches: BATCHES, ms: MS, windows: WINDOWS, step: STEP })], { encoding: 'utf8' });
  if (r.status !== 0) return { na: (r.stderr || '').trim().split('\n').pop() };
  return JSON.parse(r.stdout);
}

const modules = FILES.map(benchModule);
const steps = STEP ? await stepFigures() : [];
const torch = torchFigures();
const out = { relaxedRuntime: relaxedSupported(), modules, steps, torch };
if (JSON_OUT) {
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
} else {
  const f = (v) => v.toFixed(1).padStart(5);
  const line = (who, r) => `${who.padEnd(26)} ${String(r.rows).padStart(4)} ${r.layer}  ` +
    ['forward', 'dW', 'dX'].map((k) => `${f(r.gflops[k])} ${f(r.bestGflops[k])} (${r.ms[k].toFixed(3)} ms)`).join('  ');
  console.log('GFLOP/s of each product, median and best window (ms per call, median), CPU time');
  console.log(`${'build'.padEnd(26)} rows layer  forward                   dW (with db)              dX`);
  for (const m of modules) {
    if (m.na) { console.log(`${m.file.padEnd(26)} n/a: ${m.na}`); continue; }
    for (const r of m.results) console.log(line(m.file.replace('dist/', ''), r));
  }
  if (torch?.na) console.log(`PyTorch: n/a (${torch.na})`);
  else if (torch) for (const r of torch.results) console.log(line(`torch ${torch.version} 1 thread`, r));
  if (STEP) {
    console.log('\nLeNet-5 training step (SGD), ms of CPU time, median and best window');
    for (const s of steps) console.log(`${`descent ${s.kernels}`.padEnd(26)} ${String(s.rows).padStart(4)}  ${s.na ? `n/a: ${s.na}` : `${s.ms.toFixed(2)}  ${s.best.toFixed(2)}`}`);
    if (torch && !torch.na) for (const s of torch.steps) console.log(`${`torch ${torch.version} 1 thread`.padEnd(26)} ${String(s.rows).padStart(4)}  ${s.ms.toFixed(2)}  ${s.best.toFixed(2)}`);
  }
}
