// The checks of fit's `resume` option, all before the fit changes anything: a snapshot continues
// a run only under the settings it was taken under (the same optimizer, batching and data size,
// the same schedule, early stopping and guard), and every tensor and state in it has the size
// this network needs. The first difference is a ConfigError (settings) or DataError (contents)
// naming it; fit.ts then applies the snapshot knowing it fits.
import { ConfigError } from '../errors.js';
import { describe } from '../util/describe.js';
import { mustBe } from '../util/must-be.js';
import { SLOT_NAMES, slotInUse, type ResolvedOptimizer } from '../optim/rules.js';
import type { ResolvedFit } from './fit-options.js';
import type { TrainingSnapshot } from '../types.js';

export interface ResumeTarget {
  fit: ResolvedFit;
  optimizer: ResolvedOptimizer;
  /** Rows per step, training and validation rows, parameters. */
  batch: number;
  rows: number;
  validationRows: number;
  parameters: number;
}

const P = 'options.resume';

/** Throws mustBe(path, want, value) unless `ok`. */
function need(ok: unknown, path: string, want: string, value: unknown): void {
  if (!ok) throw mustBe(`${P}${path}`, want, value);
}

const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;

export function checkResume(r: TrainingSnapshot, t: ResumeTarget): void {
  const object = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  need(object(r), '', 'a snapshot from run.snapshot() or a checkpoint', r);
  need(object(r.optimizer), '.optimizer', 'an optimizer snapshot { type, step, muProduct, state }', r.optimizer);
  need(r.run === null || object(r.run), '.run', 'null or a run snapshot', r.run);
  const o = r.optimizer;
  const type = t.optimizer.type;
  if (o.type !== null && o.type !== type) throw new ConfigError(`${P}.optimizer.type: the snapshot is ${describe(o.type)}'s state but options.optimizer is ${type}`, `${P}.optimizer.type`, o.type);
  need(count(o.step), '.optimizer.step', 'an integer ≥ 0', o.step);
  need(Number.isFinite(o.muProduct), '.optimizer.muProduct', 'a finite number', o.muProduct);
  const names: readonly (string | null)[] = SLOT_NAMES[type];
  for (const [name, values] of Object.entries(o.state ?? {})) {
    need(names.includes(name), `.optimizer.state.${name}`, `state ${type} keeps (${names.filter(Boolean).join(', ')})`, name);
    need(values instanceof Float32Array && values.length === t.parameters, `.optimizer.state.${name}`, `a Float32Array of ${t.parameters} values`, values);
  }
  // After a step, state the rule uses cannot be missing: it would restart from zero.
  names.forEach((name, i) => need(!(o.step > 0 && slotInUse(t.optimizer, i) && !o.state?.[name!]), `.optimizer.state.${name}`, `there: ${type} uses it after step ${o.step}`, undefined));
  const run = r.run;
  if (run === null) return;
  const want = { mode: t.fit.mode, batchSize: t.batch, shuffle: t.fit.mode === 'stochastic' || (t.fit.mode === 'mini-batch' && t.fit.shuffle), rows: t.rows, validationRows: t.validationRows };
  for (const key of Object.keys(want) as (keyof typeof want)[]) {
    const got = run.settings?.[key];
    if (got !== want[key]) throw new ConfigError(`${P}: the snapshot was taken with ${key} ${describe(got)}, this fit has ${describe(want[key])} (resume with the same data and options)`, `${P}.run.settings.${key}`, got);
  }
  need(count(run.epoch), '.run.epoch', 'an integer ≥ 0', run.epoch);
  if (run.epoch >= t.fit.epochs) throw new ConfigError(`${P}: the snapshot has ${run.epoch} epoch${run.epoch === 1 ? '' : 's'} done, so options.epochs (${t.fit.epochs}) leaves nothing to train; raise it to continue`, 'options.epochs', t.fit.epochs);
  need(run.cursor === null || (count(run.cursor) && run.cursor <= t.rows), '.run.cursor', `null or an integer in [0, ${t.rows}]`, run.cursor);
  need(Array.isArray(run.rng) && run.rng.length === 4 && run.rng.every(Number.isInteger), '.run.rng', 'four 32-bit integers', run.rng);
  need(want.shuffle ? run.order instanceof Int32Array && isPermutation(run.order, t.rows) : run.order === null, '.run.order', want.shuffle ? `an Int32Array permutation of 0…${t.rows - 1}` : 'null (no shuffling)', run.order);
  const s = run.state;
  for (const [part, on] of [['schedule', t.fit.schedule], ['earlyStopping', t.fit.earlyStopping], ['guard', t.fit.guard]] as const) {
    if ((s?.[part] == null) === (on !== null)) throw new ConfigError(`${P}: the snapshot ${on ? 'has no' : 'has a'} ${part} state (${describe(s?.[part])}) but this fit ${on ? 'has' : 'has no'} options.${part}`, `${P}.run.state.${part}`, s?.[part]);
  }
  need(count(s.steps), '.run.state.steps', 'an integer ≥ 0', s.steps);
  if (s.schedule) t.fit.schedule!.open(t.optimizer).load(s.schedule);
  const best = s.earlyStopping?.bestWeights;
  need(!best || best.length === t.parameters, '.run.state.earlyStopping.bestWeights', `${t.parameters} values`, best);
  const values = s.guard?.snapshot?.values;
  need(!values || values.length === 4 * t.parameters, '.run.state.guard.snapshot.values', `${4 * t.parameters} values (parameters and three state slots)`, values);
  need(Array.isArray(run.history?.epochs) && Array.isArray(run.history.verdicts), '.run.history', '{ epochs, bestEpoch, verdicts }', run.history);
}

function isPermutation(order: Int32Array, rows: number): boolean {
  if (order.length !== rows) return false;
  const seen = new Uint8Array(rows);
  for (const i of order) {
    if (i < 0 || i >= rows || seen[i]) return false;
    seen[i] = 1;
  }
  return true;
}
