// `descent lr-find`: Smith's learning-rate range test on a dataset, printed as a curve of
// the smoothed loss against the rate, with the suggested rate.
import { Command, InvalidArgumentError, Option } from 'commander';
import { ACTIVATIONS, INITS } from '../names.js';
import { OPTIMIZERS } from '../optim/rules.js';
import { circles, DATASET_DEFAULTS, spiral, xor } from '../data/datasets.js';
import { findLearningRate } from '../lab/lr-finder.js';
import { createNetwork } from '../node.js';
import type { Activation, Init, LrFinderResult, OptimizerConfig, OptimizerType } from '../types.js';
import { translateConfigErrors, translateConfigErrorsSync } from './flags.js';
import { loadMnistSplit, MNIST_CLASSES, MNIST_FEATURES } from './mnist.js';

interface LrFindFlags {
  dataset: 'mnist' | keyof typeof DATASET_DEFAULTS;
  layers: number[];
  activation: Activation;
  init: Init;
  optimizer: OptimizerType;
  momentum?: number;
  batchSize: number;
  startLr: number;
  endLr: number;
  numIter: number;
  seed: number;
  json?: boolean;
}

/** Points of the curve printed as text (the JSON has every step). */
const ROWS = 25;
const BAR = 40;

export function lrFindCommand(): Command {
  return new Command('lr-find')
    .description("learning-rate range test (Smith): train briefly while the rate grows geometrically and print the loss curve and the rate where it fell fastest")
    .addOption(new Option('--dataset <name>', 'dataset').choices(['mnist', ...Object.keys(DATASET_DEFAULTS)]).default('mnist'))
    .option('--layers <units>', 'hidden layer sizes, comma-separated (default 256)', (v) => v.split(',').map((u) => positive(u)), [256])
    .addOption(new Option('--activation <name>', 'hidden activation').choices(ACTIVATIONS).default('relu'))
    .addOption(new Option('--init <name>', 'weight initialiser').choices(INITS).default('he_uniform'))
    .addOption(new Option('--optimizer <type>', 'optimizer').choices(OPTIMIZERS).default('sgd'))
    .option('--momentum <m>', 'sgd, rmsprop: momentum', Number)
    .option('--batch-size <n>', 'mini-batch size (default 32)', (v) => positive(v), 32)
    .option('--start-lr <lr>', 'first rate (default 1e-7)', Number, 1e-7)
    .option('--end-lr <lr>', 'last rate (default 10)', Number, 10)
    .option('--num-iter <n>', 'steps at most (default 100)', (v) => positive(v), 100)
    .option('--seed <n>', 'seed (default 0)', (v) => positive(v, 0), 0)
    .option('--json', 'print the whole curve and the suggestion as JSON')
    .action((flags: LrFindFlags) => runLrFind(flags));
}

function positive(value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be an integer ≥ ${min}`);
  return n;
}

export async function runLrFind(flags: LrFindFlags): Promise<void> {
  const data = flags.dataset === 'mnist' ? await mnist(flags.seed) : synthetic(flags.dataset, flags.seed);
  const net = await translateConfigErrors(() => createNetwork({
    inputs: data.features,
    layers: [...flags.layers.map((units) => ({ units, activation: flags.activation })), { units: data.classes }],
    loss: 'softmax_cross_entropy', init: flags.init, seed: flags.seed,
  }));
  // The rate is what the test sweeps; sgd needs one to validate, the sweep replaces it.
  const optimizer = { type: flags.optimizer, ...(flags.optimizer === 'sgd' ? { lr: flags.startLr } : {}), ...(flags.momentum !== undefined ? { momentum: flags.momentum } : {}) } as OptimizerConfig;
  let r: LrFinderResult;
  try {
    r = translateConfigErrorsSync(() => findLearningRate(net, data.x, data.y, { optimizer, batchSize: flags.batchSize, startLr: flags.startLr, endLr: flags.endLr, numIter: flags.numIter, seed: flags.seed }));
  } finally {
    net.dispose();
  }
  if (flags.json) {
    process.stdout.write(JSON.stringify({ dataset: flags.dataset, optimizer, ...r }) + '\n');
    return;
  }
  print(r, flags);
}

async function mnist(seed: number) {
  const s = await loadMnistSplit(seed);
  return { x: s.xTrain, y: s.yTrain, features: MNIST_FEATURES, classes: MNIST_CLASSES };
}

function synthetic(name: keyof typeof DATASET_DEFAULTS, seed: number) {
  const d = name === 'spiral' ? spiral({ seed }) : name === 'circles' ? circles({ seed }) : xor({ seed });
  return { x: d.x, y: d.y, features: d.features, classes: d.classes };
}

function print(r: LrFinderResult, flags: LrFindFlags): void {
  const out = (s = '') => process.stdout.write(s + '\n');
  const n = r.lrs.length;
  const shown = r.smoothedLosses.slice(0, Math.max(1, n - 1)).filter(Number.isFinite);
  const lo = Math.min(...shown), hi = Math.max(...shown);
  out(`learning-rate range test: ${flags.optimizer} on ${flags.dataset}, batch ${flags.batchSize}, ${n} steps from ${flags.startLr} to ${r.lrs[n - 1].toExponential(1)}${r.stoppedEarly ? ' (stopped: the loss diverged)' : ''}`);
  out('        lr   smoothed loss');
  const step = Math.max(1, Math.ceil(n / ROWS));
  for (let i = 0; i < n; i += step) {
    const s = r.smoothedLosses[i];
    const width = Number.isFinite(s) ? Math.round(((Math.min(s, hi) - lo) / (hi - lo || 1)) * BAR) : BAR;
    out(`  ${r.lrs[i].toExponential(1).padStart(8)}   ${(Number.isFinite(s) ? s.toFixed(4) : String(s)).padStart(8)}  ${'█'.repeat(width)}`);
  }
  out(r.suggestion === null ? 'no suggestion: the loss never fell' : `suggested learning rate: ${r.suggestion.toExponential(2)} (steepest fall of the smoothed loss)`);
}
