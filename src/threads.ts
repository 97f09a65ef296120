// Data-parallel training threads. Each batch is cut into contiguous shards, one per thread;
// this thread runs shard 0 while the workers run theirs, each a one-call training pass over
// the shared memory with its own descriptor, activations and gradients. The workers'
// gradients and losses are then added to this thread's in thread order, so a run is
// deterministic and within f32 rounding of one thread. Coordination is by Atomics on four
// words of the shared memory — never a message per step:
//   [0] job sequence number (bumped to start a pass)  [1] workers done  [2] stop flag
//   [3] set by a worker whose pass threw
import type { Engine } from './engine.js';
import { StateError } from './errors.js';

const SEQ = 0, DONE = 1, STOP = 2, FAILED = 3;
/** A pass still unfinished after this many one-second waits means a worker is gone, not slow. */
const WORKER_TIMEOUT_S = 120;

/** Starts a worker running `source` (CommonJS, Node worker_threads) with `data`. */
export type WorkerSpawner = (source: string, data: unknown) => { terminate(): unknown };

/** What every worker runs: wait for a job, run its pass, report, repeat. */
export const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, desc, control } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('abort'); } } }).exports;
const ctl = new Int32Array(memory.buffer, control, 4);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${SEQ}, seen);
  seen = Atomics.load(ctl, ${SEQ});
  if (Atomics.load(ctl, ${STOP})) break;
  try { k.trainPass(desc); } catch { Atomics.store(ctl, ${FAILED}, 1); }
  Atomics.add(ctl, ${DONE}, 1);
  Atomics.notify(ctl, ${DONE});
}
`;

export class ThreadPool {
  private readonly handles: { terminate(): unknown }[];
  private readonly ctl: Int32Array;

  constructor(private readonly e: Engine, module: WebAssembly.Module, spawn: WorkerSpawner) {
    this.ctl = new Int32Array(e.memory.buffer, e.control, 4);
    this.handles = e.workers.map((t) => spawn(WORKER_SOURCE, { module, memory: e.memory, desc: t.desc, control: e.control }));
    e.parallel = this;
  }

  /**
   * One training pass over `rows` rows at x / y split across the threads: afterwards the
   * engine's gradients and loss slot hold the whole batch's, as a single-thread pass leaves them.
   */
  trainPass(x: number, y: number, rows: number): void {
    const e = this.e;
    const threads = e.threads;
    const base = Math.floor(rows / threads);
    const extra = rows % threads;
    const inBytes = e.spec.inputs * 4;
    const yBytes = e.labelTargets ? 4 : e.outputs * 4;
    const w = e.i32;
    // Shard t: `base` rows, one more for the first `extra` threads; shard 0 is this thread's.
    let start = base + (extra > 0 ? 1 : 0);
    for (let t = 1; t < threads; t++) {
      const count = base + (t < extra ? 1 : 0);
      const d = e.workers[t - 1].desc >> 2;
      w[d + 2] = count;
      w[d + 3] = rows;
      w[d + 4] = x + start * inBytes;
      w[d + 5] = y + start * yBytes;
      start += count;
    }
    const ctl = this.ctl;
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, FAILED, 0);
    Atomics.add(ctl, SEQ, 1);
    Atomics.notify(ctl, SEQ);
    e.trainShard(x, y, base + (extra > 0 ? 1 : 0), rows);
    let waits = 0;
    for (let done = Atomics.load(ctl, DONE); done < threads - 1; done = Atomics.load(ctl, DONE)) {
      if (Atomics.wait(ctl, DONE, done, 1000) === 'timed-out' && ++waits >= WORKER_TIMEOUT_S) {
        throw new StateError(`a training worker thread did not finish its shard within ${WORKER_TIMEOUT_S} s; the step was not applied`, 'threads', threads);
      }
    }
    if (Atomics.load(ctl, FAILED)) throw new StateError('a training worker thread failed during its pass; the step was not applied', 'threads', threads);
    e.reduceWorkers();
  }

  /** Stops and ends the workers. */
  dispose(): void {
    Atomics.store(this.ctl, STOP, 1);
    Atomics.add(this.ctl, SEQ, 1);
    Atomics.notify(this.ctl, SEQ);
    for (const h of this.handles) h.terminate();
  }
}
