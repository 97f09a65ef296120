// Optimizer steps, one kernel per rule, following torch.optim 1.13's single-tensor code
// (NAdam: the ≥ 2.0 formula). Each updates `n` contiguous parameters in place from their
// gradients and per-parameter state slots, and never writes the gradient: weight decay is
// folded into a local copy, as PyTorch's `grad = grad.add(param, alpha=wd)` does.
// Per-step scalars that depend only on the step count (bias corrections, decayed rates) are
// computed by the host in f64, so the loops hold only elementwise work. All real-valued
// hyper-parameters arrive in an f64 block at `hp` (each kernel's first lines read it, in
// order), never as call arguments: a double passed across the JS→wasm boundary can cost a
// boxed JS number per call. Flags and the step's first/rectified switches stay i32 arguments.
// Each rule's update is written once (lanes.ts) and runs four parameters at a time in SIMD
// builds, one at a time for the tail and in the scalar build. A call the host armed with
// measureNextUpdate (a diagnostics step) runs through measuredUpdate instead, which calls
// the kernel back block by block and takes the statistics on the way.
import { absOf, add, div, ld, maxOf, mul, splat, sqrt, st, sub } from "./lanes";
import {
  measuredUpdate, RULE_ADADELTA, RULE_ADAGRAD, RULE_ADAM, RULE_ADAMAX, RULE_ADAMW, RULE_NADAM, RULE_RADAM, RULE_RMSPROP, RULE_SGD,
  takeMeasurement,
} from "./measured-update";

/** Calls `update<v128>` over the bulk (SIMD builds) and `update<f32>` over the rest. */
// @ts-ignore: decorator
@inline function lanesOf(n: i32): i32 {
  return ASC_FEATURE_SIMD ? n & ~3 : 0;
}

/**
 * SGD with optional momentum, dampening, Nesterov and L2 weight decay.
 * `first` = 1 on the first step: the momentum buffer is then initialised to the gradient.
 */
export function sgdStep(param: usize, grad: usize, buf: usize, n: i32, hp: usize, nesterov: i32, first: i32): void {
  if (takeMeasurement()) return measuredUpdate(RULE_SGD, param, grad, buf, 0, 0, hp, nesterov, first);
  const lr = <f32>load<f64>(hp, 0);
  const momentum = <f32>load<f64>(hp, 8);
  const damp = <f32>(1.0 - load<f64>(hp, 16));
  const wd = <f32>load<f64>(hp, 24);
  const bulk = lanesOf(n);
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; o < (<usize>bulk << 2); o += 16) {
      sgdUpdate<v128>(param + o, grad + o, buf + o, splat<v128>(lr), splat<v128>(momentum), splat<v128>(damp), splat<v128>(wd), wd != 0, momentum != 0, nesterov, first);
    }
  }
  for (; o < (<usize>n << 2); o += 4) sgdUpdate<f32>(param + o, grad + o, buf + o, lr, momentum, damp, wd, wd != 0, momentum != 0, nesterov, first);
}

// @ts-ignore: decorator
@inline function sgdUpdate<T>(pp: usize, pg: usize, pb: usize, lr: T, mu: T, damp: T, wd: T, decay: bool, hasMomentum: bool, nesterov: i32, first: i32): void {
  const p = ld<T>(pp);
  let g = ld<T>(pg);
  if (decay) g = add<T>(g, mul<T>(wd, p));
  if (hasMomentum) {
    const b = first ? g : add<T>(mul<T>(ld<T>(pb), mu), mul<T>(damp, g));
    st<T>(pb, b);
    g = nesterov ? add<T>(g, mul<T>(mu, b)) : b;
  }
  st<T>(pp, sub<T>(p, mul<T>(lr, g)));
}

/** Adagrad; clr = lr / (1 + (t − 1)·lrDecay) from the host. */
export function adagradStep(param: usize, grad: usize, sum: usize, n: i32, hp: usize): void {
  if (takeMeasurement()) return measuredUpdate(RULE_ADAGRAD, param, grad, sum, 0, 0, hp, 0, 0);
  const clr = <f32>load<f64>(hp, 0);
  const wd = <f32>load<f64>(hp, 8);
  const eps = <f32>load<f64>(hp, 16);
  const bulk = lanesOf(n);
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; o < (<usize>bulk << 2); o += 16) adagradUpdate<v128>(param + o, grad + o, sum + o, splat<v128>(clr), splat<v128>(wd), splat<v128>(eps), wd != 0);
  }
  for (; o < (<usize>n << 2); o += 4) adagradUpdate<f32>(param + o, grad + o, sum + o, clr, wd, eps, wd != 0);
}

// @ts-ignore: decorator
@inline function adagradUpdate<T>(pp: usize, pg: usize, ps: usize, clr: T, wd: T, eps: T, decay: bool): void {
  const p = ld<T>(pp);
  let g = ld<T>(pg);
  if (decay) g = add<T>(g, mul<T>(wd, p));
  const s = add<T>(ld<T>(ps), mul<T>(g, g));
  st<T>(ps, s);
  st<T>(pp, sub<T>(p, mul<T>(clr, div<T>(g, add<T>(sqrt<T>(s), eps)))));
}

/** RMSprop, optionally centered and with momentum (eps added after the square root). */
export function rmspropStep(param: usize, grad: usize, squareAvg: usize, gradAvg: usize, buf: usize, n: i32, hp: usize, centered: i32): void {
  if (takeMeasurement()) return measuredUpdate(RULE_RMSPROP, param, grad, squareAvg, gradAvg, buf, hp, centered, 0);
  const lr = <f32>load<f64>(hp, 0);
  const alpha = load<f64>(hp, 8);
  const eps = <f32>load<f64>(hp, 16);
  const wd = <f32>load<f64>(hp, 24);
  const momentum = <f32>load<f64>(hp, 32);
  const a = <f32>alpha, c = <f32>(1.0 - alpha);
  const bulk = lanesOf(n);
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; o < (<usize>bulk << 2); o += 16) {
      rmspropUpdate<v128>(param + o, grad + o, squareAvg + o, gradAvg + o, buf + o, splat<v128>(lr), splat<v128>(a), splat<v128>(c), splat<v128>(eps), splat<v128>(wd), splat<v128>(momentum), wd != 0, momentum > 0, centered);
    }
  }
  for (; o < (<usize>n << 2); o += 4) rmspropUpdate<f32>(param + o, grad + o, squareAvg + o, gradAvg + o, buf + o, lr, a, c, eps, wd, momentum, wd != 0, momentum > 0, centered);
}

// @ts-ignore: decorator
@inline function rmspropUpdate<T>(pp: usize, pg: usize, psq: usize, pga: usize, pb: usize, lr: T, a: T, c: T, eps: T, wd: T, mu: T, decay: bool, hasMomentum: bool, centered: i32): void {
  const p = ld<T>(pp);
  let g = ld<T>(pg);
  if (decay) g = add<T>(g, mul<T>(wd, p));
  const v = add<T>(mul<T>(ld<T>(psq), a), mul<T>(mul<T>(c, g), g));
  st<T>(psq, v);
  let avg: T;
  if (centered) {
    const ga = add<T>(mul<T>(ld<T>(pga), a), mul<T>(c, g));
    st<T>(pga, ga);
    avg = add<T>(sqrt<T>(sub<T>(v, mul<T>(ga, ga))), eps);
  } else {
    avg = add<T>(sqrt<T>(v), eps);
  }
  if (hasMomentum) {
    const b = add<T>(mul<T>(ld<T>(pb), mu), div<T>(g, avg));
    st<T>(pb, b);
    st<T>(pp, sub<T>(p, mul<T>(lr, b)));
  } else {
    st<T>(pp, sub<T>(p, mul<T>(lr, div<T>(g, avg))));
  }
}

/**
 * Adam with coupled L2 weight decay, optionally AMSGrad (running max of the raw second
 * moment, then bias-corrected). hp: stepSize = lr/(1 − β₁ᵗ), √(1 − β₂ᵗ), β₁, β₂, eps, weightDecay.
 */
export function adamStep(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, n: i32, hp: usize, amsgrad: i32): void {
  if (takeMeasurement()) return measuredUpdate(RULE_ADAM, param, grad, expAvg, expAvgSq, maxExpAvgSq, hp, amsgrad, 0);
  adamLoop(param, grad, expAvg, expAvgSq, maxExpAvgSq, n, hp, amsgrad, 1, 0);
}

/**
 * AdamW: decoupled decay θ ← θ(1 − lr·λ) first, then the Adam step without L2.
 * hp: lr, then Adam's block with λ as its weightDecay.
 */
export function adamwStep(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, n: i32, hp: usize, amsgrad: i32): void {
  if (takeMeasurement()) return measuredUpdate(RULE_ADAMW, param, grad, expAvg, expAvgSq, maxExpAvgSq, hp, amsgrad, 0);
  adamLoop(param, grad, expAvg, expAvgSq, maxExpAvgSq, n, hp + 8, amsgrad, <f32>(1.0 - load<f64>(hp, 0) * load<f64>(hp, 48)), 1);
}

// @ts-ignore: decorator
@inline function adamLoop(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, n: i32, hp: usize, amsgrad: i32, keep: f32, decoupled: i32): void {
  const stepSize = <f32>load<f64>(hp, 0);
  const bc = <f32>load<f64>(hp, 8);
  const beta1 = load<f64>(hp, 16);
  const beta2 = load<f64>(hp, 24);
  const eps = <f32>load<f64>(hp, 32);
  const wd: f32 = decoupled ? 0 : <f32>load<f64>(hp, 40);
  const b1 = <f32>beta1, b2 = <f32>beta2, c1 = <f32>(1.0 - beta1), c2 = <f32>(1.0 - beta2);
  const bulk = lanesOf(n);
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; o < (<usize>bulk << 2); o += 16) {
      adamUpdate<v128>(param + o, grad + o, expAvg + o, expAvgSq + o, maxExpAvgSq + o, splat<v128>(stepSize), splat<v128>(bc), splat<v128>(b1), splat<v128>(b2), splat<v128>(c1), splat<v128>(c2), splat<v128>(eps), splat<v128>(wd), splat<v128>(keep), wd != 0, decoupled, amsgrad);
    }
  }
  for (; o < (<usize>n << 2); o += 4) {
    adamUpdate<f32>(param + o, grad + o, expAvg + o, expAvgSq + o, maxExpAvgSq + o, stepSize, bc, b1, b2, c1, c2, eps, wd, keep, wd != 0, decoupled, amsgrad);
  }
}

// @ts-ignore: decorator
@inline function adamUpdate<T>(pp: usize, pg: usize, pm: usize, pv: usize, pvmax: usize, ss: T, bc: T, b1: T, b2: T, c1: T, c2: T, eps: T, wd: T, keep: T, decay: bool, decoupled: i32, amsgrad: i32): void {
  let p = ld<T>(pp);
  if (decoupled) p = mul<T>(p, keep);
  let g = ld<T>(pg);
  if (decay) g = add<T>(g, mul<T>(wd, p));
  const m = add<T>(mul<T>(ld<T>(pm), b1), mul<T>(c1, g));
  const v = add<T>(mul<T>(ld<T>(pv), b2), mul<T>(mul<T>(c2, g), g));
  st<T>(pm, m);
  st<T>(pv, v);
  let vHat = v;
  if (amsgrad) {
    vHat = maxOf<T>(ld<T>(pvmax), v);
    st<T>(pvmax, vHat);
  }
  const denom = add<T>(div<T>(sqrt<T>(vHat), bc), eps);
  st<T>(pp, sub<T>(p, mul<T>(ss, div<T>(m, denom))));
}

/** Adamax: u ← max(β₂u, |g| + ε); θ ← θ − clr·m/u. hp: clr = lr/(1 − β₁ᵗ), β₁, β₂, eps, weightDecay. */
export function adamaxStep(param: usize, grad: usize, expAvg: usize, expInf: usize, n: i32, hp: usize): void {
  if (takeMeasurement()) return measuredUpdate(RULE_ADAMAX, param, grad, expAvg, expInf, 0, hp, 0, 0);
  const clr = <f32>load<f64>(hp, 0);
  const beta1 = load<f64>(hp, 8);
  const b2 = <f32>load<f64>(hp, 16);
  const eps = <f32>load<f64>(hp, 24);
  const wd = <f32>load<f64>(hp, 32);
  const b1 = <f32>beta1, c1 = <f32>(1.0 - beta1);
  const bulk = lanesOf(n);
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; o < (<usize>bulk << 2); o += 16) adamaxUpdate<v128>(param + o, grad + o, expAvg + o, expInf + o, splat<v128>(clr), splat<v128>(b1), splat<v128>(c1), splat<v128>(b2), splat<v128>(eps), splat<v128>(wd), wd != 0);
  }
  for (; o < (<usize>n << 2); o += 4) adamaxUpdate<f32>(param + o, grad + o, expAvg + o, expInf + o, clr, b1, c1, b2, eps, wd, wd != 0);
}

// @ts-ignore: decorator
@inline function adamaxUpdate<T>(pp: usize, pg: usize, pm: usize, pu: usize, clr: T, b1: T, c1: T, b2: T, eps: T, wd: T, decay: bool): void {
  const p = ld<T>(pp);
  let g = ld<T>(pg);
  if (decay) g = add<T>(g, mul<T>(wd, p));
  const m = add<T>(mul<T>(ld<T>(pm), b1), mul<T>(c1, g));
  const u = maxOf<T>(mul<T>(ld<T>(pu), b2), add<T>(absOf<T>(g), eps));
  st<T>(pm, m);
  st<T>(pu, u);
  st<T>(pp, sub<T>(p, mul<T>(clr, div<T>(m, u))));
}

/**
 * NAdam (PyTorch ≥ 2.0 formula): θ ← θ − gradCoef·g/d − avgCoef·m/d with d = √v/√(1 − β₂ᵗ) + ε.
 * hp: gradCoef = lr(1 − μₜ)/(1 − Πμ≤ₜ), avgCoef = lr·μₜ₊₁/(1 − Πμ≤ₜ₊₁), √(1 − β₂ᵗ), β₁, β₂, eps, weightDecay.
 */
export function nadamStep(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, n: i32, hp: usize): void {
  if (takeMeasurement()) return measuredUpdate(RULE_NADAM, param, grad, expAvg, expAvgSq, 0, hp, 0, 0);
  const gc = <f32>load<f64>(hp, 0);
  const ac = <f32>load<f64>(hp, 8);
  const bc = <f32>load<f64>(hp, 16);
  const beta1 = load<f64>(hp, 24);
  const beta2 = load<f64>(hp, 32);
  const eps = <f32>load<f64>(hp, 40);
  const wd = <f32>load<f64>(hp, 48);
  const b1 = <f32>beta1, b2 = <f32>beta2, c1 = <f32>(1.0 - beta1), c2 = <f32>(1.0 - beta2);
  const bulk = lanesOf(n);
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; o < (<usize>bulk << 2); o += 16) {
      nadamUpdate<v128>(param + o, grad + o, expAvg + o, expAvgSq + o, splat<v128>(gc), splat<v128>(ac), splat<v128>(bc), splat<v128>(b1), splat<v128>(b2), splat<v128>(c1), splat<v128>(c2), splat<v128>(eps), splat<v128>(wd), wd != 0);
    }
  }
  for (; o < (<usize>n << 2); o += 4) nadamUpdate<f32>(param + o, grad + o, expAvg + o, expAvgSq + o, gc, ac, bc, b1, b2, c1, c2, eps, wd, wd != 0);
}

// @ts-ignore: decorator
@inline function nadamUpdate<T>(pp: usize, pg: usize, pm: usize, pv: usize, gc: T, ac: T, bc: T, b1: T, b2: T, c1: T, c2: T, eps: T, wd: T, decay: bool): void {
  const p = ld<T>(pp);
  let g = ld<T>(pg);
  if (decay) g = add<T>(g, mul<T>(wd, p));
  const m = add<T>(mul<T>(ld<T>(pm), b1), mul<T>(c1, g));
  const v = add<T>(mul<T>(ld<T>(pv), b2), mul<T>(mul<T>(c2, g), g));
  st<T>(pm, m);
  st<T>(pv, v);
  const denom = add<T>(div<T>(sqrt<T>(v), bc), eps);
  st<T>(pp, sub<T>(sub<T>(p, mul<T>(gc, div<T>(g, denom))), mul<T>(ac, div<T>(m, denom))));
}

/**
 * RAdam. While the variance is intractable (ρₜ ≤ 5, `rectified` = 0): θ ← θ − lr·m/(1 − β₁ᵗ).
 * Otherwise θ ← θ − lr·m/(1 − β₁ᵗ)·√(1 − β₂ᵗ)/(√v + ε)·rect.
 * hp: lr, 1 − β₁ᵗ, √(1 − β₂ᵗ), rect, β₁, β₂, eps, weightDecay.
 */
export function radamStep(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, n: i32, hp: usize, rectified: i32): void {
  if (takeMeasurement()) return measuredUpdate(RULE_RADAM, param, grad, expAvg, expAvgSq, 0, hp, rectified, 0);
  const lr = <f32>load<f64>(hp, 0);
  const bc1 = <f32>load<f64>(hp, 8);
  const bc = <f32>load<f64>(hp, 16);
  const rect = <f32>load<f64>(hp, 24);
  const beta1 = load<f64>(hp, 32);
  const beta2 = load<f64>(hp, 40);
  const eps = <f32>load<f64>(hp, 48);
  const wd = <f32>load<f64>(hp, 56);
  const b1 = <f32>beta1, b2 = <f32>beta2, c1 = <f32>(1.0 - beta1), c2 = <f32>(1.0 - beta2);
  const bulk = lanesOf(n);
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; o < (<usize>bulk << 2); o += 16) {
      radamUpdate<v128>(param + o, grad + o, expAvg + o, expAvgSq + o, splat<v128>(lr), splat<v128>(bc1), splat<v128>(bc), splat<v128>(rect), splat<v128>(b1), splat<v128>(b2), splat<v128>(c1), splat<v128>(c2), splat<v128>(eps), splat<v128>(wd), wd != 0, rectified);
    }
  }
  for (; o < (<usize>n << 2); o += 4) radamUpdate<f32>(param + o, grad + o, expAvg + o, expAvgSq + o, lr, bc1, bc, rect, b1, b2, c1, c2, eps, wd, wd != 0, rectified);
}

// @ts-ignore: decorator
@inline function radamUpdate<T>(pp: usize, pg: usize, pm: usize, pv: usize, lr: T, bc1: T, bc: T, rect: T, b1: T, b2: T, c1: T, c2: T, eps: T, wd: T, decay: bool, rectified: i32): void {
  const p = ld<T>(pp);
  let g = ld<T>(pg);
  if (decay) g = add<T>(g, mul<T>(wd, p));
  const m = add<T>(mul<T>(ld<T>(pm), b1), mul<T>(c1, g));
  const v = add<T>(mul<T>(ld<T>(pv), b2), mul<T>(mul<T>(c2, g), g));
  st<T>(pm, m);
  st<T>(pv, v);
  const mHat = div<T>(m, bc1);
  if (rectified) {
    const adaptive = div<T>(bc, add<T>(sqrt<T>(v), eps));
    st<T>(pp, sub<T>(p, mul<T>(mul<T>(mul<T>(mHat, lr), adaptive), rect)));
  } else {
    st<T>(pp, sub<T>(p, mul<T>(mHat, lr)));
  }
}

/** Adadelta: Δ = √(u + ε)/√(v + ε)·g with v, u running averages of g² and Δ². hp: lr, ρ, eps, weightDecay. */
export function adadeltaStep(param: usize, grad: usize, squareAvg: usize, accDelta: usize, n: i32, hp: usize): void {
  if (takeMeasurement()) return measuredUpdate(RULE_ADADELTA, param, grad, squareAvg, accDelta, 0, hp, 0, 0);
  const lr = <f32>load<f64>(hp, 0);
  const rho = load<f64>(hp, 8);
  const eps = <f32>load<f64>(hp, 16);
  const wd = <f32>load<f64>(hp, 24);
  const r = <f32>rho, c = <f32>(1.0 - rho);
  const bulk = lanesOf(n);
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; o < (<usize>bulk << 2); o += 16) adadeltaUpdate<v128>(param + o, grad + o, squareAvg + o, accDelta + o, splat<v128>(lr), splat<v128>(r), splat<v128>(c), splat<v128>(eps), splat<v128>(wd), wd != 0);
  }
  for (; o < (<usize>n << 2); o += 4) adadeltaUpdate<f32>(param + o, grad + o, squareAvg + o, accDelta + o, lr, r, c, eps, wd, wd != 0);
}

// @ts-ignore: decorator
@inline function adadeltaUpdate<T>(pp: usize, pg: usize, pv: usize, pu: usize, lr: T, r: T, c: T, eps: T, wd: T, decay: bool): void {
  const p = ld<T>(pp);
  let g = ld<T>(pg);
  if (decay) g = add<T>(g, mul<T>(wd, p));
  const v = add<T>(mul<T>(ld<T>(pv), r), mul<T>(mul<T>(c, g), g));
  st<T>(pv, v);
  const u = ld<T>(pu);
  const delta = mul<T>(div<T>(sqrt<T>(add<T>(u, eps)), sqrt<T>(add<T>(v, eps))), g);
  st<T>(pu, add<T>(mul<T>(u, r), mul<T>(mul<T>(c, delta), delta)));
  st<T>(pp, sub<T>(p, mul<T>(lr, delta)));
}
