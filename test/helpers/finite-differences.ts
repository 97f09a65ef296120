// What every gradient check shares: central differences over a parameter vector, and an
// elementwise |numeric − analytic| ≤ atol + rtol·|analytic| that names the first miss.
import { expect } from 'vitest';

/** ∂f/∂v[i] for every i by central differences with step h (v is restored afterwards). */
export function numericGradient(f: () => number, v: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const keep = v[i];
    v[i] = keep + h;
    const up = f();
    v[i] = keep - h;
    const down = f();
    v[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** Asserts |numeric − analytic| ≤ atol + rtol·|analytic| elementwise, with equal lengths. */
export function expectClose(numeric: ArrayLike<number>, analytic: ArrayLike<number>, what: string, rtol = 1e-6, atol = 1e-7): void {
  expect(numeric.length, what).toBe(analytic.length);
  for (let i = 0; i < analytic.length; i++) {
    const err = Math.abs(numeric[i] - analytic[i]);
    if (!(err <= atol + rtol * Math.abs(analytic[i]))) expect.fail(`${what}[${i}]: numeric ${numeric[i]} vs analytic ${analytic[i]} (|Δ| = ${err})`);
  }
}
