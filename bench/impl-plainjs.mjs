// The baseline a careful JS programmer writes without a library: Float32Array weights in
// descent's [units, inputs] layout, straightforward triple loops (no blocking or unrolling),
// softmax cross-entropy and Adam written out. It shows what WebAssembly is up against.
import { ADAM } from './cases.mjs';

export async function open() {
  return { describe: { what: 'Float32Array MLP, naive loops, Adam' }, prepare };
}

async function prepare(c, data, init) {
  const { inputs } = c.spec;
  const B = c.batch;
  const L = c.spec.layers.map((l, i, all) => {
    const fanIn = i === 0 ? inputs : all[i - 1].units;
    return {
      fanIn,
      units: l.units,
      act: l.activation,
      w: new Float32Array(l.units * fanIn),
      b: new Float32Array(l.units),
      gw: new Float32Array(l.units * fanIn),
      gb: new Float32Array(l.units),
      mw: new Float32Array(l.units * fanIn),
      vw: new Float32Array(l.units * fanIn),
      mb: new Float32Array(l.units),
      vb: new Float32Array(l.units),
      out: new Float32Array(B * l.units), // activation output a = f(z)
      delta: new Float32Array(B * l.units), // ∂loss/∂z
      dIn: new Float32Array(B * fanIn), // ∂loss/∂(layer input)
    };
  });
  let t = 0;
  const reset = () => {
    L.forEach((l, i) => {
      l.w.set(init[i].weight);
      l.b.set(init[i].bias);
      l.mw.fill(0); l.vw.fill(0); l.mb.fill(0); l.vb.fill(0);
    });
    t = 0;
  };

  function step(x, labels) {
    // Forward: a = f(x·Wᵀ + b), layer by layer.
    let a = x;
    for (const l of L) {
      const { fanIn, units, w, b, out } = l;
      for (let r = 0; r < B; r++) {
        for (let o = 0; o < units; o++) {
          let s = b[o];
          for (let i = 0; i < fanIn; i++) s += a[r * fanIn + i] * w[o * fanIn + i];
          out[r * units + o] = l.act === 'relu' ? (s > 0 ? s : 0) : l.act === 'tanh' ? Math.tanh(s) : s;
        }
      }
      a = out;
    }
    // Softmax cross-entropy, mean over the batch; its gradient w.r.t. the logits.
    const top = L[L.length - 1];
    const K = top.units;
    let loss = 0;
    for (let r = 0; r < B; r++) {
      let m = -Infinity;
      for (let k = 0; k < K; k++) m = Math.max(m, top.out[r * K + k]);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(top.out[r * K + k] - m);
      loss += Math.log(sum) - (top.out[r * K + labels[r]] - m);
      for (let k = 0; k < K; k++) top.delta[r * K + k] = (Math.exp(top.out[r * K + k] - m) / sum - (k === labels[r] ? 1 : 0)) / B;
    }
    // Backward: gW = δᵀ·input, gb = Σδ, and δ of the layer below = (δ·W) ⊙ f'(z).
    for (let li = L.length - 1; li >= 0; li--) {
      const l = L[li];
      const { fanIn, units, w, gw, gb, delta, dIn } = l;
      const input = li === 0 ? x : L[li - 1].out;
      gw.fill(0);
      gb.fill(0);
      for (let r = 0; r < B; r++) {
        for (let o = 0; o < units; o++) {
          const d = delta[r * units + o];
          gb[o] += d;
          for (let i = 0; i < fanIn; i++) gw[o * fanIn + i] += d * input[r * fanIn + i];
        }
      }
      if (li === 0) continue;
      dIn.fill(0);
      for (let r = 0; r < B; r++) {
        for (let o = 0; o < units; o++) {
          const d = delta[r * units + o];
          for (let i = 0; i < fanIn; i++) dIn[r * fanIn + i] += d * w[o * fanIn + i];
        }
      }
      const below = L[li - 1];
      for (let j = 0; j < dIn.length; j++) {
        const y = below.out[j];
        below.delta[j] = dIn[j] * (below.act === 'relu' ? (y > 0 ? 1 : 0) : below.act === 'tanh' ? 1 - y * y : 1);
      }
    }
    // Adam (PyTorch's form with tfjs's eps), over weights then biases.
    t++;
    const bc1 = 1 - ADAM.beta1 ** t;
    const bc2 = Math.sqrt(1 - ADAM.beta2 ** t);
    for (const l of L) {
      adam(l.w, l.gw, l.mw, l.vw, bc1, bc2);
      adam(l.b, l.gb, l.mb, l.vb, bc1, bc2);
    }
    return loss / B;
  }

  function adam(p, g, m, v, bc1, bc2) {
    const { lr, beta1, beta2, eps } = ADAM;
    for (let j = 0; j < p.length; j++) {
      m[j] = beta1 * m[j] + (1 - beta1) * g[j];
      v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
      p[j] -= (lr / bc1) * m[j] / (Math.sqrt(v[j]) / bc2 + eps);
    }
  }

  const nBatches = Math.floor(c.rows / B);
  // Batch views made once, so the timed loop allocates nothing of its own.
  const views = Array.from({ length: nBatches }, (_, j) => [data.x.subarray(j * B * inputs, (j + 1) * B * inputs), data.labels.subarray(j * B, (j + 1) * B)]);
  let next = 0;
  return {
    trajectory(steps) {
      reset();
      const losses = [];
      for (let i = 0; i < steps; i++) losses.push(step(views[i % nBatches][0], views[i % nBatches][1]));
      return losses;
    },
    arm() {
      reset();
      next = 0;
    },
    run(k) {
      for (let i = 0; i < k; i++) {
        step(views[next][0], views[next][1]);
        next = next + 1 === nBatches ? 0 : next + 1;
      }
    },
    dispose() {},
  };
}
