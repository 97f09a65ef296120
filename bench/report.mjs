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

  if (r.cases.length) out.push(...renderChecks(r), '');

  const trained = r.impls.filter((i) => !i.peak);
  const byImpl = (cases) => trained.filter((i) => cases.some((c) => c.rows.some((x) => x.id === i.id)));
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
  out.push(...renderVsPytorch(r, label));
  out.push(...renderPeakFractions(r, label));
  const paired = r.cases.filter((c) => c.diagnosticsCost);
  if (paired.length) {
    const d = paired[0].diagnosticsCost;
    out.push(`Diagnostics on every step vs off, every case: extra step time, from ${d.pairs} pairs of adjacent ~${d.windowMs} ms windows (median and quartiles of the pairs; the best windows' ratio)`);
    out.push(table(['case', 'cost', 'quartiles', 'best windows'], paired.map((c) => {
      const x = c.diagnosticsCost;
      const pct = (v) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;
      return [`${c.title}, batch ${c.batch}`, pct(x.median), `${pct(x.q1)} … ${pct(x.q3)}`, pct(x.best)];
    })));
    out.push('');
  }
  const notes = trained.filter((i) => i.na || i.detail || i.sameAs || i.note);
  const labelOf = (id) => r.impls.find((i) => i.id === id)?.label;
  for (const i of notes) {
    const text = i.na ? `n/a — ${i.na}` : i.sameAs ? `what the default createNetwork runs: see "${labelOf(i.sameAs)}"` : (i.detail ?? `runs under ${i.note}`);
    out.push(`  ${label(i)}: ${text}`);
  }
  const pinned = trained.filter((i) => i.pinnedTo != null && !i.sameAs && !i.na);
  if (pinned.length) out.push(`  On CPU ${pinned[0].pinnedTo} (taskset, bench/pin.mjs), with the peak process: ${pinned.map((i) => i.label).join(', ')}; the 2-thread rows run unpinned.`);
  else if (r.cases.length) out.push('  No row was pinned to a CPU (no taskset here): rows timed side by side may have run on different CPUs.');
  const py = r.impls.find((i) => i.python && i.describe)?.describe;
  if (py) out.push(`  ${describePytorch(py, r.pythonEnv)}`);
  const peakRow = r.impls.find((i) => i.peak);
  if (peakRow?.na) out.push(`  f32x4 peak: n/a — ${peakRow.na}`);
  if (notes.length || py) out.push('');

  if (r.lenet) {
    out.push(renderLenet(r.lenet));
    out.push('');
  }

  if (r.gemm) {
    out.push(...renderGemm(r.gemm));
    out.push('');
  }

  if (r.cold) {
    out.push(...renderCold(r.cold, r.settings.coldRuns));
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

/** The cross-check lines: per case its rule, the agreement of every row, and the check's power. */
function renderChecks(r) {
  const out = [`Trajectory cross-check: descent's initial parameters, the same batches, Adam (lr 1e-3, betas 0.9/0.999, eps 1e-7); every loss within a relative tolerance of descent's (f32 agreement for the first steps, looser after, where Adam amplifies rounding differences: bench/check.mjs); a row that misses is not timed`];
  for (const c of r.cases) {
    if (!c.check) {
      out.push(`  ${c.title}, batch ${c.batch}: not run (${c.checkError ?? 'no reference'})`);
      continue;
    }
    const q = c.check.rule;
    const e = (x) => x.toExponential();
    const ruleText = q.tightSteps >= q.steps ? `${q.steps} steps within ${e(q.tight)}` : `${q.steps} steps, the first ${q.tightSteps} within ${e(q.tight)}, the rest within ${e(q.loose)}`;
    const split = q.tightSteps < q.steps;
    const diffs = c.check.rows.map((x) => `${x.label} ${split ? `${x.maxRelTight.toExponential(1)} / ` : ''}${x.maxRel.toExponential(1)}${x.ok ? '' : ' FAIL'}`).join(', ');
    const ref = c.check.reference;
    out.push(`  ${c.title}, batch ${c.batch}: ${ruleText}; loss ${ref[0].toFixed(4)} → ${ref.at(-1).toFixed(4)}; max rel. diff${split ? ` (first ${q.tightSteps} / all)` : ''}: ${diffs} — ${c.check.ok ? 'ok' : 'FAILED'}`);
    if (c.power.length) {
      const power = c.power.map((p) => `${p.label} ${p.variant} ${(split ? p.maxRelTight : p.maxRel).toExponential(1)}${p.caught ? '' : ' NOT CAUGHT'}`).join(', ');
      out.push(`    wrong settings must fail (max rel. diff${split ? `, first ${q.tightSteps} steps` : ''}): ${power} — ${c.power.every((p) => p.caught) ? 'all caught' : 'NOT ALL CAUGHT'}`);
    }
  }
  return out;
}

/** descent's rows over PyTorch's (one thread), per case. */
function renderVsPytorch(r, label) {
  const cases = r.cases.filter((c) => c.rows.some((x) => x.vsPytorch));
  if (!cases.length) return [];
  const ids = r.impls.filter((i) => i.id.startsWith('descent') && !i.id.includes('diagnostics') && cases.some((c) => c.rows.some((x) => x.id === i.id && x.vsPytorch)));
  const two = (x) => `${x.toFixed(2)}×`;
  return [
    "descent / PyTorch (1 thread, OpenBLAS): ratio of the median steps/s [range of the ratios of windows in the same round]",
    table(['impl', ...cases.map((c) => (c.unit === 'steps/s' ? `${c.title.split(' ')[0]} b${c.batch}` : `batch ${c.batch}`))], ids.map((i) => [label(i), ...cases.map((c) => {
      const v = c.rows.find((x) => x.id === i.id)?.vsPytorch;
      return v ? `${two(v.ofMedians)} [${two(v.min)}–${two(v.max)}]` : '–';
    })])),
    '',
  ];
}

/** Each row's GFLOP/s and its fraction of the f32x4 peak measured in the same rounds. */
function renderPeakFractions(r, label) {
  const cases = r.cases.filter((c) => c.peak);
  if (!cases.length) return [];
  const col = (c) => (c.unit === 'steps/s' ? `${c.title.split(' ')[0]} b${c.batch}` : `batch ${c.batch}`);
  const ids = r.impls.filter((i) => !i.peak && i.id !== 'brain' && cases.some((c) => c.rows.some((x) => x.id === i.id && x.fractionOfPeak != null)));
  const out = [];
  out.push(`The products' GFLOP per CPU-second, median of the windows (% of the f32x4 peak per CPU-second: each window against the peak windows just before and after it, median of the ratios; FLOP per sample: ${cases.map((c) => `${col(c)} ${fmtInt(c.flopsPerStep / c.batch)}`).join(', ')})`);
  out.push(table(['impl', ...cases.map(col)], ids.map((i) => [label(i), ...cases.map((c) => {
    const x = c.rows.find((y) => y.id === i.id);
    if (!x || x.fractionOfPeak == null) return '–';
    const g = x.gflopsPerCpuSecond;
    return `${g.toFixed(g >= 10 ? 1 : 2)} (${(100 * x.fractionOfPeak).toFixed(0)}%${x.bound.beaten ? ' = bound' : ''})`;
  })])));
  out.push('f32x4 peak loops (bench/peak-source.mjs), GFLOP per CPU-second, median of each case\'s peak windows; the bound: median over the windows of their best loop of the kind');
  const loops = cases[0].peak.loops;
  out.push(table(['loop', ...cases.map(col)], [
    ...loops.map((l) => [`${l.name}: ${l.what}`, ...cases.map((c) => c.peak.loops.find((x) => x.name === l.name)?.gflops.toFixed(1) ?? '–')]),
    ['bound, standard SIMD (mul+add)', ...cases.map((c) => c.peak.mulAdd?.toFixed(1) ?? '–')],
    ['bound, relaxed SIMD (madd or mul+add)', ...cases.map((c) => c.peak.relaxed?.toFixed(1) ?? '–')],
  ]));
  const beaten = cases.flatMap((c) => c.rows.filter((x) => x.bound?.beaten).map((x) => `${x.id} at ${col(c)}`));
  out.push('  Counted: 2 FLOP per multiply-add of the forward product X·Wᵀ and the weight gradient dYᵀ·X of every layer, and of the input gradient dY·W of every layer but the first; bias, activations, loss and Adam are not counted.');
  out.push('  Bound: the mul+add peak for standard-SIMD rows and the peers, the larger of the relaxed_madd and mul+add peaks for relaxed rows; a peak per core, and CPU time counts every thread (a 2-thread row: what its cores did while they ran; its speed-up is in the tables above).');
  out.push('  PyTorch runs native code with 256/512-bit vectors: the f32x4 peak does not bound it (its % is for scale); tfjs-cpu and plain JS are scalar JavaScript.');
  if (beaten.length) out.push(`  "= bound": faster than every peak loop beside it, so the loops are no bound for it and the row itself is: ${beaten.join(', ')}.`);
  out.push('');
  return out;
}

function describePytorch(py, env) {
  const ob = py.blas?.openblas;
  const blas = ob ? `OpenBLAS (${ob.config.trim()}; core ${ob.core}, ${ob.threads} thread(s))` : `${py.blas?.libblas ?? '?'} (not OpenBLAS)`;
  return `PyTorch ${py.torch} (bench/mlp_pytorch.py): ${py.threads} thread(s); BLAS ${blas}; CPU capability ${py.cpuCapability}; env ${Object.entries(env ?? {}).map(([k, v]) => `${k}=${v ?? '(unset)'}`).join(' ')}`;
}

function renderGemm(g) {
  const out = [];
  const p = g.peak;
  out.push(`GEMM ${g.shape.M}×${g.shape.K}×${g.shape.N} (a 784→256 layer at batch 128; ${(2 * g.shape.M * g.shape.K * g.shape.N / 1e6).toFixed(1)} MFLOP each), raw descent exports: GFLOP/s by CPU time, median of ${g.windows} windows of ~${g.windowMs} ms each, a peak window before and after every one`);
  out.push(`  f32x4 peak loops, median of ${p.windows} windows: ${p.loops.map((l) => `${l.name} ${l.gflops.toFixed(1)}`).join(', ')}${g.relaxedRuntime ? '' : ' (no relaxed SIMD in this node)'}`);
  out.push(`  bound (median of the windows' best loop): standard-SIMD and scalar modules, mul+add ${p.mulAdd?.toFixed(1) ?? '–'}; relaxed modules, relaxed_madd or mul+add ${p.relaxed?.toFixed(1) ?? '–'}; each kernel window is held to the mean of the peak windows beside it`);
  const rows = [];
  for (const mod of g.modules) {
    if (mod.na) rows.push([mod.file, 'n/a', mod.na, '', '']);
    else for (const k of mod.kernels) rows.push([mod.file, k.name, k.what, k.gflops.toFixed(1), k.fractionOfBound == null ? '–' : k.beaten ? `100% = bound (the loops: ${(100 * k.measuredFraction).toFixed(0)}%)` : `${(100 * k.fractionOfBound).toFixed(0)}%`]);
  }
  out.push(table(['module', 'export', 'product', 'GFLOP/s', '% of its bound'], rows));
  if (g.modules.some((m) => m.kernels?.some((k) => k.beaten))) out.push('  "= bound": the kernel ran faster than every peak loop beside it, so the loops are no bound for it and the kernel itself is.');
  return out;
}

/** Cold start: one row per network, so every figure sits beside the same network's. */
function renderCold(cold, runs) {
  const at = (lib, net) => cold.cases.find((c) => c.lib === lib && c.net === net);
  const ms = (c) => (c ? `${c.ms.toFixed(1)} (${c.cpuMs?.toFixed(1) ?? '–'})` : '–');
  const ratio = (a, b) => (a && b ? `${(b.ms / a.ms).toFixed(b.ms / a.ms >= 10 ? 0 : 1)}×` : '–');
  return [
    `Cold start: a fresh node process per run, from just before import() to the return of the first training step; ms by the wall clock (in brackets the process's CPU time over the same span, every thread: steadier on a busy machine), median of ${runs}; ratios of the wall-clock medians`,
    table(['network', ...cold.libs.map((l) => l.id), 'tfjs / descent', 'tfjs-require / descent', 'no cache / cache'], cold.nets.map((n) => [
      n.what,
      ...cold.libs.map((l) => ms(at(l.id, n.id))),
      ratio(at('descent', n.id), at('tfjs', n.id)),
      ratio(at('descent', n.id), at('tfjs-require', n.id)),
      ratio(at('descent', n.id), at('descent-nocache', n.id)),
    ])),
    ...cold.libs.map((l) => `  ${l.id}: ${l.what}`),
    `  The code cache: ${cold.codeCache}.`,
  ];
}
