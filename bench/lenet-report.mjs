// Text rendering of the LeNet section (lenet.mjs builds it).
import { fmtInt, table } from './format.mjs';
import { LENET_TITLE } from './lenet-case.mjs';

/** The brief's acceptance target: descent ≥ 5× tfjs-wasm and ≥ 1× PyTorch (one thread). */
const TARGET = { 'tfjs-wasm': 5, pytorch: 1 };

// Two decimals: the PyTorch target sits at 1×, where one decimal would hide which side it is on.
const fmtRatio = (x) => `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`;
const load = (l) => l.map((v) => v.toFixed(2)).join(' / ');

export function renderLenet(r) {
  const out = [];
  const s = r.settings;
  const impl = (id) => r.impls.find((i) => i.id === id);
  out.push(`${LENET_TITLE} on MNIST, softmax cross-entropy, Adam (lr 1e-3, betas 0.9/0.999, eps 1e-7): training samples/s`);
  out.push(`  data: ${r.data?.source ?? '?'} (digits 0–9: ${r.data?.labelCounts.join(' ') ?? '?'}); batches in order, cycling; initial weights: PyTorch's default init drawn once by bench/lenet-case.mjs, loaded by all`);
  out.push(`  load average (1 / 5 / 15 min): ${load(r.loadAverage.start)} at start, ${r.loadAverage.end ? load(r.loadAverage.end) : '?'} at end`);
  out.push(`  windows: ${s.warmMs} ms warm-up per row, then ${s.windows} round(s) of one ~${s.windowMs} ms window per row (order rotating); median per row`);
  const py = impl('pytorch')?.describe;
  if (py) {
    const ob = py.blas?.openblas;
    const blas = ob ? `OpenBLAS (${ob.config.trim()}; core ${ob.core}, ${ob.threads} thread(s))` : `${py.blas?.libblas ?? '?'} (not OpenBLAS)`;
    out.push(`  PyTorch ${py.torch}: ${py.threads} thread(s); BLAS ${blas}; mkldnn available ${py.mkldnn.available}, enabled ${py.mkldnn.enabled}; CPU capability ${py.cpuCapability}`);
    out.push(`    env: ${Object.entries(r.pythonEnv ?? {}).map(([k, v]) => `${k}=${v ?? '(unset)'}`).join(' ')}`);
    const ops = r.cases.find((c) => c.pytorchConvOps)?.pytorchConvOps;
    if (ops) out.push(`    a step's convolution ops (profiler): ${ops.join(', ')}`);
  }
  const tf = impl('tfjs-wasm')?.describe;
  if (tf) out.push(`  tfjs ${tf.version}, wasm backend: Conv2DBackpropFilter is missing from it (tfjs issue #8474); the bench registers one from its own Transpose and XNNPACK Conv2D (max |diff| / max |ref| against tfjs-backend-cpu's: ${tf.filterGradCheck?.toExponential(1)})`);
  for (const i of r.impls.filter((x) => x.descent && x.describe)) out.push(`  ${i.label}: kernels ${i.describe.kernels}, threads ${i.describe.threads}${i.note ? `, ${i.note}` : ''}`);

  const refName = r.cases[0]?.reference === 'descent' ? "descent's (no PyTorch here)" : "PyTorch's";
  out.push(`Trajectory check: ${s.trajectorySteps} steps from the same weights on the same batches; every loss within ${r.tolerance} relative of ${refName}, or the row is not timed`);
  for (const c of r.cases) {
    if (!c.check) {
      out.push(`  batch ${c.batch}: ${c.checkError ?? 'not run'}`);
      continue;
    }
    const ref = c.check.reference;
    const diffs = c.check.rows.map((x) => `${x.label} ${x.maxRel.toExponential(1)}${x.ok ? '' : ' FAIL'}`).join(', ');
    out.push(`  batch ${c.batch}: ${refName.split(' ')[0]} loss ${ref[0].toFixed(5)} → ${ref.at(-1).toFixed(5)}; max rel. diff: ${diffs || 'no other row'} — ${c.check.ok ? 'ok' : 'FAILED'}`);
    for (const row of c.rows.filter((x) => x.error)) {
      if (!c.check.rows.some((x) => x.id === row.id && !x.ok)) out.push(`    ${impl(row.id).label}: ${row.error}`);
    }
  }

  const cell = (c, id) => {
    const x = c.rows.find((y) => y.id === id);
    if (!x) return '–';
    if (x.na) return 'n/a';
    if (x.error) return 'not timed';
    return x.samplesPerSec == null ? '–' : fmtInt(x.samplesPerSec);
  };
  out.push('');
  out.push(table(['samples/s', ...r.cases.map((c) => `batch ${c.batch}`)], r.impls.map((i) => [`${i.label}${i.note ? ' *' : ''}`, ...r.cases.map((c) => cell(c, i.id))])));
  const ratioRows = [];
  for (const i of r.impls.filter((x) => x.descent)) {
    for (const peer of ['tfjs-wasm', 'pytorch']) {
      const cells = r.cases.map((c) => {
        const q = c.rows.find((y) => y.id === i.id)?.ratios?.[peer];
        if (!q) return '–';
        const met = i.extra ? '' : q.ofMedians >= TARGET[peer] ? ' ok' : ' below';
        return `${fmtRatio(q.ofMedians)} [${fmtRatio(q.perRoundMin)}–${fmtRatio(q.perRoundMax)}]${met}`;
      });
      ratioRows.push([`${i.label} / ${impl(peer).label}`, ...cells]);
    }
  }
  out.push('');
  out.push(`descent's ratios: of the medians [range of same-round window ratios]; "ok"/"below": the target (≥ ${TARGET['tfjs-wasm']}× tfjs-wasm, ≥ ${TARGET.pytorch}× PyTorch, one thread)`);
  out.push(table(['ratio', ...r.cases.map((c) => `batch ${c.batch}`)], ratioRows));
  const notes = r.impls.filter((i) => i.na || (i.error && !r.cases.length));
  for (const i of notes) out.push(`  ${i.label}: ${i.na ? `n/a — ${i.na}` : i.error}`);
  return out.join('\n');
}
