// Learning-rate schedules against torch.optim.lr_scheduler 1.13 (test/golden/schedules.json, written
// by make_schedules.py): every lr and momentum at 1e-12 relative, an exact resume from state() at
// every step (through JSON), and the option checks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../src/errors.js';
import { createScheduler, restoreScheduler, schedulerDefaults, SCHEDULER_TYPES } from '../src/optim/schedulers.js';
import type { Scheduler, SchedulerConfig, SchedulerState } from '../src/types.js';

interface Case {
  name: string;
  description: string;
  config: Record<string, unknown>;
  steps: number;
  baseLr: number;
  optimizer: 'sgd' | 'rmsprop' | 'adam';
  optimizerMomentum: number;
  metrics?: number[];
  lrs: number[];
  momentum: number[] | null;
  extraStepThrows: boolean;
}
const golden = JSON.parse(readFileSync(new URL('./golden/schedules.json', import.meta.url), 'utf8')) as { torch: string; lambdas: Record<string, string>; cases: Case[] };

// The same expressions as LAMBDAS in make_schedules.py.
const LAMBDAS: Record<string, (epoch: number) => number> = {
  exp95: (epoch) => 0.95 ** epoch,
  inverse: (epoch) => 1 / (1 + epoch),
  warmup5: (epoch) => Math.min(1, (epoch + 1) / 5),
  times95: () => 0.95,
  zigzag: (epoch) => (epoch % 2 ? 1.1 : 0.8),
  'inverse-cycle': (x) => 1 / x,
  'decay-iterations': (x) => 0.99 ** x,
};

/** The golden names its lambdas (JSON holds no functions); swap the functions in. */
function configOf(c: Record<string, unknown>): SchedulerConfig {
  const out: Record<string, unknown> = { ...c };
  for (const key of ['lrLambda', 'scaleFn']) if (typeof c[key] === 'string') out[key] = LAMBDAS[c[key] as string];
  if (Array.isArray(c.schedulers)) out.schedulers = (c.schedulers as Record<string, unknown>[]).map(configOf);
  return out as unknown as SchedulerConfig;
}

const close = (got: number | undefined, want: number) => got !== undefined && Math.abs(got - want) <= 1e-15 + 1e-12 * Math.abs(want);

/** lr and momentum right after construction and after each step (plateau gets metric t at step t + 1). */
function trace(s: Scheduler, c: Case, from = 0): { lrs: number[]; moms: (number | undefined)[] } {
  const lrs = [s.lr];
  const moms = [s.momentum];
  for (let t = from; t < c.steps; t++) {
    s.step(c.metrics?.[t]);
    lrs.push(s.lr);
    moms.push(s.momentum);
  }
  return { lrs, moms };
}

const create = (c: Case) => createScheduler(configOf(c.config), c.baseLr, { baseMomentum: c.optimizerMomentum, cycles: c.optimizer === 'adam' ? 'beta1' : 'momentum' });

describe('golden schedules from PyTorch', () => {
  it('come from torch 1.13 and cover every schedule', () => {
    expect(golden.torch.startsWith('1.13')).toBe(true);
    expect(Object.keys(golden.lambdas).sort()).toEqual(Object.keys(LAMBDAS).sort());
    const types = new Set(golden.cases.map((c) => c.config.type));
    expect([...types].sort()).toEqual([...SCHEDULER_TYPES].sort());
  });

  describe.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    it(`matches torch: ${c.description}`, () => {
      const { lrs, moms } = trace(create(c), c);
      expect(lrs.length).toBe(c.lrs.length);
      const bad = c.lrs.flatMap((w, i) => (close(lrs[i], w) ? [] : [`lr[${i}] got ${lrs[i]} want ${w}`]));
      if (c.momentum === null) expect(moms.every((m) => m === undefined)).toBe(true);
      else bad.push(...c.momentum.flatMap((w, i) => (close(moms[i], w) ? [] : [`momentum[${i}] got ${moms[i]} want ${w}`])));
      expect(bad).toEqual([]);
    });

    it('resumes exactly from state() at every step, through JSON', () => {
      const full = trace(create(c), c);
      for (let k = 0; k <= c.steps; k++) {
        const s = create(c);
        for (let t = 0; t < k; t++) s.step(c.metrics?.[t]);
        const json = JSON.stringify(s.state());
        const state = JSON.parse(json) as SchedulerState;
        const r = restoreScheduler(configOf(c.config), c.baseLr, state);
        expect(JSON.stringify(r.state())).toBe(json);
        const rest = trace(r, c, k);
        expect(rest.lrs).toEqual(full.lrs.slice(k));
        expect(rest.moms).toEqual(full.moms.slice(k));
      }
    });

    if (c.extraStepThrows) {
      it('refuses the step past totalSteps + 1, as torch does, and changes nothing', () => {
        const s = create(c);
        trace(s, c);
        const before = JSON.stringify(s.state());
        expect(() => s.step()).toThrow(ConfigError);
        expect(JSON.stringify(s.state())).toBe(before);
      });
    }
  });
});

// The goldens pin these already; spelled out here because they surprise.
describe('PyTorch quirks reproduced', () => {
  const lrs = (config: SchedulerConfig, steps: number, baseLr = 0.1, baseMomentum?: number) => {
    const s = createScheduler(config, baseLr, { baseMomentum });
    return [s.lr, ...Array.from({ length: steps }, () => (s.step(), s.lr))];
  };

  it('cosineAnnealingLR past tMax climbs back (period 2 tMax)', () => {
    const v = lrs({ type: 'cosineAnnealingLR', tMax: 10 }, 20);
    expect(v[10]).toBeLessThan(1e-17);
    expect(v[20]).toBeCloseTo(0.1, 15);
    expect(v[15]).toBeCloseTo(v[5], 15);
  });

  it('sequentialLR starts a later schedule from the base lr at its milestone (a warm-up cut short jumps)', () => {
    const v = lrs({ type: 'sequentialLR', milestones: [4], schedulers: [{ type: 'linearLR', startFactor: 0.1, totalIters: 10 }, { type: 'cosineAnnealingLR', tMax: 20 }] }, 5);
    expect(v[3]).toBeCloseTo(0.037, 15);
    expect(v[4]).toBe(0.1);
  });

  it('a one-cycle inside sequentialLR rewrites initial_lr, so the warm-up before it ramps to maxLr / divFactor', () => {
    const config: SchedulerConfig = { type: 'sequentialLR', milestones: [5], schedulers: [{ type: 'linearLR', startFactor: 0.25, totalIters: 4 }, { type: 'oneCycleLR', maxLr: 0.5, totalSteps: 30 }] };
    const v = lrs(config, 5, 0.1, 0.9);
    expect(v[0]).toBeCloseTo(0.005, 16);
    expect(v[4]).toBeCloseTo(0.02, 16);
  });

  it('oneCycleLR takes totalSteps + 1 steps, the last one past minLr', () => {
    const s = createScheduler({ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 10 }, 0.1, { baseMomentum: 0.9 });
    for (let t = 0; t < 9; t++) s.step();
    const min = s.lr;
    expect(min).toBeCloseTo(0.1 / 25 / 1e4, 18);
    s.step();
    expect(s.lr).toBeGreaterThan(min);
    expect(() => s.step()).toThrow(/totalSteps/);
  });

  it('reduceLROnPlateau starts a cooldown even when eps skips the reduction', () => {
    const s = createScheduler({ type: 'reduceLROnPlateau', patience: 0, cooldown: 2, minLr: 0.1 }, 0.1);
    s.step(1);
    s.step(2); // bad epoch: reduction to max(0.01, minLr) = 0.1 is skipped, cooldown starts
    expect(s.lr).toBe(0.1);
    expect(s.state()).toMatchObject({ cooldownCounter: 2, numBadEpochs: 0 });
  });
});

describe('defaults are torch.optim.lr_scheduler 1.13', () => {
  it.each([
    ['stepLR', { gamma: 0.1 }],
    ['multiStepLR', { gamma: 0.1 }],
    ['cosineAnnealingLR', { etaMin: 0 }],
    ['cosineAnnealingWarmRestarts', { tMult: 1, etaMin: 0 }],
    ['linearLR', { startFactor: 1 / 3, endFactor: 1, totalIters: 5 }],
    ['oneCycleLR', { pctStart: 0.3, annealStrategy: 'cos', cycleMomentum: true, baseMomentum: 0.85, maxMomentum: 0.95, divFactor: 25, finalDivFactor: 1e4, threePhase: false }],
    ['reduceLROnPlateau', { mode: 'min', factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'rel', cooldown: 0, minLr: 0, eps: 1e-8 }],
    ['constantLR', { factor: 1 / 3, totalIters: 5 }],
    ['polynomialLR', { totalIters: 5, power: 1 }],
    ['multiplicativeLR', {}],
    ['cyclicLR', { stepSizeUp: 2000, mode: 'triangular', gamma: 1, scaleMode: 'cycle', cycleMomentum: true, baseMomentum: 0.8, maxMomentum: 0.9 }],
    ['chainedScheduler', {}],
  ] as const)('%s', (type, defaults) => {
    expect(schedulerDefaults(type)).toEqual(defaults);
  });
});

describe('momentum', () => {
  it('is undefined unless a one-cycle cycles it', () => {
    expect(createScheduler({ type: 'stepLR', stepSize: 2 }, 0.1, { baseMomentum: 0.9 }).momentum).toBeUndefined();
    expect(createScheduler({ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 10, cycleMomentum: false }, 0.1, { baseMomentum: 0.9 }).momentum).toBeUndefined();
    expect(createScheduler({ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 10 }, 0.1, { baseMomentum: 0 }).momentum).toBe(0.95);
  });

  it('cycling needs an optimizer with momentum or β₁ (PyTorch raises too)', () => {
    const err = catchError(() => createScheduler({ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 10 }, 0.01));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.path).toBe('options.schedule.cycleMomentum');
    const nested = catchError(() => createScheduler({ type: 'sequentialLR', milestones: [2], schedulers: [{ type: 'linearLR' }, { type: 'oneCycleLR', maxLr: 0.1, totalSteps: 10 }] }, 0.01));
    expect(nested.path).toBe('options.schedule.schedulers[1].cycleMomentum');
    expect(() => createScheduler({ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 10, cycleMomentum: false }, 0.01)).not.toThrow();
  });

  it("cyclicLR cycles only an optimizer's `momentum` (PyTorch's CyclicLR raises for Adam's betas too)", () => {
    const config: SchedulerConfig = { type: 'cyclicLR', baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2 };
    expect(catchError(() => createScheduler(config, 0.01)).path).toBe('options.schedule.cycleMomentum');
    const adam = catchError(() => createScheduler(config, 0.01, { baseMomentum: 0.9, cycles: 'beta1' }));
    expect(adam).toBeInstanceOf(ConfigError);
    expect(adam.message).toMatch(/^options\.schedule\.cycleMomentum needs an optimizer with a momentum option/);
    const chained = catchError(() => createScheduler({ type: 'chainedScheduler', schedulers: [{ type: 'exponentialLR', gamma: 0.9 }, config] }, 0.01, { baseMomentum: 0.9, cycles: 'beta1' }));
    expect(chained.path).toBe('options.schedule.schedulers[1].cycleMomentum');
    expect(createScheduler({ ...config, cycleMomentum: false }, 0.01, { baseMomentum: 0.9, cycles: 'beta1' }).momentum).toBeUndefined();
    // oneCycleLR still cycles β₁.
    expect(createScheduler({ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 10 }, 0.01, { baseMomentum: 0.9, cycles: 'beta1' }).momentum).toBe(0.95);
    const s = createScheduler(config, 0.5, { baseMomentum: 0 });
    expect([s.lr, s.momentum]).toEqual([0.01, 0.9]); // the lr becomes baseLr, the momentum maxMomentum
    expect(catchError(() => createScheduler(config, 0.01, { baseMomentum: 0.9, cycles: 'beta2' as never })).path).toBe('options.cycles');
  });
});

function catchError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    return e as ConfigError;
  }
  throw new Error('expected a throw');
}

describe('option errors name the field', () => {
  const bad: [unknown, string][] = [
    [null, 'options.schedule'],
    [{ type: 'cosine' }, 'options.schedule.type'],
    [{ type: 'stepLR' }, 'options.schedule.stepSize'],
    [{ type: 'stepLR', stepSize: 0 }, 'options.schedule.stepSize'],
    [{ type: 'stepLR', stepSize: 2.5 }, 'options.schedule.stepSize'],
    [{ type: 'stepLR', stepSize: 3, gamma: -0.1 }, 'options.schedule.gamma'],
    [{ type: 'stepLR', stepSize: 3, gamma: NaN }, 'options.schedule.gamma'],
    [{ type: 'stepLR', stepSize: 3, gama: 0.5 }, 'options.schedule.gama'],
    [{ type: 'multiStepLR' }, 'options.schedule.milestones'],
    [{ type: 'multiStepLR', milestones: 5 }, 'options.schedule.milestones'],
    [{ type: 'multiStepLR', milestones: [5, -1] }, 'options.schedule.milestones[1]'],
    [{ type: 'exponentialLR' }, 'options.schedule.gamma'],
    [{ type: 'exponentialLR', gamma: '0.9' }, 'options.schedule.gamma'],
    [{ type: 'cosineAnnealingLR', tMax: 0 }, 'options.schedule.tMax'],
    [{ type: 'cosineAnnealingLR', tMax: 10, etaMin: -1 }, 'options.schedule.etaMin'],
    [{ type: 'cosineAnnealingWarmRestarts', t0: 0 }, 'options.schedule.t0'],
    [{ type: 'cosineAnnealingWarmRestarts', t0: 5, tMult: 1.5 }, 'options.schedule.tMult'],
    [{ type: 'lambdaLR' }, 'options.schedule.lrLambda'],
    [{ type: 'lambdaLR', lrLambda: 0.95 }, 'options.schedule.lrLambda'],
    [{ type: 'linearLR', startFactor: 0 }, 'options.schedule.startFactor'],
    [{ type: 'linearLR', endFactor: 1.5 }, 'options.schedule.endFactor'],
    [{ type: 'linearLR', totalIters: 0 }, 'options.schedule.totalIters'],
    [{ type: 'sequentialLR', milestones: [] }, 'options.schedule.schedulers'],
    [{ type: 'sequentialLR', schedulers: [{ type: 'linearLR' }, { type: 'exponentialLR', gamma: 0.9 }], milestones: [] }, 'options.schedule.milestones'],
    [{ type: 'sequentialLR', schedulers: [{ type: 'linearLR' }, { type: 'linearLR' }, { type: 'linearLR' }], milestones: [5, 5] }, 'options.schedule.milestones[1]'],
    [{ type: 'sequentialLR', schedulers: [{ type: 'linearLR' }, { type: 'exponentialLR', gamma: 0.9 }], milestones: [0] }, 'options.schedule.milestones[0]'],
    [{ type: 'sequentialLR', schedulers: [{ type: 'linearLR' }, { type: 'exponentialLR', gamma: 2e400 }], milestones: [5] }, 'options.schedule.schedulers[1].gamma'],
    [{ type: 'sequentialLR', schedulers: [{ type: 'linearLR' }, { type: 'reduceLROnPlateau' }], milestones: [5] }, 'options.schedule.schedulers[1].type'],
    [{ type: 'sequentialLR', schedulers: [{ type: 'sequentialLR', schedulers: [{ type: 'linearLR' }], milestones: [] }], milestones: [] }, 'options.schedule.schedulers[0].type'],
    [{ type: 'oneCycleLR', totalSteps: 10 }, 'options.schedule.maxLr'],
    [{ type: 'oneCycleLR', maxLr: 0.1 }, 'options.schedule.totalSteps'],
    [{ type: 'oneCycleLR', maxLr: 0.1, epochs: 3 }, 'options.schedule.stepsPerEpoch'],
    [{ type: 'oneCycleLR', maxLr: 0.1, stepsPerEpoch: 3 }, 'options.schedule.epochs'],
    [{ type: 'oneCycleLR', maxLr: 0.1, epochs: 0, stepsPerEpoch: 3 }, 'options.schedule.epochs'],
    [{ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 10, pctStart: 1.2 }, 'options.schedule.pctStart'],
    [{ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 10, pctStart: 0.1 }, 'options.schedule.pctStart'], // a zero-step warm-up: torch divides by zero
    [{ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 10, annealStrategy: 'cosine' }, 'options.schedule.annealStrategy'],
    [{ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 10, cycleMomentum: 1 }, 'options.schedule.cycleMomentum'],
    [{ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 10, maxMomentum: 1 }, 'options.schedule.maxMomentum'],
    [{ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 10, baseMomentum: -0.1 }, 'options.schedule.baseMomentum'],
    [{ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 10, divFactor: 0 }, 'options.schedule.divFactor'],
    [{ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 10, finalDivFactor: Infinity }, 'options.schedule.finalDivFactor'],
    [{ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 10, threePhase: 'yes' }, 'options.schedule.threePhase'],
    [{ type: 'reduceLROnPlateau', mode: 'minimum' }, 'options.schedule.mode'],
    [{ type: 'reduceLROnPlateau', factor: 1 }, 'options.schedule.factor'],
    [{ type: 'reduceLROnPlateau', patience: -1 }, 'options.schedule.patience'],
    [{ type: 'reduceLROnPlateau', threshold: -1e-4 }, 'options.schedule.threshold'],
    [{ type: 'reduceLROnPlateau', thresholdMode: 'absolute' }, 'options.schedule.thresholdMode'],
    [{ type: 'reduceLROnPlateau', cooldown: 0.5 }, 'options.schedule.cooldown'],
    [{ type: 'reduceLROnPlateau', minLr: -1 }, 'options.schedule.minLr'],
    [{ type: 'reduceLROnPlateau', eps: NaN }, 'options.schedule.eps'],
    [{ type: 'reduceLROnPlateau', verbose: true }, 'options.schedule.verbose'],
    [{ type: 'constantLR', factor: 0 }, 'options.schedule.factor'], // torch divides by it at totalIters
    [{ type: 'constantLR', factor: 1.5 }, 'options.schedule.factor'],
    [{ type: 'constantLR', totalIters: -1 }, 'options.schedule.totalIters'],
    [{ type: 'polynomialLR', totalIters: 0 }, 'options.schedule.totalIters'],
    [{ type: 'polynomialLR', power: -1 }, 'options.schedule.power'],
    [{ type: 'polynomialLR', power: '2' }, 'options.schedule.power'],
    [{ type: 'multiplicativeLR' }, 'options.schedule.lrLambda'],
    [{ type: 'multiplicativeLR', lrLambda: 0.9 }, 'options.schedule.lrLambda'],
    [{ type: 'cyclicLR', maxLr: 0.1 }, 'options.schedule.baseLr'],
    [{ type: 'cyclicLR', baseLr: 0.01 }, 'options.schedule.maxLr'],
    [{ type: 'cyclicLR', baseLr: -0.01, maxLr: 0.1 }, 'options.schedule.baseLr'],
    [{ type: 'cyclicLR', baseLr: 0.01, maxLr: 0.1, stepSizeUp: 0 }, 'options.schedule.stepSizeUp'],
    [{ type: 'cyclicLR', baseLr: 0.01, maxLr: 0.1, stepSizeDown: -1 }, 'options.schedule.stepSizeDown'],
    [{ type: 'cyclicLR', baseLr: 0.01, maxLr: 0.1, mode: 'exp' }, 'options.schedule.mode'],
    [{ type: 'cyclicLR', baseLr: 0.01, maxLr: 0.1, gamma: 0 }, 'options.schedule.gamma'],
    [{ type: 'cyclicLR', baseLr: 0.01, maxLr: 0.1, scaleFn: 'half' }, 'options.schedule.scaleFn'],
    [{ type: 'cyclicLR', baseLr: 0.01, maxLr: 0.1, scaleMode: 'epoch' }, 'options.schedule.scaleMode'],
    [{ type: 'cyclicLR', baseLr: 0.01, maxLr: 0.1, cycleMomentum: 'no' }, 'options.schedule.cycleMomentum'],
    [{ type: 'cyclicLR', baseLr: 0.01, maxLr: 0.1, baseMomentum: 1 }, 'options.schedule.baseMomentum'],
    [{ type: 'cyclicLR', baseLr: 0.01, maxLr: 0.1, maxMomentum: -0.5 }, 'options.schedule.maxMomentum'],
    [{ type: 'cyclicLR', baseLr: 0.01, maxLr: 0.1, scaleFn: () => -1 }, 'options.schedule.scaleFn'], // checked at the constructor's step
    [{ type: 'chainedScheduler' }, 'options.schedule.schedulers'],
    [{ type: 'chainedScheduler', schedulers: [] }, 'options.schedule.schedulers'],
    [{ type: 'chainedScheduler', schedulers: [{ type: 'reduceLROnPlateau' }] }, 'options.schedule.schedulers[0].type'],
    [{ type: 'chainedScheduler', schedulers: [{ type: 'linearLR' }, { type: 'stepLR' }] }, 'options.schedule.schedulers[1].stepSize'],
    [{ type: 'chainedScheduler', schedulers: [{ type: 'linearLR' }], milestones: [2] }, 'options.schedule.milestones'],
    [{ type: 'sequentialLR', schedulers: [{ type: 'linearLR' }, { type: 'chainedScheduler', schedulers: [{ type: 'linearLR' }] }], milestones: [5] }, 'options.schedule.schedulers[1].type'],
  ];
  it.each(bad.map(([config, path]) => [path, JSON.stringify(config) ?? String(config), config] as const))('%s: %s', (path, _, config) => {
    const err = catchError(() => createScheduler(config as SchedulerConfig, 0.1, { baseMomentum: 0.9 }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.path).toBe(path);
    expect(err.message).toContain(path);
  });

  it('messages show the value; missing options say they are required', () => {
    expect(catchError(() => createScheduler({ type: 'stepLR', stepSize: 3, gamma: -2 }, 0.1)).message).toBe('options.schedule.gamma must be a number > 0, got -2');
    expect(catchError(() => createScheduler({ type: 'exponentialLR' } as SchedulerConfig, 0.1)).message).toMatch(/^options\.schedule\.gamma is required for exponentialLR/);
  });

  it('take the path prefix option', () => {
    const err = catchError(() => createScheduler({ type: 'stepLR', stepSize: 3, gamma: -2 }, 0.1, { path: 'fit.lrSchedule' }));
    expect(err.path).toBe('fit.lrSchedule.gamma');
  });

  it('check the base lr and the optimizer momentum', () => {
    expect(catchError(() => createScheduler({ type: 'stepLR', stepSize: 3 }, -0.1)).path).toBe('optimizer.lr');
    expect(catchError(() => createScheduler({ type: 'stepLR', stepSize: 3 }, NaN)).path).toBe('optimizer.lr');
    expect(catchError(() => createScheduler({ type: 'stepLR', stepSize: 3 }, 0.1, { baseMomentum: NaN })).path).toBe('optimizer.momentum');
  });

  it('multiplicativeLR and a chainedScheduler around it check what the function returns; a failed step changes nothing', () => {
    const f = (e: number) => (e < 2 ? 0.5 : NaN);
    const m = createScheduler({ type: 'multiplicativeLR', lrLambda: f }, 0.1);
    m.step();
    expect(catchError(() => m.step()).path).toBe('options.schedule.lrLambda');
    expect([m.lr, m.state().lastEpoch]).toEqual([0.05, 1]);
    // The first child steps before the second throws: the chain puts it back.
    const c = createScheduler({ type: 'chainedScheduler', schedulers: [{ type: 'exponentialLR', gamma: 0.5 }, { type: 'multiplicativeLR', lrLambda: f }] }, 0.1);
    c.step();
    const before = JSON.stringify(c.state());
    expect(catchError(() => c.step()).path).toBe('options.schedule.schedulers[1].lrLambda');
    expect(JSON.stringify(c.state())).toBe(before);
  });

  it('lambdaLR checks what its function returns', () => {
    const err = catchError(() => createScheduler({ type: 'lambdaLR', lrLambda: () => NaN }, 0.1));
    expect(err.path).toBe('options.schedule.lrLambda');
    const s = createScheduler({ type: 'lambdaLR', lrLambda: (e) => (e < 2 ? 1 : -1) }, 0.1);
    s.step();
    expect(() => s.step()).toThrow(ConfigError);
    expect(s.state().lastEpoch).toBe(1); // the failed step changed nothing
  });
});

describe('steps', () => {
  it('reduceLROnPlateau needs a metric; NaN counts as no improvement (as float("nan") in torch)', () => {
    const s = createScheduler({ type: 'reduceLROnPlateau', patience: 0 }, 0.1);
    expect(() => s.step()).toThrow(DataError);
    expect(s.state().lastEpoch).toBe(0);
    s.step(1);
    s.step(NaN);
    expect(s.lr).toBeCloseTo(0.01, 17);
  });

  it('the others ignore a metric', () => {
    const s = createScheduler({ type: 'exponentialLR', gamma: 0.5 }, 0.1);
    s.step(123);
    expect(s.lr).toBe(0.05);
  });
});

describe('state', () => {
  it('is plain JSON; an unseen best (±Infinity) is kept as a string', () => {
    const min = createScheduler({ type: 'reduceLROnPlateau' }, 0.1).state();
    expect(min).toEqual({ type: 'reduceLROnPlateau', lastEpoch: 0, best: 'Infinity', numBadEpochs: 0, cooldownCounter: 0, lr: 0.1 });
    const max = createScheduler({ type: 'reduceLROnPlateau', mode: 'max' }, 0.1).state();
    expect(max.best).toBe('-Infinity');
    const r = restoreScheduler({ type: 'reduceLROnPlateau', mode: 'max' }, 0.1, JSON.parse(JSON.stringify(max)));
    r.step(-1e308); // better than -Infinity
    expect(r.state().best).toBe(-1e308);
  });

  it('of lambdaLR holds the counter, not the function', () => {
    const s = createScheduler({ type: 'lambdaLR', lrLambda: LAMBDAS.inverse }, 0.5);
    s.step();
    expect(s.state()).toEqual({ type: 'lambdaLR', lastEpoch: 1, lr: 0.25 });
  });

  it('of sequentialLR nests its children (not yet started: lastEpoch -1)', () => {
    const s = createScheduler({ type: 'sequentialLR', milestones: [3], schedulers: [{ type: 'linearLR' }, { type: 'cosineAnnealingWarmRestarts', t0: 4 }] }, 0.1);
    expect(s.state()).toMatchObject({ type: 'sequentialLR', lastEpoch: 0, schedulers: [{ type: 'linearLR', lastEpoch: 0 }, { type: 'cosineAnnealingWarmRestarts', lastEpoch: -1, tCur: 0, tI: 4 }] });
  });

  it('of chainedScheduler nests its children; of cyclicLR holds the counter and the momentum', () => {
    const s = createScheduler({ type: 'chainedScheduler', schedulers: [{ type: 'constantLR' }, { type: 'cyclicLR', baseLr: 0.01, maxLr: 0.02, stepSizeUp: 2 }] }, 0.1, { baseMomentum: 0.9 });
    s.step();
    expect(s.state()).toMatchObject({ type: 'chainedScheduler', lastEpoch: 1, schedulers: [{ type: 'constantLR', lastEpoch: 1 }, { type: 'cyclicLR', lastEpoch: 1 }] });
    expect(s.state().momentum).toBeCloseTo(0.85, 15);
    const bad = { ...s.state(), schedulers: [{ type: 'constantLR' as const, lastEpoch: 1 }] };
    expect(catchError(() => restoreScheduler({ type: 'chainedScheduler', schedulers: [{ type: 'constantLR' }, { type: 'cyclicLR', baseLr: 0.01, maxLr: 0.02, stepSizeUp: 2 }] }, 0.1, bad)).path).toBe('state.schedulers');
  });

  it('restore rejects a state that does not fit the config', () => {
    const config: SchedulerConfig = { type: 'sequentialLR', milestones: [3], schedulers: [{ type: 'linearLR' }, { type: 'stepLR', stepSize: 2 }] };
    const good = createScheduler(config, 0.1).state();
    const cases: [unknown, string][] = [
      [null, 'state'],
      [{ ...good, type: 'stepLR' }, 'state.type'],
      [{ ...good, lastEpoch: 1.5 }, 'state.lastEpoch'],
      [{ ...good, lr: 'fast' }, 'state.lr'],
      [{ ...good, schedulers: [good.schedulers![0]] }, 'state.schedulers'],
      [{ ...good, schedulers: [good.schedulers![0], { type: 'exponentialLR', lastEpoch: 0 }] }, 'state.schedulers[1].type'],
      [{ ...good, schedulers: [good.schedulers![0], { type: 'stepLR', lastEpoch: -2 }] }, 'state.schedulers[1].lastEpoch'],
    ];
    for (const [state, path] of cases) {
      const err = catchError(() => restoreScheduler(config, 0.1, state as SchedulerState));
      expect(err, path).toBeInstanceOf(ConfigError);
      expect(err.path).toBe(path);
    }
    const plateau = createScheduler({ type: 'reduceLROnPlateau' }, 0.1).state();
    expect(catchError(() => restoreScheduler({ type: 'reduceLROnPlateau' }, 0.1, { ...plateau, best: null } as unknown as SchedulerState)).path).toBe('state.best');
    const cycle = createScheduler({ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 5 }, 0.1, { baseMomentum: 0.9 }).state();
    expect(catchError(() => restoreScheduler({ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 5 }, 0.1, { ...cycle, momentum: undefined })).path).toBe('state.momentum');
  });
});
