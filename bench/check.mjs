// The trajectory cross-check that gates the timings: from descent's initial parameters, on
// the same batches in the same order, every implementation's per-step Adam losses must match
// descent's. It catches a mis-transposed weight, a different loss reduction, a different lr
// or eps, a different batch order — any of which would make the timings compare different
// work — and checkPower() proves on every run that it does (see there).
//
// The tolerance is per step: `tight` for the first `tightSteps` losses, `loose` after. f32
// implementations that compute the same thing in another summation order agree closely
// at first, but Adam amplifies the difference: it scales every parameter's step to about lr
// whatever the gradient's size, so the rounding of gradients near zero (sums that nearly
// cancel) decides whole steps. On the ReLU MLP, tfjs-wasm's losses drift from 1e-7 after
// two updates to 1e-4 by step 9 at batch 128, while PyTorch's stay within 3e-7 of descent's;
// the tanh net does not drift in 60 steps. So each case says how far f32 agreement holds
// (cases.mjs, `check`).

/**
 * `reference` and each of `others` ({ id, label, losses }) are per-step loss arrays. `rule`
 * is a case's check ({ tight, tightSteps, loose }) or one tolerance for every step.
 * Returns per row: maxRel (over all steps), maxRelTight (the tight steps), ok.
 */
export function compareTrajectories(reference, others, rule) {
  const r = typeof rule === 'number' ? { tight: rule, tightSteps: Infinity, loose: rule } : rule;
  const rows = others.map(({ id, label, losses }) => {
    let maxRel = 0;
    let maxRelTight = 0;
    let ok = losses.length === reference.length;
    losses.forEach((l, i) => {
      const ref = reference[i];
      const rel = Math.abs(l - ref) / Math.max(Math.abs(ref), 1e-6);
      if (!(rel <= (i < r.tightSteps ? r.tight : r.loose))) ok = false; // NaN fails too
      const finite = Number.isFinite(rel) ? rel : Infinity;
      maxRel = Math.max(maxRel, finite);
      if (i < r.tightSteps) maxRelTight = Math.max(maxRelTight, finite);
    });
    return { id, label, losses, maxRel, maxRelTight, ok };
  });
  return { reference, rule: r, rows, ok: rows.every((x) => x.ok) && reference.every(Number.isFinite) };
}

/**
 * Settings an implementation could get wrong without any error: each one, run by a peer
 * that takes an Adam override (tfjs-wasm; PyTorch where it runs), must FAIL the check —
 * the check's power, proven on every run (the bench fails if one of them passes).
 */
export function checkVariants(adam) {
  return [
    { id: 'lr+5%', what: 'lr 5% too large', adam: { ...adam, lr: adam.lr * 1.05 } },
    { id: 'eps1e-8', what: 'eps 1e-8 (PyTorch\'s default) instead of 1e-7', adam: { ...adam, eps: 1e-8 } },
  ];
}
