// A network's layers as a table (Keras's summary): kind, activation, weight and bias shapes,
// parameters; printed by `descent train` at the start and by `descent inspect`.
import type { NetworkSummary } from '../types.js';

export function layerTable(s: Pick<NetworkSummary, 'layers' | 'parameters'> & Partial<Pick<NetworkSummary, 'memoryBytes' | 'kernels' | 'threads'>>): string {
  const rows = s.layers.map((l, i) => [String(i), `${l.type} ${l.units}`, l.activation, `[${l.weightShape.join(', ')}]`, `[${l.biasShape.join(', ')}]`, l.parameters.toLocaleString('en-US')]);
  const head = ['layer', 'kind', 'activation', 'weight', 'bias', 'parameters'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) => `  ${r.map((v, c) => (c === r.length - 1 ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join('  ')}`;
  const runtime = s.memoryBytes !== undefined ? `, ${s.memoryBytes.toLocaleString('en-US')} bytes of wasm memory, kernels ${s.kernels}${(s.threads ?? 1) > 1 ? `, ${s.threads} threads` : ''}` : '';
  return [line(head), ...rows.map(line), `  total ${s.parameters.toLocaleString('en-US')} parameters${runtime}`].join('\n');
}
