// The public network: validated spec, initialised parameters in wasm memory, and the
// operations users call (fit, predict, evaluate, parameter access). Every input is
// checked before anything is changed, so a rejected call leaves the network as it was.
import { isF32, notF32, toLabels, toMatrix, type DenseMatrix } from './data/matrix.js';
import { createDiagnostics } from './diagnostics/gradient-flow.js';
import { preflight } from './train/preflight.js';
import { Engine, type LayerPlan } from './engine/engine.js';
import type { StateTensor } from './model/layer-kind.js';
import { ConfigError, DataError, StateError } from './errors.js';
import { describe } from './util/describe.js';
import { mustBe } from './util/must-be.js';
import { OptionsReader } from './util/options.js';
import { evaluateRows, hostRows } from './train/metrics.js';
import { resolveOptimizer } from './optim/options.js';
import { createRng } from './util/rng.js';
import { resolveSpec } from './model/spec.js';
import { BatchStepper } from './train/stepper.js';
import { ThreadPool } from './engine/threads.js';
import { FitRun } from './train/fit.js';
import { Guard } from './train/guard.js';
import { RestartPlan } from './train/restarts.js';
import { splitRows } from './data/validation-split.js';
import { batchRows, checkFitBatches, openSchedule, resolveFitOptions, TRAINER_KEYS, type ResolvedFit } from './train/fit-options.js';
import { yieldToEventLoop } from './util/event-loop.js';
import { Trainer } from './train/trainer.js';
import { checkResume } from './train/resume.js';
import { resolveNetworkOptions, type NetworkSetup } from './wasm/variants.js';
import { kindOf } from './model/layers.js';
import type { ResolvedNetworkSpec, PreflightReport, FitOptions, History, Inputs, KernelVariant, LayerOutput, LayerParameters, LayerState, LayerSummary, Loss, Metrics, NetworkOptions, NetworkSpec, NetworkSummary, Prediction, Targets, TrainerOptions } from './types.js';

/** Rows per chunk when predicting or evaluating outside of training. */
const EVAL_CHUNK = 256;

/** A multilayer perceptron trained by gradient descent in WebAssembly. */
export class Network {
  /** The spec with defaults filled in. */
  readonly spec: Readonly<ResolvedNetworkSpec>;
  /** The kernel variant the network runs on (as loaded, or as declared to `create`). */
  readonly kernels: KernelVariant;
  private readonly e: Engine;
  private disposed = false;
  private fitting = false;

  /** Threads sharing each training batch. */
  readonly threads: number;
  private readonly pool: ThreadPool | null;

  private constructor(spec: ResolvedNetworkSpec, private readonly module: WebAssembly.Module, private readonly setup: NetworkSetup) {
    this.spec = spec;
    this.kernels = setup.kernels;
    this.threads = setup.threads;
    // Batch statistics need the whole batch; a shard's would differ from PyTorch's.
    const norm = spec.layers.findIndex((l) => l.type === 'batchnorm1d' || l.type === 'batchnorm2d');
    if (this.threads > 1 && norm >= 0) {
      throw new ConfigError(`threads must be 1 for a network with batch normalisation (spec.layers[${norm}] is ${spec.layers[norm].type}): each thread would normalise its shard of the batch with the shard's statistics, not the batch's; got ${this.threads}`, 'threads', this.threads);
    }
    this.e = new Engine(spec, module, this.threads);
    this.pool = this.threads > 1 ? new ThreadPool(this.e, module, setup.spawnWorker!) : null;
    // A network dropped without dispose() must not leave its worker threads waiting forever.
    if (this.pool) abandonedPools.register(this, this.pool, this);
    this.initialize(spec.seed);
  }

  /**
   * Builds a network from `spec` on a compiled descent module (see `loadModule` in the
   * package entry). `options.kernels` names the variant `module` was built as (default
   * `simd`). Throws ConfigError naming the first bad field.
   */
  static create(spec: NetworkSpec, module: WebAssembly.Module, options?: NetworkOptions): Network {
    return new Network(resolveSpec(spec), module, resolveNetworkOptions(options));
  }

  /** Features per sample. */
  get inputs(): number {
    return this.spec.inputs;
  }

  /** Units of the last layer. */
  get outputs(): number {
    return this.e.outputs;
  }

  /** The loss being minimised. */
  get loss(): Loss {
    return this.spec.loss;
  }

  /** Number of trainable parameters (weights and biases). */
  get parameterCount(): number {
    return this.e.paramCount;
  }

  /** Layer shapes, parameter counts and memory in use. */
  summary(): NetworkSummary {
    this.alive();
    return {
      inputs: this.spec.inputs,
      inputShape: [...this.spec.inputShape],
      layers: layerSummaries(this.spec),
      loss: this.spec.loss,
      init: this.spec.init,
      seed: this.spec.seed,
      parameters: this.e.paramCount,
      memoryBytes: this.e.memoryBytes,
      kernels: this.kernels,
      threads: this.threads,
    };
  }

  /**
   * Draws fresh weights with the spec's initialiser from `seed` (default: the spec's
   * seed) and zeroes the biases: a restart from a new initialisation.
   */
  reinitialize(seed: number = this.spec.seed): void {
    this.alive();
    if (!Number.isSafeInteger(seed)) throw mustBe('seed', 'an integer', seed);
    this.initialize(seed);
  }

  private initialize(seed: number): void {
    const rng = createRng(seed);
    const f32 = this.e.f32;
    for (const l of this.e.layers) {
      const tensors = l.tensors.map((at, i) => f32.subarray(at >> 2, (at >> 2) + l.tensorSizes[i]));
      l.kind.initialize(l.spec, tensors, this.spec.init, rng);
      for (const [t, from, to] of stateSlots(l)) f32.fill(t.initial, from, to);
    }
  }

  /**
   * Copies of every layer's parameters as { weight, bias }, PyTorch's layout (a dense weight
   * [units, inputs] row-major); a tensor the layer lacks is an empty Float32Array.
   */
  getParameters(): LayerParameters[] {
    this.alive();
    const f32 = this.e.f32;
    return this.e.layers.map((l) => ({
      weight: f32.slice(l.weight >> 2, (l.weight >> 2) + l.weightCount),
      bias: f32.slice(l.bias >> 2, (l.bias >> 2) + l.biasCount),
    }));
  }

  /**
   * Replaces every layer's parameters ({ weight, bias } per layer, as getParameters gives
   * them; a tensor the layer lacks may be empty or left out). All shapes and values are
   * checked first.
   */
  setParameters(params: { weight?: ArrayLike<number>; bias?: ArrayLike<number> }[]): void {
    this.alive();
    const layers = this.e.layers;
    if (!Array.isArray(params) || params.length !== layers.length) {
      throw new DataError(`parameters must be an array of ${layers.length} { weight, bias } layers, got ${describe(params)}`, 'parameters', params);
    }
    params.forEach((p, i) => {
      const l = layers[i];
      for (const [key, size] of [['weight', l.weightCount], ['bias', l.biasCount]] as const) {
        checkValues(p?.[key], size, `parameters[${i}].${key}`);
      }
    });
    const f32 = this.e.f32;
    params.forEach((p, i) => {
      if (p?.weight) f32.set(p.weight, layers[i].weight >> 2);
      if (p?.bias) f32.set(p.bias, layers[i].bias >> 2);
    });
  }

  /**
   * Copies of every layer's non-trainable state by torch's buffer name (BatchNorm's
   * running_mean, running_var, num_batches_tracked); `{}` for a layer without state.
   */
  getState(): LayerState[] {
    this.alive();
    return this.e.layers.map((l) => Object.fromEntries(stateSlots(l).map(([t, from, to]) => [t.name, this.e.f32.slice(from, to)])));
  }

  /**
   * Replaces every layer's state (getState's form: each of the layer's buffers by name, and
   * no other). Sizes and values are checked first; num_batches_tracked must be an integer
   * from 0 to 2^24 (kept as an f32, exact up to there).
   */
  setState(state: Record<string, ArrayLike<number>>[]): void {
    this.alive();
    const layers = this.e.layers;
    if (!Array.isArray(state) || state.length !== layers.length) {
      throw new DataError(`state must be an array of ${layers.length} objects, got ${describe(state)}`, 'state', state);
    }
    state.forEach((s, i) => {
      const slots = stateSlots(layers[i]);
      const names = slots.map(([t]) => t.name);
      const extra = Object.keys(Object(s)).find((k) => !names.includes(k));
      if (extra !== undefined) throw new DataError(`state[${i}].${extra} is not state of layer ${i} (${layers[i].spec.type}), which has ${names.join(', ') || 'none'}`, `state[${i}].${extra}`, s[extra]);
      for (const [t, from, to] of slots) {
        const path = `state[${i}].${t.name}`;
        const v = s?.[t.name];
        checkValues(v, to - from, path);
        if (t.integer && !(Number.isInteger(v[0]) && v[0] >= 0 && v[0] <= 2 ** 24)) throw new DataError(`${path} must be an integer from 0 to 2^24, got ${describe(v[0])}`, path, v[0]);
      }
    });
    state.forEach((s, i) => {
      for (const [t, from] of stateSlots(layers[i])) this.e.f32.set(s[t.name], from);
    });
  }

  /** Outputs for every row of `x`; classifiers also get probabilities and classes. */
  predict(x: Inputs): Prediction {
    this.alive();
    const m = toMatrix(x, this.spec.inputs, 'x');
    const e = this.e;
    if (!this.fitting) e.reserve(Math.min(m.rows, EVAL_CHUNK), 0, 0);
    const outW = e.outputs;
    const softmax = this.spec.loss === 'softmax_cross_entropy';
    const outputs = new Float32Array(m.rows * outW);
    const probabilities = softmax ? new Float32Array(m.rows * outW) : null;
    const src = hostRows(e, m.data, null, m.rows);
    for (let start = 0; start < m.rows; start += e.batchCapacity) {
      const count = Math.min(e.batchCapacity, m.rows - start);
      const out = e.forward(src.load(start, count), count);
      outputs.set(e.f32.subarray(out >> 2, (out >> 2) + count * outW), start * outW);
      if (probabilities) {
        // The delta buffer is free outside a step and holds a batch of outputs.
        e.k.softmaxRows(e.deltaA, out, count, outW);
        probabilities.set(e.f32.subarray(e.deltaA >> 2, (e.deltaA >> 2) + count * outW), start * outW);
      }
    }
    const result: Prediction = { outputs, rows: m.rows, columns: outW };
    if (probabilities) {
      result.probabilities = probabilities;
      result.classes = argmaxRows(outputs, m.rows, outW);
    } else if (this.spec.loss === 'sigmoid_bce') {
      result.probabilities = outputs.map((z) => 1 / (1 + Math.exp(-z)));
      result.classes = outW === 1 ? Int32Array.from(outputs, (z) => (z > 0 ? 1 : 0)) : argmaxRows(outputs, m.rows, outW);
    }
    return result;
  }

  /**
   * Every layer's output for every row of `x`, in evaluation mode: what a layer gives the next
   * one (after its activation), rows × the layer's shape (`net.spec.layers[i].shape`), e.g. the
   * feature maps of a conv2d layer as [rows, C, H, W].
   */
  layerOutputs(x: Inputs): LayerOutput[] {
    this.alive();
    const m = toMatrix(x, this.spec.inputs, 'x');
    const e = this.e;
    if (!this.fitting) e.reserve(Math.min(m.rows, EVAL_CHUNK), 0, 0);
    const out = e.layers.map((l, i): LayerOutput => ({ type: l.spec.type, shape: [m.rows, ...this.spec.layers[i].shape], values: new Float32Array(m.rows * l.outputs) }));
    const src = hostRows(e, m.data, null, m.rows);
    for (let start = 0; start < m.rows; start += e.batchCapacity) {
      const count = Math.min(e.batchCapacity, m.rows - start);
      e.forward(src.load(start, count), count);
      const f32 = e.f32;
      e.layers.forEach((l, i) => out[i].values.set(f32.subarray(l.a >> 2, (l.a >> 2) + count * l.outputs), start * l.outputs));
    }
    return out;
  }

  /** Loss and metrics on (x, y): accuracy for classifiers, MAE and RMSE for regression. */
  evaluate(x: Inputs, y: Targets): Metrics {
    this.alive();
    const { m, targets } = this.data(x, y, 'x', 'y');
    if (!this.fitting) this.e.reserve(Math.min(m.rows, EVAL_CHUNK), 0, 0);
    return evaluateRows(this.e, hostRows(this.e, m.data, targets, m.rows));
  }

  /**
   * Trains synchronously (blocks until done). Use `fit` in a browser main thread.
   * The optimizer starts fresh on every call.
   */
  fitSync(x: Inputs, y: Targets, options: FitOptions): History {
    if (options?.restarts !== undefined) {
      const plan = this.planRestarts(x, y, options, false);
      for (const seed of plan.seeds) plan.record(this.fitSync(x, y, plan.runOptions(seed)));
      return plan.finish();
    }
    const run = this.prepareFit(x, y, options, false);
    try {
      run.runUntil(Infinity);
    } finally {
      this.fitting = false;
    }
    return run.history;
  }

  /**
   * Trains, yielding to the event loop about every `yieldEveryMs` (default 16 ms) so pages
   * stay responsive; rejects with the signal's reason when `signal` aborts.
   * The optimizer starts fresh on every call.
   */
  async fit(x: Inputs, y: Targets, options: FitOptions): Promise<History> {
    if (options?.restarts !== undefined) {
      const plan = this.planRestarts(x, y, options, true);
      for (const seed of plan.seeds) plan.record(await this.fit(x, y, plan.runOptions(seed)));
      return plan.finish();
    }
    const run = this.prepareFit(x, y, options, true);
    const signal = options.signal;
    const slice = options.yieldEveryMs ?? 16;
    try {
      while (!run.runUntil(performance.now() + slice)) {
        if (run.waitingForWorkers) await this.pool!.workersSettled();
        else await yieldToEventLoop();
        signal?.throwIfAborted();
        if (this.disposed) throw new StateError('the network was disposed during fit', 'network', 'disposed');
      }
    } finally {
      this.fitting = false;
    }
    return run.history;
  }

  /** Restarts (see train/restarts.ts): one fit per seed, the best run's weights and history kept. */
  private planRestarts(x: Inputs, y: Targets, options: FitOptions, async: boolean): RestartPlan {
    this.alive();
    // A single run's checks come before the first re-initialisation: a rejected fit changes nothing.
    return new RestartPlan(options, this.checkFit(x, y, options, async)[0].restarts!, {
      initialize: (seed) => this.initialize(seed),
      getParameters: () => this.getParameters(),
      setParameters: (p) => this.setParameters(p),
      getState: () => this.getState(),
      setState: (st) => this.setState(st),
    });
  }

  /** What a fit checks before it changes anything: options, optimizer, schedule, data. */
  private checkFit(x: Inputs, y: Targets, options: FitOptions, async: boolean) {
    const fit: ResolvedFit = resolveFitOptions(options, this.e, async);
    if (fit.restarts && options.resume !== undefined) throw new ConfigError('options.resume continues one run; it cannot be combined with options.restarts', 'options.resume', options.resume);
    // Built once here only to reject a bad optimizer or schedule before anything changes.
    const optimizer = resolveOptimizer(options.optimizer, 'options.optimizer');
    if (fit.schedule) openSchedule(fit.schedule, optimizer);
    const train = this.data(x, y, 'x', 'y');
    const v = options.validationData;
    if (v !== undefined && (typeof v !== 'object' || v === null || !('x' in v) || !('y' in v))) {
      throw new DataError(`options.validationData must be { x, y }, got ${describe(v)}`, 'options.validationData', v);
    }
    // The rows left to train on once validationSplit has taken its share (validation-split.ts).
    checkFitBatches(this.spec.layers, fit, v || fit.validationSplit === 0 ? train.m.rows : train.m.rows - Math.round(train.m.rows * fit.validationSplit));
    return [fit, train, v ? this.data(v.x, v.y, 'options.validationData.x', 'options.validationData.y') : null] as const;
  }

  private prepareFit(x: Inputs, y: Targets, options: FitOptions, async: boolean): FitRun {
    this.idle();
    if (!async) this.canStepSynchronously('fitSync');
    let [fit, train, validation] = this.checkFit(x, y, options, async);
    if (!validation && fit.validationSplit > 0) {
      [train, validation] = splitRows(train, fit.validationSplit, fit.seed, this.e.labelTargets ? 1 : this.e.outputs);
    }
    const e = this.e;
    const batch = batchRows(fit, train.m.rows);
    if (options.resume !== undefined) {
      checkResume(options.resume, { fit, optimizer: resolveOptimizer(options.optimizer, 'options.optimizer'), batch, rows: train.m.rows, validationRows: validation?.m.rows ?? 0, parameters: e.paramCount });
    }
    e.reserve(Math.max(batch, Math.min(EVAL_CHUNK, train.m.rows)), train.m.rows, validation?.m.rows ?? 0);
    // Everything that may still reject the fit comes before its data is loaded: a fit that
    // never takes a step leaves a live trainer's data, and so the trainer, in place.
    options.signal?.throwIfAborted();
    const report = fit.preflight === 'off' ? undefined : this.check(train, batch);
    if (report && report.warnings.length > 0) {
      if (fit.preflight === 'throw') {
        throw new ConfigError(`pre-flight check: ${report.warnings.map((w) => w.message).join('; ')}`, 'preflight', report);
      }
      const warn = options.onWarning ?? console.warn;
      for (const w of report.warnings) warn(`descent pre-flight: ${w.message} (${w.remedy})`);
    }
    const owner = {};
    const trainSet = e.loadResident(0, train.m.data, train.targets, train.m.rows, owner);
    const valSet = validation ? e.loadResident(1, validation.m.data, validation.targets, validation.m.rows, owner) : null;
    this.fitting = true;
    const run = new FitRun(e, trainSet, valSet, fit, options);
    if (report) run.history.preflight = report;
    return run;
  }

  /**
   * The pre-flight check on its own: one forward pass over the first `batchSize` rows of
   * (x, y) (default 32), compared with what an untrained, well-set-up network gives. Changes
   * no parameter. See PreflightReport.
   */
  preflight(x: Inputs, y: Targets, options: { batchSize?: number } = {}): PreflightReport {
    this.idle();
    const batch = OptionsReader.read(options, 'options', ['batchSize'], 'a preflight option').integer('batchSize', { default: 32, min: 1, want: 'a positive integer' });
    return this.check(this.data(x, y, 'x', 'y'), batch);
  }

  /** The pre-flight check on the first `batch` rows of checked data (copied into the batch buffers, so resident data stays). */
  private check(train: { m: DenseMatrix; targets: Float32Array | Int32Array }, batch: number): PreflightReport {
    const e = this.e;
    const rows = Math.min(batch, train.m.rows);
    e.reserve(rows, 0, 0);
    hostRows(e, train.m.data, train.targets, rows).load(0, rows);
    return preflight(e, e.xBatch, e.yBatch, rows, train.m.data);
  }

  /**
   * For descent's own subpaths (descent/lr-finder), not for applications: checks that
   * synchronous steps may run on this network now (`what` names the caller in errors) and
   * returns its engine with (x, y) checked and converted.
   * @internal
   */
  stepAccess(x: Inputs, y: Targets, what: string): { engine: Engine; x: Float32Array; y: Float32Array | Int32Array; rows: number } {
    this.idle();
    this.canStepSynchronously(what);
    const train = this.data(x, y, 'x', 'y');
    return { engine: this.e, x: train.m.data, y: train.targets, rows: train.m.rows };
  }

  /**
   * Makes (x, y) resident and returns a Trainer whose `step()` takes one optimizer step per
   * call — the synchronous step for loops you drive yourself. `options` are fit's
   * `optimizer`, `mode`, `batchSize`, `shuffle` and `seed`. A later `fit` or `trainer`
   * on this network supersedes it.
   */
  trainer(x: Inputs, y: Targets, options: TrainerOptions): Trainer {
    this.idle();
    this.canStepSynchronously('trainer');
    const fit = resolveFitOptions(options as FitOptions, this.e, false, TRAINER_KEYS, 'a trainer option');
    const optimizer = resolveOptimizer(options.optimizer, 'options.optimizer');
    const train = this.data(x, y, 'x', 'y');
    const e = this.e;
    const batch = batchRows(fit, train.m.rows);
    checkFitBatches(this.spec.layers, fit, train.m.rows);
    // A trainer has no epoch count to run out of.
    if (options.resume !== undefined) checkResume(options.resume, { fit: { ...fit, epochs: Infinity }, optimizer, batch, rows: train.m.rows, validationRows: 0, parameters: e.paramCount });
    e.reserve(batch, train.m.rows, 0);
    const shuffle = fit.mode === 'stochastic' || (fit.mode === 'mini-batch' && fit.shuffle);
    const set = e.loadResident(0, train.m.data, train.targets, train.m.rows, {});
    const stepper = new BatchStepper(e, set, batch, shuffle, fit.seed, optimizer);
    stepper.diagnostics = createDiagnostics(e, fit.diagnostics, train.m.rows, options.onDiagnostics, optimizer, options.onVerdict);
    stepper.guard = fit.guard && new Guard(e, fit.guard, stepper.optimizer);
    stepper.guard?.take();
    const trainer = new Trainer(set, stepper, () => this.disposed, fit.mode, options.resume);
    set.owner = trainer;
    return trainer;
  }

  private data(x: Inputs, y: Targets, xName: string, yName: string) {
    const m = toMatrix(x, this.spec.inputs, xName);
    const targets = this.e.labelTargets ? toLabels(y, this.e.outputs, yName) : toMatrix(y, this.e.outputs, yName).data;
    const rows = this.e.labelTargets ? targets.length : targets.length / this.e.outputs;
    if (rows !== m.rows) throw new DataError(`${yName} has ${rows} rows but ${xName} has ${m.rows}`, yName, rows);
    return { m, targets };
  }

  /**
   * A new network with this one's spec, kernels, threads and current parameters (no
   * optimizer state, no resident data) and state (running statistics). Dispose it when done.
   */
  clone(): Network {
    this.alive();
    const copy = new Network(this.spec, this.module, this.setup);
    copy.setParameters(this.getParameters());
    copy.setState(this.getState());
    return copy;
  }

  /**
   * Resolves once the network's worker threads have started (at once for one thread).
   * A browser starts Workers only while the creating thread is idle: await this before
   * synchronous training inside a Worker. The package entries' createNetwork already does.
   */
  async ready(): Promise<void> {
    this.alive();
    await this.pool?.started();
  }

  /** Throws unless synchronous steps can wait for this network's worker threads here. */
  private canStepSynchronously(what: string): void {
    if (this.pool && !this.pool.canBlock) {
      throw new StateError(`${what} cannot train on ${this.threads} threads here: this thread may not block (a browser main thread); use the async fit(), or run descent in a Worker`, 'threads', this.threads);
    }
  }

  /** Releases the network's memory; any later call throws StateError. */
  dispose(): void {
    if (!this.disposed && this.pool) {
      abandonedPools.unregister(this);
      this.pool.dispose();
    }
    this.disposed = true;
  }

  private alive(): void {
    if (this.disposed) throw new StateError('this network was disposed', 'network', 'disposed');
  }

  /** Throws unless the network is alive and no fit is running on it. */
  private idle(): void {
    this.alive();
    if (this.fitting) throw new StateError('a fit is running on this network; await it first', 'network', 'fitting');
  }
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Each state tensor of a layer and where its values lie ([from, to) in f32 elements). */
function stateSlots(l: LayerPlan): [StateTensor, number, number][] {
  let at = l.state >> 2;
  return l.kind.state(l.spec).map((t) => [t, at, (at += size(t.shape))]);
}

/** Throws unless `v` holds `n` values finite as f32 (absent passes for n = 0). */
function checkValues(v: ArrayLike<number> | undefined, n: number, path: string): asserts v is ArrayLike<number> {
  if (v == null && n === 0) return;
  if (v == null || typeof v.length !== 'number' || v.length !== n) throw new DataError(`${path} must have ${n} values, got ${describe(v)}`, path, v);
  for (let j = 0; j < n; j++) if (!isF32(v[j])) throw notF32(`${path}[${j}]`, v[j]);
}

/**
 * Each layer of a resolved spec as summary() gives it: shapes in and out, and its tensors and
 * state as its kind names them (torch.nn's names and shapes).
 */
export function layerSummaries(spec: Pick<ResolvedNetworkSpec, 'layers'>): LayerSummary[] {
  return spec.layers.map((l) => {
    const { kind } = kindOf(l);
    const info = (t: { name: string; shape: readonly number[] }) => ({ name: t.name, shape: [...t.shape] });
    const params = kind.tensors(l);
    const shapeOf = (role: string) => params.find((t) => t.role === role)?.shape.slice() ?? null;
    return {
      type: l.type, activation: l.activation, inputShape: [...l.inputShape], outputShape: [...l.shape], units: l.outputs,
      tensors: params.map(info), state: kind.state(l).map(info), parameters: params.reduce((n, t) => n + size(t.shape), 0),
      weightShape: shapeOf('weight'), biasShape: shapeOf('bias'),
    };
  });
}

function argmaxRows(z: Float32Array, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (z[r * cols + c] > z[r * cols + best]) best = c;
    out[r] = best;
  }
  return out;
}

const abandonedPools = new FinalizationRegistry<ThreadPool>((pool) => pool.dispose());
