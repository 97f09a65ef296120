// Data-parallel training threads. Each batch is cut into contiguous shards, one per thread;
// this thread runs shard 0 while the workers run theirs, each a one-call training pass over
// the shared memory with its own descriptor, activations and gradients. Then the threads sum
// every shard's gradients into this thread's, in thread order (g0 + g1 + …, per element what
// adding each worker's in turn gives), so a run is deterministic, the same bit for bit however
// the work falls, and within f32 rounding of one thread. A training step then shares its update
// too: the threads run the optimizer kernel over the parameters — at once, chunk by chunk right
// after each chunk's sum, when nothing reads the whole gradient first; else after this thread's
// guard and clipping, the workers waiting for its go — each having first claimed the chunk's
// cache lines, which every pass read. The parameters are cut into chunks of CHUNK_VALUES (a
// multiple of 16, so each value takes the same SIMD lane or scalar tail as in one call over
// all). Each thread has an equal share of them, the same every step (so its parameters' and
// moments' lines stay in its core's cache), which it takes chunk by chunk from a counter of
// its own — and when its share is done, takes what is left of the others' from theirs: a
// thread that is late (its core busy with other work, its pass a little longer) is helped,
// instead of the others waiting for it. A network under SPLIT_MIN_PARAMS parameters is one
// chunk, this thread's: the workers only run their passes.
// Coordination is by Atomics on words of the shared memory — never a message per step — and a
// waiting thread spins a bounded while before it sleeps, since waking a sleeping thread costs
// tens of microseconds, a large part of a small batch's step. The control words:
//   [0] job sequence number (bumped to start a pass)  [1] workers done  [2] stop flag
//   [3] set when a pass threw  [4] workers started  [5] passes finished (this thread's too)
//   [6] workers that finished their sums  [7] the job whose update may start  [8] the job shares
//   its update  [9] the update's kernel (an index into OPTIMIZERS; −1: none)  [10] spin bound
//   [11] threads  [12–16] parameters, state slots 0–2, hyper-parameters  [19] the job updates
//   each chunk as it is summed  [20] parameters  [21] values a chunk  [22] the workers share
//   the sums and updates
//   then per thread t (0: this one): its descriptor, its gradients, its share's first chunk,
//   and the next chunk of its share to sum and to update.
// A thread that may not block (a browser's main thread) waits with Atomics.waitAsync: only
// the async fit can train there, and it keeps the update on this thread.
import type { Engine, ParallelPasses } from './engine.js';
import { CONTROL_HEADER_WORDS, CONTROL_ROW_WORDS } from './memory-plan.js';
import { StateError } from '../errors.js';
import type { OptimizerState } from '../optim/optimizer.js';
import { OPTIMIZERS } from '../optim/rules.js';
import type { OptimizerType, WorkerSpawner } from '../types.js';
import type { StepKernel } from '../wasm/kernels.js';

const SEQ = 0, DONE = 1, STOP = 2, FAILED = 3, READY = 4, PASSED = 5, SUMMED = 6, GO = 7, SHARES = 8, KERNEL = 9, SPIN = 10, THREADS = 11;
const PARAMS = 12, SLOT0 = 13, SLOT1 = 14, SLOT2 = 15, HP = 16;
const DIRECT = 19, PARAM_COUNT = 20, CHUNK = 21, SPLIT = 22;
const ROW_DESC = 0, ROW_GRADS = 1, ROW_FIRST = 2, ROW_NEXT_SUM = 3, ROW_NEXT_UPDATE = 4;
/** A pass still unfinished after this many one-second waits means a worker is gone, not slow. */
const WORKER_TIMEOUT_S = 120;
/**
 * Most reads of a word a waiting thread makes before it sleeps (about 7 ns each here: ~150 µs),
 * more than the gap between two steps' passes, so a training worker is still awake when the
 * next one starts; an idle pool sleeps after that.
 */
const SPIN_READS = 20_000;
/** How often a thread that has stopped spinning tries again (see ThreadPool.budget). */
const PROBE_EVERY = 32;
/**
 * Fewer parameters than this stay one slice, this thread's: then a worker only runs its pass, as
 * splitting would save less work (~0.45 ns a parameter) than a step's extra hand-overs cost when
 * the threads cannot spin (tens of µs each on a busy machine).
 */
const SPLIT_MIN_PARAMS = 32_768;
/** Slices start at multiples of this many values: a cache line, and the kernels' widest step. */
/**
 * Values a chunk of the shared sum and update (a multiple of 16): ~8 µs of Adam here, fine
 * enough that a late thread costs the others little, coarse enough that taking one (an atomic
 * add on a line both cores write) is a small part of it.
 */
const CHUNK_VALUES = 8192;

/** What every worker runs: say it started, then wait for a job, run its pass, sum its slice (and update it), report, repeat. */
// A worker that cannot instantiate still answers every job (as failed), so no step hangs on it.
// Written compactly: a string is shipped as is, not minified.
export const WORKER_SOURCE = `function run({module,memory,desc,control}){
let c=new Int32Array(memory.buffer,control,${CONTROL_HEADER_WORDS});const n=c[${THREADS}];
c=new Int32Array(memory.buffer,control,${CONTROL_HEADER_WORDS}+n*${CONTROL_ROW_WORDS});let k=null,s=0,t=1;
try{k=new WebAssembly.Instance(module,{env:{memory,abort(){throw new Error('abort')}}}).exports}catch{}
while(t<n&&c[${CONTROL_HEADER_WORDS}+t*${CONTROL_ROW_WORDS}+${ROW_DESC}]!==desc)t++;
const row=(u,i)=>c[${CONTROL_HEADER_WORDS}+u*${CONTROL_ROW_WORDS}+i],g=row(0,${ROW_GRADS}),P=c[${PARAM_COUNT}],C=c[${CHUNK}],split=c[${SPLIT}];
const steps=k?${JSON.stringify(OPTIMIZERS)}.map(r=>k[r+'Step']):[];
const sum=(o,m)=>{for(let u=1;u<n;u++)k.addF32(g+o,row(u,${ROW_GRADS})+o,m)};
const upd=(q,o,m)=>{const p=c[${PARAMS}];k.claimLines(p+o,m);steps[q](p+o,g+o,c[${SLOT0}]+o,c[${SLOT1}]+o,c[${SLOT2}]+o,m,c[${HP}])};
const T=Math.ceil(P/C),last=u=>u+1<n?row(u+1,${ROW_FIRST}):T;
const chunks=(w,f)=>{for(let j=0;j<n;j++){const u=(t+j)%n,e=last(u);for(let i;(i=Atomics.add(c,${CONTROL_HEADER_WORDS}+u*${CONTROL_ROW_WORDS}+w,1))<e;)f(i*C*4,Math.min(C,P-i*C))}};
let b=1<<30,p=0;const idle=(i,v)=>{const top=Atomics.load(c,${SPIN});let m=b<top?b:top;if(m===0&&++p>=${PROBE_EVERY}){p=0;m=top>>3}
for(let j=m;j>0;j--)if(Atomics.load(c,i)!==v){b=Math.min(top,m*2);return}b=m>top>>3?m>>1:0;Atomics.wait(c,i,v)};
const go=()=>{for(let v;(v=Atomics.load(c,${GO}))!==s;)idle(${GO},v);return Atomics.load(c,${KERNEL})};
Atomics.add(c,${READY},1);Atomics.notify(c,${READY});
for(;;){while(Atomics.load(c,${SEQ})===s)idle(${SEQ},s);s=Atomics.load(c,${SEQ});if(Atomics.load(c,${STOP}))break;
try{k.trainPass(desc)}catch{Atomics.store(c,${FAILED},1)}
Atomics.add(c,${PASSED},1);Atomics.notify(c,${PASSED});
if(split){for(let v;(v=Atomics.load(c,${PASSED}))<n;)idle(${PASSED},v);
if(!Atomics.load(c,${FAILED})){if(Atomics.load(c,${DIRECT})){const q=go();chunks(${ROW_NEXT_SUM},(o,m)=>{sum(o,m);if(q>=0)upd(q,o,m)})}
else{chunks(${ROW_NEXT_SUM},sum);if(Atomics.load(c,${SHARES})){Atomics.add(c,${SUMMED},1);Atomics.notify(c,${SUMMED});const q=go();if(q>=0)chunks(${ROW_NEXT_UPDATE},(o,m)=>upd(q,o,m))}}}}
Atomics.add(c,${DONE},1);Atomics.notify(c,${DONE})}}
`;

type WaitAsync = (view: Int32Array, index: number, value: number, timeout: number) => { async: boolean; value: Promise<string> | string };

/** Where the job `begin` started stands: over, running (until `end`), or waiting for `update`. */
const IDLE = 0, RUNNING = 1, AWAITING_UPDATE = 2;

export class ThreadPool implements ParallelPasses {
  private readonly handles: { terminate(): unknown }[];
  private readonly ctl: Int32Array;
  /** Whether this thread may call Atomics.wait (browsers forbid it on the main thread). */
  readonly canBlock: boolean;
  /** Values a chunk of the sum and update (all of them when the workers do not share it). */
  private readonly chunk: number;
  /** Workers that share the sums and updates (the others report their pass and are done). */
  private readonly summers: number;
  /** Each rule's kernel, in OPTIMIZERS order, and a rule's index there. */
  private readonly stepKernels: StepKernel[];
  private readonly kernelIndex: Readonly<Record<OptimizerType, number>>;
  private seq = 0;
  private state = IDLE;
  /**
   * Reads the next wait spins for before it sleeps. Halved whenever a wait ends up asleep
   * anyway — the thread it waits for is off the CPU: a busy machine, where a spin only takes
   * CPU from it (the threads of a process share their scheduling group's) — and dropped to none
   * below an eighth of the bound; then every PROBE_EVERY-th wait spins an eighth of it again.
   * Doubled, up to the bound, when a spin succeeds. Workers keep their own the same way.
   */
  private budget = SPIN_READS;
  /** Waits that slept without spinning since the last probe. */
  private sleeps = 0;
  /** Whether the current job shares its update, and whether it updates each chunk as it is summed. */
  private shares = false;
  private direct = false;
  /**
   * Whether the current job runs on this thread alone: a batch of fewer rows than threads
   * leaves some worker none, and the hand-overs then cost more than the split saves (batch 1
   * on 2 threads: 2,680 samples/s against one thread's 3,323 on the MLP). Its results are
   * then exactly one thread's.
   */
  private local = false;

  constructor(private readonly e: Engine, module: WebAssembly.Module, spawn: WorkerSpawner) {
    const threads = e.threads;
    this.ctl = new Int32Array(e.memory.buffer, e.control, CONTROL_HEADER_WORDS + threads * CONTROL_ROW_WORDS);
    this.canBlock = probeBlocking(this.ctl);
    const ctl = this.ctl;
    ctl[THREADS] = threads;
    ctl[SPIN] = SPIN_READS;
    ctl[KERNEL] = -1;
    [ctl[PARAMS], ctl[SLOT0], ctl[SLOT1], ctl[SLOT2], ctl[HP]] = [e.params, ...e.slots, e.hp];
    for (let t = 0; t < threads; t++) {
      const row = CONTROL_HEADER_WORDS + t * CONTROL_ROW_WORDS;
      ctl[row + ROW_DESC] = t === 0 ? e.desc : e.workers[t - 1].desc;
      ctl[row + ROW_GRADS] = t === 0 ? e.grads : e.workers[t - 1].grads;
    }
    // A small network is one chunk, this thread's: a worker reports its pass and is done.
    const split = e.paramCount >= SPLIT_MIN_PARAMS;
    this.chunk = split ? CHUNK_VALUES : Math.max(e.paramCount, 1);
    this.summers = split ? threads - 1 : 0;
    ctl[PARAM_COUNT] = e.paramCount;
    ctl[CHUNK] = this.chunk;
    ctl[SPLIT] = split ? 1 : 0;
    const chunks = Math.ceil(e.paramCount / this.chunk);
    const share = Math.ceil(chunks / threads);
    for (let t = 0; t < threads; t++) ctl[CONTROL_HEADER_WORDS + t * CONTROL_ROW_WORDS + ROW_FIRST] = split ? Math.min(t * share, chunks) : t === 0 ? 0 : chunks;
    this.stepKernels = OPTIMIZERS.map((r) => e.k[`${r}Step`]);
    this.kernelIndex = Object.fromEntries(OPTIMIZERS.map((r, i) => [r, i])) as Record<OptimizerType, number>;
    // The words above are in place before any worker can read them.
    this.handles = e.workers.map((t) => spawn(WORKER_SOURCE, { module, memory: e.memory, desc: t.desc, control: e.control }));
    e.parallel = this;
  }

  /** Reads of a word before a waiting thread sleeps (0: sleep at once); for measurements. */
  get spin(): number {
    return this.ctl[SPIN];
  }

  set spin(reads: number) {
    Atomics.store(this.ctl, SPIN, reads);
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
    this.begin(x, y, rows, false);
    this.end();
  }

  /**
   * Starts the workers on their shards and runs shard 0 here; `end` completes the pass. With
   * `sharesUpdate` (threads that can block only), the workers then wait for `update` — or,
   * with `direct` too (nothing reads the whole gradient before the update), apply it in `end`.
   */
  begin(x: number, y: number, rows: number, sharesUpdate = false, direct = false): void {
    const e = this.e;
    if (this.state !== IDLE) this.finishJob();
    const threads = e.threads;
    this.shares = sharesUpdate && this.canBlock;
    this.direct = this.shares && direct;
    this.local = rows < threads;
    if (this.local) {
      e.trainShard(x, y, rows, rows);
      this.state = RUNNING;
      return;
    }
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
    Atomics.store(ctl, PASSED, 0);
    Atomics.store(ctl, SUMMED, 0);
    Atomics.store(ctl, KERNEL, -1);
    Atomics.store(ctl, SHARES, this.shares ? 1 : 0);
    Atomics.store(ctl, DIRECT, this.direct ? 1 : 0);
    for (let t = 0; t < threads; t++) {
      const row = CONTROL_HEADER_WORDS + t * CONTROL_ROW_WORDS;
      Atomics.store(ctl, row + ROW_NEXT_SUM, ctl[row + ROW_FIRST]);
      Atomics.store(ctl, row + ROW_NEXT_UPDATE, ctl[row + ROW_FIRST]);
    }
    this.seq = (Atomics.add(ctl, SEQ, 1) + 1) | 0;
    Atomics.notify(ctl, SEQ);
    this.state = RUNNING;
    let passed = false;
    try {
      e.trainShard(x, y, base + (extra > 0 ? 1 : 0), rows);
      passed = true;
    } finally {
      // A pass that threw here must not leave the workers waiting for it: they skip the rest.
      if (!passed) Atomics.store(ctl, FAILED, 1);
      Atomics.add(ctl, PASSED, 1);
      Atomics.notify(ctl, PASSED);
    }
  }

  /** Whether `end` would not wait for the workers. */
  get workersDone(): boolean {
    return this.local || Atomics.load(this.ctl, this.shares ? SUMMED : DONE) >= this.e.threads - 1;
  }

  /** Resolves when `end` would not wait for the workers, without blocking this thread. */
  async workersSettled(): Promise<void> {
    if (this.local) return;
    await this.settle(this.shares ? SUMMED : DONE, 'finish its shard');
  }

  /**
   * Waits (blocking) for every pass, then sums the gradients chunk by chunk with the workers,
   * and adds their losses to this thread's: afterwards the engine's gradients hold the whole
   * batch's. A job begun with `sharesUpdate` then waits for `update` — or, begun `direct` and
   * given `optimizer`, applies its update here, each chunk right after its sum, the workers
   * doing the same with the chunks they take, without a further handshake.
   */
  end(optimizer: OptimizerState | null = null): void {
    const e = this.e;
    const ctl = this.ctl;
    const workers = e.threads - 1;
    if (this.local) {
      if (this.direct) optimizer?.apply();
      this.state = this.shares && !this.direct ? AWAITING_UPDATE : IDLE;
      return;
    }
    // Workers that share no sums are done once their pass is: one wait for both.
    if (this.summers > 0) this.waitFor(PASSED, e.threads);
    else this.waitFor(DONE, workers);
    if (Atomics.load(ctl, FAILED)) {
      // The workers skip the rest of a failed job; none is left waiting for `update`.
      this.waitFor(DONE, workers);
      this.state = IDLE;
      throw new StateError('a training worker thread failed during its pass; the step was not applied', 'threads', e.threads);
    }
    this.takeChunks(ROW_NEXT_SUM, this.direct ? this.release(optimizer) : -1, true);
    e.reduceWorkers();
    if (this.shares && !this.direct) {
      this.waitFor(SUMMED, this.summers);
      this.state = AWAITING_UPDATE;
    } else {
      this.waitFor(DONE, workers);
      this.state = IDLE;
    }
  }

  /**
   * The shared update of a job begun with `sharesUpdate` (not `direct`), after `end`: counts
   * the optimizer's step and writes its hyper-parameters, then the threads run its kernel over
   * the chunks. With `optimizer` null the step is not applied (the guard refused it, or it ran
   * here whole): the workers are released without an update.
   */
  update(optimizer: OptimizerState | null): void {
    if (this.state !== AWAITING_UPDATE) throw new StateError('no threaded step is waiting for its update', 'threads', this.e.threads);
    if (this.local) {
      optimizer?.apply();
      this.state = IDLE;
      return;
    }
    const kernel = this.release(optimizer);
    if (kernel >= 0) this.takeChunks(ROW_NEXT_UPDATE, kernel, false);
    this.waitFor(DONE, this.e.threads - 1);
    this.state = IDLE;
  }

  /** Lets the workers go on to the update (none without `optimizer`), its step counted and written; returns the kernel's index (−1: none). */
  private release(optimizer: OptimizerState | null): number {
    const ctl = this.ctl;
    const kernel = optimizer === null ? -1 : this.kernelIndex[optimizer.options.type];
    if (optimizer !== null) optimizer.writeStep();
    Atomics.store(ctl, KERNEL, kernel);
    Atomics.store(ctl, GO, this.seq);
    Atomics.notify(ctl, GO);
    return kernel;
  }

  /**
   * Takes chunks (counter `next` of each thread's row: this thread's share first, then what is
   * left of the others') until none is left: sums each (`sum`) over every shard's gradients,
   * then runs `kernel` (−1: none) over it, its parameters' lines claimed first (the other
   * threads read them in their passes: taking them back for writing in one sweep costs less
   * than the update meeting them one by one, 2–6% a step here).
   */
  private takeChunks(next: number, kernel: number, sum: boolean): void {
    const e = this.e;
    const ctl = this.ctl;
    const size = this.chunk;
    const total = e.paramCount;
    const threads = e.threads;
    const chunks = Math.ceil(total / size);
    for (let u = 0; u < threads; u++) {
      const row = CONTROL_HEADER_WORDS + u * CONTROL_ROW_WORDS;
      const end = u + 1 < threads ? ctl[row + CONTROL_ROW_WORDS + ROW_FIRST] : chunks;
      for (let i = Atomics.add(ctl, row + next, 1); i < end; i = Atomics.add(ctl, row + next, 1)) {
        const count = Math.min(size, total - i * size);
        const o = i * size * 4;
        if (sum) for (let w = 0; w < threads - 1; w++) e.k.addF32(e.grads + o, e.workers[w].grads + o, count);
        if (kernel >= 0) {
          e.k.claimLines(e.params + o, count);
          this.stepKernels[kernel](e.params + o, e.grads + o, e.slots[0] + o, e.slots[1] + o, e.slots[2] + o, count, e.hp);
        }
      }
    }
  }

  /** Ends a job left unfinished (its step threw midway): releases workers waiting for an update, without one, and waits for them. */
  private finishJob(): void {
    const ctl = this.ctl;
    if (this.local) {
      this.state = IDLE;
      return;
    }
    Atomics.store(ctl, KERNEL, -1);
    Atomics.store(ctl, GO, this.seq);
    Atomics.notify(ctl, GO);
    if (this.canBlock) this.waitFor(DONE, this.e.threads - 1);
    else spinUntil(ctl, DONE, this.e.threads - 1);
    this.state = IDLE;
  }

  /** Waits until control word `index` reaches `target`: a bounded spin (see `budget`), then Atomics.wait. */
  private waitFor(index: number, target: number): void {
    const ctl = this.ctl;
    let v = Atomics.load(ctl, index);
    if (v >= target) return;
    const top = Atomics.load(ctl, SPIN);
    let reads = this.budget < top ? this.budget : top;
    if (reads === 0 && ++this.sleeps >= PROBE_EVERY) {
      this.sleeps = 0;
      reads = top >> 3;
    }
    for (let j = reads; v < target && j > 0; j--) v = Atomics.load(ctl, index);
    if (v >= target) {
      this.budget = Math.min(top, reads * 2);
      return;
    }
    this.budget = reads > top >> 3 ? reads >> 1 : 0;
    let waits = 0;
    while (v < target) {
      if (!this.canBlock) throw new StateError('this thread cannot block to wait for its training workers (a browser main thread): use the async fit(), or run descent in a Worker', 'threads', this.e.threads);
      if (Atomics.wait(ctl, index, v, 1000) === 'timed-out' && ++waits >= WORKER_TIMEOUT_S) throw timedOut('finish its shard', this.e.threads);
      v = Atomics.load(ctl, index);
    }
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
    const ctl = this.ctl;
    Atomics.store(ctl, STOP, 1);
    // A worker waiting for an update is let go first; then every worker sees the stop.
    Atomics.store(ctl, KERNEL, -1);
    Atomics.store(ctl, GO, this.seq);
    Atomics.notify(ctl, GO);
    Atomics.add(ctl, SEQ, 1);
    Atomics.notify(ctl, SEQ);
    for (const h of this.handles) h.terminate();
  }
}

/** Busy-waits (a thread that may not block) until control word `index` reaches `target`; workers that skip a job's rest get there within a pass. */
function spinUntil(ctl: Int32Array, index: number, target: number): void {
  const started = Date.now();
  while (Atomics.load(ctl, index) < target) {
    if (Date.now() - started > WORKER_TIMEOUT_S * 1000) throw timedOut('finish its shard', ctl[THREADS]);
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
