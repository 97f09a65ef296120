// What the kernel micro-benches (conv2d-kernels.mjs, pool2d-kernels.mjs, adam-ceiling.mjs)
// share: their `--name value` flags, the clock they time by, their timed windows and the rows
// their --step figures train on.
import { median } from './peak.mjs';
import { rng } from './cases.mjs';

/** The value after `--name` on the command line, or `fallback`. */
export function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}

/** This process's CPU time in ms: on a shared machine, wall time would measure the other processes too. */
export function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Calls `run` for about `ms` of CPU time (so V8 has tiered it up to TurboFan) and returns how
 * many calls take about 1 ms: the burst `timeWindow` reads the clock after.
 */
export function warmUp(run, ms) {
  let calls = 0;
  const t0 = cpuMs();
  while (cpuMs() - t0 < ms) { run(); calls++; }
  return Math.max(1, Math.round(calls / ms));
}

/** ms of CPU time per call of `run` over one window of about `ms`, calling it `burst` times between clock reads. */
export function timeWindow(run, ms, burst) {
  let calls = 0;
  const t0 = cpuMs();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < burst; i++) run();
    calls += burst;
    t = cpuMs();
  }
  return (t - t0) / calls;
}

/**
 * ms of CPU time per call of each of `fns` ([{ name, run }]), warmed up, then `windows` windows
 * of about `ms` each, the functions taking turns: { name: { median, best } }.
 */
export function measure(fns, ms, windows) {
  const bursts = fns.map((f) => warmUp(f.run, ms));
  const samples = fns.map(() => []);
  for (let w = 0; w < windows; w++) fns.forEach((f, i) => samples[i].push(timeWindow(f.run, ms, bursts[i])));
  return Object.fromEntries(fns.map((f, i) => [f.name, { median: median(samples[i]), best: Math.min(...samples[i]) }]));
}

/** The --step figures' training rows: 1,024 random 28×28 images (as arrays) and labels 0–9. */
export function stepRows() {
  const rand = rng(99);
  const x = Array.from({ length: 1024 }, () => Array.from({ length: 784 }, () => rand()));
  const y = Array.from({ length: 1024 }, () => Math.floor(rand() * 10));
  return { x, y };
}
