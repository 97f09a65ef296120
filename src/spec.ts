// Validation of a NetworkSpec at the API edge: every field is checked and named in errors.
import { ACTIVATIONS, INITS, LOSSES } from './codes.js';
import { ConfigError } from './errors.js';
import { describe } from './describe.js';
import { mustBe } from './must-be.js';
import type { Activation, Init, Loss, NetworkSpec } from './types.js';

/** A spec with every default filled in. */
export interface ResolvedSpec {
  inputs: number;
  layers: { units: number; activation: Activation }[];
  loss: Loss;
  init: Init;
  seed: number;
}

const SPEC_KEYS = new Set(['inputs', 'layers', 'loss', 'init', 'seed']);
const LAYER_KEYS = new Set(['units', 'activation']);
/** Keeps one layer's weight matrix well inside a 4 GiB memory. */
const MAX_UNITS = 1 << 16;

/** Checks `spec` and fills defaults; throws ConfigError naming the first bad field. */
export function resolveSpec(spec: NetworkSpec): ResolvedSpec {
  if (typeof spec !== 'object' || spec === null) throw mustBe('spec', 'an object', spec);
  for (const key of Object.keys(spec)) {
    if (!SPEC_KEYS.has(key)) throw new ConfigError(`spec.${key} is not a network option (expected one of ${[...SPEC_KEYS].join(', ')})`, `spec.${key}`, key);
  }
  const inputs = positiveInt(spec.inputs, 'spec.inputs');
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) {
    throw mustBe('spec.layers', 'a non-empty array of { units, activation }', spec.layers);
  }
  const layers = spec.layers.map((layer, i) => {
    const path = `spec.layers[${i}]`;
    if (typeof layer !== 'object' || layer === null) throw mustBe(path, '{ units, activation }', layer);
    for (const key of Object.keys(layer)) {
      if (!LAYER_KEYS.has(key)) throw new ConfigError(`${path}.${key} is not a layer option (expected units, activation)`, `${path}.${key}`, key);
    }
    const units = positiveInt(layer.units, `${path}.units`);
    const activation = layer.activation ?? 'linear';
    if (!ACTIVATIONS.includes(activation)) {
      throw mustBe(`${path}.activation`, `one of ${ACTIVATIONS.join(', ')}`, activation);
    }
    return { units, activation };
  });
  if (!LOSSES.includes(spec.loss)) {
    throw mustBe('spec.loss', `one of ${LOSSES.join(', ')}`, spec.loss);
  }
  const last = layers[layers.length - 1];
  if ((spec.loss === 'softmax_cross_entropy' || spec.loss === 'sigmoid_bce') && last.activation !== 'linear') {
    throw new ConfigError(
      `spec.layers[${layers.length - 1}].activation must be "linear": loss ${spec.loss} applies its own sigmoid/softmax to logits; got ${describe(last.activation)}`,
      `spec.layers[${layers.length - 1}].activation`, last.activation);
  }
  if (spec.loss === 'softmax_cross_entropy' && last.units < 2) {
    throw new ConfigError(`spec.loss softmax_cross_entropy needs at least 2 output units, got ${last.units}`, `spec.layers[${layers.length - 1}].units`, last.units);
  }
  const init = spec.init ?? 'uniform';
  if (!INITS.includes(init)) throw mustBe('spec.init', `one of ${INITS.join(', ')}`, init);
  const seed = spec.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw mustBe('spec.seed', 'an integer', seed);
  return { inputs, layers, loss: spec.loss, init, seed };
}

function positiveInt(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_UNITS) {
    throw mustBe(path, `an integer in 1…${MAX_UNITS}`, v);
  }
  return v;
}
