// Entry for Cloudflare Workers (workerd, wrangler): the kernels are imported as modules, which
// the runtime compiles when it loads the Worker; a Worker may not compile wasm bytes itself, so
// the browser entry's fetch-and-compile cannot work there. No threads (a Worker has no Workers).
import simd from './descent.wasm';
import scalar from './descent-scalar.wasm';
import relaxed from './descent-relaxed.wasm';
import { StateError } from './errors.js';
import { Network } from './network.js';
import type { CreateNetworkOptions, KernelsOption, NetworkSpec, WorkerData } from './types.js';
import { moduleLoader, resolveCreateOptions } from './wasm/variants.js';

export * from './index.js';

const modules = { simd, scalar, relaxed };

/** The descent module of the variant `kernels` selects (default `auto`), as the Worker loaded it. */
export const loadModule: (kernels?: KernelsOption) => Promise<WebAssembly.Module> = moduleLoader(async (variant) => modules[variant]);

const noThreads = () => new StateError('a Cloudflare Worker has no threads (no Workers to share a batch with): train with threads: 1', 'threads', 'workerd');

/** Threads need Workers, which a Cloudflare Worker cannot start: rejects with a StateError. */
export function loadThreadsModule(_kernels?: KernelsOption): Promise<WebAssembly.Module> {
  return Promise.reject(noThreads());
}

/** Threads need Workers, which a Cloudflare Worker cannot start: throws a StateError. */
export function spawnWorker(_source: string, _data: WorkerData): never {
  throw noThreads();
}

/**
 * Builds a network from `spec` (see Network.create) on the kernels `options.kernels` selects
 * (default `auto`). `threads` > 1 trains on one thread, and `onWarning` says why.
 */
export async function createNetwork(spec: NetworkSpec, options: CreateNetworkOptions = {}): Promise<Network> {
  const { kernels, module, threads } = resolveCreateOptions(options);
  if (threads > 1) (options.onWarning ?? console.warn)(`descent: threads: ${threads} is not available in a Cloudflare Worker (it cannot start Workers); training on 1 thread`);
  return Network.create(spec, module ?? (await loadModule(kernels)), { kernels });
}
