// Every project runs the whole suite on one kernel variant (test/helpers/wasm.ts reads
// DESCENT_KERNELS): `default` on plain SIMD; `relaxed` on the relaxed-SIMD build, which
// Node 20 compiles only with --experimental-wasm-relaxed-simd; `scalar` on the scalar build,
// in a V8 told the CPU lacks SSE4.1, so it reports no wasm SIMD and `auto` must pick scalar;
// `threads` trains every network and replays every golden on 2 threads (DESCENT_THREADS).
// The flags go to the forks pool's workers (vitest 4's default pool). --no-enable-sse4-1 is an
// x64 V8 switch: elsewhere it changes nothing, and the scalar project's `auto` checks fail.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The plain summary line comes last: one line for the whole run, every project.
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'default', env: { DESCENT_KERNELS: 'simd' } } },
      { extends: true, test: { name: 'relaxed', env: { DESCENT_KERNELS: 'relaxed' }, execArgv: ['--experimental-wasm-relaxed-simd'] } },
      { extends: true, test: { name: 'scalar', env: { DESCENT_KERNELS: 'scalar' }, execArgv: ['--no-enable-sse4-1'] } },
      // Every network and golden replay split across 2 worker threads (the threaded SIMD build).
      { extends: true, test: { name: 'threads', env: { DESCENT_KERNELS: 'simd', DESCENT_THREADS: '2' } } },
    ],
  },
});
