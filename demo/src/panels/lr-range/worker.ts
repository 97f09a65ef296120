// Worker half of the learning-rate range test: builds the network, runs descent/lr-finder's
// findLearningRate on it (which puts the weights back afterwards), and then trains clones of
// that same initialisation at the suggested lr, at a multiple of it and at a hundredth of it,
// a step of each per loop step, so the three loss curves grow together on the page.
import { createNetwork, type Network, type OptimizerConfig, type Trainer } from 'descent';
import { findLearningRate } from 'descent/lr-finder';
import type { Handler, Port } from '../../worker/protocol.js';
import { Loop } from '../../worker/loop.js';
import { makeDataset, type Dataset } from '../race/datasets.js';
import { networkSpec } from '../race/networks.js';

export interface RangeSetup {
  /** The page's request count, echoed back so a late answer to an older request is ignored. */
  run: number;
  data: string;
  network: string;
  seed: number;
  batchSize: number;
  startLr: number;
  endLr: number;
  numIter: number;
  optimizer: OptimizerConfig;
}

export interface RangeResult {
  type: 'result';
  run: number;
  lrs: number[];
  losses: number[];
  smoothedLosses: number[];
  suggestion: number | null;
  stoppedEarly: boolean;
  /** Present only when the library reports them (a valley-based suggestion). */
  suggestionIndex?: number;
  valley?: [number, number];
}

export interface PresetRun {
  name: string;
  lr: number;
  /** Training-set loss after each epoch (index 0: before training). */
  losses: Float64Array;
  diverged: boolean;
}

export interface PresetFrame {
  type: 'presets';
  run: number;
  epoch: number;
  epochs: number;
  done: boolean;
  runs: PresetRun[];
}

let net: Network | null = null;
let data: Dataset | null = null;
let setup: RangeSetup | null = null;
let loop: Loop | null = null;
let latest = 0;
let trained: { net: Network; trainer: Trainer; losses: number[]; diverged: boolean }[] = [];

function stopPresets(): void {
  loop?.pause();
  loop = null;
  for (const t of trained) t.net.dispose();
  trained = [];
}

async function rangeTest(s: RangeSetup, port: Port): Promise<void> {
  const mine = ++latest;
  stopPresets();
  net?.dispose();
  net = null;
  const d = makeDataset(s.data, s.seed);
  const built = await createNetwork(networkSpec(s.network, d.classes, s.seed));
  if (mine !== latest) return void built.dispose(); // a newer request arrived while this one loaded
  net = built;
  data = d;
  setup = s;
  const r = findLearningRate(built, d.x, d.y, { optimizer: s.optimizer, batchSize: s.batchSize, startLr: s.startLr, endLr: s.endLr, numIter: s.numIter, seed: s.seed });
  const result: RangeResult = { type: 'result', run: s.run, lrs: r.lrs, losses: r.losses, smoothedLosses: r.smoothedLosses, suggestion: r.suggestion, stoppedEarly: r.stoppedEarly };
  // Fields a newer lr-finder may add; passed on only when it has them.
  const extra = r as unknown as Record<string, unknown>;
  if ('suggestionIndex' in extra && typeof extra.suggestionIndex === 'number') result.suggestionIndex = extra.suggestionIndex;
  if ('valley' in extra && Array.isArray(extra.valley) && extra.valley.length === 2) result.valley = [Number(extra.valley[0]), Number(extra.valley[1])];
  port.post(result as unknown as { type: string });
}

function presets(run: number, lrs: { name: string; lr: number }[], epochs: number, stepsPerSecond: number, port: Port): void {
  stopPresets();
  if (!net || !data || !setup) throw new Error('run the range test before the presets');
  if (!(Number.isSafeInteger(epochs) && epochs >= 1 && epochs <= 500)) throw new Error(`epochs must be an integer from 1 to 500, got ${epochs}`);
  const d = data, s = setup;
  const initial = net.evaluate(d.x, d.y).loss;
  // The range test restored the weights, so every clone starts from the initialisation it measured.
  trained = lrs.map(({ lr }) => {
    const clone = net!.clone();
    const trainer = clone.trainer(d.x, d.y, { optimizer: { ...s.optimizer, lr } as OptimizerConfig, batchSize: s.batchSize, seed: s.seed, diagnostics: false });
    return { net: clone, trainer, losses: [initial], diverged: false };
  });
  const stepsPerEpoch = Math.ceil(d.y.length / Math.min(s.batchSize, d.y.length));
  let steps = 0;
  const epoch = () => Math.floor(steps / stepsPerEpoch);
  const runs = trained;
  loop = new Loop({
    step: () => {
      for (const t of runs) if (!t.diverged) t.trainer.step();
      steps++;
      if (steps % stepsPerEpoch === 0) {
        for (const t of runs) {
          if (t.diverged) continue;
          const loss = t.net.evaluate(d.x, d.y).loss;
          t.diverged = !Number.isFinite(loss);
          t.losses.push(loss);
        }
      }
      return epoch() < epochs && runs.some((t) => !t.diverged);
    },
    publish: () => {
      const done = epoch() >= epochs || runs.every((t) => t.diverged);
      const out: PresetRun[] = runs.map((t, i) => ({ name: lrs[i].name, lr: lrs[i].lr, losses: Float64Array.from(t.losses), diverged: t.diverged }));
      const frame: PresetFrame = { type: 'presets', run, epoch: epoch(), epochs, done, runs: out };
      port.post(frame as unknown as { type: string }, out.map((r) => r.losses.buffer));
    },
  });
  loop.stepsPerSecond = stepsPerSecond > 0 ? stepsPerSecond : Infinity;
  loop.play();
}

export const lrRange: Handler = async (m, port) => {
  if (m.type === 'test') await rangeTest(m.setup as RangeSetup, port);
  else if (m.type === 'presets') presets(Number(m.run), m.lrs as { name: string; lr: number }[], Number(m.epochs), Number(m.stepsPerSecond), port);
  else if (m.type === 'pause') loop?.pause();
  else if (m.type === 'play') loop?.play();
};
