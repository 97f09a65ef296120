// Fixed-bin histograms of weights, gradients and activations for diagnostics reports. Two
// sweeps a histogram: the finite values' range (accumulated over several pieces, as worker
// threads' shards), then counts in `bins` equal bins spanning it. Non-finite values are left
// out of both (reports count them apart). Like numpy.histogram, the last bin includes its
// right edge, and a range of one value is widened to ±0.5 around it.

/** Widens the f64 pair [min, max] at `range` to take in the finite values among n at p. */
export function valueRange(range: usize, p: usize, n: i32): void {
  let lo = load<f64>(range), hi = load<f64>(range, 8);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    if (n4 > 0) {
      // Non-finite lanes are swapped for a finite value of the same block before min/max.
      const inf = f32x4.splat(Infinity);
      let vlo = inf, vhi = f32x4.neg(inf);
      for (; i < n4; i += 4) {
        const v = v128.load(p + (<usize>i << 2));
        const finite = f32x4.lt(f32x4.abs(v), inf);
        vlo = f32x4.min(vlo, v128.bitselect(v, inf, finite));
        vhi = f32x4.max(vhi, v128.bitselect(v, f32x4.neg(inf), finite));
      }
      lo = min(lo, <f64>min(min(f32x4.extract_lane(vlo, 0), f32x4.extract_lane(vlo, 1)), min(f32x4.extract_lane(vlo, 2), f32x4.extract_lane(vlo, 3))));
      hi = max(hi, <f64>max(max(f32x4.extract_lane(vhi, 0), f32x4.extract_lane(vhi, 1)), max(f32x4.extract_lane(vhi, 2), f32x4.extract_lane(vhi, 3))));
    }
  }
  for (; i < n; i++) {
    const v = <f64>load<f32>(p + (<usize>i << 2));
    if (v - v != 0) continue;
    lo = min(lo, v);
    hi = max(hi, v);
  }
  store<f64>(range, lo);
  store<f64>(range, hi, 8);
}

/**
 * Adds the finite values among n at p to `bins` u32 counts at `counts`, over the range the
 * f64 pair at `range` holds (from valueRange; widened here to ±0.5 when it is one value).
 * An empty range (no finite values: min > max) counts nothing.
 */
export function histogram(counts: usize, bins: i32, range: usize, p: usize, n: i32): void {
  let lo = load<f64>(range), hi = load<f64>(range, 8);
  if (!(lo <= hi)) return;
  if (lo == hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const scale = <f64>bins / (hi - lo);
  const last = bins - 1;
  for (let i = 0; i < n; i++) {
    const v = <f64>load<f32>(p + (<usize>i << 2));
    if (v - v != 0) continue;
    // Truncation is floor for v ≥ lo; the maximum lands on `bins`, which belongs to the last bin.
    const b = max(0, min(<i32>((v - lo) * scale), last));
    const at = counts + (<usize>b << 2);
    store<u32>(at, load<u32>(at) + 1);
  }
}
