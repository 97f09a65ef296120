// A whole forward–loss–backward pass as one call, driven by a descriptor the host writes
// into memory. The training step then crosses the JS→wasm boundary twice (this and the
// optimizer) however deep the network, which is what small networks are bound by; and a
// worker thread runs its shard of a batch with nothing but its own descriptor.
import { activationBackward, activationForward } from "./activations";
import { denseBackwardInput, denseBackwardParams, denseForward } from "./dense";
import { huber, mae, mse, sigmoidBce, softmaxCrossEntropy } from "./losses";
import { activationStats, markActiveUnits, outputGradStats, STAT_WORDS } from "./stats";

// Descriptor layout, i32 words (mirrored in src/pass.ts):
export const PASS_LAYERS: i32 = 0;     // layer count L
export const PASS_LOSS: i32 = 1;       // loss code (src/codes.ts LOSSES order)
export const PASS_ROWS: i32 = 2;       // rows in this pass
export const PASS_MEAN_ROWS: i32 = 3;  // rows the loss is averaged over (the whole batch)
export const PASS_X: i32 = 4;          // input rows
export const PASS_Y: i32 = 5;          // targets (f32 rows, or i32 class indices)
export const PASS_LOSS_OUT: i32 = 6;   // f64 slot receiving this pass's share of the loss
export const PASS_DELTA_A: i32 = 7;    // two ping-pong buffers, rows × widest layer
export const PASS_DELTA_B: i32 = 8;
export const PASS_STATS: i32 = 9;      // per-layer statistics blocks (stats.ts), or 0: none this pass
export const PASS_STAMP: i32 = 10;     // running sample count stored for ReLU units active in this pass
export const PASS_HEADER: i32 = 12;
// Then per layer: inputs, units, activation, W, b, dW, db, z, a, and the i32 per unit where
// markActiveUnits stamps a ReLU layer's live units (0: not tracked).
export const PASS_LAYER_WORDS: i32 = 10;

const LOSS_SOFTMAX_CE: i32 = 0;
const LOSS_SIGMOID_BCE: i32 = 1;
const LOSS_MSE: i32 = 2;
const LOSS_MAE: i32 = 3;

// @ts-ignore: decorator
@inline function word(desc: usize, i: i32): i32 {
  return load<i32>(desc + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function layerWord(desc: usize, l: i32, i: i32): i32 {
  return word(desc, PASS_HEADER + l * PASS_LAYER_WORDS + i);
}

/** Forward pass over PASS_ROWS rows at PASS_X; the output is left in the last layer's `a`. */
export function forwardPass(desc: usize): void {
  forwardLayers(desc, 0, false);
}

// @ts-ignore: decorator
@inline function statsOf(stats: usize, l: i32): usize {
  return stats + (<usize>(l * STAT_WORDS) << 3);
}

/**
 * The forward pass; a training pass (`training`) also fills each layer's activation
 * statistics when `stats` is not 0, and stamps live ReLU units.
 */
function forwardLayers(desc: usize, stats: usize, training: bool): void {
  const L = word(desc, PASS_LAYERS);
  const rows = word(desc, PASS_ROWS);
  let input = <usize>word(desc, PASS_X);
  for (let l = 0; l < L; l++) {
    const units = layerWord(desc, l, 1), act = layerWord(desc, l, 2);
    const z = <usize>layerWord(desc, l, 7), a = <usize>layerWord(desc, l, 8);
    denseForward(z, input, layerWord(desc, l, 3), layerWord(desc, l, 4), rows, layerWord(desc, l, 0), units);
    if (act != 0) activationForward(act, a, z, rows * units);
    if (stats) activationStats(statsOf(stats, l), a, rows * units, act);
    // Dead-unit tracking runs on every pass, not only on statistics steps.
    const lastActive = <usize>layerWord(desc, l, 9);
    if (training && lastActive) markActiveUnits(lastActive, a, rows, units, word(desc, PASS_STAMP));
    input = a;
  }
}

/** Forward, loss (into PASS_LOSS_OUT) and backward: every dW and db of the descriptor is written. */
export function trainPass(desc: usize): void {
  const stats = <usize>word(desc, PASS_STATS);
  forwardLayers(desc, stats, true);
  const L = word(desc, PASS_LAYERS);
  const rows = word(desc, PASS_ROWS);
  const meanRows = word(desc, PASS_MEAN_ROWS);
  const outputs = layerWord(desc, L - 1, 1);
  const out = <usize>layerWord(desc, L - 1, 8);
  let dA = <usize>word(desc, PASS_DELTA_A);
  let spare = <usize>word(desc, PASS_DELTA_B);
  const y = <usize>word(desc, PASS_Y);
  const lossOut = <usize>word(desc, PASS_LOSS_OUT);
  switch (word(desc, PASS_LOSS)) {
    case LOSS_SOFTMAX_CE: softmaxCrossEntropy(lossOut, dA, out, y, rows, outputs, meanRows); break;
    case LOSS_SIGMOID_BCE: sigmoidBce(lossOut, dA, out, y, rows, outputs, meanRows); break;
    case LOSS_MSE: mse(lossOut, dA, out, y, rows, outputs, meanRows); break;
    case LOSS_MAE: mae(lossOut, dA, out, y, rows, outputs, meanRows); break;
    default: huber(lossOut, dA, out, y, rows, outputs, meanRows);
  }
  for (let l = L - 1; l >= 0; l--) {
    const inputs = layerWord(desc, l, 0), units = layerWord(desc, l, 1), act = layerWord(desc, l, 2);
    // dA holds ∂L/∂a of this layer's output here, before the activation's derivative.
    if (stats) outputGradStats(statsOf(stats, l), dA, rows * units);
    if (act != 0) activationBackward(act, dA, dA, layerWord(desc, l, 7), layerWord(desc, l, 8), rows * units);
    const input = l == 0 ? <usize>word(desc, PASS_X) : <usize>layerWord(desc, l - 1, 8);
    denseBackwardParams(layerWord(desc, l, 5), layerWord(desc, l, 6), dA, input, rows, inputs, units);
    if (l > 0) {
      denseBackwardInput(spare, dA, layerWord(desc, l, 3), rows, inputs, units);
      const t = dA;
      dA = spare;
      spare = t;
    }
  }
}
