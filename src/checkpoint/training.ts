// A run's snapshot (fit's run.snapshot()) in a checkpoint. The optimizer's state is stored as
// torch.optim keeps it, one tensor per parameter and state — `optimizer.state.0.weight.exp_avg`
// — so a generator can hand it to `optimizer.load_state_dict` and PyTorch can hand its own back;
// its step count and rule are the metadata entry `descent.optimizer`. The run's position,
// control state and history are the JSON entry `descent.training`, with its three large arrays
// (row order, early stopping's best weights, the guard's snapshot) as tensors of their own.
// A file with optimizer tensors but no descent.optimizer (one PyTorch wrote) is read too: the
// step from its `step` tensors, the rule left to the fit that resumes it.
import { DataError } from '../errors.js';
import { describe } from '../util/describe.js';
import type { OptimizerSnapshot, OptimizerType, RunSnapshot, TrainingSnapshot } from '../types.js';
import { dtypeOf, type Tensor } from './safetensors.js';

/** A parameter tensor of the checkpoint: its name (`0.weight`), shape and size, in getParameters' order (a layer without parameters has none). */
export interface ParameterEntry {
  name: string;
  shape: number[];
  size: number;
}

export const TRAINING_KEYS = { optimizer: 'descent.optimizer', training: 'descent.training' } as const;
const OPTIMIZER_PREFIX = 'optimizer.state.';
const T = { order: 'descent.train.order', best: 'descent.early_stopping.best_weights', guard: 'descent.guard.snapshot' } as const;

// JSON has no NaN or ±Infinity, yet an epoch's loss may be either: written as a tagged object.
const NON_FINITE = '$nonfinite';
const replacer = (_: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { [NON_FINITE]: String(v) } : v);
const reviver = (_: string, v: unknown) => (typeof v === 'object' && v !== null && NON_FINITE in v ? Number((v as Record<string, string>)[NON_FINITE]) : v);

/** The snapshot's tensors and metadata entries. */
export function encodeTraining(s: TrainingSnapshot, params: ParameterEntry[]): { tensors: [string, Tensor][]; metadata: Record<string, string> } {
  const tensors: [string, Tensor][] = [];
  const o = s.optimizer;
  for (const [state, flat] of Object.entries(o.state)) {
    let at = 0;
    for (const p of params) {
      tensors.push([`${OPTIMIZER_PREFIX}${p.name}.${state}`, { shape: p.shape, data: flat.subarray(at, at + p.size) }]);
      at += p.size;
    }
  }
  const metadata: Record<string, string> = { [TRAINING_KEYS.optimizer]: JSON.stringify({ type: o.type, step: o.step, muProduct: o.muProduct }) };
  const run = s.run;
  if (run) {
    const { order, state } = run;
    const best = state.earlyStopping?.bestWeights;
    const guard = state.guard?.snapshot?.values;
    if (order) tensors.push([T.order, { shape: [order.length], data: order }]);
    if (best) tensors.push([T.best, { shape: [best.length], data: Float32Array.from(best) }]);
    if (guard) tensors.push([T.guard, { shape: [guard.length], data: Float32Array.from(guard) }]);
    const json = {
      ...run, order: null,
      state: {
        ...state,
        earlyStopping: state.earlyStopping && { ...state.earlyStopping, bestWeights: null },
        guard: state.guard && { ...state.guard, snapshot: state.guard.snapshot && { ...state.guard.snapshot, values: [] } },
      },
    };
    metadata[TRAINING_KEYS.training] = JSON.stringify(json, replacer);
  }
  return { tensors, metadata };
}

const bad = (message: string, path: string, value: unknown) => new DataError(`checkpoint: ${message}`, path, value);

function parse<V>(metadata: Record<string, string>, key: string): V | undefined {
  if (metadata[key] === undefined) return undefined;
  try {
    return JSON.parse(metadata[key], reviver) as V;
  } catch {
    throw bad(`its ${key} is not valid JSON`, `checkpoint.${key}`, metadata[key]);
  }
}

/** The snapshot a checkpoint holds (null: none), and the tensor names it used. */
export function decodeTraining(tensors: Map<string, Tensor>, metadata: Record<string, string>, params: ParameterEntry[]): { training: TrainingSnapshot | null; used: Set<string> } {
  const used = new Set<string>();
  function take(name: string, dtype: 'F32', shape?: number[]): Float32Array;
  function take(name: string, dtype: 'I32', shape?: number[]): Int32Array;
  function take(name: string, dtype: 'F32' | 'I32', shape?: number[]) {
    const t = tensors.get(name);
    if (!t) throw bad(`tensor ${name} is missing`, `checkpoint.${name}`, undefined);
    if (dtypeOf(t.data) !== dtype) throw bad(`tensor ${name} must be ${dtype}`, `checkpoint.${name}.dtype`, t.data);
    if (shape && t.shape.join() !== shape.join()) throw bad(`tensor ${name} has shape [${t.shape.join(', ')}], it needs [${shape.join(', ')}]`, `checkpoint.${name}.shape`, t.shape);
    used.add(name);
    return t.data;
  }
  // Optimizer state: every `optimizer.state.<parameter>.<state>`, gathered flat per state.
  const names = new Set<string>();
  const steps: number[] = [];
  const muProducts: number[] = [];
  for (const key of tensors.keys()) {
    if (!key.startsWith(OPTIMIZER_PREFIX)) continue;
    const p = params.find((q) => key.startsWith(`${OPTIMIZER_PREFIX}${q.name}.`));
    if (!p) throw bad(`tensor ${key} belongs to no parameter of this network`, `checkpoint.${key}`, key);
    const state = key.slice(OPTIMIZER_PREFIX.length + p.name.length + 1);
    if (state === 'step' || state === 'mu_product') {
      const v = take(key, 'F32');
      if (v.length !== 1) throw bad(`tensor ${key} must hold one value, got ${v.length}`, `checkpoint.${key}.shape`, v.length);
      (state === 'step' ? steps : muProducts).push(v[0]);
    } else names.add(state);
  }
  const state: Record<string, Float32Array> = {};
  for (const name of names) {
    const flat = new Float32Array(params.reduce((n, p) => n + p.size, 0));
    let at = 0;
    for (const p of params) {
      flat.set(take(`${OPTIMIZER_PREFIX}${p.name}.${name}`, 'F32', p.shape), at);
      at += p.size;
    }
    state[name] = flat;
  }
  const meta = parse<{ type: OptimizerType | null; step: number; muProduct: number }>(metadata, TRAINING_KEYS.optimizer);
  if (!meta && names.size === 0 && steps.length === 0) {
    if (metadata[TRAINING_KEYS.training] !== undefined) throw bad(`it has ${TRAINING_KEYS.training} but no optimizer state`, `checkpoint.${TRAINING_KEYS.optimizer}`, undefined);
    return { training: null, used };
  }
  // PyTorch keeps a step per parameter; they move together. SGD keeps none: a momentum buffer
  // alone only says the first step (which copies the gradient into it) is past.
  if (steps.some((v) => v !== steps[0])) throw bad(`its optimizer step tensors disagree (${describe(steps)})`, 'checkpoint.optimizer.state.step', steps);
  if (!meta && steps.length === 0 && [...names].some((n) => n !== 'momentum_buffer')) {
    throw bad(`its optimizer state (${[...names].join(', ')}) has no step tensors (optimizer.state.<parameter>.step), which the bias corrections need`, 'checkpoint.optimizer.state.step', undefined);
  }
  const optimizer: OptimizerSnapshot = meta
    ? { type: meta.type, step: meta.step, muProduct: meta.muProduct, state }
    : { type: null, step: steps[0] ?? (names.size > 0 ? 1 : 0), muProduct: muProducts[0] ?? 1, state };
  const run = parse<RunSnapshot>(metadata, TRAINING_KEYS.training) ?? null;
  if (run) {
    run.order = tensors.has(T.order) ? take(T.order, 'I32') : null;
    const es = run.state?.earlyStopping;
    if (es && tensors.has(T.best)) es.bestWeights = Array.from(take(T.best, 'F32'));
    const snap = run.state?.guard?.snapshot;
    if (snap) snap.values = Array.from(take(T.guard, 'F32'));
  }
  return { training: { optimizer, run }, used };
}
