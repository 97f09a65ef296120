/**
 * The median of the last `size` values added. The window is kept sorted as values come and
 * go, so an add costs O(size) moves and no sort, and reading the median costs nothing: the
 * verdicts take it on every diagnostics report. Allocation-free after construction.
 */
export class RollingMedian {
  /** Median of the window (the mean of the middle two for an even count); Infinity while empty. */
  median = Infinity;
  /**
   * The value the next add() takes. Set it, then call add(): a double passed as an argument
   * to a call V8 does not inline is boxed, a heap allocation on every report.
   */
  value = 0;
  /** The window in arrival order (a ring: `next` is the oldest once full). */
  private readonly ring: Float64Array;
  /** The window's values ascending, in the first `count` entries. */
  private readonly sorted: Float64Array;
  private count = 0;
  private next = 0;

  constructor(size: number) {
    this.ring = new Float64Array(size);
    this.sorted = new Float64Array(size);
  }

  /** Adds `value` (finite: NaN would break the order), dropping the oldest once the window is full. */
  add(): void {
    const value = this.value;
    const s = this.sorted;
    if (this.count === this.ring.length) {
      const oldest = this.ring[this.next];
      let i = 0;
      while (s[i] !== oldest) i++;
      for (; i < this.count - 1; i++) s[i] = s[i + 1];
      this.count--;
    }
    this.ring[this.next] = value;
    this.next = (this.next + 1) % this.ring.length;
    let j = this.count - 1;
    while (j >= 0 && s[j] > value) {
      s[j + 1] = s[j];
      j--;
    }
    s[j + 1] = value;
    const n = ++this.count;
    this.median = n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
