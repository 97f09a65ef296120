// Pre-flight check: one forward pass over the first batch before training, compared with
// what a well-initialised network gives — the first loss against its chance level, each
// hidden layer's output scale against the layer before it — plus known mismatches of
// activation and initialisation. Catches a bad set-up before any step is spent on it.
import type { Engine } from '../engine/engine.js';
import { isRectifier, isSaturating } from '../model/activations.js';
import type { PreflightReport, PreflightWarning } from '../types.js';

/** Highest first loss, as a multiple of the expected one, that passes. */
const LOSS_FACTOR = 1.5;
/** Allowed ratio of a hidden layer's output std to the previous hidden layer's. */
const STD_RATIO: readonly [number, number] = [0.5, 2];
/** Hidden layers from which sigmoid/tanh with Xavier (or ReLU with Xavier) counts as deep. */
const DEEP = 4;

/**
 * Runs the check on the first `rows` rows at x (targets at y, both in wasm memory, as the
 * fit's batch buffers hold them). Uses the workspace; changes no parameter.
 */
export function preflight(e: Engine, x: number, y: number, rows: number, xHost: Float32Array): PreflightReport {
  e.forward(x, rows);
  const firstLoss = e.loss(y, rows);
  const expectedLoss = expectedFirstLoss(e, y, rows);
  const f32 = e.f32;
  const layers = e.layers.map((l) => {
    const start = l.a >> 2, n = rows * l.outputs;
    let sum = 0, sq = 0;
    for (let i = start; i < start + n; i++) {
      sum += f32[i];
      sq += f32[i] * f32[i];
    }
    const mean = sum / n;
    return { mean, std: Math.sqrt(Math.max(0, sq / n - mean * mean)) };
  });
  const warnings: PreflightWarning[] = [];
  const warn = (code: PreflightWarning['code'], message: string, remedy: string) => warnings.push({ code, message, remedy });

  // Constant targets give an expected MSE of 0: no chance level to compare with.
  if (expectedLoss !== null && expectedLoss > 0 && firstLoss > LOSS_FACTOR * expectedLoss) {
    warn('high_initial_loss', `the first loss is ${firstLoss.toPrecision(4)}, over ${LOSS_FACTOR}× the ${expectedLoss.toPrecision(4)} an untrained network should give`,
      'the initial outputs are too large or confidently wrong: check the initialisation (Xavier for sigmoid/tanh, He for ReLU) and scale the inputs');
  }
  const hidden = e.layers.length - 1;
  for (let l = 1; l < hidden; l++) {
    const ratio = layers[l].std / layers[l - 1].std;
    if (!(ratio >= STD_RATIO[0] && ratio <= STD_RATIO[1])) {
      warn('activation_scale', `hidden layer ${l}'s output std is ${ratio.toPrecision(3)}× layer ${l - 1}'s (outside [${STD_RATIO.join(', ')}])`,
        ratio < STD_RATIO[0] ? 'signals shrink layer by layer and gradients will vanish: use an initialisation matched to the activation (He for ReLU, Xavier for tanh)'
          : 'signals grow layer by layer and gradients may explode: use a smaller initialisation (Xavier or He) or fewer layers');
    }
  }
  const acts = e.spec.layers.slice(0, hidden).map((l) => l.activation ?? 'linear');
  const init = e.spec.init;
  const saturating = acts.filter(isSaturating).length;
  if (saturating >= DEEP && init.startsWith('xavier')) {
    warn('deep_saturating', `${saturating} hidden sigmoid/tanh layers with ${init}: their small derivatives multiply, and the first layers' gradients vanish`,
      'use ReLU with He initialisation, or fewer layers');
  }
  if (saturating > 0 && init.startsWith('he')) {
    warn('he_with_saturating', `${init} with sigmoid/tanh hidden layers: He's larger weights push them into their flat tails`,
      'use Xavier initialisation for sigmoid/tanh, or switch to ReLU');
  }
  const relus = acts.filter(isRectifier).length;
  if (relus >= DEEP && init.startsWith('xavier')) {
    warn('xavier_with_deep_relu', `${relus} ReLU hidden layers with ${init}: ReLU halves the signal's variance at every layer`,
      'use He initialisation for ReLU');
  }
  const inputs = e.spec.inputs;
  let worst = 0;
  for (let j = 0; j < inputs; j++) {
    let sum = 0, sq = 0;
    for (let r = 0; r < rows; r++) {
      const v = xHost[r * inputs + j];
      sum += v;
      sq += v * v;
    }
    worst = Math.max(worst, Math.sqrt(sq / rows)); // RMS: large means or spreads both count
  }
  if (worst > 10) {
    warn('unscaled_inputs', `an input feature has RMS ${worst.toPrecision(3)} over the first batch`, 'standardise the inputs (zero mean, unit variance): fitStandardScaler() from descent/data');
  }
  return { expectedLoss, firstLoss, rows, layers, warnings };
}

/**
 * What an untrained network's first loss should be: ln C for softmax cross-entropy over C
 * classes (uniform outputs), ln 2 for sigmoid BCE (outputs at 0.5), and for MSE the targets'
 * variance (outputs near their mean); null where there is no such level (MAE, Huber).
 */
function expectedFirstLoss(e: Engine, y: number, rows: number): number | null {
  const loss = e.spec.loss;
  if (loss === 'softmax_cross_entropy') return Math.log(e.outputs);
  if (loss === 'sigmoid_bce') return Math.LN2;
  if (loss !== 'mse') return null;
  const f32 = e.f32;
  const w = e.outputs;
  let total = 0;
  for (let c = 0; c < w; c++) {
    let sum = 0, sq = 0;
    for (let r = 0; r < rows; r++) {
      const v = f32[(y >> 2) + r * w + c];
      sum += v;
      sq += v * v;
    }
    const mean = sum / rows;
    total += sq / rows - mean * mean;
  }
  return total / w;
}
