// erf for the GELU activation: neither AssemblyScript's Math nor JavaScript's has one.
// Two expansions that never subtract nearly equal numbers:
//  |x| < 3: erf(x) = 2/√π · e^{−x²} · Σₙ 2ⁿ x^{2n+1} / (1·3·…·(2n+1))  (all terms positive)
//  |x| ≥ 3: erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))  (continued fraction)
// The f32 kernels evaluate this in f64 and round once, so erf is within ~1e-7 there.

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;
const ONE_OVER_SQRT_PI: f64 = 0.5641895835477563;

export function erf64(x: f64): f64 {
  const ax = abs(x);
  if (ax >= 6.0) return x > 0 ? 1.0 : -1.0; // erfc(6) ≈ 2e-17: below f64 resolution of 1
  let r: f64;
  if (ax < 3.0) {
    const x2 = ax * ax;
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= (2.0 * x2) / <f64>(2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  } else {
    // Evaluate the continued fraction from a fixed depth upwards; depth 60 is ample for x ≥ 3.
    let f: f64 = ax;
    for (let k = 60; k >= 1; k--) f = ax + (<f64>k * 0.5) / f;
    r = 1.0 - ONE_OVER_SQRT_PI * Math.exp(-ax * ax) / f;
  }
  return copysign<f64>(r, x); // odd, erf(−0) = −0 included
}
