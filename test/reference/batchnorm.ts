// Reference f64 batch normalisation, torch.nn.BatchNorm1d/2d's definitions. A batch is
// [rows, C, S] row-major (S = 1 for rows of [features], L for [C, L], H·W for [C, H, W]); the
// statistics of channel c run over its rows × S values, n of them.
//  training:   mean, biased var; z = (x − mean)/√(var + eps)·γ + β;
//              tracking: num_batches_tracked += 1, then with m = momentum (None: 1/tracked)
//              running_mean ← (1 − m)·running_mean + m·mean,
//              running_var  ← (1 − m)·running_var + m·var·n/(n − 1);
//  evaluation: the running statistics in place of the batch's (the batch's when not tracking);
//  backward (training): x̂ = (x − mean)·invstd, ∂β = Σdz, ∂γ = Σdz·x̂,
//              dx = γ·invstd·(dz − Σdz/n − x̂·Σdz·x̂/n).

export interface BatchShape {
  rows: number;
  channels: number;
  spatial: number;
}

/** Per-channel mean and biased variance of a batch. */
export function batchStatistics(x: ArrayLike<number>, { rows, channels: C, spatial: S }: BatchShape): { mean: Float64Array; variance: Float64Array } {
  const n = rows * S;
  const mean = new Float64Array(C), variance = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let r = 0; r < rows; r++) for (let i = 0; i < S; i++) s += x[(r * C + c) * S + i];
    mean[c] = s / n;
    let q = 0;
    for (let r = 0; r < rows; r++) for (let i = 0; i < S; i++) q += (x[(r * C + c) * S + i] - mean[c]) ** 2;
    variance[c] = q / n;
  }
  return { mean, variance };
}

/** z = (x − mean)/√(var + eps)·γ + β per channel (γ = 1, β = 0 when null). */
export function normalize(
  x: ArrayLike<number>, shape: BatchShape, mean: ArrayLike<number>, variance: ArrayLike<number>, eps: number,
  gamma: ArrayLike<number> | null, beta: ArrayLike<number> | null,
): Float64Array {
  const { rows, channels: C, spatial: S } = shape;
  const z = new Float64Array(rows * C * S);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < C; c++) {
      const invstd = 1 / Math.sqrt(variance[c] + eps);
      for (let i = 0; i < S; i++) {
        const j = (r * C + c) * S + i;
        z[j] = (x[j] - mean[c]) * invstd * (gamma ? gamma[c] : 1) + (beta ? beta[c] : 0);
      }
    }
  }
  return z;
}

/** Running statistics: torch.nn's buffers, in f64 here. */
export interface RunningStats {
  mean: Float64Array;
  variance: Float64Array;
  tracked: number;
}

export function initialRunning(C: number): RunningStats {
  return { mean: new Float64Array(C), variance: new Float64Array(C).fill(1), tracked: 0 };
}

/** One training step's update of `s` in place from the batch's mean and biased variance over n values. */
export function updateRunning(s: RunningStats, mean: ArrayLike<number>, variance: ArrayLike<number>, n: number, momentum: number | null): void {
  s.tracked += 1;
  const m = momentum === null ? 1 / s.tracked : momentum;
  for (let c = 0; c < s.mean.length; c++) {
    s.mean[c] = (1 - m) * s.mean[c] + m * mean[c];
    s.variance[c] = (1 - m) * s.variance[c] + m * variance[c] * n / (n - 1);
  }
}

/** ∂L/∂x, ∂L/∂γ and ∂L/∂β of the training forward from dz = ∂L/∂z. */
export function batchNormBackward(
  dz: ArrayLike<number>, x: ArrayLike<number>, shape: BatchShape, eps: number, gamma: ArrayLike<number> | null,
): { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const { rows, channels: C, spatial: S } = shape;
  const n = rows * S;
  const { mean, variance } = batchStatistics(x, shape);
  const dx = new Float64Array(rows * C * S), dgamma = new Float64Array(C), dbeta = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const invstd = 1 / Math.sqrt(variance[c] + eps);
    let sum = 0, dot = 0;
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < S; i++) {
        const j = (r * C + c) * S + i;
        sum += dz[j];
        dot += dz[j] * (x[j] - mean[c]) * invstd;
      }
    }
    dbeta[c] = sum;
    dgamma[c] = dot;
    const g = gamma ? gamma[c] : 1;
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < S; i++) {
        const j = (r * C + c) * S + i;
        dx[j] = g * invstd * (dz[j] - sum / n - (x[j] - mean[c]) * invstd * dot / n);
      }
    }
  }
  return { dx, dgamma, dbeta };
}
