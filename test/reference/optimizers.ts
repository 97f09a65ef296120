// Reference f64 optimizer steps: torch.optim 1.13's single-tensor code paths (maximize=False,
// dense real tensors), except NAdam, which follows the PyTorch ≥ 2.0 formula (1.13's foreach
// path) with a mu_product state. Every step takes the user-level hyper-parameters and, where
// the rule depends on it, the 1-based step count t, and derives bias corrections, decayed
// rates and rectification terms itself. `param` and the state arrays are updated in place;
// `grad` is never written (weight decay works on a copy, as torch's grad.add(param) does).

type Vec = Float64Array;

/** Copy of g with coupled L2 weight decay folded in: g + λθ (or g itself when λ = 0). */
function decayed(grad: ArrayLike<number>, param: Vec, weightDecay: number): Vec {
  const g = Float64Array.from(grad);
  if (weightDecay !== 0) for (let i = 0; i < g.length; i++) g[i] += weightDecay * param[i];
  return g;
}

// ---------------------------------------------------------------- SGD

export interface SgdHyper { lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean }
/** torch.optim.SGD defaults (lr is required there; 0.01 is a placeholder). */
export const SGD_DEFAULTS: SgdHyper = { lr: 0.01, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false };
/** momentumBuffer is null until the first step with momentum ≠ 0, as torch's state. */
export interface SgdState { momentumBuffer: Vec | null }
export const createSgdState = (): SgdState => ({ momentumBuffer: null });

/** SGD: b₁ = g, bₜ = μbₜ₋₁ + (1 − τ)g; nesterov g + μbₜ else bₜ; θ ← θ − γ·that. */
export function sgdStep(param: Vec, grad: ArrayLike<number>, state: SgdState, h: SgdHyper): void {
  let d = decayed(grad, param, h.weightDecay);
  if (h.momentum !== 0) {
    let buf = state.momentumBuffer;
    if (buf === null) {
      buf = Float64Array.from(d);
      state.momentumBuffer = buf;
    } else {
      for (let i = 0; i < buf.length; i++) buf[i] = buf[i] * h.momentum + (1 - h.dampening) * d[i];
    }
    if (h.nesterov) {
      for (let i = 0; i < d.length; i++) d[i] += h.momentum * buf[i];
    } else {
      d = buf;
    }
  }
  for (let i = 0; i < param.length; i++) param[i] -= h.lr * d[i];
}

// ---------------------------------------------------------------- Adagrad

export interface AdagradHyper { lr: number; lrDecay: number; weightDecay: number; initialAccumulatorValue: number; eps: number }
export const ADAGRAD_DEFAULTS: AdagradHyper = { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 };
export interface AdagradState { sum: Vec }
export const createAdagradState = (n: number, h: AdagradHyper): AdagradState => ({
  sum: new Float64Array(n).fill(h.initialAccumulatorValue),
});

/** Adagrad step t: clr = γ/(1 + (t − 1)η); s += g²; θ ← θ − clr·g/(√s + ε). */
export function adagradStep(param: Vec, grad: ArrayLike<number>, state: AdagradState, h: AdagradHyper, t: number): void {
  const g = decayed(grad, param, h.weightDecay);
  const clr = h.lr / (1 + (t - 1) * h.lrDecay);
  for (let i = 0; i < param.length; i++) {
    state.sum[i] += g[i] * g[i];
    param[i] -= clr * (g[i] / (Math.sqrt(state.sum[i]) + h.eps));
  }
}

// ---------------------------------------------------------------- RMSprop

export interface RmspropHyper { lr: number; alpha: number; eps: number; weightDecay: number; momentum: number; centered: boolean }
export const RMSPROP_DEFAULTS: RmspropHyper = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false };
export interface RmspropState { squareAvg: Vec; gradAvg: Vec; momentumBuffer: Vec }
export const createRmspropState = (n: number): RmspropState => ({
  squareAvg: new Float64Array(n), gradAvg: new Float64Array(n), momentumBuffer: new Float64Array(n),
});

/** RMSprop: v ← αv + (1−α)g²; centered ṽ = v − ḡ²; avg = √ṽ + ε; momentum b ← μb + g/avg. */
export function rmspropStep(param: Vec, grad: ArrayLike<number>, state: RmspropState, h: RmspropHyper): void {
  const g = decayed(grad, param, h.weightDecay);
  for (let i = 0; i < param.length; i++) {
    const v = (state.squareAvg[i] = state.squareAvg[i] * h.alpha + (1 - h.alpha) * g[i] * g[i]);
    let avg: number;
    if (h.centered) {
      const ga = (state.gradAvg[i] = state.gradAvg[i] * h.alpha + (1 - h.alpha) * g[i]);
      avg = Math.sqrt(v - ga * ga) + h.eps;
    } else {
      avg = Math.sqrt(v) + h.eps;
    }
    if (h.momentum > 0) {
      const b = (state.momentumBuffer[i] = state.momentumBuffer[i] * h.momentum + g[i] / avg);
      param[i] -= h.lr * b;
    } else {
      param[i] -= h.lr * (g[i] / avg);
    }
  }
}

// ---------------------------------------------------------------- Adam / AdamW

export interface AdamHyper { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; amsgrad: boolean }
export const ADAM_DEFAULTS: AdamHyper = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false };
export const ADAMW_DEFAULTS: AdamHyper = { ...ADAM_DEFAULTS, weightDecay: 1e-2 };
export interface AdamState { expAvg: Vec; expAvgSq: Vec; maxExpAvgSq: Vec }
export const createAdamState = (n: number): AdamState => ({
  expAvg: new Float64Array(n), expAvgSq: new Float64Array(n), maxExpAvgSq: new Float64Array(n),
});

/** The moment updates and bias-corrected step shared by Adam and AdamW (g already decayed or not). */
function adamUpdate(param: Vec, g: Vec, state: AdamState, h: AdamHyper, t: number): void {
  const bc1 = 1 - h.beta1 ** t;
  const bc2 = 1 - h.beta2 ** t;
  const stepSize = h.lr / bc1;
  const bc2Sqrt = Math.sqrt(bc2);
  for (let i = 0; i < param.length; i++) {
    const m = (state.expAvg[i] = state.expAvg[i] * h.beta1 + (1 - h.beta1) * g[i]);
    const v = (state.expAvgSq[i] = state.expAvgSq[i] * h.beta2 + (1 - h.beta2) * g[i] * g[i]);
    let vHat = v;
    if (h.amsgrad) vHat = state.maxExpAvgSq[i] = Math.max(state.maxExpAvgSq[i], v);
    const denom = Math.sqrt(vHat) / bc2Sqrt + h.eps;
    param[i] -= stepSize * (m / denom);
  }
}

/** Adam step t with coupled L2 decay; AMSGrad keeps the max of the raw second moment. */
export function adamStep(param: Vec, grad: ArrayLike<number>, state: AdamState, h: AdamHyper, t: number): void {
  adamUpdate(param, decayed(grad, param, h.weightDecay), state, h, t);
}

/** AdamW step t: θ ← θ(1 − γλ) first, then the Adam update without L2. */
export function adamwStep(param: Vec, grad: ArrayLike<number>, state: AdamState, h: AdamHyper, t: number): void {
  for (let i = 0; i < param.length; i++) param[i] *= 1 - h.lr * h.weightDecay;
  adamUpdate(param, Float64Array.from(grad), state, h, t);
}

// ---------------------------------------------------------------- Adamax

export interface AdamaxHyper { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number }
export const ADAMAX_DEFAULTS: AdamaxHyper = { lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };
export interface AdamaxState { expAvg: Vec; expInf: Vec }
export const createAdamaxState = (n: number): AdamaxState => ({ expAvg: new Float64Array(n), expInf: new Float64Array(n) });

/** Adamax step t: m ← β₁m + (1−β₁)g; u ← max(β₂u, |g| + ε); θ ← θ − γ/(1 − β₁ᵗ)·m/u. */
export function adamaxStep(param: Vec, grad: ArrayLike<number>, state: AdamaxState, h: AdamaxHyper, t: number): void {
  const g = decayed(grad, param, h.weightDecay);
  const clr = h.lr / (1 - h.beta1 ** t);
  for (let i = 0; i < param.length; i++) {
    const m = (state.expAvg[i] = state.expAvg[i] * h.beta1 + (1 - h.beta1) * g[i]);
    const u = (state.expInf[i] = Math.max(state.expInf[i] * h.beta2, Math.abs(g[i]) + h.eps));
    param[i] -= clr * (m / u);
  }
}

// ---------------------------------------------------------------- NAdam

export interface NadamHyper { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; momentumDecay: number }
export const NADAM_DEFAULTS: NadamHyper = { lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3 };
/** muProduct = Π_{i ≤ t} μᵢ, 1 before the first step. */
export interface NadamState { expAvg: Vec; expAvgSq: Vec; muProduct: number }
export const createNadamState = (n: number): NadamState => ({ expAvg: new Float64Array(n), expAvgSq: new Float64Array(n), muProduct: 1 });

/** NAdam's momentum schedule μₜ = β₁(1 − ½·0.96^{tψ}). */
export const nadamMu = (beta1: number, momentumDecay: number, t: number): number =>
  beta1 * (1 - 0.5 * 0.96 ** (t * momentumDecay));

/**
 * NAdam step t (PyTorch ≥ 2.0): Π ← Π·μₜ; d = √(v/(1 − β₂ᵗ)) + ε;
 * θ ← θ − γ(1 − μₜ)/(1 − Π)·g/d − γμₜ₊₁/(1 − Π·μₜ₊₁)·m/d.
 */
export function nadamStep(param: Vec, grad: ArrayLike<number>, state: NadamState, h: NadamHyper, t: number): void {
  const g = decayed(grad, param, h.weightDecay);
  const bc2Sqrt = Math.sqrt(1 - h.beta2 ** t);
  const mu = nadamMu(h.beta1, h.momentumDecay, t);
  const muNext = nadamMu(h.beta1, h.momentumDecay, t + 1);
  state.muProduct *= mu;
  const gradCoef = (h.lr * (1 - mu)) / (1 - state.muProduct);
  const avgCoef = (h.lr * muNext) / (1 - state.muProduct * muNext);
  for (let i = 0; i < param.length; i++) {
    const m = (state.expAvg[i] = state.expAvg[i] * h.beta1 + (1 - h.beta1) * g[i]);
    const v = (state.expAvgSq[i] = state.expAvgSq[i] * h.beta2 + (1 - h.beta2) * g[i] * g[i]);
    const denom = Math.sqrt(v) / bc2Sqrt + h.eps;
    param[i] -= gradCoef * (g[i] / denom);
    param[i] -= avgCoef * (m / denom);
  }
}

// ---------------------------------------------------------------- RAdam

export interface RadamHyper { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number }
export const RADAM_DEFAULTS: RadamHyper = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };
export interface RadamState { expAvg: Vec; expAvgSq: Vec }
export const createRadamState = (n: number): RadamState => ({ expAvg: new Float64Array(n), expAvgSq: new Float64Array(n) });

/** RAdam's SMA length ρₜ = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ), ρ∞ = 2/(1 − β₂) − 1. */
export function radamRho(beta2: number, t: number): { rhoInf: number; rhoT: number } {
  const rhoInf = 2 / (1 - beta2) - 1;
  return { rhoInf, rhoT: rhoInf - (2 * t * beta2 ** t) / (1 - beta2 ** t) };
}

/** The variance rectification term r = √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ)). */
export function radamRect(rhoInf: number, rhoT: number): number {
  return Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
}

/** RAdam step t: m̂ = m/(1 − β₁ᵗ); if ρₜ > 5 θ ← θ − γm̂·r·√(1 − β₂ᵗ)/(√v + ε), else θ ← θ − γm̂. */
export function radamStep(param: Vec, grad: ArrayLike<number>, state: RadamState, h: RadamHyper, t: number): void {
  const g = decayed(grad, param, h.weightDecay);
  const bc1 = 1 - h.beta1 ** t;
  const bc2 = 1 - h.beta2 ** t;
  const { rhoInf, rhoT } = radamRho(h.beta2, t);
  const rectified = rhoT > 5;
  const rect = rectified ? radamRect(rhoInf, rhoT) : 0;
  for (let i = 0; i < param.length; i++) {
    const m = (state.expAvg[i] = state.expAvg[i] * h.beta1 + (1 - h.beta1) * g[i]);
    const v = (state.expAvgSq[i] = state.expAvgSq[i] * h.beta2 + (1 - h.beta2) * g[i] * g[i]);
    const mHat = m / bc1;
    if (rectified) {
      const adaptiveLr = Math.sqrt(bc2) / (Math.sqrt(v) + h.eps);
      param[i] -= mHat * h.lr * adaptiveLr * rect;
    } else {
      param[i] -= mHat * h.lr;
    }
  }
}

// ---------------------------------------------------------------- Adadelta

export interface AdadeltaHyper { lr: number; rho: number; eps: number; weightDecay: number }
export const ADADELTA_DEFAULTS: AdadeltaHyper = { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0 };
export interface AdadeltaState { squareAvg: Vec; accDelta: Vec }
export const createAdadeltaState = (n: number): AdadeltaState => ({ squareAvg: new Float64Array(n), accDelta: new Float64Array(n) });

/** Adadelta: v ← ρv + (1−ρ)g²; Δ = √(u + ε)/√(v + ε)·g; u ← ρu + (1−ρ)Δ²; θ ← θ − γΔ. */
export function adadeltaStep(param: Vec, grad: ArrayLike<number>, state: AdadeltaState, h: AdadeltaHyper): void {
  const g = decayed(grad, param, h.weightDecay);
  for (let i = 0; i < param.length; i++) {
    const v = (state.squareAvg[i] = state.squareAvg[i] * h.rho + (1 - h.rho) * g[i] * g[i]);
    const delta = (Math.sqrt(state.accDelta[i] + h.eps) / Math.sqrt(v + h.eps)) * g[i];
    state.accDelta[i] = state.accDelta[i] * h.rho + (1 - h.rho) * delta * delta;
    param[i] -= h.lr * delta;
  }
}
