// Cold start: each measurement is a fresh `node cold-child.mjs <what>` process (see there
// for what the clock covers). The cases take turns, process by process, so a slow spell of
// the machine hits all of them; medians over `runs` processes.
import { spawnSync } from 'node:child_process';
import { median } from './peak.mjs';

const CHILD = new URL('./cold-child.mjs', import.meta.url);

export const COLD_CASES = [
  { id: 'descent-tiny', what: 'descent, 2-16-16-2 tanh, batch 32, Adam' },
  { id: 'descent-mlp', what: 'descent, 784-256-128-10 relu, batch 32, Adam' },
  { id: 'tfjs-mlp', what: "tfjs-wasm, same MLP, import('@tensorflow/tfjs')" },
  { id: 'tfjs-mlp-require', what: "tfjs-wasm, same MLP, require('@tensorflow/tfjs')" },
];

export function measureCold(runs) {
  const samples = Object.fromEntries(COLD_CASES.map((c) => [c.id, []]));
  const wall = Object.fromEntries(COLD_CASES.map((c) => [c.id, []]));
  for (let r = 0; r < runs; r++) {
    for (const c of COLD_CASES) {
      const t0 = performance.now();
      const p = spawnSync(process.execPath, [CHILD.pathname, c.id], { encoding: 'utf8' });
      const elapsed = performance.now() - t0;
      const line = p.stdout?.split('\n').find((l) => l.startsWith('COLD '));
      if (p.status !== 0 || !line) throw new Error(`cold start ${c.id} failed (exit ${p.status}):\n${p.stderr}`);
      samples[c.id].push(JSON.parse(line.slice(5)).ms);
      wall[c.id].push(elapsed);
    }
  }
  return COLD_CASES.map((c) => ({ ...c, ms: median(samples[c.id]), processMs: median(wall[c.id]), runs: samples[c.id] }));
}
