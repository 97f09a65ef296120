// One implementation in its own process (`node worker.mjs <impl> [variant]`), driven by the
// orchestrator over IPC. Separate processes keep JITs, heaps and wasm modules apart, let one
// row carry a node flag (relaxed SIMD), and let the orchestrator interleave timed windows
// across implementations while only one of them runs at a time.
import { makeData } from './cases.mjs';
import { readLenetFile, toDescentParameters } from './lenet-case.mjs';

const [impl, variant] = process.argv.slice(2);
const mod = await import(`./impl-${impl}.mjs`);

let session = null;
let chunk = 1;

const handlers = {
  async prepare({ c, init }) {
    session?.dispose();
    if (c.dataFile) {
      // The LeNet case: MNIST rows and PyTorch-layout initial weights from the one file
      // every implementation reads (lenet-case.mjs); descent takes them per layer.
      const f = readLenetFile(c.dataFile);
      session = await opened.prepare(c, { x: f.x, labels: f.labels, classes: 10, inputs: 784, tensors: f.tensors }, toDescentParameters(f.tensors));
    } else {
      session = await opened.prepare(c, makeData(c), init);
    }
    chunk = 1;
    return {};
  },
  trajectory({ steps, adam }) {
    return session.trajectory(steps, adam);
  },
  /** Sets up the timed loop (initial parameters, fresh optimizer state) outside any window. */
  arm() {
    session.arm();
    return {};
  },
  /**
   * Runs whole steps until at least `ms` have passed (always ≥ 1 step). Steps go in chunks
   * that double until a chunk takes ≥ 2 ms, so reading the clock costs nothing measurable
   * even for the tiny net, and a window overshoots by at most a few ms (or one step).
   */
  window({ ms }) {
    if (session.window) return session.window(ms); // an implementation that times itself (impl-peak.mjs)
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let now = t0;
    let steps = 0;
    do {
      session.run(chunk);
      steps += chunk;
      const t = performance.now();
      if (t - now < 2 && chunk < 1 << 20) chunk *= 2;
      now = t;
    } while (now - t0 < ms);
    // CPU time (every thread of the process) goes to the JSON beside the wall-clock figure.
    const cpu = process.cpuUsage(c0);
    return { steps, seconds: (now - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  },
  release() {
    session?.dispose();
    session = null;
    return {};
  },
};

let opened;
try {
  opened = await mod.open(variant);
} catch (err) {
  process.send({ ready: false, error: String(err?.stack ?? err) });
  process.exit(1);
}
process.on('message', async ({ id, cmd, args }) => {
  try {
    process.send({ id, ok: true, result: await handlers[cmd](args) });
  } catch (err) {
    process.send({ id, ok: false, error: String(err?.stack ?? err) });
  }
});
// If the orchestrator dies, go with it instead of lingering.
process.on('disconnect', () => process.exit(0));
process.send({ ready: true, describe: opened.describe ?? null, na: opened.na ?? null });
