// Evaluation over data of any size, in chunks that fit the engine's batch buffers:
// loss (the training loss, mean over the whole set), accuracy for classifiers, and
// MAE / RMSE for regression. Chunks reuse the batch buffers, so evaluating inside a
// training callback leaves the resident training data untouched.
import type { Engine } from '../engine/engine.js';
import type { Metrics } from '../types.js';

/** Source of rows: either a resident set (pointers) or host arrays copied chunk by chunk. */
export interface RowSource {
  rows: number;
  /** Places rows [start, start+count) in the batch buffers and returns the x pointer. */
  load(start: number, count: number): number;
  /** Pointer of the targets of the rows last loaded. */
  targets(): number;
}

/** Host arrays as a row source (copies into the engine's batch buffers). */
export function hostRows(e: Engine, x: Float32Array, y: Float32Array | Int32Array | null, rows: number): RowSource {
  const inW = e.spec.inputs;
  const yW = e.labelTargets ? 1 : e.outputs;
  return {
    rows,
    load(start, count) {
      e.f32.set(x.subarray(start * inW, (start + count) * inW), e.xBatch >> 2);
      if (y instanceof Int32Array) e.i32.set(y.subarray(start, start + count), e.yBatch >> 2);
      else if (y) e.f32.set(y.subarray(start * yW, (start + count) * yW), e.yBatch >> 2);
      return e.xBatch;
    },
    targets: () => e.yBatch,
  };
}

/**
 * Evaluates chunk by chunk so a long evaluation can be interleaved with yields:
 * call `advance()` until it returns true, then read `result()`.
 */
export class Evaluator {
  private src: RowSource | null = null;
  private start = 0;
  private lossSum = 0;
  private correct = 0;
  private absSum = 0;
  private sqSum = 0;

  constructor(private readonly e: Engine) {}

  /** Starts over on `src`. */
  begin(src: RowSource): void {
    this.src = src;
    this.start = this.lossSum = this.correct = this.absSum = this.sqSum = 0;
  }

  /** Evaluates one chunk; returns true once every row is done. */
  advance(): boolean {
    const src = this.src!;
    if (this.start >= src.rows) return true;
    const e = this.e;
    const count = Math.min(e.batchCapacity, src.rows - this.start);
    const x = src.load(this.start, count);
    const out = e.forward(x, count);
    const y = src.targets();
    // Means are per element (cross-entropy: per row), equal across a chunk's rows.
    this.lossSum += e.loss(y, count) * count;
    const outW = e.outputs;
    const f32 = e.f32;
    const o = out >> 2;
    if (e.labelTargets) {
      const labels = e.i32;
      for (let r = 0; r < count; r++) {
        let best = 0;
        for (let c = 1; c < outW; c++) if (f32[o + r * outW + c] > f32[o + r * outW + best]) best = c;
        if (best === labels[(y >> 2) + r]) this.correct++;
      }
    } else {
      const t = y >> 2;
      const classifier = e.classifier;
      for (let i = 0; i < count * outW; i++) {
        const d = f32[o + i] - f32[t + i];
        if (classifier) {
          // Logit > 0 ⇔ probability > 0.5; targets count as positive from 0.5.
          if ((f32[o + i] > 0) === (f32[t + i] >= 0.5)) this.correct++;
        } else {
          this.absSum += Math.abs(d);
          this.sqSum += d * d;
        }
      }
    }
    this.start += count;
    return this.start >= src.rows;
  }

  /** Metrics over all rows evaluated since `begin`. */
  result(): Metrics {
    const e = this.e;
    const rows = this.src!.rows;
    const loss = this.lossSum / rows;
    if (e.labelTargets) return { loss, accuracy: this.correct / rows };
    const elements = rows * e.outputs;
    if (e.classifier) return { loss, accuracy: this.correct / elements };
    return { loss, mae: this.absSum / elements, rmse: Math.sqrt(this.sqSum / elements) };
  }
}

/** Loss and metrics of the network over every row of `src`, in one go. */
export function evaluateRows(e: Engine, src: RowSource): Metrics {
  const ev = new Evaluator(e);
  ev.begin(src);
  while (!ev.advance());
  return ev.result();
}

/** A resident data set as a row source: rows are read in place, no copy. */
export function residentRows(e: Engine, set: { x: number; y: number; rows: number }): RowSource {
  const inBytes = e.spec.inputs * 4;
  const yBytes = e.labelTargets ? 4 : e.outputs * 4;
  let y = set.y;
  return {
    rows: set.rows,
    load(start) {
      y = set.y + start * yBytes;
      return set.x + start * inBytes;
    },
    targets: () => y,
  };
}
