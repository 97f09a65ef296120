// Reference f64 dropout (torch.nn.Dropout) given a keep mask: the mask is the only random
// part, so with it fixed the layer is z = x · noise, noise = keep / (1 − p), and the backward
// of a scalar loss given dz = ∂L/∂z is dx = dz · noise. In evaluation, and for p = 0, z = x
// and dx = dz (PyTorch returns the input itself); p = 1 multiplies by 0.

/** The noise of a kept value in f64: 1/(1 − p); 0 for p = 1. */
export function keptNoise(p: number): number {
  return p === 1 ? 0 : 1 / (1 - p);
}

/**
 * PyTorch's f32 noise of a kept value: bernoulli_(1 − p) then div_(1 − p) on an f32 tensor,
 * so 1 − p is computed in f64, rounded to f32, and 1 divided by it in f32.
 */
export function torchKeptNoise(p: number): number {
  return p === 1 ? 0 : Math.fround(1 / Math.fround(1 - p));
}

/** z = x · keep/(1 − p) in training (p < 1), x · 0 for p = 1, x itself in evaluation or for p = 0. */
export function dropoutForward(x: ArrayLike<number>, keep: ArrayLike<number>, p: number, training: boolean): Float64Array {
  if (!training || p === 0) return Float64Array.from(x);
  const s = keptNoise(p);
  return Float64Array.from(x, (v, i) => v * (keep[i] !== 0 ? s : 0));
}

/** dx = dz · keep/(1 − p) (dz itself for p = 0). */
export function dropoutBackward(dz: ArrayLike<number>, keep: ArrayLike<number>, p: number): Float64Array {
  return dropoutForward(dz, keep, p, true);
}
