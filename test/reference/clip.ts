// Reference gradient clipping over several gradient tensors treated as one vector, as
// torch.nn.utils.clip_grad_value_ and clip_grad_norm_ (norm_type 2) do. Both modify in place.

/** The ε torch adds to the total norm before dividing. */
export const CLIP_NORM_EPS = 1e-6;

/** clip_grad_value_: clamps every value into [−clip, clip]; NaN stays NaN (torch.clamp). */
export function clipGradValue(grads: readonly Float64Array[], clip: number): void {
  for (const g of grads) {
    for (let i = 0; i < g.length; i++) {
      const v = g[i];
      g[i] = v > clip ? clip : v < -clip ? -clip : v;
    }
  }
}

/** ‖(g₁, g₂, …)‖₂: the L2 norm of all gradients as if concatenated. */
export function totalNorm(grads: readonly ArrayLike<number>[]): number {
  let s = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return Math.sqrt(s);
}

/** The factor clip_grad_norm_ multiplies by: min(1, maxNorm/(total + 1e-6)). */
export function clipCoefficient(total: number, maxNorm: number): number {
  return Math.min(1, maxNorm / (total + CLIP_NORM_EPS));
}

/** clip_grad_norm_: scales every gradient by clipCoefficient; returns the total norm before clipping. */
export function clipGradNorm(grads: readonly Float64Array[], maxNorm: number): number {
  const total = totalNorm(grads);
  const coef = clipCoefficient(total, maxNorm);
  for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= coef;
  return total;
}
