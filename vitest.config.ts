// What each project proves (test/helpers/wasm.ts reads DESCENT_KERNELS and DESCENT_THREADS):
// - `default`: every test file, on the plain SIMD kernels Node 20 runs by default. Host-only
//   files (options, schedulers, data, CLI, dist/ budgets, entries…) run here and only here:
//   nothing in another project changes what they execute.
// - `relaxed`: the relaxed-SIMD build gives the same results; Node 20 compiles it only with
//   --experimental-wasm-relaxed-simd. Runs the files whose outcome depends on the kernel
//   variant: KERNEL_FILES and NETWORK_FILES (test/projects.ts).
// - `scalar`: the scalar build gives the same results, in a V8 told the CPU lacks SSE4.1, so it
//   reports no wasm SIMD and `auto` must pick scalar. Same files as `relaxed`.
//   --no-enable-sse4-1 is an x64 V8 switch: elsewhere it changes nothing and the `auto` checks fail.
// - `threads`: training and replays split each batch across 2 worker threads (the threaded SIMD
//   build) and still match: the files that train or replay through test/helpers/network.ts
//   (NETWORK_FILES), where DESCENT_THREADS changes what runs.
// - `browser`: the built browser entry in headless Chromium (Debian's /usr/bin/chromium, never a
//   download), served cross-origin isolated so Workers can share the wasm memory.
// The flags go to the forks pool's workers (vitest 4's default pool).
import { existsSync } from 'node:fs';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { globs, KERNEL_FILES, NETWORK_FILES } from './test/projects.js';

// The browser rule: CI (CI set, as .ci/run does) requires the browser tests, so a missing
// Chromium fails the run; elsewhere they are left out with one line above the summary.
// DESCENT_BROWSER=required|optional overrides either way; DESCENT_CHROMIUM points at another binary.
const CHROMIUM = process.env.DESCENT_CHROMIUM || '/usr/bin/chromium';
const ci = Boolean(process.env.CI) && !/^(false|0)$/i.test(process.env.CI ?? '');
const browserRule = process.env.DESCENT_BROWSER || (ci ? 'required' : 'optional');
if (browserRule !== 'required' && browserRule !== 'optional') {
  throw new Error(`DESCENT_BROWSER must be 'required' or 'optional', got ${JSON.stringify(browserRule)}`);
}
const haveChromium = existsSync(CHROMIUM);

const node = (name: string, include: string[], test: TestProjectInlineConfiguration['test'] = {}): TestProjectInlineConfiguration => ({
  extends: true,
  test: { name, include, exclude: ['test/browser/**', 'test/demo/**', 'node_modules/**'], ...test },
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

// The demo app (demo/), built and served statically from a sub-path, driven in the same
// Chromium through playwright from Node: the page, its Worker, its charts (test/demo/).
const demo: TestProjectInlineConfiguration = {
  extends: true,
  test: { name: 'demo', include: ['test/demo/**/*.test.ts'], globalSetup: ['test/demo/setup.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
};

// Required but missing: a one-test Node project in the browser project's place fails, naming the
// binary. (Left in, the browser project fails too, but only as an unhandled launch error whose
// stack vitest prints again after the summary line.)
const chromiumMissing = node('browser', ['test/helpers/chromium-required.ts'], { env: { DESCENT_CHROMIUM: CHROMIUM } });
const browserNotes = haveChromium || browserRule === 'required' ? [] : [`browser and demo projects skipped: ${CHROMIUM} not found (apt-get install -y chromium)`];

const variantFiles = globs([...KERNEL_FILES, ...NETWORK_FILES]);

export default defineConfig({
  test: {
    // The plain summary line comes last: one line for the whole run, every project.
    reporters: ['default', ['./test/summary-reporter.ts', { notes: browserNotes }]],
    // Fails any test in which console.warn is called: the suite prints no warnings.
    setupFiles: ['./test/helpers/no-warnings.ts'],
    testTimeout: 60_000,
    projects: [
      node('default', ['test/**/*.test.ts'], { env: { DESCENT_KERNELS: 'simd' } }),
      node('relaxed', variantFiles, { env: { DESCENT_KERNELS: 'relaxed' }, execArgv: ['--experimental-wasm-relaxed-simd'] }),
      node('scalar', variantFiles, { env: { DESCENT_KERNELS: 'scalar' }, execArgv: ['--no-enable-sse4-1'] }),
      node('threads', globs(NETWORK_FILES), { env: { DESCENT_KERNELS: 'simd', DESCENT_THREADS: '2' } }),
      ...(haveChromium ? [browser, demo] : browserRule === 'required' ? [chromiumMissing] : []),
    ],
  },
});
