// Pre-flight check: one forward pass over the first batch before training, compared with
// what a well-initialised network gives — the first loss against its chance level, each
// hidden layer's output scale against the layer before it — plus known mismatches of
// activation and initialisation. Catches a bad set-up before any step is spent on it.
// A network of any kinds is read as stages: a layer with weights the initialiser fills
// (dense, conv2d: fan-in > 0) and the layers after it up to the next such one — pooling,
// flatten, dropout, normalisation, activation layers, which have no initialiser of their own;
// the checks of the initialiser look at the first kind, through the activation after it.
import type { Engine } from '../engine/engine.js';
import { isRectifier, isSaturating } from '../model/activations.js';
import type { Activation, PreflightReport, PreflightWarning } from '../types.js';

/** Highest first loss, as a multiple of the expected one, that passes. */
const LOSS_FACTOR = 1.5;
/** Allowed ratio of a hidden layer's output std to its input's. */
const STD_RATIO: readonly [number, number] = [0.5, 2];
/** Hidden layers from which sigmoid/tanh with Xavier counts as deep. */
const DEEP = 4;
/**
 * The share of a signal's second moment that ReLU layers under Xavier may keep, after the
 * first, before the check warns: ½ per layer of one width, so DEEP layers of one width just warn.
 */
const SHRINK_LIMIT = 0.5 ** (DEEP - 1);
/** Kinds that normalise their input: the scale before them does not reach the layers after. */
const NORMALISING = new Set(['batchnorm1d', 'batchnorm2d', 'layernorm']);

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
  const stages = stagesOf(e);
  const name = (l: number) => `${e.layers[l].spec.type} layer ${l}`;
  // Each hidden initialised layer, through its activation, against its input: what its weights
  // do to the signal's scale (for an MLP, a layer against the one before). Not the first, whose
  // input is the data, nor the output layer; nor a stage with a normalisation: this pass is in
  // evaluation mode, where a fresh batch norm divides by its running variance (1), while
  // training divides by the batch's. A pool's own change of scale is not an initialiser's fault.
  for (let s = 1; s < stages.length - 1; s++) {
    const g = stages[s];
    if (g.normalised) continue;
    const ratio = layers[g.activated].std / layers[g.layer - 1].std;
    if (!(ratio >= STD_RATIO[0] && ratio <= STD_RATIO[1])) {
      const after = g.activated > g.layer ? ` (after ${name(g.activated)})` : '';
      warn('activation_scale', `hidden ${name(g.layer)}'s output std${after} is ${ratio.toPrecision(3)}× ${name(g.layer - 1)}'s, its input (outside [${STD_RATIO.join(', ')}])`,
        ratio < STD_RATIO[0] ? 'signals shrink layer by layer and gradients will vanish: use an initialisation matched to the activation (He for ReLU, Xavier for tanh)'
          : 'signals grow layer by layer and gradients may explode: use a smaller initialisation (Xavier or He) or fewer layers');
    }
  }
  // The initialiser's checks, over the hidden layers it initialises whose scale reaches the next
  // one (a normalisation in between sets the scale anew), each with the activation after it.
  const init = e.spec.init;
  const hidden = stages.slice(0, -1).filter((g) => !g.normalised);
  const saturating = hidden.filter((g) => isSaturating(g.activation));
  if (saturating.length >= DEEP && init.startsWith('xavier')) {
    warn('deep_saturating', `${saturating.length} hidden sigmoid/tanh layers with ${init}: their small derivatives multiply, and the first layers' gradients vanish`,
      'use ReLU with He initialisation, or fewer layers');
  }
  if (saturating.length > 0 && init.startsWith('he')) {
    warn('he_with_saturating', `${init} with sigmoid/tanh hidden layers (${saturating.map((g) => name(g.layer)).join(', ')}): He's larger weights push them into their flat tails`,
      'use Xavier initialisation for sigmoid/tanh, or switch to ReLU');
  }
  const relus = hidden.filter((g) => isRectifier(g.activation));
  if (init.startsWith('xavier')) {
    // Xavier's weight variance is 2/(fan_in + fan_out) and a rectifier keeps half a signal's
    // second moment, so a layer keeps fan_in/(fan_in + fan_out) of it: ½ between layers of one
    // width, far less in a convolution's first layers (fan_out = out_channels·kh·kw). The first
    // layer is left out (its fan-in is the data's width, its input scale the data's).
    const kept = relus.filter((g) => g.layer !== stages[0].layer).map((g) => g.fanIn / (g.fanIn + g.fanOut));
    const product = kept.reduce((a, b) => a * b, 1);
    if (kept.length > 0 && product <= SHRINK_LIMIT) {
      warn('xavier_with_deep_relu', `${relus.length} ReLU hidden layers with ${init} keep ${product.toPrecision(2)} of the signal's second moment after the first, fan_in/(fan_in + fan_out) each: ${relus.map((g) => `${name(g.layer)} ${g.fanIn}/${g.fanIn + g.fanOut}`).join(', ')}`,
        'use He initialisation for ReLU');
    }
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

/** A layer the initialiser fills and the layers after it, up to the next one. */
interface Stage {
  /** The initialised layer, and the layer whose output is its output activated (itself, or an activation layer after it). */
  layer: number;
  activated: number;
  fanIn: number;
  fanOut: number;
  /** The activation its output goes through: its own, else an activation layer's in the stage. */
  activation: Activation;
  /** A normalisation in the stage sets the scale the next stage sees. */
  normalised: boolean;
}

/** The network's stages, in order (layers before the first initialised one belong to none). */
function stagesOf(e: Engine): Stage[] {
  const stages: Stage[] = [];
  e.layers.forEach((l, i) => {
    const { fanIn, fanOut } = l.kind.fans(l.spec);
    const type = l.spec.type;
    if (fanIn > 0) {
      stages.push({ layer: i, activated: i, fanIn, fanOut, activation: l.spec.activation, normalised: false });
      return;
    }
    const s = stages.at(-1);
    if (!s) return;
    if (NORMALISING.has(type)) s.normalised = true;
    // An activation after a normalisation acts on the normalised signal, not on this layer's.
    else if (s.activation === 'linear' && !s.normalised && type === 'activation') {
      s.activation = l.spec.activation;
      s.activated = i;
    }
  });
  return stages;
}
