// Reference f64 activations and derivatives with PyTorch's definitions (torch.nn.functional,
// default parameters), including its values at the kinks: relu′(0) = 0, leaky_relu′(0) = 0.01
// (the negative slope), elu′(0) = 1, softplus with β = 1 and threshold 20, exact (erf) GELU.
import { erf } from './erf.js';

export { erf };

/** The activation names, in the order of the kernels' ACT_* codes 0…7. */
export const ACTIVATION_NAMES = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'softplus', 'gelu'] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** nn.LeakyReLU default negative_slope. */
export const LEAKY_SLOPE = 0.01;
/** nn.ELU default alpha. */
export const ELU_ALPHA = 1;
/** nn.Softplus defaults: beta = 1, threshold = 20 (above it softplus(x) = x). */
export const SOFTPLUS_BETA = 1;
export const SOFTPLUS_THRESHOLD = 20;

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)

/** Identity. */
export const linear = (x: number): number => x;
/** d/dx x = 1. */
export const linearDerivative = (_x: number): number => 1;

/** Logistic sigmoid 1/(1 + e^{−x}). */
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
/** σ′(x) = σ(x)(1 − σ(x)). */
export const sigmoidDerivative = (x: number): number => {
  const s = sigmoid(x);
  return s * (1 - s);
};

/** Hyperbolic tangent. */
export const tanh = (x: number): number => Math.tanh(x);
/** tanh′(x) = 1 − tanh²(x). */
export const tanhDerivative = (x: number): number => {
  const t = Math.tanh(x);
  return 1 - t * t;
};

/** max(x, 0); NaN propagates as in torch.relu. */
export const relu = (x: number): number => (Number.isNaN(x) ? x : x > 0 ? x : 0);
/** 0 for x ≤ 0, else 1 (torch's threshold_backward: relu′(0) = 0, and NaN passes the gradient). */
export const reluDerivative = (x: number): number => (x <= 0 ? 0 : 1);

/** x for x > 0, else 0.01·x. */
export const leakyRelu = (x: number): number => (x > 0 ? x : x * LEAKY_SLOPE);
/** 1 for x > 0, else 0.01 (so leaky_relu′(0) = 0.01). */
export const leakyReluDerivative = (x: number): number => (x > 0 ? 1 : LEAKY_SLOPE);

/** x for x > 0, else α(eˣ − 1) with α = 1. */
export const elu = (x: number): number => (x > 0 ? x : ELU_ALPHA * Math.expm1(x));
/** α·eˣ for x ≤ 0, else 1 (so elu′(0) = 1; NaN takes the x > 0 branch, as torch's elu_backward). */
export const eluDerivative = (x: number): number => (x <= 0 ? ELU_ALPHA * Math.exp(x) : 1);

/** log(1 + eˣ), or x itself once β·x > threshold (PyTorch's linear regime). */
export const softplus = (x: number): number =>
  SOFTPLUS_BETA * x > SOFTPLUS_THRESHOLD ? x : Math.log1p(Math.exp(SOFTPLUS_BETA * x)) / SOFTPLUS_BETA;
/** eˣ/(1 + eˣ), or exactly 1 in the linear regime (torch's softplus_backward). */
export const softplusDerivative = (x: number): number => {
  if (SOFTPLUS_BETA * x > SOFTPLUS_THRESHOLD) return 1;
  const e = Math.exp(SOFTPLUS_BETA * x);
  return e / (e + 1);
};

/** Standard normal CDF Φ(x) = ½(1 + erf(x/√2)). */
export const normalCdf = (x: number): number => 0.5 * (1 + erf(x * INV_SQRT2));
/** Standard normal density φ(x). */
export const normalPdf = (x: number): number => INV_SQRT_2PI * Math.exp(-0.5 * x * x);
/** Exact GELU x·Φ(x) (approximate='none'). */
export const gelu = (x: number): number => x * normalCdf(x);
/** GELU′(x) = Φ(x) + x·φ(x). */
export const geluDerivative = (x: number): number => normalCdf(x) + x * normalPdf(x);

/** f and f′ of one activation. */
export interface Activation {
  f(x: number): number;
  df(x: number): number;
  /** Points where f′ is discontinuous (finite differences are meaningless right there). */
  kinks: readonly number[];
}

/** Every activation by name. */
export const ACTIVATIONS: Readonly<Record<ActivationName, Activation>> = {
  linear: { f: linear, df: linearDerivative, kinks: [] },
  sigmoid: { f: sigmoid, df: sigmoidDerivative, kinks: [] },
  tanh: { f: tanh, df: tanhDerivative, kinks: [] },
  relu: { f: relu, df: reluDerivative, kinks: [0] },
  leaky_relu: { f: leakyRelu, df: leakyReluDerivative, kinks: [0] },
  elu: { f: elu, df: eluDerivative, kinks: [] }, // C¹ at 0 for α = 1
  softplus: { f: softplus, df: softplusDerivative, kinks: [SOFTPLUS_THRESHOLD] }, // jump of ~2e-9
  gelu: { f: gelu, df: geluDerivative, kinks: [] },
};

/** a = f(z) elementwise. */
export function activationForward(name: ActivationName, z: ArrayLike<number>): Float64Array {
  const f = ACTIVATIONS[name].f;
  const a = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) a[i] = f(z[i]);
  return a;
}

/**
 * dz = da ⊙ f′ elementwise, as PyTorch's backward computes it: sigmoid and tanh from the
 * saved output a (σ′ = a(1 − a), tanh′ = 1 − a²), every other activation from the input z.
 */
export function activationBackward(
  name: ActivationName, da: ArrayLike<number>, z: ArrayLike<number>, a: ArrayLike<number>,
): Float64Array {
  const dz = new Float64Array(da.length);
  const df = ACTIVATIONS[name].df;
  for (let i = 0; i < da.length; i++) {
    if (name === 'sigmoid') dz[i] = da[i] * (1 - a[i]) * a[i];
    else if (name === 'tanh') dz[i] = da[i] * (1 - a[i] * a[i]);
    else dz[i] = da[i] * df(z[i]);
  }
  return dz;
}
