// Losses on the last layer's output, each fused with its gradient. Every loss is the mean
// over all elements (softmax cross-entropy: over the batch rows), as PyTorch's reduction='mean'.
// Each stores the mean loss as an f64 at `loss`, rounded to f32 as PyTorch's float32 loss is
// (summed in f64, so within half an f32 ulp of the exact mean; a mean beyond f32's range is
// inf, as there), and writes dout = ∂loss/∂out, already divided by the count. The loss goes through memory, not a return value: a returned f64 is boxed into
// a fresh JS heap number on every training step unless V8 happens to inline the call.
// `meanRows` is the row count the mean is taken over: the batch's rows, or — when a batch is
// split into shards — the whole batch's, so the shards' losses and gradients simply add up.
// Shapes: out and dout are (N,C); target is (N,C) f32, or (N) i32 class indices for cross-entropy.

/** Softmax + negative log-likelihood of class indices (nn.CrossEntropyLoss). */
export function softmaxCrossEntropy(loss: usize, dout: usize, out: usize, labels: usize, rows: i32, classes: i32, meanRows: i32): void {
  const rowBytes = <usize>classes << 2;
  const invRows: f64 = 1.0 / <f64>meanRows;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const zr = out + <usize>r * rowBytes;
    const gr = dout + <usize>r * rowBytes;
    let m: f64 = -Infinity;
    for (let c = 0; c < classes; c++) m = max(m, <f64>load<f32>(zr + (<usize>c << 2)));
    let s: f64 = 0;
    for (let c = 0; c < classes; c++) s += Math.exp(<f64>load<f32>(zr + (<usize>c << 2)) - m);
    const logS = Math.log(s);
    const label = load<i32>(labels + (<usize>r << 2));
    total -= <f64>load<f32>(zr + (<usize>label << 2)) - m - logS;
    for (let c = 0; c < classes; c++) {
      const p = Math.exp(<f64>load<f32>(zr + (<usize>c << 2)) - m - logS);
      store<f32>(gr + (<usize>c << 2), <f32>((c == label ? p - 1.0 : p) * invRows));
    }
  }
  store<f64>(loss, <f64><f32>(total * invRows));
}

/** Binary cross-entropy on logits (nn.BCEWithLogitsLoss), in its overflow-free form. */
export function sigmoidBce(loss: usize, dout: usize, out: usize, target: usize, rows: i32, cols: i32, meanRows: i32): void {
  const count = rows * cols;
  const inv: f64 = 1.0 / (<f64>meanRows * <f64>cols);
  let total: f64 = 0;
  for (let i = 0; i < count; i++) {
    const off = <usize>i << 2;
    const x = <f64>load<f32>(out + off);
    const y = <f64>load<f32>(target + off);
    total += max(x, 0.0) - x * y + Math.log1p(Math.exp(-abs(x)));
    store<f32>(dout + off, <f32>((1.0 / (1.0 + Math.exp(-x)) - y) * inv));
  }
  store<f64>(loss, <f64><f32>(total * inv));
}

/** Mean squared error (nn.MSELoss). */
export function mse(loss: usize, dout: usize, out: usize, target: usize, rows: i32, cols: i32, meanRows: i32): void {
  const count = rows * cols;
  const inv: f64 = 1.0 / (<f64>meanRows * <f64>cols);
  let total: f64 = 0;
  for (let i = 0; i < count; i++) {
    const off = <usize>i << 2;
    const d = <f64>load<f32>(out + off) - <f64>load<f32>(target + off);
    total += d * d;
    store<f32>(dout + off, <f32>(2.0 * d * inv));
  }
  store<f64>(loss, <f64><f32>(total * inv));
}

/** Mean absolute error (nn.L1Loss); its gradient uses sign(0) = 0. */
export function mae(loss: usize, dout: usize, out: usize, target: usize, rows: i32, cols: i32, meanRows: i32): void {
  const count = rows * cols;
  const inv: f64 = 1.0 / (<f64>meanRows * <f64>cols);
  let total: f64 = 0;
  for (let i = 0; i < count; i++) {
    const off = <usize>i << 2;
    const d = <f64>load<f32>(out + off) - <f64>load<f32>(target + off);
    total += abs(d);
    store<f32>(dout + off, <f32>((d > 0 ? inv : d < 0 ? -inv : 0.0)));
  }
  store<f64>(loss, <f64><f32>(total * inv));
}

/** Huber loss with δ = 1 (nn.HuberLoss): quadratic inside |d| ≤ δ, linear outside. */
export function huber(loss: usize, dout: usize, out: usize, target: usize, rows: i32, cols: i32, meanRows: i32): void {
  const delta: f64 = 1.0;
  const count = rows * cols;
  const inv: f64 = 1.0 / (<f64>meanRows * <f64>cols);
  let total: f64 = 0;
  for (let i = 0; i < count; i++) {
    const off = <usize>i << 2;
    const d = <f64>load<f32>(out + off) - <f64>load<f32>(target + off);
    const ad = abs(d);
    total += ad < delta ? 0.5 * d * d : delta * (ad - 0.5 * delta);
    const g = d < -delta ? -delta : d > delta ? delta : d;
    store<f32>(dout + off, <f32>(g * inv));
  }
  store<f64>(loss, <f64><f32>(total * inv));
}

/** Row-wise softmax (N,C) for predicted probabilities; `probs` may equal `logits`. */
export function softmaxRows(probs: usize, logits: usize, rows: i32, classes: i32): void {
  const rowBytes = <usize>classes << 2;
  for (let r = 0; r < rows; r++) {
    const zr = logits + <usize>r * rowBytes;
    const pr = probs + <usize>r * rowBytes;
    let m: f64 = -Infinity;
    for (let c = 0; c < classes; c++) m = max(m, <f64>load<f32>(zr + (<usize>c << 2)));
    let s: f64 = 0;
    for (let c = 0; c < classes; c++) s += Math.exp(<f64>load<f32>(zr + (<usize>c << 2)) - m);
    const inv = 1.0 / s;
    for (let c = 0; c < classes; c++) {
      const off = <usize>c << 2;
      store<f32>(pr + off, <f32>(Math.exp(<f64>load<f32>(zr + off) - m) * inv));
    }
  }
}
