// Text rendering of a result object (run.mjs builds it; --json prints it as is).
import { renderDemoWorker } from './demo-worker.mjs';
import { fmtInt, fmtRate, fmtRatio, table } from './format.mjs';
import { renderLenet } from './lenet-report.mjs';

function cell(row, perSample = true) {
  if (!row) return '–';
  if (row.na) return 'n/a';
  if (row.error) return 'error';
  const v = perSample ? row.samplesPerSec : row.stepsPerSec;
  return row.ratio == null ? fmtRate(v) : `${fmtRate(v)} (${fmtRatio(row.ratio)})`;
}

export function renderText(r) {
  const out = [];
  const m = r.meta;
  out.push(`descent bench — ${r.settings.mode} mode: ${r.settings.windows} timed window(s) of ~${r.settings.windowMs} ms per row after ${r.settings.warmMs} ms warm-up, round-robin; medians`);
  out.push(`${m.cpu ?? 'unknown CPU'} (${m.cores} cores), node ${m.node}, commit ${m.commit?.slice(0, 10) ?? '?'}${m.dirty ? ' (dirty)' : ''}; 1-min load average ${m.loadAverage.start[0].toFixed(1)} at start, ${m.loadAverage.end[0].toFixed(1)} at end`);
  if (r.settings.mode === 'quick') out.push('QUICK MODE: a smoke test of every code path; its figures are not measurements.');
  out.push('');

  if (r.cases.length) out.push(`Trajectory cross-check: descent's initial parameters, the same batches, Adam (lr 1e-3, eps 1e-7), ${r.settings.trajectorySteps} steps; each loss within ${r.tolerance} relative of descent's`);
  for (const c of r.cases) {
    if (!c.check) {
      out.push(`  ${c.title}, batch ${c.batch}: not run (${c.checkError ?? 'no reference'})`);
      continue;
    }
    const diffs = c.check.rows.map((x) => `${x.label} ${x.maxRel.toExponential(1)}${x.ok ? '' : ' FAIL'}`).join(', ');
    const ref = c.check.reference;
    out.push(`  ${c.title}, batch ${c.batch}: loss ${ref[0].toFixed(4)} → ${ref.at(-1).toFixed(4)}; max rel. diff: ${diffs} — ${c.check.ok ? 'ok' : 'FAILED'}`);
  }
  if (r.cases.length) out.push('');

  const byImpl = (cases) => r.impls.filter((i) => cases.some((c) => c.rows.some((x) => x.id === i.id)));
  const label = (i) => (i.note ? `${i.label} *` : i.label);
  const mlp = r.cases.filter((c) => c.unit === 'samples/s');
  if (mlp.length) {
    out.push(`Training ${mlp[0].title} (softmax cross-entropy, Adam): samples/s (× tfjs-wasm, same batch)`);
    out.push(table(['impl', ...mlp.map((c) => `batch ${c.batch}`)], byImpl(mlp).map((i) => [label(i), ...mlp.map((c) => cell(c.rows.find((x) => x.id === i.id)))])));
    out.push('');
    out.push('The same runs in optimizer steps/s');
    out.push(table(['impl', ...mlp.map((c) => `batch ${c.batch}`)], byImpl(mlp).map((i) => [label(i), ...mlp.map((c) => {
      const x = c.rows.find((y) => y.id === i.id);
      return x && x.stepsPerSec != null ? fmtRate(x.stepsPerSec) : cell(x);
    })])));
    out.push('');
  }
  for (const c of r.cases.filter((k) => k.unit === 'steps/s')) {
    out.push(`Training ${c.title}, batch ${c.batch} (softmax cross-entropy, Adam; per-step overhead dominates): steps/s (× tfjs-wasm)`);
    out.push(table(['impl', 'steps/s', 'samples/s'], byImpl([c]).map((i) => {
      const x = c.rows.find((y) => y.id === i.id);
      return [label(i), cell(x, false), x && !x.na && !x.error ? fmtInt(x.samplesPerSec) : '–'];
    })));
    out.push('');
  }
  const paired = r.cases.filter((c) => c.diagnosticsCost);
  if (paired.length) {
    const d = paired[0].diagnosticsCost;
    out.push(`Diagnostics on every step vs off: extra step time, from ${d.pairs} pairs of adjacent ~${d.windowMs} ms windows (median and quartiles of the pairs; the best windows' ratio)`);
    out.push(table(['case', 'cost', 'quartiles', 'best windows'], paired.map((c) => {
      const x = c.diagnosticsCost;
      const pct = (v) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;
      return [`${c.title}, batch ${c.batch}`, pct(x.median), `${pct(x.q1)} … ${pct(x.q3)}`, pct(x.best)];
    })));
    out.push('');
  }
  const notes = r.impls.filter((i) => i.na || i.detail || i.sameAs || i.note);
  const labelOf = (id) => r.impls.find((i) => i.id === id)?.label;
  for (const i of notes) {
    const text = i.na ? `n/a — ${i.na}` : i.sameAs ? `what the default createNetwork runs: see "${labelOf(i.sameAs)}"` : (i.detail ?? `runs under ${i.note}`);
    out.push(`  ${label(i)}: ${text}`);
  }
  if (notes.length) out.push('');

  if (r.lenet) {
    out.push(renderLenet(r.lenet));
    out.push('');
  }

  if (r.gemm) {
    const g = r.gemm;
    const peaks = g.peaks.map((p) => `${p.kind === 'relaxed' ? 'relaxed_madd' : 'mul+add'}×${p.chains} ${p.gflops.toFixed(1)}`).join(', ');
    out.push(`GEMM ${g.shape.M}×${g.shape.K}×${g.shape.N} (a 784→256 layer at batch 128; ${(2 * g.shape.M * g.shape.K * g.shape.N / 1e6).toFixed(1)} MFLOP each), raw descent exports: GFLOP/s`);
    out.push(`  measured f32x4 peak (bench/peak.ts, GFLOP/s by chains): ${peaks}${g.relaxedRuntime ? '' : ' (no relaxed SIMD in this node)'}`);
    const rows = [];
    for (const mod of g.modules) {
      if (mod.na) rows.push([mod.file, 'n/a', mod.na, '', '', '']);
      else for (const k of mod.kernels) rows.push([mod.file, k.name, k.what, k.gflops.toFixed(1), k.pctOfPeak == null ? '–' : `${k.pctOfPeak.toFixed(0)}%`, k.pctOfRelaxedPeak == null ? '–' : `${k.pctOfRelaxedPeak.toFixed(0)}%`]);
    }
    out.push(table(['module', 'export', 'product', 'GFLOP/s', `% of mul+add peak (${g.peak.mulAdd?.toFixed(1) ?? '–'})`, `% of relaxed peak (${g.peak.relaxed?.toFixed(1) ?? '–'})`], rows));
    out.push('');
  }

  if (r.cold) {
    out.push(`Cold start: fresh node process, clock from just before import() to the first training step's return; median of ${r.settings.coldRuns}`);
    out.push(table(['what', 'first step (ms)', 'whole process (ms)'], r.cold.map((c) => [c.what, c.ms.toFixed(1), c.processMs.toFixed(0)])));
    out.push('');
  }

  if (r.sizes) {
    out.push('Sizes of the .wasm files');
    out.push(table(['file', 'bytes', 'gzip -9'], r.sizes.map((s) => [s.file.replace('bench/node_modules/', ''), fmtInt(s.bytes), fmtInt(s.gzip9)])));
    out.push('');
  }

  if (r.demoWorker) {
    out.push(renderDemoWorker(r.demoWorker));
    out.push('');
  }

  if (r.errors.length) {
    out.push(`${r.errors.length} error(s):`);
    for (const e of r.errors) out.push(`  ${e}`);
  }
  return out.join('\n');
}
