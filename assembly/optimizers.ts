// Optimizer steps, one kernel per rule, following torch.optim 1.13's single-tensor code
// (NAdam: the ≥ 2.0 formula). Each updates `n` contiguous parameters in place from their
// gradients and up to three per-parameter state slots, and never writes the gradient: weight
// decay is folded into a local copy, as PyTorch's `grad = grad.add(param, alpha=wd)` does.
// Every kernel takes (param, grad, s0, s1, s2, n, hp): per-step scalars that depend only on
// the step count (bias corrections, decayed rates) are computed by the host in f64 and, with
// every hyper-parameter and flag, arrive in an f64 block at `hp` in the slots abi.ts names —
// a double passed as a call argument can cost a boxed JS number per call.
// Each rule's update is written once (lanes.ts) and runs four parameters at a time in SIMD
// builds, one at a time for the tail and in the scalar build. The SIMD loops splat their
// constants once and take two vectors per iteration, so the CPU overlaps more of the long
// divide and square-root chains.
// Those chains, not memory, bound the adaptive rules: Adam takes the same ~0.7 ns a parameter
// whether its four arrays sit in L1 (1,024 parameters) or far beyond L2 (235k), so the host
// updates all parameters in one call after the backward pass rather than layer by layer while
// each gradient is in cache (which measured the same). Hence the divider is spared where the
// result allows: a division by a per-step constant becomes an f64 product
// (quotientByReciprocal), and subnormal operands, which cost a microcode assist, are kept away
// from it (adamDefaultPairs).
// A call the host armed with measureNextUpdate (a diagnostics step) runs through
// measuredUpdate instead, block by block (measured-update.ts keeps the sums). SGD and Adam(W)
// in its default configuration have a `…Measured` twin: the same loop, which also keeps the
// old parameters aside and sums the raw gradient's squares on the way.
import { absOf, add, div, ld, maxOf, mul, sqrt, st, sub } from "./lanes";
import {
  ADADELTA_EPS, ADADELTA_LR, ADADELTA_RHO, ADADELTA_WEIGHT_DECAY, ADAGRAD_CLR, ADAGRAD_EPS, ADAGRAD_WEIGHT_DECAY, ADAM_AMSGRAD,
  ADAM_BC2_SQRT, ADAM_BETA1, ADAM_BETA2, ADAM_EPS, ADAM_STEP_SIZE, ADAM_WEIGHT_DECAY, ADAMAX_BETA1, ADAMAX_BETA2, ADAMAX_CLR,
  ADAMAX_EPS, ADAMAX_WEIGHT_DECAY, ADAMW_AMSGRAD, ADAMW_LR, ADAMW_STEP_SIZE, ADAMW_WEIGHT_DECAY, MEASURE_BLOCK,
  NADAM_AVG_COEF, NADAM_BC2_SQRT, NADAM_BETA1, NADAM_BETA2, NADAM_EPS, NADAM_GRAD_COEF, NADAM_WEIGHT_DECAY, RADAM_BC1,
  RADAM_BC2_SQRT, RADAM_BETA1, RADAM_BETA2, RADAM_EPS, RADAM_LR, RADAM_RECT, RADAM_RECTIFIED, RADAM_WEIGHT_DECAY, REGION_COUNT,
  REGION_OFFSET, REGION_STATS, RMSPROP_ALPHA, RMSPROP_CENTERED, RMSPROP_EPS, RMSPROP_LR, RMSPROP_MOMENTUM, RMSPROP_WEIGHT_DECAY,
  RULE_ADADELTA, RULE_ADAGRAD, RULE_ADAM, RULE_ADAMAX, RULE_ADAMW, RULE_NADAM, RULE_RADAM, RULE_RMSPROP, RULE_SGD, SGD_DAMPENING,
  SGD_FIRST_STEP, SGD_LR, SGD_MOMENTUM, SGD_NESTEROV, SGD_WEIGHT_DECAY,
} from "./abi";
import {
  addBlockSums, addGradientSquares, armedRegion, armedRegions, armedScratch, copyBlock, endRegion, startRegion, takeMeasurement,
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

/**
 * s / d for a constant f32 divisor d, as s·r in f64 with r = 1/d (f64) and one rounding to
 * f32: the same bits as the f32 division, without the divider, which Adam's square root and
 * its division by the denominator already keep busy (it bounds the loop). Why it is exact:
 * r and the product each round once in f64, so s·r is within 2⁻⁵² (relative) of s/d; the
 * quotient of two 24-bit values is never a rounding midpoint of f32 when 0 < d ≤ 1 and is at
 * least 2⁻⁴⁹ (relative) away from every one, so both round to the same f32 — normal results,
 * subnormal ones and overflow alike; 0, ∞ and NaN go through as the division takes them.
 * Callers pass d = √(1 − β₂ᵗ) or 1 − β₁ᵗ, both in (0, 1].
 */
// @ts-ignore: decorator
@inline function quotientByReciprocal<T, R>(s: T, r: R): T {
  if (isVector<T>()) return <T>joinF32(f64x2.mul(lowF64(<v128>s), <v128>r), f64x2.mul(highF64(<v128>s), <v128>r));
  return <T><f32>(<f64><f32>s * <f64>r);
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
 * SGD with optional momentum (buffer s0), dampening, Nesterov and L2 weight decay. On the
 * first step (SGD_FIRST_STEP = 1) the momentum buffer is initialised to the gradient.
 */
export function sgdStep(param: usize, grad: usize, buf: usize, s1: usize, s2: usize, n: i32, hp: usize): void {
  if (takeMeasurement()) return measuredUpdate(RULE_SGD, param, grad, buf, s1, s2, hp);
  sgdLoop(param, grad, buf, n, hp, 0, false);
}

/** sgdStep over one block of a measured update (old parameters to `save`). */
function sgdMeasured(param: usize, grad: usize, buf: usize, n: i32, hp: usize, save: usize): void {
  sgdLoop(param, grad, buf, n, hp, save, true);
}

// @ts-ignore: decorator
@inline function sgdLoop(param: usize, grad: usize, buf: usize, n: i32, hp: usize, save: usize, measure: bool): void {
  const lr = <f32>load<f64>(hp, SGD_LR << 3);
  const momentum = <f32>load<f64>(hp, SGD_MOMENTUM << 3);
  const damp = <f32>(1.0 - load<f64>(hp, SGD_DAMPENING << 3));
  const wd = <f32>load<f64>(hp, SGD_WEIGHT_DECAY << 3);
  const nesterov = load<f64>(hp, SGD_NESTEROV << 3) != 0 ? 1 : 0;
  const first = load<f64>(hp, SGD_FIRST_STEP << 3) != 0 ? 1 : 0;
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

/** Adagrad (sum of squares in s0); clr = lr / (1 + (t − 1)·lrDecay) from the host. */
export function adagradStep(param: usize, grad: usize, sum: usize, s1: usize, s2: usize, n: i32, hp: usize): void {
  if (takeMeasurement()) return measuredUpdate(RULE_ADAGRAD, param, grad, sum, s1, s2, hp);
  const clr = <f32>load<f64>(hp, ADAGRAD_CLR << 3);
  const wd = <f32>load<f64>(hp, ADAGRAD_WEIGHT_DECAY << 3);
  const eps = <f32>load<f64>(hp, ADAGRAD_EPS << 3);
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

/**
 * RMSprop, optionally centered and with momentum (eps added after the square root): the
 * square average in s0, the centered gradient average in s1, the momentum buffer in s2.
 */
export function rmspropStep(param: usize, grad: usize, squareAvg: usize, gradAvg: usize, buf: usize, n: i32, hp: usize): void {
  if (takeMeasurement()) return measuredUpdate(RULE_RMSPROP, param, grad, squareAvg, gradAvg, buf, hp);
  const lr = <f32>load<f64>(hp, RMSPROP_LR << 3);
  const alpha = load<f64>(hp, RMSPROP_ALPHA << 3);
  const eps = <f32>load<f64>(hp, RMSPROP_EPS << 3);
  const wd = <f32>load<f64>(hp, RMSPROP_WEIGHT_DECAY << 3);
  const momentum = <f32>load<f64>(hp, RMSPROP_MOMENTUM << 3);
  const centered = load<f64>(hp, RMSPROP_CENTERED << 3) != 0 ? 1 : 0;
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
 * moment, then bias-corrected): moments in s0 and s1, AMSGrad's max in s2.
 */
export function adamStep(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, n: i32, hp: usize): void {
  if (takeMeasurement()) return measuredUpdate(RULE_ADAM, param, grad, expAvg, expAvgSq, maxExpAvgSq, hp);
  // The default configuration's loop has no flag left to test per vector (see adamLoop).
  if (amsgradOf(hp) == 0 && load<f64>(hp, ADAM_WEIGHT_DECAY << 3) == 0) {
    const done = ASC_FEATURE_SIMD ? adamDefaultPairs(param, grad, expAvg, expAvgSq, n, hp) : 0;
    adamLoop(param + done, grad + done, expAvg + done, expAvgSq + done, 0, n - <i32>(done >> 2), hp, 0, 1, 0, 0, false, true);
  } else {
    adamLoop(param, grad, expAvg, expAvgSq, maxExpAvgSq, n, hp, amsgradOf(hp), 1, 0, 0, false);
  }
}

/**
 * Adam in its default configuration (no L2 decay, no AMSGrad) over the pairs of vectors of n
 * parameters; returns the bytes done (the caller's adamLoop does the rest). The same bits as
 * adamLoop, faster where first moments have fallen below the normal range.
 * Why: a unit that stays silent (a dead ReLU) gets gradient 0, so its weights' m decays by β₁
 * each step until it sticks at a few multiples of 2⁻¹⁴⁹ (0.9·4·2⁻¹⁴⁹ rounds back to 4·2⁻¹⁴⁹)
 * and stays subnormal for good — a third of the bench MLP's moments after 1000 steps. Here, f32
 * multiplies and divides with a subnormal operand or result cost a microcode assist whose price
 * grows with the work in flight (in this divider-bound loop, 40–80% more time for the whole
 * update). Such runs are recognised by the first moment of a pair (a scalar test every two
 * pairs) and go through a loop that updates the moments with the products and sums taken in
 * f64 and rounded once to f32 (exact: the product of two f32 values is exact in f64, and a sum
 * rounded twice, to f64 then f32, is rounded as once), and leaves p as it is where that is
 * provably the result: there the step ss·(m/d) is below half of p's spacing (deadRowBound).
 */
function adamDefaultPairs(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, n: i32, hp: usize): usize {
  const stepSize = <f32>load<f64>(hp, ADAM_STEP_SIZE << 3);
  const bc = <f32>load<f64>(hp, ADAM_BC2_SQRT << 3);
  const beta1 = load<f64>(hp, ADAM_BETA1 << 3);
  const beta2 = load<f64>(hp, ADAM_BETA2 << 3);
  const eps = <f32>load<f64>(hp, ADAM_EPS << 3);
  const b1 = <f32>beta1, b2 = <f32>beta2, c1 = <f32>(1.0 - beta1), c2 = <f32>(1.0 - beta2);
  const rbc = 1.0 / <f64>bc;
  const pmin = f32x4.splat(deadRowBound(stepSize, eps, rbc)), b1d = f64x2.splat(<f64>b1);
  const vss = f32x4.splat(stepSize), vbc = f64x2.splat(rbc), vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2), vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2);
  const veps = f32x4.splat(eps), none = f32x4.splat(0);
  const end = pairsEnd(n);
  let o: usize = 0;
  while (o < end) {
    // Two pairs per test of the first moment (a dead run is seen at most a pair late).
    for (; o + 32 < end; o += 64) {
      if ((load<u32>(expAvg + o) & 0x7F800000) == 0) break;
      adamUpdate<v128, v128>(param + o, grad + o, expAvg + o, expAvgSq + o, 0, 0, vss, vbc, vb1, vb2, vc1, vc2, veps, none, none, false, 0, 0, false);
      adamUpdate<v128, v128>(param + o + 16, grad + o + 16, expAvg + o + 16, expAvgSq + o + 16, 0, 0, vss, vbc, vb1, vb2, vc1, vc2, veps, none, none, false, 0, 0, false);
      adamUpdate<v128, v128>(param + o + 32, grad + o + 32, expAvg + o + 32, expAvgSq + o + 32, 0, 0, vss, vbc, vb1, vb2, vc1, vc2, veps, none, none, false, 0, 0, false);
      adamUpdate<v128, v128>(param + o + 48, grad + o + 48, expAvg + o + 48, expAvgSq + o + 48, 0, 0, vss, vbc, vb1, vb2, vc1, vc2, veps, none, none, false, 0, 0, false);
    }
    if (o < end) o = deadRun(param, grad, expAvg, expAvgSq, o, end, vss, vbc, b1d, vc1, vb2, vc2, veps, pmin);
  }
  return o;
}

/**
 * Pairs from byte offset o while each one's first moment (lane 0) is below the normal range:
 * returns where that stops. A function of its own, so that its constants arrive as parameters:
 * V8 computes a loop-invariant value inside the loop when the loop is its only user.
 */
function deadRun(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, o: usize, end: usize, ss: v128, rbc: v128, b1: v128, c1: v128, b2: v128, c2: v128, eps: v128, pmin: v128): usize {
  while (o < end) {
    deadRowPair(param + o, grad + o, expAvg + o, expAvgSq + o, ss, rbc, b1, c1, b2, c2, eps, pmin);
    o += 32;
    if (o < end && (load<u32>(expAvg + o) & 0x7F800000) != 0) break;
  }
  return o;
}

/**
 * The least |p| that a step from a first moment |m| < 2⁻¹²⁶ cannot move, or NaN (never) unless
 * eps > 0, 0 ≤ ss < ∞ and 1/bc is finite. With v ≥ 0 (or +∞), d = fl(fl(√v·(1/bc)) + eps) ≥ eps, so
 * |fl(m/d)| ≤ 2⁻¹²⁶/eps·(1 + 2⁻²⁴) + 2⁻¹⁵⁰ and the step t = fl(ss·fl(m/d)) stays below
 * T = ss·(2⁻¹²⁶/eps·(1 + 2⁻²²) + 2⁻¹⁴⁹)·(1 + 2⁻²²) + 2⁻¹⁴⁹ (slack for this f64 arithmetic).
 * fl(p − t) = p when |t| < |p|·2⁻²⁵, half the smaller gap beside a normal p: so |p| ≥ 2²⁵·T,
 * rounded up, and at least 2⁻¹²⁵ so that p is normal.
 */
function deadRowBound(ss: f32, eps: f32, rbc: f64): f32 {
  // NaN, not ∞, for "never": |p| ≥ ∞ would hold for an infinite p, and ∞ − t is NaN if t is.
  if (!(eps > 0) || !(ss >= 0) || !(ss < Infinity) || !(rbc > 0) || !(rbc < Infinity)) return NaN;
  const step = <f64>ss * (1.1754943508222875e-38 / <f64>eps * (1 + 2.384185791015625e-7) + 1.401298464324817e-45) * (1 + 2.384185791015625e-7) + 1.401298464324817e-45;
  const bound = max(step * 33554432.0 * (1 + 9.5367431640625e-7), 2.350988701644575e-38);
  return bound < 1e38 ? <f32>bound : NaN;
}

/**
 * One pair of vectors in a run of dead rows: the moments, with m·β₁ + (1 − β₁)·g in f64 (see
 * adamDefaultPairs); p stays where every lane has |m| < 2⁻¹²⁶, v ≥ 0 and |p| at least the
 * bound. Otherwise the pair is updated as adamUpdate does, with 0 in place of m in the lanes
 * that passed (their step is 0 either way), so no subnormal reaches the divider.
 */
// @ts-ignore: decorator
@inline function deadRowPair(pp: usize, pg: usize, pm: usize, pv: usize, ss: v128, rbc: v128, b1: v128, c1: v128, b2: v128, c2: v128, eps: v128, pmin: v128): void {
  const g0 = v128.load(pg), g1 = v128.load(pg, 16);
  const m0 = momentInF64(v128.load(pm), g0, b1, c1), m1 = momentInF64(v128.load(pm, 16), g1, b1, c1);
  const v0 = add<v128>(mul<v128>(v128.load(pv), b2), mul<v128>(mul<v128>(c2, g0), g0));
  const v1 = add<v128>(mul<v128>(v128.load(pv, 16), b2), mul<v128>(mul<v128>(c2, g1), g1));
  v128.store(pm, m0);
  v128.store(pm, m1, 16);
  v128.store(pv, v0);
  v128.store(pv, v1, 16);
  const p0 = v128.load(pp), p1 = v128.load(pp, 16);
  const still0 = stepless(m0, v0, p0, pmin), still1 = stepless(m1, v1, p1, pmin);
  if (!i32x4.all_true(v128.and(still0, still1))) {
    v128.store(pp, sub<v128>(p0, mul<v128>(ss, div<v128>(v128.andnot(m0, still0), add<v128>(quotientByReciprocal<v128, v128>(sqrt<v128>(v0), rbc), eps)))));
    v128.store(pp, sub<v128>(p1, mul<v128>(ss, div<v128>(v128.andnot(m1, still1), add<v128>(quotientByReciprocal<v128, v128>(sqrt<v128>(v1), rbc), eps)))), 16);
  }
}

/** Lanes where |m| < 2⁻¹²⁶, v ≥ 0 (not NaN, not negative: a restored state may hold anything) and |p| ≥ the dead-row bound: the step leaves p as it is. */
// @ts-ignore: decorator
@inline function stepless(m: v128, v: v128, p: v128, pmin: v128): v128 {
  const tiny = i32x4.eq(v128.and(m, i32x4.splat(0x7F800000)), i32x4.splat(0));
  return v128.and(v128.and(tiny, f32x4.ge(v, f32x4.splat(0))), f32x4.ge(f32x4.abs(p), pmin));
}

/** fl(fl(m·β₁) + fl(c₁·g)) with the product and the sum in f64 (β₁ as f64x2). */
// @ts-ignore: decorator
@inline function momentInF64(m: v128, g: v128, b1: v128, c1: v128): v128 {
  const cg = mul<v128>(c1, g);
  const mb = joinF32(f64x2.mul(lowF64(m), b1), f64x2.mul(highF64(m), b1));
  return joinF32(f64x2.add(lowF64(mb), lowF64(cg)), f64x2.add(highF64(mb), highF64(cg)));
}

/** Lanes 0–1 and 2–3 of an f32x4 as f64x2, and back (rounding once). */
// @ts-ignore: decorator
@inline function lowF64(a: v128): v128 {
  return f64x2.promote_low_f32x4(a);
}

// @ts-ignore: decorator
@inline function highF64(a: v128): v128 {
  return f64x2.promote_low_f32x4(i64x2.shuffle(a, a, 1, 1));
}

// @ts-ignore: decorator
@inline function joinF32(lo: v128, hi: v128): v128 {
  return i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
}

/** Adam's AMSGrad flag, from a block laid out as Adam's. */
// @ts-ignore: decorator
@inline function amsgradOf(hp: usize): i32 {
  return load<f64>(hp, ADAM_AMSGRAD << 3) != 0 ? 1 : 0;
}

/**
 * adamStep over one block of a measured update (old parameters to `save`), in Adam's default
 * configuration only (no L2 decay, no AMSGrad): returns false, having done nothing, otherwise.
 * Those flags are compiled out of this loop: it carries more live values than the plain
 * one, and V8 spills around each runtime flag in it (bench/README.md has the figures).
 */
function adamMeasured(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, n: i32, hp: usize, save: usize): bool {
  if (amsgradOf(hp) != 0 || load<f64>(hp, ADAM_WEIGHT_DECAY << 3) != 0) return false;
  adamLoop(param, grad, expAvg, expAvgSq, 0, n, hp, 0, 1, 0, save, true, true);
  return true;
}

/**
 * AdamW: decoupled decay θ ← θ(1 − lr·λ) first, then the Adam step without L2. Its block is
 * lr, then Adam's block (from ADAMW_STEP_SIZE) with λ as its weight decay.
 */
export function adamwStep(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, n: i32, hp: usize): void {
  if (takeMeasurement()) return measuredUpdate(RULE_ADAMW, param, grad, expAvg, expAvgSq, maxExpAvgSq, hp);
  if (amsgradOf(adamBlockOfAdamw(hp)) == 0) adamLoop(param, grad, expAvg, expAvgSq, 0, n, adamBlockOfAdamw(hp), 0, adamwKeep(hp), 1, 0, false);
  else adamLoop(param, grad, expAvg, expAvgSq, maxExpAvgSq, n, adamBlockOfAdamw(hp), 1, adamwKeep(hp), 1, 0, false);
}

/** adamwStep over one block of a measured update, without AMSGrad only (as adamMeasured). */
function adamwMeasured(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, n: i32, hp: usize, save: usize): bool {
  if (amsgradOf(adamBlockOfAdamw(hp)) != 0) return false;
  adamLoop(param, grad, expAvg, expAvgSq, 0, n, adamBlockOfAdamw(hp), 0, adamwKeep(hp), 1, save, true);
  return true;
}

/** Where Adam's block starts inside AdamW's. */
// @ts-ignore: decorator
@inline function adamBlockOfAdamw(hp: usize): usize {
  return hp + (<usize>ADAMW_STEP_SIZE << 3);
}

/** AdamW's decoupled decay factor 1 − lr·λ. */
// @ts-ignore: decorator
@inline function adamwKeep(hp: usize): f32 {
  return <f32>(1.0 - load<f64>(hp, ADAMW_LR << 3) * load<f64>(hp, ADAMW_WEIGHT_DECAY << 3));
}

// @ts-ignore: decorator
@inline function adamLoop(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, maxExpAvgSq: usize, n: i32, hp: usize, amsgrad: i32, keep: f32, decoupled: i32, save: usize, measure: bool, noDecay: bool = false): void {
  const stepSize = <f32>load<f64>(hp, ADAM_STEP_SIZE << 3);
  const bc = <f32>load<f64>(hp, ADAM_BC2_SQRT << 3);
  const beta1 = load<f64>(hp, ADAM_BETA1 << 3);
  const beta2 = load<f64>(hp, ADAM_BETA2 << 3);
  const eps = <f32>load<f64>(hp, ADAM_EPS << 3);
  const wd: f32 = decoupled ? 0 : <f32>load<f64>(hp, ADAM_WEIGHT_DECAY << 3);
  const b1 = <f32>beta1, b2 = <f32>beta2, c1 = <f32>(1.0 - beta1), c2 = <f32>(1.0 - beta2);
  // `noDecay`: the caller has checked wd = 0, so the decay branch compiles out.
  const decay = noDecay ? false : wd != 0;
  const rbc = 1.0 / <f64>bc; // see quotientByReciprocal
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const vss = f32x4.splat(stepSize), vbc = f64x2.splat(rbc), vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2), vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2);
    const veps = f32x4.splat(eps), vwd = f32x4.splat(wd), vkeep = f32x4.splat(keep);
    let sq = f32x4.splat(0), sq1 = sq;
    for (; o < pairsEnd(n); o += 32) {
      const g = adamUpdate<v128, v128>(param + o, grad + o, expAvg + o, expAvgSq + o, maxExpAvgSq + o, save + o, vss, vbc, vb1, vb2, vc1, vc2, veps, vwd, vkeep, decay, decoupled, amsgrad, measure);
      const h = adamUpdate<v128, v128>(param + o + 16, grad + o + 16, expAvg + o + 16, expAvgSq + o + 16, maxExpAvgSq + o + 16, save + o + 16, vss, vbc, vb1, vb2, vc1, vc2, veps, vwd, vkeep, decay, decoupled, amsgrad, measure);
      if (measure) { sq = addSquare(sq, g); sq1 = addSquare(sq1, h); }
    }
    if (o < vectorsEnd(n)) {
      const g = adamUpdate<v128, v128>(param + o, grad + o, expAvg + o, expAvgSq + o, maxExpAvgSq + o, save + o, vss, vbc, vb1, vb2, vc1, vc2, veps, vwd, vkeep, decay, decoupled, amsgrad, measure);
      if (measure) sq = addSquare(sq, g);
      o += 16;
    }
    if (measure) addGradientSquares(lanesSum(f32x4.add(sq, sq1)));
  }
  for (; o < (<usize>n << 2); o += 4) {
    const g = adamUpdate<f32, f64>(param + o, grad + o, expAvg + o, expAvgSq + o, maxExpAvgSq + o, save + o, stepSize, rbc, b1, b2, c1, c2, eps, wd, keep, decay, decoupled, amsgrad, measure);
    if (measure) addGradientSquares(<f64>g * <f64>g);
  }
}

// @ts-ignore: decorator
@inline function adamUpdate<T, R>(pp: usize, pg: usize, pm: usize, pv: usize, pvmax: usize, ps: usize, ss: T, rbc: R, b1: T, b2: T, c1: T, c2: T, eps: T, wd: T, keep: T, decay: bool, decoupled: i32, amsgrad: i32, save: bool): T {
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
  const denom = add<T>(quotientByReciprocal<T, R>(sqrt<T>(vHat), rbc), eps);
  st<T>(pp, sub<T>(p, mul<T>(ss, div<T>(m, denom))));
  return raw;
}

/** Adamax: u ← max(β₂u, |g| + ε); θ ← θ − clr·m/u, with m in s0 and u in s1. */
export function adamaxStep(param: usize, grad: usize, expAvg: usize, expInf: usize, s2: usize, n: i32, hp: usize): void {
  if (takeMeasurement()) return measuredUpdate(RULE_ADAMAX, param, grad, expAvg, expInf, s2, hp);
  const clr = <f32>load<f64>(hp, ADAMAX_CLR << 3);
  const beta1 = load<f64>(hp, ADAMAX_BETA1 << 3);
  const b2 = <f32>load<f64>(hp, ADAMAX_BETA2 << 3);
  const eps = <f32>load<f64>(hp, ADAMAX_EPS << 3);
  const wd = <f32>load<f64>(hp, ADAMAX_WEIGHT_DECAY << 3);
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
 * NAdam (PyTorch ≥ 2.0 formula): θ ← θ − gradCoef·g/d − avgCoef·m/d with d = √v/√(1 − β₂ᵗ) + ε,
 * moments in s0 and s1.
 */
export function nadamStep(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, s2: usize, n: i32, hp: usize): void {
  if (takeMeasurement()) return measuredUpdate(RULE_NADAM, param, grad, expAvg, expAvgSq, s2, hp);
  const gc = <f32>load<f64>(hp, NADAM_GRAD_COEF << 3);
  const ac = <f32>load<f64>(hp, NADAM_AVG_COEF << 3);
  const bc = <f32>load<f64>(hp, NADAM_BC2_SQRT << 3);
  const beta1 = load<f64>(hp, NADAM_BETA1 << 3);
  const beta2 = load<f64>(hp, NADAM_BETA2 << 3);
  const eps = <f32>load<f64>(hp, NADAM_EPS << 3);
  const wd = <f32>load<f64>(hp, NADAM_WEIGHT_DECAY << 3);
  const b1 = <f32>beta1, b2 = <f32>beta2, c1 = <f32>(1.0 - beta1), c2 = <f32>(1.0 - beta2);
  const decay = wd != 0;
  const rbc = 1.0 / <f64>bc; // bc = √(1 − β₂ᵗ) ∈ (0, 1]: see quotientByReciprocal
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const vgc = f32x4.splat(gc), vac = f32x4.splat(ac), vbc = f64x2.splat(rbc), vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2);
    const vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2), veps = f32x4.splat(eps), vwd = f32x4.splat(wd);
    for (; o < pairsEnd(n); o += 32) {
      nadamUpdate<v128, v128>(param + o, grad + o, expAvg + o, expAvgSq + o, vgc, vac, vbc, vb1, vb2, vc1, vc2, veps, vwd, decay);
      nadamUpdate<v128, v128>(param + o + 16, grad + o + 16, expAvg + o + 16, expAvgSq + o + 16, vgc, vac, vbc, vb1, vb2, vc1, vc2, veps, vwd, decay);
    }
    if (o < vectorsEnd(n)) {
      nadamUpdate<v128, v128>(param + o, grad + o, expAvg + o, expAvgSq + o, vgc, vac, vbc, vb1, vb2, vc1, vc2, veps, vwd, decay);
      o += 16;
    }
  }
  for (; o < (<usize>n << 2); o += 4) nadamUpdate<f32, f64>(param + o, grad + o, expAvg + o, expAvgSq + o, gc, ac, rbc, b1, b2, c1, c2, eps, wd, decay);
}

// @ts-ignore: decorator
@inline function nadamUpdate<T, R>(pp: usize, pg: usize, pm: usize, pv: usize, gc: T, ac: T, rbc: R, b1: T, b2: T, c1: T, c2: T, eps: T, wd: T, decay: bool): void {
  const p = ld<T>(pp);
  let g = ld<T>(pg);
  if (decay) g = add<T>(g, mul<T>(wd, p));
  const m = add<T>(mul<T>(ld<T>(pm), b1), mul<T>(c1, g));
  const v = add<T>(mul<T>(ld<T>(pv), b2), mul<T>(mul<T>(c2, g), g));
  st<T>(pm, m);
  st<T>(pv, v);
  const denom = add<T>(quotientByReciprocal<T, R>(sqrt<T>(v), rbc), eps);
  st<T>(pp, sub<T>(sub<T>(p, mul<T>(gc, div<T>(g, denom))), mul<T>(ac, div<T>(m, denom))));
}

/**
 * RAdam, moments in s0 and s1. While the variance is intractable (ρₜ ≤ 5, RADAM_RECTIFIED = 0):
 * θ ← θ − lr·m/(1 − β₁ᵗ). Otherwise θ ← θ − lr·m/(1 − β₁ᵗ)·√(1 − β₂ᵗ)/(√v + ε)·rect.
 */
export function radamStep(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, s2: usize, n: i32, hp: usize): void {
  if (takeMeasurement()) return measuredUpdate(RULE_RADAM, param, grad, expAvg, expAvgSq, s2, hp);
  const lr = <f32>load<f64>(hp, RADAM_LR << 3);
  const bc1 = <f32>load<f64>(hp, RADAM_BC1 << 3);
  const bc = <f32>load<f64>(hp, RADAM_BC2_SQRT << 3);
  const rect = <f32>load<f64>(hp, RADAM_RECT << 3);
  const beta1 = load<f64>(hp, RADAM_BETA1 << 3);
  const beta2 = load<f64>(hp, RADAM_BETA2 << 3);
  const eps = <f32>load<f64>(hp, RADAM_EPS << 3);
  const wd = <f32>load<f64>(hp, RADAM_WEIGHT_DECAY << 3);
  const rectified = load<f64>(hp, RADAM_RECTIFIED << 3) != 0 ? 1 : 0;
  const b1 = <f32>beta1, b2 = <f32>beta2, c1 = <f32>(1.0 - beta1), c2 = <f32>(1.0 - beta2);
  const decay = wd != 0;
  const rbc1 = 1.0 / <f64>bc1; // bc1 = 1 − β₁ᵗ ∈ (0, 1]: see quotientByReciprocal
  let o: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(lr), vbc1 = f64x2.splat(rbc1), vbc = f32x4.splat(bc), vrect = f32x4.splat(rect), vb1 = f32x4.splat(b1);
    const vb2 = f32x4.splat(b2), vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2), veps = f32x4.splat(eps), vwd = f32x4.splat(wd);
    for (; o < pairsEnd(n); o += 32) {
      radamUpdate<v128, v128>(param + o, grad + o, expAvg + o, expAvgSq + o, vlr, vbc1, vbc, vrect, vb1, vb2, vc1, vc2, veps, vwd, decay, rectified);
      radamUpdate<v128, v128>(param + o + 16, grad + o + 16, expAvg + o + 16, expAvgSq + o + 16, vlr, vbc1, vbc, vrect, vb1, vb2, vc1, vc2, veps, vwd, decay, rectified);
    }
    if (o < vectorsEnd(n)) {
      radamUpdate<v128, v128>(param + o, grad + o, expAvg + o, expAvgSq + o, vlr, vbc1, vbc, vrect, vb1, vb2, vc1, vc2, veps, vwd, decay, rectified);
      o += 16;
    }
  }
  for (; o < (<usize>n << 2); o += 4) radamUpdate<f32, f64>(param + o, grad + o, expAvg + o, expAvgSq + o, lr, rbc1, bc, rect, b1, b2, c1, c2, eps, wd, decay, rectified);
}

// @ts-ignore: decorator
@inline function radamUpdate<T, R>(pp: usize, pg: usize, pm: usize, pv: usize, lr: T, rbc1: R, bc: T, rect: T, b1: T, b2: T, c1: T, c2: T, eps: T, wd: T, decay: bool, rectified: i32): void {
  const p = ld<T>(pp);
  let g = ld<T>(pg);
  if (decay) g = add<T>(g, mul<T>(wd, p));
  const m = add<T>(mul<T>(ld<T>(pm), b1), mul<T>(c1, g));
  const v = add<T>(mul<T>(ld<T>(pv), b2), mul<T>(mul<T>(c2, g), g));
  st<T>(pm, m);
  st<T>(pv, v);
  const mHat = quotientByReciprocal<T, R>(m, rbc1);
  if (rectified) {
    const adaptive = div<T>(bc, add<T>(sqrt<T>(v), eps));
    st<T>(pp, sub<T>(p, mul<T>(mul<T>(mul<T>(mHat, lr), adaptive), rect)));
  } else {
    st<T>(pp, sub<T>(p, mul<T>(mHat, lr)));
  }
}

/** Adadelta: Δ = √(u + ε)/√(v + ε)·g with v (s0), u (s1) running averages of g² and Δ². */
export function adadeltaStep(param: usize, grad: usize, squareAvg: usize, accDelta: usize, s2: usize, n: i32, hp: usize): void {
  if (takeMeasurement()) return measuredUpdate(RULE_ADADELTA, param, grad, squareAvg, accDelta, s2, hp);
  const lr = <f32>load<f64>(hp, ADADELTA_LR << 3);
  const rho = load<f64>(hp, ADADELTA_RHO << 3);
  const eps = <f32>load<f64>(hp, ADADELTA_EPS << 3);
  const wd = <f32>load<f64>(hp, ADADELTA_WEIGHT_DECAY << 3);
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

/** One rule's kernel over n parameters (pointers and block as its kernel takes them). */
function runRule(rule: i32, p: usize, g: usize, s0: usize, s1: usize, s2: usize, n: i32, hp: usize): void {
  switch (rule) {
    case RULE_SGD: sgdStep(p, g, s0, s1, s2, n, hp); break;
    case RULE_ADAGRAD: adagradStep(p, g, s0, s1, s2, n, hp); break;
    case RULE_RMSPROP: rmspropStep(p, g, s0, s1, s2, n, hp); break;
    case RULE_ADAM: adamStep(p, g, s0, s1, s2, n, hp); break;
    case RULE_ADAMW: adamwStep(p, g, s0, s1, s2, n, hp); break;
    case RULE_ADAMAX: adamaxStep(p, g, s0, s1, s2, n, hp); break;
    case RULE_NADAM: nadamStep(p, g, s0, s1, s2, n, hp); break;
    case RULE_RADAM: radamStep(p, g, s0, s1, s2, n, hp); break;
    case RULE_ADADELTA: adadeltaStep(p, g, s0, s1, s2, n, hp); break;
    default: abort("unknown optimizer rule");
  }
}

/**
 * One block of a measured update, its old parameters kept at `save`. SGD and Adam(W) in its
 * default configuration run their `…Measured` twins, which also sum the raw gradient's
 * squares inside the loop, and return true. The other rules and configurations copy the old
 * values first and return false: the block pass then sums the gradient too. (Twins for every
 * rule would take the wasm over its size budget.)
 */
function runMeasured(rule: i32, p: usize, g: usize, s0: usize, s1: usize, s2: usize, n: i32, hp: usize, save: usize): bool {
  if (rule == RULE_SGD) {
    sgdMeasured(p, g, s0, n, hp, save);
    return true;
  }
  if (rule == RULE_ADAM && adamMeasured(p, g, s0, s1, n, hp, save)) return true;
  if (rule == RULE_ADAMW && adamwMeasured(p, g, s0, s1, n, hp, save)) return true;
  copyBlock(save, p, n);
  runRule(rule, p, g, s0, s1, s2, n, hp);
  return false;
}

/**
 * Applies optimizer `rule` over the regions measureNextUpdate armed (a layer's weights, then
 * its bias, per layer, together covering the parameters), block by block, filling each
 * layer's statistics on the way (measured-update.ts).
 */
function measuredUpdate(rule: i32, param: usize, grad: usize, s0: usize, s1: usize, s2: usize, hp: usize): void {
  const regions = armedRegions();
  for (let r = 0; r < regions; r++) {
    const entry = armedRegion(r);
    const offset = <usize>load<i32>(entry, REGION_OFFSET << 2);
    const n = load<i32>(entry, REGION_COUNT << 2);
    const stats = <usize>load<i32>(entry, REGION_STATS << 2);
    startRegion();
    for (let i = 0; i < n; i += MEASURE_BLOCK) {
      const count = min(MEASURE_BLOCK, n - i);
      const o = offset + (<usize>i << 2);
      const save = armedScratch();
      const gradientsSummed = runMeasured(rule, param + o, grad + o, s0 + o, s1 + o, s2 + o, count, hp, save);
      addBlockSums(grad + o, param + o, save, count, !gradientsSummed);
    }
    endRegion(r, param + offset, grad + offset, n, stats);
  }
}
