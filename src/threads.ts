// The 'descent/threads' subpath, for browsers and bundlers: importing it once puts the threaded
// kernels (each build's shared-memory twin) in the app, so createNetwork(spec, { threads: n })
// can share each batch with Workers. Left out, a bundler ships the three single-threaded builds
// only, which is all a page that never asks for threads can use.
import { registerThreadedKernels } from './browser.js';

// Literal `new URL(…, import.meta.url)` expressions, so bundlers see and ship the files.
registerThreadedKernels({
  scalar: () => new URL('./descent-scalar-threads.wasm', import.meta.url),
  simd: () => new URL('./descent-threads.wasm', import.meta.url),
  relaxed: () => new URL('./descent-relaxed-threads.wasm', import.meta.url),
});
