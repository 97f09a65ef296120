// Entry for browsers and bundlers (Vite): fetches descent.wasm next to this module.
import { Network } from './network.js';
import type { NetworkSpec } from './types.js';

export * from './index.js';

let compiled: Promise<WebAssembly.Module> | undefined;

/** The compiled descent module (compiled once, then shared by every network). */
export function loadModule(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const url = new URL('./descent.wasm', import.meta.url);
    try {
      return await WebAssembly.compileStreaming(fetch(url));
    } catch {
      // Servers that send the wrong MIME type defeat compileStreaming; compile the bytes instead.
      const response = await fetch(url);
      return WebAssembly.compile(await response.arrayBuffer());
    }
  })();
  return compiled;
}

/** Builds a network from `spec` (see Network.create); pass `module` to skip loading. */
export async function createNetwork(spec: NetworkSpec, options: { module?: WebAssembly.Module } = {}): Promise<Network> {
  return Network.create(spec, options.module ?? (await loadModule()));
}
