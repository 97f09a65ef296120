// Cold start: each measurement is a fresh `node cold-child.mjs <case>` process (see there for
// what the clock covers). Both libraries start on both networks — the tiny net and the MLP —
// so every comparison is like for like; descent also starts without its V8 code cache, so its
// effect on each network is measured rather than assumed. The cases take turns, process by
// process, so a slow spell of the machine hits all of them; medians over `runs` processes.
import { spawnSync } from 'node:child_process';
import { median } from './peak.mjs';
import { pinnedCommand } from './pin.mjs';

const CHILD = new URL('./cold-child.mjs', import.meta.url);

export const COLD_NETS = [
  { id: 'tiny', what: '2-16-16-2 tanh, batch 32, Adam' },
  { id: 'mlp', what: '784-256-128-10 relu, batch 32, Adam' },
];
export const COLD_LIBS = [
  { id: 'descent', what: "import('descent'): the Node entry, which runs the bundle with its V8 code cache" },
  { id: 'descent-nocache', what: 'the same bundle as a plain ES module, without the code cache (dist/descent.esm.js, what Deno and Bun load)' },
  { id: 'tfjs', what: "import('@tensorflow/tfjs') and '@tensorflow/tfjs-backend-wasm', setBackend('wasm')" },
  { id: 'tfjs-require', what: 'the same through require(), which spares Node lexing the CommonJS bundles for named exports' },
];

/**
 * What the code cache holds, for the report: scripts/build-node-entry.mjs makes it at build
 * time by running one network's first step, so it covers the JavaScript that path compiles.
 */
export const CODE_CACHE_NOTE = "descent's Node entry runs its bundle with a V8 code cache made at build time (scripts/build-node-entry.mjs) after creating a 2-16(tanh)-16(relu)-2 network and taking one Adam step at batch 32: it holds the bytecode of the JavaScript that path compiled (network creation, the dense kind, tanh and relu, softmax cross-entropy, the trainer, Adam), which the MLP's first step runs too; the .wasm kernels are compiled at createNetwork in every case (no cache)";

export function measureCold(runs) {
  const cases = COLD_NETS.flatMap((net) => COLD_LIBS.map((lib) => ({ id: `${lib.id}:${net.id}`, net: net.id, lib: lib.id })));
  const samples = Object.fromEntries(cases.map((c) => [c.id, []]));
  const cpu = Object.fromEntries(cases.map((c) => [c.id, []]));
  const wall = Object.fromEntries(cases.map((c) => [c.id, []]));
  for (let r = 0; r < runs; r++) {
    for (const c of cases) {
      const t0 = performance.now();
      const p = spawnSync(...pinnedCommand(process.execPath, [CHILD.pathname, c.lib, c.net]), { encoding: 'utf8' });
      const elapsed = performance.now() - t0;
      const line = p.stdout?.split('\n').find((l) => l.startsWith('COLD '));
      if (p.status !== 0 || !line) throw new Error(`cold start ${c.id} failed (exit ${p.status}):\n${p.stderr}`);
      const r = JSON.parse(line.slice(5));
      samples[c.id].push(r.ms);
      cpu[c.id].push(r.cpuMs);
      wall[c.id].push(elapsed);
    }
  }
  return {
    nets: COLD_NETS,
    libs: COLD_LIBS,
    codeCache: CODE_CACHE_NOTE,
    cases: cases.map((c) => ({ ...c, ms: median(samples[c.id]), cpuMs: median(cpu[c.id]), processMs: median(wall[c.id]), runs: samples[c.id], cpuRuns: cpu[c.id] })),
  };
}
