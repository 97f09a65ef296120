// The f32x4 peak in the MLP section: a process that takes a short window between every two
// windows of the rows and spends it on peak.mjs's loops in turn, so each row's window is
// held to the peak measured just before and after it. It trains nothing: run.mjs keeps it
// out of the trajectory check and the tables, and uses it for each row's fraction of peak.
import { CLOCKS, loadPeakLoops, peakWindow } from './peak.mjs';

export async function open() {
  const loops = loadPeakLoops();
  if (loops.length === 0) return { na: 'no peak module validates in this process (run npm run bench: it compiles bench/build/peak*.wasm)' };
  return {
    describe: { loops: loops.map(({ name, kind, what }) => ({ name, kind, what })) },
    async prepare() {
      return {
        arm() {},
        /**
         * Each loop gets an equal share of the window, timed in GFLOP per CPU-second, the
         * measure run.mjs holds the rows to (a core's peak while it runs, whatever else the
         * machine is doing). Returns peakWindow()'s result as `peak`.
         */
        window(ms) {
          const t0 = performance.now();
          const peak = peakWindow(loops, ms, CLOCKS.cpu);
          return { steps: 0, seconds: (performance.now() - t0) / 1000, peak };
        },
        dispose() {},
      };
    },
  };
}
