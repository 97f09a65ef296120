// A Python implementation process (bench/lenet_pytorch.py, bench/mlp_pytorch.py; their
// protocol is bench/torch_worker.py's) behind the same { describe, call, close } interface as
// pool.mjs's node workers: JSON lines over stdin/stdout, stderr passed through. The
// environment is the fair-comparison one for PyTorch on this machine: the OPENBLAS_CORETYPE /
// OPENBLAS_L2_SIZE overrides some shells here export are removed (OpenBLAS then detects the
// CPU itself), and OpenBLAS and OpenMP get one thread, like every other row.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pin } from './pin.mjs';
import { requestsOver } from './pool.mjs';

// BENCH_PYTHON replaces the interpreter, e.g. with one that has no torch, to try the path the
// bench takes where torch is absent (CI).
export const PYTHON = process.env.BENCH_PYTHON || '/usr/bin/python3';

/** The environment the PyTorch process runs with (also printed with the results). */
export function pythonEnv(base = process.env) {
  const env = { ...base, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

let torch;
/** Whether PYTHON imports torch: { ok: true } or { ok: false, reason } (checked once). */
export function torchAvailable() {
  if (torch) return torch;
  const p = spawnSync(PYTHON, ['-c', 'import torch'], { env: pythonEnv(), encoding: 'utf8' });
  if (p.error) torch = { ok: false, reason: `${PYTHON} cannot be run (${p.error.code ?? p.error.message})` };
  else if (p.status !== 0) torch = { ok: false, reason: `${PYTHON} cannot import torch (${p.stderr.trim().split('\n').at(-1) ?? `exit ${p.status}`})` };
  else torch = { ok: true };
  return torch;
}

/** Starts `python3 script` (on one CPU if `pinned`, see pin.mjs) and resolves once it has said it is ready. */
export function startPython(script, { pinned = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [script], { env: pythonEnv(), stdio: ['pipe', 'pipe', 'inherit'] });
    const name = script.split('/').at(-1);
    child.on('error', (err) => reject(new Error(`${PYTHON} ${name}: ${err.message}`)));
    const isPinned = pinned && child.pid !== undefined && pin(child.pid);
    const onMessage = requestsOver(child, name, {
      send: (msg) => child.stdin.write(`${JSON.stringify(msg)}\n`),
      close: () => child.stdin.end(),
      requireReady: false,
    }, (w) => resolve({ ...w, pinned: isPinned }), reject);
    createInterface({ input: child.stdout }).on('line', (line) => {
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        console.error(`bench: ${name} printed a non-protocol line on stdout: ${line}`);
        return;
      }
      onMessage(msg);
    });
  });
}
