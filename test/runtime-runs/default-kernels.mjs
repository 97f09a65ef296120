// The run of examples/script/train.mjs on the kernels descent picks by default (default-run.mjs),
// in Node, Deno or Bun: test/runtimes.test.ts copies both files beside a node_modules/descent.
// Prints the build the default picked, whether this runtime compiles each build's shipped file
// (WebAssembly.validate of its bytes, not the tiny probes descent decides by), and the 60 losses.
import { readFileSync } from 'node:fs';
import { defaultRun } from './default-run.mjs';

const compiles = (file) => WebAssembly.validate(readFileSync(new URL(import.meta.resolve(`descent/${file}`))));
const { kernels, losses } = await defaultRun();
console.log(JSON.stringify({ kernels, compiles: { simd: compiles('descent.wasm'), relaxed: compiles('descent-relaxed.wasm') }, losses }));
