// Validation of a NetworkSpec at the API edge: every field is checked and named in errors.
// Each layer is read by its kind (model/layers.ts), which knows its own options.
import { INITS, LOSSES } from '../names.js';
import { ConfigError } from '../errors.js';
import { describe } from '../util/describe.js';
import { isOneOf, OptionsReader } from '../util/options.js';
import { mustBe } from '../util/must-be.js';
import { MAX_UNITS } from './dense.js';
import { LAYER_KINDS, LAYER_TYPES } from './layers.js';
import { isClassifier } from './losses.js';
import type { NetworkSpec, ResolvedLayerSpec, ResolvedNetworkSpec } from '../types.js';

/** A resolved layer of any kind (a union as kinds are added). */
export type AnyLayer = ResolvedLayerSpec;

/** A spec with every default filled in. */
export type ResolvedSpec = ResolvedNetworkSpec;

const SPEC_KEYS = ['inputs', 'layers', 'loss', 'init', 'seed'] as const;

/** Checks `spec` and fills defaults; throws ConfigError naming the first bad field. */
export function resolveSpec(spec: NetworkSpec): ResolvedSpec {
  const r = OptionsReader.read(spec, 'spec', SPEC_KEYS, 'a network option', 'an object');
  const inputShape = readInputs(r);
  const inputs = inputShape.reduce((a, b) => a * b, 1);
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) throw r.fail('layers', 'a non-empty array of layers like { units, activation }');
  let shape: readonly number[] = inputShape;
  const layers = spec.layers.map((layer, i) => {
    const path = `spec.layers[${i}]`;
    if (typeof layer !== 'object' || layer === null) throw mustBe(path, 'a layer like { units, activation }', layer);
    const { type = 'dense' } = layer as { type?: unknown };
    if (!isOneOf(LAYER_TYPES, type)) throw mustBe(`${path}.type`, `one of ${LAYER_TYPES.join(', ')}`, type);
    const kind = LAYER_KINDS[LAYER_TYPES.indexOf(type)];
    const resolved = kind.resolve(OptionsReader.read(layer, path, ['type', ...kind.keys], `an option of a ${type} layer`) as never, shape, path);
    shape = resolved.shape;
    return resolved as AnyLayer;
  });
  const loss = r.oneOf('loss', LOSSES);
  const last = layers[layers.length - 1];
  if (isClassifier(loss) && last.activation !== 'linear') {
    throw new ConfigError(
      `spec.layers[${layers.length - 1}].activation must be "linear": loss ${loss} applies its own sigmoid/softmax to logits; got ${describe(last.activation)}`,
      `spec.layers[${layers.length - 1}].activation`, last.activation);
  }
  if (last.shape.length !== 1) {
    throw new ConfigError(`spec.layers[${layers.length - 1}] must give flat rows to the loss; its output is [${last.shape.join(', ')}]: end with a flatten and a dense layer`, `spec.layers[${layers.length - 1}]`, last.type);
  }
  if (loss === 'softmax_cross_entropy' && last.outputs < 2) {
    throw new ConfigError(`spec.loss softmax_cross_entropy needs at least 2 outputs, got ${last.outputs}`, `spec.layers[${layers.length - 1}].units`, last.outputs);
  }
  const init = r.oneOf('init', INITS, 'uniform');
  const seed = r.integer('seed', { default: 0, want: 'an integer' });
  return { inputs, inputShape, layers, loss, init, seed };
}

/** Most features a sample may have (a 4 GiB memory holds far fewer rows of more). */
const MAX_FEATURES = 1 << 24;

/** spec.inputs: features per sample, or a sample's shape ([features], [C, L] or [C, H, W]). */
function readInputs(r: OptionsReader<(typeof SPEC_KEYS)[number]>): readonly number[] {
  const v = r.value('inputs');
  if (Array.isArray(v)) {
    const ok = v.length >= 1 && v.length <= 3 && v.every((d) => Number.isSafeInteger(d) && d >= 1)
      && v.reduce((a: number, b: number) => a * b, 1) <= MAX_FEATURES;
    if (!ok) throw r.fail('inputs', `a shape of 1 to 3 positive integers ([C, H, W] for images) with at most ${MAX_FEATURES} features`, v);
    return [...v];
  }
  return [r.integer('inputs', { min: 1, max: MAX_UNITS })];
}
