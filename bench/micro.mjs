// What the kernel micro-benches (conv2d-kernels.mjs, pool2d-kernels.mjs) share: their
// `--name value` flags and the clock they time by.

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
