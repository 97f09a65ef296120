// Memory helpers. The host plans every region itself, starting at heapBase();
// kernels never allocate (runtime stub, and nothing here calls heap.alloc).

/** First byte the host may use: everything below holds the module's static data. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * Copies `count` rows of `rowBytes` bytes each from `src` into consecutive rows at `dst`,
 * taking row indices from the i32 array at `indices`. The host calls it once per
 * training step to assemble a batch from the resident data set.
 */
export function gatherRows(dst: usize, src: usize, indices: usize, count: i32, rowBytes: i32): void {
  const stride = <usize>rowBytes;
  for (let r = 0; r < count; r++) {
    const row = <usize>load<i32>(indices + (<usize>r << 2));
    memory.copy(dst + <usize>r * stride, src + row * stride, stride);
  }
}

/** Sets `count` f32 values at `ptr` to `value`. */
export function fillF32(ptr: usize, count: i32, value: f32): void {
  if (reinterpret<u32>(value) == 0) { // +0 only: −0 must be stored with its sign
    memory.fill(ptr, 0, <usize>count << 2);
    return;
  }
  for (let i = 0; i < count; i++) store<f32>(ptr + (<usize>i << 2), value);
}

/** dst[i] += src[i] over `count` f32 values: sums the worker threads' gradients in order. */
export function addF32(dst: usize, src: usize, count: i32): void {
  let o: usize = 0;
  const end = <usize>count << 2;
  if (ASC_FEATURE_SIMD) {
    for (; o + 16 <= end; o += 16) v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; o < end; o += 4) store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
}

/**
 * Rewrites the first value of every 64-byte line over `count` f32 values at `ptr`: takes those
 * cache lines for writing, all at once, before an update writes them (another core read them in
 * its pass, and a write to a line it holds must first take it back).
 */
export function claimLines(ptr: usize, count: i32): void {
  const end = ptr + (<usize>count << 2);
  for (let o = ptr; o < end; o += 64) store<u32>(o, load<u32>(o));
}
