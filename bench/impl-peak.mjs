// The f32x4 peak as a row of the MLP section: its process takes a window in every round like
// an implementation, and spends it on peak.mjs's loops in turn, so the peak that bounds the
// rows is measured in the same rounds as they are. It trains nothing: run.mjs keeps it out
// of the trajectory check and the tables, and uses it for each row's fraction of peak.
import { CLOCKS, loadPeakLoops, timeFlops } from './peak.mjs';

export async function open() {
  const loops = loadPeakLoops();
  if (loops.length === 0) return { na: 'no peak module validates in this process (run npm run bench: it compiles bench/build/peak*.wasm)' };
  return {
    describe: { loops: loops.map(({ name, kind, what }) => ({ name, kind, what })) },
    async prepare() {
      return {
        arm() {},
        /**
         * Each loop gets an equal share of the window; returns its GFLOP per CPU-second, the
         * measure run.mjs holds the rows to (a core's peak while it runs, whatever else the
         * machine is doing).
         */
        window(ms) {
          const t0 = performance.now();
          const gflops = Object.fromEntries(loops.map((l) => [l.name, timeFlops(l.run, ms / loops.length, CLOCKS.cpu)]));
          return { steps: 0, seconds: (performance.now() - t0) / 1000, gflops };
        },
        dispose() {},
      };
    },
  };
}
