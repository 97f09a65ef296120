// Entry for Node, Deno and Bun: reads descent.wasm beside this file.
import { readFile } from 'node:fs/promises';
import { Network } from './network.js';
import type { NetworkSpec } from './types.js';

export * from './index.js';

let compiled: Promise<WebAssembly.Module> | undefined;

/** The compiled descent module (compiled once, then shared by every network). */
export function loadModule(): Promise<WebAssembly.Module> {
  compiled ??= readFile(new URL('./descent.wasm', import.meta.url)).then((bytes) => WebAssembly.compile(bytes));
  return compiled;
}

/** Builds a network from `spec` (see Network.create); pass `module` to skip loading. */
export async function createNetwork(spec: NetworkSpec, options: { module?: WebAssembly.Module } = {}): Promise<Network> {
  return Network.create(spec, options.module ?? (await loadModule()));
}
