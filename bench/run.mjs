// `npm run bench` (after the root build and bench/install.mjs): descent and its peers —
// tfjs, plain JS, brain.js, and PyTorch where /usr/bin/python3 has torch — on the same cases,
// data and initial weights, with the f32x4 peak measured between the rows' windows. Flags: --quick (tiny windows, one cold-start process:
// a smoke test of every code path), --json (the results plus machine metadata as JSON on
// stdout), --only <sections> (a comma-separated subset of mlp, lenet, gemm, cold, sizes,
// demo; e.g. `npm run bench -- --only lenet`). Progress goes to stderr. Exits 1 on any error,
// including a failed cross-check; timings are never asserted.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADAM, CASES, flopsPerStep, writeCaseData } from './cases.mjs';
import { runLenet } from './lenet.mjs';
import { checkVariants, compareTrajectories } from './check.mjs';
import { measureCold } from './cold.mjs';
import { implList } from './impls.mjs';
import { collectMeta } from './meta.mjs';
import { adjacentPeak, buildPeak, fractionOfPeak, median, summarizePeak } from './peak.mjs';
import { PIN_CPU, pinnedCommand } from './pin.mjs';
import { startWorker } from './pool.mjs';
import { pythonEnv, startPython, torchAvailable } from './py-pool.mjs';
import { relaxedExecArgv } from './relaxed.mjs';
import { renderText } from './report.mjs';
import { measureSizes, wasmFiles } from './sizes.mjs';

const SECTIONS = ['mlp', 'lenet', 'gemm', 'cold', 'sizes', 'demo'];
const argv = process.argv.slice(2);
let only = null;
for (let k = 0; k < argv.length; k++) {
  const a = argv[k];
  if (a === '--only' || a.startsWith('--only=')) {
    const v = a === '--only' ? argv[++k] : a.slice('--only='.length);
    only = (v ?? '').split(',').filter(Boolean);
    if (only.length === 0 || only.some((x) => !SECTIONS.includes(x))) usage(`--only takes a comma-separated list of ${SECTIONS.join(', ')}; got ${JSON.stringify(v ?? '')}`);
  } else if (!['--quick', '--json'].includes(a)) usage(`unknown argument ${a}`);
}
const runs = (section) => !only || only.includes(section);
const quick = argv.includes('--quick');
const json = argv.includes('--json');
// The trajectory checks keep their power in quick mode: LeNet's 10 steps, and each MLP
// case's tight steps (cases.mjs; its later, loosely checked steps are skipped); the check is
// the point of the smoke test.
const S = quick
  ? { mode: 'quick', warmMs: 0, windowMs: 100, windows: 1, lenetWindows: 1, checkSteps: 'tight', lenetTrajectorySteps: 10, coldRuns: 1, gemmMs: 30, gemmWindows: 1, pairMs: 50, pairs: 2 }
  : { mode: 'full', warmMs: 1000, windowMs: 1000, windows: 5, lenetWindows: 7, checkSteps: 'all', lenetTrajectorySteps: 10, coldRuns: 10, gemmMs: 300, gemmWindows: 5, pairMs: 200, pairs: 30 };

const DIST = new URL('../dist/node.js', import.meta.url);
if (!existsSync(DIST)) usage('dist/node.js is missing: run `npm run build` first (npm run bench does)');

const errors = [];
const fail = (what, err) => {
  const msg = `${what}: ${err?.message ?? err}`;
  errors.push(msg.split('\n')[0]);
  console.error(`bench: ERROR ${msg}`);
};
const t0 = performance.now();
// Other work on the machine shows up in every figure; the load average says how much there was.
const loadStart = loadavg();
const progress = (s) => console.error(`bench: [${((performance.now() - t0) / 1000).toFixed(1)} s] ${s}`);

// Every implementation process starts up front, in parallel with compiling the peak loops
// (the peak row's process waits for them): none of this is timed, and nothing timed runs
// until all of it is done.
const needPeak = runs('gemm') || runs('mlp');
progress(`starting implementation processes${needPeak ? ', compiling the peak loops (bench/peak-source.mjs)' : ''}`);
const impls = runs('mlp') ? implList() : [];
const peakBuilt = needPeak ? buildPeak().then(() => null, (err) => err) : Promise.resolve(null);
// Where torch is absent (CI), the PyTorch row is skipped with a note, not an error.
const torch = impls.some((i) => i.python) ? torchAvailable() : null;
await Promise.all(impls.map(async (i) => {
  try {
    if (i.python && !torch.ok) {
      i.na = `not run: ${torch.reason}`;
      return;
    }
    if (i.peak) {
      const err = await peakBuilt;
      if (err) throw err;
    }
    i.worker = i.python ? await startPython(i.python, { pinned: i.pinned }) : await startWorker(i);
    i.pinnedTo = i.worker.pinned ? PIN_CPU : null;
    i.na = i.worker.na;
    i.describe = i.worker.describe;
    if (i.na) {
      i.worker.close(); // n/a rows need no process
      i.worker = null;
    }
  } catch (err) {
    fail(`start ${i.id}`, err);
    i.error = true;
  }
}));
// PyTorch without OpenBLAS would run its dense layers on Debian's reference BLAS: unfair to it.
const py = impls.find((i) => i.python && i.describe);
if (py && !py.describe.blas?.openblas) fail('mlp', `PyTorch loaded ${py.describe.blas?.libblas ?? 'an unknown BLAS'}, not OpenBLAS: its figures would be unfair to it (apt-get install -y libopenblas0-pthread)`);
// A variant that is what the default already runs would be the same row twice.
const def = impls.find((i) => i.id === 'descent');
if (def?.describe?.kernels) def.label = `descent ${def.describe.kernels} (default)`;
for (const i of impls) {
  if (i.impl === 'descent' && i !== def && i.describe && !i.na && i.describe.kernels === def.describe?.kernels && i.describe.threads === def.describe?.threads && i.describe.diagnostics === def.describe?.diagnostics) {
    i.same = def.id; // no row of its own
    i.worker.close();
    i.worker = null;
  }
}

const peakError = await peakBuilt;
const { createNetwork } = await import(DIST.href);
const cases = [];
if (runs('mlp')) for (const c of CASES) cases.push(await runCase(c));
for (const i of impls) i.worker?.close();

const lenet = runs('lenet') ? await runLenet({ ...S, trajectorySteps: S.lenetTrajectorySteps }, progress, fail) : null;

let gemm = null;
if (runs('gemm')) try {
  progress('GEMM micro-bench and SIMD peak');
  if (peakError) throw peakError;
  const args = [...(relaxedExecArgv() ?? []), new URL('./gemm.mjs', import.meta.url).pathname, JSON.stringify({ files: wasmFiles('dist/'), ms: S.gemmMs, windows: S.gemmWindows })];
  // On one CPU, as the MLP rows (pin.mjs).
  const p = spawnSync(...pinnedCommand(process.execPath, args), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (p.status !== 0) throw new Error(`gemm.mjs exited ${p.status}:\n${p.stderr}`);
  gemm = JSON.parse(p.stdout);
  if (!gemm.modules.some((m) => m.kernels)) throw new Error('no dist/*.wasm module could be measured');
} catch (err) {
  fail('gemm', err);
}

let cold = null;
if (runs('cold')) try {
  progress(`cold start (${S.coldRuns} process(es) per case)`);
  cold = measureCold(S.coldRuns);
} catch (err) {
  fail('cold start', err);
}

let sizes = null;
if (runs('sizes')) try {
  sizes = measureSizes();
} catch (err) {
  fail('sizes', err);
}

// The demo's Worker in Chromium against this library in Node, in a process of its own (it
// builds the demo and drives a browser): bench/demo-worker.mjs.
let demoWorker = null;
if (runs('demo')) try {
  progress('demo Worker against Node (bench/demo-worker.mjs)');
  const args = [new URL('./demo-worker.mjs', import.meta.url).pathname, '--json', ...(quick ? ['--quick'] : [])];
  const p = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  demoWorker = JSON.parse(p.stdout);
  for (const e of demoWorker.errors) fail('demo worker', e);
  if (p.status !== 0 && demoWorker.errors.length === 0) throw new Error(`demo-worker.mjs exited ${p.status}`);
} catch (err) {
  fail('demo worker', err);
}

const result = {
  meta: { ...collectMeta(), loadAverage: { start: loadStart, end: loadavg() } },
  settings: S,
  sections: only ?? SECTIONS,
  pythonEnv: torch?.ok ? Object.fromEntries(['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS'].map((k) => [k, pythonEnv()[k] ?? null])) : null,
  impls: impls.map(({ id, label, note, na, same, detail, describe, peak, python, pinnedTo }) => ({ id, label, note: note ?? null, na: na ?? null, sameAs: same ?? null, detail: detail ?? null, describe: describe ?? null, peak: !!peak, python: !!python, pinnedTo: pinnedTo ?? null })),
  cases,
  lenet,
  gemm,
  cold,
  sizes,
  demoWorker,
  errors,
  seconds: (performance.now() - t0) / 1000,
};
process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `\n${renderText(result)}\n`);
progress(`done in ${result.seconds.toFixed(1)} s${errors.length ? ` with ${errors.length} error(s)` : ''}`);
process.exit(errors.length ? 1 : 0);

/** Prepare, cross-check, warm up, then interleaved timed windows, for one case. */
async function runCase(c) {
  progress(`${c.id}: ${c.title}, batch ${c.batch}`);
  const steps = S.checkSteps === 'tight' ? c.check.tightSteps : c.check.steps;
  const rule = { ...c.check, steps };
  const out = { id: c.id, title: c.title, batch: c.batch, unit: c.unit, flopsPerStep: flopsPerStep(c), check: null, power: [], peak: null, rows: [] };
  const rows = new Map();
  const active = [];
  for (const i of impls) {
    if ((i.applies && !i.applies(c)) || i.same) continue;
    const row = { id: i.id };
    rows.set(i.id, row);
    out.rows.push(row);
    if (i.na) row.na = i.na;
    else if (i.error) row.error = 'did not start';
    else active.push(i);
  }
  const guard = async (i, what, fn) => {
    try {
      return await fn();
    } catch (err) {
      fail(`${c.id} ${i.id} ${what}`, err);
      rows.get(i.id).error = String(err?.message ?? err).split('\n')[0];
      active.splice(active.indexOf(i), 1);
      return undefined;
    }
  };

  // The initial parameters are descent's own draw, sent to every implementation; PyTorch
  // reads them, with the case's data, from a file.
  const net = await createNetwork(c.spec);
  const init = net.getParameters();
  net.dispose();
  const file = join(tmpdir(), `descent-bench-${c.id}-${process.pid}.bin`);
  try {
    if (active.some((i) => i.python)) writeCaseData(file, c, init);
    for (const i of [...active]) await guard(i, 'prepare', () => i.worker.call('prepare', i.python ? { c: { ...c, dataFile: file, adam: ADAM } } : { c, init }));
  } finally {
    rmSync(file, { force: true });
  }

  // The cross-check gates the timings: a row whose losses differ from descent's is not timed.
  const trajectories = [];
  for (const i of active.filter((a) => !a.peak)) {
    const losses = await guard(i, 'trajectory', () => i.worker.call('trajectory', { steps }));
    if (losses) trajectories.push({ id: i.id, label: i.label, losses });
  }
  const ref = trajectories.find((t) => t.id === 'descent');
  if (ref) {
    out.check = compareTrajectories(ref.losses, trajectories.filter((t) => t !== ref), rule);
    if (!ref.losses.every(Number.isFinite)) fail(`${c.id} cross-check`, `descent's losses are not finite: ${fmt(ref.losses)}`);
    for (const r of out.check.rows.filter((x) => !x.ok)) {
      fail(`${c.id} cross-check`, `${r.label} losses ${fmt(r.losses)} differ from descent's ${fmt(ref.losses)} (max rel. ${r.maxRelTight.toExponential(2)} in the first ${rule.tightSteps} steps, ${r.maxRel.toExponential(2)} in all); its speed is not reported`);
      rows.get(r.id).error = `trajectory differs from descent's (max rel. ${r.maxRel.toExponential(2)})`;
      const i = active.find((a) => a.id === r.id);
      await i.worker.call('release').catch(() => {});
      active.splice(active.indexOf(i), 1);
    }
    // The check's power: the same peers with a wrong lr or eps must fail it.
    for (const i of active.filter((a) => a.adamOverride)) {
      for (const v of checkVariants(ADAM)) {
        const losses = await guard(i, `trajectory (${v.what})`, () => i.worker.call('trajectory', { steps, adam: v.adam }));
        if (!losses) break;
        const [x] = compareTrajectories(ref.losses, [{ id: i.id, label: i.label, losses }], rule).rows;
        out.power.push({ impl: i.id, label: i.label, variant: v.id, what: v.what, maxRel: x.maxRel, maxRelTight: x.maxRelTight, caught: !x.ok });
        if (x.ok) fail(`${c.id} check power`, `${i.label} with ${v.what} passes the cross-check (max rel. ${x.maxRel.toExponential(2)}): the check cannot see it`);
      }
    }
  } else {
    out.checkError = 'descent did not produce a trajectory: nothing is timed';
    fail(`${c.id} cross-check`, out.checkError);
    for (const i of [...active]) active.splice(active.indexOf(i), 1);
  }

  for (const i of [...active]) await guard(i, 'arm', () => i.worker.call('arm'));
  // Warm-up lets V8 tier wasm and JS up to optimised code before anything counts.
  if (S.warmMs > 0) for (const i of [...active]) await guard(i, 'warm-up', () => i.worker.call('window', { ms: S.warmMs }));
  // Rounds: every row takes one window in turn (the order rotates each round), and the peak
  // process a short one before the first and after each (see fractionOfRow).
  const peakProc = active.find((i) => i.peak);
  const peakWindows = [];
  const peakWindow = async () => {
    if (!active.includes(peakProc)) return null;
    const r = await guard(peakProc, 'peak window', () => peakProc.worker.call('window', { ms: S.windowMs / 3 }));
    if (r) peakWindows.push(r.peak);
    return r?.peak ?? null;
  };
  const rounds = [];
  for (let w = 0; w < S.windows; w++) {
    const trained = active.filter((i) => !i.peak);
    const order = trained.map((_, k) => trained[(k + w) % trained.length]);
    const round = {};
    let before = await peakWindow();
    for (const i of order) {
      const r = await guard(i, 'window', () => i.worker.call('window', { ms: S.windowMs }));
      const after = await peakWindow();
      if (r) round[i.id] = { stepsPerSec: r.steps / r.seconds, cpuSeconds: r.cpuSeconds ?? null, seconds: r.seconds, peakBefore: before, peakAfter: after };
      before = after;
    }
    rounds.push(round);
  }
  const diagnosticsOff = active.find((i) => i.id === 'descent-diagnostics-off');
  const diagnosticsOn = active.find((i) => i.id === 'descent-diagnostics-every1');
  if (diagnosticsOff && diagnosticsOn) out.diagnosticsCost = await pairedCost(diagnosticsOff, diagnosticsOn, guard);
  for (const i of [...active]) await guard(i, 'release', () => i.worker.call('release'));

  if (peakProc?.describe && peakWindows.length) out.peak = summarizePeak(peakProc.describe.loops, peakWindows);
  for (const row of rows.values()) {
    const ws = rounds.map((r) => r[row.id]).filter((v) => v != null);
    if (row.error || row.na || ws.length === 0) continue;
    row.stepsPerSec = median(ws.map((x) => x.stepsPerSec));
    row.samplesPerSec = row.stepsPerSec * c.batch;
    row.windows = ws.map((x) => x.stepsPerSec);
    row.cpuSeconds = ws.map((x) => x.cpuSeconds);
    row.gflops = (row.stepsPerSec * out.flopsPerStep) / 1e9;
    if (out.peak) fractionOfRow(row, ws, out.flopsPerStep, impls.find((i) => i.id === row.id));
  }
  const ref2 = rows.get(impls.find((i) => i.reference).id);
  const torchRow = rows.get('pytorch');
  for (const row of rows.values()) {
    if (row.stepsPerSec == null) continue;
    if (ref2?.stepsPerSec) row.ratio = row.stepsPerSec / ref2.stepsPerSec;
    // descent's rows against PyTorch: the ratio of the medians, and the range of the ratios
    // of windows taken in the same round (seconds apart, so they saw much the same machine).
    if (torchRow?.stepsPerSec && row.id.startsWith('descent')) {
      const perRound = rounds.filter((r) => r[row.id] && r.pytorch).map((r) => r[row.id].stepsPerSec / r.pytorch.stepsPerSec);
      row.vsPytorch = { ofMedians: row.stepsPerSec / torchRow.stepsPerSec, min: Math.min(...perRound), max: Math.max(...perRound) };
    }
  }
  return out;
}

/**
 * A row's products in GFLOP per CPU-second (every thread of its process) as a fraction of
 * the peak that bounds a core, also per CPU-second, measured in the short peak windows just
 * before and after each of the row's windows (peak.mjs adjacentPeak): so other work holding a
 * core slows neither side, a change of clock between rounds moves both, and a 2-thread row is
 * held to what its cores did while they ran. The bound is the relaxed_madd-or-mul+add peak
 * for rows on relaxed kernels, the mul+add peak for every other row (standard SIMD is what
 * descent's default and tfjs-wasm run). PyTorch runs native code with wider vectors: the
 * f32x4 peak does not bound it, its fraction is printed for scale.
 */
function fractionOfRow(row, ws, flopsPerStep, impl) {
  const timed = ws.filter((w) => w.cpuSeconds > 0);
  if (timed.length === 0) return;
  const kind = impl.describe?.kernels === 'relaxed' ? 'relaxed' : 'mulAdd';
  const rates = timed.map((w) => (w.stepsPerSec * w.seconds * flopsPerStep) / w.cpuSeconds / 1e9);
  const f = fractionOfPeak(rates, timed.map((w) => adjacentPeak(w.peakBefore, w.peakAfter, kind)));
  if (!f) return;
  row.gflopsPerCpuSecond = median(rates);
  // A peer faster than the loops (PyTorch's wider vectors) is not "beaten": it is not bounded.
  row.bound = { kind, gflops: f.bound, beaten: f.beaten && row.id.startsWith('descent') };
  row.fractionOfPeak = row.bound.beaten ? f.fraction : f.measured;
}

/**
 * The cost of diagnostics on every step, in step time: short windows of the "off" and the
 * "every step" rows back to back (ABBA order), one ratio per pair. The main windows of a row
 * are seconds apart, and other work on the machine moves them by more than the cost itself;
 * adjacent windows see the same machine. Returns the median and quartiles of
 * (off steps/s) / (on steps/s) − 1 over the pairs, and the same ratio of the two rows' best
 * windows (other work only ever slows a window, so the best ones are the least disturbed).
 */
async function pairedCost(off, on, guard) {
  const costs = [];
  let bestOff = 0, bestOn = 0;
  for (let p = 0; p < S.pairs; p++) {
    const order = p % 2 ? [on, off] : [off, on];
    const rate = new Map();
    for (const i of order) {
      const r = await guard(i, 'paired window', () => i.worker.call('window', { ms: S.pairMs }));
      if (!r) return null;
      rate.set(i, r.steps / r.seconds);
    }
    costs.push(rate.get(off) / rate.get(on) - 1);
    bestOff = Math.max(bestOff, rate.get(off));
    bestOn = Math.max(bestOn, rate.get(on));
  }
  const s = [...costs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: median(costs), q1: at(0.25), q3: at(0.75), best: bestOff / bestOn - 1, pairs: costs.length, windowMs: S.pairMs, costs };
}

function fmt(xs) {
  return `[${xs.map((x) => x.toPrecision(8)).join(', ')}]`;
}

function usage(msg) {
  console.error(`bench: ${msg}\nusage: node bench/run.mjs [--quick] [--json] [--only ${SECTIONS.join(',')}]`);
  process.exit(2);
}
