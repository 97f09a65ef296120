// Messages between a panel and its worker. Each panel runs its own Worker (the same script,
// worker/entry.ts); a message names its panel, the entry hands it to that panel's handler.
// Everything else in a message is the panel's own business (its worker.ts and panel.ts agree).
export type PanelId = 'playground' | 'flow' | 'surfaces' | 'race' | 'lr-range';

export interface ToWorker {
  panel: PanelId;
  type: string;
  [key: string]: unknown;
}

export interface FromWorker {
  type: string;
  [key: string]: unknown;
}

/** The worker side of the channel, as a handler sees it. */
export interface Port {
  post(message: FromWorker, transfer?: Transferable[]): void;
}

/** A panel's worker-side half: called with each message for that panel. */
export type Handler = (message: ToWorker, port: Port) => void | Promise<void>;

/** What the worker posts when a handler throws: the page shows it, nothing is lost silently. */
export interface WorkerFailure extends FromWorker {
  type: 'error';
  name: string;
  message: string;
  /** The descent error's path (options.optimizer.lr …) when there is one. */
  path?: string;
}
