// The engine owns one network's linear memory: it applies a memory plan (memory-plan.ts),
// writes the pass descriptors the kernels read, and runs the kernels on fixed offsets.
// Parameters are [layer 0's tensors, layer 1's, …] (a dense layer's W as [out, in]
// row-major, PyTorch's layout, then b), and the gradients and every optimizer slot mirror
// that layout, so one kernel call updates all. The workspace is re-planned whenever a larger
// batch or data set arrives; only then does memory grow, never inside a training step. Typed
// views are refreshed whenever the buffer has changed (growth detaches it).
import { DataError } from '../errors.js';
import { activationCode, canDie } from '../model/activations.js';
import { kindOf, stateOf, tensorSizes } from '../model/layers.js';
import type { LayerKind } from '../model/layer-kind.js';
import { isClassifier, lossCode, takesClassIndices } from '../model/losses.js';
import type { AnyLayer, ResolvedSpec } from '../model/spec.js';
import type { OptimizerState } from '../optim/optimizer.js';
import { LAYER, MEASURE, PASS, STAT } from '../wasm/abi.js';
import { instantiateKernels, type Kernels } from '../wasm/kernels.js';
import { planMemory, type MemoryPlan, type PlannedLayerShape } from './memory-plan.js';

const PAGE = 65536;
/** Maximum pages of a shared (threaded) memory; must equal the threads build's maximumMemory (asconfig.json). */
export const SHARED_MAX_PAGES = 16384;
/** Most bytes a memory plan may span (see `grow`). */
const MAX_BYTES = 2 ** 31;

/**
 * Training passes shared with worker threads (threads.ts implements it): `begin` starts the
 * workers on their shards and runs this thread's, `end` waits and has the threads sum the
 * gradients chunk by chunk; a step begun with `sharesUpdate` then runs its optimizer update
 * over those chunks too (`update`), or in `end` itself when begun `direct` as well (nothing
 * reads the whole gradient before the update).
 */
export interface ParallelPasses {
  trainPass(x: number, y: number, rows: number): void;
  begin(x: number, y: number, rows: number, sharesUpdate?: boolean, direct?: boolean): void;
  /** Given `optimizer` (a step begun with `sharesUpdate` and `direct`), also applies its update. */
  end(optimizer?: OptimizerState | null): void;
  /** The update of a step begun with `sharesUpdate`, after `end`; null: none (the workers are released). */
  update(optimizer: OptimizerState | null): void;
  /** Whether every worker has finished the pass `begin` started. */
  readonly workersDone: boolean;
  /** Whether this thread may block waiting for the workers (a browser main thread may not). */
  readonly canBlock: boolean;
}

/** One layer as the engine runs it: its kind, sizes and byte offsets. */
export interface LayerPlan {
  readonly kind: LayerKind;
  /** The kind's code (assembly/abi.ts LAYER_*). */
  readonly code: number;
  readonly spec: AnyLayer;
  /** Features per row in and out. */
  readonly inputs: number;
  readonly outputs: number;
  /** The activation's code. */
  readonly act: number;
  /** The layer's parameters and gradients: each tensor's offset, and the whole layer's. */
  readonly params: number;
  readonly grads: number;
  readonly tensors: readonly number[];
  readonly tensorSizes: readonly number[];
  /** Diagnostics' split: the weight tensors, then the bias tensors (each contiguous). */
  readonly weight: number;
  readonly weightCount: number;
  readonly dWeight: number;
  readonly bias: number;
  readonly biasCount: number;
  readonly dBias: number;
  /** The kind's non-trainable state (0 when it has none) and its f32 values. */
  readonly state: number;
  readonly stateSize: number;
  /** The kind's output z and the activation's a over the current batch (a = z for linear layers), and its scratch (or 0). */
  z: number;
  a: number;
  scratch: number;
}

/** Where a resident data set lives: features, targets, and a row-index array. */
export interface Resident {
  x: number;
  y: number;
  indices: number;
  rows: number;
  /** Whoever loaded it (a fit or a trainer); a later load replaces the owner. */
  owner: object | null;
}

export interface WorkerRegions {
  desc: number;
  grads: number;
  loss: number;
  stats: number;
  deltaA: number;
  deltaB: number;
  z: number[];
  a: number[];
  scratch: number[];
}

export class Engine {
  readonly k: Kernels;
  readonly memory: WebAssembly.Memory;
  readonly layers: LayerPlan[];
  readonly paramCount: number;
  readonly params: number;
  readonly grads: number;
  readonly slots: [number, number, number];
  readonly outputs: number;
  /** Class-index targets (i32) rather than f32 rows. */
  readonly labelTargets: boolean;
  /** The loss kernel, chosen once so the step's call site stays monomorphic. */
  private readonly lossKernel: (loss: number, dout: number, out: number, target: number, rows: number, cols: number, meanRows: number) => void;
  /** Two f64 slots where kernels leave scalar results: the loss, and the gradients' Σg². */
  readonly scalars: number;
  /** Rows of this thread's last pass (a shard of the batch when threaded). */
  lastPassRows = 0;
  /** The optimizer's f64 hyper-parameter block (HP_SLOTS values). */
  readonly hp: number;
  /** The main thread's pass descriptor (assembly/pass.ts). */
  readonly desc: number;
  /** Threads sharing each batch (1: this thread only). */
  readonly threads: number;
  /** Per worker thread t = 1…threads−1 (index t−1): its descriptor, gradients, loss slot and workspace. */
  readonly workers: WorkerRegions[];
  /** The main thread's per-layer statistics blocks (STAT.WORDS f64 each; diagnostics reads them). */
  readonly stats: number;
  /** Per layer: an i32 per unit holding the sample count when it last fired (ReLU layers), else 0. */
  readonly lastActive: readonly number[];
  /** The region table of a measured update (a layer's weights, then its bias, per layer), then its scratch. */
  readonly measureRegions: number;
  private readonly measureScratch: number;
  /**
   * Histogram counts (u32), HISTOGRAM_MAX_BINS per layer and kind (descent/diagnostics fills
   * them), then the f64 [min, max] pair of each.
   */
  readonly histogramCounts: number;
  readonly histogramRanges: number;
  /** Eight i32 words the threads coordinate on (see threads.ts). */
  readonly control: number;
  private f32View = new Float32Array(0);
  private f64View = new Float64Array(0);
  private i32View = new Int32Array(0);

  /** What the memory plan needs of each layer. */
  private readonly shapes: readonly PlannedLayerShape[];
  // The workspace of the current plan (a new plan moves it).
  /** The current memory plan (pure: see memory-plan.ts). */
  plan: MemoryPlan;
  batchCapacity = 0;
  xBatch = 0;
  yBatch = 0;
  /** Two ping-pong buffers for ∂L/∂a during backward, batch × widest layer. */
  deltaA = 0;
  deltaB = 0;
  readonly sets: [Resident, Resident] = [
    { x: 0, y: 0, indices: 0, rows: 0, owner: null },
    { x: 0, y: 0, indices: 0, rows: 0, owner: null },
  ];
  /** Set when worker threads share the passes (a ThreadPool, threads.ts). */
  parallel: ParallelPasses | null = null;

  constructor(readonly spec: ResolvedSpec, module: WebAssembly.Module, threads = 1) {
    this.threads = threads;
    // Threads need a shared memory, and a shared memory needs a fixed maximum.
    this.memory = threads > 1
      ? new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true })
      : new WebAssembly.Memory({ initial: 1 });
    this.k = instantiateKernels(module, this.memory);
    this.outputs = spec.layers[spec.layers.length - 1].outputs;
    this.labelTargets = takesClassIndices(spec.loss);
    const k = this.k;
    // In LOSSES' order (the loss codes).
    this.lossKernel = [k.softmaxCrossEntropy, k.sigmoidBce, k.mse, k.mae, k.huber][lossCode(spec.loss)];
    // What the planner needs of each layer, from its kind, once.
    this.shapes = spec.layers.map((l) => {
      const { kind } = kindOf(l);
      const fixed = kind.scratch(l, 0);
      return {
        inputs: l.inputs, outputs: l.outputs, tensors: tensorSizes(l), linear: l.activation === 'linear', tracksUnits: canDie(l.activation),
        state: stateOf(l).size, scratch: [fixed, kind.scratch(l, 1) - fixed] as const,
      };
    });
    const plan = this.planFor(1, 0, 0);
    this.plan = plan;
    this.paramCount = plan.paramCount;
    this.params = plan.params;
    this.grads = plan.grads;
    this.slots = plan.slots;
    this.scalars = plan.scalars;
    this.hp = plan.hp;
    this.desc = plan.desc;
    this.control = plan.control;
    this.stats = plan.stats;
    this.lastActive = plan.lastActive;
    this.measureRegions = plan.measureRegions;
    this.measureScratch = plan.measureScratch;
    this.histogramCounts = plan.histogramCounts;
    this.histogramRanges = plan.histogramRanges;
    this.workers = plan.workers;
    this.layers = spec.layers.map((l, i): LayerPlan => {
      const { kind, code } = kindOf(l);
      const place = plan.layers[i];
      const sizes = this.shapes[i].tensors;
      // A kind's weight tensors come first, then its bias tensors (layer-kind.ts).
      const weightCount = kind.tensors(l).reduce((n, t, j) => n + (t.role === 'weight' ? sizes[j] : 0), 0);
      const biasCount = sizes.reduce((a, b) => a + b, 0) - weightCount;
      return {
        kind, code, spec: l, inputs: l.inputs, outputs: l.outputs, act: activationCode(l.activation),
        params: place.params, grads: place.grads, tensors: place.tensors, tensorSizes: sizes,
        weight: place.params, weightCount, dWeight: place.grads,
        bias: place.params + weightCount * 4, biasCount, dBias: place.grads + weightCount * 4,
        state: plan.layerState[i], stateSize: this.shapes[i].state,
        z: 0, a: 0, scratch: 0,
      };
    });
    this.grow(plan);
    this.applyWorkspace(plan);
    this.writeDescriptor();
  }

  /** The memory plan of this network for a batch capacity and resident rows. */
  private planFor(batch: number, rows0: number, rows1: number): MemoryPlan {
    return planMemory({
      heapBase: this.k.heapBase(), layers: this.shapes, inputs: this.spec.inputs, targetBytes: this.labelTargets ? 4 : this.outputs * 4,
      threads: this.threads, batch, rows: [rows0, rows1],
    });
  }

  /** i32 index of word `i` of layer l's block in the descriptor at `desc`. */
  layerWord(desc: number, l: number, i: number): number {
    return (desc >> 2) + PASS.HEADER + l * PASS.LAYER_WORDS + i;
  }

  /** Fills the fixed part of the main pass descriptor (the rest changes per call or re-plan). */
  private writeDescriptor(): void {
    const w = this.i32;
    const d = this.desc >> 2;
    w[d + PASS.LAYERS] = this.layers.length;
    w[d + PASS.LOSS] = lossCode(this.spec.loss);
    w[d + PASS.LOSS_OUT] = this.scalars;
    this.layers.forEach((l, i) => {
      const o = this.layerWord(this.desc, i, 0);
      w[o + LAYER.KIND] = l.code; w[o + LAYER.INPUTS] = l.inputs; w[o + LAYER.OUTPUTS] = l.outputs; w[o + LAYER.ACTIVATION] = l.act;
      w[o + LAYER.PARAMS] = l.params; w[o + LAYER.GRADS] = l.grads; w[o + LAYER.STATE] = l.state; w[o + LAYER.INDEX] = i;
      // A kind's own words (test/layers.test.ts holds them inside the block).
      l.kind.words(l.spec).forEach((v, j) => { w[o + LAYER.COMMON + j] = v; });
    });
    // The measured update's regions: per layer its weights, then its bias, into its statistics block.
    this.layers.forEach((l, i) => {
      const r = (this.measureRegions >> 2) + 2 * i * (MEASURE.REGION_BYTES >> 2);
      const b = r + (MEASURE.REGION_BYTES >> 2);
      w[r + MEASURE.REGION_OFFSET] = l.weight - this.params; w[r + MEASURE.REGION_COUNT] = l.weightCount; w[r + MEASURE.REGION_STATS] = this.statsBlock(i);
      w[b + MEASURE.REGION_OFFSET] = l.bias - this.params; w[b + MEASURE.REGION_COUNT] = l.biasCount; w[b + MEASURE.REGION_STATS] = this.statsBlock(i);
    });
    // A worker's descriptor is the main one with its own gradients and loss slot.
    for (const t of this.workers) {
      const td = t.desc >> 2;
      w.copyWithin(td, d, d + PASS.HEADER + PASS.LAYER_WORDS * this.layers.length);
      w[td + PASS.LOSS_OUT] = t.loss;
      this.layers.forEach((l, i) => {
        w[this.layerWord(t.desc, i, LAYER.GRADS)] = l.grads - this.grads + t.grads;
      });
    }
    this.writeWorkspacePointers();
  }

  /** The descriptors' activation and delta pointers, which move when the workspace is re-planned. */
  private writeWorkspacePointers(): void {
    const w = this.i32;
    const d = this.desc >> 2;
    w[d + PASS.DELTA_A] = this.deltaA;
    w[d + PASS.DELTA_B] = this.deltaB;
    this.layers.forEach((l, i) => {
      w[this.layerWord(this.desc, i, LAYER.Z)] = l.z;
      w[this.layerWord(this.desc, i, LAYER.A)] = l.a;
      w[this.layerWord(this.desc, i, LAYER.SCRATCH)] = l.scratch;
    });
    for (const t of this.workers) {
      const td = t.desc >> 2;
      w[td + PASS.DELTA_A] = t.deltaA;
      w[td + PASS.DELTA_B] = t.deltaB;
      this.layers.forEach((_, i) => {
        w[this.layerWord(t.desc, i, LAYER.Z)] = t.z[i];
        w[this.layerWord(t.desc, i, LAYER.A)] = t.a[i];
        w[this.layerWord(t.desc, i, LAYER.SCRATCH)] = t.scratch[i];
      });
    }
  }

  /** Current f32 view over all of memory (index = byte offset / 4). */
  get f32(): Float32Array {
    if (this.f32View.buffer !== this.memory.buffer) this.refreshViews();
    return this.f32View;
  }

  /** Current i32 view over all of memory (index = byte offset / 4). */
  get i32(): Int32Array {
    if (this.i32View.buffer !== this.memory.buffer) this.refreshViews();
    return this.i32View;
  }

  /** Current f64 view over all of memory (index = byte offset / 8). */
  get f64(): Float64Array {
    if (this.f64View.buffer !== this.memory.buffer) this.refreshViews();
    return this.f64View;
  }

  private refreshViews(): void {
    this.f32View = new Float32Array(this.memory.buffer);
    this.i32View = new Int32Array(this.memory.buffer);
    this.f64View = new Float64Array(this.memory.buffer);
  }

  /**
   * Makes room for batches of `batch` rows and two resident data sets of `rows0` and
   * `rows1` rows. Grows memory if needed; keeps parameters, gradients, optimizer state and
   * resident data (moved to their new places). Batch buffers and activations are scratch.
   */
  reserve(batch: number, rows0: number, rows1: number): void {
    const p = this.plan.input;
    if (batch <= p.batch && rows0 <= p.rows[0] && rows1 <= p.rows[1]) return;
    const plan = this.planFor(Math.max(batch, p.batch), Math.max(rows0, p.rows[0]), Math.max(rows1, p.rows[1]));
    // Nothing has moved yet: if memory cannot grow, the old plan still stands.
    this.grow(plan);
    const inBytes = this.spec.inputs * 4;
    const targetBytes = plan.input.targetBytes;
    const moves: [from: number, to: number, bytes: number][] = [];
    this.sets.forEach((set, i) => {
      const to = plan.sets[i];
      if (set.rows > 0) moves.push([set.x, to.x, set.rows * inBytes], [set.y, to.y, set.rows * targetBytes], [set.indices, to.indices, set.rows * 4]);
    });
    // Every region only moves up (everything before it grew or stayed), so moving the
    // highest first never overwrites data still waiting to move.
    const bytes = new Uint8Array(this.memory.buffer);
    for (let i = moves.length - 1; i >= 0; i--) {
      const [from, to, length] = moves[i];
      if (from !== to) bytes.copyWithin(to, from, from + length);
    }
    this.plan = plan;
    this.applyWorkspace(plan);
    this.writeWorkspacePointers();
  }

  /**
   * Grows memory to hold `plan`, or throws DataError (memory unchanged). A plan must end by
   * 2 GiB: offsets are i32 words in the descriptors and the host indexes its views with `>> 2`,
   * so a region above 2^31 would wrap negative (a 2–4 GiB plan could be allocated, then fail).
   */
  private grow(plan: MemoryPlan): void {
    const needed = Math.ceil(plan.end / PAGE);
    const have = this.memory.buffer.byteLength / PAGE;
    if (needed <= have) return;
    try {
      if (plan.end > MAX_BYTES) throw 0;
      this.memory.grow(needed - have);
    } catch {
      const { batch, rows } = plan.input;
      const limit = plan.end > MAX_BYTES ? 'the 2 GiB descent addresses' : this.threads > 1 ? `the shared memory's ${SHARED_MAX_PAGES * PAGE / 2 ** 30} GiB maximum` : 'what this engine will allocate';
      throw new DataError(`the network needs ${(plan.end / 2 ** 20).toFixed(0)} MiB of wasm memory (batch of ${batch} rows, data sets of ${rows[0]} and ${rows[1]} rows), more than ${limit}`, 'memory', plan.end);
    }
  }

  /** Takes the workspace offsets of `plan`. */
  private applyWorkspace(plan: MemoryPlan): void {
    this.batchCapacity = plan.input.batch;
    this.xBatch = plan.xBatch;
    this.yBatch = plan.yBatch;
    this.deltaA = plan.deltaA;
    this.deltaB = plan.deltaB;
    this.layers.forEach((l, i) => {
      l.z = plan.layers[i].z;
      l.a = plan.layers[i].a;
      l.scratch = plan.layers[i].scratch;
    });
    this.workers.forEach((t, i) => {
      const w = plan.workers[i];
      t.deltaA = w.deltaA;
      t.deltaB = w.deltaB;
      t.z = [...w.z];
      t.a = [...w.a];
      t.scratch = [...w.scratch];
    });
    this.sets.forEach((set, i) => Object.assign(set, plan.sets[i]));
  }

  /** Copies a data set into resident slot `which` (call reserve first); indices = 0…rows−1. */
  loadResident(which: 0 | 1, x: Float32Array, y: Float32Array | Int32Array, rows: number, owner: object): Resident {
    const set = this.sets[which];
    set.owner = owner;
    const f32 = this.f32;
    f32.set(x, set.x >> 2);
    if (y instanceof Int32Array) this.i32.set(y, set.y >> 2);
    else f32.set(y, set.y >> 2);
    const idx = this.i32;
    for (let i = 0; i < rows; i++) idx[(set.indices >> 2) + i] = i;
    set.rows = rows;
    return set;
  }

  /** Copies `count` rows named by the indices at `indexPtr` from a resident set into the batch buffers. */
  gather(set: Resident, indexPtr: number, count: number): void {
    this.k.gatherRows(this.xBatch, set.x, indexPtr, count, this.spec.inputs * 4);
    this.k.gatherRows(this.yBatch, set.y, indexPtr, count, this.labelTargets ? 4 : this.outputs * 4);
  }

  /** Forward pass over `rows` rows at `x`; returns the pointer of the output activations. */
  forward(x: number, rows: number): number {
    this.setPass(x, 0, rows);
    this.k.forwardPass(this.desc);
    return this.layers[this.layers.length - 1].a;
  }

  /**
   * Forward, loss and backward over `rows` rows at `x` with targets at `y`, in one call: every
   * parameter gradient is written and the loss is left in `f64[lossSlot]`.
   */
  trainPass(x: number, y: number, rows: number): void {
    if (this.parallel) return this.parallel.trainPass(x, y, rows);
    this.setPass(x, y, rows);
    this.k.trainPass(this.desc);
  }

  /** This thread's shard of a threaded pass: `rows` of a batch of `meanRows`. */
  trainShard(x: number, y: number, rows: number, meanRows: number): void {
    this.setPass(x, y, rows, meanRows);
    this.k.trainPass(this.desc);
  }

  /** Points worker t's descriptor (t = 1…threads−1) at its shard: `rows` rows at x / y of a batch of `meanRows`. */
  setWorkerShard(t: number, x: number, y: number, rows: number, meanRows: number, row0: number): void {
    const w = this.i32;
    const d = this.workers[t - 1].desc >> 2;
    w[d + PASS.ROW0] = row0;
    w[d + PASS.ROWS] = rows;
    w[d + PASS.MEAN_ROWS] = meanRows;
    w[d + PASS.X] = x;
    w[d + PASS.Y] = y;
  }

  /**
   * Adds the worker threads' losses to this thread's, in thread order (the loss rounded to f32
   * again, as each shard's is), and their activation statistics when the pass gathered them.
   * Their gradients the threads sum themselves, each its slice (threads.ts).
   */
  reduceWorkers(): void {
    const f64 = this.f64;
    const withStats = this.i32[(this.desc >> 2) + PASS.STATS] !== 0;
    for (let i = 0; i < this.workers.length; i++) {
      const t = this.workers[i];
      f64[this.lossSlot] += f64[t.loss >> 3];
      if (withStats) {
        for (let l = 0; l < this.layers.length; l++) {
          const main = (this.stats >> 3) + l * STAT.WORDS, theirs = (t.stats >> 3) + l * STAT.WORDS;
          for (let s = 0; s < STAT.PASS_SLOTS; s++) f64[main + s] += f64[theirs + s];
        }
      }
    }
    f64[this.lossSlot] = Math.fround(f64[this.lossSlot]);
  }

  /** Whether the next passes fill the statistics blocks (every thread's). */
  gatherStats(on: boolean): void {
    const w = this.i32;
    w[(this.desc >> 2) + PASS.STATS] = on ? this.stats : 0;
    // Indexed loops: these run inside training steps, where an iterator would be garbage.
    for (let i = 0; i < this.workers.length; i++) w[(this.workers[i].desc >> 2) + PASS.STATS] = on ? this.workers[i].stats : 0;
  }

  /** Starts (or stops) stamping live ReLU units; starting clears every stamp. */
  trackActivity(on: boolean): void {
    const w = this.i32;
    for (const desc of [this.desc, ...this.workers.map((t) => t.desc)]) {
      this.lastActive.forEach((p, i) => {
        w[this.layerWord(desc, i, LAYER.LAST_ACTIVE)] = on ? p : 0;
      });
    }
    if (on) this.lastActive.forEach((p, i) => p && w.fill(0, p >> 2, (p >> 2) + this.layers[i].outputs));
  }

  /** The value live ReLU units are stamped with in the next pass (a running sample count). */
  setActivityStamp(stamp: number): void {
    const w = this.i32;
    w[(this.desc >> 2) + PASS.STAMP] = stamp;
    for (let i = 0; i < this.workers.length; i++) w[(this.workers[i].desc >> 2) + PASS.STAMP] = stamp;
  }

  /** Gradient statistics of every layer, from the whole batch's gradient (call before clipping). */
  gradientStats(): void {
    const k = this.k;
    for (let i = 0; i < this.layers.length; i++) {
      const l = this.layers[i];
      k.gradientStats(this.statsBlock(i), l.dWeight, l.dBias, l.weightCount, l.biasCount);
    }
  }

  /** Thread t's output of layer l in the last pass (t = 0: this thread's shard), and that shard's rows. */
  shardOutput(t: number, l: number): number {
    return this.i32[this.layerWord(this.descOf(t), l, LAYER.A)];
  }

  shardRows(t: number): number {
    return this.i32[(this.descOf(t) >> 2) + PASS.ROWS];
  }

  /** Thread t's pass descriptor (t = 0: this thread's). */
  private descOf(t: number): number {
    return t === 0 ? this.desc : this.workers[t - 1].desc;
  }

  /** Byte offset of layer i's statistics block. */
  statsBlock(i: number): number {
    return this.stats + i * STAT.WORDS * 8;
  }

  /** Parameter statistics of every layer without an update (the guard refused it). */
  parameterStats(): void {
    const k = this.k;
    for (let i = 0; i < this.layers.length; i++) {
      const l = this.layers[i];
      k.parameterStats(this.statsBlock(i), l.weight, l.bias, l.weightCount, l.biasCount);
    }
  }

  /**
   * Makes the next optimizer step a measured one (assembly/measured-update.ts): it fills
   * every layer's parameter and update statistics on the way, and its gradient statistics
   * too unless `withGradients` is false (clipping changes the gradient; measure it before).
   */
  measureNextUpdate(withGradients: boolean): void {
    this.k.measureNextUpdate(this.measureRegions, 2 * this.layers.length, this.measureScratch, withGradients ? 1 : 0);
  }

  /**
   * The dropout seed of the next training passes, every thread's: the host derives it from the
   * network's seed and the step, so a run's masks follow from its seed (and a resumed run's from
   * its step count).
   */
  setStepSeed(seed: number): void {
    const w = this.i32;
    w[(this.desc >> 2) + PASS.SEED] = seed;
    for (let i = 0; i < this.workers.length; i++) w[(this.workers[i].desc >> 2) + PASS.SEED] = seed;
  }

  /**
   * Gives dropout layer `l` the keep mask (0 or 1 per value, rows × features of the batch) of
   * the next training passes, as a replay of PyTorch's run must; null returns it to drawing its
   * own. The mask is kept in this thread's scratch of the layer, which holds a whole batch;
   * worker threads read their shard's rows of it (PASS.ROW0).
   */
  giveDropoutMask(l: number, keep: ArrayLike<number> | null): void {
    const layer = this.layers[l];
    const w = this.i32;
    if (keep) this.f32.set(keep, layer.scratch >> 2);
    const word = LAYER.COMMON + 1; // assembly/abi.ts DROPOUT_GIVEN_MASK
    for (const desc of [this.desc, ...this.workers.map((t) => t.desc)]) w[this.layerWord(desc, l, word)] = keep ? layer.scratch : 0;
  }

  private setPass(x: number, y: number, rows: number, meanRows = rows): void {
    this.lastPassRows = rows;
    const w = this.i32;
    const d = this.desc >> 2;
    w[d + PASS.ROW0] = 0;
    w[d + PASS.ROWS] = rows;
    w[d + PASS.MEAN_ROWS] = meanRows;
    w[d + PASS.X] = x;
    w[d + PASS.Y] = y;
  }

  /** Loss of the last forward pass against targets at `y`; writes ∂L/∂output into deltaA. */
  loss(y: number, rows: number): number {
    this.computeLoss(y, rows);
    return this.f64[this.lossSlot];
  }

  /**
   * Like `loss`, but leaves the value in `f64[lossSlot]`: the training step reads it from
   * there, since a double returned from a call that V8 does not inline is boxed.
   */
  computeLoss(y: number, rows: number): void {
    this.lossKernel(this.scalars, this.deltaA, this.layers[this.layers.length - 1].a, y, rows, this.outputs, rows);
  }

  /** Index in `f64` of the last computed loss. */
  get lossSlot(): number {
    return this.scalars >> 3;
  }

  /** clip_grad_value_ then clip_grad_norm_ over all gradients, as one vector. */
  clip(value: number | undefined, norm: number | undefined): void {
    const k = this.k;
    if (value !== undefined) k.clampValues(this.grads, this.paramCount, value);
    if (norm !== undefined) {
      k.sumOfSquares(this.scalars + 8, this.grads, this.paramCount);
      const total = Math.sqrt(this.f64[(this.scalars + 8) >> 3]);
      const coef = norm / (total + 1e-6);
      // PyTorch multiplies by min(coef, 1) unconditionally; a NaN norm poisons the gradients too.
      if (!(coef >= 1)) k.scaleValues(this.grads, this.paramCount, coef);
    }
  }

  /** Whether outputs are class scores. */
  get classifier(): boolean {
    return isClassifier(this.spec.loss);
  }

  /** Bytes of linear memory held. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

}
