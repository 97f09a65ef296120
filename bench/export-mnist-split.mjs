// Writes the CLI's seeded, stratified MNIST split to a binary file so PyTorch can train on
// exactly the same rows (bench/mnist_pytorch.py). Needs `npm run build` first.
// Usage: node bench/export-mnist-split.mjs [seed] [out.bin]
// Layout: int32 nTrain, int32 nTest, f32 xTrain[nTrain·784], i32 yTrain, f32 xTest, i32 yTest.
import { writeFileSync } from 'node:fs';
import { loadMnistSplit } from '../dist/cli/mnist.js';

const seed = Number(process.argv[2] ?? 0);
const out = process.argv[3] ?? `mnist-split-${seed}.bin`;
const s = await loadMnistSplit(seed);
const parts = [Int32Array.of(s.yTrain.length, s.yTest.length), s.xTrain.data, s.yTrain, s.xTest.data, s.yTest];
writeFileSync(out, Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
console.log(`wrote ${out}: ${s.yTrain.length} train / ${s.yTest.length} test rows (seed ${seed})`);
