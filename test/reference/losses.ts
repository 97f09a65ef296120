// Reference f64 losses with PyTorch's reduction='mean' and their gradients with respect to the
// network outputs. out, target and the gradient are [rows, cols] row-major; cross-entropy takes
// [rows] class indices and averages over rows only (nn.CrossEntropyLoss), every other loss
// averages over all rows·cols elements.

/** A loss value and ∂loss/∂out. */
export interface LossResult {
  loss: number;
  grad: Float64Array;
}

/** nn.HuberLoss default delta. */
export const HUBER_DELTA = 1;

/** Row-wise softmax of logits [rows, classes], max-shifted. */
export function softmaxRows(logits: ArrayLike<number>, rows: number, classes: number): Float64Array {
  const p = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let c = 0; c < classes; c++) m = Math.max(m, logits[r * classes + c]);
    let s = 0;
    for (let c = 0; c < classes; c++) s += Math.exp(logits[r * classes + c] - m);
    for (let c = 0; c < classes; c++) p[r * classes + c] = Math.exp(logits[r * classes + c] - m) / s;
  }
  return p;
}

/** log Σ_c e^{z_c} of one row, max-shifted. */
export function logSumExp(z: ArrayLike<number>, start: number, count: number): number {
  let m = -Infinity;
  for (let c = 0; c < count; c++) m = Math.max(m, z[start + c]);
  let s = 0;
  for (let c = 0; c < count; c++) s += Math.exp(z[start + c] - m);
  return m + Math.log(s);
}

/** nn.CrossEntropyLoss on logits and class indices: mean over rows of logΣe^z − z_label. */
export function softmaxCrossEntropy(
  logits: ArrayLike<number>, labels: ArrayLike<number>, rows: number, classes: number,
): LossResult {
  const grad = softmaxRows(logits, rows, classes);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const label = labels[r];
    total += logSumExp(logits, r * classes, classes) - logits[r * classes + label];
    grad[r * classes + label] -= 1;
  }
  for (let i = 0; i < grad.length; i++) grad[i] /= rows;
  return { loss: total / rows, grad };
}

/** One element of nn.BCEWithLogitsLoss: max(x,0) − x·y + log(1 + e^{−|x|}). */
export const bceWithLogits = (x: number, y: number): number => Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
/** One squared error d². */
export const squaredError = (d: number): number => d * d;
/** One absolute error |d|. */
export const absoluteError = (d: number): number => Math.abs(d);
/** One Huber term: ½d² if |d| < δ, else δ(|d| − ½δ). */
export const huberTerm = (d: number, delta = HUBER_DELTA): number => {
  const ad = Math.abs(d);
  return ad < delta ? 0.5 * d * d : delta * (ad - 0.5 * delta);
};
/** sign with sign(0) = 0 (torch.sign, used by L1Loss's backward). */
export const sign = (d: number): number => (d > 0 ? 1 : d < 0 ? -1 : 0);
/** ∂huberTerm/∂d: −δ below −δ, δ above δ, d in between (so exactly ±δ at |d| = δ). */
export const huberGradTerm = (d: number, delta = HUBER_DELTA): number => (d < -delta ? -delta : d > delta ? delta : d);

function elementwise(
  out: ArrayLike<number>, target: ArrayLike<number>, count: number,
  value: (o: number, t: number) => number, gradient: (o: number, t: number) => number,
): LossResult {
  const grad = new Float64Array(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    total += value(out[i], target[i]);
    grad[i] = gradient(out[i], target[i]) / count;
  }
  return { loss: total / count, grad };
}

/** nn.BCEWithLogitsLoss: mean of bceWithLogits; gradient (σ(x) − y)/n. */
export function sigmoidBce(out: ArrayLike<number>, target: ArrayLike<number>, rows: number, cols: number): LossResult {
  return elementwise(out, target, rows * cols, bceWithLogits, (x, y) => 1 / (1 + Math.exp(-x)) - y);
}

/** nn.MSELoss: mean of (out − target)²; gradient 2d/n. */
export function mse(out: ArrayLike<number>, target: ArrayLike<number>, rows: number, cols: number): LossResult {
  return elementwise(out, target, rows * cols, (o, t) => squaredError(o - t), (o, t) => 2 * (o - t));
}

/** nn.L1Loss: mean of |out − target|; gradient sign(d)/n with sign(0) = 0. */
export function mae(out: ArrayLike<number>, target: ArrayLike<number>, rows: number, cols: number): LossResult {
  return elementwise(out, target, rows * cols, (o, t) => absoluteError(o - t), (o, t) => sign(o - t));
}

/** nn.HuberLoss(delta): mean of huberTerm; gradient clamp(d, −δ, δ)/n. */
export function huber(
  out: ArrayLike<number>, target: ArrayLike<number>, rows: number, cols: number, delta = HUBER_DELTA,
): LossResult {
  return elementwise(out, target, rows * cols, (o, t) => huberTerm(o - t, delta), (o, t) => huberGradTerm(o - t, delta));
}
