// A fit history's diagnostics as CSV, for spreadsheets and plotting tools (descent/diagnostics).
import { LAYER_STATISTICS } from '../names.js';
import type { DiagnosticsSummary } from '../types.js';

/** The diagnostics of a fit's history as CSV: one row per epoch, layer and statistic (mean and last value). */
export function diagnosticsCsv(history: { epochs: { epoch: number; diagnostics?: DiagnosticsSummary }[] }): string {
  const lines = ['epoch,layer,statistic,mean,last'];
  for (const record of history.epochs) {
    const d = record.diagnostics;
    if (!d) continue;
    lines.push(`${record.epoch},,loss,${d.mean.loss},${d.last.loss}`, `${record.epoch},,gradNorm,${d.mean.gradNorm},${d.last.gradNorm}`);
    for (const name of LAYER_STATISTICS) {
      d.mean[name].forEach((m, l) => lines.push(`${record.epoch},${l},${name},${m},${d.last[name][l]}`));
    }
  }
  return lines.join('\n') + '\n';
}
