// Reference f64 dense layer in PyTorch's nn.Linear layout: W is [out, in] row-major, b is [out],
// x is [rows, in], y is [rows, out]. y = x·Wᵀ + b; the backward pass of a scalar loss L
// given dy = ∂L/∂y is dx = dy·W, dW = dyᵀ·x, db = Σ_rows dy.

/** y(N,O) = x(N,I)·W(O,I)ᵀ + b(O). */
export function denseForward(
  x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>, rows: number, inDim: number, outDim: number,
): Float64Array {
  const y = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outDim; o++) {
      let s = b[o];
      for (let i = 0; i < inDim; i++) s += x[r * inDim + i] * w[o * inDim + i];
      y[r * outDim + o] = s;
    }
  }
  return y;
}

/** dx(N,I) = dy(N,O)·W(O,I). */
export function denseBackwardInput(
  dy: ArrayLike<number>, w: ArrayLike<number>, rows: number, inDim: number, outDim: number,
): Float64Array {
  const dx = new Float64Array(rows * inDim);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < inDim; i++) {
      let s = 0;
      for (let o = 0; o < outDim; o++) s += dy[r * outDim + o] * w[o * inDim + i];
      dx[r * inDim + i] = s;
    }
  }
  return dx;
}

/** dW(O,I) = dy(N,O)ᵀ·x(N,I) and db(O) = Σ_rows dy(·,O). */
export function denseBackwardParams(
  dy: ArrayLike<number>, x: ArrayLike<number>, rows: number, inDim: number, outDim: number,
): { dw: Float64Array; db: Float64Array } {
  const dw = new Float64Array(outDim * inDim);
  const db = new Float64Array(outDim);
  for (let o = 0; o < outDim; o++) {
    let bs = 0;
    for (let r = 0; r < rows; r++) bs += dy[r * outDim + o];
    db[o] = bs;
    for (let i = 0; i < inDim; i++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += dy[r * outDim + o] * x[r * inDim + i];
      dw[o * inDim + i] = s;
    }
  }
  return { dw, db };
}
