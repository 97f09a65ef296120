// The page's side of a panel's Worker. `send` posts a message; `on(type, fn)` hears a message
// type as it arrives; `latest(type)` keeps only the newest message of a type, for drawing on
// the next animation frame (older ones are dropped: coalesced). Worker failures are reported
// through `onError` (the panel shows them), never swallowed.
import type { FromWorker, PanelId, ToWorker, WorkerFailure } from './protocol.js';

export class PanelWorker {
  private readonly worker: Worker;
  private readonly listeners = new Map<string, ((m: FromWorker) => void)[]>();
  private readonly newest = new Map<string, FromWorker>();
  private readonly coalesced = new Set<string>();
  onError: (failure: WorkerFailure) => void = (f) => console.error(`${this.panel} worker: ${f.name}: ${f.message}`);

  constructor(private readonly panel: PanelId) {
    this.worker = new Worker(new URL('./entry.ts', import.meta.url), { type: 'module', name: `descent-${panel}` });
    this.worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if (m.type === 'error') return this.onError(m as WorkerFailure);
      if (this.coalesced.has(m.type)) this.newest.set(m.type, m);
      for (const l of this.listeners.get(m.type) ?? []) l(m);
    });
    this.worker.addEventListener('error', (e) => this.onError({ type: 'error', name: 'WorkerError', message: e.message }));
  }

  send(type: string, fields: Record<string, unknown> = {}, transfer: Transferable[] = []): void {
    const message: ToWorker = { panel: this.panel, type, ...fields };
    this.worker.postMessage(message, transfer);
  }

  on<T = FromWorker>(type: string, listener: (m: T) => void): void {
    const list = this.listeners.get(type) ?? [];
    list.push(listener as unknown as (m: FromWorker) => void);
    this.listeners.set(type, list);
  }

  /** Keeps only the newest message of each of `types` for `take` (listeners still hear every one). */
  coalesce(...types: string[]): void {
    for (const t of types) this.coalesced.add(t);
  }

  /** The newest message of a coalesced `type` not yet taken, or null. */
  take<T = FromWorker>(type: string): T | null {
    const m = this.newest.get(type) ?? null;
    this.newest.delete(type);
    return m as T | null;
  }

  terminate(): void {
    this.worker.terminate();
  }
}
