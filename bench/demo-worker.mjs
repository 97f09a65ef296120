// The demo's Worker against the Node library, on the same network (bench/demo-case.mjs): the
// issue asks the Worker to train at ≥ 80% of Node's steps/s — measured here, never asserted.
// Four rows, timed in interleaved windows (the order rotates each round; only one computes at
// a time):
// - demo: the built demo (vite build into a temp dir, served statically) in Debian's headless
//   Chromium; play pressed in the playground, steps/s read from #pg-status's data-step. What a
//   visitor gets: the Loop's 12 ms slices and yields, a frame (grid prediction, transfer) every
//   30 ms, the page drawing each animation frame.
// - baseline: a bare module Worker page importing dist/browser.js and stepping the same trainer
//   in a tight loop: descent in Chromium, without the demo around it.
// - node: dist/descent.node.js, `t.step()` in a tight loop (the library alone).
// - node + frames: the same plus the demo worker's per-frame work, a 48×48 grid predict every 30 ms.
// Before timing, the demo's first three losses (Step pressed three times) must match Node's:
// the page trains the network the figures claim (a mismatch is an error).
// Usage: node bench/demo-worker.mjs [--quick] [--json]; exits 1 on an error. Without Chromium it
// prints a line saying so (`na` in JSON) and exits 0.
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASE, firstLosses, prepare, runWindow } from './demo-case.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.DESCENT_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/**
 * The hash that makes the playground train CASE. The first-cut playground has one fixed network;
 * a playground with controls needs its keys here (the cross-check fails until they match).
 */
// The playground's defaults, narrowed to CASE: 300 spiral rows, no test split, Adam 0.01, full speed.
export const PLAYGROUND_HASH = 'tab=playground&pg.samples=300&pg.test=0&pg.lr=0.01&pg.speed=10';

/** Quick: one short window, no warm-up (a smoke test). Full: warm-up, then 9 rounds of 1 s windows. */
export const SETTINGS = {
  quick: { mode: 'quick', warmMs: 0, windowMs: 400, rounds: 1 },
  full: { mode: 'full', warmMs: 1000, windowMs: 1000, rounds: 9 },
};

/** Runs the comparison; the result carries rows, ratios, kernels, load and any errors. */
export async function measureDemoWorker(settings) {
  const errors = [];
  const log = (s) => console.error(`bench demo-worker: ${s}`);
  const load = { start: loadavg() };
  if (!existsSync(CHROMIUM)) return { na: `${CHROMIUM} not found (apt-get install -y chromium)`, settings, errors };
  const out = mkdtempSync(join(tmpdir(), 'descent-demo-bench-'));
  let server, browser;
  try {
    log('building the demo (vite build)');
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'demo/vite.config.ts'), logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
    server = await serve({ '/demo/': out, '/dist/': join(ROOT, 'dist'), '/bench/': join(ROOT, 'bench') });
    const { chromium } = await import('playwright');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const problems = [];
    context.on('weberror', (e) => problems.push(e.error().message));

    const node = await import(new URL('../dist/descent.node.js', import.meta.url).href);
    const nodeData = await import(new URL('../dist/descent.data.js', import.meta.url).href);
    const nodeRun = await prepare(node.createNetwork, nodeData.spiral);
    const reference = firstLosses(await prepare(node.createNetwork, nodeData.spiral), 3);

    // The demo page: its first three steps' losses must be Node's.
    log('opening the demo');
    const demo = await context.newPage();
    demo.on('console', (m) => { if (m.type() === 'error') problems.push(`demo console: ${m.text()}`); });
    await demo.goto(`${server.url}/demo/#${PLAYGROUND_HASH}`);
    // data-step appears with the first frame, once the Worker has built the network (a Step or
    // Play sent before that would be lost).
    await demo.waitForSelector('#pg-status[data-step]', { timeout: 30_000 });
    const demoLosses = [];
    for (let k = 1; k <= 3; k++) {
      await demo.click('#panel-playground button[name=step]');
      await demo.waitForFunction((k) => Number(document.querySelector('#pg-status')?.dataset.step) >= k, k, { timeout: 30_000 });
      demoLosses.push(await demo.$eval('#pg-status', (e) => Number(e.dataset.loss)));
    }
    const check = { reference, demo: demoLosses, ok: demoLosses.every((l, i) => Math.abs(l - reference[i]) <= 1e-4 * Math.abs(reference[i])) };
    if (!check.ok) errors.push(`the playground does not train the bench's network: its first losses ${demoLosses} differ from Node's ${reference} (set PLAYGROUND_HASH in bench/demo-worker.mjs, or CASE in bench/demo-case.mjs, to the playground's network)`);
    const demoKernels = await demo.$eval('#kernels', (e) => e.textContent);

    // The bare Worker page.
    const base = await context.newPage();
    await base.goto(`${server.url}/bench/demo-worker-baseline.html`);
    const baseKernels = await base.evaluate(() => window.baseline.call({ type: 'prepare' }));

    const rows = {
      demo: { label: 'demo playground Worker, Chromium', samples: [] },
      baseline: { label: 'bare module Worker, Chromium (dist/browser.js)', samples: [] },
      node: { label: 'Node, t.step() loop (dist/descent.node.js)', samples: [] },
      nodeFrames: { label: 'Node, t.step() loop + the demo\'s frame work', samples: [] },
    };
    const windows = {
      demo: async (ms) => {
        const paused = await demo.$eval('#pg-status', (e) => Number(e.dataset.step));
        await demo.click('#panel-playground button[name=play]');
        // The clock starts on the first drawn frame after play (the loop under way), and each
        // reading is taken in an animation frame, when data-step has just been updated.
        await demo.waitForFunction((s) => Number(document.querySelector('#pg-status').dataset.step) > s, paused, { timeout: 30_000 });
        const r = await demo.evaluate((ms) => new Promise((done) => {
          const read = () => ({ t: performance.now(), step: Number(document.querySelector('#pg-status').dataset.step) });
          requestAnimationFrame(() => {
            const a = read();
            setTimeout(() => requestAnimationFrame(() => { const b = read(); done({ steps: b.step - a.step, seconds: (b.t - a.t) / 1000 }); }), ms);
          });
        }), ms);
        await demo.click('#panel-playground button[name=pause]');
        return r;
      },
      baseline: (ms) => base.evaluate((ms) => window.baseline.call({ type: 'window', ms }), ms),
      node: async (ms) => runWindow(nodeRun, ms, false),
      nodeFrames: async (ms) => runWindow(nodeRun, ms, true),
    };
    const ids = Object.keys(rows);
    if (settings.warmMs > 0) {
      log(`warming up (${settings.warmMs} ms per row)`);
      for (const id of ids) await windows[id](settings.warmMs);
    }
    for (let round = 0; round < settings.rounds; round++) {
      log(`round ${round + 1}/${settings.rounds}`);
      for (let k = 0; k < ids.length; k++) {
        const id = ids[(k + round) % ids.length];
        const r = await windows[id](settings.windowMs);
        rows[id].samples.push(r.steps / r.seconds);
      }
    }
    for (const row of Object.values(rows)) {
      row.stepsPerSec = median(row.samples);
      row.best = Math.max(...row.samples);
    }
    if (problems.length) errors.push(...problems);
    // Other work on the machine only ever slows a window: the medians say what a visitor
    // typically gets, the best windows' ratio is the least disturbed comparison.
    const ratio = (a, b) => ({ median: rows[a].stepsPerSec / rows[b].stepsPerSec, best: rows[a].best / rows[b].best });
    load.end = loadavg();
    return {
      case: CASE.title,
      settings,
      check,
      kernels: { demo: demoKernels, baseline: baseKernels, node: nodeRun.net.kernels },
      rows,
      ratios: { demoOverNode: ratio('demo', 'node'), demoOverNodeFrames: ratio('demo', 'nodeFrames'), baselineOverNode: ratio('baseline', 'node'), demoOverBaseline: ratio('demo', 'baseline') },
      loadAverage: load,
      errors,
    };
  } catch (err) {
    errors.push(String(err?.stack ?? err));
    return { case: CASE.title, settings, errors };
  } finally {
    await browser?.close();
    server?.close();
    rmSync(out, { recursive: true, force: true });
  }
}

export function renderDemoWorker(r) {
  if (r.na) return `Demo Worker vs Node: n/a — ${r.na}`;
  if (!r.rows) return `Demo Worker vs Node: error — ${r.errors[0]}`;
  const pct = (x) => `${(x.median * 100).toFixed(0)}% (best windows ${(x.best * 100).toFixed(0)}%)`;
  const int = (x) => Math.round(x).toLocaleString('en-US');
  const lines = [`Demo Worker vs Node: ${r.case}; steps/s over ${r.settings.rounds} interleaved window(s) of ~${r.settings.windowMs} ms: median, best, every window`];
  for (const row of Object.values(r.rows)) lines.push(`  ${row.label.padEnd(52)} ${int(row.stepsPerSec).padStart(8)} ${int(row.best).padStart(8)}   [${row.samples.map(int).join(', ')}]`);
  if (r.settings.mode === 'quick') lines.push('  QUICK MODE: one short window, no warm-up; the figures are not measurements.');
  lines.push(`  demo / Node: ${pct(r.ratios.demoOverNode)}, issue target ≥ 80%`);
  lines.push(`  demo / Node with the frame work: ${pct(r.ratios.demoOverNodeFrames)}; bare Worker / Node: ${pct(r.ratios.baselineOverNode)}; demo / bare Worker: ${pct(r.ratios.demoOverBaseline)}`);
  lines.push(`  kernels: demo ${r.kernels.demo}; bare Worker ${r.kernels.baseline}; Node ${r.kernels.node}. Same network: first losses ${r.check.ok ? 'match' : 'DIFFER'} (${r.check.demo.map((x) => x.toPrecision(6)).join(', ')})`);
  lines.push(`  1-min load average ${r.loadAverage.start[0].toFixed(1)} at start, ${r.loadAverage.end[0].toFixed(1)} at end`);
  for (const e of r.errors) lines.push(`  ERROR ${e.split('\n')[0]}`);
  return lines.join('\n');
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.bin': 'application/octet-stream' };

/** A static server: each prefix maps to a directory. */
function serve(mounts) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const prefix = Object.keys(mounts).find((p) => path.startsWith(p));
    if (!prefix) return void res.writeHead(404).end();
    let file = normalize(join(mounts[prefix], path.slice(prefix.length)));
    if (!file.startsWith(mounts[prefix])) return void res.writeHead(403).end();
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const body = readFileSync(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch (err) {
      if (err.code !== 'ENOENT') console.error(`bench demo-worker: ${path}: ${err.message}`);
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })));
}

function usage(msg) {
  console.error(`bench demo-worker: ${msg}\nusage: node bench/demo-worker.mjs [--quick] [--json]`);
  process.exit(2);
}

// Run as a script (bench/run.mjs runs it in its own process, as it runs every measurement).
const isMain = process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1]);
if (isMain) {
  const argv = process.argv.slice(2);
  for (const a of argv) if (!['--quick', '--json'].includes(a)) usage(`unknown argument ${a}`);
  const result = await measureDemoWorker(argv.includes('--quick') ? SETTINGS.quick : SETTINGS.full);
  process.stdout.write(argv.includes('--json') ? `${JSON.stringify(result, null, 2)}\n` : `${renderDemoWorker(result)}\n`);
  process.exit(result.errors.length ? 1 : 0);
}
