// A Python implementation process (bench/lenet_pytorch.py) behind the same { describe, call,
// close } interface as pool.mjs's node workers: JSON lines over stdin/stdout, stderr passed
// through. The environment is the fair-comparison one for PyTorch on this machine: the
// OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE overrides some shells here export are removed (OpenBLAS
// then detects the CPU itself), and OpenBLAS and OpenMP get one thread, like every other row.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export const PYTHON = '/usr/bin/python3';

/** The environment the PyTorch process runs with (also printed with the results). */
export function pythonEnv(base = process.env) {
  const env = { ...base, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/** Starts `python3 script` and resolves once it has said it is ready. */
export function startPython(script) {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [script], { env: pythonEnv(), stdio: ['pipe', 'pipe', 'inherit'] });
    const pending = new Map();
    let seq = 0;
    let ready = false;
    const name = script.split('/').at(-1);
    child.on('error', (err) => reject(new Error(`${PYTHON} ${name}: ${err.message}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        console.error(`bench: ${name} printed a non-protocol line on stdout: ${line}`);
        return;
      }
      if (!ready) {
        ready = true;
        resolve({ describe: msg.describe, na: msg.na, call, close });
        return;
      }
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(`${name}: ${msg.error}`));
    });
    child.on('exit', (code, signal) => {
      const err = new Error(`${name} exited (${signal ?? code})`);
      if (!ready) reject(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
    function call(cmd, args = {}) {
      return new Promise((res, rej) => {
        const id = ++seq;
        pending.set(id, { resolve: res, reject: rej });
        child.stdin.write(`${JSON.stringify({ id, cmd, args })}\n`);
      });
    }
    function close() {
      if (child.exitCode === null) child.stdin.end();
    }
  });
}
