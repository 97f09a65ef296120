// Validation of a NetworkSpec at the API edge: every field is checked and named in errors.
import { ACTIVATIONS, INITS, LOSSES } from './codes.js';
import { ConfigError, describe } from './errors.js';
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
  if (typeof spec !== 'object' || spec === null) throw new ConfigError(`spec must be an object, got ${describe(spec)}`, 'spec', spec);
  for (const key of Object.keys(spec)) {
    if (!SPEC_KEYS.has(key)) throw new ConfigError(`spec.${key} is not a network option (expected one of ${[...SPEC_KEYS].join(', ')})`, `spec.${key}`, key);
  }
  const inputs = positiveInt(spec.inputs, 'spec.inputs');
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) {
    throw new ConfigError(`spec.layers must be a non-empty array of { units, activation }, got ${describe(spec.layers)}`, 'spec.layers', spec.layers);
  }
  const layers = spec.layers.map((layer, i) => {
    const path = `spec.layers[${i}]`;
    if (typeof layer !== 'object' || layer === null) throw new ConfigError(`${path} must be { units, activation }, got ${describe(layer)}`, path, layer);
    for (const key of Object.keys(layer)) {
      if (!LAYER_KEYS.has(key)) throw new ConfigError(`${path}.${key} is not a layer option (expected units, activation)`, `${path}.${key}`, key);
    }
    const units = positiveInt(layer.units, `${path}.units`);
    const activation = layer.activation ?? 'linear';
    if (!ACTIVATIONS.includes(activation)) {
      throw new ConfigError(`${path}.activation must be one of ${ACTIVATIONS.join(', ')}, got ${describe(activation)}`, `${path}.activation`, activation);
    }
    return { units, activation };
  });
  if (!LOSSES.includes(spec.loss)) {
    throw new ConfigError(`spec.loss must be one of ${LOSSES.join(', ')}, got ${describe(spec.loss)}`, 'spec.loss', spec.loss);
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
  if (!INITS.includes(init)) throw new ConfigError(`spec.init must be one of ${INITS.join(', ')}, got ${describe(init)}`, 'spec.init', init);
  const seed = spec.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new ConfigError(`spec.seed must be an integer, got ${describe(seed)}`, 'spec.seed', seed);
  return { inputs, layers, loss: spec.loss, init, seed };
}

function positiveInt(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_UNITS) {
    throw new ConfigError(`${path} must be an integer in 1…${MAX_UNITS}, got ${describe(v)}`, path, v);
  }
  return v;
}
