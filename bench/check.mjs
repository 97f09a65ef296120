// The trajectory cross-check that gates the timings: from descent's initial parameters, on
// the same batches in the same order, every implementation's per-step Adam losses must match
// descent's to TOLERANCE relative. It catches a mis-transposed weight, a different loss
// reduction, a different eps or a different batch order — any of which would make the
// timings compare different work.

export const TOLERANCE = 1e-3;

/** `reference` and each of `others` ({ label, losses }) are per-step loss arrays. */
export function compareTrajectories(reference, others, tolerance = TOLERANCE) {
  const rows = others.map(({ id, label, losses }) => {
    let maxRel = 0;
    let ok = losses.length === reference.length;
    losses.forEach((l, i) => {
      const r = reference[i];
      const rel = Math.abs(l - r) / Math.max(Math.abs(r), 1e-6);
      if (!(rel <= tolerance)) ok = false; // NaN fails too
      maxRel = Math.max(maxRel, Number.isFinite(rel) ? rel : Infinity);
    });
    return { id, label, losses, maxRel, ok };
  });
  return { reference, rows, ok: rows.every((r) => r.ok) && reference.every(Number.isFinite) };
}
