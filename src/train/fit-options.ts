// Fit options: every option but the data checked, defaults filled, before anything changes
// (a rejected call leaves the network as it was).
import { MODES, MONITORS, PREFLIGHT_MODES } from '../names.js';
import { resolveDiagnostics, type ResolvedDiagnostics } from '../diagnostics/gradient-flow.js';
import { ConfigError, DataError } from '../errors.js';
import { describe } from '../util/describe.js';
import { mustBe } from '../util/must-be.js';
import { isOneOf, OptionsReader } from '../util/options.js';
import { resolveGuard, type ResolvedGuard } from './guard.js';
import type { ResolvedOptimizer } from '../optim/rules.js';
import type { EarlyStopping, FitOptions, GradientDescentMode, Monitor, ResolvedLayerSpec, Scheduler } from '../types.js';

const FIT_KEYS = [
  'optimizer', 'mode', 'batchSize', 'epochs', 'shuffle', 'seed', 'validationData', 'validationSplit',
  'earlyStopping', 'onBatchEnd', 'onEpochEnd', 'yieldEveryMs', 'signal', 'diagnostics', 'onDiagnostics', 'onVerdict', 'schedule', 'preflight', 'onWarning', 'guard', 'restarts', 'resume',
] as const satisfies readonly (keyof FitOptions)[];

/** The options `network.trainer()` takes: fit's batching, diagnostics and guard. */
export const TRAINER_KEYS = ['optimizer', 'mode', 'batchSize', 'shuffle', 'seed', 'diagnostics', 'onDiagnostics', 'onVerdict', 'guard', 'resume'] as const satisfies readonly (keyof FitOptions)[];


/** Fit options checked, with defaults filled. */
export interface ResolvedFit {
  mode: GradientDescentMode;
  batchSize: number;
  epochs: number;
  shuffle: boolean;
  seed: number;
  validationSplit: number;
  earlyStopping: Required<EarlyStopping> | null;
  yieldEveryMs: number;
  diagnostics: ResolvedDiagnostics | null;
  schedule: ResolvedSchedule | null;
  preflight: 'warn' | 'throw' | 'off';
  guard: ResolvedGuard | null;
  restarts: { seeds: number[]; metric: Monitor } | null;
}

/** A schedule as `schedule()` in 'descent/schedules' makes it (see schedules.ts). */
export interface ResolvedSchedule {
  interval: 'epoch' | 'step';
  monitor: Monitor | null;
  /** Builds the scheduler for an optimizer (its lr, and the momentum or β₁ oneCycleLR / cyclicLR may cycle). */
  open(optimizer: ResolvedOptimizer): Scheduler;
}

/** Checks the `schedule` option: an object from schedule() in 'descent/schedules'. */
function resolveSchedule(o: FitOptions['schedule'], check: MonitorCheck): ResolvedSchedule | null {
  if (o === undefined) return null;
  if (typeof o !== 'object' || o === null || typeof (o as Partial<ResolvedSchedule>).open !== 'function') {
    throw mustBe('options.schedule', `a schedule from schedule({ type, … }) in 'descent/schedules'`, o);
  }
  return { interval: o.interval, monitor: o.monitor === null ? null : check(o.monitor, 'options.schedule.monitor'), open: o.open };
}

/** Checks a monitor at `path` (undefined: the default); throws ConfigError. */
type MonitorCheck = (monitor: unknown, path: string) => Monitor;

/**
 * The monitor check of a fit: what early stopping, restarts and reduceLROnPlateau watch unless
 * told is val_loss with validation data, else loss; a validation metric needs validation data,
 * and an accuracy a classifier — both known before the first step, so rejected then.
 */
function monitorCheck(hasValidation: boolean, classifier: boolean): MonitorCheck {
  return (monitor = hasValidation ? 'val_loss' : 'loss', path) => {
    if (!isOneOf(MONITORS, monitor)) throw mustBe(path, `one of ${MONITORS.join(', ')}`, monitor);
    const needs = monitor.startsWith('val_') && !hasValidation ? 'validationData or validationSplit' : monitor.endsWith('accuracy') && !classifier ? 'a classifier' : '';
    if (needs) throw new ConfigError(`${path} "${monitor}" needs ${needs}`, path, monitor);
    return monitor;
  };
}

/** Builds the schedule for `optimizer`; throws ConfigError. */
export function openSchedule(s: ResolvedSchedule, optimizer: ResolvedOptimizer): Scheduler {
  return s.open(optimizer);
}

/**
 * Validates fit options (everything but the data) and fills defaults. `keys` are the options
 * the caller takes (a trainer takes fewer), named `what` in the unknown-key error.
 */
export function resolveFitOptions(o: FitOptions, net: { spec: { seed: number }; classifier: boolean }, async: boolean, keys: readonly (keyof FitOptions)[] = FIT_KEYS, what = 'a fit option'): ResolvedFit {
  const networkSeed = net.spec.seed;
  const r = OptionsReader.read(o, 'options', keys, what, 'an object with at least { optimizer }');
  if (!async) {
    for (const key of ['yieldEveryMs', 'signal'] as const) {
      if (r.has(key)) throw new ConfigError(`options.${key} only applies to the async fit(); fitSync never yields`, `options.${key}`, o[key]);
    }
  }
  const mode = r.oneOf('mode', MODES, 'mini-batch');
  if (mode !== 'mini-batch') {
    if (r.has('batchSize')) throw new ConfigError(`options.batchSize only applies to mode "mini-batch" (mode "${mode}" fixes the batch), got ${describe(o.batchSize)}`, 'options.batchSize', o.batchSize);
    if (r.has('shuffle')) throw new ConfigError(`options.shuffle only applies to mode "mini-batch" (${mode === 'stochastic' ? 'stochastic mode always shuffles' : 'batch mode uses every sample each step'})`, 'options.shuffle', o.shuffle);
  }
  const batchSize = r.integer('batchSize', { default: 32, min: 1, want: 'a positive integer' });
  const epochs = r.integer('epochs', { default: 1, min: 1, want: 'a positive integer' });
  const shuffle = r.boolean('shuffle', true);
  const seed = r.integer('seed', { default: networkSeed, want: 'an integer' });
  const validationSplit = r.number('validationSplit', { default: 0, min: 0, below: 1, want: 'in [0, 1)' });
  if (validationSplit > 0 && r.has('validationData')) {
    throw new ConfigError('options.validationSplit and options.validationData are exclusive: give one', 'options.validationSplit', validationSplit);
  }
  const check = monitorCheck(validationSplit > 0 || r.has('validationData'), net.classifier);
  const earlyStopping = resolveEarlyStopping(o.earlyStopping, check);
  const yieldEveryMs = r.number('yieldEveryMs', { default: 16, above: 0 });
  const diagnostics = resolveDiagnostics(o.diagnostics);
  const preflight = r.oneOf('preflight', PREFLIGHT_MODES, 'warn');
  for (const key of ['onBatchEnd', 'onEpochEnd', 'onDiagnostics', 'onVerdict', 'onWarning'] as const) r.callback(key);
  // What fit calls on it: an object with only `aborted` would fail mid-fit.
  if (r.has('signal') && typeof o.signal?.throwIfAborted !== 'function') throw r.fail('signal', 'an AbortSignal');
  for (const key of ['onDiagnostics', 'onVerdict'] as const) {
    if (r.has(key) && diagnostics === null) throw new ConfigError(`options.${key} needs diagnostics on (options.diagnostics is false)`, `options.${key}`, o[key]);
  }
  const schedule = resolveSchedule(o.schedule, check);
  const guard = resolveGuard(o.guard);
  const restarts = resolveRestarts(o.restarts, networkSeed, check);
  return { mode, batchSize, epochs, shuffle, seed, validationSplit, earlyStopping, yieldEveryMs, diagnostics, schedule, preflight, guard, restarts };
}

/** Checks `earlyStopping` (Keras semantics) and fills its defaults. */
function resolveEarlyStopping(o: FitOptions['earlyStopping'], check: MonitorCheck): Required<EarlyStopping> | null {
  if (o === undefined) return null;
  const r = OptionsReader.read(o, 'options.earlyStopping', ['monitor', 'minDelta', 'patience', 'mode', 'restoreBestWeights'], 'an early-stopping option', '{ monitor, minDelta, patience }');
  return {
    monitor: check(o.monitor, r.at('monitor')),
    minDelta: r.number('minDelta', { default: 0, min: 0 }),
    patience: r.integer('patience', { default: 0, min: 0 }),
    mode: r.oneOf('mode', ['auto', 'min', 'max'], 'auto'),
    restoreBestWeights: r.boolean('restoreBestWeights', false),
  };
}

/** Checks `restarts`: { count, seeds = network seed + i, metric = val_loss with validation data, else loss }. */
function resolveRestarts(o: FitOptions['restarts'], networkSeed: number, check: MonitorCheck): { seeds: number[]; metric: Monitor } | null {
  if (o === undefined) return null;
  const r = OptionsReader.read(o, 'options.restarts', ['count', 'seeds', 'metric'], 'a restarts option', '{ count, seeds, metric }');
  const count = r.integer('count', { min: 1 });
  const seeds = r.value('seeds', Array.from({ length: count }, (_, i) => networkSeed + i));
  if (!Array.isArray(seeds) || seeds.length !== count || !seeds.every((v) => Number.isSafeInteger(v))) throw r.fail('seeds', `${count} integers`, seeds);
  return { seeds, metric: check(o.metric, r.at('metric')) };
}

/** Rows per step (the last batch of an epoch may be smaller). */
export function batchRows(fit: ResolvedFit, rows: number): number {
  return fit.mode === 'batch' ? rows : fit.mode === 'stochastic' ? 1 : Math.min(fit.batchSize, rows);
}

/**
 * Batch normalisation in training needs more than one value per channel (PyTorch raises
 * "Expected more than 1 value per channel when training"): a step on a batch of one row is
 * refused, before anything changes, when a batch-norm layer's rows hold one value per channel.
 * An epoch of `rows` rows has batches of `batch` rows and a last one of the remainder.
 * `path` and `value` name the option that sets the batch; throws DataError.
 */
export function checkBatchNormBatches(layers: readonly ResolvedLayerSpec[], rows: number, batch: number, path: string, value: unknown): void {
  if (rows < 1 || (batch !== 1 && rows % batch !== 1)) return;
  const i = layers.findIndex((l) => (l.type === 'batchnorm1d' || l.type === 'batchnorm2d') && l.inputs === l.numFeatures);
  if (i < 0) return;
  const gives = batch === 1 ? 'batches of 1 row' : `a last batch of 1 row in every epoch (${rows} rows in batches of ${batch})`;
  throw new DataError(
    `${path} ${describe(value)} gives ${gives}, and spec.layers[${i}] (${layers[i].type} over ${layers[i].inputs} features) would then have 1 value per channel: `
    + 'batch normalisation needs more than 1 in training, as PyTorch ("Expected more than 1 value per channel when training"); choose a batch size that leaves no batch of 1 row',
    path, value,
  );
}

/** checkBatchNormBatches for a fit or trainer of `rows` training rows, naming the option that sets its batches. */
export function checkFitBatches(layers: readonly ResolvedLayerSpec[], fit: ResolvedFit, rows: number): void {
  const minibatch = fit.mode === 'mini-batch';
  checkBatchNormBatches(layers, rows, batchRows(fit, rows), minibatch ? 'options.batchSize' : 'options.mode', minibatch ? fit.batchSize : fit.mode);
}
