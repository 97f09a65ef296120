// `descent train`: loads a dataset (MNIST, a synthetic one or a CSV file), splits it,
// builds a classifier (an MLP, or with --model cnn a LeNet-5-like convolutional network on
// MNIST's images) and trains it with the async fit, reporting every epoch on the test split.
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { circles, DATASET_DEFAULTS, spiral, xor, type Dataset } from '../data/datasets.js';
import { OPTION_CHECKS, type OptionName } from '../optim/rules.js';
import { ACTIVATIONS, GUARD_MODES, INITS, KERNELS_OPTIONS, MODES } from '../names.js';
import * as fs from 'node:fs';
import { OPTIMIZERS } from '../optim/rules.js';
import { ConfigError } from '../errors.js';
import { createNetwork } from '../node.js';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint/checkpoint.js';
import { ARGS_KEY, checkpointInterval, KERNELS_KEY, readResume, storedFlags, type CheckpointInterval } from './train-checkpoints.js';
import { layerTable } from './layer-table.js';
import { writeFileAtomicSync } from '../checkpoint/files.js';
import { resolveOptimizer } from '../optim/options.js';
import { schedule } from '../optim/schedule.js';
import { fitStandardScaler, trainTestSplit, type Float32Matrix } from '../data/preprocess.js';
import type {
  Activation, BatchInfo, DiagnosticsSummary, EpochRecord, FitOptions, FitRunControl, GradientDescentMode, GuardMode, History, Init, KernelsOption, LayerSpec, Metrics, NetworkSpec, OptimizerConfig, OptimizerType,
} from '../types.js';
import { readCsv } from './csv.js';
import { flagName, translateConfigErrors, translateConfigErrorsSync } from './flags.js';
import { loadMnistSplit, MNIST_CLASSES, MNIST_FEATURES, MNIST_IMAGE, MNIST_TRAIN_ROWS } from './mnist.js';

/**
 * Defaults of `descent train`, in one place. On MNIST (8,000 / 2,000 stratified split)
 * they are meant to reach ≥ 95% test accuracy on the default seed in under a minute on a
 * 2-core machine; PyTorch 1.13 gets 94.1–95.7% across seeds for 784-128-10 after 10 epochs.
 */
export const TRAIN_DEFAULTS = {
  dataset: 'mnist',
  layers: [256] as readonly number[],
  activation: 'relu' as Activation,
  /** The initialiser when --init is not given: see defaultInit. */
  init: 'he_uniform' as Init,
  optimizer: 'adam' as OptimizerType,
  mode: 'mini-batch' as GradientDescentMode,
  batchSize: 32,
  /** Epochs for mnist and CSV files. */
  epochs: 15,
  /**
   * Epochs for the synthetic datasets: a few hundred rows give only ~10 steps an epoch, and
   * 100 epochs take well under a second (spiral reaches 92–95%, circles 100%, xor 94–95%).
   */
  syntheticEpochs: 100,
  seed: 0,
  testFraction: 0.2,
  model: 'mlp' as Model,
  /**
   * Epochs of --model cnn (its optimizer and batch are the MLP's: Adam at PyTorch's lr 1e-3,
   * batch 32; its initialiser is cnnInit). PyTorch 1.13 trained the same network (He uniform)
   * on split 0 to 96.9–97.9% after 5–12 epochs with no clear gain after 10 (bench/pytorch-mnist-cnn.py); 10
   * take 10–11 s on one thread of the project's 2-core machine (19–26 s under a load of 7–9).
   */
  cnnEpochs: 10,
  /**
   * The CNN's initialiser for ReLU-like activations. He's √2 gain, compounded by two max
   * pools (a max of four raises the second moment), gave first losses up to 1.55× ln 10 on
   * MNIST (3.58 on seed 2, 2.18–3.05 on seeds 0–9 but that one), which trips the pre-flight
   * check; LeCun normal (half He's variance, between He and PyTorch's own default) starts at
   * 2.27–2.36 on seeds 0–9 and trains as well: 97.45 / 97.00 / 97.60% on seeds 0–2 after 10
   * epochs, against 97.20 / 97.20 / 96.80% with He uniform.
   */
  cnnInit: 'lecun_normal' as Init,
};

/** The network --model builds: an MLP of --layers, or the LeNet-5-like convolutional network. */
export const MODELS = ['mlp', 'cnn'] as const;
export type Model = (typeof MODELS)[number];

/**
 * --model cnn: LeNet-5 as most tutorials give it (ReLU and max pooling, not the original's
 * scaled tanh and trainable subsampling), on [1, 28, 28] images: 28×28 → conv 5×5 padding 2 →
 * 6@28×28 → pool → 6@14×14 → conv 5×5 → 16@10×10 → pool → 16@5×5 → 400 → 120 → 84 → classes;
 * 61,706 parameters for 10 classes. `activation` follows each convolution and hidden dense layer.
 */
export function cnnLayers(activation: Activation, classes: number): LayerSpec[] {
  return [
    { type: 'conv2d', outChannels: 6, kernelSize: 5, padding: 2, activation },
    { type: 'maxpool2d', kernelSize: 2 },
    { type: 'conv2d', outChannels: 16, kernelSize: 5, activation },
    { type: 'maxpool2d', kernelSize: 2 },
    { type: 'flatten' },
    { units: 120, activation },
    { units: 84, activation },
    { units: classes, activation: 'linear' },
  ];
}

/** How the network line describes --model cnn's layers. */
const CNN_SHAPE = 'conv 6@5×5 pad 2, maxpool 2, conv 16@5×5, maxpool 2, 400-120-84';

const SYNTHETIC = Object.keys(DATASET_DEFAULTS) as (keyof typeof DATASET_DEFAULTS)[];

/** Optimizer options (each has a flag); only those the user sets are passed on. */
const OPTIMIZER_KEYS = [...Object.keys(OPTION_CHECKS) as OptionName[], 'clipGradValue', 'clipGradNorm'] as const;
/** Redraw the progress bar at most this often. */
const PROGRESS_INTERVAL_MS = 100;

/** Training was stopped with Ctrl-C; the CLI exits with 130 (128 + SIGINT). */
export class InterruptedError extends Error {
  readonly exitCode = 130;
  constructor(message = 'interrupted') {
    super(message);
    this.name = 'InterruptedError';
  }
}

/** Training diverged (a non-finite epoch loss): the CLI says so on stderr and exits with 1. */
export class DivergedError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'DivergedError';
  }
}

/** Parsed flags of `descent train`. */
export interface TrainFlags {
  dataset: string;
  /** mlp (dense hidden layers, --layers) or cnn (LeNet-5-like, MNIST images); absent in checkpoints older than the flag: mlp. */
  model?: Model;
  /** MNIST: train on the first n rows of the (shuffled) 8,000-row training split. */
  trainRows?: number;
  samples?: number;
  noise?: number;
  classes?: number;
  factor?: number;
  layers?: number[];
  activation: Activation;
  init?: Init;
  optimizer: OptimizerType;
  lr?: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
  betas?: [number, number];
  eps?: number;
  amsgrad?: boolean;
  alpha?: number;
  centered?: boolean;
  rho?: number;
  lrDecay?: number;
  initialAccumulatorValue?: number;
  momentumDecay?: number;
  clipGradValue?: number;
  clipGradNorm?: number;
  mode: GradientDescentMode;
  batchSize?: number;
  epochs?: number;
  seed: number;
  testFraction?: number;
  json?: boolean;
  quiet?: boolean;
  /** --diagnostics[=k]: print each epoch's gradient-flow table (reports every k steps, default 10). */
  diagnostics?: number | boolean;
  /** Share of the training rows held out for validation (separate from the test split). */
  validationSplit?: number;
  /** Early stopping: epochs without improvement before stopping. */
  earlyStopping?: number;
  restoreBest?: boolean;
  guard?: GuardMode;
  threads?: number;
  kernels?: KernelsOption;
  /** A CSV file to write one row of metrics per epoch to. */
  log?: string;
  /** Where to save the trained network (safetensors). */
  save?: string;
  /** A learning-rate schedule as JSON: { type, …options, interval?, monitor? }. */
  schedule?: Record<string, unknown>;
  /** A checkpoint `--save` wrote, to continue training from. */
  resume?: string;
  /** Rewrite the --save checkpoint every this many epochs or steps. */
  checkpointEvery?: CheckpointInterval;
}

/** A dataset split and ready to train on. */
interface Prepared {
  name: string;
  xTrain: Float32Matrix;
  yTrain: Int32Array;
  xTest: Float32Matrix;
  yTest: Int32Array;
  features: number;
  classes: number;
  labelNames?: string[];
  /** How the features were scaled. */
  scaling: 'none (pixels in [0, 1])' | 'standardised on the train split';
  /** The CSV's feature columns, in order (what a prediction's CSV must have). */
  featureNames?: string[];
  /** The standardisation fitted on the training rows (what a prediction must apply too). */
  scaler?: { mean: Float64Array; std: Float64Array };
}

/** The `train` subcommand. */
export function trainCommand(): Command {
  const d = TRAIN_DEFAULTS;
  return new Command('train')
    .description('train a classifier (an MLP, or a convolutional network on MNIST) and report its accuracy on a held-out test split')
    .addOption(new Option('--dataset <name|file.csv>', 'mnist, spiral, circles, xor, or a CSV file with a header row and a "label" column').default(d.dataset))
    .addOption(new Option('--model <kind>', `mlp: dense hidden layers (--layers); cnn: a LeNet-5-like convolutional network on MNIST's 28×28 images (${CNN_SHAPE}; ${d.cnnEpochs} epochs by default)`).choices(MODELS).default(d.model))
    .option('--train-rows <n>', `mnist: train on the first n rows of the shuffled ${MNIST_TRAIN_ROWS.toLocaleString('en-US')}-row training split (default all; the test split stays 2,000)`, integer(1))
    .option('--samples <n>', 'synthetic datasets: number of points (spiral 600, circles 400, xor 400)', integer(2))
    .option('--noise <sd>', 'synthetic datasets: Gaussian noise per coordinate (default 0.05)', number)
    .option('--classes <k>', 'spiral: number of arms (default 3)', integer(2))
    .option('--factor <f>', 'circles: inner radius / outer radius (default 0.5)', number)
    .option('--test-fraction <f>', `share of rows held out for testing, stratified (default ${d.testFraction}; MNIST is fixed at 8,000 / 2,000)`, number)
    .option('--layers <units>', `hidden layer sizes, comma-separated, or "none" (default ${d.layers.join(',')})`, layerList)
    .addOption(new Option('--activation <name>', 'activation of the hidden layers').choices(ACTIVATIONS).default(d.activation))
    .addOption(new Option('--init <name>', `weight initialiser (default: ${d.init} for ReLU-like activations, ${d.cnnInit} with --model cnn; xavier_uniform for sigmoid, tanh and linear, and on spiral, circles and xor)`).choices(INITS))
    .addOption(new Option('--optimizer <type>', 'optimizer (PyTorch semantics and defaults)').choices(OPTIMIZERS).default(d.optimizer))
    .option('--lr <rate>', 'learning rate (default: the optimizer\'s PyTorch default; sgd needs one)', number)
    .option('--momentum <m>', 'sgd, rmsprop: momentum', number)
    .option('--dampening <d>', 'sgd: dampening', number)
    .option('--nesterov', 'sgd: Nesterov momentum')
    .option('--weight-decay <wd>', 'L2 penalty (adamw: decoupled decay)', number)
    .option('--betas <b1,b2>', 'adam family: moment decay rates', betaPair)
    .option('--eps <eps>', 'term added to the denominator', number)
    .option('--amsgrad', 'adam, adamw: AMSGrad variant')
    .option('--alpha <a>', 'rmsprop: smoothing constant', number)
    .option('--centered', 'rmsprop: centred variant')
    .option('--rho <rho>', 'adadelta: decay rate', number)
    .option('--lr-decay <d>', 'adagrad: learning-rate decay', number)
    .option('--initial-accumulator-value <v>', 'adagrad: starting accumulator', number)
    .option('--momentum-decay <d>', 'nadam: momentum decay', number)
    .option('--clip-grad-value <v>', 'clamp every gradient element to [-v, v]', number)
    .option('--clip-grad-norm <n>', 'rescale the gradients to L2 norm <= n', number)
    .addOption(new Option('--mode <mode>', 'gradient descent mode').choices(MODES).default(d.mode))
    .option('--batch-size <n>', `mini-batch size (default ${d.batchSize}; mini-batch mode only)`, integer(1))
    .option('--epochs <n>', `passes over the training split (default ${d.epochs}; ${d.syntheticEpochs} for spiral, circles, xor)`, integer(1))
    .addOption(new Option('--seed <n>', 'seed of the data, split, initialiser and shuffling').argParser(integer(0)).default(d.seed))
    .option('--diagnostics [k]', 'print a per-layer gradient-flow table after every epoch and each verdict as it is raised (reports every k steps, default 10)', integer(1))
    .option('--validation-split <f>', 'share of the training rows held out (seeded) to validate on after each epoch; the test split is only used at the end', number)
    .option('--early-stopping <patience>', 'stop after this many epochs without improvement of the validation loss (the training loss without --validation-split)', integer(0))
    .option('--restore-best', 'with --early-stopping: put the best epoch\'s weights back at the end')
    .addOption(new Option('--guard <mode>', 'NaN/Inf guard: throw, skip or recover (default off)').choices(GUARD_MODES))
    .option('--threads <n>', 'threads sharing each batch (default 1)', integer(1))
    .addOption(new Option('--kernels <variant>', 'kernel build: auto (default) is the fastest this engine validates, relaxed SIMD, else SIMD, else scalar (fastest: an older name for auto); simd gives the same bits on every runtime and CPU, relaxed fuses multiply-adds or not as the engine and CPU decide').choices(KERNELS_OPTIONS))
    .option('--schedule <json>', 'a learning-rate schedule (torch.optim.lr_scheduler), e.g. \'{"type":"cosineAnnealingLR","tMax":15}\' (docs/optimizers.md#learning-rate-schedules)', scheduleJson)
    .option('--save <file.safetensors>', 'save the trained network (safetensors, PyTorch Sequential names) with its optimizer state and training run, the scaling and class names `descent inspect` shows; also on Ctrl-C')
    .option('--checkpoint-every <n>', 'with --save: rewrite the checkpoint every n epochs ("2") or steps ("500 steps") while training, so a crash loses at most that much', checkpointInterval)
    .option('--resume <file.safetensors>', 'continue the run a --save checkpoint holds, bit for bit, with its flags, saving back to it (unless --save names another file); only --epochs, --save, --log, --checkpoint-every, --threads, --kernels, --diagnostics, --json and --quiet may be given anew (it goes on with the kernel build it trained on where this engine has it; other --threads or --kernels than the run had change the order of sums: it then goes on within float32 rounding, not bit for bit)')
    .option('--log <file.csv>', 'write one CSV row per epoch: epoch, loss, train and validation (or test) metrics, lr, steps, time')
    .option('--json', 'print one JSON object (spec, options, per-epoch history with diagnostics, verdicts, test metrics, time) instead of text')
    .option('--quiet', 'print only the final line')
    .action(async (flags: TrainFlags, cmd: Command) => {
      const explicit = new Set(Object.keys(flags).filter((k) => cmd.getOptionValueSource(k) === 'cli'));
      await runTrain(flags, explicit);
    });
}

/**
 * The initialiser a run gets without --init, chosen so the defaults never trip the pre-flight
 * check: He for ReLU-like activations (MNIST's measured default), Xavier for sigmoid, tanh and
 * linear (He's larger weights push them into their flat tails). On the standardised 2-feature
 * sets He's √2 gain on the linear output layer makes the first logits too confident (the check
 * warned on 8 of 24 seeds × sets with he_normal, 3 of 3 seed-0 runs with he_uniform); Xavier there
 * warned on none and trains as well.
 */
export function defaultInit(activation: Activation, synthetic: boolean, model: Model = 'mlp'): Init {
  const reluLike = activation === 'relu' || activation === 'leaky_relu' || activation === 'elu' || activation === 'gelu' || activation === 'softplus';
  if (reluLike && model === 'cnn') return TRAIN_DEFAULTS.cnnInit;
  return reluLike && !synthetic ? TRAIN_DEFAULTS.init : 'xavier_uniform';
}

/**
 * Runs a training described by `flags`, printing progress and the result. `explicit` names the
 * flags typed on the command line (what --resume lets differ from its checkpoint's).
 */
export async function runTrain(given: TrainFlags, explicit: ReadonlySet<string> = new Set(Object.keys(given))): Promise<void> {
  const resumed = given.resume ? await readResume(given, explicit) : null;
  const flags = resumed?.flags ?? given;
  if (resumed?.note && !flags.quiet) process.stderr.write(`${resumed.note}\n`);
  if (flags.checkpointEvery && !flags.save) throw new ConfigError('--checkpoint-every needs --save <file.safetensors>, the file it rewrites', 'checkpointEvery', flags.checkpointEvery);
  const synthetic = (SYNTHETIC as readonly string[]).includes(flags.dataset);
  checkDatasetFlags(flags, synthetic);
  const model = flags.model ?? 'mlp';
  checkModelFlags(flags, model);
  const optimizer = optimizerConfig(flags);
  const fitMode = flags.mode;
  const epochs = flags.epochs ?? (synthetic ? TRAIN_DEFAULTS.syntheticEpochs : model === 'cnn' ? TRAIN_DEFAULTS.cnnEpochs : TRAIN_DEFAULTS.epochs);
  if (flags.batchSize !== undefined && fitMode !== 'mini-batch') {
    throw new ConfigError(`--batch-size only applies to --mode mini-batch (mode ${fitMode} fixes the batch), got ${flags.batchSize}`, 'batchSize', flags.batchSize);
  }

  const t0 = performance.now();
  const data = await prepare(flags, synthetic);
  const loadMs = performance.now() - t0;

  const hidden = flags.layers ?? [...TRAIN_DEFAULTS.layers];
  const init = flags.init ?? defaultInit(flags.activation, synthetic, model);
  // The CNN reads each row of 784 pixels as the [1, 28, 28] image it is (row-major, as MNIST stores it).
  const spec: NetworkSpec = model === 'cnn' ? {
    inputs: [...MNIST_IMAGE],
    layers: cnnLayers(flags.activation, data.classes),
    loss: 'softmax_cross_entropy',
    init,
    seed: flags.seed,
  } : {
    inputs: data.features,
    layers: [...hidden.map((units) => ({ units, activation: flags.activation })), { units: data.classes, activation: 'linear' as const }],
    loss: 'softmax_cross_entropy',
    init,
    seed: flags.seed,
  };
  const net = await translateConfigErrors(() => createNetwork(spec, {
    ...(flags.threads !== undefined ? { threads: flags.threads } : {}),
    ...(flags.kernels !== undefined ? { kernels: flags.kernels } : {}),
  }));
  try {
    const training = resumed ? loadCheckpoint(net, resumed.bytes).training! : null;
    const summary = net.summary();
    const text = !flags.json && !flags.quiet;
    const useBar = !flags.quiet && process.stderr.isTTY === true;
    const nTrain = data.yTrain.length;
    const stepsPerEpoch = fitMode === 'batch' ? 1 : fitMode === 'stochastic' ? nTrain : Math.ceil(nTrain / (flags.batchSize ?? TRAIN_DEFAULTS.batchSize));
    const options = {
      optimizer,
      mode: fitMode,
      ...(fitMode === 'mini-batch' ? { batchSize: flags.batchSize ?? TRAIN_DEFAULTS.batchSize } : {}),
      epochs,
      seed: flags.seed,
      diagnostics: { every: typeof flags.diagnostics === 'number' ? flags.diagnostics : 10 },
      ...(flags.validationSplit !== undefined ? { validationSplit: flags.validationSplit } : {}),
      ...(flags.earlyStopping !== undefined ? { earlyStopping: { monitor: flags.validationSplit === undefined ? 'loss' : 'val_loss', patience: flags.earlyStopping, restoreBestWeights: flags.restoreBest === true } } : {}),
      ...(flags.guard !== undefined ? { guard: flags.guard } : {}),
      // reduceLROnPlateau would watch the test split without a validation split: the training loss instead.
      ...(flags.schedule ? { schedule: translateConfigErrorsSync(() => schedule({ ...(flags.schedule!.type === 'reduceLROnPlateau' && flags.validationSplit === undefined ? { monitor: 'loss' } : {}), ...flags.schedule } as Parameters<typeof schedule>[0])) } : {}),
    } satisfies FitOptions;
    // Without a validation split the epoch lines show the test split (display only: nothing is
    // decided on it — early stopping then watches the training loss).
    const validateOnTest = flags.validationSplit === undefined;
    const setName = validateOnTest ? 'test' : 'val';
    const showDiagnostics = text && flags.diagnostics !== undefined;

    if (text) {
      const sizes = model === 'cnn' ? `cnn ${MNIST_IMAGE.join('×')} → ${CNN_SHAPE}-${data.classes}` : [data.features, ...hidden, data.classes].join('-');
      out(`dataset ${data.name}: ${fmtInt(nTrain)} train / ${fmtInt(data.yTest.length)} test rows, ${data.features} features, ${data.classes} classes; scaling ${data.scaling}`);
      if (data.labelNames) out(`classes ${data.labelNames.map((n, i) => `${i}=${n}`).join(', ')}`);
      out(`network ${sizes} (${model === 'cnn' || hidden.length ? `${flags.activation}, ` : ''}${init}, softmax cross-entropy), ${fmtInt(summary.parameters)} parameters`);
      out(`training ${describeOptimizer(optimizer)}, ${fitMode}${options.batchSize ? ` ${options.batchSize}` : ''}, ${epochs} epochs, seed ${flags.seed}`);
      const at = training?.run;
      if (at) out(`resuming ${flags.resume} at epoch ${at.epoch + 1}${at.cursor ? `, step ${fmtInt(at.batch)} of it` : ''} (${fmtInt(at.state.steps)} steps taken)`);
    }

    if (flags.restoreBest && flags.earlyStopping === undefined) {
      throw new ConfigError('--restore-best needs --early-stopping <patience>', 'restoreBest', true);
    }
    // What --save writes besides the network: how to read new data as this run did, and its flags.
    const metadata = (extra: Record<string, string> = {}) => ({
      'descent.cli.dataset': data.name,
      ...(data.scaler ? { 'descent.cli.scaler': JSON.stringify({ mean: Array.from(data.scaler.mean), std: Array.from(data.scaler.std) }) } : {}),
      ...(data.labelNames ? { 'descent.cli.classes': JSON.stringify(data.labelNames) } : {}),
      ...(data.featureNames ? { 'descent.cli.features': JSON.stringify(data.featureNames) } : {}),
      [ARGS_KEY]: storedFlags(flags),
      [KERNELS_KEY]: net.kernels,
      ...extra,
    });
    // The run as onBatchEnd last saw it: what a checkpoint on Ctrl-C snapshots.
    let live: FitRunControl | null = null;
    const save = (run: FitRunControl, extra?: Record<string, string>) => writeFileAtomicSync(fs, flags.save!, saveCheckpoint(net, { metadata: metadata(extra), training: run.snapshot() }));
    const every = flags.checkpointEvery;
    if (text) out(layerTable(summary));
    const progress = useBar ? new EpochBar(epochs, stepsPerEpoch, process.stderr, out, setName) : null;
    // Ctrl-C aborts the fit (it checks the signal whenever it yields), so the bar can put
    // the cursor back before the process ends.
    const interrupt = new AbortController();
    const onSigint = () => interrupt.abort(new InterruptedError());
    process.once('SIGINT', onSigint);
    const fitStart = performance.now();
    let history: History;
    try {
      history = await translateConfigErrors(() =>
        net.fit(data.xTrain, data.yTrain, {
          ...options,
          ...(validateOnTest ? { validationData: { x: data.xTest, y: data.yTest } } : {}),
          signal: interrupt.signal,
          ...(training ? { resume: training } : {}),
          onBatchEnd: progress || flags.save ? (info, run) => {
            live = run;
            progress?.batch(info);
            if (every?.unit === 'step' && info.step % every.every === 0) save(run);
          } : undefined,
          onEpochEnd: (record, run) => {
            live = run;
            if (every?.unit === 'epoch' && (record.epoch + 1) % every.every === 0) save(run);
            if (progress) progress.end(record);
            else if (text) out(epochLine(record, epochs, setName));
            if (showDiagnostics && record.diagnostics) out(diagnosticsTable(record.diagnostics, summary.layers.map((l) => l.type)));
          },
          onVerdict: text ? (v) => {
            // Written mid-bar, a line lands on the bar's own line: the bar holds it until its epoch's line is done.
            const line = `verdict (epoch ${v.epoch + 1}, step ${v.step}): ${v.message}\n  → ${remedyInFlags(v.remedy)}`;
            if (progress) progress.hold(line);
            else out(line);
          } : undefined,
          onWarning: (message) => { if (!flags.quiet) process.stderr.write(`${message}\n`); },
        }),
      );
    } catch (err) {
      // Stopped with Ctrl-C between two steps: the run is intact, so keep it to resume.
      if (err instanceof InterruptedError && flags.save && live) {
        save(live);
        progress?.stop();
        throw new InterruptedError(`interrupted; the run is saved in ${flags.save}: continue it with descent train --resume ${flags.save}`);
      }
      throw err;
    } finally {
      process.removeListener('SIGINT', onSigint);
      progress?.stop();
    }
    const trainMs = performance.now() - fitStart;
    const test = net.evaluate(data.xTest, data.yTest);
    const final = `test accuracy ${pct(test.accuracy)} (loss ${test.loss.toFixed(4)}) in ${seconds(trainMs)}`;
    if (flags.json) {
      const report = {
        dataset: { name: data.name, features: data.features, classes: data.classes, train: nTrain, test: data.yTest.length, scaling: data.scaling, labelNames: data.labelNames },
        spec,
        parameters: summary.parameters,
        options,
        history: history.epochs,
        verdicts: history.verdicts,
        stopReason: history.stopReason,
        steps: history.steps,
        test,
        loadMs: round(loadMs),
        trainMs: round(trainMs),
      };
      out(JSON.stringify(report, null, 2));
    } else {
      out(final);
      if (text) out(runSummary(history, trainMs, setName, training?.run?.state.steps));
    }
    if (flags.save && live) {
      save(live, { 'descent.cli.test': JSON.stringify(test) });
      if (text) out(`saved ${flags.save}`);
    }
    if (flags.log) {
      // Every epoch of the run, those before a --resume included.
      fs.writeFileSync(flags.log, `${LOG_COLUMNS.join(',')}\n${history.epochs.map((r) => `${logRow(r)}\n`).join('')}`);
    }
    if (history.stopReason === 'diverged') {
      const last = history.epochs.at(-1);
      throw new DivergedError(`training diverged in epoch ${history.epochs.length} (loss ${last ? last.loss : NaN}): lower --lr${'lr' in optimizer && optimizer.lr !== undefined ? ` (it was ${optimizer.lr})` : ''} or clip with --clip-grad-norm 1`);
    }
  } finally {
    net.dispose();
  }
}

/** A verdict's remedy names the library's options; on the command line they are flags. */
export function remedyInFlags(remedy: string): string {
  return remedy
    .replace('clip gradients (clipGradNorm)', 'clip gradients (--clip-grad-norm 1)')
    .replace('train with guard: "recover"', 'train with --guard recover')
    .replace('(earlyStopping with restoreBestWeights)', '(--validation-split 0.2 --early-stopping 5 --restore-best)')
    .replace('lower the learning rate', 'lower the learning rate (--lr)')
    .replace('use He initialisation', 'use He initialisation (--init he_uniform)')
    .replace('use Xavier initialisation', 'use Xavier initialisation (--init xavier_uniform)');
}

/**
 * The end-of-run lines: why it stopped, steps and their rate, the best epoch by test loss.
 * `resumedAt`: the steps a --resume began with (taken before `trainMs`, so not in the rate).
 */
export function runSummary(history: History, trainMs: number, setName = 'test', resumedAt = 0): string {
  const steps = history.steps;
  const rate = trainMs > 0 ? `${fmtInt(Math.round(((steps - resumedAt) / trainMs) * 1000))} steps/s` : '';
  let best: EpochRecord | null = null;
  for (const r of history.epochs) if (r.validation && Number.isFinite(r.validation.loss) && (!best || r.validation.loss < best.validation!.loss)) best = r;
  const lines = [`stopped: ${history.stopReason} after ${history.epochs.length} epoch${history.epochs.length === 1 ? '' : 's'}, ${fmtInt(steps)} steps${rate ? ` (${rate})` : ''}`];
  if (best) lines.push(`best epoch ${best.epoch + 1}: ${setName} loss ${best.validation!.loss.toFixed(4)}, accuracy ${pct(best.validation!.accuracy)}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------
// Data

function checkDatasetFlags(flags: TrainFlags, synthetic: boolean): void {
  const only = (key: 'samples' | 'noise' | 'classes' | 'factor', flag: string, datasets: string[]) => {
    if (flags[key] !== undefined && !datasets.includes(flags.dataset)) {
      throw new ConfigError(`${flag} only applies to --dataset ${datasets.join('|')}, not ${JSON.stringify(flags.dataset)}`, key, flags[key]);
    }
  };
  only('samples', '--samples', [...SYNTHETIC]);
  only('noise', '--noise', [...SYNTHETIC]);
  only('classes', '--classes', ['spiral']);
  only('factor', '--factor', ['circles']);
  if (flags.dataset === 'mnist' && flags.testFraction !== undefined) {
    throw new ConfigError(`--test-fraction does not apply to mnist (its split is fixed at 8,000 / 2,000), got ${flags.testFraction}`, 'testFraction', flags.testFraction);
  }
  if (flags.testFraction !== undefined && !(flags.testFraction > 0 && flags.testFraction < 1)) {
    throw new ConfigError(`--test-fraction must be in (0, 1), got ${flags.testFraction}`, 'testFraction', flags.testFraction);
  }
  if (!synthetic && flags.dataset !== 'mnist' && !flags.dataset.toLowerCase().endsWith('.csv')) {
    throw new ConfigError(`--dataset must be mnist, spiral, circles, xor or a .csv file, got ${JSON.stringify(flags.dataset)}`, 'dataset', flags.dataset);
  }
  if (flags.trainRows !== undefined && flags.dataset !== 'mnist') {
    throw new ConfigError(`--train-rows only applies to --dataset mnist, not ${JSON.stringify(flags.dataset)} (use --samples or a smaller CSV file)`, 'trainRows', flags.trainRows);
  }
  if (flags.trainRows !== undefined && flags.trainRows > MNIST_TRAIN_ROWS) {
    throw new ConfigError(`--train-rows must be at most ${MNIST_TRAIN_ROWS} (MNIST's training split), got ${flags.trainRows}`, 'trainRows', flags.trainRows);
  }
}

/** --model cnn takes 28×28 images, which only MNIST has, and builds its own layers. */
function checkModelFlags(flags: TrainFlags, model: Model): void {
  if (model !== 'cnn') return;
  if (flags.dataset !== 'mnist') {
    throw new ConfigError(`--model cnn needs --dataset mnist (it reads each row as a 28×28 image), got ${JSON.stringify(flags.dataset)}`, 'model', model);
  }
  if (flags.layers !== undefined) {
    throw new ConfigError(`--layers sets an MLP's hidden layers; --model cnn has its own (${CNN_SHAPE}), got ${flags.layers.join(',') || 'none'}`, 'layers', flags.layers);
  }
}

async function prepare(flags: TrainFlags, synthetic: boolean): Promise<Prepared> {
  if (flags.dataset === 'mnist') {
    const split = await loadMnistSplit(flags.seed, flags.trainRows);
    return { name: 'mnist', ...split, features: MNIST_FEATURES, classes: MNIST_CLASSES, scaling: 'none (pixels in [0, 1])' };
  }
  let dataset: Dataset & { labelNames?: string[]; featureNames?: string[] };
  if (synthetic) {
    const common = { samples: flags.samples, noise: flags.noise, seed: flags.seed };
    dataset = await translateConfigErrors(async () =>
      flags.dataset === 'spiral' ? spiral({ ...common, classes: flags.classes })
        : flags.dataset === 'circles' ? circles({ ...common, factor: flags.factor })
          : xor(common),
    );
  } else {
    const csv = await readCsv(flags.dataset);
    dataset = { ...csv, features: csv.features.length, featureNames: csv.features };
  }
  const split = trainTestSplit(dataset.x, dataset.y, {
    testFraction: flags.testFraction ?? TRAIN_DEFAULTS.testFraction,
    seed: flags.seed,
    stratify: true,
  });
  // Scale with statistics of the training rows only, so nothing leaks from the test split.
  const scaler = fitStandardScaler(split.xTrain);
  return {
    name: flags.dataset,
    xTrain: scaler.transform(split.xTrain),
    yTrain: split.yTrain,
    xTest: scaler.transform(split.xTest),
    yTest: split.yTest,
    features: dataset.features,
    classes: dataset.classes,
    labelNames: dataset.labelNames,
    featureNames: dataset.featureNames,
    scaling: 'standardised on the train split',
    scaler: { mean: scaler.mean, std: scaler.std },
  };
}

// ---------------------------------------------------------------------------------------
// Optimizer flags

function optimizerConfig(flags: TrainFlags): OptimizerConfig {
  const config: Record<string, unknown> = { type: flags.optimizer };
  for (const key of OPTIMIZER_KEYS) {
    if (flags[key] !== undefined) config[key] = flags[key];
  }
  // Check now, before loading data, so a bad option fails fast.
  translateConfigErrorsSync(() => resolveOptimizer(config as unknown as OptimizerConfig));
  return config as unknown as OptimizerConfig;
}

function describeOptimizer(config: OptimizerConfig): string {
  const given = Object.entries(config).filter(([k]) => k !== 'type');
  return given.length ? `${config.type} (${given.map(([k, v]) => `${flagName(k).slice(2)} ${Array.isArray(v) ? v.join(',') : v}`).join(', ')})` : `${config.type} (PyTorch defaults)`;
}

// ---------------------------------------------------------------------------------------
// Flag parsers (commander reports their errors with the flag and the value)

function number(value: string): number {
  const v = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(v)) throw new InvalidArgumentError('Expected a finite number.');
  return v;
}

function scheduleJson(value: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('Expected JSON such as \'{"type":"stepLR","stepSize":5}\'.');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidArgumentError('Expected a JSON object such as \'{"type":"stepLR","stepSize":5}\'.');
  return v as Record<string, unknown>;
}

function integer(min: number): (value: string) => number {
  return (value) => {
    const v = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(v) || v < min) throw new InvalidArgumentError(`Expected an integer ≥ ${min}.`);
    return v;
  };
}

function layerList(value: string): number[] {
  if (value.trim() === '' || value.trim() === 'none') return [];
  return value.split(',').map((part) => {
    const v = /^\s*\d+\s*$/.test(part) ? Number(part) : NaN;
    if (!Number.isSafeInteger(v) || v < 1) throw new InvalidArgumentError(`Expected comma-separated positive integers like 128 or 256,128 (bad: ${JSON.stringify(part)}).`);
    return v;
  });
}

function betaPair(value: string): [number, number] {
  const parts = value.split(',');
  const vs = parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
  if (vs.length !== 2 || !vs.every(Number.isFinite)) throw new InvalidArgumentError('Expected two numbers like 0.9,0.999.');
  return [vs[0], vs[1]];
}

// ---------------------------------------------------------------------------------------
// Output

function out(line: string): void {
  process.stdout.write(line + '\n');
}

function epochLine(r: EpochRecord, epochs: number, setName: string): string {
  const w = String(epochs).length;
  const val = r.validation ? `  ${setName} loss ${r.validation.loss.toFixed(4)}  acc ${pct(r.validation.accuracy)}` : '';
  return `epoch ${String(r.epoch + 1).padStart(w)}/${epochs}  loss ${r.loss.toFixed(4)}  train acc ${pct(r.train.accuracy)}${val}  ${seconds(r.timeMs)}`;
}

/** One cli-progress bar per epoch on stderr; each finished bar stays as that epoch's line. */
export class EpochBar {
  private bar: cliProgress.SingleBar | null = null;
  private lastDraw = 0;
  private seen = 0;
  private lossSum = 0;
  private started = 0;
  private readonly held: string[] = [];

  constructor(private readonly epochs: number, private readonly steps: number, private readonly stream: NodeJS.WritableStream = process.stderr, private readonly write: (line: string) => void = out, private readonly setName = 'test') {}

  /** A line to print once the current epoch's bar is finished (never over the bar). */
  hold(line: string): void {
    if (this.bar) this.held.push(line);
    else this.write(line);
  }

  batch(info: BatchInfo): void {
    if (!this.bar) this.start(info.epoch);
    this.seen += info.batchSize;
    this.lossSum += info.loss * info.batchSize;
    const now = performance.now();
    if (now - this.lastDraw >= PROGRESS_INTERVAL_MS) {
      this.lastDraw = now;
      const done = info.batch + 1;
      const elapsed = now - this.started;
      const rate = elapsed > 0 ? (done / elapsed) * 1000 : 0;
      // ETA of the whole run: this epoch's rate over the steps left in it and in the epochs after.
      const left = this.steps - done + (this.epochs - info.epoch - 1) * this.steps;
      const eta = rate > 0 ? ` | ETA ${seconds((left / rate) * 1000)}` : '';
      this.bar!.update(done, { loss: (this.lossSum / this.seen).toFixed(4), stats: `${fmtInt(Math.round(rate))} steps/s | ${seconds(elapsed)}${eta}` });
    }
  }

  end(record: EpochRecord): void {
    if (!this.bar) this.start(record.epoch);
    const m: Metrics | undefined = record.validation;
    this.bar!.update(this.steps, {
      loss: record.loss.toFixed(4),
      stats: `train acc ${pct(record.train.accuracy)}${m ? ` | ${this.setName} loss ${m.loss.toFixed(4)} acc ${pct(m.accuracy)}` : ''} | ${seconds(record.timeMs)}`,
    });
    this.stop();
  }

  /** Stops the current bar, if any (also after an error, to restore the cursor). */
  stop(): void {
    this.bar?.stop();
    this.bar = null;
    for (const line of this.held.splice(0)) this.write(line);
  }

  private start(epoch: number): void {
    const w = String(this.epochs).length;
    this.bar = new cliProgress.SingleBar(
      {
        format: `epoch ${String(epoch + 1).padStart(w)}/${this.epochs} [{bar}] {percentage}% | loss {loss} | {stats}`,
        stream: this.stream,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        fps: 1000 / PROGRESS_INTERVAL_MS,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(this.steps, 0, { loss: '-', stats: '' });
    this.seen = 0;
    this.lossSum = 0;
    this.started = this.lastDraw = performance.now();
  }
}

/**
 * An epoch's diagnostics, one row per layer (means over the epoch's reports): `types` are the
 * layers' kinds. "–" where a figure does not apply (a pool's weights, a ReLU layer's
 * saturation). ∂a gain is RMS(∂L/∂ the layer's input) / RMS(∂L/∂ its output): how the layer
 * scales the gradient passing back through it (a normalisation's effect on the flow shows here).
 */
export function diagnosticsTable(d: DiagnosticsSummary, types: readonly string[]): string {
  const m = d.mean;
  const cell = (v: number | null, f: (x: number) => string) => (v !== null && Number.isFinite(v) ? f(v) : '–');
  const exp = (v: number) => v.toExponential(2);
  const share = (v: number) => `${(v * 100).toFixed(0)}%`;
  const columns: [string, number, (l: number) => string][] = [
    ['layer', 5, (l) => String(l)],
    ['kind', -Math.max(4, ...types.map((t) => t.length)), (l) => types[l] ?? ''],
    ['‖∂W‖', 9, (l) => cell(m.weightGradNorm[l], exp)],
    ['‖∂b‖', 9, (l) => cell(m.biasGradNorm[l], exp)],
    ['‖W‖', 7, (l) => cell(m.weightNorm[l], (v) => v.toFixed(2))],
    ['update:data', 11, (l) => cell(m.updateToData[l], (v) => v.toFixed(2))],
    ['RMS ∂L/∂a', 9, (l) => cell(m.activationGradRms[l], exp)],
    ['∂a gain', 7, (l) => cell(l > 0 ? m.activationGradRms[l - 1] / m.activationGradRms[l] : null, (v) => v.toPrecision(3))],
    ['saturated', 9, (l) => cell(m.saturated[l], share)],
    ['dead', 5, (l) => cell(m.dead[l], share)],
  ];
  // A positive width pads on the left (numbers), a negative one on the right (names).
  const line = (text: (c: number) => string) => `    ${columns.map(([, w], c) => (w > 0 ? text(c).padStart(w) : text(c).padEnd(-w))).join('  ')}`;
  const head = `${line((c) => columns[c][0])}   (means of ${d.reports} reports; gradient norm ${m.gradNorm.toExponential(2)})`;
  return [head, ...m.weightGradNorm.map((_, l) => line((c) => columns[c][2](l)))].join('\n');
}

function pct(v: number | undefined): string {
  return v === undefined ? '-' : `${(v * 100).toFixed(2)}%`;
}

/** "0.42 s" below a second, "23.4 s" above. */
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 1000 ? 2 : 1)} s`;
}

function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** The columns of --log, one row per epoch (validation = the validation split, else the test split). */
const LOG_COLUMNS = ['epoch', 'loss', 'train_loss', 'train_accuracy', 'val_loss', 'val_accuracy', 'lr', 'steps', 'time_ms'];

function logRow(r: EpochRecord): string {
  const v = r.validation;
  return [r.epoch + 1, r.loss, r.train.loss, r.train.accuracy ?? '', v?.loss ?? '', v?.accuracy ?? '', r.lr, r.steps, round(r.timeMs)].join(',');
}
