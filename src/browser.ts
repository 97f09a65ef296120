// Entry for browsers and bundlers (Vite): fetches the kernels (descent.wasm or a variant)
// next to this module.
import { StateError } from './errors.js';
import { Network } from './network.js';
import type { CreateNetworkOptions, KernelsOption, KernelVariant, NetworkSpec, WorkerData } from './types.js';
import { moduleLoader, resolveCreateOptions } from './wasm/variants.js';

export * from './index.js';

// Literal `new URL(…, import.meta.url)` expressions, so bundlers (Vite) see and ship the files.
const files: Record<KernelVariant, () => URL> = {
  scalar: () => new URL('./descent-scalar.wasm', import.meta.url),
  simd: () => new URL('./descent.wasm', import.meta.url),
  relaxed: () => new URL('./descent-relaxed.wasm', import.meta.url),
};

async function compile(file: () => URL): Promise<WebAssembly.Module> {
  let url: URL | null = null;
  try {
    url = file();
    try {
      return await WebAssembly.compileStreaming(fetch(url));
    } catch {
      // Servers that send the wrong MIME type defeat compileStreaming; compile the bytes instead.
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return await WebAssembly.compile(await response.arrayBuffer());
    }
  } catch (err) {
    // A runtime without a URL for this module, or one that may not fetch or compile it, gets
    // the way out instead of a bare TypeError.
    throw new StateError(`descent could not load its kernels${url ? ` from ${url.href}` : ''} (${(err as Error).message}): pass createNetwork a compiled descent .wasm as { module }, or, in a Cloudflare Worker, import 'descent' through a bundler that uses the "workerd" condition (wrangler does)`, 'module', url?.href);
  }
}

/**
 * The compiled descent module of the variant `kernels` selects (default `auto`: relaxed where
 * the engine validates it, else simd, else scalar); each variant is compiled once, then shared.
 */
export const loadModule: (kernels?: KernelsOption) => Promise<WebAssembly.Module> = moduleLoader((variant) => compile(files[variant]));

// The threaded twins come with 'descent/threads' (threads.ts), so an app that never asks for
// threads does not ship them.
let threadedFiles: Record<KernelVariant, () => URL> | null = null;

/** @internal Called by 'descent/threads' with the threaded kernels' URLs. */
export function registerThreadedKernels(files: Record<KernelVariant, () => URL>): void {
  threadedFiles = files;
}

const NOT_IMPORTED = "the threaded kernels are not part of this app: import 'descent/threads' once (a bundler then ships them)";

/**
 * The threaded twin (shared memory) of the variant `kernels` selects, for `threads` > 1;
 * compiled once. Needs `import 'descent/threads'` (a StateError says so otherwise).
 */
export const loadThreadsModule: (kernels?: KernelsOption) => Promise<WebAssembly.Module> = moduleLoader((variant) => {
  if (!threadedFiles) return Promise.reject(new StateError(`descent: ${NOT_IMPORTED}`, 'threads', 'descent/threads'));
  return compile(threadedFiles[variant]);
});

/** Starts a Worker running `source`'s `run(data)`; the Module and shared Memory are posted once. */
export function spawnWorker(source: string, data: WorkerData): Worker {
  // A Blob URL inherits this page's origin and cross-origin isolation, and needs no file beside the bundle.
  const url = URL.createObjectURL(new Blob([`${source}\nself.onmessage = (event) => run(event.data);`], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  worker.postMessage(data);
  return worker;
}

/** Why shared memory cannot be used here, or null when it can. */
function whyNoThreads(): string | null {
  if (typeof Worker !== 'function') return 'this runtime has no Worker';
  if (typeof SharedArrayBuffer !== 'function' || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) {
    return 'shared memory needs a cross-origin isolated page (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  try {
    // What the runtime lacks is said first: the import alone would not help there.
    if (new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer) return threadedFiles ? null : NOT_IMPORTED;
  } catch {
    // An engine without wasm threads rejects `shared`, or ignores it.
  }
  return 'this WebAssembly engine has no shared memory';
}

/**
 * Builds a network from `spec` (see Network.create) on the kernels `options.kernels`
 * selects (default `auto`); pass `module` to skip loading (`kernels` then names its variant).
 * With `threads` > 1 the batch is shared with Workers where the page is cross-origin
 * isolated; elsewhere the network trains on one thread and `onWarning` says why.
 * On a page's main thread, threaded networks train only with the async `fit`.
 */
export async function createNetwork(spec: NetworkSpec, options: CreateNetworkOptions = {}): Promise<Network> {
  const { kernels, module, threads } = resolveCreateOptions(options);
  if (threads > 1) {
    const reason = whyNoThreads();
    if (reason === null) {
      const net = Network.create(spec, module ?? (await loadThreadsModule(kernels)), { kernels, threads, spawnWorker });
      await net.ready();
      return net;
    }
    (options.onWarning ?? console.warn)(`descent: threads: ${threads} is not available here (${reason}); training on 1 thread`);
  }
  return Network.create(spec, module ?? (await loadModule(kernels)), { kernels });
}
