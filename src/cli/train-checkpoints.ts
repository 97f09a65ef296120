// Checkpoints of `descent train`: --save writes the network with its run's snapshot and the
// flags that made it, --checkpoint-every rewrites that file as training goes, and --resume
// continues from such a file with its own flags, so `descent train --resume model.safetensors
// --epochs 30` needs nothing else. On --resume only the flags that do not change the run's
// course may differ (how long, where output goes, how fast); the rest come from the file,
// which --save defaults to: the run goes on updating its own checkpoint.
import { InvalidArgumentError } from 'commander';
import { readCheckpoint } from '../checkpoint/checkpoint.js';
import { ConfigError, DataError } from '../errors.js';
import { KERNEL_VARIANTS } from '../names.js';
import type { KernelsOption, KernelVariant } from '../types.js';
import { isOneOf } from '../util/options.js';
import { kernelSupport } from '../wasm/variants.js';
import { flagName } from './flags.js';
import { readBytes } from './read-text.js';

/** The flags this file reads of `descent train`'s (train-command.ts, which imports this one). */
interface RunFlags {
  resume?: string;
  save?: string;
  kernels?: KernelsOption;
}

/** Metadata key of the flags a checkpoint was trained with. */
export const ARGS_KEY = 'descent.cli.args';

/**
 * Metadata key of the kernel build the run trained on (net.kernels). The flags alone do not
 * say: the default `auto` picks relaxed SIMD on one engine and plain SIMD on another.
 */
export const KERNELS_KEY = 'descent.cli.kernels';

/** Flags that may differ on --resume: none of them changes what the next step computes. */
const FREE_ON_RESUME = ['resume', 'epochs', 'save', 'log', 'checkpointEvery', 'json', 'quiet', 'threads', 'kernels', 'diagnostics'] as const;

/** Flags that say where output goes, not what was trained: never stored. */
const NOT_STORED = ['resume', 'save', 'log', 'json', 'quiet'] as const;

export interface CheckpointInterval {
  every: number;
  unit: 'epoch' | 'step';
}

/** --checkpoint-every: "2" or "2 epochs" (every 2 epochs), "500 steps" (every 500 optimizer steps). */
export function checkpointInterval(value: string): CheckpointInterval {
  const m = /^\s*(\d+)\s*(epochs?|steps?)?\s*$/.exec(value);
  const every = m ? Number(m[1]) : NaN;
  if (!m || !Number.isSafeInteger(every) || every < 1) throw new InvalidArgumentError('Expected a count ≥ 1 of epochs ("2", "2 epochs") or steps ("500 steps").');
  return { every, unit: m[2]?.startsWith('step') ? 'step' : 'epoch' };
}

/** The flags to store in a checkpoint (what --resume needs to rebuild the same run). */
export function storedFlags(flags: object): string {
  const kept = Object.fromEntries(Object.entries(flags).filter(([k, v]) => v !== undefined && !(NOT_STORED as readonly string[]).includes(k)));
  return JSON.stringify(kept);
}

export interface Resumed<F> {
  /** The checkpoint's flags, with the ones given now that may differ; `kernels` as resumeKernels settles it. */
  flags: F;
  bytes: Uint8Array;
  /** Said on stderr before training: the run cannot go on bit for bit here, and why. */
  note?: string;
}

/**
 * Reads a --resume file: its CRC and format first, then the flags it was trained with. `given`
 * are this command's flags and `explicit` the names of those typed on the command line.
 */
export async function readResume<F extends RunFlags>(given: F, explicit: ReadonlySet<string>): Promise<Resumed<F>> {
  const path = given.resume!;
  const bytes = await readBytes(path, 'checkpoint');
  const { metadata } = readCheckpoint(bytes);
  if (metadata[ARGS_KEY] === undefined || metadata['descent.training'] === undefined) {
    throw new DataError(`--resume ${path}: it holds no training run to continue (only \`descent train --save\` writes one; a network alone can be used with predict, inspect and export-onnx)`, 'resume', path);
  }
  const stored = JSON.parse(metadata[ARGS_KEY]) as F;
  const changed = [...explicit].filter((k) => !(FREE_ON_RESUME as readonly string[]).includes(k) && JSON.stringify(given[k as keyof F]) !== JSON.stringify(stored[k as keyof F]));
  if (changed.length) {
    const k = changed[0] as keyof F & string;
    throw new ConfigError(`${flagName(k)} cannot change on --resume: the run continues with its checkpoint's ${stored[k] === undefined ? `default for ${flagName(k)}` : `${flagName(k)} ${JSON.stringify(stored[k])}`} (only ${FREE_ON_RESUME.slice(1).map(flagName).join(', ')} may differ)`, k, given[k]);
  }
  const free = Object.fromEntries(FREE_ON_RESUME.filter((k) => explicit.has(k)).map((k) => [k, (given as Record<string, unknown>)[k]]));
  const flags: F = { ...stored, save: path, ...free, resume: path };
  if (explicit.has('kernels')) return { flags, bytes };
  const { kernels, note } = resumeKernels(path, metadata[KERNELS_KEY], stored.kernels);
  return { flags: { ...flags, kernels }, bytes, ...(note ? { note } : {}) };
}

/**
 * The kernels a resumed run goes on with when --kernels is not typed anew: the build it trained
 * on where this engine compiles it, so it continues bit for bit; else the run's own --kernels
 * rule (default auto), with a note that sums now round differently. A checkpoint written before
 * the build was recorded keeps its flags. (The relaxed build matches itself only on the same
 * engine and CPU: its multiply-adds are fused or not as they decide.)
 */
function resumeKernels(path: string, recorded: string | undefined, stored: KernelsOption | undefined): { kernels: KernelsOption | undefined; note?: string } {
  if (recorded === undefined) return { kernels: stored };
  if (!isOneOf(KERNEL_VARIANTS, recorded)) {
    throw new DataError(`--resume ${path}: its ${KERNELS_KEY} must be one of ${KERNEL_VARIANTS.join(', ')}, got ${JSON.stringify(recorded)}`, 'resume', recorded);
  }
  const variant: KernelVariant = recorded;
  const support = kernelSupport();
  if (variant === 'scalar' || support[variant]) return { kernels: variant };
  // The run asked for this build by name: it fails as it would have (options.kernels says why).
  if (stored === variant) return { kernels: stored };
  const why = variant === 'relaxed' && support.simd ? ' (Node 20 validates relaxed SIMD only with --experimental-wasm-relaxed-simd)' : '';
  return {
    kernels: stored,
    note: `note: ${path} was trained on the ${variant} kernels, which this engine cannot compile${why}; it goes on with --kernels ${stored ?? 'auto'}, within float32 rounding of the run it continues, not bit for bit`,
  };
}
