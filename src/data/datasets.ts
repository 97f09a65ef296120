// Seeded synthetic 2-D classification datasets for teaching, tests and the CLI. The same
// options always give the same points; rows come in a seeded random order, not by class.
import { OptionsReader } from '../util/options.js';
import type { Float32Matrix } from './preprocess.js';
import { createRng, type Rng } from '../util/rng.js';

/** A classification dataset: `features` columns per row and a class index per row. */
export interface Dataset {
  /** Samples, `[samples, features]`. */
  x: Float32Matrix;
  /** Class index (0 … classes − 1) of every row. */
  y: Int32Array;
  classes: number;
  features: number;
}

/** Options of `spiral`. */
export interface SpiralOptions {
  /** Total points, shared out evenly over the arms (default 600). */
  samples?: number;
  /** Number of arms, one class each, at least 2 (default 3). */
  classes?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0.05). */
  noise?: number;
  /** Seed of the PRNG (default 0). */
  seed?: number;
}

/** Options of `circles`. */
export interface CirclesOptions {
  /** Total points; the outer ring gets the odd one (default 400). */
  samples?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0.05). */
  noise?: number;
  /** Radius of the inner ring relative to the outer one (radius 1), in (0, 1) (default 0.5). */
  factor?: number;
  /** Seed of the PRNG (default 0). */
  seed?: number;
}

/** Options of `xor`. */
export interface XorOptions {
  /** Total points, half of each class (default 400). */
  samples?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0.05). */
  noise?: number;
  /** Seed of the PRNG (default 0). */
  seed?: number;
}

/** Defaults of the synthetic datasets, for documentation and the CLI's help. */
export const DATASET_DEFAULTS = {
  spiral: { samples: 600, classes: 3, noise: 0.05, seed: 0 },
  circles: { samples: 400, noise: 0.05, factor: 0.5, seed: 0 },
  xor: { samples: 400, noise: 0.05, seed: 0 },
} as const;

/** How far each arm of `spiral` winds from the centre to its tip, in turns. */
const SPIRAL_TURNS = 0.75;

/**
 * Interleaved spiral arms: `classes` arms (one class each) start at the origin and wind
 * outwards to radius 1, rotated 2π/classes apart. Points are spaced evenly along each arm,
 * then every coordinate gets Gaussian noise of standard deviation `noise`, so the clean
 * points lie in [−1, 1]². Not linearly separable: a hidden layer is needed.
 *
 * @throws ConfigError for a bad option (named in the message).
 */
export function spiral(options: SpiralOptions = {}): Dataset {
  const d = DATASET_DEFAULTS.spiral;
  const r = read(options, ['samples', 'classes', 'noise', 'seed'], 'a spiral option', d);
  const classes = r.integer('classes', { min: 2, max: 1e8 });
  const samples = r.integer('samples', { min: classes, max: 1e8 });
  const noise = r.number('noise', { min: 0 });
  const rng = createRng(r.integer('seed', { want: 'an integer' }));
  const x = new Float32Array(samples * 2);
  const y = new Int32Array(samples);
  let row = 0;
  for (let c = 0; c < classes; c++) {
    // The first (samples mod classes) arms take one extra point.
    const n = Math.floor(samples / classes) + (c < samples % classes ? 1 : 0);
    for (let i = 0; i < n; i++) {
      const r = (i + 0.5) / n; // in (0, 1): no point sits exactly on the shared centre
      const angle = (2 * Math.PI * c) / classes + 2 * Math.PI * SPIRAL_TURNS * r;
      x[row * 2] = r * Math.cos(angle) + noise * rng.normal();
      x[row * 2 + 1] = r * Math.sin(angle) + noise * rng.normal();
      y[row++] = c;
    }
  }
  return shuffled(x, y, classes, rng);
}

/**
 * Two concentric rings: class 0 on the outer ring (radius 1), class 1 on the inner ring
 * (radius `factor`), at uniformly random angles, with Gaussian noise of standard deviation
 * `noise` on each coordinate.
 *
 * @throws ConfigError for a bad option (named in the message).
 */
export function circles(options: CirclesOptions = {}): Dataset {
  const d = DATASET_DEFAULTS.circles;
  const r = read(options, ['samples', 'noise', 'factor', 'seed'], 'a circles option', d);
  const samples = r.integer('samples', { min: 2, max: 1e8 });
  const noise = r.number('noise', { min: 0 });
  const factor = r.number('factor', { above: 0, below: 1, want: 'a number in (0, 1)' });
  const rng = createRng(r.integer('seed', { want: 'an integer' }));
  const x = new Float32Array(samples * 2);
  const y = new Int32Array(samples);
  const outer = Math.ceil(samples / 2);
  for (let i = 0; i < samples; i++) {
    const label = i < outer ? 0 : 1;
    const radius = label === 0 ? 1 : factor;
    const angle = 2 * Math.PI * rng.uniform();
    x[i * 2] = radius * Math.cos(angle) + noise * rng.normal();
    x[i * 2 + 1] = radius * Math.sin(angle) + noise * rng.normal();
    y[i] = label;
  }
  return shuffled(x, y, 2, rng);
}

/**
 * The XOR pattern: points uniform in [−1, 1]², class 1 where x·y > 0 (first and third
 * quadrants) and class 0 elsewhere. Classes are exactly balanced (every other point is
 * drawn in a class-1 quadrant). The label is taken from the clean point; then each
 * coordinate gets Gaussian noise of standard deviation `noise`, so with noise > 0 a few
 * points cross an axis or leave the square.
 *
 * @throws ConfigError for a bad option (named in the message).
 */
export function xor(options: XorOptions = {}): Dataset {
  const d = DATASET_DEFAULTS.xor;
  const r = read(options, ['samples', 'noise', 'seed'], 'an xor option', d);
  const samples = r.integer('samples', { min: 2, max: 1e8 });
  const noise = r.number('noise', { min: 0 });
  const rng = createRng(r.integer('seed', { want: 'an integer' }));
  const x = new Float32Array(samples * 2);
  const y = new Int32Array(samples);
  for (let i = 0; i < samples; i++) {
    const label = i % 2;
    // Magnitudes in (0, 1]: 1 − uniform() never returns 0, so no clean point sits on an axis.
    const a = 1 - rng.uniform();
    const b = 1 - rng.uniform();
    const sa = rng.uniform() < 0.5 ? -1 : 1;
    // Same signs ⇒ x·y > 0 ⇒ class 1; opposite signs ⇒ class 0.
    const sb = label === 1 ? sa : -sa;
    x[i * 2] = sa * a + noise * rng.normal();
    x[i * 2 + 1] = sb * b + noise * rng.normal();
    y[i] = label;
  }
  return shuffled(x, y, 2, rng);
}

// ---------------------------------------------------------------------------------------
// Internals

/** Puts the rows in a seeded random order, so no slice of the data is one class only. */
function shuffled(x: Float32Array, y: Int32Array, classes: number, rng: Rng): Dataset {
  const n = y.length;
  const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const xs = new Float32Array(n * 2);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    xs[i * 2] = x[order[i] * 2];
    xs[i * 2 + 1] = x[order[i] * 2 + 1];
    ys[i] = y[order[i]];
  }
  return { x: { data: xs, shape: [n, 2] }, y: ys, classes, features: 2 };
}

/** A dataset's options: unknown keys rejected, defaults from DATASET_DEFAULTS. */
function read<K extends string>(options: unknown, keys: readonly K[], what: string, defaults: Record<K, unknown>): OptionsReader<K> {
  return OptionsReader.read(options, 'options', keys, what, 'an object', { defaults });
}
