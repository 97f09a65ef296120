// The optimizer update of a diagnostics step, with the statistics taken on the way: the
// raw gradient's Σg², the new parameters' Σθ² and the update's Σ(θ_after − θ_before)², per
// layer, weights and bias apart. The update runs block by block (runMeasured): each block's
// old parameters are kept aside and its Σg² taken, then Σθ² and Σ(Δθ)² are summed while the
// block is still in L1. So measuring costs arithmetic, not another sweep through memory. The
// optimizer loops are elementwise and agree bit for bit between their SIMD body and scalar
// tail, so blocking leaves the update exactly as one whole-range call.
// Why Σθ² and Σ(Δθ)² are not summed inside the optimizer loops: they wait for the end of
// each vector's divide/square-root chain, and ops waiting there crowd the CPU's window
// (Adam +20–55%, measured); a pass over the block in L1 costs less.
import {
  adadeltaStep, adagradStep, adamaxStep, adamMeasured, adamStep, adamwMeasured, adamwStep, nadamStep, radamStep, rmspropStep,
  sgdMeasured, sgdStep,
} from "./optimizers";
import {
  countNonFinite, lanesSum, STAT_B_SQ, STAT_DB_SQ, STAT_DB_STEP_SQ, STAT_DW_SQ, STAT_DW_STEP_SQ, STAT_G_BAD, STAT_P_BAD, STAT_W_SQ,
} from "./stats";

// Rule codes (mirrored in src/codes.ts, in OPTIMIZERS' order).
export const RULE_SGD: i32 = 0;
export const RULE_ADAGRAD: i32 = 1;
export const RULE_RMSPROP: i32 = 2;
export const RULE_ADAM: i32 = 3;
export const RULE_ADAMW: i32 = 4;
export const RULE_ADAMAX: i32 = 5;
export const RULE_NADAM: i32 = 6;
export const RULE_RADAM: i32 = 7;
export const RULE_ADADELTA: i32 = 8;

/**
 * Parameters per block: with Adam's two moments, the block's six arrays (θ, g, m, v, the
 * old θ, AMSGrad's max) take 12 KB, well inside a 32 KB L1. Also the f32 run length of each
 * partial sum before it is flushed into f64.
 */
const BLOCK: i32 = 512;
/** Bytes of scratch `measuredUpdate` needs for a block's old parameters. */
export const MEASURE_SCRATCH_BYTES: i32 = BLOCK * 4;
/** Bytes per region entry: i32 byte offset from the first parameter, i32 count, i32 statistics block. */
export const MEASURE_REGION_BYTES: i32 = 12;

// Running sums of the current region (globals: an @inline helper cannot return three values).
let gradSq: f64 = 0;
let paramSq: f64 = 0;
let stepSq: f64 = 0;

// The next optimizer call's measurement, armed by measureNextUpdate.
let armed = false;
let armedRegions: usize = 0;
let armedRegionCount: i32 = 0;
let armedScratch: usize = 0;
let armedWithGradients = false;

/**
 * Makes the next optimizer kernel call a measured update (see measuredUpdate), so the host
 * calls the same kernel with the same arguments on reporting steps as on any other.
 */
export function measureNextUpdate(regions: usize, regionCount: i32, scratch: usize, withGradients: i32): void {
  armed = true;
  armedRegions = regions;
  armedRegionCount = regionCount;
  armedScratch = scratch;
  armedWithGradients = withGradients != 0;
}

/** Whether the calling optimizer kernel is to hand its work to measuredUpdate (and disarms). */
// @ts-ignore: decorator
@inline export function takeMeasurement(): bool {
  if (!armed) return false;
  armed = false;
  return true;
}

/** Adds to the running Σg² (the `…Measured` loops call it once per block). */
// @ts-ignore: decorator
@inline export function addGradientSquares(sum: f64): void {
  gradSq += sum;
}

/** One rule's kernel over n parameters; the flags are each kernel's i32 switches in order. */
function runRule(rule: i32, p: usize, g: usize, s0: usize, s1: usize, s2: usize, n: i32, hp: usize, flagA: i32, flagB: i32): void {
  switch (rule) {
    case RULE_SGD: sgdStep(p, g, s0, n, hp, flagA, flagB); break;
    case RULE_ADAGRAD: adagradStep(p, g, s0, n, hp); break;
    case RULE_RMSPROP: rmspropStep(p, g, s0, s1, s2, n, hp, flagA); break;
    case RULE_ADAM: adamStep(p, g, s0, s1, s2, n, hp, flagA); break;
    case RULE_ADAMW: adamwStep(p, g, s0, s1, s2, n, hp, flagA); break;
    case RULE_ADAMAX: adamaxStep(p, g, s0, s1, n, hp); break;
    case RULE_NADAM: nadamStep(p, g, s0, s1, n, hp); break;
    case RULE_RADAM: radamStep(p, g, s0, s1, n, hp, flagA); break;
    default: adadeltaStep(p, g, s0, s1, n, hp); break;
  }
}

/**
 * One block of the update (n parameters; pointers and flags as runRule's), its old values
 * kept at `save`. SGD and Adam(W) in its default configuration run their `…Measured` twins,
 * which also sum the raw gradient's squares inside the loop (60–90 µs per 235k parameters on
 * top of the update), and return true. The other rules and configurations copy the old values
 * first and return false: the block pass then sums the gradient too (about 130–150 µs).
 * Twins for every rule would take the wasm over its 20 KB budget.
 */
function runMeasured(rule: i32, p: usize, g: usize, s0: usize, s1: usize, s2: usize, n: i32, hp: usize, flagA: i32, flagB: i32, save: usize): bool {
  if (rule == RULE_SGD) {
    sgdMeasured(p, g, s0, n, hp, flagA, flagB, save);
    return true;
  }
  if (rule == RULE_ADAM && adamMeasured(p, g, s0, s1, n, hp, flagA, save)) return true;
  if (rule == RULE_ADAMW && adamwMeasured(p, g, s0, s1, n, hp, flagA, save)) return true;
  copyBlock(save, p, n);
  runRule(rule, p, g, s0, s1, s2, n, hp, flagA, flagB);
  return false;
}

/** Copies n f32 values (a block: short, so an inline loop beats a call out to memory.copy). */
// @ts-ignore: decorator
@inline function copyBlock(dst: usize, src: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** Adds one block's Σθ², Σ(θ − θ₀)² and, `withGradients`, Σg² (n values at p, the old ones at p0, g) to the running sums. */
// @ts-ignore: decorator
@inline function addBlockSums(g: usize, p: usize, p0: usize, n: i32, withGradients: bool): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // Two sets of accumulators, so consecutive adds do not wait on each other.
    const n8 = n & ~7;
    let sg = f32x4.splat(0), sp = sg, sd = sg, tg = sg, tp = sg, td = sg;
    for (; i < n8; i += 8) {
      const o = <usize>i << 2;
      const x = v128.load(p + o), y = v128.load(p + o, 16);
      const d = f32x4.sub(x, v128.load(p0 + o)), e = f32x4.sub(y, v128.load(p0 + o, 16));
      sp = f32x4.add(sp, f32x4.mul(x, x));
      tp = f32x4.add(tp, f32x4.mul(y, y));
      sd = f32x4.add(sd, f32x4.mul(d, d));
      td = f32x4.add(td, f32x4.mul(e, e));
      if (withGradients) {
        const u = v128.load(g + o), v = v128.load(g + o, 16);
        sg = f32x4.add(sg, f32x4.mul(u, u));
        tg = f32x4.add(tg, f32x4.mul(v, v));
      }
    }
    paramSq += lanesSum(f32x4.add(sp, tp));
    stepSq += lanesSum(f32x4.add(sd, td));
    if (withGradients) gradSq += lanesSum(f32x4.add(sg, tg));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const x = <f64>load<f32>(p + o);
    const d = x - <f64>load<f32>(p0 + o);
    paramSq += x * x;
    stepSq += d * d;
    if (withGradients) {
      const v = <f64>load<f32>(g + o);
      gradSq += v * v;
    }
  }
}

/**
 * Applies optimizer `rule` (a RULE_ code; pointers, hp and flags as its kernel takes them)
 * over the regions measureNextUpdate armed: entries alternating a layer's weights and its
 * bias, covering the parameters. Writes each layer's parameter slots (Σ W², Σ b², Σ ΔW²,
 * Σ Δb², non-finite parameters) and, when armed `withGradients`, its gradient slots (Σ ∂W²,
 * Σ ∂b², non-finite gradients) — not when clipping will have changed the gradient first
 * (the host then measured it before clipping). The scratch holds MEASURE_SCRATCH_BYTES.
 */
export function measuredUpdate(rule: i32, param: usize, grad: usize, s0: usize, s1: usize, s2: usize, hp: usize, flagA: i32, flagB: i32): void {
  const regions = armedRegions, scratch = armedScratch, withGradients = armedWithGradients;
  for (let r = 0; r < armedRegionCount; r++) {
    const entry = regions + <usize>(r * MEASURE_REGION_BYTES);
    const offset = <usize>load<i32>(entry);
    const n = load<i32>(entry, 4);
    const stats = <usize>load<i32>(entry, 8);
    const bias = (r & 1) != 0;
    gradSq = 0;
    paramSq = 0;
    stepSq = 0;
    for (let i = 0; i < n; i += BLOCK) {
      const count = min(BLOCK, n - i);
      const o = offset + (<usize>i << 2);
      if (runMeasured(rule, param + o, grad + o, s0 + o, s1 + o, s2 + o, count, hp, flagA, flagB, scratch)) addBlockSums(grad + o, param + o, scratch, count, false);
      else addBlockSums(grad + o, param + o, scratch, count, true);
    }
    store<f64>(stats + (<usize>(bias ? STAT_B_SQ : STAT_W_SQ) << 3), paramSq);
    store<f64>(stats + (<usize>(bias ? STAT_DB_STEP_SQ : STAT_DW_STEP_SQ) << 3), stepSq);
    // Weights come first: they set the layer's counts, its bias adds to them.
    const pBad = isFinite(paramSq) ? 0 : countNonFinite(param + offset, n);
    const pBadAt = stats + (<usize>STAT_P_BAD << 3);
    store<f64>(pBadAt, bias ? load<f64>(pBadAt) + pBad : pBad);
    if (withGradients) {
      store<f64>(stats + (<usize>(bias ? STAT_DB_SQ : STAT_DW_SQ) << 3), gradSq);
      const gBad = isFinite(gradSq) ? 0 : countNonFinite(grad + offset, n);
      const gBadAt = stats + (<usize>STAT_G_BAD << 3);
      store<f64>(gBadAt, bias ? load<f64>(gBadAt) + gBad : gBad);
    }
  }
}
