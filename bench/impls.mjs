// The rows of the training tables: which process runs what, and under which node flags.
// descent gets one row per createNetwork variant (see impl-descent.mjs VARIANTS); a variant
// this build rejects or ignores prints "n/a", so new kernels/threads options appear on
// their own once createNetwork accepts them. PyTorch runs as a Python process
// (mlp_pytorch.py) where torch is installed; the peak row times the f32x4 peak between the
// rows' windows (impl-peak.mjs) and trains nothing. Every row but the 2-thread ones runs on
// one CPU, the peak with them (`pinned`, pin.mjs).
import { relaxedExecArgv } from './relaxed.mjs';

export function implList() {
  const relaxedFlags = relaxedExecArgv() ?? [];
  const rows = [
    { id: 'descent', impl: 'descent', variant: 'default', label: 'descent' },
    { id: 'descent-scalar', impl: 'descent', variant: 'scalar', label: 'descent scalar' },
    { id: 'descent-simd', impl: 'descent', variant: 'simd', label: 'descent simd' },
    // Node 20 needs a flag for relaxed SIMD; only this row's process gets it.
    {
      id: 'descent-relaxed',
      impl: 'descent',
      variant: 'relaxed',
      label: 'descent relaxed',
      execArgv: relaxedFlags,
      note: relaxedFlags.length ? `node ${relaxedFlags.join(' ')}` : undefined,
    },
    { id: 'descent-threads2', impl: 'descent', variant: 'threads2', label: 'descent 2 threads' },
    {
      id: 'descent-relaxed-threads2',
      impl: 'descent',
      variant: 'relaxedThreads2',
      label: 'descent relaxed, 2 threads',
      execArgv: relaxedFlags,
      note: relaxedFlags.length ? `node ${relaxedFlags.join(' ')}` : undefined,
    },
    { id: 'descent-diagnostics-off', impl: 'descent', variant: 'diagnosticsOff', label: 'descent, diagnostics off' },
    { id: 'descent-diagnostics-every1', impl: 'descent', variant: 'diagnosticsEvery1', label: 'descent, diagnostics every step' },
    { id: 'pytorch', python: new URL('./mlp_pytorch.py', import.meta.url).pathname, label: 'PyTorch, 1 thread', adamOverride: true },
    { id: 'tfjs-wasm', impl: 'tfjs', variant: 'wasm', label: 'tfjs-wasm', reference: true, adamOverride: true },
    { id: 'tfjs-cpu', impl: 'tfjs', variant: 'cpu', label: 'tfjs-cpu' },
    { id: 'plainjs', impl: 'plainjs', label: 'plain JS' },
    {
      id: 'brain',
      impl: 'brain',
      label: 'brain.js',
      applies: (c) => c.brain,
      detail: 'brain.js 1.6.1: sigmoid hidden+output layers, MSE, its own online SGD (lr 0.3, momentum 0.1); one public train([sample], { iterations: 1 }) call per step; own random init, so not in the cross-check',
    },
    // Relaxed SIMD's flag, so the relaxed_madd loops run too.
    { id: 'peak', impl: 'peak', label: 'f32x4 peak', peak: true, execArgv: relaxedFlags },
  ];
  for (const r of rows) r.pinned = !/threads2$/i.test(r.variant ?? '');
  return rows;
}
