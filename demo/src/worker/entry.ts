// The demo's module Worker: the page never trains on its own thread. One script for every
// panel; each panel starts its own instance, and messages are routed by `panel` to that
// panel's handler. A handler's error is posted back as { type: 'error' } rather than lost.
import type { FromWorker, Handler, PanelId, Port, ToWorker, WorkerFailure } from './protocol.js';
import { playground } from '../panels/playground/worker.js';
import { flow } from '../panels/flow/worker.js';
import { surfaces } from '../panels/surfaces/worker.js';
import { race } from '../panels/race/worker.js';
import { lrRange } from '../panels/lr-range/worker.js';

const handlers: Record<PanelId, Handler> = { playground, flow, surfaces, race, 'lr-range': lrRange };

const port: Port = {
  post: (message: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(message, transfer),
};

function fail(err: unknown): void {
  const e = err as { name?: string; message?: string; path?: string };
  const failure: WorkerFailure = { type: 'error', name: e?.name ?? 'Error', message: e?.message ?? String(err), ...(typeof e?.path === 'string' ? { path: e.path } : {}) };
  port.post(failure);
}

self.addEventListener('message', (event: MessageEvent<ToWorker>) => {
  const handler = handlers[event.data.panel];
  if (!handler) return fail(new Error(`no worker handler for panel ${String(event.data.panel)}`));
  try {
    const done = handler(event.data, port);
    if (done instanceof Promise) done.catch(fail);
  } catch (err) {
    fail(err);
  }
});
