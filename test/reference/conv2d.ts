// Reference f64 2-D convolution, torch.nn.Conv2d's definition written as plainly as possible:
// x is rows × [C, H, W], W is [O, C, kH, kW], b is [O], z is rows × [O, OH, OW];
//   z[r, o, i, j] = b[o] + Σ_{c, u, v} W[o, c, u, v] · x[r, c, i·sH − padTop + u·dH, j·sW − padLeft + v·dW]
// where a position outside the input reads 0 (zero padding; the padding after the input is
// whatever makes the output OH × OW). The backward of a scalar L given dz = ∂L/∂z is the same
// sum read the other way: every term W·x contributes dz·x to dW, dz·W to dx and dz to db.

export interface ConvShape {
  inChannels: number; inHeight: number; inWidth: number;
  outChannels: number; outHeight: number; outWidth: number;
  kernelHeight: number; kernelWidth: number;
  strideHeight: number; strideWidth: number;
  padTop: number; padLeft: number;
  dilationHeight: number; dilationWidth: number;
}

/** Output size along one dimension given both paddings, as torch.nn.Conv2d computes it. */
export function convOutputSize(size: number, kernel: number, padBefore: number, padAfter: number, stride: number, dilation: number): number {
  return Math.floor((size + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Calls f(r, o, i, j, c, u, v, xIndex) for every term W·x of the sum that reads inside the input. */
function eachTerm(s: ConvShape, rows: number, f: (zi: number, wi: number, xi: number, o: number) => void): void {
  const C = s.inChannels, H = s.inHeight, Wd = s.inWidth, O = s.outChannels, OH = s.outHeight, OW = s.outWidth;
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < O; o++) {
      for (let i = 0; i < OH; i++) {
        for (let j = 0; j < OW; j++) {
          const zi = ((r * O + o) * OH + i) * OW + j;
          for (let c = 0; c < C; c++) {
            for (let u = 0; u < s.kernelHeight; u++) {
              const h = i * s.strideHeight - s.padTop + u * s.dilationHeight;
              if (h < 0 || h >= H) continue;
              for (let v = 0; v < s.kernelWidth; v++) {
                const w = j * s.strideWidth - s.padLeft + v * s.dilationWidth;
                if (w < 0 || w >= Wd) continue;
                f(zi, ((o * C + c) * s.kernelHeight + u) * s.kernelWidth + v, ((r * C + c) * H + h) * Wd + w, o);
              }
            }
          }
        }
      }
    }
  }
}

/** z = conv(x, W) + b (b may be null: no bias). */
export function conv2dForward(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | null, rows: number, s: ConvShape): Float64Array {
  const z = new Float64Array(rows * s.outChannels * s.outHeight * s.outWidth);
  const per = s.outHeight * s.outWidth;
  if (b) for (let k = 0; k < z.length; k++) z[k] = b[Math.floor(k / per) % s.outChannels];
  eachTerm(s, rows, (zi, wi, xi) => { z[zi] += w[wi] * x[xi]; });
  return z;
}

/** dW, db and dx of a scalar L from dz = ∂L/∂z. */
export function conv2dBackward(
  dz: ArrayLike<number>, x: ArrayLike<number>, w: ArrayLike<number>, rows: number, s: ConvShape,
): { dw: Float64Array; db: Float64Array; dx: Float64Array } {
  const dw = new Float64Array(w.length);
  const db = new Float64Array(s.outChannels);
  const dx = new Float64Array(x.length);
  const per = s.outHeight * s.outWidth;
  for (let k = 0; k < dz.length; k++) db[Math.floor(k / per) % s.outChannels] += dz[k];
  eachTerm(s, rows, (zi, wi, xi) => {
    dw[wi] += dz[zi] * x[xi];
    dx[xi] += dz[zi] * w[wi];
  });
  return { dw, db, dx };
}
