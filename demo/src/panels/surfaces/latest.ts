// At most one request of a kind in flight: while the worker computes, further changes (a drag
// fires dozens a second) only mark the request stale, and one more is sent, with the state as
// it is then, when the answer arrives. The worker never builds a backlog; the page never
// waits for answers nobody will see.
export class LatestRequest {
  private busy = false;
  private stale = false;
  private req = 0;

  constructor(private readonly send: (req: number) => void) {}

  ask(): void {
    if (this.busy) {
      this.stale = true;
      return;
    }
    this.busy = true;
    this.send(++this.req);
  }

  /** Call with an answer's `req`; sends the follow-up if the state changed meanwhile. */
  settle(req: number): void {
    if (req !== this.req) return;
    this.busy = false;
    if (this.stale) {
      this.stale = false;
      this.ask();
    }
  }

  /** After a worker error: nothing is in flight any more. */
  reset(): void {
    this.busy = false;
    this.stale = false;
  }
}
