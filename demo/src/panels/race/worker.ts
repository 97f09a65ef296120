// Worker half of the Optimizer race. What descent/race's `race` does — one clone of a network
// per rule, the same other fit options, so the same initial weights and, with one seed, the
// same batches — but stepped here one step per rule at a time, so the curves grow live:
// `race` only returns at the end. Each clone gets a Trainer with the shared seed; a Trainer and
// `fit` use the same seeded batch stepper, so every history equals what race() would give
// (checked against raceSync on spiral: identical epoch losses).
import { createNetwork, type Network, type OptimizerConfig, type Trainer } from 'descent';
import type { Handler } from '../../worker/protocol.js';
import { Loop } from '../../worker/loop.js';
import { gridInputs, makeDataset, type Dataset } from './datasets.js';
import { networkSpec } from './networks.js';

export const GRID = 32;
/** A surface costs a forward pass over GRID² points per rule: refresh them less often than the curves. */
const SURFACE_MS = 150;

export interface RaceSetup {
  /** The page's count of restarts, echoed in every frame so a late frame of an older race is ignored. */
  run: number;
  data: string;
  network: string;
  seed: number;
  epochs: number;
  batchSize: number;
  stepsPerSecond: number;
  rules: OptimizerConfig[];
}

/** One rule's state as the page draws it. */
export interface RunnerFrame {
  type: string;
  /** Full training-set loss after each epoch (index 0: before training, the same for all). */
  losses: Float64Array;
  accuracy: number;
  steps: number;
  diverged: boolean;
  /** The decision surface's class probabilities, or null when not recomputed in this frame. */
  probs: Float32Array | null;
}

export interface RaceFrame {
  type: 'frame';
  run: number;
  epoch: number;
  epochs: number;
  done: boolean;
  runners: RunnerFrame[];
}

interface Runner {
  config: OptimizerConfig;
  net: Network;
  trainer: Trainer;
  losses: number[];
  accuracy: number;
  diverged: boolean;
}

let loop: Loop | null = null;
let runners: Runner[] = [];
let base: Network | null = null;
let generation = 0;
/** The page's last play/pause, kept across a restart (the setup may still be loading when play arrives). */
let playing = false;

function dispose(): void {
  loop?.pause();
  loop = null;
  for (const r of runners) r.net.dispose();
  runners = [];
  base?.dispose();
  base = null;
}

async function start(s: RaceSetup, port: Parameters<Handler>[1]): Promise<void> {
  const mine = ++generation;
  dispose();
  if (!(Number.isSafeInteger(s.epochs) && s.epochs >= 1 && s.epochs <= 2000)) throw new Error(`epochs must be an integer from 1 to 2000, got ${s.epochs}`);
  if (s.rules.length === 0) throw new Error('choose at least one rule to race');
  const data: Dataset = makeDataset(s.data, s.seed);
  const net = await createNetwork(networkSpec(s.network, data.classes, s.seed));
  if (mine !== generation) return void net.dispose(); // a newer setup arrived while loading
  base = net;
  const options = { batchSize: s.batchSize, seed: s.seed, diagnostics: false as const };
  const initial = net.evaluate(data.x, data.y);
  runners = s.rules.map((config) => {
    const clone = net.clone();
    // Each trainer checks its optimizer: a bad lr is reported by the worker's error path.
    const trainer = clone.trainer(data.x, data.y, { ...options, optimizer: config });
    return { config, net: clone, trainer, losses: [initial.loss], accuracy: initial.accuracy ?? 0, diverged: false };
  });
  const stepsPerEpoch = Math.ceil(data.y.length / Math.min(s.batchSize, data.y.length));
  const grid = gridInputs(GRID);
  let steps = 0;
  let lastSurfaces = -Infinity;
  const epoch = () => Math.floor(steps / stepsPerEpoch);
  loop = new Loop({
    step: () => {
      if (epoch() >= s.epochs) return false;
      for (const r of runners) if (!r.diverged) r.trainer.step();
      steps++;
      if (steps % stepsPerEpoch === 0) {
        for (const r of runners) {
          if (r.diverged) continue;
          const m = r.net.evaluate(data.x, data.y);
          r.diverged = !Number.isFinite(m.loss);
          r.losses.push(m.loss);
          r.accuracy = m.accuracy ?? 0;
        }
      }
      return epoch() < s.epochs && runners.some((r) => !r.diverged);
    },
    publish: () => {
      const done = epoch() >= s.epochs || runners.every((r) => r.diverged);
      const now = performance.now();
      const surfaces = done || !loop?.running || now - lastSurfaces >= SURFACE_MS;
      if (surfaces) lastSurfaces = now;
      const frames: RunnerFrame[] = runners.map((r) => ({
        type: r.config.type, losses: Float64Array.from(r.losses), accuracy: r.accuracy, steps: r.trainer.steps, diverged: r.diverged,
        probs: surfaces && !r.diverged ? r.net.predict(grid).probabilities! : null,
      }));
      const frame: RaceFrame = { type: 'frame', run: s.run, epoch: epoch(), epochs: s.epochs, done, runners: frames };
      port.post(frame as unknown as Record<string, unknown> & { type: string }, frames.flatMap((f) => (f.probs ? [f.losses.buffer, f.probs.buffer] : [f.losses.buffer])));
    },
  });
  loop.stepsPerSecond = s.stepsPerSecond > 0 ? s.stepsPerSecond : Infinity;
  port.post({ type: 'setup', run: s.run, xy: data.x, labels: data.y, classes: data.classes, grid: GRID });
  loop.stepNow(0);
  if (playing) loop.play();
}

export const race: Handler = async (m, port) => {
  if (m.type === 'init') await start(m.setup as RaceSetup, port);
  else if (m.type === 'play') {
    playing = true;
    loop?.play();
  } else if (m.type === 'pause') {
    playing = false;
    loop?.pause();
  }
  else if (m.type === 'speed' && loop) loop.stepsPerSecond = Number(m.stepsPerSecond) > 0 ? Number(m.stepsPerSecond) : Infinity;
};
