// What the host needs to know about each loss besides its kernel: its code (the index in
// LOSSES, the ABI's LOSS_* value) and the shape of its targets.
import { LOSSES } from '../names.js';
import type { Loss } from '../types.js';

/** Kernel code of a loss (assembly/abi.ts LOSS_*). */
export function lossCode(loss: Loss): number {
  return LOSSES.indexOf(loss);
}

/** Losses whose output rows are class scores (logits). */
export function isClassifier(loss: Loss): boolean {
  return loss === 'softmax_cross_entropy' || loss === 'sigmoid_bce';
}

/** Whether targets are class indices (i32 per row) rather than rows of f32 outputs. */
export function takesClassIndices(loss: Loss): boolean {
  return loss === 'softmax_cross_entropy';
}
