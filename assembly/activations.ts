// Elementwise activations and their derivatives, PyTorch's definitions including the kinks:
// relu′(0) = 0, leaky_relu′(0) = 0.01, elu′(0) = 1. Codes are mirrored in src/codes.ts.
import { erf64 } from "./erf";

export const ACT_LINEAR: i32 = 0;
export const ACT_SIGMOID: i32 = 1;
export const ACT_TANH: i32 = 2;
export const ACT_RELU: i32 = 3;
export const ACT_LEAKY_RELU: i32 = 4;
export const ACT_ELU: i32 = 5;
export const ACT_SOFTPLUS: i32 = 6;
export const ACT_GELU: i32 = 7;

const LEAKY_SLOPE: f32 = 0.01;
const SOFTPLUS_THRESHOLD: f32 = 20.0; // PyTorch: above it softplus(x) = x (β = 1)
const INV_SQRT2: f64 = 0.7071067811865476;
const INV_SQRT_2PI: f64 = 0.3989422804014327;

/** a = f(z) over `count` values; `a` may equal `z`. Called once per layer per forward pass. */
export function activationForward(kind: i32, a: usize, z: usize, count: i32): void {
  const n = <usize>count << 2;
  switch (kind) {
    case ACT_LINEAR: {
      if (a != z) memory.copy(a, z, n);
      break;
    }
    case ACT_SIGMOID: {
      for (let p: usize = 0; p < n; p += 4) store<f32>(a + p, sigmoid(load<f32>(z + p)));
      break;
    }
    case ACT_TANH: {
      for (let p: usize = 0; p < n; p += 4) store<f32>(a + p, Mathf.tanh(load<f32>(z + p)));
      break;
    }
    case ACT_RELU: {
      let p: usize = 0;
      if (ASC_FEATURE_SIMD) {
        const zero = f32x4.splat(0);
        for (; p + 16 <= n; p += 16) v128.store(a + p, f32x4.max(v128.load(z + p), zero));
      }
      // f32.max, like f32x4.max above: NaN propagates in the tail as in the SIMD body.
      for (; p < n; p += 4) store<f32>(a + p, max<f32>(load<f32>(z + p), 0));
      break;
    }
    case ACT_LEAKY_RELU: {
      for (let p: usize = 0; p < n; p += 4) {
        const x = load<f32>(z + p);
        store<f32>(a + p, x > 0 ? x : x * LEAKY_SLOPE);
      }
      break;
    }
    case ACT_ELU: {
      for (let p: usize = 0; p < n; p += 4) {
        const x = load<f32>(z + p);
        store<f32>(a + p, x > 0 ? x : Mathf.expm1(x));
      }
      break;
    }
    case ACT_SOFTPLUS: {
      for (let p: usize = 0; p < n; p += 4) {
        const x = load<f32>(z + p);
        store<f32>(a + p, x > SOFTPLUS_THRESHOLD ? x : Mathf.log1p(Mathf.exp(x)));
      }
      break;
    }
    case ACT_GELU: {
      for (let p: usize = 0; p < n; p += 4) {
        const x = <f64>load<f32>(z + p);
        store<f32>(a + p, <f32>(0.5 * x * (1.0 + erf64(x * INV_SQRT2))));
      }
      break;
    }
    default: unreachable();
  }
}

/**
 * dz = da ⊙ f′ over `count` values, with z the pre-activation and a = f(z)
 * (sigmoid and tanh use a, as PyTorch's backward does). `dz` may equal `da`.
 */
export function activationBackward(kind: i32, dz: usize, da: usize, z: usize, a: usize, count: i32): void {
  const n = <usize>count << 2;
  switch (kind) {
    case ACT_LINEAR: {
      if (dz != da) memory.copy(dz, da, n);
      break;
    }
    case ACT_SIGMOID: {
      for (let p: usize = 0; p < n; p += 4) {
        const y = load<f32>(a + p);
        store<f32>(dz + p, load<f32>(da + p) * (1 - y) * y);
      }
      break;
    }
    case ACT_TANH: {
      for (let p: usize = 0; p < n; p += 4) {
        const y = load<f32>(a + p);
        store<f32>(dz + p, load<f32>(da + p) * (1 - y * y));
      }
      break;
    }
    case ACT_RELU: {
      for (let p: usize = 0; p < n; p += 4) {
        // PyTorch's threshold_backward: zero where z ≤ 0, so a NaN z passes the gradient.
        store<f32>(dz + p, load<f32>(z + p) <= 0 ? 0 : load<f32>(da + p));
      }
      break;
    }
    case ACT_LEAKY_RELU: {
      for (let p: usize = 0; p < n; p += 4) {
        const g = load<f32>(da + p);
        store<f32>(dz + p, load<f32>(z + p) > 0 ? g : g * LEAKY_SLOPE);
      }
      break;
    }
    case ACT_ELU: {
      for (let p: usize = 0; p < n; p += 4) {
        const x = load<f32>(z + p);
        const g = load<f32>(da + p);
        store<f32>(dz + p, x <= 0 ? g * Mathf.exp(x) : g);
      }
      break;
    }
    case ACT_SOFTPLUS: {
      for (let p: usize = 0; p < n; p += 4) {
        const x = load<f32>(z + p);
        const g = load<f32>(da + p);
        if (x > SOFTPLUS_THRESHOLD) {
          store<f32>(dz + p, g);
        } else {
          const e = Mathf.exp(x);
          store<f32>(dz + p, g * e / (e + 1));
        }
      }
      break;
    }
    case ACT_GELU: {
      for (let p: usize = 0; p < n; p += 4) {
        const x = <f64>load<f32>(z + p);
        const cdf = 0.5 * (1.0 + erf64(x * INV_SQRT2));
        const pdf = INV_SQRT_2PI * Math.exp(-0.5 * x * x);
        store<f32>(dz + p, <f32>(<f64>load<f32>(da + p) * (cdf + x * pdf)));
      }
      break;
    }
    default: unreachable();
  }
}

// @ts-ignore: decorator
@inline function sigmoid(x: f32): f32 {
  return 1 / (1 + Mathf.exp(-x));
}
