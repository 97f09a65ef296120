// Elementwise activations and their derivatives, PyTorch's definitions including the kinks:
// relu′(0) = 0, leaky_relu′(0) = 0.01, elu′(0) = 1. Codes: abi.ts ACT_*.
import { ACT_ELU, ACT_GELU, ACT_LEAKY_RELU, ACT_LINEAR, ACT_RELU, ACT_SIGMOID, ACT_SOFTPLUS, ACT_TANH } from "./abi";
import { erf64 } from "./erf";
import { ld, maxOf, mul, splat, st, sub, whereGt0, whereLe0 } from "./lanes";
import { expOf, sigmoidOf, tanhOf } from "./vecmath";

const LEAKY_SLOPE: f32 = 0.01;
const SOFTPLUS_THRESHOLD: f32 = 20.0; // PyTorch: above it softplus(x) = x (β = 1)
const INV_SQRT2: f64 = 0.7071067811865476;
const INV_SQRT_2PI: f64 = 0.3989422804014327;

/** Whether an activation saturates (flat tails): stats.ts counts its saturated outputs. */
// @ts-ignore: decorator
@inline export function isSaturating(kind: i32): bool {
  return kind == ACT_SIGMOID || kind == ACT_TANH;
}

/** a = f(z) over `count` values; `a` may equal `z`. Called once per layer per forward pass. */
export function activationForward(kind: i32, a: usize, z: usize, count: i32): void {
  const n = <usize>count << 2;
  switch (kind) {
    case ACT_LINEAR: {
      if (a != z) memory.copy(a, z, n);
      break;
    }
    case ACT_SIGMOID: {
      let p: usize = 0;
      if (ASC_FEATURE_SIMD) for (; p + 16 <= n; p += 16) st<v128>(a + p, sigmoidOf<v128>(ld<v128>(z + p)));
      for (; p < n; p += 4) st<f32>(a + p, sigmoidOf<f32>(ld<f32>(z + p)));
      break;
    }
    case ACT_TANH: {
      let p: usize = 0;
      if (ASC_FEATURE_SIMD) for (; p + 16 <= n; p += 16) st<v128>(a + p, tanhOf<v128>(ld<v128>(z + p)));
      for (; p < n; p += 4) st<f32>(a + p, tanhOf<f32>(ld<f32>(z + p)));
      break;
    }
    case ACT_RELU: {
      // max propagates NaN, as torch.relu does, in both widths.
      let p: usize = 0;
      if (ASC_FEATURE_SIMD) for (; p + 16 <= n; p += 16) st<v128>(a + p, maxOf<v128>(ld<v128>(z + p), splat<v128>(0)));
      for (; p < n; p += 4) st<f32>(a + p, maxOf<f32>(ld<f32>(z + p), 0));
      break;
    }
    case ACT_LEAKY_RELU: {
      let p: usize = 0;
      if (ASC_FEATURE_SIMD) {
        for (; p + 16 <= n; p += 16) {
          const x = ld<v128>(z + p);
          st<v128>(a + p, whereGt0<v128>(x, x, mul<v128>(x, splat<v128>(LEAKY_SLOPE))));
        }
      }
      for (; p < n; p += 4) {
        const x = ld<f32>(z + p);
        st<f32>(a + p, whereGt0<f32>(x, x, x * LEAKY_SLOPE));
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
    default: abort("unknown activation code");
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
      let p: usize = 0;
      if (ASC_FEATURE_SIMD) for (; p + 16 <= n; p += 16) sigmoidBackward<v128>(dz + p, da + p, a + p);
      for (; p < n; p += 4) sigmoidBackward<f32>(dz + p, da + p, a + p);
      break;
    }
    case ACT_TANH: {
      let p: usize = 0;
      if (ASC_FEATURE_SIMD) for (; p + 16 <= n; p += 16) tanhBackward<v128>(dz + p, da + p, a + p);
      for (; p < n; p += 4) tanhBackward<f32>(dz + p, da + p, a + p);
      break;
    }
    case ACT_RELU: {
      // PyTorch's threshold_backward: zero where z ≤ 0, so a NaN z passes the gradient.
      let p: usize = 0;
      if (ASC_FEATURE_SIMD) for (; p + 16 <= n; p += 16) st<v128>(dz + p, whereLe0<v128>(ld<v128>(z + p), splat<v128>(0), ld<v128>(da + p)));
      for (; p < n; p += 4) st<f32>(dz + p, whereLe0<f32>(ld<f32>(z + p), 0, ld<f32>(da + p)));
      break;
    }
    case ACT_LEAKY_RELU: {
      let p: usize = 0;
      if (ASC_FEATURE_SIMD) {
        for (; p + 16 <= n; p += 16) {
          const g = ld<v128>(da + p);
          st<v128>(dz + p, whereGt0<v128>(ld<v128>(z + p), g, mul<v128>(g, splat<v128>(LEAKY_SLOPE))));
        }
      }
      for (; p < n; p += 4) {
        const g = ld<f32>(da + p);
        st<f32>(dz + p, whereGt0<f32>(ld<f32>(z + p), g, g * LEAKY_SLOPE));
      }
      break;
    }
    case ACT_ELU: {
      let p: usize = 0;
      if (ASC_FEATURE_SIMD) for (; p + 16 <= n; p += 16) eluBackward<v128>(dz + p, da + p, z + p);
      for (; p < n; p += 4) eluBackward<f32>(dz + p, da + p, z + p);
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
    default: abort("unknown activation code");
  }
}

// @ts-ignore: decorator
@inline function sigmoidBackward<T>(dz: usize, da: usize, a: usize): void {
  const y = ld<T>(a);
  st<T>(dz, mul<T>(mul<T>(ld<T>(da), sub<T>(splat<T>(1), y)), y));
}

// @ts-ignore: decorator
@inline function tanhBackward<T>(dz: usize, da: usize, a: usize): void {
  const y = ld<T>(a);
  st<T>(dz, mul<T>(ld<T>(da), sub<T>(splat<T>(1), mul<T>(y, y))));
}

/** elu′ = eˣ for x ≤ 0 (so elu′(0) = 1), 1 above; NaN takes the x > 0 branch, as torch. */
// @ts-ignore: decorator
@inline function eluBackward<T>(dz: usize, da: usize, z: usize): void {
  const x = ld<T>(z);
  const g = ld<T>(da);
  st<T>(dz, whereLe0<T>(x, mul<T>(g, expOf<T>(x)), g));
}
