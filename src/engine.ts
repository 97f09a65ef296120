// The engine owns one network's linear memory and lays it out:
//
//   [static data | params P | grads P | 3 optimizer slots × P | f64 scalars | workspace ...]
//
// Parameters are [W₀ b₀ W₁ b₁ …] (W as [out, in] row-major, PyTorch's layout), and the
// gradients and every optimizer slot mirror that layout, so one kernel call updates all.
// The workspace (batch buffers, per-layer activations, resident data sets) is re-planned
// whenever a larger batch or data set arrives; only then does memory grow, never inside a
// training step. Typed views are refreshed whenever the buffer has changed (growth detaches it).
import { activationCode, isClassifier, LOSSES } from './codes.js';
import { DataError } from './errors.js';
import { HISTOGRAM_MAX_BINS } from './histogram-layout.js';
import { instantiateKernels, type Kernels } from './kernels.js';
import { MAX_SLOTS } from './optimizers.js';
import type { ResolvedSpec } from './spec.js';
import type { ThreadPool } from './threads.js';

const PAGE = 65536;
/** Pass descriptor layout (i32 words), mirrored from assembly/pass.ts; a test compares them. */
export const PASS_HEADER = 12;
export const PASS_LAYER_WORDS = 10;
const PASS_ROWS = 2, PASS_MEAN_ROWS = 3, PASS_X = 4, PASS_Y = 5;
/** Descriptor words of diagnostics: the statistics blocks and the dead-unit stamp. */
export const PASS_STATS = 9, PASS_STAMP = 10;
/** f64 slots per layer in a statistics block, mirrored from assembly/stats.ts; a test compares them. */
export const STAT_WORDS = 16;
/** Kinds of histogram: weights, weight gradients, outputs. */
const HISTOGRAM_KINDS = 3;
/** Measured-update layout, mirrored from assembly/measured-update.ts; a test compares them. */
export const MEASURE_REGION_BYTES = 12, MEASURE_SCRATCH_BYTES = 2048;
const STAT_ACTIVATION_SLOTS = 5; // Σa, Σa², saturated, non-finite a, Σ(∂L/∂a)²: filled per shard
/** f64 slots in the optimizer's hyper-parameter block; the largest rule (RAdam) uses 8. */
export const HP_SLOTS = 16;
/** Maximum pages of a shared (threaded) memory; must equal the threads build's maximumMemory (asconfig.json). */
export const SHARED_MAX_PAGES = 16384;
// Arithmetic, not bitwise: plans past 2 GiB must not wrap around 32 bits.
const align16 = (n: number) => Math.ceil(n / 16) * 16;

/** Byte offsets of one layer's tensors. */
export interface LayerPlan {
  inputs: number;
  units: number;
  act: number;
  weight: number;
  bias: number;
  dWeight: number;
  dBias: number;
  /** Pre-activation z and activation a of the current batch (a = z for linear layers). */
  z: number;
  a: number;
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
  private readonly workspaceStart: number;
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
  /** Per worker thread t = 1…threads−1 (index t−1): its descriptor, gradients and loss slot. */
  readonly workers: { desc: number; grads: number; loss: number; stats: number; deltaA: number; deltaB: number; z: number[]; a: number[] }[] = [];
  /** The main thread's per-layer statistics blocks (STAT_WORDS f64 each; diagnostics.ts reads them). */
  readonly stats: number;
  /** Per layer: an i32 per unit holding the sample count when it last fired (ReLU layers), else 0. */
  readonly lastActive: number[];
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

  // Workspace plan (re-planned by reserve()).
  batchCapacity = 0;
  xBatch = 0;
  yBatch = 0;
  /** Two ping-pong buffers for ∂L/∂a during backward, batch × widest layer. */
  deltaA = 0;
  deltaB = 0;
  private dataStart = 0;
  private planned = { batch: 0, rows: [0, 0] };
  readonly sets: [Resident, Resident] = [
    { x: 0, y: 0, indices: 0, rows: 0, owner: null },
    { x: 0, y: 0, indices: 0, rows: 0, owner: null },
  ];

  constructor(readonly spec: ResolvedSpec, module: WebAssembly.Module, threads = 1) {
    this.threads = threads;
    // Threads need a shared memory, and a shared memory needs a fixed maximum.
    this.memory = threads > 1
      ? new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true })
      : new WebAssembly.Memory({ initial: 1 });
    this.k = instantiateKernels(module, this.memory);
    this.outputs = spec.layers[spec.layers.length - 1].units;
    this.labelTargets = spec.loss === 'softmax_cross_entropy';
    const k = this.k;
    this.lossKernel = {
      softmax_cross_entropy: k.softmaxCrossEntropy,
      sigmoid_bce: k.sigmoidBce,
      mse: k.mse,
      mae: k.mae,
      huber: k.huber,
    }[spec.loss];
    let inputs = spec.inputs;
    let count = 0;
    const shapes = spec.layers.map((l) => {
      const s = { inputs, units: l.units, act: activationCode(l.activation), offset: count };
      count += l.units * inputs + l.units;
      inputs = l.units;
      return s;
    });
    this.paramCount = count;
    const bytes = align16(count * 4);
    this.params = align16(this.k.heapBase());
    this.grads = this.params + bytes;
    this.slots = [0, 1, 2].map((i) => this.grads + bytes * (1 + i)) as [number, number, number];
    this.scalars = this.grads + bytes * (1 + MAX_SLOTS);
    this.hp = this.scalars + 16;
    const descBytes = align16(4 * (PASS_HEADER + PASS_LAYER_WORDS * spec.layers.length));
    this.desc = this.hp + HP_SLOTS * 8;
    this.control = this.desc + descBytes;
    let at = this.control + 32;
    const statBytes = STAT_WORDS * 8 * spec.layers.length;
    for (let t = 1; t < threads; t++) {
      this.workers.push({ desc: at, grads: at + descBytes, loss: at + descBytes + bytes, stats: at + descBytes + bytes + 16, deltaA: 0, deltaB: 0, z: [], a: [] });
      at += descBytes + bytes + 16 + statBytes;
    }
    this.stats = at;
    at += statBytes;
    this.lastActive = shapes.map((s) => {
      if (s.act !== activationCode('relu')) return 0;
      const start = at;
      at += align16(s.units * 4);
      return start;
    });
    this.measureRegions = at;
    this.measureScratch = at + align16(MEASURE_REGION_BYTES * 2 * spec.layers.length);
    at = this.measureScratch + MEASURE_SCRATCH_BYTES;
    const histograms = HISTOGRAM_KINDS * spec.layers.length;
    this.histogramCounts = at;
    this.histogramRanges = at + histograms * HISTOGRAM_MAX_BINS * 4;
    at = this.histogramRanges + histograms * 16;
    this.workspaceStart = at;
    this.layers = shapes.map((s) => ({
      inputs: s.inputs,
      units: s.units,
      act: s.act,
      weight: this.params + s.offset * 4,
      bias: this.params + (s.offset + s.units * s.inputs) * 4,
      dWeight: this.grads + s.offset * 4,
      dBias: this.grads + (s.offset + s.units * s.inputs) * 4,
      z: 0,
      a: 0,
    }));
    this.reserve(1, 0, 0);
    this.writeDescriptor();
  }

  /** Fills the fixed part of the main pass descriptor (the rest changes per call or re-plan). */
  private writeDescriptor(): void {
    const w = this.i32;
    const d = this.desc >> 2;
    w[d] = this.layers.length;
    w[d + 1] = LOSSES.indexOf(this.spec.loss);
    w[d + 6] = this.scalars;
    this.layers.forEach((l, i) => {
      const o = d + PASS_HEADER + i * PASS_LAYER_WORDS;
      w[o] = l.inputs; w[o + 1] = l.units; w[o + 2] = l.act;
      w[o + 3] = l.weight; w[o + 4] = l.bias; w[o + 5] = l.dWeight; w[o + 6] = l.dBias;
    });
    // The measured update's regions: per layer its weights, then its bias, into its statistics block.
    this.layers.forEach((l, i) => {
      const r = (this.measureRegions >> 2) + 6 * i;
      w[r] = l.weight - this.params; w[r + 1] = l.units * l.inputs; w[r + 2] = this.statsBlock(i);
      w[r + 3] = l.bias - this.params; w[r + 4] = l.units; w[r + 5] = this.statsBlock(i);
    });
    // A worker's descriptor is the main one with its own gradients and loss slot.
    for (const t of this.workers) {
      const td = t.desc >> 2;
      w.copyWithin(td, d, d + PASS_HEADER + PASS_LAYER_WORDS * this.layers.length);
      w[td + 6] = t.loss;
      this.layers.forEach((l, i) => {
        const o = td + PASS_HEADER + i * PASS_LAYER_WORDS;
        w[o + 5] = l.dWeight - this.grads + t.grads;
        w[o + 6] = l.dBias - this.grads + t.grads;
      });
    }
    this.writeWorkspacePointers();
  }

  /** The descriptor's activation and delta pointers, which move when the workspace is re-planned. */
  private writeWorkspacePointers(): void {
    const w = this.i32;
    const d = this.desc >> 2;
    w[d + 7] = this.deltaA;
    w[d + 8] = this.deltaB;
    this.layers.forEach((l, i) => {
      const o = d + PASS_HEADER + i * PASS_LAYER_WORDS;
      w[o + 7] = l.z; w[o + 8] = l.a;
    });
    for (const t of this.workers) {
      const td = t.desc >> 2;
      w[td + 7] = t.deltaA;
      w[td + 8] = t.deltaB;
      this.layers.forEach((_, i) => {
        const o = td + PASS_HEADER + i * PASS_LAYER_WORDS;
        w[o + 7] = t.z[i]; w[o + 8] = t.a[i];
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
    const p = this.planned;
    if (batch <= p.batch && rows0 <= p.rows[0] && rows1 <= p.rows[1]) return;
    batch = Math.max(batch, p.batch);
    rows0 = Math.max(rows0, p.rows[0]);
    rows1 = Math.max(rows1, p.rows[1]);
    const before = this.snapshotPlan();
    let at = this.workspaceStart;
    const take = (bytes: number) => {
      const start = at;
      at = align16(at + bytes);
      return start;
    };
    const inBytes = this.spec.inputs * 4;
    const targetBytes = this.labelTargets ? 4 : this.outputs * 4;
    this.xBatch = take(batch * inBytes);
    this.yBatch = take(batch * targetBytes);
    let widest = this.spec.inputs;
    for (const l of this.layers) {
      widest = Math.max(widest, l.units);
      l.z = take(batch * l.units * 4);
      l.a = l.act === 0 ? l.z : take(batch * l.units * 4);
    }
    this.deltaA = take(batch * widest * 4);
    this.deltaB = take(batch * widest * 4);
    // Each worker thread gets activations and deltas for its shard of a batch.
    const shard = Math.ceil(batch / this.threads);
    for (const t of this.workers) {
      this.layers.forEach((l, i) => {
        t.z[i] = take(shard * l.units * 4);
        t.a[i] = l.act === 0 ? t.z[i] : take(shard * l.units * 4);
      });
      t.deltaA = take(shard * widest * 4);
      t.deltaB = take(shard * widest * 4);
    }
    this.dataStart = at;
    const moves: [from: number, to: number, bytes: number][] = [];
    [rows0, rows1].forEach((rows, i) => {
      const set = this.sets[i];
      const old = { x: set.x, y: set.y, indices: set.indices };
      set.x = take(rows * inBytes);
      set.y = take(rows * targetBytes);
      set.indices = take(rows * 4);
      if (set.rows > 0) {
        moves.push([old.x, set.x, set.rows * inBytes], [old.y, set.y, set.rows * targetBytes], [old.indices, set.indices, set.rows * 4]);
      }
    });
    const needed = Math.ceil(at / PAGE);
    const have = this.memory.buffer.byteLength / PAGE;
    if (needed > have) {
      try {
        this.memory.grow(needed - have);
      } catch {
        // Nothing has moved yet: put the old offsets back and the old plan still stands.
        this.restorePlan(before);
        const limit = this.threads > 1 ? `the shared memory's ${SHARED_MAX_PAGES * PAGE / 2 ** 30} GiB maximum` : 'what this engine will allocate';
        throw new DataError(`training needs ${(at / 2 ** 20).toFixed(0)} MiB of wasm memory (batch of ${batch} rows, data sets of ${rows0} and ${rows1} rows), more than ${limit}`, 'memory', at);
      }
    }
    // Every region only moves up (everything before it grew or stayed), so moving the
    // highest first never overwrites data still waiting to move.
    const bytes = new Uint8Array(this.memory.buffer);
    for (let i = moves.length - 1; i >= 0; i--) {
      const [from, to, length] = moves[i];
      if (from !== to) bytes.copyWithin(to, from, from + length);
    }
    this.batchCapacity = batch;
    this.planned = { batch, rows: [rows0, rows1] };
    if (this.desc) this.writeWorkspacePointers();
  }

  /** Every workspace offset, so a plan that cannot get its memory can be undone. */
  private snapshotPlan() {
    return {
      xBatch: this.xBatch, yBatch: this.yBatch, deltaA: this.deltaA, deltaB: this.deltaB, dataStart: this.dataStart,
      layers: this.layers.map((l) => [l.z, l.a]),
      workers: this.workers.map((t) => ({ deltaA: t.deltaA, deltaB: t.deltaB, z: [...t.z], a: [...t.a] })),
      sets: this.sets.map((set) => ({ x: set.x, y: set.y, indices: set.indices })),
    };
  }

  private restorePlan(p: ReturnType<Engine['snapshotPlan']>): void {
    ({ xBatch: this.xBatch, yBatch: this.yBatch, deltaA: this.deltaA, deltaB: this.deltaB, dataStart: this.dataStart } = p);
    this.layers.forEach((l, i) => ([l.z, l.a] = p.layers[i]));
    this.workers.forEach((t, i) => Object.assign(t, p.workers[i]));
    this.sets.forEach((set, i) => Object.assign(set, p.sets[i]));
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

  /** Set when worker threads share the passes (threads.ts). */
  parallel: ThreadPool | null = null;

  /** This thread's shard of a threaded pass: `rows` of a batch of `meanRows`. */
  trainShard(x: number, y: number, rows: number, meanRows: number): void {
    this.setPass(x, y, rows, meanRows);
    this.k.trainPass(this.desc);
  }

  /**
   * Adds the worker threads' gradients and losses to this thread's, in thread order, and
   * their activation statistics when the pass gathered them.
   */
  reduceWorkers(): void {
    const f64 = this.f64;
    const withStats = this.i32[(this.desc >> 2) + PASS_STATS] !== 0;
    for (let i = 0; i < this.workers.length; i++) {
      const t = this.workers[i];
      this.k.addF32(this.grads, t.grads, this.paramCount);
      f64[this.lossSlot] += f64[t.loss >> 3];
      if (!withStats) continue;
      for (let l = 0; l < this.layers.length; l++) {
        const main = (this.stats >> 3) + l * STAT_WORDS, theirs = (t.stats >> 3) + l * STAT_WORDS;
        for (let s = 0; s < STAT_ACTIVATION_SLOTS; s++) f64[main + s] += f64[theirs + s];
      }
    }
  }

  /** Whether the next passes fill the statistics blocks (every thread's). */
  gatherStats(on: boolean): void {
    const w = this.i32;
    w[(this.desc >> 2) + PASS_STATS] = on ? this.stats : 0;
    // Indexed loops: these run inside training steps, where an iterator would be garbage.
    for (let i = 0; i < this.workers.length; i++) w[(this.workers[i].desc >> 2) + PASS_STATS] = on ? this.workers[i].stats : 0;
  }

  /** Starts (or stops) stamping live ReLU units; starting clears every stamp. */
  trackActivity(on: boolean): void {
    const w = this.i32;
    for (const desc of [this.desc, ...this.workers.map((t) => t.desc)]) {
      this.lastActive.forEach((p, i) => {
        w[(desc >> 2) + PASS_HEADER + i * PASS_LAYER_WORDS + 9] = on ? p : 0;
      });
    }
    if (on) this.lastActive.forEach((p, i) => p && w.fill(0, p >> 2, (p >> 2) + this.layers[i].units));
  }

  /** The value live ReLU units are stamped with in the next pass (a running sample count). */
  setActivityStamp(stamp: number): void {
    const w = this.i32;
    w[(this.desc >> 2) + PASS_STAMP] = stamp;
    for (let i = 0; i < this.workers.length; i++) w[(this.workers[i].desc >> 2) + PASS_STAMP] = stamp;
  }

  /** Gradient statistics of every layer, from the whole batch's gradient (call before clipping). */
  gradientStats(): void {
    const k = this.k;
    for (let i = 0; i < this.layers.length; i++) {
      const l = this.layers[i];
      k.gradientStats(this.statsBlock(i), l.dWeight, l.dBias, l.units * l.inputs, l.units);
    }
  }

  /** Thread t's output of layer l in the last pass (t = 0: this thread's shard), and that shard's rows. */
  shardOutput(t: number, l: number): number {
    return this.i32[this.descWord(t) + PASS_HEADER + l * PASS_LAYER_WORDS + 8];
  }

  shardRows(t: number): number {
    return this.i32[this.descWord(t) + PASS_ROWS];
  }

  /** i32 index of thread t's pass descriptor (t = 0: this thread's). */
  private descWord(t: number): number {
    return (t === 0 ? this.desc : this.workers[t - 1].desc) >> 2;
  }

  /** Byte offset of layer i's statistics block. */
  private statsBlock(i: number): number {
    return this.stats + i * STAT_WORDS * 8;
  }

  /** Parameter statistics of every layer without an update (the guard refused it). */
  parameterStats(): void {
    const k = this.k;
    for (let i = 0; i < this.layers.length; i++) {
      const l = this.layers[i];
      k.parameterStats(this.statsBlock(i), l.weight, l.bias, l.units * l.inputs, l.units);
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

  private setPass(x: number, y: number, rows: number, meanRows = rows): void {
    this.lastPassRows = rows;
    const w = this.i32;
    const d = this.desc >> 2;
    w[d + PASS_ROWS] = rows;
    w[d + PASS_MEAN_ROWS] = meanRows;
    w[d + PASS_X] = x;
    w[d + PASS_Y] = y;
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
