// exp, tanh and sigmoid for f32 and f32x4 alike (see lanes.ts), within a few f32 ulps of
// the exact values: the activations use them so tanh and sigmoid run four lanes at a time.
import { absOf, add, clampOf, copySign, div, mul, ROUNDING_MAGIC, scaleByPow2, selectSmall, splat, sub } from "./lanes";

const LOG2E: f32 = 1.4426950408889634;
// ln 2 split so k·LN2_HI is exact for |k| ≤ 128 (Cody–Waite reduction).
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const EXP_MAX: f32 = 88.72283;  // ln(f32 max)
const EXP_MIN: f32 = -87.33654; // ln(smallest normal f32)

/** eˣ: x = k·ln2 + r with |r| ≤ ln2/2, a degree-7 Taylor polynomial for eʳ, scaled by 2ᵏ. */
// @ts-ignore: decorator
@inline export function expOf<T>(x: T): T {
  const xc = clampOf<T>(x, splat<T>(EXP_MIN), splat<T>(EXP_MAX));
  // k = round(x·log₂e), kept both as a float (for the reduction) and in kf's bits (for 2ᵏ).
  const kf = add<T>(mul<T>(xc, splat<T>(LOG2E)), splat<T>(ROUNDING_MAGIC));
  const k = sub<T>(kf, splat<T>(ROUNDING_MAGIC));
  const r = sub<T>(sub<T>(xc, mul<T>(k, splat<T>(LN2_HI))), mul<T>(k, splat<T>(LN2_LO)));
  let p = add<T>(mul<T>(r, splat<T>(<f32>(1.0 / 5040))), splat<T>(<f32>(1.0 / 720)));
  p = add<T>(mul<T>(p, r), splat<T>(<f32>(1.0 / 120)));
  p = add<T>(mul<T>(p, r), splat<T>(<f32>(1.0 / 24)));
  p = add<T>(mul<T>(p, r), splat<T>(<f32>(1.0 / 6)));
  p = add<T>(mul<T>(p, r), splat<T>(0.5));
  p = add<T>(mul<T>(p, r), splat<T>(1));
  p = add<T>(mul<T>(p, r), splat<T>(1));
  return scaleByPow2<T>(p, kf);
}

/** 1/(1 + e⁻ˣ). */
// @ts-ignore: decorator
@inline export function sigmoidOf<T>(x: T): T {
  return div<T>(splat<T>(1), add<T>(splat<T>(1), expOf<T>(sub<T>(splat<T>(0), x))));
}

/**
 * tanh: an odd Taylor polynomial for |x| < 0.25 (where (1 − t)/(1 + t) would cancel), else
 * (1 − t)/(1 + t) with t = e^(−2|x|), with the sign of x.
 */
// @ts-ignore: decorator
@inline export function tanhOf<T>(x: T): T {
  const x2 = mul<T>(x, x);
  let q = add<T>(mul<T>(x2, splat<T>(<f32>(62.0 / 2835))), splat<T>(<f32>(-17.0 / 315)));
  q = add<T>(mul<T>(q, x2), splat<T>(<f32>(2.0 / 15)));
  q = add<T>(mul<T>(q, x2), splat<T>(<f32>(-1.0 / 3)));
  const small = add<T>(x, mul<T>(mul<T>(q, x2), x));
  const t = expOf<T>(mul<T>(absOf<T>(x), splat<T>(-2)));
  const large = copySign<T>(div<T>(sub<T>(splat<T>(1), t), add<T>(splat<T>(1), t)), x);
  return selectSmall<T>(x, splat<T>(0.25), small, large);
}
