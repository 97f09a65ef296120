// Golden replays: every committed case from test/golden/make_golden.py (PyTorch 1.13,
// float32) replayed by descent must match torch within the tolerances.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runReplay, type ReplayResult, type ReplayTensors } from '../src/train/replay.js';
import { replayLikeNetworks } from './helpers/network.js';
import { loadTestModule, testThreads } from './helpers/wasm.js';

// cases/: the factor-by-factor suite; random/: cases drawn by `make_golden.py --random 40 --seed 2026`.
const root = new URL('./golden/', import.meta.url);
const files = ['cases', 'random'].flatMap((d) => readdirSync(new URL(`${d}/`, root)).filter((f) => f.endsWith('.json')).sort().map((f) => `${d}/${f}`));

type Tol = { abs: number; rel: number };
const LOSS: Tol = { abs: 1e-6, rel: 1e-4 };
const GRAD: Tol = { abs: 1e-5, rel: 1e-3 };
const PARAM: Tol = { abs: 1e-4, rel: 1e-3 };

/** Indices where `got` differs from `want` beyond tolerance (null must match null). */
function mismatches(got: (number | null)[], want: (number | null)[], tol: Tol): string[] {
  const bad: string[] = [];
  if (got.length !== want.length) return [`length ${got.length} ≠ ${want.length}`];
  want.forEach((w, i) => {
    const g = got[i];
    const ok = w === null ? g === null : g !== null && Math.abs(g - w) <= tol.abs + tol.rel * Math.abs(w);
    if (!ok) bad.push(`[${i}] got ${g} want ${w}`);
  });
  return bad;
}

function compareTensors(got: ReplayTensors[], want: ReplayTensors[], tol: Tol, what: string): string[] {
  if (got.length !== want.length) return [`${what}: ${got.length} layers ≠ ${want.length}`];
  return want.flatMap((w, l) => [
    ...mismatches(got[l].weight, w.weight, tol).map((m) => `${what}[${l}].weight${m}`),
    ...mismatches(got[l].bias, w.bias, tol).map((m) => `${what}[${l}].bias${m}`),
  ]);
}

// The release and debug builds of the project's variant; the `threads` project replays every
// case split across its threads on the threaded release build (no threaded debug build exists).
const builds: [string, (c: unknown) => ReplayResult][] = testThreads > 1
  ? [[`threaded release build, ${testThreads} threads`, replayLikeNetworks]]
  : [['release build', replayLikeNetworks], ['debug build', (c) => runReplay(c, loadTestModule('debug'))]];

describe.each(builds)('golden replays (%s)', (_, replay) => {
  it('has the committed suite', () => {
    expect(files.length).toBeGreaterThanOrEqual(100);
  });
  it.each(files)('%s', (file) => {
    const c = JSON.parse(readFileSync(new URL(file, root), 'utf8'));
    const got = replay(c);
    const bad = [
      ...mismatches(got.losses, c.expected.losses, LOSS).map((m) => `losses${m}`),
      ...compareTensors(got.grads0, c.expected.grads0, GRAD, 'grads0'),
      ...compareTensors(got.final, c.expected.final, PARAM, 'final'),
    ];
    expect(bad.slice(0, 8), `${bad.length} mismatches`).toEqual([]);
  });
});
