// The loss-surface lab: optimizers' paths on surfaces with known minima, through the wasm
// optimizer kernels, and the least-squares line fit in the three modes of gradient descent.
import { describe, expect, it } from 'vitest';
import { leastSquaresLab, runSurface, SURFACES } from '../src/surfaces.js';
import { loadTestModule } from './helpers/wasm.js';

const module = loadTestModule();
const end = (p: Float64Array) => [p[p.length - 2], p[p.length - 1]];
const near = (a: number[], b: number[], tol: number) => Math.hypot(a[0] - b[0], a[1] - b[1]) < tol;

describe('surfaces', () => {
  it('reach their known minima', () => {
    const q = runSurface(module, SURFACES.quadratic, { optimizer: { type: 'sgd', lr: 0.03, momentum: 0.9 }, steps: 400 });
    expect(near(end(q.path), [0, 0], 1e-3)).toBe(true);
    const r = runSurface(module, SURFACES.rosenbrock, { optimizer: { type: 'adam', lr: 0.02 }, steps: 4000 });
    expect(near(end(r.path), [1, 1], 0.05)).toBe(true);
    const two = runSurface(module, SURFACES.twoMinima, { optimizer: { type: 'sgd', lr: 0.05 }, steps: 300 });
    expect(near(end(two.path), [1, 0], 1e-3)).toBe(true); // x starts at 0.3 > 0: the right-hand minimum
    const left = runSurface(module, SURFACES.twoMinima, { optimizer: { type: 'sgd', lr: 0.05 }, steps: 300, start: [-0.3, 1] });
    expect(near(end(left.path), [-1, 0], 1e-3)).toBe(true);
  });

  it('plain GD started on the saddle\'s stable axis stalls at the saddle; off it, it escapes to a minimum', () => {
    const onAxis = runSurface(module, SURFACES.saddle, { optimizer: { type: 'sgd', lr: 0.1 }, steps: 300, start: [1.5, 0] });
    expect(near(end(onAxis.path), [0, 0], 1e-6)).toBe(true);
    const off = runSurface(module, SURFACES.saddle, { optimizer: { type: 'sgd', lr: 0.1 }, steps: 300 });
    expect(near(end(off.path), [0, Math.SQRT2], 1e-3)).toBe(true);
  });

  it('the path is the optimizer\'s: plain SGD\'s first step is −lr·∇f', () => {
    const s = SURFACES.rosenbrock;
    const r = runSurface(module, s, { optimizer: { type: 'sgd', lr: 1e-4 }, steps: 1 });
    const [gx, gy] = s.grad(-1.5, 2);
    expect(r.path[2]).toBeCloseTo(Math.fround(-1.5 - 1e-4 * gx), 5);
    expect(r.path[3]).toBeCloseTo(Math.fround(2 - 1e-4 * gy), 5);
    expect(r.values[0]).toBe(s.f(-1.5, 2));
  });

  it('a path ends diverged when the rate is too high', () => {
    const d = runSurface(module, SURFACES.quadratic, { optimizer: { type: 'sgd', lr: 0.1 }, steps: 500 });
    expect(d.status).toBe('diverged');
    expect(d.steps).toBeLessThan(500);
    expect(d.path.length).toBe(2 * (d.steps + 1));
  });
});

describe('least squares', () => {
  const lab = leastSquaresLab(module, { epochs: 200 });
  it('batch GD reaches the closed-form solution', () => {
    const [w, b] = end(lab.paths.batch);
    expect(w).toBeCloseTo(lab.solution.w, 3);
    expect(b).toBeCloseTo(lab.solution.b, 3);
    expect(lab.paths.batch.length).toBe(2 * (200 + 1));
  });
  it('the three modes take different paths over the same epochs, each to the neighbourhood of the solution', () => {
    const modes = ['batch', 'stochastic', 'mini-batch'] as const;
    expect(lab.paths.stochastic.length).toBe(2 * (200 * 64 + 1));
    expect(lab.paths['mini-batch'].length).toBe(2 * (200 * 8 + 1));
    for (let i = 0; i < 3; i++) for (let j = i + 1; j < 3; j++) expect(Array.from(lab.paths[modes[i]].slice(0, 40))).not.toEqual(Array.from(lab.paths[modes[j]].slice(0, 40)));
    for (const m of modes) expect(near(end(lab.paths[m]), [lab.solution.w, lab.solution.b], 0.1)).toBe(true);
  });
});
