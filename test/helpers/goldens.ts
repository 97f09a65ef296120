// The committed PyTorch golden cases (test/golden/README.md) for tests that train them some
// way: the files, their comparison against `expected` with the tolerances of the replays,
// and how the public loop can lay a case out.
import { readdirSync, readFileSync } from 'node:fs';
import type { NetworkSpec, OptimizerConfig } from '../../src/types.js';
import type { ReplayTensors } from '../../src/train/replay.js';
import { mismatches, REPLAY_TOLERANCES, tensorMismatches, type NamedTensors, type Tolerance } from '../../src/train/replay-check.js';

/** A case as make_golden.py writes it. */
export interface GoldenCase {
  name: string;
  description: string;
  spec: NetworkSpec;
  optimizer: OptimizerConfig;
  n: number;
  x: number[];
  y: number[] | number[][];
  batches: number[][];
  steps: number;
  /** Per layer, its parameter tensors by torch.nn name, plus batch norm buffers not at torch's start. */
  init: Record<string, number[]>[];
  /** Each dropout layer's keep mask per step (by layer index), a string of 0 and 1. */
  dropoutMasks?: Record<string, string[]>;
  /** Scheduled cases (scheduled/) only: a SchedulerConfig plus `interval` (docs/replay.md). */
  schedule?: Record<string, unknown>;
  expected: {
    losses: (number | null)[];
    grads0: GoldenTensors[];
    final: GoldenTensors[];
    /** Networks with other kinds than dense: model.eval() outputs on x after training, n × outputs. */
    evalOutputs?: (number | null)[];
    /** Networks with batch norm: each layer's buffers after training ({} for other layers). */
    state?: GoldenTensors[];
    /** Scheduled cases: the lr of every step, and the momentum or β₁ when the schedule cycles it. */
    lrs?: number[];
    momentum?: number[];
  };
}

const root = new URL('../golden/', import.meta.url);

/**
 * Every committed case: cases/ (MLPs factor by factor), layers/ (the other layer kinds), random/
 * (random MLPs), random-layers/ (random networks of any kinds), each sorted by file name.
 */
export function loadGoldenCases(): { file: string; c: GoldenCase }[] {
  return ['cases', 'layers', 'random', 'random-layers'].flatMap((dir) =>
    readdirSync(new URL(`${dir}/`, root)).filter((f) => f.endsWith('.json')).sort()
      .map((f) => ({ file: `${dir}/${f}`, c: JSON.parse(readFileSync(new URL(`${dir}/${f}`, root), 'utf8')) as GoldenCase })));
}

/** The cases with a learning-rate schedule (scheduled/), sorted by file name: replays only, not the public loop. */
export function loadScheduledCases(): { file: string; c: GoldenCase }[] {
  return readdirSync(new URL('scheduled/', root)).filter((f) => f.endsWith('.json')).sort()
    .map((f) => ({ file: `scheduled/${f}`, c: JSON.parse(readFileSync(new URL(`scheduled/${f}`, root), 'utf8')) as GoldenCase }));
}

/** A layer's tensors as a case stores them, by torch.nn name (non-finite values as null). */
export type GoldenTensors = ReplayTensors;

// The tolerances and comparisons are the library's own (descent replay checks with them too).
export type Tol = Tolerance;
export const LOSS_TOL: Tol = REPLAY_TOLERANCES.losses;
export const GRAD_TOL: Tol = REPLAY_TOLERANCES.grads0;
export const PARAM_TOL: Tol = REPLAY_TOLERANCES.final;
export const EVAL_TOL: Tol = REPLAY_TOLERANCES.evalOutputs;
export const STATE_TOL: Tol = REPLAY_TOLERANCES.state;
export { mismatches, tensorMismatches };

/** Mismatches of per-layer parameters (Network.getParameters' { weight, bias }) against a case's `expected.final`. */
export function parameterMismatches(got: readonly { weight: ArrayLike<number>; bias: ArrayLike<number> }[], want: GoldenTensors[]): string[] {
  const named: NamedTensors[] = got.map((p) => ({ weight: p.weight, bias: p.bias }));
  return tensorMismatches(named, want, PARAM_TOL, 'final');
}

/** A case's starting parameters as Network.setParameters takes them: { weight, bias } per layer, empty when the layer has none. */
export function publicParameters(c: GoldenCase): { weight: number[]; bias: number[] }[] {
  return c.init.map((t) => ({ weight: t.weight ?? [], bias: t.bias ?? [] }));
}

/**
 * Starts `net` as the case starts: its parameters, and batch norm's running statistics at the
 * case's buffers where it gives them, torch's 0, 1 and 0 elsewhere (reinitialize resets them).
 */
export function startLikeCase(net: { reinitialize(): void; setParameters(p: { weight: number[]; bias: number[] }[]): void; getState(): Record<string, ArrayLike<number>>[]; setState(s: Record<string, ArrayLike<number>>[]): void }, c: GoldenCase): void {
  net.reinitialize();
  net.setParameters(publicParameters(c));
  net.setState(net.getState().map((s, i) => Object.fromEntries(Object.entries(s).map(([name, v]) => [name, c.init[i][name] ?? v]))));
}

/** Features per sample of a case (the product of an image's [C, H, W]). */
export function caseFeatures(c: GoldenCase): number {
  return typeof c.spec.inputs === 'number' ? c.spec.inputs : c.spec.inputs.reduce((a, b) => a * b, 1);
}

/** The layer types of a case's network (dense when a layer has no `type`). */
export function layerTypes(c: GoldenCase): string[] {
  return c.spec.layers.map((l) => l.type ?? 'dense');
}

/** Whether the case's network has batch normalisation (which neither Network nor a replay runs on threads). */
export function hasBatchNorm(c: GoldenCase): boolean {
  return layerTypes(c).some((t) => t === 'batchnorm1d' || t === 'batchnorm2d');
}

/**
 * How the public mini-batch loop (no shuffle) takes exactly a case's steps: one epoch is the
 * first min(steps, batches.length) batches laid out row after row, cut into `batchSize` rows
 * (the last batch of an epoch keeps the remainder), and epochs repeat that order, as step s
 * of the case uses batches[s % batches.length]. So every batch of an epoch but the last must
 * have the first one's size and the last no more. Otherwise the reason it cannot.
 */
export type PublicLayout =
  | { ok: true; x: number[][]; y: number[] | number[][]; batchSize: number; batchesPerEpoch: number; epochs: number }
  | { ok: false; reason: string };

export function publicLayout(c: GoldenCase): PublicLayout {
  if (c.steps === 0) return { ok: false, reason: 'steps 0 (gradients only: the public loop always updates)' };
  if (c.dropoutMasks) return { ok: false, reason: "dropout with p > 0 (PyTorch's keep masks: the public loop draws its own)" };
  const used = c.batches.slice(0, Math.min(c.steps, c.batches.length));
  const sizes = used.map((b) => b.length);
  const batchSize = sizes[0];
  if (sizes.some((s, i) => (i < sizes.length - 1 ? s !== batchSize : s > batchSize))) {
    return { ok: false, reason: `batch sizes ${sizes.join(', ')} (only the last batch of an epoch may be smaller)` };
  }
  const rows = used.flat();
  const inputs = caseFeatures(c);
  const x = rows.map((r) => c.x.slice(r * inputs, (r + 1) * inputs));
  const y = c.spec.loss === 'softmax_cross_entropy' ? rows.map((r) => (c.y as number[])[r]) : rows.map((r) => (c.y as number[][])[r]);
  return { ok: true, x, y, batchSize, batchesPerEpoch: used.length, epochs: Math.ceil(c.steps / used.length) };
}
