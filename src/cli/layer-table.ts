// A network's layers as a table (Keras's summary): kind and output size, activation, weight and
// bias shapes, parameters, and below it the layers' state (BatchNorm's running statistics);
// printed by `descent train` at the start and by `descent inspect`.
import type { NetworkSummary } from '../types.js';

const shape = (s: readonly number[] | null) => (s ? `[${s.join(', ')}]` : '-');

export function layerTable(s: Pick<NetworkSummary, 'layers' | 'parameters'> & Partial<Pick<NetworkSummary, 'memoryBytes' | 'kernels' | 'threads'>>): string {
  // A flat output is its size (a dense layer's units), an image's is its [C, H, W].
  const rows = s.layers.map((l, i) => [
    String(i), `${l.type} ${l.outputShape.length === 1 ? l.units : shape(l.outputShape)}`, l.activation, shape(l.weightShape), shape(l.biasShape), l.parameters.toLocaleString('en-US'),
  ]);
  const head = ['layer', 'kind', 'activation', 'weight', 'bias', 'parameters'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) => `  ${r.map((v, c) => (c === r.length - 1 ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join('  ')}`;
  const runtime = s.memoryBytes !== undefined ? `, ${s.memoryBytes.toLocaleString('en-US')} bytes of wasm memory, kernels ${s.kernels}${(s.threads ?? 1) > 1 ? `, ${s.threads} threads` : ''}` : '';
  const state = s.layers.flatMap((l, i) => (l.state.length ? [`  layer ${i} state: ${l.state.map((t) => `${t.name} ${shape(t.shape)}`).join(', ')}`] : []));
  return [line(head), ...rows.map(line), `  total ${s.parameters.toLocaleString('en-US')} parameters${runtime}`, ...state].join('\n');
}
