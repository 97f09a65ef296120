// Resume equals uninterrupted: a run that saves a checkpoint with its snapshot mid-epoch (or at
// an epoch's end) and a fresh network that loads those bytes and fits with `resume` end with
// bit-identical parameters, optimizer state and history (all but wall-clock times) — for every
// optimizer, every schedule, and with validation, early stopping, the guard and diagnostics
// (with histograms) on: their reports, epoch summaries and verdicts go on as they would have.
import { describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../src/checkpoint.js';
import { schedule, SCHEDULER_TYPES } from '../src/schedules.js';
import { histograms } from '../src/diagnostics.js';
import { OPTIMIZERS } from '../src/optim/rules.js';
import type { FitOptions, History, LayerSpec, NetworkSpec, OptimizerConfig, TrainingSnapshot } from '../src/types.js';
import { makeNetwork, xorData } from './helpers/network.js';

const spec: NetworkSpec = { inputs: 2, layers: [{ units: 8, activation: 'tanh' }, { units: 6, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 11 };
const data = xorData(90, 4);

/** Epoch records without their wall-clock time, the one thing a resume cannot repeat. */
const timeless = (h: History) => ({ ...h, preflight: undefined, epochs: h.epochs.map(({ timeMs: _, ...r }) => r) });
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const paramBits = (net: ReturnType<typeof makeNetwork>) => net.getParameters().flatMap((p) => [...bits(p.weight), ...bits(p.bias)]);

interface Case {
  name: string;
  options: FitOptions;
  /** Take the checkpoint after this step (onBatchEnd) or, if negative, at the end of epoch −at − 1. */
  at: number;
}

/**
 * Trains `options` uninterrupted, saving a checkpoint at `at`; then resumes a fresh network from
 * those bytes and checks that both end alike, and that the optimizer state at the end matches.
 */
function resumeMatches({ options, at }: Case): void {
  const whole = makeNetwork(spec);
  let bytes: Uint8Array | null = null;
  let ending: TrainingSnapshot | null = null;
  const save = (run: { snapshot(): TrainingSnapshot }) => {
    // Through bytes, as a real resume is: everything must survive the file.
    bytes = saveCheckpoint(whole, { training: run.snapshot() });
  };
  const history = whole.fitSync(data.x, data.y, {
    ...options,
    onBatchEnd: (info, run) => { if (info.step === at) save(run); },
    onEpochEnd: (r, run) => {
      if (-at - 1 === r.epoch) save(run);
      ending = run.snapshot();
    },
  });
  expect(bytes, 'a checkpoint was taken').not.toBeNull();

  const resumed = makeNetwork(spec);
  resumed.reinitialize(999); // the checkpoint, not the spec's seed, must set every weight
  const contents = loadCheckpoint(resumed, bytes!);
  let resumedEnding: TrainingSnapshot | null = null;
  const after = resumed.fitSync(data.x, data.y, { ...options, resume: contents.training!, onEpochEnd: (_, run) => { resumedEnding = run.snapshot(); } });
  expect(paramBits(resumed)).toEqual(paramBits(whole));
  expect(timeless(after)).toEqual(timeless(history));
  const o = (s: TrainingSnapshot | null) => ({ ...s!.optimizer, state: Object.fromEntries(Object.entries(s!.optimizer.state).map(([k, v]) => [k, bits(v)])) });
  expect(o(resumedEnding)).toEqual(o(ending));
  expect(resumedEnding!.run!.rng).toEqual(ending!.run!.rng);
}

const base = { epochs: 4, batchSize: 16, preflight: 'off', diagnostics: { every: 2 } } as const;

// Options that make each rule use all of its state (momentum, centring, AMSGrad, weight decay).
const OPTIMIZER_CONFIGS: Record<string, OptimizerConfig> = {
  sgd: { type: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
  adagrad: { type: 'adagrad', lr: 0.05, lrDecay: 1e-3, initialAccumulatorValue: 0.1 },
  rmsprop: { type: 'rmsprop', lr: 0.01, momentum: 0.5, centered: true },
  adam: { type: 'adam', lr: 0.01, amsgrad: true },
  adamw: { type: 'adamw', lr: 0.01 },
  adamax: { type: 'adamax', lr: 0.01 },
  nadam: { type: 'nadam', lr: 0.01 },
  radam: { type: 'radam', lr: 0.01 },
  adadelta: { type: 'adadelta', lr: 1 },
};

describe('resume equals uninterrupted, for every optimizer', () => {
  it('covers every rule', () => {
    expect(Object.keys(OPTIMIZER_CONFIGS).sort()).toEqual([...OPTIMIZERS].sort());
  });
  // 90 rows in batches of 16: 6 steps an epoch; step 8 is mid-epoch 1, mid-batch-order.
  it.each(OPTIMIZERS.map((o) => [o]))('%s, mid-epoch', (type) => {
    resumeMatches({ name: type, options: { ...base, optimizer: OPTIMIZER_CONFIGS[type] }, at: 8 });
  });
  it.each(OPTIMIZERS.map((o) => [o]))('%s, at an epoch end', (type) => {
    resumeMatches({ name: type, options: { ...base, optimizer: OPTIMIZER_CONFIGS[type] }, at: -2 });
  });
});

const SCHEDULES = [
  schedule({ type: 'stepLR', stepSize: 1, gamma: 0.7 }),
  schedule({ type: 'multiStepLR', milestones: [1, 3], gamma: 0.5 }),
  schedule({ type: 'exponentialLR', gamma: 0.9 }),
  schedule({ type: 'cosineAnnealingLR', tMax: 3 }),
  schedule({ type: 'cosineAnnealingWarmRestarts', t0: 2, tMult: 2 }),
  schedule({ type: 'linearLR', startFactor: 0.2, totalIters: 3 }),
  schedule({ type: 'constantLR', factor: 0.5, totalIters: 2 }),
  schedule({ type: 'polynomialLR', totalIters: 3, power: 2 }),
  schedule({ type: 'reduceLROnPlateau', patience: 0, factor: 0.5 }),
  schedule({ type: 'oneCycleLR', maxLr: 0.2, totalSteps: 30 }),
  schedule({ type: 'cyclicLR', baseLr: 0.01, maxLr: 0.1, stepSizeUp: 4 }),
  schedule({ type: 'sequentialLR', schedulers: [{ type: 'linearLR', startFactor: 0.5, totalIters: 2 }, { type: 'exponentialLR', gamma: 0.8 }], milestones: [2] }),
  schedule({ type: 'chainedScheduler', schedulers: [{ type: 'constantLR', factor: 0.5, totalIters: 2 }, { type: 'exponentialLR', gamma: 0.9 }] }),
  schedule({ type: 'stepLR', stepSize: 5, gamma: 0.9, interval: 'step' }),
  // Functions are not saved: the resuming fit's config brings them, the state their counters.
  schedule({ type: 'lambdaLR', lrLambda: (epoch) => 1 / (1 + epoch) }),
  schedule({ type: 'multiplicativeLR', lrLambda: (epoch) => (epoch % 2 ? 0.5 : 0.9) }),
];

describe('resume equals uninterrupted, for every schedule', () => {
  it('covers every scheduler type', () => {
    expect(new Set(SCHEDULES.map((s) => s.config.type))).toEqual(new Set(SCHEDULER_TYPES));
  });
  it.each(SCHEDULES.map((s) => [`${s.config.type} (${s.interval})`, s] as const))('%s', (_, s) => {
    const options: FitOptions = { ...base, optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 }, schedule: s };
    resumeMatches({ name: s.config.type, options, at: 8 });
    resumeMatches({ name: s.config.type, options, at: -2 });
  });
});

describe('resume equals uninterrupted, with everything on', () => {
  it('validation split, early stopping with best weights, guard recover and diagnostics', () => {
    const options: FitOptions = {
      ...base, epochs: 6, diagnostics: { every: 3, histograms: histograms({ bins: 8 }) }, optimizer: { type: 'adam', lr: 0.02 }, validationSplit: 0.2,
      earlyStopping: { patience: 3, restoreBestWeights: true }, guard: { mode: 'recover', snapshotEvery: 4 },
      schedule: schedule({ type: 'reduceLROnPlateau', patience: 0, factor: 0.5 }),
    };
    for (const at of [1, 5, 9, 13, -1, -4]) resumeMatches({ name: 'everything', options, at });
  });
  it('stochastic and batch modes', () => {
    resumeMatches({ name: 'stochastic', options: { ...base, batchSize: undefined, epochs: 2, mode: 'stochastic', optimizer: { type: 'sgd', lr: 0.01 } }, at: 100 });
    resumeMatches({ name: 'batch', options: { ...base, batchSize: undefined, epochs: 5, mode: 'batch', optimizer: { type: 'rmsprop', lr: 0.01 } }, at: 2 });
  });
  it('the last step of an epoch, before its evaluation', () => {
    resumeMatches({ name: 'boundary', options: { ...base, validationSplit: 0.2, optimizer: { type: 'sgd', lr: 0.05 } }, at: 5 });
  });
});

describe('a resume that does not fit this fit is refused before anything changes', () => {
  const options: FitOptions = { ...base, optimizer: { type: 'adam', lr: 0.01 } };
  /** A snapshot of `options` after 8 steps, through a checkpoint. */
  function snapshot(extra: Partial<FitOptions> = {}): TrainingSnapshot {
    const net = makeNetwork(spec);
    let s: TrainingSnapshot | null = null;
    net.fitSync(data.x, data.y, { ...options, ...extra, onBatchEnd: (info, run) => { if (info.step === 8) s = run.snapshot(); } });
    return s!;
  }
  const cases: [string, () => [TrainingSnapshot, FitOptions, { x: number[][]; y: number[] }], string, string][] = [
    ['another optimizer', () => [snapshot(), { ...options, optimizer: { type: 'sgd', lr: 0.1 } }, data], 'ConfigError', 'options.resume.optimizer.type'],
    ['another batch size', () => [snapshot(), { ...options, batchSize: 8 }, data], 'ConfigError', 'options.resume.run.settings.batchSize'],
    ['other data', () => [snapshot(), options, xorData(50, 4)], 'ConfigError', 'options.resume.run.settings.rows'],
    ['no shuffling', () => [snapshot(), { ...options, shuffle: false }, data], 'ConfigError', 'options.resume.run.settings.shuffle'],
    ['a schedule it did not have', () => [snapshot(), { ...options, schedule: schedule({ type: 'stepLR', stepSize: 1 }) }, data], 'ConfigError', 'options.resume.run.state.schedule'],
    ['no early stopping though it had', () => [snapshot({ earlyStopping: { patience: 9 } }), options, data], 'ConfigError', 'options.resume.run.state.earlyStopping'],
    ['epochs already done', () => [snapshot(), { ...options, epochs: 1 }, data], 'ConfigError', 'options.epochs'],
    ['a state tensor of the wrong size', () => {
      const s = snapshot();
      s.optimizer.state.exp_avg = new Float32Array(3);
      return [s, options, data];
    }, 'ConfigError', 'options.resume.optimizer.state.exp_avg'],
    ['a state the rule does not keep', () => {
      const s = snapshot();
      s.optimizer.state.momentum_buffer = s.optimizer.state.exp_avg;
      return [s, options, data];
    }, 'ConfigError', 'options.resume.optimizer.state.momentum_buffer'],
    ['a missing state after steps', () => {
      const s = snapshot();
      delete s.optimizer.state.exp_avg_sq;
      return [s, options, data];
    }, 'ConfigError', 'options.resume.optimizer.state.exp_avg_sq'],
    ['an order that is not a permutation', () => {
      const s = snapshot();
      s.run!.order![0] = s.run!.order![1];
      return [s, options, data];
    }, 'ConfigError', 'options.resume.run.order'],
    ['not a snapshot', () => [42 as unknown as TrainingSnapshot, options, data], 'ConfigError', 'options.resume'],
    ['a snapshot without optimizer state', () => [{ run: null } as unknown as TrainingSnapshot, options, data], 'ConfigError', 'options.resume.optimizer'],
  ];
  it.each(cases)('%s', (_, make, name, path) => {
    const [s, fitOptions, d] = make();
    const net = makeNetwork(spec);
    const trainer = net.trainer(data.x, data.y, { optimizer: { type: 'sgd', lr: 0.1 } });
    trainer.step();
    const before = paramBits(net);
    let error: unknown;
    try {
      net.fitSync(d.x, d.y, { ...fitOptions, resume: s });
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ name, path });
    expect((error as Error).message).toContain(path.replace(/^options\.resume\.?/, '').split('.').pop());
    expect(paramBits(net)).toEqual(before);
    trainer.step(); // the live trainer was not superseded
  });
  it('restarts cannot resume', () => {
    const net = makeNetwork(spec);
    expect(() => net.fitSync(data.x, data.y, { ...options, restarts: { count: 2 }, resume: snapshot() })).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'options.resume' }));
  });
});

describe('a trainer resumes too', () => {
  it.each(OPTIMIZERS.map((o) => [o]))('%s: snapshot, save, load, resume: the same steps as the trainer that went on', (type) => {
    const options = { optimizer: OPTIMIZER_CONFIGS[type], batchSize: 16, guard: 'skip', diagnostics: { every: 4 } } as const;
    const whole = makeNetwork(spec);
    const t = whole.trainer(data.x, data.y, options);
    for (let i = 0; i < 9; i++) t.step();
    const bytes = saveCheckpoint(whole, { training: t.snapshot() });
    for (let i = 0; i < 11; i++) t.step();

    const resumed = makeNetwork(spec);
    resumed.reinitialize(5);
    const { training } = loadCheckpoint(resumed, bytes);
    const r = resumed.trainer(data.x, data.y, { ...options, resume: training! });
    expect([r.steps, r.epoch]).toEqual([9, 1]);
    for (let i = 0; i < 11; i++) r.step();
    expect(paramBits(resumed)).toEqual(paramBits(whole));
    expect([r.steps, r.epoch, r.loss]).toEqual([t.steps, t.epoch, t.loss]);
    expect(r.diagnostics).toEqual(t.diagnostics);
    expect(r.verdicts).toEqual(t.verdicts);
  });
  it('a fit continues a trainer\'s snapshot, and a trainer refuses a fit\'s scheduled one', () => {
    const net = makeNetwork(spec);
    const t = net.trainer(data.x, data.y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 16 });
    for (let i = 0; i < 8; i++) t.step();
    const snapshot = t.snapshot();
    const a = makeNetwork(spec);
    a.setParameters(net.getParameters());
    const history = a.fitSync(data.x, data.y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 16, epochs: 3, preflight: 'off', resume: snapshot });
    expect(history.steps).toBe(18);
    for (let i = 0; i < 10; i++) t.step();
    expect(paramBits(a)).toEqual(paramBits(net));
    let scheduled: TrainingSnapshot | null = null;
    makeNetwork(spec).fitSync(data.x, data.y, { ...base, optimizer: { type: 'adam' }, schedule: schedule({ type: 'stepLR', stepSize: 1 }), onBatchEnd: (_, run) => { scheduled ??= run.snapshot(); } });
    expect(() => makeNetwork(spec).trainer(data.x, data.y, { optimizer: { type: 'adam' }, batchSize: 16, resume: scheduled! })).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'options.resume.run.state.schedule' }));
  });
  it('a superseded trainer cannot be snapshotted', () => {
    const net = makeNetwork(spec);
    const t = net.trainer(data.x, data.y, { optimizer: { type: 'adam' } });
    t.step();
    net.trainer(data.x, data.y, { optimizer: { type: 'adam' } });
    expect(() => t.snapshot()).toThrow(expect.objectContaining({ name: 'StateError', path: 'trainer' }));
  });
});

describe('verdicts raised across a resume', () => {
  // Streaks that span the cut: deep sigmoid layers at a tiny rate (vanishing at step 5, lr_too_low
  // at 13), and ReLU layers at a rate that kills units (lr_too_high at 11, dead at 20 — from when
  // each unit was last live — and lr_too_low at 36).
  const deep: NetworkSpec = { inputs: 2, layers: [...[...Array(6)].map((): LayerSpec => ({ units: 8, activation: 'sigmoid' })), { units: 2, activation: 'linear' }], loss: 'softmax_cross_entropy', init: 'xavier_uniform', seed: 3 };
  const dying: NetworkSpec = { inputs: 2, layers: [{ units: 16, activation: 'relu' }, { units: 16, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 3 };
  it.each([
    ['vanishing sigmoids', deep, 1e-4, 10],
    ['dying ReLUs', dying, 3, 15],
  ] as const)('%s: the same verdicts at the same steps, and the same reports', (_, netSpec, lr, cut) => {
    const options: FitOptions = { ...base, epochs: 8, diagnostics: { every: 1 }, optimizer: { type: 'sgd', lr } };
    const whole = makeNetwork(netSpec);
    let bytes: Uint8Array | null = null;
    const history = whole.fitSync(data.x, data.y, { ...options, onBatchEnd: (info, run) => { if (info.step === cut) bytes = saveCheckpoint(whole, { training: run.snapshot() }); } });
    expect(history.verdicts.filter((v) => v.step > cut).length, 'verdicts raised after the cut').toBeGreaterThan(0);
    const resumed = makeNetwork(netSpec);
    const after = resumed.fitSync(data.x, data.y, { ...options, resume: loadCheckpoint(resumed, bytes!).training! });
    expect(after.verdicts).toEqual(history.verdicts);
    expect(timeless(after)).toEqual(timeless(history));
  });
});
