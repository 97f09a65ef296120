// Worker half of the playground: builds the data and the network from a RunConfig, trains with
// descent's Trainer inside the shared Loop, evaluates train and test sets every epoch (or every
// few dozen steps, never every step), and publishes frames: the decision grid's probabilities
// (transferred), the evaluations since the last frame, and the pad digit's probabilities.
// A non-finite loss stops the run (diverged) instead of training a wrecked net on.
// On MNIST the model may be a CNN: an MLP of the hidden layers then trains beside it, on the
// same batches in the same order, so its test accuracy is there to compare; and the CNN's
// feature maps (each conv layer's channels for the pad's digit or a test digit) are posted
// a few times a second.
import { createNetwork, createRng, type LayerSpec, type Network, type Trainer, type TrainerOptions } from 'descent';
import { saveCheckpoint } from 'descent/checkpoint';
import type { Handler, Port } from '../../worker/protocol.js';
import { Loop } from '../../worker/loop.js';
import type { DataMessage, EvalRecord, FeatureMapLayer, FrameMessage, MapsMessage, RestartResult, RunConfig } from './config.js';
import { cnnLayers, describeLayer, featureMapLayers, IMAGE_SHAPE, isCnn } from './cnn.js';
import { prepare, type Prepared } from './datasets.js';
import { gridPoints } from '../../ui/heatmap.js';

const GRID = 48;
/** Evaluate at least this many steps apart, and at most this many (2-D sets; MNIST). */
const EVAL_MIN = 5;
const EVAL_MAX_2D = 50;
const EVAL_MAX_MNIST = 100;
/** At full speed an evaluation (a forward pass over the train and test sets) every epoch of a
 * small set would cost a third of the training time; there, the curves take a point at most
 * every EVAL_GAP_MS. Evaluations never change the run, only how densely the curves sample it. */
const EVAL_GAP_MS = 50;
/** And never more than a fifth of the time: a CNN's evaluation of 3,000 digits takes a while. */
const EVAL_COST_RATIO = 4;
/** Feature maps while training, at most this often. */
const MAPS_MS = 400;
/** MNIST evaluations use evenly spread subsets, so an evaluation costs a few dozen steps. */
const MNIST_EVAL_ROWS = 1000;

interface Subset { x: Float32Array; y: Int32Array }

/** The MLP a CNN trains beside (same data, batches, optimizer and seed). */
interface Baseline {
  net: Network;
  key: string;
  trainer: Trainer;
  diverged: boolean;
}

interface Run {
  cfg: RunConfig;
  data: Prepared;
  net: Network;
  netKey: string;
  layers: LayerSpec[];
  trainer: Trainer;
  baseline: Baseline | null;
  /** CNN: which layers' outputs are each conv layer's feature maps. */
  maps: ReturnType<typeof featureMapLayers>;
  stepsPerEpoch: number;
  evalEvery: number;
  evalTrain: Subset;
  evalTest: Subset;
  /** 2-D sets: the grid cells' centres as net inputs. */
  grid: Float32Array | null;
}

let port: Port;
let run: Run | null = null;
let runId = 0;
let playing = false;
let diverged = false;
/** Stop when the trainer reaches this step ("step one epoch"). */
let target: number | null = null;
let speed = Infinity;
let records: EvalRecord[] = [];
let lastEvalAt = 0;
let last: EvalRecord | null = null;
let lastEvalMs = 0;
let pad: Float32Array | null = null;
/** The test digit whose feature maps are shown while the pad is empty. */
let mapsDigit = 0;
let mapsAt = -Infinity;
/** The step and input the last feature maps were for (-1: none sent, or the input changed). */
let mapsStep = -1;
let queue: Promise<void> = Promise.resolve();

const loop = new Loop({ step: stepOnce, publish });

function stepOnce(): boolean {
  if (!run || diverged) return halt();
  const t = run.trainer;
  if (target !== null && t.steps >= target) return halt();
  t.step();
  const b = run.baseline;
  if (b && !b.diverged) {
    b.trainer.step();
    b.diverged = !Number.isFinite(b.trainer.loss);
  }
  if (!Number.isFinite(t.loss)) {
    diverged = true;
    evaluate();
    return halt();
  }
  const s = t.steps;
  const due = s % run.evalEvery === 0 || (run.stepsPerEpoch >= EVAL_MIN && s % run.stepsPerEpoch === 0);
  const gap = Math.max(Number.isFinite(loop.stepsPerSecond) ? 0 : EVAL_GAP_MS, EVAL_COST_RATIO * lastEvalMs);
  if (due && (target !== null || performance.now() - lastEvalAt >= gap)) evaluate();
  return true;
}

/** Stops playing (the Loop stops when step returns false) and ends an epoch target. */
function halt(): false {
  playing = false;
  if (target !== null) {
    target = null;
    loop.stepsPerSecond = speed;
  }
  return false;
}

function evaluate(): void {
  if (!run) return;
  const start = performance.now();
  const { net, trainer, evalTrain, evalTest, baseline } = run;
  const tr = net.evaluate(evalTrain.x, evalTrain.y);
  const te = evalTest.y.length ? net.evaluate(evalTest.x, evalTest.y) : { loss: NaN, accuracy: NaN };
  const base = baseline && evalTest.y.length ? baseline.net.evaluate(evalTest.x, evalTest.y) : { loss: NaN, accuracy: NaN };
  last = {
    step: trainer.steps, epoch: trainer.epoch, trainLoss: tr.loss, trainAccuracy: tr.accuracy ?? NaN, testLoss: te.loss, testAccuracy: te.accuracy ?? NaN,
    baseTestLoss: base.loss, baseTestAccuracy: base.accuracy ?? NaN,
  };
  records.push(last);
  lastEvalAt = performance.now();
  // Step 0's evaluation also warms the kernels up (and grows memory): not what later ones cost.
  if (trainer.steps > 0) lastEvalMs = lastEvalAt - start;
}

/** A CNN's feature maps for the pad's digit (or the chosen test digit), at most every MAPS_MS while playing. */
function publishMaps(force: boolean): void {
  if (!run || run.maps.length === 0) return;
  const now = performance.now();
  const step = run.trainer.steps;
  if (!force && (step === mapsStep || (playing && now - mapsAt < MAPS_MS))) return;
  const fromPad = pad !== null && pad.length === run.data.features;
  const tests = run.data.yTest.length;
  const index = Math.min(Math.max(0, mapsDigit), tests - 1);
  const input = fromPad ? pad!.slice() : run.data.xTest.slice(index * run.data.features, (index + 1) * run.data.features);
  const outputs = run.net.layerOutputs(input);
  const layers: FeatureMapLayer[] = run.maps.map((m) => {
    const [, channels, h, w] = outputs[m.shown].shape;
    return { label: m.label, channels, h, w, values: outputs[m.shown].values };
  });
  const message: MapsMessage = { type: 'maps', run: runId, step, source: fromPad ? 'pad' : 'test', index, label: fromPad ? -1 : run.data.yTest[index], input, layers };
  port.post(message as unknown as Record<string, unknown> & { type: string }, [input.buffer, ...layers.map((l) => l.values.buffer)]);
  mapsAt = now;
  mapsStep = step;
}

function publish(): void {
  if (!run) return;
  const t = run.trainer;
  const f: FrameMessage = { type: 'frame', run: runId, step: t.steps, epoch: t.epoch, loss: t.loss, playing, diverged, records, last };
  records = [];
  const transfer: Transferable[] = [];
  if (run.grid && run.data.shown) {
    const probs = run.net.predict(run.grid).probabilities!;
    f.grid = { n: GRID, classes: run.data.classes, probs, bounds: run.data.shown.bounds };
    transfer.push(probs.buffer);
  }
  if (pad && run.data.features === pad.length) f.pad = run.net.predict(pad).probabilities!;
  port.post(f as unknown as Record<string, unknown> & { type: string }, transfer);
  publishMaps(false);
}

function gridInputs(data: Prepared): Float32Array | null {
  return data.shown ? data.toInputs(gridPoints(GRID, data.shown.bounds)) : null;
}

/** At most `rows` rows spread evenly over the set (all of it when small). */
function spread(x: Float32Array, y: Int32Array, features: number, rows: number): Subset {
  if (y.length <= rows) return { x, y };
  const sx = new Float32Array(rows * features), sy = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const from = Math.floor((i * y.length) / rows);
    sx.set(x.subarray(from * features, (from + 1) * features), i * features);
    sy[i] = y[from];
  }
  return { x: sx, y: sy };
}

function trainerOptions(cfg: RunConfig, seed: number): TrainerOptions {
  return { optimizer: cfg.optimizer, mode: cfg.mode, ...(cfg.mode === 'mini-batch' ? { batchSize: cfg.batchSize } : {}), seed, diagnostics: false };
}

/** The data and the net for `cfg`; call `restart` on the result before anything else. */
async function build(cfg: RunConfig): Promise<Run> {
  const mnist = cfg.data === 'mnist';
  if (mnist) port.post({ type: 'loading', done: false });
  const data = await prepare(cfg);
  if (mnist) port.post({ type: 'loading', done: true });
  const mlp: LayerSpec[] = [...cfg.hidden.map((l) => ({ units: l.units, activation: l.activation })), { units: data.classes }];
  const cnn = mnist && isCnn(cfg.model);
  const layers = cnn ? cnnLayers(cfg.model as Parameters<typeof cnnLayers>[0], data.classes) : mlp;
  const inputs = cnn ? [...IMAGE_SHAPE] : data.features;
  const netKey = JSON.stringify([inputs, layers, cfg.init]);
  const baseKey = JSON.stringify([data.features, mlp, cfg.init]);
  const make = (inp: number | number[], ls: LayerSpec[]) => createNetwork({ inputs: inp, layers: ls, loss: 'softmax_cross_entropy', init: cfg.init, seed: cfg.seed });
  // A net whose spec is unchanged is kept, whichever role it had (the MLP becomes a CNN's
  // baseline and back); the rest are released once their successors exist.
  const previous = run ? [{ key: run.netKey, net: run.net }, ...(run.baseline ? [{ key: run.baseline.key, net: run.baseline.net }] : [])] : [];
  const take = (key: string): Network | null => {
    const i = previous.findIndex((p) => p.key === key);
    return i < 0 ? null : previous.splice(i, 1)[0].net;
  };
  const net = take(netKey) ?? await make(inputs, layers);
  const baseNet = cnn ? take(baseKey) ?? await make(data.features, mlp) : null;
  for (const p of previous) p.net.dispose();
  const rows = data.yTrain.length;
  const stepsPerEpoch = cfg.mode === 'batch' ? 1 : cfg.mode === 'stochastic' ? rows : Math.ceil(rows / cfg.batchSize);
  const cap = mnist ? EVAL_MAX_MNIST : EVAL_MAX_2D;
  const evalEvery = stepsPerEpoch >= EVAL_MIN ? Math.min(stepsPerEpoch, cap) : stepsPerEpoch * Math.ceil(EVAL_MIN / stepsPerEpoch);
  // A CNN's forward pass costs ten times an MLP's: its train curve is measured on half the rows.
  const evalRows = mnist ? (cnn ? MNIST_EVAL_ROWS / 2 : MNIST_EVAL_ROWS) : Infinity;
  // No trainer yet: the caller's `restart` makes it (making one here would copy the data twice).
  const partial: Omit<Run, 'trainer'> = {
    cfg, data, net, netKey, layers, stepsPerEpoch, evalEvery, grid: gridInputs(data),
    baseline: baseNet ? { net: baseNet, key: baseKey, trainer: null as unknown as Trainer, diverged: false } : null,
    maps: cnn ? featureMapLayers(layers) : [],
    evalTrain: spread(data.xTrain, data.yTrain, data.features, evalRows),
    evalTest: spread(data.xTest, data.yTest, data.features, mnist ? 2 * MNIST_EVAL_ROWS : Infinity),
  };
  return partial as Run;
}

/** Back to step 0 from the initialisation of `seed`: fresh weights, fresh optimizer state. */
function restart(r: Run, seed: number): void {
  r.cfg.seed = seed;
  r.net.reinitialize(seed);
  r.trainer = r.net.trainer(r.data.xTrain, r.data.yTrain, trainerOptions(r.cfg, seed));
  if (r.baseline) {
    r.baseline.net.reinitialize(seed);
    r.baseline.trainer = r.baseline.net.trainer(r.data.xTrain, r.data.yTrain, trainerOptions(r.cfg, seed));
    r.baseline.diverged = false;
  }
  mapsStep = -1;
  lastEvalMs = 0;
  diverged = false;
  target = null;
  records = [];
  last = null;
  runId++;
  evaluate();
  const d = r.data;
  const message: DataMessage = {
    type: 'data', run: runId, data: r.cfg.data, classes: d.classes, features: d.features,
    trainRows: d.yTrain.length, testRows: d.yTest.length, stepsPerEpoch: r.stepsPerEpoch,
    layers: r.layers.map(describeLayer), parameters: r.net.parameterCount,
    baseline: r.baseline ? { layers: r.cfg.hidden.map((l) => describeLayer({ units: l.units, activation: l.activation })).concat(describeLayer({ units: d.classes })), parameters: r.baseline.net.parameterCount } : null,
    ...(d.shown ? { train: { xy: d.shown.train, labels: d.yTrain }, test: { xy: d.shown.test, labels: d.yTest }, bounds: d.shown.bounds } : {}),
  };
  port.post(message as unknown as Record<string, unknown> & { type: string });
}

function play(): void {
  if (!run || diverged) return publish();
  playing = true;
  loop.play();
}

function pause(): void {
  // Full speed skips evaluations (EVAL_GAP_MS): the paused state's figures are measured now.
  if (playing && run && !diverged && last?.step !== run.trainer.steps) evaluate();
  playing = false;
  target = null;
  loop.stepsPerSecond = speed;
  loop.pause();
}

/** Best of N: each seed trains `budget` steps from its own initialisation; lowest test loss wins. */
function bestOf(r: Run, n: number, budget: number): void {
  const rng = createRng(r.cfg.seed);
  const seeds = Array.from({ length: n }, (_, i) => (i === 0 ? r.cfg.seed : Math.floor(rng.uniform() * 1e6)));
  const results: RestartResult[] = [];
  for (const seed of seeds) {
    restart(r, seed);
    for (let i = 0; i < budget; i++) {
      r.trainer.step();
      if (!Number.isFinite(r.trainer.loss)) break;
    }
    records = [];
    evaluate();
    const m = last!;
    const score = Number.isFinite(m.testLoss) ? m.testLoss : m.trainLoss;
    results.push({ seed, testLoss: score, testAccuracy: Number.isFinite(m.testAccuracy) ? m.testAccuracy : m.trainAccuracy, trainLoss: m.trainLoss });
    port.post({ type: 'restart-progress', done: results.length, n });
  }
  const finite = results.filter((x) => Number.isFinite(x.testLoss));
  const best = finite.length ? finite.reduce((a, b) => (b.testLoss < a.testLoss ? b : a)) : results[0];
  // Replay the winner from its initialisation, so the page shows (and a link reproduces) its run.
  restart(r, best.seed);
  for (let i = 0; i < budget && stepOnce(); i++);
  records = records.filter((x) => x.step < r.trainer.steps);
  evaluate();
  publish();
  port.post({ type: 'restarts', results, best: best.seed, budget });
}

async function handle(m: Record<string, unknown>): Promise<void> {
  switch (m.type) {
    case 'config': {
      const wasPlaying = playing;
      pause();
      const cfg = m.config as RunConfig;
      if (cfg.data === 'own' && cfg.points.length < 2) {
        // Nothing to train on yet: not an error, an invitation.
        run?.net.dispose();
        run?.baseline?.net.dispose();
        run = null;
        port.post({ type: 'idle', message: 'Add at least two points to train on: click the plot (shift-click for class B), use the fields under “Your points”, or load a CSV.' });
        return;
      }
      const next = await build(cfg);
      run = next;
      try {
        restart(run, cfg.seed);
      } catch (err) {
        // A trainer the library refuses (batch norm given batches of one row): no run, the page shows why.
        run.net.dispose();
        run.baseline?.net.dispose();
        run = null;
        throw err;
      }
      publish();
      if (wasPlaying) play();
      return;
    }
    case 'play': return play();
    case 'pause': return pause();
    case 'step':
      if (playing) pause();
      return loop.stepNow(1);
    case 'epoch': {
      if (!run || diverged) return;
      pause();
      const t = run.trainer;
      target = t.steps + run.stepsPerEpoch - (t.steps % run.stepsPerEpoch);
      // One epoch runs at full speed whatever the speed slider says (restored by `halt`).
      loop.stepsPerSecond = Infinity;
      playing = true;
      loop.play();
      return;
    }
    case 'reset':
      if (!run) return;
      pause();
      restart(run, Number(m.seed ?? run.cfg.seed));
      return publish();
    case 'speed':
      speed = Number(m.stepsPerSecond) || Infinity;
      if (target === null) loop.stepsPerSecond = speed;
      return;
    case 'restarts':
      if (!run) return;
      pause();
      return bestOf(run, Number(m.n), Number(m.budget));
    case 'save': {
      // Between two steps (messages are handled between the loop's slices): the run goes on.
      if (!run) return;
      const bytes = saveCheckpoint(run.net, { training: run.trainer.snapshot(), metadata: { 'descent.demo.config': JSON.stringify(run.cfg) } });
      port.post({ type: 'checkpoint', bytes, step: run.trainer.steps, data: run.cfg.data }, [bytes.buffer]);
      return;
    }
    case 'predict': {
      pad = (m.pixels as Float32Array | null) ?? null;
      mapsStep = -1;
      if (!run || !pad || run.data.features !== pad.length) return publishMaps(true);
      const probs = run.net.predict(pad).probabilities!;
      port.post({ type: 'prediction', probs }, [probs.buffer]);
      publishMaps(true);
      return;
    }
    case 'digit':
      mapsDigit = Number(m.index) || 0;
      return publishMaps(true);
  }
}

export const playground: Handler = (m, p) => {
  port = p;
  // One message at a time: a rebuild awaits the kernels or the MNIST bytes, and the messages
  // after it (play, step) must act on the new run, not race it.
  const done = queue.then(() => handle(m));
  queue = done.catch(() => undefined);
  return done;
};
