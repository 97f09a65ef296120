// The 'descent/diagnostics' subpath: the optional parts of diagnostics, kept out of the main
// entry's size budget — per-layer histograms for reports, and CSV export of a history.
export { histograms, HISTOGRAM_MAX_BINS } from './diagnostics/histograms.js';
export type { DiagnosticsHistograms, HistogramsOption, HistogramsSummary, LayerHistograms } from './diagnostics/histograms.js';
export { diagnosticsCsv } from './diagnostics/csv.js';
