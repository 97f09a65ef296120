// A fit history's diagnostics as CSV, for spreadsheets and plotting tools (descent/diagnostics).
import { LAYER_STATISTICS } from '../names.js';
import type { DiagnosticsSummary } from '../types.js';

/**
 * The diagnostics of a fit's history as CSV: one row per epoch, layer and statistic (mean and
 * last value). A per-layer figure with no value — NaN in the report: the weight figures of a
 * layer without weights (a pool, flatten, dropout), `saturated` of a ReLU layer, `dead` before
 * its window filled — is an empty cell, which spreadsheets and CSV readers take as missing.
 */
export function diagnosticsCsv(history: { epochs: { epoch: number; diagnostics?: DiagnosticsSummary }[] }): string {
  const lines = ['epoch,layer,statistic,mean,last'];
  for (const record of history.epochs) {
    const d = record.diagnostics;
    if (!d) continue;
    // The loss and gradient norm always apply: a NaN there is training's, and is written as such.
    lines.push(`${record.epoch},,loss,${d.mean.loss},${d.last.loss}`, `${record.epoch},,gradNorm,${d.mean.gradNorm},${d.last.gradNorm}`);
    for (const name of LAYER_STATISTICS) {
      d.mean[name].forEach((m, l) => lines.push(`${record.epoch},${l},${name},${cell(m)},${cell(d.last[name][l])}`));
    }
  }
  return lines.join('\n') + '\n';
}

/** A per-layer figure as a CSV cell: NaN (no value) empty; ±Infinity as JavaScript writes them. */
function cell(v: number | null | undefined): string {
  // A history read back from JSON has null where the report had NaN.
  return v === null || v === undefined || Number.isNaN(v) ? '' : String(v);
}
