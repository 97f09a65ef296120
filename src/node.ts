/// <reference types="node" preserve="true" />
// Entry for Node, Deno and Bun: reads the kernels (descent.wasm or a variant) beside this file.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import { Network } from './network.js';
import type { CreateNetworkOptions, KernelsOption, KernelVariant, NetworkSpec, WorkerData } from './types.js';
import { moduleLoader, resolveCreateOptions } from './wasm/variants.js';

export * from './index.js';

// Literal `new URL(…, import.meta.url)` expressions, so bundlers can see the files.
const files: Record<KernelVariant, () => URL> = {
  scalar: () => new URL('./descent-scalar.wasm', import.meta.url),
  simd: () => new URL('./descent.wasm', import.meta.url),
  relaxed: () => new URL('./descent-relaxed.wasm', import.meta.url),
};
const threadedFiles: Record<KernelVariant, () => URL> = {
  scalar: () => new URL('./descent-scalar-threads.wasm', import.meta.url),
  simd: () => new URL('./descent-threads.wasm', import.meta.url),
  relaxed: () => new URL('./descent-relaxed-threads.wasm', import.meta.url),
};

const compileFile = (url: URL) => readFile(url).then((bytes) => WebAssembly.compile(bytes));

/** The threaded twin (shared memory) of the variant `kernels` selects, for `threads` > 1; compiled once. */
export const loadThreadsModule: (kernels?: KernelsOption) => Promise<WebAssembly.Module> = moduleLoader((variant) => compileFile(threadedFiles[variant]()));

/**
 * Starts a worker thread (worker_threads) running `source`'s `run(data)`; it never keeps the
 * process alive on its own.
 */
export function spawnWorker(source: string, data: WorkerData): Worker {
  // Loaded on first use: worker_threads costs milliseconds of start-up that one-thread users never need.
  const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
  // import() rather than require: eval'd workers inherit --input-type=module from the parent's flags.
  const worker = new Worker(`${source}\nimport('node:worker_threads').then(({ workerData }) => run(workerData));`, { eval: true, workerData: data });
  worker.unref();
  return worker;
}

/**
 * The compiled descent module of the variant `kernels` selects (default `auto`: relaxed where
 * the engine validates it, else simd, else scalar); each variant is compiled once, then shared.
 */
export const loadModule: (kernels?: KernelsOption) => Promise<WebAssembly.Module> = moduleLoader((variant) => compileFile(files[variant]()));

/**
 * Builds a network from `spec` (see Network.create) on the kernels `options.kernels`
 * selects (default `auto`); pass `module` to skip loading (`kernels` then names its variant).
 */
export async function createNetwork(spec: NetworkSpec, options: CreateNetworkOptions = {}): Promise<Network> {
  const { kernels, module, threads } = resolveCreateOptions(options);
  if (threads > 1) {
    const net = Network.create(spec, module ?? (await loadThreadsModule(kernels)), { kernels, threads, spawnWorker });
    await net.ready();
    return net;
  }
  return Network.create(spec, module ?? (await loadModule(kernels)), { kernels });
}
