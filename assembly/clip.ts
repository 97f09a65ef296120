// Gradient clipping over all parameters as one vector (torch.nn.utils.clip_grad_value_ and
// clip_grad_norm_). The host computes the norm coefficient in f64 between the two calls.

/** Clamps each of `n` values at `grad` into [−clip, clip]. */
export function clampValues(grad: usize, n: i32, clip: f64): void {
  const c = <f32>clip;
  for (let i = 0; i < n; i++) {
    const p = grad + (<usize>i << 2);
    const g = load<f32>(p);
    // NaN stays NaN, as torch.clamp leaves it.
    store<f32>(p, g > c ? c : g < -c ? -c : g);
  }
}

/** Stores Σ g² over `n` values, accumulated in f64, as an f64 at `result` (see losses.ts for why). */
export function sumOfSquares(result: usize, grad: usize, n: i32): void {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    const g = <f64>load<f32>(grad + (<usize>i << 2));
    s += g * g;
  }
  store<f64>(result, s);
}

/** g ← g·scale over `n` values. */
export function scaleValues(grad: usize, n: i32, scale: f64): void {
  const s = <f32>scale;
  for (let i = 0; i < n; i++) {
    const p = grad + (<usize>i << 2);
    store<f32>(p, load<f32>(p) * s);
  }
}
