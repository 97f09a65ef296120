// Loads the built kernels for tests. Each Node project of vitest.config.ts runs on one kernel
// variant, named by DESCENT_KERNELS: `simd` (default), `relaxed` or `scalar`; a file that
// imports these loaders belongs in a list of test/projects.ts (test/projects.test.ts checks).
// `release` is that variant's shipped module (dist/), `debug` its build with asserts on
// (build/). `npm test` builds them all first (pretest).
import { readFileSync } from 'node:fs';
import type { KernelVariant } from '../../src/types.js';

const root = new URL('../../', import.meta.url);
const cache = new Map<string, WebAssembly.Module>();

const FILES: Record<KernelVariant, { release: string; debug: string }> = {
  simd: { release: 'dist/descent.wasm', debug: 'build/descent.debug.wasm' },
  relaxed: { release: 'dist/descent-relaxed.wasm', debug: 'build/descent-relaxed.debug.wasm' },
  scalar: { release: 'dist/descent-scalar.wasm', debug: 'build/descent-scalar.debug.wasm' },
};

function projectKernels(): KernelVariant {
  const v = process.env.DESCENT_KERNELS || 'simd';
  if (!(v in FILES)) throw new Error(`DESCENT_KERNELS must be one of ${Object.keys(FILES).join(', ')}, got ${JSON.stringify(v)}`);
  return v as KernelVariant;
}

/** The kernel variant this test project runs on. */
export const testKernels: KernelVariant = projectKernels();

/** The file of a build of a variant (default: this project's variant), relative to the repository root. */
export function testModuleFile(build: 'release' | 'debug' = 'release', kernels: KernelVariant = testKernels): string {
  return FILES[kernels][build];
}

/** The compiled module of a build of this project's variant: `release` (dist/) or `debug` (build/). */
export function loadTestModule(build: 'release' | 'debug' = 'release', kernels: KernelVariant = testKernels): WebAssembly.Module {
  const file = testModuleFile(build, kernels);
  let m = cache.get(file);
  if (!m) {
    m = new WebAssembly.Module(readFileSync(new URL(file, root)));
    cache.set(file, m);
  }
  return m;
}

/** Threads per batch in this project (DESCENT_THREADS, default 1): the `threads` project trains everything threaded. */
export const testThreads: number = Number(process.env.DESCENT_THREADS || 1);

const THREADED: Record<KernelVariant, string> = {
  simd: 'dist/descent-threads.wasm',
  relaxed: 'dist/descent-relaxed-threads.wasm',
  scalar: 'dist/descent-scalar-threads.wasm',
};

/** The threaded twin (shared memory) of this project's variant, for networks and replays with threads > 1. */
export function loadThreadsModule(kernels: KernelVariant = testKernels): WebAssembly.Module {
  const file = THREADED[kernels];
  let m = cache.get(file);
  if (!m) {
    m = new WebAssembly.Module(readFileSync(new URL(file, root)));
    cache.set(file, m);
  }
  return m;
}
