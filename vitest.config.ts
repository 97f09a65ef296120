// Every project runs the whole suite on one kernel variant (test/helpers/wasm.ts reads
// DESCENT_KERNELS): `default` on plain SIMD; `relaxed` on the relaxed-SIMD build, which
// Node 20 compiles only with --experimental-wasm-relaxed-simd; `scalar` on the scalar build,
// in a V8 told the CPU lacks SSE4.1, so it reports no wasm SIMD and `auto` must pick scalar;
// `threads` trains every network and replays every golden on 2 threads (DESCENT_THREADS).
// The flags go to the forks pool's workers (vitest 4's default pool). --no-enable-sse4-1 is an
// x64 V8 switch: elsewhere it changes nothing, and the scalar project's `auto` checks fail.
// `browser` runs the built browser entry in headless Chromium (Debian's /usr/bin/chromium,
// never a download), served cross-origin isolated so Workers can share the wasm memory.
import { existsSync } from 'node:fs';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const CHROMIUM = '/usr/bin/chromium';
// CI installs Chromium and sets DESCENT_BROWSER=required, so a missing browser fails there;
// a machine without it runs the Node projects and says the browser ones were left out.
const browserRequired = process.env.DESCENT_BROWSER === 'required';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !browserRequired) console.warn(`vitest: ${CHROMIUM} not found, browser tests not run (apt-get install -y chromium)`);

const node = (name: string, test: TestProjectInlineConfiguration['test']): TestProjectInlineConfiguration => ({
  extends: true,
  test: { name, include: ['test/**/*.test.ts'], exclude: ['test/browser/**', 'node_modules/**'], ...test },
});

const browser: TestProjectInlineConfiguration = {
  extends: true,
  server: {
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  },
  test: {
    name: 'browser',
    include: ['test/browser/**/*.test.ts'],
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: CHROMIUM,
          args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        },
      }),
      instances: [{ browser: 'chromium' }],
      // A failure's message says what broke; screenshots of a test page with no UI do not.
      screenshotFailures: false,
    },
  },
};

export default defineConfig({
  test: {
    // The plain summary line comes last: one line for the whole run, every project.
    reporters: ['default', './test/summary-reporter.ts'],
    // Fails any test in which console.warn is called: the suite prints no warnings.
    setupFiles: ['./test/helpers/no-warnings.ts'],
    testTimeout: 60_000,
    projects: [
      node('default', { env: { DESCENT_KERNELS: 'simd' } }),
      node('relaxed', { env: { DESCENT_KERNELS: 'relaxed' }, execArgv: ['--experimental-wasm-relaxed-simd'] }),
      node('scalar', { env: { DESCENT_KERNELS: 'scalar' }, execArgv: ['--no-enable-sse4-1'] }),
      // Every network and golden replay split across 2 worker threads (the threaded SIMD build).
      node('threads', { env: { DESCENT_KERNELS: 'simd', DESCENT_THREADS: '2' } }),
      ...(haveChromium || browserRequired ? [browser] : []),
    ],
  },
});
