// The optimizer update of a diagnostics step, with the statistics taken on the way: the
// raw gradient's Σg², the new parameters' Σθ² and the update's Σ(θ_after − θ_before)², per
// layer, weights and bias apart. optimizers.ts runs such an update block by block: each
// block's old parameters are kept aside and its Σg² taken, then Σθ² and Σ(Δθ)² are summed
// here while the block is still in L1. So measuring costs arithmetic, not another sweep
// through memory. The optimizer loops are elementwise and agree bit for bit between their
// SIMD body and scalar tail, so blocking leaves the update exactly as one whole-range call.
// Why Σθ² and Σ(Δθ)² are not summed inside the optimizer loops: they wait for the end of
// each vector's divide/square-root chain, and ops waiting there crowd the CPU's window; a
// pass over the block in L1 costs less.
import {
  MEASURE_REGION_BYTES, STAT_B_SQ, STAT_DB_SQ, STAT_DB_STEP_SQ, STAT_DW_SQ, STAT_DW_STEP_SQ, STAT_G_BAD, STAT_P_BAD, STAT_W_SQ,
} from "./abi";
import { countNonFinite, lanesSum } from "./stats";

// Running sums of the current region (globals: an @inline helper cannot return three values).
let gradSq: f64 = 0;
let paramSq: f64 = 0;
let stepSq: f64 = 0;

// The next optimizer call's measurement, armed by measureNextUpdate.
let armed = false;
let regionTable: usize = 0;
let regionCount: i32 = 0;
let scratch: usize = 0;
let withGradients = false;

/**
 * Makes the next optimizer kernel call a measured update (optimizers.ts measuredUpdate), so
 * the host calls the same kernel with the same arguments on reporting steps as on any other.
 * `regions` is a table of `count` entries (abi.ts REGION_* words), `scratch` holds
 * MEASURE_SCRATCH_BYTES.
 */
export function measureNextUpdate(regions: usize, count: i32, scratchAt: usize, gradients: i32): void {
  armed = true;
  regionTable = regions;
  regionCount = count;
  scratch = scratchAt;
  withGradients = gradients != 0;
}

/** Whether the calling optimizer kernel is to hand its work to measuredUpdate (and disarms). */
// @ts-ignore: decorator
@inline export function takeMeasurement(): bool {
  if (!armed) return false;
  armed = false;
  return true;
}

/** Regions of the armed measurement. */
// @ts-ignore: decorator
@inline export function armedRegions(): i32 {
  return regionCount;
}

/** The table entry of region r. */
// @ts-ignore: decorator
@inline export function armedRegion(r: i32): usize {
  return regionTable + <usize>(r * MEASURE_REGION_BYTES);
}

/** Where a block's old parameters are kept. */
// @ts-ignore: decorator
@inline export function armedScratch(): usize {
  return scratch;
}

/** Starts a region's sums. */
// @ts-ignore: decorator
@inline export function startRegion(): void {
  gradSq = 0;
  paramSq = 0;
  stepSq = 0;
}

/** Adds to the running Σg² (the `…Measured` loops call it once per block). */
// @ts-ignore: decorator
@inline export function addGradientSquares(sum: f64): void {
  gradSq += sum;
}

/** Copies n f32 values (a block: short, so an inline loop beats a call out to memory.copy). */
// @ts-ignore: decorator
@inline export function copyBlock(dst: usize, src: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** Adds one block's Σθ², Σ(θ − θ₀)² and, `gradients`, Σg² (n values at p, the old ones at p0, g) to the running sums. */
// @ts-ignore: decorator
@inline export function addBlockSums(g: usize, p: usize, p0: usize, n: i32, gradients: bool): void {
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
      if (gradients) {
        const u = v128.load(g + o), v = v128.load(g + o, 16);
        sg = f32x4.add(sg, f32x4.mul(u, u));
        tg = f32x4.add(tg, f32x4.mul(v, v));
      }
    }
    paramSq += lanesSum(f32x4.add(sp, tp));
    stepSq += lanesSum(f32x4.add(sd, td));
    if (gradients) gradSq += lanesSum(f32x4.add(sg, tg));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const x = <f64>load<f32>(p + o);
    const d = x - <f64>load<f32>(p0 + o);
    paramSq += x * x;
    stepSq += d * d;
    if (gradients) {
      const v = <f64>load<f32>(g + o);
      gradSq += v * v;
    }
  }
}

/**
 * Ends region r (n values at p, their gradients at g): writes its parameter slots (Σ W² or
 * Σ b², Σ ΔW² or Σ Δb², non-finite parameters) into the layer's statistics block and, when
 * armed with gradients, its gradient slots (Σ ∂W² or Σ ∂b², non-finite gradients) — not when
 * clipping will have changed the gradient first (the host then measured it before clipping).
 * Regions alternate a layer's weights and its bias; the weights come first and set the
 * layer's non-finite counts, its bias adds to them.
 */
export function endRegion(r: i32, p: usize, g: usize, n: i32, stats: usize): void {
  const bias = (r & 1) != 0;
  store<f64>(stats + (<usize>(bias ? STAT_B_SQ : STAT_W_SQ) << 3), paramSq);
  store<f64>(stats + (<usize>(bias ? STAT_DB_STEP_SQ : STAT_DW_STEP_SQ) << 3), stepSq);
  const pBad = isFinite(paramSq) ? 0 : countNonFinite(p, n);
  const pBadAt = stats + (<usize>STAT_P_BAD << 3);
  store<f64>(pBadAt, bias ? load<f64>(pBadAt) + pBad : pBad);
  if (withGradients) {
    store<f64>(stats + (<usize>(bias ? STAT_DB_SQ : STAT_DW_SQ) << 3), gradSq);
    const gBad = isFinite(gradSq) ? 0 : countNonFinite(g, n);
    const gBadAt = stats + (<usize>STAT_G_BAD << 3);
    store<f64>(gBadAt, bias ? load<f64>(gBadAt) + gBad : gBad);
  }
}
