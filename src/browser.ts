// Entry for browsers and bundlers (Vite): fetches the kernels (descent.wasm or a variant)
// next to this module.
import { Network } from './network.js';
import type { CreateNetworkOptions, KernelsOption, KernelVariant, NetworkSpec } from './types.js';
import { moduleLoader, resolveCreateOptions } from './variants.js';

export * from './index.js';

// Literal `new URL(…, import.meta.url)` expressions, so bundlers (Vite) see and ship the files.
const files: Record<KernelVariant, () => URL> = {
  scalar: () => new URL('./descent-scalar.wasm', import.meta.url),
  simd: () => new URL('./descent.wasm', import.meta.url),
  relaxed: () => new URL('./descent-relaxed.wasm', import.meta.url),
};

async function compile(url: URL): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compileStreaming(fetch(url));
  } catch {
    // Servers that send the wrong MIME type defeat compileStreaming; compile the bytes instead.
    const response = await fetch(url);
    return WebAssembly.compile(await response.arrayBuffer());
  }
}

/**
 * The compiled descent module of the variant `kernels` selects (default `auto`: simd where
 * the engine has it, else scalar); each variant is compiled once, then shared.
 */
export const loadModule: (kernels?: KernelsOption) => Promise<WebAssembly.Module> = moduleLoader((variant) => compile(files[variant]()));

/**
 * Builds a network from `spec` (see Network.create) on the kernels `options.kernels`
 * selects (default `auto`); pass `module` to skip loading (`kernels` then names its variant).
 */
export async function createNetwork(spec: NetworkSpec, options: CreateNetworkOptions = {}): Promise<Network> {
  const { kernels, module, threads } = resolveCreateOptions(options);
  if (threads > 1) {
    // Browser Workers are not wired up yet: train on this thread and say so.
    (options.onWarning ?? console.warn)(`descent: threads: ${threads} is not available in this runtime yet; training on 1 thread`);
  }
  return Network.create(spec, module ?? (await loadModule(kernels)), { kernels });
}
