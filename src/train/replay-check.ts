// Comparing a replay with what PyTorch recorded (a case's `expected`): the tolerances the
// golden tests hold descent to (float32 training against torch's float32 run), and the list
// of values that fall outside them. One definition, used by the test suite and `descent replay`.
import type { ReplayResult, ReplayTensors } from './replay.js';

export interface Tolerance { abs: number; rel: number }

/** What a replay is compared on. */
export type ReplayQuantity = 'losses' | 'grads0' | 'final' | 'evalOutputs' | 'state';

/**
 * |got − want| ≤ abs + rel·|want|, per kind of value. The evaluation outputs and the running
 * statistics come out of the trained network, so they get the final parameters' tolerance.
 */
export const REPLAY_TOLERANCES: Readonly<Record<ReplayQuantity, Tolerance>> = {
  losses: { abs: 1e-6, rel: 1e-4 },
  grads0: { abs: 1e-5, rel: 1e-3 },
  final: { abs: 1e-4, rel: 1e-3 },
  evalOutputs: { abs: 1e-4, rel: 1e-3 },
  state: { abs: 1e-4, rel: 1e-3 },
};

/** Indices where `got` differs from `want` beyond `tol`; a non-finite value must meet a null. */
export function mismatches(got: ArrayLike<number | null>, want: readonly (number | null)[], tol: Tolerance): string[] {
  if (got.length !== want.length) return [`length ${got.length} ≠ ${want.length}`];
  const bad: string[] = [];
  want.forEach((w, i) => {
    const g = got[i];
    const finite = g !== null && Number.isFinite(g);
    const ok = w === null ? !finite : finite && Math.abs(g - w) <= tol.abs + tol.rel * Math.abs(w);
    if (!ok) bad.push(`[${i}] got ${g} want ${w}`);
  });
  return bad;
}

/** A layer's tensors by name, as a replay gives them or as Network.getParameters does ({ weight, bias }, empty when none). */
export type NamedTensors = Readonly<Record<string, ArrayLike<number | null>>>;

/**
 * Mismatches of per-layer tensors against `want`, each named `what[layer].name[i]`. A tensor
 * only one side names must be empty on the other (getParameters' empty bias of a layer without).
 */
export function tensorMismatches(got: readonly NamedTensors[], want: readonly ReplayTensors[], tol: Tolerance, what: string): string[] {
  if (got.length !== want.length) return [`${what}: ${got.length} layers ≠ ${want.length}`];
  return want.flatMap((w, l) => {
    const names = [...new Set([...Object.keys(w), ...Object.keys(got[l] ?? {})])];
    return names.flatMap((name) => {
      const g = got[l]?.[name] ?? [];
      return mismatches(g, w[name] ?? [], tol).map((m) => `${what}[${l}].${name}${m}`);
    });
  });
}

/**
 * Every value of `result` outside the tolerances of `expected` (empty: the replay matches).
 * The evaluation outputs and running statistics are compared when `expected` has them.
 */
export function replayMismatches(result: ReplayResult, expected: ReplayResult, tolerances: Readonly<Record<ReplayQuantity, Tolerance>> = REPLAY_TOLERANCES): string[] {
  const bad = [
    ...mismatches(result.losses, expected.losses, tolerances.losses).map((m) => `losses${m}`),
    ...tensorMismatches(result.grads0, expected.grads0, tolerances.grads0, 'grads0'),
    ...tensorMismatches(result.final, expected.final, tolerances.final, 'final'),
  ];
  if (expected.evalOutputs) {
    bad.push(...(result.evalOutputs ? mismatches(result.evalOutputs, expected.evalOutputs, tolerances.evalOutputs).map((m) => `evalOutputs${m}`) : ['evalOutputs: none']));
  }
  if (expected.state) {
    bad.push(...(result.state ? tensorMismatches(result.state, expected.state, tolerances.state, 'state') : ['state: none']));
  }
  return bad;
}
