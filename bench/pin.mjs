// Pinning processes to one CPU (Linux `taskset`). On the shared 2-vCPU machine two
// processes timed side by side could run on different vCPUs, and the vCPUs were not alike:
// the same A/B pair (diagnostics off against every step) read +10% then +60% at batch 32,
// and −25% at batch 1024, as the processes moved; pinned to one CPU it read +20–26% and ±3%
// throughout. So every single-threaded row of the MLP section, the peak process, the GEMM
// and cold-start processes run on one CPU (BENCH_CPU, default 0); the 2-thread rows need both.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export const PIN_CPU = Number(process.env.BENCH_CPU ?? 0);

let usable;
/** Whether pinning works here (Linux with taskset, more than one CPU). */
export function canPin() {
  usable ??= process.platform === 'linux' && availableParallelism() > 1 && spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0;
  return usable;
}

/** Pins every thread of process `pid` (threads made later inherit it); false if it could not. */
export function pin(pid, cpu = PIN_CPU) {
  return canPin() && spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' }).status === 0;
}

/** [command, args] that start `command args` pinned, or unchanged where pinning is unavailable. */
export function pinnedCommand(command, args, cpu = PIN_CPU) {
  return canPin() ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}
