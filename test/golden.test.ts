// Golden replays: every committed case from test/golden/make_golden.py (PyTorch 1.13,
// float32) replayed by descent must match torch within the tolerances.
import { describe, expect, it } from 'vitest';
import { runReplay, type ReplayResult } from '../src/train/replay.js';
import { GRAD_TOL, LOSS_TOL, loadGoldenCases, loadScheduledCases, mismatches, PARAM_TOL, tensorMismatches } from './helpers/goldens.js';
import { replayLikeNetworks } from './helpers/network.js';
import { loadTestModule, testThreads } from './helpers/wasm.js';

// cases/: the factor-by-factor suite; random/: cases drawn by `make_golden.py --random 40 --seed 2026`.
const cases = loadGoldenCases();
// scheduled/: cases with a learning-rate schedule (make_golden.py's scheduled_cases()).
const scheduled = loadScheduledCases();
/** The schedule's lrs and momentum are float64 on both sides: only the float64 rounding of the formulas may differ. */
const SCHEDULE_TOL = { abs: 1e-15, rel: 1e-12 };

// The release and debug builds of the project's variant; the `threads` project replays every
// case split across its threads on the threaded release build (no threaded debug build exists).
const builds: [string, (c: unknown) => ReplayResult][] = testThreads > 1
  ? [[`threaded release build, ${testThreads} threads`, replayLikeNetworks]]
  : [['release build', replayLikeNetworks], ['debug build', (c) => runReplay(c, loadTestModule('debug'))]];

describe.each(builds)('golden replays (%s)', (_, replay) => {
  it('has the committed suite', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });
  it.each(cases.map(({ file, c }) => [file, c] as const))('%s', (_, c) => {
    const got = replay(c);
    const bad = [
      ...mismatches(got.losses, c.expected.losses, LOSS_TOL).map((m) => `losses${m}`),
      ...tensorMismatches(got.grads0, c.expected.grads0, GRAD_TOL, 'grads0'),
      ...tensorMismatches(got.final, c.expected.final, PARAM_TOL, 'final'),
    ];
    expect(bad.slice(0, 8), `${bad.length} mismatches`).toEqual([]);
  });

  describe('with a learning-rate schedule', () => {
    it('has the scheduled suite, covering per-epoch and per-step schedules and momentum cycling', () => {
      expect(scheduled.length).toBeGreaterThanOrEqual(10);
      expect(scheduled.some(({ c }) => c.expected.momentum)).toBe(true);
    });
    it.each(scheduled.map(({ file, c }) => [`${file}: ${c.description}`, c] as const))('%s', (_, c) => {
      const got = replay(c);
      const bad = [
        ...mismatches(got.lrs ?? [], c.expected.lrs!, SCHEDULE_TOL).map((m) => `lrs${m}`),
        ...(c.expected.momentum ? mismatches(got.momentum ?? [], c.expected.momentum, SCHEDULE_TOL).map((m) => `momentum${m}`) : got.momentum ? ['momentum: not cycled in torch'] : []),
        ...mismatches(got.losses, c.expected.losses, LOSS_TOL).map((m) => `losses${m}`),
        ...tensorMismatches(got.grads0, c.expected.grads0, GRAD_TOL, 'grads0'),
        ...tensorMismatches(got.final, c.expected.final, PARAM_TOL, 'final'),
      ];
      expect(bad.slice(0, 8), `${bad.length} mismatches`).toEqual([]);
    });
  });
});
