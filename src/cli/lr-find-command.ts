// `descent lr-find`: Smith's learning-rate range test on a dataset, printed as a chart of
// the smoothed loss against the rate (log x axis), with the valley and the suggested rate.
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
  layers?: number[];
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

/** The chart's plotting area, in characters (the JSON has every step). */
const WIDTH = 64;
const HEIGHT = 14;

export function lrFindCommand(): Command {
  return new Command('lr-find')
    .description("learning-rate range test (Smith): train briefly while the rate grows geometrically; chart the smoothed loss against the rate and suggest one in its valley")
    .addOption(new Option('--dataset <name>', 'dataset').choices(['mnist', ...Object.keys(DATASET_DEFAULTS)]).default('mnist'))
    .option('--layers <units>', 'hidden layer sizes, comma-separated (default: 256)', (v) => v.split(',').map((u) => positive(u)))
    .addOption(new Option('--activation <name>', 'hidden activation').choices(ACTIVATIONS).default('relu'))
    .addOption(new Option('--init <name>', 'weight initialiser').choices(INITS).default('he_uniform'))
    .addOption(new Option('--optimizer <type>', 'optimizer').choices(OPTIMIZERS).default('sgd'))
    .option('--momentum <m>', 'sgd, rmsprop: momentum', Number)
    .option('--batch-size <n>', 'mini-batch size', (v) => positive(v), 32)
    .option('--start-lr <lr>', 'first rate', Number, 1e-7)
    .option('--end-lr <lr>', 'last rate', Number, 10)
    .option('--num-iter <n>', 'steps at most', (v) => positive(v), 300)
    .option('--seed <n>', 'seed', (v) => positive(v, 0), 0)
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
    layers: [...(flags.layers ?? [256]).map((units) => ({ units, activation: flags.activation })), { units: data.classes }],
    loss: 'softmax_cross_entropy', init: flags.init, seed: flags.seed,
  }));
  // The rate is what the test sweeps; sgd needs one to validate, the sweep replaces it.
  const optimizer = { type: flags.optimizer, ...(flags.optimizer === 'sgd' ? { lr: flags.startLr } : {}), ...(flags.momentum !== undefined ? { momentum: flags.momentum } : {}) } as OptimizerConfig;
  let r: LrFinderResult;
  try {
    r = translateConfigErrorsSync(() => findLearningRate(net, data.x, data.y, { optimizer, batchSize: flags.batchSize, startLr: flags.startLr, endLr: flags.endLr, numIter: flags.numIter, seed: flags.seed }), ['startLr', 'endLr', 'numIter']);
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
  out(`learning-rate range test: ${flags.optimizer} on ${flags.dataset}, batch ${flags.batchSize}, ${n} steps from ${flags.startLr} to ${r.lrs[n - 1].toExponential(1)}${r.stoppedEarly ? ' (stopped: the loss diverged)' : ''}`);
  for (const line of chart(r)) out(line);
  if (r.suggestion === null) {
    out('no suggestion: the smoothed loss never fell measurably');
    return;
  }
  const why = r.method === 'valley' ? `4/5 of the way down the valley, ${r.lrs[r.valley![0]].toExponential(1)} to ${r.lrs[r.valley![1]].toExponential(1)}`
    : r.method === 'steepest' ? 'steepest fall of the smoothed loss'
    : 'the loss never fell measurably: 2/3 of a decade below where it diverged';
  out(`suggested learning rate: ${r.suggestion.toExponential(2)} (${why})`);
}

/**
 * The smoothed loss against log10(lr) as text: one column per WIDTH-th of the decades swept,
 * each the mean of its points' losses, '•' on HEIGHT rows. The y range runs from the lowest
 * loss to the highest before it (the fall), so the divergence at the end, clipped to '^' on
 * the top row, does not squash it. Below the axis: a tick and label per decade, the valley
 * (├──┤) and the suggestion (▲, and ┆ up the chart).
 */
export function chart(r: LrFinderResult): string[] {
  const n = r.lrs.length;
  const x0 = Math.log10(r.lrs[0]), x1 = Math.log10(r.lrs[n - 1]);
  const col = (i: number) => (n < 2 || x1 === x0 ? 0 : Math.min(WIDTH - 1, Math.floor(((Math.log10(r.lrs[i]) - x0) / (x1 - x0)) * WIDTH)));
  const s = r.smoothedLosses;
  // The y range: the curve's lowest point (the stopping one left out) and its highest before it.
  const shown = r.stoppedEarly && n > 1 ? n - 1 : n;
  let low = 0;
  for (let i = 0; i < shown; i++) if (s[i] < s[low]) low = i;
  const lo = s[low];
  const hi = Math.max(...s.slice(0, low + 1).filter(Number.isFinite));
  const span = hi - lo || Math.abs(hi) || 1;
  const sums = new Array<number>(WIDTH).fill(0), counts = new Array<number>(WIDTH).fill(0);
  s.forEach((v, i) => {
    sums[col(i)] += Number.isFinite(v) ? v : Infinity;
    counts[col(i)]++;
  });
  const grid = Array.from({ length: HEIGHT }, () => new Array<string>(WIDTH).fill(' '));
  const mark = r.suggestionIndex === null ? -1 : col(r.suggestionIndex);
  if (mark >= 0) for (const row of grid) row[mark] = '┆';
  for (let c = 0; c < WIDTH; c++) {
    if (!counts[c]) continue;
    const v = sums[c] / counts[c];
    if (!(v <= hi)) grid[0][c] = '^';
    else grid[HEIGHT - 1 - Math.round(((v - lo) / span) * (HEIGHT - 1))][c] = c === mark ? '●' : '•';
  }
  const label = (v: number) => v.toPrecision(4).padStart(9);
  const lines = [`smoothed loss against lr (log scale)${s.some((v, i) => i < n && !(v <= hi)) ? `; above ${hi.toPrecision(4)} drawn as ^ on the top row` : ''}`];
  grid.forEach((row, k) => {
    const y = k === 0 ? label(hi) : k === HEIGHT - 1 ? label(lo) : k === (HEIGHT - 1) >> 1 ? label(hi - (span * k) / (HEIGHT - 1)) : ' '.repeat(9);
    lines.push(`${y} ${k === 0 || k === HEIGHT - 1 || k === (HEIGHT - 1) >> 1 ? '┤' : '│'}${row.join('')}`);
  });
  // The axis with a tick at each decade, and the decades' labels where they fit.
  const axis = new Array<string>(WIDTH).fill('─'), labels = new Array<string>(WIDTH + 8).fill(' ');
  for (let d = Math.ceil(x0 - 1e-9); d <= x1 + 1e-9; d++) {
    const c = Math.min(WIDTH - 1, Math.floor(((d - x0) / (x1 - x0 || 1)) * WIDTH));
    axis[c] = '┬';
    const text = `1e${d}`;
    if (labels.slice(Math.max(0, c - 1), c + text.length + 1).every((ch) => ch === ' ')) text.split('').forEach((ch, k) => { labels[c + k] = ch; });
  }
  lines.push(`${' '.repeat(9)} └${axis.join('')}`);
  lines.push(`${' '.repeat(11)}${labels.join('').trimEnd()}`);
  const under = new Array<string>(WIDTH).fill(' ');
  if (r.valley) {
    const [a, b] = [col(r.valley[0]), col(r.valley[1])];
    for (let c = a; c <= b; c++) under[c] = '─';
    under[a] = '├';
    under[b] = '┤';
  }
  if (mark >= 0) under[mark] = '▲';
  const legend = [r.valley ? '├─┤ valley' : '', mark >= 0 ? `▲ suggestion ${r.suggestion!.toExponential(2)}` : ''].filter(Boolean).join(', ');
  lines.push(`${' '.repeat(11)}${under.join('')}  ${legend}`.trimEnd());
  return lines;
}
