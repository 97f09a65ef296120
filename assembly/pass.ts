// A whole forward–loss–backward pass as one call, driven by a descriptor the host writes
// into memory (abi.ts PASS_* and LAYER_* words). The training step then crosses the JS→wasm
// boundary twice (this and the optimizer) however deep the network, which is what small
// networks are bound by; and a worker thread runs its shard of a batch with nothing but its
// own descriptor. A network is a sequence of layers of some kind (LAYER_*): each kind computes
// its output z from its input and, backward, its parameter gradients and input gradient; the
// activation, the statistics and the dead-unit stamps are the same for every kind.
import {
  LAYER_A, LAYER_ACTIVATION, LAYER_ACTIVATION_ONLY, LAYER_AVGPOOL2D, LAYER_BATCHNORM1D, LAYER_BATCHNORM2D, LAYER_CONV2D, LAYER_DENSE,
  LAYER_DROPOUT, LAYER_FLATTEN, LAYER_KIND, LAYER_LAYERNORM, LAYER_MAXPOOL2D, LAYER_LAST_ACTIVE, LAYER_OUTPUTS, LAYER_Z, LOSS_HUBER, LOSS_MAE, LOSS_MSE,
  LOSS_SIGMOID_BCE, LOSS_SOFTMAX_CROSS_ENTROPY, PASS_DELTA_A, PASS_DELTA_B, PASS_LAYERS, PASS_LOSS, PASS_LOSS_OUT, PASS_MEAN_ROWS,
  PASS_ROWS, PASS_STAMP, PASS_STATS, PASS_X, PASS_Y, STAT_WORDS,
} from "./abi";
import { activationBackward, activationForward } from "./activations";
import { batchNormLayerBackward, batchNormLayerForward } from "./batchnorm";
import { conv2dLayerBackward, conv2dLayerForward } from "./conv2d";
import { denseLayerBackward, denseLayerForward } from "./dense";
import { dropoutLayerBackward, dropoutLayerForward } from "./dropout";
import { identityLayerBackward, identityLayerForward } from "./identity";
import { layerNormLayerBackward, layerNormLayerForward } from "./layernorm";
import { avgPool2dLayerBackward, avgPool2dLayerForward, maxPool2dLayerBackward, maxPool2dLayerForward } from "./pool2d";
import { layerBlock, layerWord, passWord } from "./descriptor";
import { huber, mae, mse, sigmoidBce, softmaxCrossEntropy } from "./losses";
import { activationStats, markActiveUnits, outputGradStats } from "./stats";

/** Forward pass in evaluation mode over PASS_ROWS rows at PASS_X; the output is left in the last layer's `a`. */
export function forwardPass(desc: usize): void {
  forwardLayers(desc, 0, false);
}

// @ts-ignore: decorator
@inline function statsOf(stats: usize, l: i32): usize {
  return stats + (<usize>(l * STAT_WORDS) << 3);
}

/**
 * The kind's forward: z of `layer` from `x` over `rows` rows, in training (batch statistics,
 * dropout masks from the pass's seed) or evaluation mode.
 */
// @ts-ignore: decorator
@inline function kindForward(desc: usize, layer: usize, x: usize, rows: i32, training: bool): void {
  switch (layerWord(layer, LAYER_KIND)) {
    case LAYER_DENSE: denseLayerForward(layer, x, rows); break;
    case LAYER_CONV2D: conv2dLayerForward(layer, x, rows); break;
    case LAYER_MAXPOOL2D: maxPool2dLayerForward(layer, x, rows); break;
    case LAYER_AVGPOOL2D: avgPool2dLayerForward(layer, x, rows); break;
    case LAYER_FLATTEN:
    case LAYER_ACTIVATION_ONLY: identityLayerForward(layer, x, rows); break;
    case LAYER_DROPOUT: dropoutLayerForward(desc, layer, x, rows, training); break;
    case LAYER_BATCHNORM1D:
    case LAYER_BATCHNORM2D: batchNormLayerForward(layer, x, rows, training); break;
    case LAYER_LAYERNORM: layerNormLayerForward(layer, x, rows); break;
    default: abort("unknown layer kind");
  }
}

/**
 * The kind's backward, from dz (∂L/∂z, rows × outputs) and the layer's input x: its
 * parameter gradients, and dx (∂L/∂x) unless `dx` is 0 (the first layer).
 */
// @ts-ignore: decorator
@inline function kindBackward(desc: usize, layer: usize, dz: usize, x: usize, dx: usize, rows: i32): void {
  switch (layerWord(layer, LAYER_KIND)) {
    case LAYER_DENSE: denseLayerBackward(layer, dz, x, dx, rows); break;
    case LAYER_CONV2D: conv2dLayerBackward(layer, dz, x, dx, rows); break;
    case LAYER_MAXPOOL2D: maxPool2dLayerBackward(layer, dz, x, dx, rows); break;
    case LAYER_AVGPOOL2D: avgPool2dLayerBackward(layer, dz, x, dx, rows); break;
    case LAYER_FLATTEN:
    case LAYER_ACTIVATION_ONLY: identityLayerBackward(layer, dz, x, dx, rows); break;
    case LAYER_DROPOUT: dropoutLayerBackward(desc, layer, dz, x, dx, rows); break;
    case LAYER_BATCHNORM1D:
    case LAYER_BATCHNORM2D: batchNormLayerBackward(layer, dz, x, dx, rows); break;
    case LAYER_LAYERNORM: layerNormLayerBackward(layer, dz, x, dx, rows); break;
    default: abort("unknown layer kind");
  }
}

/**
 * The forward pass; a training pass (`training`) also fills each layer's activation
 * statistics when `stats` is not 0, and stamps live ReLU units.
 */
function forwardLayers(desc: usize, stats: usize, training: bool): void {
  const L = passWord(desc, PASS_LAYERS);
  const rows = passWord(desc, PASS_ROWS);
  let input = <usize>passWord(desc, PASS_X);
  for (let l = 0; l < L; l++) {
    const layer = layerBlock(desc, l);
    const units = layerWord(layer, LAYER_OUTPUTS), act = layerWord(layer, LAYER_ACTIVATION);
    const z = <usize>layerWord(layer, LAYER_Z), a = <usize>layerWord(layer, LAYER_A);
    kindForward(desc, layer, input, rows, training);
    if (act != 0) activationForward(act, a, z, rows * units);
    if (stats) activationStats(statsOf(stats, l), a, rows * units, act);
    // Dead-unit tracking runs on every pass, not only on statistics steps.
    const lastActive = <usize>layerWord(layer, LAYER_LAST_ACTIVE);
    if (training && lastActive) markActiveUnits(lastActive, a, rows, units, passWord(desc, PASS_STAMP));
    input = a;
  }
}

/** The loss of the output `out` against targets `y`, into `loss`, with ∂loss/∂out into `dout`. */
// @ts-ignore: decorator
@inline function lossAndGradient(code: i32, loss: usize, dout: usize, out: usize, y: usize, rows: i32, outputs: i32, meanRows: i32): void {
  switch (code) {
    case LOSS_SOFTMAX_CROSS_ENTROPY: softmaxCrossEntropy(loss, dout, out, y, rows, outputs, meanRows); break;
    case LOSS_SIGMOID_BCE: sigmoidBce(loss, dout, out, y, rows, outputs, meanRows); break;
    case LOSS_MSE: mse(loss, dout, out, y, rows, outputs, meanRows); break;
    case LOSS_MAE: mae(loss, dout, out, y, rows, outputs, meanRows); break;
    case LOSS_HUBER: huber(loss, dout, out, y, rows, outputs, meanRows); break;
    default: abort("unknown loss code");
  }
}

/** Forward, loss (into PASS_LOSS_OUT) and backward: every parameter gradient of the descriptor is written. */
export function trainPass(desc: usize): void {
  const stats = <usize>passWord(desc, PASS_STATS);
  forwardLayers(desc, stats, true);
  const L = passWord(desc, PASS_LAYERS);
  const rows = passWord(desc, PASS_ROWS);
  const last = layerBlock(desc, L - 1);
  let dA = <usize>passWord(desc, PASS_DELTA_A);
  let spare = <usize>passWord(desc, PASS_DELTA_B);
  lossAndGradient(passWord(desc, PASS_LOSS), passWord(desc, PASS_LOSS_OUT), dA, layerWord(last, LAYER_A), passWord(desc, PASS_Y),
    rows, layerWord(last, LAYER_OUTPUTS), passWord(desc, PASS_MEAN_ROWS));
  for (let l = L - 1; l >= 0; l--) {
    const layer = layerBlock(desc, l);
    const units = layerWord(layer, LAYER_OUTPUTS), act = layerWord(layer, LAYER_ACTIVATION);
    // dA holds ∂L/∂a of this layer's output here, before the activation's derivative.
    if (stats) outputGradStats(statsOf(stats, l), dA, rows * units);
    if (act != 0) activationBackward(act, dA, dA, layerWord(layer, LAYER_Z), layerWord(layer, LAYER_A), rows * units);
    const input = l == 0 ? <usize>passWord(desc, PASS_X) : <usize>layerWord(layerBlock(desc, l - 1), LAYER_A);
    kindBackward(desc, layer, dA, input, l > 0 ? spare : 0, rows);
    if (l > 0) {
      const t = dA;
      dA = spare;
      spare = t;
    }
  }
}
