// Loads the built kernels for tests: the release module that ships (dist/) and the debug
// build (asserts on). `npm test` builds both first (pretest).
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const cache = new Map<string, WebAssembly.Module>();

/** The compiled module of a build: `release` (dist/descent.wasm) or `debug`. */
export function loadTestModule(build: 'release' | 'debug' = 'release'): WebAssembly.Module {
  let m = cache.get(build);
  if (!m) {
    const file = build === 'release' ? 'dist/descent.wasm' : 'build/descent.debug.wasm';
    m = new WebAssembly.Module(readFileSync(new URL(file, root)));
    cache.set(build, m);
  }
  return m;
}
