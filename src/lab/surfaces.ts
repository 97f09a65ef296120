// Loss-surface lab (the 'descent/surfaces' subpath): two-parameter surfaces where the
// optimizers' paths can be drawn — ill-conditioning, Rosenbrock's valley, a saddle, two
// minima. Gradients are exact, in f64 on the host; every update goes through the same wasm
// optimizer kernels that train networks (the point (x, y) is a 2-parameter model's state),
// so a path shows exactly what momentum or Adam does there. Plus a least-squares line fit
// whose (w, b) path is recorded at every update, for batch vs stochastic vs mini-batch.
import { Engine } from '../engine/engine.js';
import { mustBe } from '../util/must-be.js';
import { OptionsReader } from '../util/options.js';
import { Network } from '../network.js';
import { resolveOptimizer } from '../optim/options.js';
import { OptimizerState } from '../optim/optimizer.js';
import { resolveSpec } from '../model/spec.js';
import { createRng } from '../util/rng.js';
import type { GradientDescentMode, OptimizerConfig } from '../types.js';

export interface Surface {
  name: string;
  formula: string;
  f(x: number, y: number): number;
  /** ∂f/∂x, ∂f/∂y. */
  grad(x: number, y: number): [number, number];
  start: [number, number];
  /** Plot bounds: [[xMin, xMax], [yMin, yMax]]. */
  bounds: [[number, number], [number, number]];
  /** Known minima (and, for the saddle, the saddle point under `saddles`). */
  minima: [number, number][];
  saddles?: [number, number][];
}

const KAPPA = 50;

export const SURFACES: Record<'quadratic' | 'rosenbrock' | 'saddle' | 'twoMinima', Surface> = {
  quadratic: {
    name: 'ill-conditioned quadratic (κ = 50)',
    formula: 'f = (x² + 50·y²) / 2',
    f: (x, y) => (x * x + KAPPA * y * y) / 2,
    grad: (x, y) => [x, KAPPA * y],
    start: [-4, 1.5], bounds: [[-5, 5], [-2, 2]], minima: [[0, 0]],
  },
  rosenbrock: {
    name: 'Rosenbrock (a = 1, b = 100)',
    formula: 'f = (1 − x)² + 100·(y − x²)²',
    f: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    grad: (x, y) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
    start: [-1.5, 2], bounds: [[-2, 2], [-1, 3]], minima: [[1, 1]],
  },
  saddle: {
    name: 'saddle',
    formula: 'f = x² − y² + y⁴/4',
    f: (x, y) => x * x - y * y + y ** 4 / 4,
    grad: (x, y) => [2 * x, -2 * y + y ** 3],
    start: [1.5, 0.01], bounds: [[-2, 2], [-2.5, 2.5]], minima: [[0, Math.SQRT2], [0, -Math.SQRT2]], saddles: [[0, 0]],
  },
  twoMinima: {
    name: 'two minima',
    formula: 'f = (x² − 1)² + y²',
    f: (x, y) => (x * x - 1) ** 2 + y * y,
    grad: (x, y) => [4 * x * (x * x - 1), 2 * y],
    start: [0.3, 1], bounds: [[-2, 2], [-1.5, 1.5]], minima: [[-1, 0], [1, 0]],
  },
};

/** A path is over when a coordinate leaves |θ| ≤ 1e6 or stops being finite. */
const DIVERGED = 1e6;

export interface SurfacePath {
  /** (x, y) before the first update and after each one: 2·(steps + 1) values. */
  path: Float64Array;
  /** f at each point of the path. */
  values: Float64Array;
  /** Updates applied (fewer than asked when the path diverged). */
  steps: number;
  status: 'ran' | 'diverged';
}

/**
 * Runs `optimizer` for `steps` updates on `surface` from `start` (default: the surface's)
 * with `module`, a compiled descent module (loadModule() of the entry).
 */
export function runSurface(module: WebAssembly.Module, surface: Surface, options: { optimizer: OptimizerConfig; steps?: number; start?: [number, number] }): SurfacePath {
  if (typeof surface !== 'object' || surface === null || typeof surface.f !== 'function' || typeof surface.grad !== 'function') {
    throw mustBe('surface', 'a surface such as SURFACES.rosenbrock ({ f, grad, start, … })', surface);
  }
  const r = OptionsReader.read(options, 'options', ['optimizer', 'steps', 'start'], 'a runSurface option', '{ optimizer, steps, start }');
  const steps = r.integer('steps', { default: 200, min: 1, want: 'a positive integer' });
  const start = r.value('start', surface.start);
  if (!Array.isArray(start) || start.length !== 2 || !start.every(Number.isFinite)) throw r.fail('start', '[x, y]', start);
  const optimizer = resolveOptimizer(options.optimizer, 'options.optimizer');
  // A 1→1 linear layer has exactly two parameters, laid out [w, b]: (x, y).
  const e = new Engine(resolveSpec({ inputs: 1, layers: [{ units: 1 }], loss: 'mse' }), module);
  const state = new OptimizerState(optimizer, e.k, { param: e.params, grad: e.grads, slots: e.slots, count: 2, hp: e.hp }, () => e.f64);
  const p = e.params >> 2, g = e.grads >> 2;
  e.f32[p] = start[0];
  e.f32[p + 1] = start[1];
  const path = new Float64Array(2 * (steps + 1));
  const values = new Float64Array(steps + 1);
  let x = e.f32[p], y = e.f32[p + 1];
  path[0] = x;
  path[1] = y;
  values[0] = surface.f(x, y);
  for (let t = 1; t <= steps; t++) {
    const [gx, gy] = surface.grad(x, y);
    const f32 = e.f32;
    f32[g] = gx;
    f32[g + 1] = gy;
    state.apply();
    x = f32[p];
    y = f32[p + 1];
    path[2 * t] = x;
    path[2 * t + 1] = y;
    values[t] = surface.f(x, y);
    if (!(Math.abs(x) <= DIVERGED && Math.abs(y) <= DIVERGED)) {
      return { path: path.slice(0, 2 * (t + 1)), values: values.slice(0, t + 1), steps: t, status: 'diverged' };
    }
  }
  return { path, values, steps, status: 'ran' };
}

export interface LeastSquaresLab {
  x: Float32Array;
  y: Float32Array;
  /** The closed-form least-squares line. */
  solution: { w: number; b: number };
  /** Per mode, (w, b) at the start and after every update. */
  paths: Record<GradientDescentMode, Float64Array>;
}

/**
 * Fits y = w·x + b to n = 64 seeded noisy points (y = 2x − 1 + noise) with each mode of
 * gradient descent for the same number of epochs (SGD at `lr`), from the same start, as a
 * 1→1 linear MSE network; records (w, b) after every update.
 */
export function leastSquaresLab(module: WebAssembly.Module, options: { epochs?: number; lr?: number; batchSize?: number; seed?: number } = {}): LeastSquaresLab {
  const r = OptionsReader.read(options, 'options', ['epochs', 'lr', 'batchSize', 'seed'], 'a leastSquaresLab option');
  const epochs = r.integer('epochs', { default: 20, min: 1 });
  const lr = r.number('lr', { default: 0.05, min: 0 });
  const batchSize = r.integer('batchSize', { default: 8, min: 1 });
  const seed = r.integer('seed', { default: 1, want: 'an integer' });
  const n = 64;
  const rng = createRng(seed);
  const x = Float32Array.from({ length: n }, () => rng.uniform() * 4 - 2);
  const y = x.map((v) => 2 * v - 1 + 0.3 * rng.normal());
  const mx = x.reduce((s, v) => s + v, 0) / n, my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  const w = sxy / sxx;
  const paths = {} as Record<GradientDescentMode, Float64Array>;
  for (const mode of ['batch', 'stochastic', 'mini-batch'] as const) {
    const net = Network.create({ inputs: 1, layers: [{ units: 1 }], loss: 'mse', init: 'zeros', seed }, module);
    const points: number[] = [0, 0];
    net.fitSync(x, y, {
      optimizer: { type: 'sgd', lr }, mode, epochs, seed, preflight: 'off', diagnostics: false,
      ...(mode === 'mini-batch' ? { batchSize } : {}),
      onBatchEnd: () => {
        const [layer] = net.getParameters();
        points.push(layer.weight[0], layer.bias[0]);
      },
    });
    net.dispose();
    paths[mode] = Float64Array.from(points);
  }
  return { x, y, solution: { w, b: my - w * mx }, paths };
}
