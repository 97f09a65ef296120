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
// builds, one at a time for the tail and in the scalar build. The SIMD loops splat their
// constants once and take two vectors per iteration: the divide and square-root chains are
// long, and fewer instructions per vector let the CPU overlap more of them (4–17% faster per
// rule than one vector per iteration with splats inside, measured; Adam 12%).
// A call the host armed with measureNextUpdate (a diagnostics step) runs through
// measuredUpdate instead, block by block. SGD and Adam(W) in its default configuration have
// a `…Measured` twin for that: the same loop, which also keeps the old parameters aside and
// sums the raw gradient's squares on the way (see measured-update.ts for the other rules).
import { absOf, add, div, ld, maxOf, mul, sqrt, st, sub } from "./lanes";
import {
  addGradientSquares, measuredUpdate, RULE_ADADELTA, RULE_ADAGRAD, RULE_ADAM, RULE_ADAMAX, RULE_ADAMW, RULE_NADAM, RULE_RADAM,
  RULE_RMSPROP, RULE_SGD, takeMeasurement,
} from "./measured-update";
import { lanesSum } from "./stats";

/** Byte offset where the two-vectors-per-iteration SIMD body ends (0 without SIMD). */
// @ts-ignore: decorator
@inline function pairsEnd(n: i32): usize {
  return ASC_FEATURE_SIMD ? <usize>(n & ~7) << 2 : 0;
}

/** Byte offset where the SIMD body ends: the rest is the scalar tail (0 without SIMD). */
// @ts-ignore: decorator
@inline function vectorsEnd(n: i32): usize {
  return ASC_FEATURE_SIMD ? <usize>(n & ~3) << 2 : 0;
}

/** acc + g² lane-wise. */
// @ts-ignore: decorator
@inline function addSquare(acc: v128, g: v128): v128 {
  return f32x4.add(acc, f32x4.mul(g, g));
}

/** Keeps the old parameter aside when measuring (`save`: at ps). */
// @ts-ignore: decorator
@inline function loadParam<T>(pp: usize, ps: usize, save: bool): T {
  const p = ld<T>(pp);
  if (save) st<T>(ps, p);
  return p;
}

/**
 * SGD with optional momentum, dampening, Nesterov and L2 weight decay.
 * `first` = 1 on the first step: the momentum buffer is then initialised to the gradient.
 */
export function sgdStep(param: usize, grad: usize, buf: usize, n: i32, hp: usize, nesterov: i32, first: i32): void {
  if (takeMeasurement()) return measuredUpdate(RULE_SGD, param, grad, buf, 0, 0, hp, nesterov, first);
  sgdLoop(param, grad, buf, n, hp, nesterov, first, 0, false);
}

/** sgdStep over one block of a measured update (old parameters to `save`). */
export function sgdMeasured(param: usize, grad: usize, buf: usize, n: i32, hp: usize, nesterov: i32, first: i32, save: usize): void {
  sgdLoop(param, grad, buf, n, hp, nesterov, first, save, true);
}

// @ts-ignore: decorator
@inline function sgdLoop(param: usize, grad: usize, buf: usize, n: i32, hp: usize, nesterov: i32, first: i32, save: usize, measure: bool): void {
  const lr = <f32>load<f64>(hp, 0);
  const momentum = <f32>load<f64>(hp, 8);
  const damp = <f32>(1.0 - load<f64>(hp, 16));
  const wd = <f32>load<f64>(hp, 24);
  const decay = wd != 0, hasMomentum = momentum != 0;
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(lr), vmu = f32x4.splat(momentum), vdamp = f32x4.splat(damp), vwd = f32x4.splat(wd);
    let sq = f32x4.splat(0), sq1 = sq;
    for (; o < pairsEnd(n); o += 32) {
      const g = sgdUpdate<v128>(param + o, grad + o, buf + o, save + o, vlr, vmu, vdamp, vwd, decay, hasMomentum, nesterov, first, measure);
      const h = sgdUpdate<v128>(param + o + 16, grad + o + 16, buf + o + 16, save + o + 16, vlr, vmu, vdamp, vwd, decay, hasMomentum, nesterov, first, measure);
      if (measure) { sq = addSquare(sq, g); sq1 = addSquare(sq1, h); }
    }
    if (o < vectorsEnd(n)) {
      const g = sgdUpdate<v128>(param + o, grad + o, buf + o, save + o, vlr, vmu, vdamp, vwd, decay, hasMomentum, nesterov, first, measure);
      if (measure) sq = addSquare(sq, g);
      o += 16;
    }
    if (measure) addGradientSquares(lanesSum(f32x4.add(sq, sq1)));
  }
  for (; o < (<usize>n << 2); o += 4) {
    const g = sgdUpdate<f32>(param + o, grad + o, buf + o, save + o, lr, momentum, damp, wd, decay, hasMomentum, nesterov, first, measure);
    if (measure) addGradientSquares(<f64>g * <f64>g);
  }
}

/** One SGD update; returns the raw gradient. */
// @ts-ignore: decorator
@inline function sgdUpdate<T>(pp: usize, pg: usize, pb: usize, ps: usize, lr: T, mu: T, damp: T, wd: T, decay: bool, hasMomentum: bool, nesterov: i32, first: i32, save: bool): T {
  const p = loadParam<T>(pp, ps, save);
  const raw = ld<T>(pg);
  let g = raw;
  if (decay) g = add<T>(g, mul<T>(wd, p));
  if (hasMomentum) {
    const b = first ? g : add<T>(mul<T>(ld<T>(pb), mu), mul<T>(damp, g));
    st<T>(pb, b);
    g = nesterov ? add<T>(g, mul<T>(mu, b)) : b;
  }
  st<T>(pp, sub<T>(p, mul<T>(lr, g)));
  return raw;
}

/** Adagrad; clr = lr / (1 + (t − 1)·lrDecay) from the host. */
export function adagradStep(param: usize, grad: usize, sum: usize, n: i32, hp: usize): void {
  if (takeMeasurement()) return measuredUpdate(RULE_ADAGRAD, param, grad, sum, 0, 0, hp, 0, 0);
  const clr = <f32>load<f64>(hp, 0);
  const wd = <f32>load<f64>(hp, 8);
  const eps = <f32>load<f64>(hp, 16);
  const decay = wd != 0;
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const vclr = f32x4.splat(clr), vwd = f32x4.splat(wd), veps = f32x4.splat(eps);
    for (; o < pairsEnd(n); o += 32) {
      adagradUpdate<v128>(param + o, grad + o, sum + o, vclr, vwd, veps, decay);
      adagradUpdate<v128>(param + o + 16, grad + o + 16, sum + o + 16, vclr, vwd, veps, decay);
    }
    if (o < vectorsEnd(n)) {
      adagradUpdate<v128>(param + o, grad + o, sum + o, vclr, vwd, veps, decay);
      o += 16;
    }
  }
  for (; o < (<usize>n << 2); o += 4) adagradUpdate<f32>(param + o, grad + o, sum + o, clr, wd, eps, decay);
}

// @ts-ignore: decorator
@inline function adagradUpdate<T>(pp: usize, pg: usize, psum: usize, clr: T, wd: T, eps: T, decay: bool): void {
  const p = ld<T>(pp);
  let g = ld<T>(pg);
  if (decay) g = add<T>(g, mul<T>(wd, p));
  const s = add<T>(ld<T>(psum), mul<T>(g, g));
  st<T>(psum, s);
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
  const decay = wd != 0, hasMomentum = momentum > 0;
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(lr), va = f32x4.splat(a), vc = f32x4.splat(c), veps = f32x4.splat(eps), vwd = f32x4.splat(wd), vmu = f32x4.splat(momentum);
    for (; o < pairsEnd(n); o += 32) {
      rmspropUpdate<v128>(param + o, grad + o, squareAvg + o, gradAvg + o, buf + o, vlr, va, vc, veps, vwd, vmu, decay, hasMomentum, centered);
      rmspropUpdate<v128>(param + o + 16, grad + o + 16, squareAvg + o + 16, gradAvg + o + 16, buf + o + 16, vlr, va, vc, veps, vwd, vmu, decay, hasMomentum, centered);
    }
    if (o < vectorsEnd(n)) {
      rmspropUpdate<v128>(param + o, grad + o, squareAvg + o, gradAvg + o, buf + o, vlr, va, vc, veps, vwd, vmu, decay, hasMomentum, centered);
      o += 16;
    }
  }
  for (; o < (<usize>n << 2); o += 4) rmspropUpdate<f32>(param + o, grad + o, squareAvg + o, gradAvg + o, buf + o, lr, a, c, eps, wd, momentum, decay, hasMomentum, centered);
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
  adamLoop(param, grad, expAvg, expAvgSq, maxExpAvgSq, n, hp, amsgrad, 1, 0, 0, false);
}

/**
 * adamStep over one block of a measured update (old parameters to `save`), in Adam's default
 * configuration only (no L2 decay, no AMSGrad): returns false, having done nothing, otherwise.
 * Those flags are compiled out of this loop: it carries more live values than the plain
 * one, and each runtime flag in it cost about 30 µs per 235k parameters in spills (V8).
 */
export function adamMeasured(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, n: i32, hp: usize, amsgrad: i32, save: usize): bool {
  if (amsgrad != 0 || load<f64>(hp, 40) != 0) return false;
  adamLoop(param, grad, expAvg, expAvgSq, 0, n, hp, 0, 1, 0, save, true, true);
  return true;
}

/**
 * AdamW: decoupled decay θ ← θ(1 − lr·λ) first, then the Adam step without L2.
 * hp: lr, then Adam's block with λ as its weightDecay.
 */
export function adamwStep(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, n: i32, hp: usize, amsgrad: i32): void {
  if (takeMeasurement()) return measuredUpdate(RULE_ADAMW, param, grad, expAvg, expAvgSq, maxExpAvgSq, hp, amsgrad, 0);
  adamLoop(param, grad, expAvg, expAvgSq, maxExpAvgSq, n, hp + 8, amsgrad, <f32>(1.0 - load<f64>(hp, 0) * load<f64>(hp, 48)), 1, 0, false);
}

/** adamwStep over one block of a measured update, without AMSGrad only (as adamMeasured). */
export function adamwMeasured(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, n: i32, hp: usize, amsgrad: i32, save: usize): bool {
  if (amsgrad != 0) return false;
  adamLoop(param, grad, expAvg, expAvgSq, 0, n, hp + 8, 0, <f32>(1.0 - load<f64>(hp, 0) * load<f64>(hp, 48)), 1, save, true);
  return true;
}

// @ts-ignore: decorator
@inline function adamLoop(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, n: i32, hp: usize, amsgrad: i32, keep: f32, decoupled: i32, save: usize, measure: bool, noDecay: bool = false): void {
  const stepSize = <f32>load<f64>(hp, 0);
  const bc = <f32>load<f64>(hp, 8);
  const beta1 = load<f64>(hp, 16);
  const beta2 = load<f64>(hp, 24);
  const eps = <f32>load<f64>(hp, 32);
  const wd: f32 = decoupled ? 0 : <f32>load<f64>(hp, 40);
  const b1 = <f32>beta1, b2 = <f32>beta2, c1 = <f32>(1.0 - beta1), c2 = <f32>(1.0 - beta2);
  // `noDecay`: the caller has checked wd = 0, so the decay branch compiles out.
  const decay = noDecay ? false : wd != 0;
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const vss = f32x4.splat(stepSize), vbc = f32x4.splat(bc), vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2), vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2);
    const veps = f32x4.splat(eps), vwd = f32x4.splat(wd), vkeep = f32x4.splat(keep);
    let sq = f32x4.splat(0), sq1 = sq;
    for (; o < pairsEnd(n); o += 32) {
      const g = adamUpdate<v128>(param + o, grad + o, expAvg + o, expAvgSq + o, maxExpAvgSq + o, save + o, vss, vbc, vb1, vb2, vc1, vc2, veps, vwd, vkeep, decay, decoupled, amsgrad, measure);
      const h = adamUpdate<v128>(param + o + 16, grad + o + 16, expAvg + o + 16, expAvgSq + o + 16, maxExpAvgSq + o + 16, save + o + 16, vss, vbc, vb1, vb2, vc1, vc2, veps, vwd, vkeep, decay, decoupled, amsgrad, measure);
      if (measure) { sq = addSquare(sq, g); sq1 = addSquare(sq1, h); }
    }
    if (o < vectorsEnd(n)) {
      const g = adamUpdate<v128>(param + o, grad + o, expAvg + o, expAvgSq + o, maxExpAvgSq + o, save + o, vss, vbc, vb1, vb2, vc1, vc2, veps, vwd, vkeep, decay, decoupled, amsgrad, measure);
      if (measure) sq = addSquare(sq, g);
      o += 16;
    }
    if (measure) addGradientSquares(lanesSum(f32x4.add(sq, sq1)));
  }
  for (; o < (<usize>n << 2); o += 4) {
    const g = adamUpdate<f32>(param + o, grad + o, expAvg + o, expAvgSq + o, maxExpAvgSq + o, save + o, stepSize, bc, b1, b2, c1, c2, eps, wd, keep, decay, decoupled, amsgrad, measure);
    if (measure) addGradientSquares(<f64>g * <f64>g);
  }
}

// @ts-ignore: decorator
@inline function adamUpdate<T>(pp: usize, pg: usize, pm: usize, pv: usize, pvmax: usize, ps: usize, ss: T, bc: T, b1: T, b2: T, c1: T, c2: T, eps: T, wd: T, keep: T, decay: bool, decoupled: i32, amsgrad: i32, save: bool): T {
  let p = loadParam<T>(pp, ps, save);
  if (decoupled) p = mul<T>(p, keep);
  const raw = ld<T>(pg);
  let g = raw;
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
  return raw;
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
  const decay = wd != 0;
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const vclr = f32x4.splat(clr), vb1 = f32x4.splat(b1), vc1 = f32x4.splat(c1), vb2 = f32x4.splat(b2), veps = f32x4.splat(eps), vwd = f32x4.splat(wd);
    for (; o < pairsEnd(n); o += 32) {
      adamaxUpdate<v128>(param + o, grad + o, expAvg + o, expInf + o, vclr, vb1, vc1, vb2, veps, vwd, decay);
      adamaxUpdate<v128>(param + o + 16, grad + o + 16, expAvg + o + 16, expInf + o + 16, vclr, vb1, vc1, vb2, veps, vwd, decay);
    }
    if (o < vectorsEnd(n)) {
      adamaxUpdate<v128>(param + o, grad + o, expAvg + o, expInf + o, vclr, vb1, vc1, vb2, veps, vwd, decay);
      o += 16;
    }
  }
  for (; o < (<usize>n << 2); o += 4) adamaxUpdate<f32>(param + o, grad + o, expAvg + o, expInf + o, clr, b1, c1, b2, eps, wd, decay);
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
  const decay = wd != 0;
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const vgc = f32x4.splat(gc), vac = f32x4.splat(ac), vbc = f32x4.splat(bc), vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2);
    const vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2), veps = f32x4.splat(eps), vwd = f32x4.splat(wd);
    for (; o < pairsEnd(n); o += 32) {
      nadamUpdate<v128>(param + o, grad + o, expAvg + o, expAvgSq + o, vgc, vac, vbc, vb1, vb2, vc1, vc2, veps, vwd, decay);
      nadamUpdate<v128>(param + o + 16, grad + o + 16, expAvg + o + 16, expAvgSq + o + 16, vgc, vac, vbc, vb1, vb2, vc1, vc2, veps, vwd, decay);
    }
    if (o < vectorsEnd(n)) {
      nadamUpdate<v128>(param + o, grad + o, expAvg + o, expAvgSq + o, vgc, vac, vbc, vb1, vb2, vc1, vc2, veps, vwd, decay);
      o += 16;
    }
  }
  for (; o < (<usize>n << 2); o += 4) nadamUpdate<f32>(param + o, grad + o, expAvg + o, expAvgSq + o, gc, ac, bc, b1, b2, c1, c2, eps, wd, decay);
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
  const decay = wd != 0;
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(lr), vbc1 = f32x4.splat(bc1), vbc = f32x4.splat(bc), vrect = f32x4.splat(rect), vb1 = f32x4.splat(b1);
    const vb2 = f32x4.splat(b2), vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2), veps = f32x4.splat(eps), vwd = f32x4.splat(wd);
    for (; o < pairsEnd(n); o += 32) {
      radamUpdate<v128>(param + o, grad + o, expAvg + o, expAvgSq + o, vlr, vbc1, vbc, vrect, vb1, vb2, vc1, vc2, veps, vwd, decay, rectified);
      radamUpdate<v128>(param + o + 16, grad + o + 16, expAvg + o + 16, expAvgSq + o + 16, vlr, vbc1, vbc, vrect, vb1, vb2, vc1, vc2, veps, vwd, decay, rectified);
    }
    if (o < vectorsEnd(n)) {
      radamUpdate<v128>(param + o, grad + o, expAvg + o, expAvgSq + o, vlr, vbc1, vbc, vrect, vb1, vb2, vc1, vc2, veps, vwd, decay, rectified);
      o += 16;
    }
  }
  for (; o < (<usize>n << 2); o += 4) radamUpdate<f32>(param + o, grad + o, expAvg + o, expAvgSq + o, lr, bc1, bc, rect, b1, b2, c1, c2, eps, wd, decay, rectified);
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
  const decay = wd != 0;
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(lr), vr = f32x4.splat(r), vc = f32x4.splat(c), veps = f32x4.splat(eps), vwd = f32x4.splat(wd);
    for (; o < pairsEnd(n); o += 32) {
      adadeltaUpdate<v128>(param + o, grad + o, squareAvg + o, accDelta + o, vlr, vr, vc, veps, vwd, decay);
      adadeltaUpdate<v128>(param + o + 16, grad + o + 16, squareAvg + o + 16, accDelta + o + 16, vlr, vr, vc, veps, vwd, decay);
    }
    if (o < vectorsEnd(n)) {
      adadeltaUpdate<v128>(param + o, grad + o, squareAvg + o, accDelta + o, vlr, vr, vc, veps, vwd, decay);
      o += 16;
    }
  }
  for (; o < (<usize>n << 2); o += 4) adadeltaUpdate<f32>(param + o, grad + o, squareAvg + o, accDelta + o, lr, r, c, eps, wd, decay);
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
