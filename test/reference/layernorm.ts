// Reference f64 layer normalisation (torch.nn.LayerNorm). A row of the batch is `groups`
// groups of `size` contiguous values (the normalized shape is its trailing dimensions), and
// each group is normalised on its own: mean μ, biased variance σ² (divided by size, as
// PyTorch's forward does), x̂ = (x − μ)/√(σ² + ε), y = x̂·γ + β with γ, β of the group's shape
// (weight 1 and bias 0 without elementwise affine). Two-pass moments in f64.
//
// Backward of a scalar loss given dy: with g = dy·γ, x̂ and r = 1/√(σ² + ε) of the group,
//   dx = r·(g − mean(g) − x̂·mean(g·x̂)),   dγ = Σ dy·x̂,   dβ = Σ dy   (sums over every group of every row).

export interface LayerNormShape {
  rows: number;
  groups: number;
  size: number;
  eps: number;
}

export interface LayerNormForward {
  y: Float64Array;
  /** Per group (rows × groups, row-major): μ and 1/√(σ² + ε). */
  mean: Float64Array;
  rstd: Float64Array;
}

export function layerNormForward(x: ArrayLike<number>, weight: ArrayLike<number> | null, bias: ArrayLike<number> | null, s: LayerNormShape): LayerNormForward {
  const { rows, groups, size, eps } = s;
  const count = rows * groups;
  const y = new Float64Array(count * size), mean = new Float64Array(count), rstd = new Float64Array(count);
  for (let g = 0; g < count; g++) {
    const o = g * size;
    let sum = 0;
    for (let i = 0; i < size; i++) sum += x[o + i];
    const mu = sum / size;
    let sq = 0;
    for (let i = 0; i < size; i++) sq += (x[o + i] - mu) ** 2;
    const r = 1 / Math.sqrt(sq / size + eps);
    mean[g] = mu;
    rstd[g] = r;
    for (let i = 0; i < size; i++) y[o + i] = (x[o + i] - mu) * r * (weight ? weight[i] : 1) + (bias ? bias[i] : 0);
  }
  return { y, mean, rstd };
}

export interface LayerNormBackward {
  dx: Float64Array;
  /** Null without elementwise affine. */
  dweight: Float64Array | null;
  dbias: Float64Array | null;
}

export function layerNormBackward(dy: ArrayLike<number>, x: ArrayLike<number>, weight: ArrayLike<number> | null, affine: boolean, s: LayerNormShape): LayerNormBackward {
  const { rows, groups, size } = s;
  const count = rows * groups;
  const { mean, rstd } = layerNormForward(x, null, null, s);
  const dx = new Float64Array(count * size);
  const dweight = affine ? new Float64Array(size) : null, dbias = affine ? new Float64Array(size) : null;
  for (let k = 0; k < count; k++) {
    const o = k * size, r = rstd[k];
    const xhat = (i: number) => (x[o + i] - mean[k]) * r;
    const g = (i: number) => dy[o + i] * (weight ? weight[i] : 1);
    let gMean = 0, gxMean = 0;
    for (let i = 0; i < size; i++) {
      gMean += g(i);
      gxMean += g(i) * xhat(i);
    }
    gMean /= size;
    gxMean /= size;
    for (let i = 0; i < size; i++) {
      dx[o + i] = r * (g(i) - gMean - xhat(i) * gxMean);
      if (dweight && dbias) {
        dweight[i] += dy[o + i] * xhat(i);
        dbias[i] += dy[o + i];
      }
    }
  }
  return { dx, dweight, dbias };
}
