// Golden replays: every committed case from test/golden/make_golden.py (PyTorch 1.13,
// float32) replayed by descent must match torch within the replay tolerances
// (src/train/replay-check.ts): losses, step-0 gradients, final parameters, and for networks of
// the other layer kinds the evaluation-mode outputs after training and batch norm's running
// statistics.
import { describe, expect, it } from 'vitest';
import { runReplay, type ReplayResult } from '../src/train/replay.js';
import { replayMismatches } from '../src/train/replay-check.js';
import { OPTIMIZERS } from '../src/optim/rules.js';
import { hasBatchNorm, layerTypes, loadGoldenCases, loadScheduledCases, mismatches } from './helpers/goldens.js';
import { replayLikeNetworks } from './helpers/network.js';
import { loadTestModule, testThreads } from './helpers/wasm.js';
import { LAYER_TYPES } from '../src/model/layers.js';

// cases/: the factor-by-factor MLP suite; layers/: every other layer kind, alone and combined;
// random/: MLPs drawn by `make_golden.py --random 40 --seed 2026 --mlp`; random-layers/:
// networks of any kinds drawn by `--random 30 --seed 15` (test/golden/README.md).
const cases = loadGoldenCases();
// scheduled/: cases with a learning-rate schedule (make_golden.py's scheduled_cases()).
const scheduled = loadScheduledCases();
/** The schedule's lrs and momentum are float64 on both sides: only the float64 rounding of the formulas may differ. */
const SCHEDULE_TOL = { abs: 1e-15, rel: 1e-12 };

// The release and debug builds of the project's variant; the `threads` project replays every
// case split across its threads on the threaded release build (no threaded debug build exists),
// except batch norm's, which a replay refuses to split (each shard would have its own statistics).
const builds: [string, (c: unknown) => ReplayResult][] = testThreads > 1
  ? [[`threaded release build, ${testThreads} threads`, replayLikeNetworks]]
  : [['release build', replayLikeNetworks], ['debug build', (c) => runReplay(c, loadTestModule('debug'))]];
const threadable = cases.filter(({ c }) => testThreads === 1 || !hasBatchNorm(c));

describe.each(builds)('golden replays (%s)', (_, replay) => {
  it('has the committed suite', () => {
    expect(cases.length).toBeGreaterThanOrEqual(250);
  });
  it.each(threadable.map(({ file, c }) => [file, c] as const))('%s', (_, c) => {
    const bad = replayMismatches(replay(c), c.expected);
    expect(bad.slice(0, 8), `${bad.length} mismatches`).toEqual([]);
  });
  if (testThreads > 1) {
    it('refuses to split a batch norm case across threads', () => {
      const bn = cases.find(({ c }) => hasBatchNorm(c))!;
      expect(() => replay(bn.c)).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'threads' }));
    });
  }

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
        ...replayMismatches(got, c.expected),
      ];
      expect(bad.slice(0, 8), `${bad.length} mismatches`).toEqual([]);
    });
  });
});

describe('the golden suite covers', () => {
  const fixed = cases.filter(({ file }) => file.startsWith('layers/'));
  it('every layer kind, alone and in random networks', () => {
    for (const set of [fixed, cases.filter(({ file }) => file.startsWith('random-layers/'))]) {
      const seen = new Set(set.flatMap(({ c }) => layerTypes(c)));
      expect([...LAYER_TYPES].filter((t) => !seen.has(t))).toEqual([]);
    }
  });
  it('each combination (LeNet, conv + batch norm, MLP with layer norm and dropout) with every optimizer', () => {
    for (const combo of ['lenet', 'convbn', 'mlp-ln-dropout']) {
      const optimizers = fixed.filter(({ c }) => c.name.startsWith(`${combo}-`)).map(({ c }) => c.optimizer.type).sort();
      expect(optimizers, combo).toEqual([...OPTIMIZERS].sort());
    }
  });
  it('evaluation outputs for every case with other kinds than dense, running statistics for batch norm', () => {
    for (const { file, c } of cases) {
      const dense = layerTypes(c).every((t) => t === 'dense');
      expect(c.expected.evalOutputs === undefined, file).toBe(dense);
      const tracks = c.spec.layers.some((l) => (l.type === 'batchnorm1d' || l.type === 'batchnorm2d') && l.trackRunningStats !== false);
      expect(c.expected.state !== undefined, file).toBe(tracks);
    }
  });
});
