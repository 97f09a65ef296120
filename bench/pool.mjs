// Starting implementation processes and calling them: request/response over IPC with the
// 'advanced' serialization, so Float32Array parameters arrive as typed arrays.
import { fork } from 'node:child_process';
import { pin } from './pin.mjs';

const WORKER = new URL('./worker.mjs', import.meta.url);

/**
 * Starts `worker.mjs impl variant` and resolves once it has loaded its implementation;
 * `pinned`: on one CPU (pin.mjs), reported back as `pinned` (false where pinning failed).
 */
export function startWorker({ impl, variant, execArgv = [], pinned = false }) {
  return new Promise((resolve, reject) => {
    // Worker stdout is dropped: tfjs prints a "use tfjs-node" banner there, and --json output
    // must stay clean. Errors come back over IPC, and stderr is passed through.
    const child = fork(WORKER, [impl, ...(variant ? [variant] : [])], {
      execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const name = `${impl}${variant ? `:${variant}` : ''}`;
    const isPinned = pinned && pin(child.pid);
    const onMessage = requestsOver(child, name, {
      send: (msg) => child.send(msg),
      close: () => child.kill(),
      requireReady: true,
    }, (w) => resolve({ ...w, pinned: isPinned }), reject);
    child.on('message', onMessage);
  });
}

/**
 * The request/response bookkeeping every implementation process shares, whatever carries the
 * messages: the first message says the process is ready (resolving `{ describe, na, call,
 * close }`), each later one answers the call with its id; an exit fails what is pending.
 * Returns the handler for incoming messages.
 */
export function requestsOver(child, name, { send, close, requireReady }, resolve, reject) {
  const pending = new Map();
  let seq = 0;
  let ready = false;
  const call = (cmd, args = {}) => new Promise((res, rej) => {
    const id = ++seq;
    pending.set(id, { resolve: res, reject: rej });
    send({ id, cmd, args });
  });
  const stop = () => {
    if (child.exitCode === null) close();
  };
  child.on('exit', (code, signal) => {
    const err = new Error(`${name} exited (${signal ?? code})`);
    if (!ready) reject(err);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });
  return (msg) => {
    if (!ready) {
      ready = true;
      if (requireReady && !msg.ready) return reject(new Error(`${name} failed to start: ${msg.error}`));
      resolve({ describe: msg.describe, na: msg.na, call, close: stop });
      return;
    }
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new Error(`${name}: ${msg.error}`));
  };
}
