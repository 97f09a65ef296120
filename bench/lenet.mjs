// The LeNet-5-like MNIST section of `npm run bench` (alone: `npm run bench -- --only lenet`):
// descent, tfjs-wasm and PyTorch (one thread) train the same network from the same initial
// weights on the same MNIST batches. The first steps' losses must agree with PyTorch's to
// LENET_TOLERANCE before anything is timed: a row that disagrees gets no speed, and the run
// fails. Then every row takes timed windows in turn, round after round (only one process
// computes at a time), and the section reports medians and descent's ratios to the peers.
import { rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareTrajectories } from './check.mjs';
import { LENET_CASES, LENET_TOLERANCE, writeLenetCase } from './lenet-case.mjs';
import { median } from './peak.mjs';
import { startWorker } from './pool.mjs';
import { pythonEnv, startPython, torchAvailable } from './py-pool.mjs';
import { relaxedExecArgv } from './relaxed.mjs';

const PY_SCRIPT = new URL('./lenet_pytorch.py', import.meta.url).pathname;

/** The rows: descent's variants (as in the MLP table), tfjs-wasm, and PyTorch on one thread. */
function lenetImpls() {
  const relaxedFlags = relaxedExecArgv() ?? [];
  return [
    { id: 'descent', impl: 'descent', variant: 'default', label: 'descent', descent: true },
    { id: 'descent-relaxed', impl: 'descent', variant: 'relaxed', label: 'descent relaxed', descent: true, execArgv: relaxedFlags, note: relaxedFlags.length ? `node ${relaxedFlags.join(' ')}` : undefined },
    { id: 'descent-threads2', impl: 'descent', variant: 'threads2', label: 'descent 2 threads', descent: true, extra: true },
    { id: 'tfjs-wasm', impl: 'lenet-tfjs', variant: 'wasm', label: 'tfjs-wasm' },
    { id: 'pytorch', python: true, label: 'PyTorch, 1 thread', reference: true },
  ];
}

/**
 * Runs the section. S: the run's settings (warmMs, windowMs, lenetWindows, trajectorySteps);
 * progress(text) and fail(what, err) are run.mjs's. Returns the section's result object.
 */
export async function runLenet(S, progress, fail) {
  const out = { loadAverage: { start: loadavg(), end: null }, tolerance: LENET_TOLERANCE, settings: null, impls: [], cases: [], data: null, pythonEnv: null };
  out.settings = { warmMs: S.warmMs, windowMs: S.windowMs, windows: S.lenetWindows, trajectorySteps: S.trajectorySteps };
  const file = join(tmpdir(), `descent-bench-lenet-${process.pid}.bin`);
  const impls = lenetImpls();
  try {
    progress('LeNet: writing MNIST rows and initial weights, starting descent, tfjs-wasm and PyTorch processes');
    out.data = await writeLenetCase(file);
    const env = pythonEnv();
    out.pythonEnv = Object.fromEntries(['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS'].map((k) => [k, env[k] ?? null]));

    await Promise.all(impls.map(async (i) => {
      try {
        // Where torch is absent (CI) the PyTorch row is skipped with a note, not an error.
        if (i.python && !torchAvailable().ok) {
          i.na = `not run: ${torchAvailable().reason}`;
          return;
        }
        i.worker = i.python ? await startPython(PY_SCRIPT) : await startWorker(i);
        i.describe = i.worker.describe;
        i.na = i.worker.na;
        if (i.na) {
          i.worker.close();
          i.worker = null;
        }
      } catch (err) {
        fail(`lenet: start ${i.id}`, err);
        i.error = String(err?.message ?? err).split('\n')[0];
      }
    }));
    // The fair-comparison rule: PyTorch's dense layers go through BLAS, and the reference BLAS
    // Debian installs by default would make it slower than it is on a normal install.
    const py = impls.find((i) => i.python);
    if (py.describe && !py.describe.blas?.openblas) {
      fail('lenet', `PyTorch loaded ${py.describe.blas?.libblas ?? 'an unknown BLAS'}, not OpenBLAS: its figures would be unfair to it (apt-get install -y libopenblas0-pthread)`);
    }
    out.impls = impls.map(({ id, label, note, na, error, describe, reference, descent, extra }) => ({ id, label, note: note ?? null, na: na ?? null, error: error ?? null, describe: describe ?? null, reference: !!reference, descent: !!descent, extra: !!extra }));

    for (const c of LENET_CASES) out.cases.push(await runCase({ ...c, dataFile: file }, impls, S, progress, fail));
  } catch (err) {
    fail('lenet', err);
  } finally {
    for (const i of impls) i.worker?.close();
    rmSync(file, { force: true });
    out.loadAverage.end = loadavg();
  }
  return out;
}

async function runCase(c, impls, S, progress, fail) {
  progress(`LeNet, batch ${c.batch}: prepare and trajectory check`);
  const out = { id: c.id, batch: c.batch, rows: [], check: null, pytorchConvOps: null };
  const rows = new Map();
  const active = [];
  for (const i of impls) {
    const row = { id: i.id };
    rows.set(i.id, row);
    out.rows.push(row);
    if (i.na) row.na = i.na;
    else if (i.error) row.error = i.error;
    else active.push(i);
  }
  const guard = async (i, what, fn) => {
    try {
      return await fn();
    } catch (err) {
      const msg = String(err?.message ?? err);
      fail(`${c.id} ${i.id} ${what}`, err);
      rows.get(i.id).error = msg.split('\n').find((l) => l.includes('Error') || l.includes('descent:')) ?? msg.split('\n')[0];
      active.splice(active.indexOf(i), 1);
      return undefined;
    }
  };

  for (const i of [...active]) {
    const r = await guard(i, 'prepare', () => i.worker.call('prepare', { c }));
    if (r?.convOps) out.pytorchConvOps = r.convOps;
  }
  const trajectories = [];
  for (const i of [...active]) {
    const losses = await guard(i, 'trajectory', () => i.worker.call('trajectory', { steps: S.trajectorySteps }));
    if (losses) trajectories.push({ id: i.id, label: i.label, losses });
  }
  // PyTorch is the reference: descent promises its semantics, and tfjs is held to it too.
  // Without torch (CI), the other rows are held to descent's trajectory instead.
  out.reference = impls.find((i) => i.python).na ? 'descent' : 'pytorch';
  const refName = out.reference === 'pytorch' ? "PyTorch's" : "descent's";
  const ref = trajectories.find((t) => t.id === out.reference);
  if (!ref) {
    out.checkError = `${out.reference === 'pytorch' ? 'PyTorch' : 'descent'} did not produce a trajectory: nothing is timed`;
    fail(`${c.id} cross-check`, out.checkError);
    for (const i of [...active]) active.splice(active.indexOf(i), 1);
  } else {
    out.check = compareTrajectories(ref.losses, trajectories.filter((t) => t !== ref), LENET_TOLERANCE);
    if (!ref.losses.every(Number.isFinite)) fail(`${c.id} cross-check`, `${refName} losses are not finite: ${fmt(ref.losses)}`);
    for (const r of out.check.rows) {
      if (r.ok) continue;
      fail(`${c.id} cross-check`, `${r.label} losses ${fmt(r.losses)} differ from ${refName} ${fmt(ref.losses)} (max rel. ${r.maxRel.toExponential(2)} > ${LENET_TOLERANCE}); its speed is not reported`);
      rows.get(r.id).error = `trajectory differs from ${refName} (max rel. ${r.maxRel.toExponential(2)})`;
      const i = active.find((a) => a.id === r.id);
      i.worker.call('release').catch(() => {});
      active.splice(active.indexOf(i), 1);
    }
  }

  for (const i of [...active]) await guard(i, 'arm', () => i.worker.call('arm'));
  if (S.warmMs > 0) {
    progress(`LeNet, batch ${c.batch}: warm-up`);
    for (const i of [...active]) await guard(i, 'warm-up', () => i.worker.call('window', { ms: S.warmMs }));
  }
  progress(`LeNet, batch ${c.batch}: ${S.lenetWindows} rounds of ~${S.windowMs} ms windows over ${active.length} rows`);
  const rounds = [];
  for (let w = 0; w < S.lenetWindows; w++) {
    const order = active.map((_, k) => active[(k + w) % active.length]);
    const round = {};
    for (const i of order) {
      const r = await guard(i, 'window', () => i.worker.call('window', { ms: S.windowMs }));
      if (r) round[i.id] = (r.steps / r.seconds) * c.batch;
    }
    rounds.push(round);
  }
  for (const i of [...active]) await guard(i, 'release', () => i.worker.call('release'));

  for (const row of rows.values()) {
    if (row.error || row.na) continue;
    const s = rounds.map((r) => r[row.id]).filter((v) => v != null);
    if (s.length === 0) continue;
    row.windows = s;
    row.samplesPerSec = median(s);
    row.stepsPerSec = row.samplesPerSec / c.batch;
  }
  // descent's ratios to each peer: the ratio of the medians, and the spread of the ratios of
  // windows in the same round (taken seconds apart, so they saw much the same machine).
  for (const row of rows.values()) {
    if (!row.samplesPerSec || !impls.find((i) => i.id === row.id).descent) continue;
    row.ratios = {};
    for (const peer of ['tfjs-wasm', 'pytorch']) {
      const p = rows.get(peer);
      if (!p.samplesPerSec) continue;
      const perRound = rounds.filter((r) => r[row.id] != null && r[peer] != null).map((r) => r[row.id] / r[peer]);
      row.ratios[peer] = { ofMedians: row.samplesPerSec / p.samplesPerSec, perRoundMin: Math.min(...perRound), perRoundMax: Math.max(...perRound), perRoundMedian: median(perRound) };
    }
  }
  return out;
}

function fmt(xs) {
  return `[${xs.map((x) => x.toPrecision(8)).join(', ')}]`;
}
