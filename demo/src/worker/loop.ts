// Training at full speed inside a Worker without going deaf: steps run in slices of about
// `sliceMs`, then the loop yields through a MessageChannel turn (setTimeout would clamp to
// 4 ms) so the page's messages (pause, a new learning rate) are handled between slices. After
// each slice `publish` runs at most every `publishMs`: the page draws the latest state only.
/** Steps between clock reads at full speed. */
const CLOCK_EVERY = 16;

export interface LoopOptions {
  /** One step; return false to stop the loop (a finished or diverged run). */
  step(): boolean;
  /** Posts the current state to the page. */
  publish(): void;
  sliceMs?: number;
  publishMs?: number;
}

export class Loop {
  private playing = false;
  private scheduled = false;
  private lastPublish = 0;
  /** Steps per second when throttled; Infinity = full speed. */
  stepsPerSecond = Infinity;
  private readonly channel = new MessageChannel();
  private budget = 0;
  private lastTick = 0;
  /** Steps between clock reads at full speed (fewer for slow steps). */
  private perClock = CLOCK_EVERY;

  constructor(private readonly o: LoopOptions) {
    this.channel.port1.onmessage = () => this.tick();
  }

  get running(): boolean {
    return this.playing;
  }

  play(): void {
    if (this.playing) return;
    this.playing = true;
    this.lastTick = performance.now();
    this.budget = 0;
    this.schedule();
  }

  pause(): void {
    this.playing = false;
    this.o.publish();
  }

  /** Runs `n` steps now (the step buttons), then publishes. */
  stepNow(n: number): void {
    for (let i = 0; i < n; i++) if (!this.o.step()) break;
    this.o.publish();
    this.lastPublish = performance.now();
  }

  private schedule(): void {
    if (this.scheduled || !this.playing) return;
    this.scheduled = true;
    if (Number.isFinite(this.stepsPerSecond)) setTimeout(() => { this.scheduled = false; this.tick(); }, 16);
    else this.channel.port2.postMessage(0);
  }

  private tick(): void {
    this.scheduled = false;
    if (!this.playing) return;
    const start = performance.now();
    const slice = this.o.sliceMs ?? 12;
    let go = true;
    if (Number.isFinite(this.stepsPerSecond)) {
      this.budget = Math.min(this.budget + ((start - this.lastTick) / 1000) * this.stepsPerSecond, Math.max(1, this.stepsPerSecond / 10));
      while (go && this.budget >= 1 && performance.now() - start < slice) {
        go = this.o.step();
        this.budget--;
      }
    } else {
      // The clock is read every CLOCK_EVERY steps: a tiny net's step takes a few µs, and a
      // performance.now() per step cost a measurable share of it. A net whose step takes
      // milliseconds (a CNN) reads it about every millisecond instead, so a slice stays a slice.
      let at = start;
      while (go && at - start < slice) {
        let n = 0;
        for (; go && n < this.perClock; n++) go = this.o.step();
        const now = performance.now();
        this.perClock = Math.max(1, Math.min(CLOCK_EVERY, Math.floor(n / Math.max(1e-3, now - at))));
        at = now;
      }
    }
    this.lastTick = start;
    const now = performance.now();
    if (!go || now - this.lastPublish >= (this.o.publishMs ?? 30)) {
      this.o.publish();
      this.lastPublish = now;
    }
    if (!go) {
      this.playing = false;
      return;
    }
    this.schedule();
  }
}
