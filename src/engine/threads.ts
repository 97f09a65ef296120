// Data-parallel training threads. Each batch is cut into contiguous shards, one per thread;
// this thread runs shard 0 while the workers run theirs, each a one-call training pass over
// the shared memory with its own descriptor, activations and gradients. The workers'
// gradients and losses are then added to this thread's in thread order, so a run is
// deterministic and within f32 rounding of one thread. Coordination is by Atomics on words
// of the shared memory — never a message per step:
//   [0] job sequence number (bumped to start a pass)  [1] workers done  [2] stop flag
//   [3] set by a worker whose pass threw  [4] workers started
// A thread that may not block (a browser's main thread) waits with Atomics.waitAsync: only
// the async fit can train there.
import type { Engine, ParallelPasses } from './engine.js';
import { StateError } from '../errors.js';
import type { WorkerSpawner } from '../types.js';

const SEQ = 0, DONE = 1, STOP = 2, FAILED = 3, READY = 4;
/** A pass still unfinished after this many one-second waits means a worker is gone, not slow. */
const WORKER_TIMEOUT_S = 120;

/** What every worker runs: say it started, then wait for a job, run its pass, report, repeat. */
// A worker that cannot instantiate still answers every job (as failed), so no step hangs on it.
// Written compactly: a string is shipped as is, not minified.
export const WORKER_SOURCE = `function run({module,memory,desc,control}){
const c=new Int32Array(memory.buffer,control,8);let k=null,s=0;
try{k=new WebAssembly.Instance(module,{env:{memory,abort(){throw new Error('abort')}}}).exports}catch{}
Atomics.add(c,${READY},1);Atomics.notify(c,${READY});
for(;;){Atomics.wait(c,${SEQ},s);s=Atomics.load(c,${SEQ});if(Atomics.load(c,${STOP}))break;
try{k.trainPass(desc)}catch{Atomics.store(c,${FAILED},1)}
Atomics.add(c,${DONE},1);Atomics.notify(c,${DONE})}}
`;

type WaitAsync = (view: Int32Array, index: number, value: number, timeout: number) => { async: boolean; value: Promise<string> | string };

export class ThreadPool implements ParallelPasses {
  private readonly handles: { terminate(): unknown }[];
  private readonly ctl: Int32Array;
  /** Whether this thread may call Atomics.wait (browsers forbid it on the main thread). */
  readonly canBlock: boolean;

  constructor(private readonly e: Engine, module: WebAssembly.Module, spawn: WorkerSpawner) {
    this.ctl = new Int32Array(e.memory.buffer, e.control, 8);
    this.canBlock = probeBlocking(this.ctl);
    this.handles = e.workers.map((t) => spawn(WORKER_SOURCE, { module, memory: e.memory, desc: t.desc, control: e.control }));
    e.parallel = this;
  }

  /** Resolves once every worker has started (browsers start Workers only while this thread is idle). */
  async started(): Promise<void> {
    await this.settle(READY, 'start');
  }

  /**
   * One training pass over `rows` rows at x / y split across the threads: afterwards the
   * engine's gradients and loss slot hold the whole batch's, as a single-thread pass leaves them.
   */
  trainPass(x: number, y: number, rows: number): void {
    this.begin(x, y, rows);
    this.end();
  }

  /** Starts the workers on their shards and runs shard 0 here; `end` completes the pass. */
  begin(x: number, y: number, rows: number): void {
    const e = this.e;
    const threads = e.threads;
    const base = Math.floor(rows / threads);
    const extra = rows % threads;
    const inBytes = e.spec.inputs * 4;
    const yBytes = e.labelTargets ? 4 : e.outputs * 4;
    // Shard t: `base` rows, one more for the first `extra` threads; shard 0 is this thread's.
    let start = base + (extra > 0 ? 1 : 0);
    for (let t = 1; t < threads; t++) {
      const count = base + (t < extra ? 1 : 0);
      e.setWorkerShard(t, x + start * inBytes, y + start * yBytes, count, rows, start);
      start += count;
    }
    const ctl = this.ctl;
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, FAILED, 0);
    Atomics.add(ctl, SEQ, 1);
    Atomics.notify(ctl, SEQ);
    e.trainShard(x, y, base + (extra > 0 ? 1 : 0), rows);
  }

  /** Whether every worker has finished the pass `begin` started. */
  get workersDone(): boolean {
    return Atomics.load(this.ctl, DONE) >= this.e.threads - 1;
  }

  /** Resolves when the workers have finished the current pass, without blocking this thread. */
  async workersSettled(): Promise<void> {
    await this.settle(DONE, 'finish its shard');
  }

  /** Waits (blocking) for the workers, then adds their gradients and losses to this thread's. */
  end(): void {
    const ctl = this.ctl;
    const workers = this.e.threads - 1;
    let waits = 0;
    for (let done = Atomics.load(ctl, DONE); done < workers; done = Atomics.load(ctl, DONE)) {
      if (!this.canBlock) throw new StateError('this thread cannot block to wait for its training workers (a browser main thread): use the async fit(), or run descent in a Worker', 'threads', this.e.threads);
      if (Atomics.wait(ctl, DONE, done, 1000) === 'timed-out' && ++waits >= WORKER_TIMEOUT_S) throw timedOut('finish its shard', this.e.threads);
    }
    if (Atomics.load(ctl, FAILED)) throw new StateError('a training worker thread failed during its pass; the step was not applied', 'threads', this.e.threads);
    this.e.reduceWorkers();
  }

  /** Resolves once control word `index` counts every worker (Atomics.waitAsync where it exists, else polling). */
  private async settle(index: number, what: 'start' | 'finish its shard'): Promise<void> {
    const ctl = this.ctl;
    const workers = this.e.threads - 1;
    const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
    const started = Date.now();
    // A pending waitAsync does not keep Node's event loop alive (and the workers are unref'd): a timer does.
    const keepAlive = setInterval(() => {}, 1000);
    try {
      for (let n = Atomics.load(ctl, index); n < workers; n = Atomics.load(ctl, index)) {
        if (Date.now() - started > WORKER_TIMEOUT_S * 1000) throw timedOut(what, this.e.threads);
        if (waitAsync) {
          const r = waitAsync(ctl, index, n, 1000);
          if (r.async) await r.value;
        } else {
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Stops and ends the workers. */
  dispose(): void {
    Atomics.store(this.ctl, STOP, 1);
    Atomics.add(this.ctl, SEQ, 1);
    Atomics.notify(this.ctl, SEQ);
    for (const h of this.handles) h.terminate();
  }
}

function timedOut(what: 'start' | 'finish its shard', threads: number): StateError {
  const consequence = what === 'start' ? '' : '; the step was not applied';
  return new StateError(`a training worker thread did not ${what} within ${WORKER_TIMEOUT_S} s${consequence}`, 'threads', threads);
}

/** Atomics.wait on a word that does not hold the value returns at once where blocking is allowed, and throws where it is not. */
function probeBlocking(ctl: Int32Array): boolean {
  try {
    Atomics.wait(ctl, STOP, 1, 0);
    return true;
  } catch {
    return false;
  }
}
