// What the host needs to know about each activation besides its kernel: its code (the index
// in ACTIVATIONS, the ABI's ACT_* value) and the two families diagnostics treat apart.
import { ACTIVATIONS } from '../names.js';
import type { Activation } from '../types.js';

/** Kernel code of an activation (assembly/abi.ts ACT_*). */
export function activationCode(a: Activation): number {
  return ACTIVATIONS.indexOf(a);
}

/**
 * Whether the activation saturates: flat tails where it passes almost no gradient (its
 * saturated fraction is reported, and deep stacks of it vanish).
 */
export function isSaturating(a: Activation): boolean {
  return a === 'sigmoid' || a === 'tanh';
}

/** Whether it is a rectifier (ReLU, leaky ReLU): it halves a signal's variance, so deep stacks want He initialisation. */
export function isRectifier(a: Activation): boolean {
  return a === 'relu' || a === 'leaky_relu';
}

/** Whether units can die: output exactly 0 for every sample (dead units are tracked). */
export function canDie(a: Activation): boolean {
  return a === 'relu';
}
