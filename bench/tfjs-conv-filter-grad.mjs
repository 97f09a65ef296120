// tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so a conv2d layer cannot train
// on it at all ("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'", tfjs issue
// #8474). To measure tfjs-wasm on a conv net anyway, the bench registers one built only from
// the backend's own kernels (XNNPACK's Conv2D and the wasm Transpose), the fastest route the
// backend offers, rather than falling back to JavaScript:
//
//   dW[kh, kw, ci, co] = Σ_{n, oh, ow} xpad[n, oh + kh, ow + kw, ci] · dy[n, oh, ow, co]
//
// is a convolution of x laid out as [ci, H, W, n] (batch ↔ channels swapped) with dy laid out
// as [oh, ow, n, co] as the filter, with the forward's padding: its output is [ci, kh, kw, co].
// Stride 1 and dilation 1 only (what the bench's networks use); anything else is an error.
// checkFilterGrad() compares it with the cpu backend's reference kernel.

/** Registers the kernel on the wasm backend of `tf` (once; later calls do nothing). */
export function registerWasmConv2DBackpropFilter(tf) {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const conv2d = tf.getKernel('Conv2D', 'wasm').kernelFunc;
  const transpose = tf.getKernel('Transpose', 'wasm').kernelFunc;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc({ inputs, backend, attrs }) {
      const { x, dy } = inputs;
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
      const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false, tf.backend_util.convertConv2DDataFormat(dataFormat));
      if (info.dataFormat !== 'channelsLast' || info.strideHeight !== 1 || info.strideWidth !== 1) {
        throw new Error(`bench Conv2DBackpropFilter (wasm): only channelsLast, stride 1 (got ${info.dataFormat}, stride ${info.strideHeight}×${info.strideWidth})`);
      }
      const { top, bottom, left, right } = info.padInfo;
      const xT = transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } });
      const dyT = transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } });
      const r = conv2d({
        inputs: { x: xT, filter: dyT },
        backend,
        attrs: { strides: 1, pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC', dilations: 1, dimRoundingMode: undefined },
      });
      const dW = transpose({ inputs: { x: r }, backend, attrs: { perm: [1, 2, 0, 3] } });
      for (const t of [xT, dyT, r]) backend.disposeData(t.dataId);
      return dW;
    },
  });
}

/**
 * The registered kernel against tfjs-backend-cpu's Conv2DBackpropFilter on random data, for
 * the shapes given; returns the worst max |difference| / max |reference| over them. Must run
 * with the wasm backend active (it switches to cpu and back).
 */
export async function checkFilterGrad(tf, cases) {
  let worst = 0;
  for (const { x: xs, filter: fs, pad } of cases) {
    const x = Float32Array.from({ length: xs.reduce((a, b) => a * b) }, () => Math.random() * 2 - 1);
    const dyShape = tf.backend_util.computeConv2DInfo(xs, fs, 1, 1, pad).outShape;
    const dy = Float32Array.from({ length: dyShape.reduce((a, b) => a * b) }, () => Math.random() * 2 - 1);
    const run = () => tf.tidy(() => tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor4d(x, xs), dy: tf.tensor4d(dy, dyShape) }, { strides: 1, pad, dataFormat: 'NHWC', filterShape: fs }));
    const got = await runData(tf, run);
    const prev = tf.getBackend();
    await tf.setBackend('cpu');
    const want = await runData(tf, run);
    await tf.setBackend(prev);
    let diff = 0, scale = 0;
    for (let i = 0; i < want.length; i++) {
      diff = Math.max(diff, Math.abs(got[i] - want[i]));
      scale = Math.max(scale, Math.abs(want[i]));
    }
    if (got.length !== want.length) return Infinity;
    worst = Math.max(worst, diff / scale);
  }
  return worst;
}

async function runData(tf, fn) {
  const t = fn();
  const v = await t.data();
  t.dispose();
  return v;
}
