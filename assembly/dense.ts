// Dense (fully connected) layer, PyTorch layout: W is [out, in] row-major, b is [out].
// Shapes in comments: N = rows in the batch, I = inputs, O = outputs.
// Forward and backward sit together; each writes its outputs (=), never accumulates.

/** y(N,O) = x(N,I) · W(O,I)ᵀ + b(O). Called once per layer per forward pass. */
export function denseForward(y: usize, x: usize, w: usize, b: usize, rows: i32, inDim: i32, outDim: i32): void {
  const inBytes = <usize>inDim << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * inBytes;
    const yr = y + <usize>r * (<usize>outDim << 2);
    let o = 0;
    // Four outputs at a time share each load of x.
    for (; o + 4 <= outDim; o += 4) {
      const w0 = w + <usize>o * inBytes;
      const w1 = w0 + inBytes;
      const w2 = w1 + inBytes;
      const w3 = w2 + inBytes;
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      let i = 0;
      if (ASC_FEATURE_SIMD) {
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
        for (; i + 4 <= inDim; i += 4) {
          const off = <usize>i << 2;
          const xv = v128.load(xr + off);
          a0 = f32x4.add(a0, f32x4.mul(xv, v128.load(w0 + off)));
          a1 = f32x4.add(a1, f32x4.mul(xv, v128.load(w1 + off)));
          a2 = f32x4.add(a2, f32x4.mul(xv, v128.load(w2 + off)));
          a3 = f32x4.add(a3, f32x4.mul(xv, v128.load(w3 + off)));
        }
        s0 = horizontalSum(a0); s1 = horizontalSum(a1); s2 = horizontalSum(a2); s3 = horizontalSum(a3);
      }
      for (; i < inDim; i++) {
        const off = <usize>i << 2;
        const xv = load<f32>(xr + off);
        s0 += xv * load<f32>(w0 + off);
        s1 += xv * load<f32>(w1 + off);
        s2 += xv * load<f32>(w2 + off);
        s3 += xv * load<f32>(w3 + off);
      }
      const ob = <usize>o << 2;
      store<f32>(yr + ob, s0 + load<f32>(b + ob));
      store<f32>(yr + ob + 4, s1 + load<f32>(b + ob + 4));
      store<f32>(yr + ob + 8, s2 + load<f32>(b + ob + 8));
      store<f32>(yr + ob + 12, s3 + load<f32>(b + ob + 12));
    }
    for (; o < outDim; o++) {
      const wo = w + <usize>o * inBytes;
      store<f32>(yr + (<usize>o << 2), dot(xr, wo, inDim) + load<f32>(b + (<usize>o << 2)));
    }
  }
}

/** dx(N,I) = dy(N,O) · W(O,I). Skipped by the host for the first layer. */
export function denseBackwardInput(dx: usize, dy: usize, w: usize, rows: i32, inDim: i32, outDim: i32): void {
  const inBytes = <usize>inDim << 2;
  memory.fill(dx, 0, <usize>rows * inBytes);
  for (let r = 0; r < rows; r++) {
    const dxr = dx + <usize>r * inBytes;
    const dyr = dy + <usize>r * (<usize>outDim << 2);
    for (let o = 0; o < outDim; o++) {
      const g = load<f32>(dyr + (<usize>o << 2));
      axpy(dxr, w + <usize>o * inBytes, g, inDim);
    }
  }
}

/** dW(O,I) = dy(N,O)ᵀ · x(N,I) and db(O) = Σₙ dy(n,·). */
export function denseBackwardParams(dw: usize, db: usize, dy: usize, x: usize, rows: i32, inDim: i32, outDim: i32): void {
  const inBytes = <usize>inDim << 2;
  const outBytes = <usize>outDim << 2;
  memory.fill(dw, 0, <usize>outDim * inBytes);
  for (let o = 0; o < outDim; o++) {
    const dwo = dw + <usize>o * inBytes;
    let bsum: f32 = 0;
    for (let r = 0; r < rows; r++) {
      const g = load<f32>(dy + <usize>r * outBytes + (<usize>o << 2));
      bsum += g;
      axpy(dwo, x + <usize>r * inBytes, g, inDim);
    }
    store<f32>(db + (<usize>o << 2), bsum);
  }
}

// @ts-ignore: decorator
@inline function horizontalSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Σ a[i]·b[i] over n f32 values. */
function dot(a: usize, b: usize, n: i32): f32 {
  let s: f32 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      acc = f32x4.add(acc, f32x4.mul(v128.load(a + off), v128.load(b + off)));
    }
    s = horizontalSum(acc);
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    s += load<f32>(a + off) * load<f32>(b + off);
  }
  return s;
}

/** y[i] += a·x[i] over n f32 values. */
function axpy(y: usize, x: usize, a: f32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const av = f32x4.splat(a);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      v128.store(y + off, f32x4.add(v128.load(y + off), f32x4.mul(av, v128.load(x + off))));
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(y + off, load<f32>(y + off) + a * load<f32>(x + off));
  }
}
