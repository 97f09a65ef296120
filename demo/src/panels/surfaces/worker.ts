// Worker half of the Loss surfaces panel: runs the optimizers on the lab's surfaces through
// descent's real wasm kernels (runSurface, leastSquaresLab) and posts plain typed arrays: the
// page cannot receive the surfaces' functions, so the contour grids are sampled here too.
import { loadModule } from 'descent';
import { leastSquaresLab, runSurface, SURFACES, type Surface } from 'descent/surfaces';
import type { Handler, Port } from '../../worker/protocol.js';
import { SURFACE_IDS, type Bounds, type CatalogueReply, type Grid, type LineFitReply, type LineFitRequest, type PathsReply, type PathsRequest, type RestartsReply, type RestartsRequest, type SurfaceId } from './messages.js';
import { seededRandom } from './random.js';

/** Grid points per side for the contour plots (corners included). */
const GRID = 161;
/** A restart has "reached" a minimum when it ends this close to it (in the plot's units). */
const REACHED = 0.05;

let module: Promise<WebAssembly.Module> | null = null;
const getModule = () => (module ??= loadModule());

function sample(bounds: Bounds, f: (x: number, y: number) => number): Grid {
  const [[x0, x1], [y0, y1]] = bounds;
  const values = new Float32Array(GRID * GRID);
  for (let r = 0; r < GRID; r++) {
    const y = y1 - (r / (GRID - 1)) * (y1 - y0);
    for (let c = 0; c < GRID; c++) values[r * GRID + c] = f(x0 + (c / (GRID - 1)) * (x1 - x0), y);
  }
  return { n: GRID, values, bounds };
}

function surfaceOf(id: unknown): Surface {
  if (!SURFACE_IDS.includes(id as SurfaceId)) throw new Error(`unknown surface ${String(id)}: choose one of ${SURFACE_IDS.join(', ')}`);
  return SURFACES[id as SurfaceId];
}

function catalogue(port: Port): void {
  const grids = SURFACE_IDS.map((id) => sample(SURFACES[id].bounds, SURFACES[id].f));
  const reply: CatalogueReply = {
    type: 'catalogue',
    surfaces: SURFACE_IDS.map((id) => {
      const s = SURFACES[id];
      return { id, name: s.name, formula: s.formula, start: s.start, bounds: s.bounds, minima: s.minima, saddles: s.saddles ?? [] };
    }),
    grids,
  };
  port.post(reply, grids.map((g) => g.values.buffer));
}

async function paths(m: PathsRequest, port: Port): Promise<void> {
  const mod = await getModule();
  const surface = surfaceOf(m.surface);
  const results = m.rules.map((r) => ({ id: r.id, ...runSurface(mod, surface, { optimizer: r.optimizer, steps: m.steps, start: m.start }) }));
  const reply: PathsReply = { type: 'paths', req: m.req, surface: m.surface, results };
  port.post(reply, results.flatMap((r) => [r.path.buffer, r.values.buffer]));
}

async function restarts(m: RestartsRequest, port: Port): Promise<void> {
  const mod = await getModule();
  const surface = surfaceOf(m.surface);
  const [[x0, x1], [y0, y1]] = surface.bounds;
  // Same seed → same starts: the hash reproduces the picture.
  const random = seededRandom(m.seed);
  const runs = Array.from({ length: m.n }, () => {
    const start: [number, number] = [x0 + random() * (x1 - x0), y0 + random() * (y1 - y0)];
    return runSurface(mod, surface, { optimizer: m.optimizer, steps: m.steps, start });
  });
  const offsets = new Int32Array(m.n + 1);
  runs.forEach((r, i) => (offsets[i + 1] = offsets[i] + r.path.length / 2));
  const points = new Float32Array(2 * offsets[m.n]);
  runs.forEach((r, i) => points.set(r.path, 2 * offsets[i]));
  const reached = Int32Array.from(runs, (r) => {
    const x = r.path[r.path.length - 2], y = r.path[r.path.length - 1];
    if (r.status === 'diverged') return -1;
    return surface.minima.findIndex(([mx, my]) => Math.hypot(x - mx, y - my) < REACHED);
  });
  const reply: RestartsReply = { type: 'restarts', req: m.req, surface: m.surface, points, offsets, reached };
  port.post(reply, [points.buffer, offsets.buffer, reached.buffer]);
}

/** A box around every (w, b) visited and the solution, padded, but never absurdly wide (a diverged run). */
function fitBounds(lab: ReturnType<typeof leastSquaresLab>): Bounds {
  const { w, b } = lab.solution;
  let wl = Math.min(0, w), wh = Math.max(0, w), bl = Math.min(0, b), bh = Math.max(0, b);
  for (const path of Object.values(lab.paths)) {
    for (let i = 0; i < path.length; i += 2) {
      if (!Number.isFinite(path[i]) || !Number.isFinite(path[i + 1])) continue;
      wl = Math.min(wl, path[i]); wh = Math.max(wh, path[i]);
      bl = Math.min(bl, path[i + 1]); bh = Math.max(bh, path[i + 1]);
    }
  }
  const clamp = (lo: number, hi: number, centre: number): [number, number] => {
    const pad = 0.12 * Math.max(hi - lo, 0.5);
    return [Math.max(lo - pad, centre - 8), Math.min(hi + pad, centre + 8)];
  };
  return [clamp(wl, wh, w), clamp(bl, bh, b)];
}

async function lineFit(m: LineFitRequest, port: Port): Promise<void> {
  const lab = leastSquaresLab(await getModule(), { epochs: m.epochs, lr: m.lr, batchSize: m.batchSize, seed: m.seed });
  const { x, y } = lab;
  const mse = (w: number, b: number) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += (w * x[i] + b - y[i]) ** 2;
    return s / x.length;
  };
  const grid = sample(fitBounds(lab), mse);
  const reply: LineFitReply = { type: 'lineFit', req: m.req, x, y, solution: lab.solution, paths: lab.paths, grid };
  port.post(reply, [x.buffer, y.buffer, grid.values.buffer, ...Object.values(lab.paths).map((p) => p.buffer)]);
}

export const surfaces: Handler = async (m, port) => {
  if (m.type === 'init') catalogue(port);
  else if (m.type === 'paths') await paths(m as unknown as PathsRequest, port);
  else if (m.type === 'restarts') await restarts(m as unknown as RestartsRequest, port);
  else if (m.type === 'lineFit') await lineFit(m as unknown as LineFitRequest, port);
};
