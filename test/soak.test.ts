// Long-run stability, the CI variant (issue 13): 10,000 steps of a live trainer on the built
// library with the wasm memory constant after warm-up and no JS-heap growth after a full GC.
// The full run is `npm run soak` (100,000 steps); both run test/soak/run.mjs under
// `node --expose-gc` in a child process, so vitest's own heap is not measured.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('soak/run.mjs', import.meta.url));
const soak = (steps: number, env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, ['--expose-gc', script, String(steps)], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: r.status, stderr: r.stderr, report: JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { steps: number; wasmBytes: number; heapGrowth: number; failures: string[] } };
};

describe('long-run stability', () => {
  it('10,000 steps: wasm memory constant after warm-up, no JS-heap growth', () => {
    const { status, report } = soak(10_000);
    expect(report.failures).toEqual([]);
    expect(status).toBe(0);
    expect(report.steps).toBe(10_000);
    expect(report.wasmBytes).toBeGreaterThan(0);
  });

  it('the heap check fails on a leak of ~200 bytes a step (a small array kept per step)', () => {
    const { status, report } = soak(10_000, { SOAK_INJECT_LEAK: '100' });
    expect(status).toBe(1);
    expect(report.failures.join('\n')).toMatch(/JS heap grew \d+ bytes/);
  });
});
