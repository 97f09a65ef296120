// Comparing a replay with what PyTorch recorded (a case's `expected`): the tolerances the
// golden tests hold descent to (float32 training against torch's float32 run), and the list
// of values that fall outside them. One definition, used by the test suite and `descent replay`.
import type { ReplayResult, ReplayTensors } from './replay.js';

export interface Tolerance { abs: number; rel: number }

/** |got − want| ≤ abs + rel·|want|, per kind of value. */
export const REPLAY_TOLERANCES: Readonly<Record<'losses' | 'grads0' | 'final', Tolerance>> = {
  losses: { abs: 1e-6, rel: 1e-4 },
  grads0: { abs: 1e-5, rel: 1e-3 },
  final: { abs: 1e-4, rel: 1e-3 },
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

/** Mismatches of per-layer tensors against `want`, each named `what[layer].weight[i]`. */
export function tensorMismatches(got: readonly { weight: ArrayLike<number | null>; bias: ArrayLike<number | null> }[], want: readonly ReplayTensors[], tol: Tolerance, what: string): string[] {
  if (got.length !== want.length) return [`${what}: ${got.length} layers ≠ ${want.length}`];
  return want.flatMap((w, l) => [
    ...mismatches(got[l].weight, w.weight, tol).map((m) => `${what}[${l}].weight${m}`),
    ...mismatches(got[l].bias, w.bias, tol).map((m) => `${what}[${l}].bias${m}`),
  ]);
}

/** Every value of `result` outside the tolerances of `expected` (empty: the replay matches). */
export function replayMismatches(result: ReplayResult, expected: ReplayResult): string[] {
  return [
    ...mismatches(result.losses, expected.losses, REPLAY_TOLERANCES.losses).map((m) => `losses${m}`),
    ...tensorMismatches(result.grads0, expected.grads0, REPLAY_TOLERANCES.grads0, 'grads0'),
    ...tensorMismatches(result.final, expected.final, REPLAY_TOLERANCES.final, 'final'),
  ];
}
