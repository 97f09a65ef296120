// The memory plan: where every region of a network's linear memory lives, as a pure function
// of the network's shape, its threads, the batch capacity and the resident rows. The engine
// applies a plan; a larger batch or data set gets a new plan, whose fixed part (everything up
// to the workspace) is the same, since it depends on the shape and threads alone.
//
// In order, every region 16-byte aligned:
//   static data (the module's, below heapBase)
//   parameters · gradients · 3 optimizer slots — one layout, so one kernel call updates all
//   scalars · hyper-parameter block · pass descriptor · thread control words
//   per worker thread: its descriptor, gradients, loss slot, statistics blocks
//   statistics blocks · dead-unit stamps · layer kinds' state · measured-update table and
//   scratch · histograms
//   workspace: batch x and y, per layer z, a and its kind's scratch, two delta buffers, each worker's share
//   two resident data sets: x, y, row indices
// docs/design.md shows this map with sizes; test/memory-plan.test.ts holds the plan to it.
import { HP_SLOTS, MEASURE, PASS, STAT } from '../wasm/abi.js';

/** What the plan needs to know of a layer. */
export interface PlannedLayerShape {
  inputs: number;
  outputs: number;
  /** Elements of each parameter tensor, in order. */
  tensors: readonly number[];
  /** Linear layers keep their output in z alone (a = z). */
  linear: boolean;
  /** ReLU layers get an i32 per unit for dead-unit tracking. */
  tracksUnits: boolean;
  /** f32 values of the kind's non-trainable state (0: none). */
  state: number;
  /** f32 values of the kind's scratch for a pass: `scratch[0] + scratch[1] · rows` (0, 0: none). */
  scratch: readonly [number, number];
}

export interface PlanInput {
  /** The module's first free byte (kernels' static data lies below). */
  heapBase: number;
  layers: readonly PlannedLayerShape[];
  /** Features per input row. */
  inputs: number;
  /** Bytes per target row (an i32 class index, or f32 outputs). */
  targetBytes: number;
  threads: number;
  /** Rows per batch the workspace holds. */
  batch: number;
  /** Rows of the two resident data sets (training, validation). */
  rows: readonly [number, number];
}

/** A layer's places: its parameters and gradients (byte offsets of each tensor), and its z and a. */
export interface LayerPlace {
  params: number;
  grads: number;
  /** Byte offsets of each tensor in the parameters and in the gradients. */
  tensors: number[];
  dTensors: number[];
  z: number;
  a: number;
  /** The kind's scratch for a pass over the batch, or 0. */
  scratch: number;
}

/** One worker thread's own regions. */
export interface WorkerPlace {
  desc: number;
  grads: number;
  loss: number;
  stats: number;
  z: number[];
  a: number[];
  scratch: number[];
  deltaA: number;
  deltaB: number;
}

export interface ResidentPlace {
  x: number;
  y: number;
  indices: number;
}

export interface MemoryPlan {
  readonly input: PlanInput;
  paramCount: number;
  params: number;
  grads: number;
  slots: [number, number, number];
  /** Two f64: the loss, and Σg² of the gradients. */
  scalars: number;
  hp: number;
  desc: number;
  /** Bytes of one pass descriptor. */
  descBytes: number;
  control: number;
  workers: WorkerPlace[];
  stats: number;
  /** Per layer: its dead-unit stamps, or 0. */
  lastActive: number[];
  /** Per layer: its kind's state, or 0. */
  layerState: number[];
  measureRegions: number;
  measureScratch: number;
  histogramCounts: number;
  histogramRanges: number;
  workspaceStart: number;
  xBatch: number;
  yBatch: number;
  layers: LayerPlace[];
  deltaA: number;
  deltaB: number;
  sets: [ResidentPlace, ResidentPlace];
  /** One past the last byte used. */
  end: number;
}

/** Most bins a histogram may have: the plan keeps this many u32 counts per layer and kind (descent/diagnostics fills them). */
export const HISTOGRAM_MAX_BINS = 256;
/** Kinds of histogram per layer: weights, weight gradients, outputs. */
export const HISTOGRAM_KINDS = 3;
/** The thread control words (threads.ts): a header, then a row per thread (this one first). */
export const CONTROL_HEADER_WORDS = 24;
export const CONTROL_ROW_WORDS = 5;
/** Bytes of the thread control words for `threads` threads. */
export const controlBytes = (threads: number): number => 4 * (CONTROL_HEADER_WORDS + CONTROL_ROW_WORDS * threads);
/** Optimizer state slots per parameter. */
export const OPTIMIZER_SLOTS = 3;

// Arithmetic, not bitwise: plans past 2 GiB must not wrap around 32 bits.
export const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/** Bytes of a layer's scratch for a pass of `rows` rows. */
export const scratchBytes = (l: PlannedLayerShape, rows: number): number => (l.scratch[0] + l.scratch[1] * rows) * 4;

/** The plan for `input`: pure, deterministic, and its fixed part independent of batch and rows. */
export function planMemory(input: PlanInput): MemoryPlan {
  const L = input.layers.length;
  let at = align16(input.heapBase);
  const take = (bytes: number): number => {
    const start = at;
    at = align16(at + bytes);
    return start;
  };
  const paramCount = input.layers.reduce((n, l) => n + l.tensors.reduce((a, b) => a + b, 0), 0);
  const paramBytes = paramCount * 4;
  const params = take(paramBytes);
  const grads = take(paramBytes);
  const slots = [take(paramBytes), take(paramBytes), take(paramBytes)] as [number, number, number];
  const scalars = take(16);
  const hp = take(HP_SLOTS * 8);
  const descBytes = align16(4 * (PASS.HEADER + PASS.LAYER_WORDS * L));
  const desc = take(descBytes);
  const control = take(controlBytes(input.threads));
  const statBytes = STAT.WORDS * 8 * L;
  const workers: WorkerPlace[] = [];
  for (let t = 1; t < input.threads; t++) {
    workers.push({ desc: take(descBytes), grads: take(paramBytes), loss: take(16), stats: take(statBytes), z: [], a: [], scratch: [], deltaA: 0, deltaB: 0 });
  }
  const stats = take(statBytes);
  const lastActive = input.layers.map((l) => (l.tracksUnits ? take(l.outputs * 4) : 0));
  const layerState = input.layers.map((l) => (l.state > 0 ? take(l.state * 4) : 0));
  const measureRegions = take(MEASURE.REGION_BYTES * 2 * L);
  const measureScratch = take(MEASURE.SCRATCH_BYTES);
  const histograms = HISTOGRAM_KINDS * L;
  const histogramCounts = take(histograms * HISTOGRAM_MAX_BINS * 4);
  const histogramRanges = take(histograms * 16);
  const workspaceStart = at;

  // The workspace: scratch that a new plan may move, and the resident data it keeps.
  const { batch } = input;
  const xBatch = take(batch * input.inputs * 4);
  const yBatch = take(batch * input.targetBytes);
  let offset = 0;
  let widest = input.inputs;
  const layers = input.layers.map((l): LayerPlace => {
    const tensors: number[] = [], dTensors: number[] = [];
    for (const n of l.tensors) {
      tensors.push(params + offset * 4);
      dTensors.push(grads + offset * 4);
      offset += n;
    }
    widest = Math.max(widest, l.outputs);
    const z = take(batch * l.outputs * 4);
    const a = l.linear ? z : take(batch * l.outputs * 4);
    const scratch = scratchBytes(l, batch) > 0 ? take(scratchBytes(l, batch)) : 0;
    return { params: tensors[0] ?? params + offset * 4, grads: dTensors[0] ?? grads + offset * 4, tensors, dTensors, z, a, scratch };
  });
  const deltaA = take(batch * widest * 4);
  const deltaB = take(batch * widest * 4);
  // Each worker thread gets activations and deltas for its shard of a batch.
  const shard = Math.ceil(batch / input.threads);
  for (const w of workers) {
    input.layers.forEach((l, i) => {
      w.z[i] = take(shard * l.outputs * 4);
      w.a[i] = l.linear ? w.z[i] : take(shard * l.outputs * 4);
      w.scratch[i] = scratchBytes(l, shard) > 0 ? take(scratchBytes(l, shard)) : 0;
    });
    w.deltaA = take(shard * widest * 4);
    w.deltaB = take(shard * widest * 4);
  }
  const sets = input.rows.map((rows) => ({
    x: take(rows * input.inputs * 4),
    y: take(rows * input.targetBytes),
    indices: take(rows * 4),
  })) as [ResidentPlace, ResidentPlace];
  return {
    input, paramCount, params, grads, slots, scalars, hp, desc, descBytes, control, workers, stats, lastActive, layerState,
    measureRegions, measureScratch, histogramCounts, histogramRanges, workspaceStart,
    xBatch, yBatch, layers, deltaA, deltaB, sets, end: at,
  };
}

/** A named region of a plan: where it starts and how many bytes it holds. */
export interface PlannedRegion {
  name: string;
  start: number;
  bytes: number;
}

/**
 * Every region of `plan` with its size, in address order (regions of size 0 included; a
 * linear layer's a, which is its z, is listed once).
 */
export function planRegions(plan: MemoryPlan): PlannedRegion[] {
  const { input } = plan;
  const L = input.layers.length;
  const paramBytes = plan.paramCount * 4;
  const statBytes = STAT.WORDS * 8 * L;
  const { batch } = input;
  const widest = Math.max(input.inputs, ...input.layers.map((l) => l.outputs));
  const shard = Math.ceil(batch / input.threads);
  const r: PlannedRegion[] = [
    { name: 'parameters', start: plan.params, bytes: paramBytes },
    { name: 'gradients', start: plan.grads, bytes: paramBytes },
    ...plan.slots.map((start, i) => ({ name: `optimizer slot ${i}`, start, bytes: paramBytes })),
    { name: 'scalars', start: plan.scalars, bytes: 16 },
    { name: 'hyper-parameters', start: plan.hp, bytes: HP_SLOTS * 8 },
    { name: 'descriptor', start: plan.desc, bytes: plan.descBytes },
    { name: 'thread control', start: plan.control, bytes: controlBytes(plan.workers.length + 1) },
  ];
  plan.workers.forEach((w, i) => {
    const t = `worker ${i + 1}`;
    r.push(
      { name: `${t} descriptor`, start: w.desc, bytes: plan.descBytes },
      { name: `${t} gradients`, start: w.grads, bytes: paramBytes },
      { name: `${t} loss`, start: w.loss, bytes: 16 },
      { name: `${t} statistics`, start: w.stats, bytes: statBytes },
    );
  });
  r.push({ name: 'statistics', start: plan.stats, bytes: statBytes });
  plan.lastActive.forEach((start, l) => {
    if (start) r.push({ name: `layer ${l} dead-unit stamps`, start, bytes: input.layers[l].outputs * 4 });
  });
  plan.layerState.forEach((start, l) => {
    if (start) r.push({ name: `layer ${l} state`, start, bytes: input.layers[l].state * 4 });
  });
  r.push(
    { name: 'measured-update table', start: plan.measureRegions, bytes: MEASURE.REGION_BYTES * 2 * L },
    { name: 'measured-update scratch', start: plan.measureScratch, bytes: MEASURE.SCRATCH_BYTES },
    { name: 'histogram counts', start: plan.histogramCounts, bytes: HISTOGRAM_KINDS * L * HISTOGRAM_MAX_BINS * 4 },
    { name: 'histogram ranges', start: plan.histogramRanges, bytes: HISTOGRAM_KINDS * L * 16 },
    { name: 'batch x', start: plan.xBatch, bytes: batch * input.inputs * 4 },
    { name: 'batch y', start: plan.yBatch, bytes: batch * input.targetBytes },
  );
  plan.layers.forEach((l, i) => {
    const bytes = batch * input.layers[i].outputs * 4;
    r.push({ name: `layer ${i} z`, start: l.z, bytes });
    if (l.a !== l.z) r.push({ name: `layer ${i} a`, start: l.a, bytes });
    if (l.scratch) r.push({ name: `layer ${i} scratch`, start: l.scratch, bytes: scratchBytes(input.layers[i], batch) });
  });
  r.push({ name: 'delta A', start: plan.deltaA, bytes: batch * widest * 4 }, { name: 'delta B', start: plan.deltaB, bytes: batch * widest * 4 });
  plan.workers.forEach((w, t) => {
    w.z.forEach((z, i) => {
      const bytes = shard * input.layers[i].outputs * 4;
      r.push({ name: `worker ${t + 1} layer ${i} z`, start: z, bytes });
      if (w.a[i] !== z) r.push({ name: `worker ${t + 1} layer ${i} a`, start: w.a[i], bytes });
      if (w.scratch[i]) r.push({ name: `worker ${t + 1} layer ${i} scratch`, start: w.scratch[i], bytes: scratchBytes(input.layers[i], shard) });
    });
    r.push({ name: `worker ${t + 1} delta A`, start: w.deltaA, bytes: shard * widest * 4 }, { name: `worker ${t + 1} delta B`, start: w.deltaB, bytes: shard * widest * 4 });
  });
  plan.sets.forEach((s, i) => {
    const rows = input.rows[i];
    const set = i === 0 ? 'training set' : 'validation set';
    r.push(
      { name: `${set} x`, start: s.x, bytes: rows * input.inputs * 4 },
      { name: `${set} y`, start: s.y, bytes: rows * input.targetBytes },
      { name: `${set} row indices`, start: s.indices, bytes: rows * 4 },
    );
  });
  return r.sort((a, b) => a.start - b.start);
}
