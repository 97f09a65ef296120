// Public types of descent's API. Hyper-parameter names are PyTorch's, in camelCase; unions of
// names are derived from the lists in names.ts.
import type {
  ACTIVATIONS, GUARD_MODES, INITS, KERNEL_VARIANTS, KERNELS_OPTIONS, LAYER_STATISTICS, LOSSES, MODES, MONITORS, PREFLIGHT_MODES, VERDICT_CODES,
} from './names.js';

/** Elementwise activation of a layer; derivatives follow PyTorch, including at the kinks. */
export type Activation = (typeof ACTIVATIONS)[number];

/**
 * Loss on the last layer's output, always the mean (PyTorch's reduction='mean').
 * The two cross-entropy losses take logits and need a `linear` last layer.
 */
export type Loss = (typeof LOSSES)[number];

/** Weight initialiser; biases always start at 0. */
export type Init = (typeof INITS)[number];

/** A dense (fully connected) layer, torch.nn.Linear: `units` outputs followed by `activation` (default `linear`). */
export interface DenseLayerSpec {
  /** The layer's kind (default `dense`). */
  type?: 'dense';
  units: number;
  activation?: Activation;
}

/** A size per spatial dimension: one number for both, or [height, width]. */
export type Size2d = number | readonly [number, number];

/**
 * torch.nn.Conv2d over rows of [channels, height, width] (the previous layer's output, or the
 * spec's `inputs` as [C, H, W]); weight [outChannels, inChannels, kernelH, kernelW], bias
 * [outChannels]; then `activation` (default `linear`).
 */
export interface Conv2dLayerSpec {
  type: 'conv2d';
  outChannels: number;
  kernelSize: Size2d;
  /** Default 1. */
  stride?: Size2d;
  /** Zeros on each side (default 0), or `'valid'` (0) or `'same'` (output as large as the input; stride 1 only). */
  padding?: Size2d | 'same' | 'valid';
  /** Default 1. */
  dilation?: Size2d;
  /** Default true. */
  bias?: boolean;
  activation?: Activation;
}

/** torch.nn.MaxPool2d: the largest value of each window (the first one on ties; NaN wins). */
export interface MaxPool2dLayerSpec {
  type: 'maxpool2d';
  kernelSize: Size2d;
  /** Default: the kernel size. */
  stride?: Size2d;
  /** Implicit −∞ on each side, at most half the kernel (default 0). */
  padding?: Size2d;
  /** Default 1. */
  dilation?: Size2d;
  /** Round the output size up (default false). */
  ceilMode?: boolean;
}

/** torch.nn.AvgPool2d: the mean of each window. */
export interface AvgPool2dLayerSpec {
  type: 'avgpool2d';
  kernelSize: Size2d;
  /** Default: the kernel size. */
  stride?: Size2d;
  /** Zeros on each side, at most half the kernel (default 0). */
  padding?: Size2d;
  /** Round the output size up (default false). */
  ceilMode?: boolean;
  /** Count the padding's zeros in the divisor (default true). */
  countIncludePad?: boolean;
}

/** torch.nn.Flatten: a row of any shape as one vector (its features, unchanged in order). */
export interface FlattenLayerSpec {
  type: 'flatten';
}

/**
 * torch.nn.Dropout: in training, each value is zeroed with probability `p` (default 0.5) and
 * the rest are scaled by 1/(1−p); in evaluation it passes values through. Masks come from the
 * network's seed and step, so a seed gives the same run.
 */
export interface DropoutLayerSpec {
  type: 'dropout';
  p?: number;
}

/** Options torch.nn.BatchNorm1d and BatchNorm2d share. */
interface BatchNormOptions {
  /** Default 1e-5. */
  eps?: number;
  /** Weight of the new batch in the running statistics (default 0.1); null: their cumulative average. */
  momentum?: number | null;
  /** A learnable weight (γ, starting at 1) and bias (β, at 0) per channel (default true). */
  affine?: boolean;
  /** Keep running mean and variance for evaluation (default true); false: evaluation uses the batch's. */
  trackRunningStats?: boolean;
  activation?: Activation;
}

/** torch.nn.BatchNorm1d over rows of [features] or [channels, length]. */
export interface BatchNorm1dLayerSpec extends BatchNormOptions {
  type: 'batchnorm1d';
}

/** torch.nn.BatchNorm2d over rows of [channels, height, width]. */
export interface BatchNorm2dLayerSpec extends BatchNormOptions {
  type: 'batchnorm2d';
}

/** torch.nn.LayerNorm over the last dimensions of each row. */
export interface LayerNormLayerSpec {
  type: 'layernorm';
  /** The trailing dimensions normalised together (default: the whole row's shape). */
  normalizedShape?: number | readonly number[];
  /** Default 1e-5. */
  eps?: number;
  /** A learnable weight and bias of the normalised shape (default true). */
  elementwiseAffine?: boolean;
  activation?: Activation;
}

/** An activation as a layer of its own (torch.nn.ReLU, torch.nn.Tanh, …). */
export interface ActivationLayerSpec {
  type: 'activation';
  activation: Activation;
}

/** One layer of a network; its kind is `type` (default `dense`). */
export type LayerSpec =
  | DenseLayerSpec | Conv2dLayerSpec | MaxPool2dLayerSpec | AvgPool2dLayerSpec | FlattenLayerSpec
  | DropoutLayerSpec | BatchNorm1dLayerSpec | BatchNorm2dLayerSpec | LayerNormLayerSpec | ActivationLayerSpec;

/** What every resolved layer has: its kind, its size in and out and the activation after it. */
interface ResolvedLayerBase {
  /** Features per row in (the previous layer's outputs) and out. */
  readonly inputs: number;
  readonly outputs: number;
  /** The shape of a row coming in and going out: [features], [C, L] or [C, H, W]. */
  readonly inputShape: readonly number[];
  readonly shape: readonly number[];
  readonly activation: Activation;
}

/** A dense layer as the network resolved it: its size in and out, defaults filled. */
export interface ResolvedDenseLayer extends ResolvedLayerBase {
  readonly type: 'dense';
  readonly units: number;
}

export interface ResolvedConv2dLayer extends ResolvedLayerBase {
  readonly type: 'conv2d';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  /** Zeros above and to the left; `'same'` may put one more below and to the right. */
  readonly padding: readonly [number, number];
  /** As given: numbers, or `'same'`/`'valid'`. */
  readonly paddingMode: 'same' | 'valid' | 'explicit';
  readonly dilation: readonly [number, number];
  readonly bias: boolean;
}

export interface ResolvedMaxPool2dLayer extends ResolvedLayerBase {
  readonly type: 'maxpool2d';
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly ceilMode: boolean;
}

export interface ResolvedAvgPool2dLayer extends ResolvedLayerBase {
  readonly type: 'avgpool2d';
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
}

export interface ResolvedFlattenLayer extends ResolvedLayerBase {
  readonly type: 'flatten';
}

export interface ResolvedDropoutLayer extends ResolvedLayerBase {
  readonly type: 'dropout';
  readonly p: number;
}

export interface ResolvedBatchNormLayer<T extends 'batchnorm1d' | 'batchnorm2d' = 'batchnorm1d' | 'batchnorm2d'> extends ResolvedLayerBase {
  readonly type: T;
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
}

export interface ResolvedLayerNormLayer extends ResolvedLayerBase {
  readonly type: 'layernorm';
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
}

export interface ResolvedActivationLayer extends ResolvedLayerBase {
  readonly type: 'activation';
}

/** A layer as the network resolved it (one type per layer kind). */
export type ResolvedLayerSpec =
  | ResolvedDenseLayer | ResolvedConv2dLayer | ResolvedMaxPool2dLayer | ResolvedAvgPool2dLayer | ResolvedFlattenLayer
  | ResolvedDropoutLayer | ResolvedBatchNormLayer<'batchnorm1d'> | ResolvedBatchNormLayer<'batchnorm2d'> | ResolvedLayerNormLayer | ResolvedActivationLayer;

/** A network's spec with every default filled in (`network.spec`). */
export interface ResolvedNetworkSpec {
  /** Features per sample. */
  inputs: number;
  /** The shape of a sample: [features], or [C, H, W] for images. */
  inputShape: readonly number[];
  layers: ResolvedLayerSpec[];
  loss: Loss;
  init: Init;
  seed: number;
}

/** What `createNetwork` builds. */
export interface NetworkSpec {
  /** Features per sample, or a sample's shape: [channels, height, width] for images (row-major, as PyTorch's NCHW). */
  inputs: number | readonly number[];
  /** Layers in order; the last one is the output layer. */
  layers: LayerSpec[];
  loss: Loss;
  /** Weight initialiser (default `uniform`, PyTorch Linear's U(±1/√fan_in)). */
  init?: Init;
  /** Seed of the initialiser's PRNG (default 0). */
  seed?: number;
}

/** A build of the kernels (docs/design.md, "Kernel variants"): no SIMD, 128-bit SIMD, or SIMD with relaxed-SIMD instructions. */
export type KernelVariant = (typeof KERNEL_VARIANTS)[number];

/**
 * How `createNetwork` picks kernels: `auto` (default) the fastest build the engine validates
 * (relaxed, else simd, else scalar); `fastest`, an older name for `auto`; or a variant, forced.
 * Every build passes the PyTorch goldens, but only `simd` (or `scalar`) gives the same bits on
 * every runtime and CPU: the relaxed build's multiply-adds are fused (one rounding) or not (two)
 * as the engine and CPU decide, so pin `kernels: 'simd'` where runs must match bit for bit.
 */
export type KernelsOption = (typeof KERNELS_OPTIONS)[number];

/** Options of `createNetwork` (the node and browser entries). */
export interface CreateNetworkOptions {
  /** Which kernels to load (default `auto`); with `module`, the variant that module was built as (default `simd`). */
  kernels?: KernelsOption;
  /** A compiled descent module to use instead of loading one. */
  module?: WebAssembly.Module;
  /**
   * Threads sharing each training batch (default 1). More than one runs the threaded twin of
   * the build `kernels` picks on a shared memory with worker threads; each batch is split into
   * contiguous shards and the gradients summed in thread order.
   */
  threads?: number;
  /** Called with a message when an option cannot be honoured here (e.g. threads in a browser); default console.warn. */
  onWarning?: (message: string) => void;
}

/** Options of `Network.create`. */
export interface NetworkOptions {
  /** The variant the module was built as (default `simd`, the build shipped as descent.wasm). */
  kernels?: KernelVariant;
  /** Threads per batch (default 1); above 1, `module` must be the threaded build and `spawnWorker` given. */
  threads?: number;
  /**
   * Starts a worker that evaluates `source` (it defines `run(data)`) and calls `run(data)`;
   * the package entries supply one (Node worker_threads, browser Workers).
   */
  spawnWorker?: WorkerSpawner;
}

/** What a training worker thread is given: the threaded module, the shared memory, its pass descriptor and the control words. */
export interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  desc: number;
  control: number;
}

/**
 * Starts a worker that evaluates `source` — which defines `run(data)` — and calls
 * `run(data)` there. Each runtime's entry supplies one (Node worker_threads, browser Workers).
 */
export type WorkerSpawner = (source: string, data: WorkerData) => { terminate(): unknown };

/** The three modes of gradient descent. */
export type GradientDescentMode = (typeof MODES)[number];

interface ClipOptions {
  /** Clamp every gradient element into [−v, v] before the step (clip_grad_value_). */
  clipGradValue?: number;
  /** Rescale all gradients, as one vector, to L2 norm ≤ this (clip_grad_norm_), after value clipping. */
  clipGradNorm?: number;
}

/** torch.optim.SGD. `lr` has no default, as in PyTorch. */
export interface SgdOptions extends ClipOptions {
  type: 'sgd';
  lr: number;
  momentum?: number;
  dampening?: number;
  /** Needs momentum > 0 and dampening 0. */
  nesterov?: boolean;
  weightDecay?: number;
}
/** torch.optim.Adagrad (lr 1e-2, eps 1e-10). */
export interface AdagradOptions extends ClipOptions {
  type: 'adagrad';
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
}
/** torch.optim.RMSprop (lr 1e-2, alpha 0.99, eps 1e-8). */
export interface RmspropOptions extends ClipOptions {
  type: 'rmsprop';
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
}
/** torch.optim.Adam (coupled L2 decay) and AdamW (decoupled, weightDecay default 1e-2). */
export interface AdamOptions extends ClipOptions {
  type: 'adam' | 'adamw';
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
}
/** torch.optim.Adamax (lr 2e-3). */
export interface AdamaxOptions extends ClipOptions {
  type: 'adamax';
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}
/** torch.optim.NAdam (lr 2e-3, momentumDecay 4e-3), PyTorch ≥ 2.0's formula. */
export interface NadamOptions extends ClipOptions {
  type: 'nadam';
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  momentumDecay?: number;
}
/** torch.optim.RAdam (lr 1e-3). */
export interface RadamOptions extends ClipOptions {
  type: 'radam';
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}
/** torch.optim.Adadelta (lr 1.0, rho 0.9, eps 1e-6). */
export interface AdadeltaOptions extends ClipOptions {
  type: 'adadelta';
  lr?: number;
  rho?: number;
  eps?: number;
  weightDecay?: number;
}

/** An optimizer and its options; unknown options are rejected. */
export type OptimizerConfig =
  | SgdOptions | AdagradOptions | RmspropOptions | AdamOptions
  | AdamaxOptions | NadamOptions | RadamOptions | AdadeltaOptions;

/** Name of an optimizer rule. */
export type OptimizerType = OptimizerConfig['type'];

/** A flat row-major matrix: `data.length` must equal rows × columns. */
export interface Matrix {
  data: ArrayLike<number>;
  shape: [rows: number, columns: number];
}

/**
 * Samples: nested rows, a `{ data, shape }` matrix, or a flat array whose length is a
 * multiple of the feature count (rows are then inferred).
 */
export type Inputs = ArrayLike<number>[] | Matrix | Float32Array | number[];

/**
 * Targets: class indices (0 … C−1) for `softmax_cross_entropy`; otherwise rows of
 * outputs (nested, a matrix, or flat when there is one output per sample).
 */
export type Targets = ArrayLike<number>[] | Matrix | ArrayLike<number>;

/**
 * Parameters of one layer in PyTorch's layout, flat and row-major: a dense layer's weight
 * [units, inputs], a conv2d layer's [outChannels, inChannels, kH, kW], a normalisation's weight
 * (γ) and bias (β). A tensor the layer lacks (pools, flatten, dropout, activation layers; a
 * conv2d's bias with `bias: false`; a normalisation without affine) is an empty Float32Array.
 */
export interface LayerParameters {
  weight: Float32Array;
  bias: Float32Array;
}

/**
 * A layer's non-trainable state (torch.nn's buffers) by torch's name: BatchNorm's
 * `running_mean` and `running_var` [numFeatures] and `num_batches_tracked` (one value); `{}`
 * for a layer without state.
 */
export type LayerState = Record<string, Float32Array>;

/** A tensor of a layer: torch.nn's attribute name and its shape. */
export interface TensorInfo {
  name: string;
  shape: number[];
}

/** One layer of `summary()`. */
export interface LayerSummary {
  /** The layer's kind. */
  type: LayerSpec['type'] & string;
  activation: Activation;
  /** A row's shape coming in and going out ([features], [C, L] or [C, H, W]). */
  inputShape: number[];
  outputShape: number[];
  /** Features out per row (a dense layer's units; the product of outputShape). */
  units: number;
  /** Its trainable tensors in memory order (weights, then biases). */
  tensors: TensorInfo[];
  /** Its non-trainable state (BatchNorm's running statistics); empty for most kinds. */
  state: TensorInfo[];
  /** Trainable values. */
  parameters: number;
  /** The shape of its weight tensor and bias tensor (a dense layer's [units, inputs] and [units]); null when it has none. */
  weightShape: number[] | null;
  biasShape: number[] | null;
}

/** Shapes and sizes of a network. */
export interface NetworkSummary {
  inputs: number;
  /** A sample's shape: [inputs], or [C, H, W] for images. */
  inputShape: number[];
  layers: LayerSummary[];
  loss: Loss;
  init: Init;
  seed: number;
  parameters: number;
  /** Threads sharing each training batch. */
  threads: number;
  /** Bytes of linear memory the network currently holds. */
  memoryBytes: number;
  /** The kernel variant the network runs on. */
  kernels: KernelVariant;
}

/** What `predict` returns. */
export interface Prediction {
  /** Raw outputs of the last layer (logits for the cross-entropy losses), rows × outputs. */
  outputs: Float32Array;
  rows: number;
  columns: number;
  /** Softmax (or sigmoid) probabilities, for classifiers. */
  probabilities?: Float32Array;
  /** Predicted class per row: argmax for softmax, argmax of sigmoid probabilities otherwise. */
  classes?: Int32Array;
}

/** One layer's outputs from `net.layerOutputs(x)`: its kind, [rows, ...the layer's row shape], and the values, row-major. */
export interface LayerOutput {
  type: LayerSpec['type'] & string;
  shape: number[];
  values: Float32Array;
}

/** Metrics from `evaluate` (and per epoch in `fit`). */
export interface Metrics {
  loss: number;
  /** Classifiers: fraction of rows whose predicted class equals the label. */
  accuracy?: number;
  /** Regression (mse, mae, huber): mean absolute error. */
  mae?: number;
  /** Regression: root mean squared error. */
  rmse?: number;
}

/** One epoch of a `fit`, appended to the history. */
export interface EpochRecord {
  epoch: number;
  /** Sample-weighted mean of the batch losses seen during the epoch. */
  loss: number;
  /** Training-set metrics (accuracy / mae / rmse) measured after the epoch. */
  train: Metrics;
  /** Validation metrics, when validation data was given. */
  validation?: Metrics;
  /** Optimizer steps taken in this epoch. */
  steps: number;
  /** Wall time of the epoch in milliseconds. */
  timeMs: number;
  /** The learning rate of the epoch's last step. */
  lr: number;
  /** The epoch's diagnostics (means over its reports, and the last report), unless turned off. */
  diagnostics?: DiagnosticsSummary;
}

/** Passed to `onBatchEnd`; the same object is reused for every batch. */
export interface BatchInfo {
  epoch: number;
  /** Batch index within the epoch. */
  batch: number;
  /** Steps taken since `fit` started. */
  step: number;
  batchSize: number;
  loss: number;
  /** The learning rate this step used (it changes under a schedule). */
  lr: number;
}

/** Quantity watched by convergence stopping. */
export type Monitor = (typeof MONITORS)[number];

/** Stop when the monitored value has not improved by more than `minDelta` for `patience` epochs. */
export interface EarlyStopping {
  /** Default `val_loss` when validation data is given, else `loss`. */
  monitor?: Monitor;
  /** Default 0. */
  minDelta?: number;
  /** Default 0: stop at the first epoch without improvement. */
  patience?: number;
  /** Whether lower or higher is better; default `auto`: higher for accuracies, lower for losses. */
  mode?: 'auto' | 'min' | 'max';
  /**
   * Keep the weights of the best epoch and put them back when training ends (at an early
   * stop or otherwise). Default false. The optimizer's state is not restored (as in Keras).
   */
  restoreBestWeights?: boolean;
}

/** Options of `fit` / `fitSync`. */
export interface FitOptions {
  optimizer: OptimizerConfig;
  /** Default `mini-batch`. */
  mode?: GradientDescentMode;
  /** Mini-batch size (default 32); the last partial batch is kept. */
  batchSize?: number;
  /** Default 1. */
  epochs?: number;
  /** Shuffle every epoch (default true; stochastic mode always shuffles). */
  shuffle?: boolean;
  /** Seed of the shuffling and validation-split PRNG (default: the network's seed). */
  seed?: number;
  /** Data to evaluate after each epoch. */
  validationData?: { x: Inputs; y: Targets };
  /** Fraction of the samples held out (seeded) for validation instead of `validationData`. */
  validationSplit?: number;
  /** Stop on convergence; off unless given. */
  earlyStopping?: EarlyStopping;
  /**
   * Called after every step with a reused object; return `false` to stop training. `run.snapshot()`
   * there gives everything a checkpoint needs to resume mid-epoch.
   */
  onBatchEnd?: (info: BatchInfo, run: FitRunControl) => void | boolean;
  /** Called after every epoch; return `false` to stop training. */
  /**
   * After each epoch; return false to stop. `run.trainingState()` gives the schedule's,
   * early stopping's and the guard's state as one plain object (what checkpoints store).
   */
  onEpochEnd?: (record: EpochRecord, run: FitRunControl) => void | boolean;
  /** Async `fit` only: yield to the event loop after about this much work (default 16 ms). */
  yieldEveryMs?: number;
  /**
   * Async `fit` only: abort training; `fit` then rejects with the signal's reason (an AbortError
   * for a plain `abort()`). An already aborted signal rejects before anything changes.
   */
  signal?: AbortSignal;
  /** Gradient-flow diagnostics (default on, every 10 steps); `false` turns them off. */
  diagnostics?: boolean | DiagnosticsOptions;
  /** Called with the report after every diagnostics step (one reused object: copy what you keep). */
  onDiagnostics?: (report: DiagnosticsReport) => void;
  /** Called when a verdict is raised (they are also in `history.verdicts`). */
  onVerdict?: (verdict: Verdict) => void;
  /**
   * Before training, one forward pass over the first batch checks the set-up (see
   * PreflightReport): 'warn' (default) passes each warning to `onWarning`, 'throw' throws a
   * ConfigError carrying the report, 'off' skips it. The report is `history.preflight`.
   */
  preflight?: PreflightMode;
  /** Receives pre-flight warnings (default console.warn). */
  onWarning?: (message: string) => void;
  /**
   * NaN/Inf guard (default 'off', so replays stay PyTorch-exact): checks the loss and Σg²
   * before every update. 'throw': a NumericalError naming the step, layer and where;
   * 'skip': that update is not applied; 'recover': back to the last good snapshot with half
   * the learning rate — also when the loss exceeds 10× the run's first — at most
   * maxRecoveries times, then throw. Events: `history.guardEvents` (a trainer's `guardEvents`).
   */
  guard?: GuardMode | GuardOptions;
  /**
   * Train `count` times from fresh initialisations (seeds: the network's seed + i unless
   * given) and keep the best run's weights, by `metric` at the last epoch (default val_loss
   * with validation data, else loss) — the remedy for a bad local minimum. The returned
   * history is the best run's, with every run in `history.restarts`.
   */
  restarts?: { count: number; seeds?: number[]; metric?: Monitor };
  /**
   * A learning-rate schedule, made by `schedule({ type, … })` from 'descent/schedules'
   * (torch.optim.lr_scheduler semantics), stepped after every epoch or every optimizer step.
   */
  schedule?: Schedule;
  /**
   * Continue a run from `run.snapshot()` (or a checkpoint's `training`, see descent/checkpoint):
   * optimizer state, step counts, the position in the epoch and its batch order, the shuffling
   * stream, schedule, early stopping, guard and the history so far. Given the same data and
   * options, the run goes on bit for bit as if it had never stopped (`epochs` may grow). A
   * snapshot holding only optimizer state (one PyTorch wrote) continues the optimizer alone.
   * A snapshot taken under other settings is a ConfigError naming the first difference.
   */
  resume?: TrainingSnapshot;
}

/** Everything that continues a run, besides the parameters (see FitOptions.resume). */
export interface TrainingSnapshot {
  optimizer: OptimizerSnapshot;
  /** Where the run was; null when only the optimizer's state is known (a PyTorch checkpoint). */
  run: RunSnapshot | null;
}

/** An optimizer's state: torch.optim's per-parameter state, flat over the parameters in getParameters' order. */
export interface OptimizerSnapshot {
  /** The rule it belongs to; null when unknown (read from a plain PyTorch file). */
  type: OptimizerType | null;
  /** Steps taken (t in the formulas). */
  step: number;
  /** NAdam's running product of μ (1 for the others). */
  muProduct: number;
  /** Each state tensor by torch.optim's name (exp_avg, exp_avg_sq, momentum_buffer, sum, …). */
  state: Record<string, Float32Array>;
}

/** The diagnostics' state in a snapshot: plain data, restored only into diagnostics of the same network and `every`. */
export interface DiagnosticsState {
  every: number;
  fields: Record<string, unknown>;
  report: Record<string, unknown>;
  judge: Record<string, unknown>;
  lastActive: number[][];
  histograms: Record<string, unknown>[] | null;
}

/** A fit's position and control state (see `run.snapshot()`). */
export interface RunSnapshot {
  /** What it was taken under; a resume under other settings is refused. */
  settings: { mode: GradientDescentMode; batchSize: number; shuffle: boolean; rows: number; validationRows: number };
  /** The epoch under way, and how far into it (rows taken; null: it has not started, so it shuffles first). */
  epoch: number;
  cursor: number | null;
  /** Within that epoch: batches and steps taken, the summed loss of its applied steps, the last lr. */
  batch: number;
  epochSteps: number;
  lossSum: number;
  lossRows: number;
  lastLr: number | null;
  /** The shuffling stream's state and the epoch's row order (null without shuffling). */
  rng: [number, number, number, number];
  order: Int32Array | null;
  /** Steps, schedule, early stopping and guard. */
  state: TrainingState;
  /** The diagnostics' own state (null when they were off), so reports and verdicts go on as they would have. */
  diagnostics: DiagnosticsState | null;
  /** The history so far. */
  history: { epochs: EpochRecord[]; bestEpoch: number | null; verdicts: Verdict[] };
}

/** What `schedule()` in 'descent/schedules' returns: a checked config, ready to build for an optimizer. */
export interface Schedule {
  readonly config: SchedulerConfig;
  /** When it steps: after every epoch (default; oneCycleLR and cyclicLR: 'step') or every optimizer step. */
  readonly interval: 'epoch' | 'step';
  /** reduceLROnPlateau's metric (default val_loss with validation data, else loss); null for the others. */
  readonly monitor: Monitor | undefined | null;
  /**
   * Builds the scheduler for an optimizer, given its resolved options (every option filled in,
   * the Adam family's β₁ as `beta1`): its lr, and the momentum or β₁ oneCycleLR or cyclicLR may cycle.
   */
  open(optimizer: { type: OptimizerType; lr: number; momentum?: number; beta1?: number }): Scheduler;
}

/** Options of `network.trainer(x, y, options)`: the batching, diagnostics and guard parts of FitOptions. */
export type TrainerOptions = Pick<FitOptions, 'optimizer' | 'mode' | 'batchSize' | 'shuffle' | 'seed' | 'diagnostics' | 'onDiagnostics' | 'onVerdict' | 'guard' | 'resume'>;

/** Options of gradient-flow diagnostics. */
export interface DiagnosticsOptions {
  /** Steps between reports (default 10: steps 10, 20, …; 1 = every step, the first included). */
  every?: number;
  /** Samples a ReLU unit must output 0 for to count as dead (default: one epoch, at most 1,000). */
  deadWindow?: number;
  /** Verdict thresholds to change (see VerdictThresholds for each default). */
  thresholds?: Partial<VerdictThresholds>;
  /**
   * Histograms of each layer's weights, weight gradients and outputs in every report
   * (`report.histograms`): `histograms({ bins })` from 'descent/diagnostics'. Off by default.
   */
  histograms?: HistogramsOption | false;
}

/** What `histograms()` of 'descent/diagnostics' returns, for `diagnostics.histograms`. */
export interface HistogramsOption {
  readonly bins: number;
  /** @internal Called by the run with its engine. */
  create(engine: unknown): HistogramTaker;
}

/** @internal A run's histograms (made by HistogramsOption.create). */
export interface HistogramTaker {
  readonly report: DiagnosticsHistograms;
  /** Bins the raw weight gradients (before clipping changes them). */
  takeGradients(): void;
  /** Bins the weights after the update and the outputs of the step's pass. */
  takeWeightsAndOutputs(): void;
  summary(): HistogramsSummary;
}

/** One kind of value (weights, gradients or outputs) binned per layer. */
export interface LayerHistograms {
  /** Per layer: the left edge of the first bin, the lowest finite value (NaN when there is none). */
  lo: Float64Array;
  /** Per layer: the right edge of the last bin, the highest finite value. A single value v is binned over v ± 0.5. */
  hi: Float64Array;
  /** `bins` equal-width counts per layer, layer l's at [l·bins, (l + 1)·bins); non-finite values are not counted. */
  counts: Uint32Array;
}

/** The histograms of a report. */
export interface DiagnosticsHistograms {
  bins: number;
  /** The weights after the update. */
  weights: LayerHistograms;
  /** ∂L/∂W, the raw gradient (before clipping and weight decay). */
  gradients: LayerHistograms;
  /** The layer's outputs (after its activation) over the step's batch. */
  activations: LayerHistograms;
}

/** A report's histograms as plain arrays (in the history): per layer lo, hi and its counts. */
export interface HistogramsSummary {
  bins: number;
  weights: { lo: number[]; hi: number[]; counts: number[][] };
  gradients: { lo: number[]; hi: number[]; counts: number[][] };
  activations: { lo: number[]; hi: number[]; counts: number[][] };
}

/** What a verdict diagnoses. */
export type VerdictCode = (typeof VERDICT_CODES)[number];

/** A diagnosis raised during training, with the figures behind it and what to do. */
export interface Verdict {
  code: VerdictCode;
  /** The layer it concerns (saturated, dead), or null for the whole network. */
  layer: number | null;
  step: number;
  epoch: number;
  /** The figures that triggered it. */
  figures: Record<string, number>;
  message: string;
  /** One line on what to do, in gradient-descent terms. */
  remedy: string;
}

/** When verdicts are raised; every condition must hold at `consecutive` evaluations in a row. */
export interface VerdictThresholds {
  /** Evaluations (reports; epochs for overfitting) a condition must hold in a row. Default 3. A non-finite loss or value is raised at once. */
  consecutive: number;
  /** vanishing: RMS(∂W first layer) / RMS(∂W last layer) below this. Default 1e-3. */
  vanishingRatio: number;
  /** exploding: the gradient norm above this many times its median over the last `explodingNormWindow` reports. Default 100. */
  explodingNormFactor: number;
  /** Default 50. */
  explodingNormWindow: number;
  /** exploding: the loss above this many times the first loss. Default 10. */
  explodingLossFactor: number;
  /** saturated: fraction of a sigmoid/tanh layer's outputs saturated above this. Default 0.5. */
  saturated: number;
  /** dead: fraction of a ReLU layer's units dead above this. Default 0.5. */
  dead: number;
  /** lr_too_high (SGD only): the largest log10 update:data above this while the loss rises. Default −1. */
  lrHighUpdateRatio: number;
  /** lr_too_low (SGD only): the largest log10 update:data below this while the gradient norm is at least plateauGradNorm. Default −5. */
  lrLowUpdateRatio: number;
  /** plateau: relative loss change between reports below this … Default 1e-3. */
  plateauLossChange: number;
  /** … and the gradient norm below this. Default 1e-3. */
  plateauGradNorm: number;
}

/** Per-layer figures of a DiagnosticsReport (each a Float64Array with one value per layer). */
export type LayerStatistic = (typeof LAYER_STATISTICS)[number];

/**
 * Gradient-flow figures of one step, per layer (Frobenius norms; weights and biases apart).
 * One object is reused for every report of a run.
 */
export interface DiagnosticsReport extends Record<LayerStatistic, Float64Array> {
  /** Steps taken, this one included (1 = the first step, whose gradients PyTorch calls grads0). */
  step: number;
  epoch: number;
  /** Samples trained on, this step's included. */
  samples: number;
  /** The step's batch loss (before its update). */
  loss: number;
  /** Global L2 norm of all gradients before clipping (what clip_grad_norm_ returns). */
  gradNorm: number;
  /** Number of layers (the length of every per-layer array). */
  layers: number;
  /** ‖∂L/∂W‖ of the raw loss gradient, before clipping and weight decay. */
  weightGradNorm: Float64Array;
  biasGradNorm: Float64Array;
  /** ‖W‖ after the update. */
  weightNorm: Float64Array;
  biasNorm: Float64Array;
  /** ‖W_after − W_before‖ (weight decay included). */
  weightUpdateNorm: Float64Array;
  biasUpdateNorm: Float64Array;
  /** log10(‖∂W‖ / ‖W‖). */
  gradToData: Float64Array;
  /** log10(‖ΔW‖ / ‖W‖): about −3 is healthy under plain SGD. */
  updateToData: Float64Array;
  /** RMS of ∂L/∂a over the batch, a = the layer's output: the most direct vanishing signal. */
  activationGradRms: Float64Array;
  /** Mean and standard deviation of the layer's output over the batch. */
  activationMean: Float64Array;
  activationStd: Float64Array;
  /** Fraction of outputs saturated (sigmoid < 0.01 or > 0.99, |tanh| > 0.97); NaN for other activations. */
  saturated: Float64Array;
  /** Fraction of ReLU units that output 0 for every sample of the last deadWindow samples; NaN for other activations and until that many samples were seen. */
  dead: Float64Array;
  /** Non-finite values in the layer's outputs, its gradients, its parameters. */
  nonFiniteActivations: Float64Array;
  nonFiniteGradients: Float64Array;
  nonFiniteParameters: Float64Array;
  /** With `histograms` on: weights, gradients and outputs per layer; else null. */
  histograms: DiagnosticsHistograms | null;
}

/** An epoch's diagnostics in a fit's history: per-figure means over its reports, and the last report. */
export interface DiagnosticsSummary {
  /** Reports taken in the epoch. */
  reports: number;
  /** Step of the last report. */
  step: number;
  mean: Record<LayerStatistic, number[]> & { loss: number; gradNorm: number };
  last: Record<LayerStatistic, number[]> & { loss: number; gradNorm: number };
  /** The last report's histograms (with `histograms` on). */
  histograms?: HistogramsSummary;
}

/** What `fit` returns. */
export interface History {
  epochs: EpochRecord[];
  /** Why training ended: all epochs done, convergence, a callback returned false, or a non-finite epoch loss. */
  stopReason: 'completed' | 'converged' | 'callback' | 'diverged';
  steps: number;
  /** With early stopping: the epoch whose monitored value was best (its weights are the network's with restoreBestWeights). */
  bestEpoch?: number;
  /** Verdicts raised during training, in order (empty: healthy, or diagnostics off). */
  verdicts: Verdict[];
  /** The pre-flight check's findings (absent with preflight: 'off'). */
  preflight?: PreflightReport;
  /** What the NaN/Inf guard did, in order (empty when it never fired or is off). */
  guardEvents: GuardEvent[];
  /** With `restarts`: every run's seed, final metric and history, and which was kept. */
  restarts?: { seeds: number[]; metrics: number[]; histories: History[]; best: number };
}

/** A finding of the pre-flight check. */
export interface PreflightWarning {
  code: 'high_initial_loss' | 'activation_scale' | 'deep_saturating' | 'he_with_saturating' | 'xavier_with_deep_relu' | 'unscaled_inputs';
  message: string;
  remedy: string;
}

/** One forward pass over the first batch, against what an untrained, well-set-up network gives. */
export interface PreflightReport {
  /** ln C (softmax cross-entropy), ln 2 (sigmoid BCE), Var(y) (MSE); null for MAE and Huber. */
  expectedLoss: number | null;
  firstLoss: number;
  /** Rows of the batch checked. */
  rows: number;
  /** Each layer's output mean and standard deviation over the batch. */
  layers: { mean: number; std: number }[];
  warnings: PreflightWarning[];
}

export type GuardMode = (typeof GUARD_MODES)[number];

/** What the pre-flight check does with its warnings. */
export type PreflightMode = (typeof PREFLIGHT_MODES)[number];

export interface GuardOptions {
  mode: GuardMode;
  /** Steps between snapshots for 'recover' (also taken at every epoch start). Default 100. */
  snapshotEvery?: number;
  /** Recoveries before 'recover' throws. Default 5. */
  maxRecoveries?: number;
}

/** One intervention of the NaN/Inf guard. */
/** What `onEpochEnd` gets besides the record. */
export interface FitRunControl {
  /** The run's training-control state now, as plain JSON-serialisable data. */
  trainingState(): TrainingState;
  /** Everything `resume` needs to continue from here (copies; saveCheckpoint stores it). */
  snapshot(): TrainingSnapshot;
}

/** A run's training-control state: each part null when the run does not use it. */
export interface TrainingState {
  /** Epochs finished. */
  epoch: number;
  /** Steps taken. */
  steps: number;
  /** From the scheduler (see `restoreScheduler` in descent/schedules). */
  schedule: SchedulerState | null;
  earlyStopping: EarlyStoppingState | null;
  guard: GuardState | null;
}

/** Early stopping's state (NaN and ±Infinity are written as null). */
export interface EarlyStoppingState {
  /** The best monitored value so far (null before the first). */
  best: number | null;
  /** Epochs since the last improvement. */
  wait: number;
  bestEpoch: number | null;
  /** With restoreBestWeights: the best epoch's parameters (getParameters' order, flat). */
  bestWeights: number[] | null;
  /** With restoreBestWeights and batch norm: the best epoch's running statistics (the layers' state in order, flat). */
  bestState?: number[];
}

/** The NaN/Inf guard's state. */
export interface GuardState {
  /** Multiplier of the learning rate (halved at each recovery). */
  lrScale: number;
  recoveries: number;
  /** Steps the guard has checked. */
  steps: number;
  /** The lowest finite loss and the run's first loss (null: none yet). */
  best: number | null;
  first: number | null;
  events: GuardEvent[];
  /** 'recover': the last good state — step it was taken after, the optimizer's counters, parameters then the optimizer's three state slots, flat. */
  snapshot: { step: number; optimizerStep: number; muProduct: number; values: number[] } | null;
}

export interface GuardEvent {
  step: number;
  epoch: number;
  /** The first layer with a non-finite output, else gradient; null when only the loss was. */
  layer: number | null;
  where: 'activations' | 'gradients' | 'loss';
  /** A non-finite value, or ('recover' only) a loss above 10× the run's first. */
  cause: 'non-finite' | 'blow-up';
  action: 'threw' | 'skipped' | 'recovered';
  /** 'recovered': the learning-rate multiplier from now on, and the step the snapshot was taken after. */
  lrScale?: number;
  restoredStep?: number;
}

/** Options of `findLearningRate(network, x, y, options)` (descent/lr-finder; Smith's range test). */
export interface LrFinderOptions {
  optimizer: OptimizerConfig;
  /** Default 32. */
  batchSize?: number;
  /** The rate grows geometrically from startLr (default 1e-7) to endLr (default 10) over numIter steps (default 300). */
  startLr?: number;
  endLr?: number;
  numIter?: number;
  /** Exponential smoothing of the loss (default 0.98), bias-corrected. */
  smoothing?: number;
  /** Stop once the smoothed loss exceeds this many times its best (default 4). */
  divergeThreshold?: number;
  /** Shuffling seed (default: the network's). */
  seed?: number;
  /**
   * How the rate is suggested (default 'valley'): 'valley', in the longest fall of the
   * smoothed loss, 4/5 of its depth down; 'steepest', where it falls fastest against log(lr).
   * Both skip the burn-in.
   */
  suggest?: 'valley' | 'steepest';
  /** Share of the first steps the suggestion ignores (default 0.1), in [0, 1): early spikes are noise. */
  burnIn?: number;
}

export interface LrFinderResult {
  /** The rate of each step taken. */
  lrs: number[];
  /** Each step's batch loss, and its smoothed value. */
  losses: number[];
  smoothedLosses: number[];
  /** The suggested rate, `lrs[suggestionIndex]`; null if the curve gives none (the loss never fell). */
  suggestion: number | null;
  /** Index of the suggestion in `lrs` (and the losses), for plotting; null with it. */
  suggestionIndex: number | null;
  /**
   * What the suggestion comes from: 'valley' (4/5 of the way down the valley), 'steepest' (the
   * steepest fall), or 'belowDivergence' (with `suggest: 'valley'`, when the loss never fell by
   * 5% before it diverged: the largest rate 2/3 of a decade below the one that stopped the test).
   */
  method: 'valley' | 'steepest' | 'belowDivergence';
  /** The valley, `[first, last]` indices of the longest fall of the smoothed loss after the burn-in; null when there is none or with 'steepest'. */
  valley: [number, number] | null;
  /** True when the loss diverged before numIter steps. */
  stoppedEarly: boolean;
}

/** Options of `race` / `raceSync` (descent/race): fit options with the optimizers to compare. */
export type RaceOptions = Omit<FitOptions, 'optimizer' | 'restarts'> & { optimizers: OptimizerConfig[] };

/** A learning-rate schedule's config, as torch.optim.lr_scheduler 1.13 takes it (camelCase). */
export type SchedulerConfig =
  | { type: 'stepLR'; stepSize: number; gamma?: number }
  | { type: 'multiStepLR'; milestones: readonly number[]; gamma?: number }
  | { type: 'exponentialLR'; gamma: number }
  | { type: 'cosineAnnealingLR'; tMax: number; etaMin?: number }
  | { type: 'cosineAnnealingWarmRestarts'; t0: number; tMult?: number; etaMin?: number }
  | { type: 'lambdaLR'; lrLambda: (epoch: number) => number }
  | { type: 'linearLR'; startFactor?: number; endFactor?: number; totalIters?: number }
  | { type: 'sequentialLR'; schedulers: readonly SchedulerConfig[]; milestones: readonly number[] }
  | {
      type: 'oneCycleLR';
      maxLr: number;
      /** Either totalSteps, or epochs and stepsPerEpoch (totalSteps wins, as in PyTorch). */
      totalSteps?: number;
      epochs?: number;
      stepsPerEpoch?: number;
      pctStart?: number;
      annealStrategy?: 'cos' | 'linear';
      cycleMomentum?: boolean;
      baseMomentum?: number;
      maxMomentum?: number;
      divFactor?: number;
      finalDivFactor?: number;
      threePhase?: boolean;
    }
  | {
      type: 'reduceLROnPlateau';
      mode?: 'min' | 'max';
      factor?: number;
      patience?: number;
      threshold?: number;
      thresholdMode?: 'rel' | 'abs';
      cooldown?: number;
      minLr?: number;
      eps?: number;
    }
  /** torch's ConstantLR: the lr times `factor` (in (0, 1], default 1/3) until `totalIters` (default 5) steps, then the lr again. */
  | { type: 'constantLR'; factor?: number; totalIters?: number }
  /** torch's PolynomialLR: decays to 0 over `totalIters` (default 5, ≥ 1) steps as (1 − t/totalIters)^power (default 1, ≥ 0), then stays. */
  | { type: 'polynomialLR'; totalIters?: number; power?: number }
  /** torch's MultiplicativeLR: each step after the first multiplies the lr by `lrLambda(epoch)` (a finite factor ≥ 0). */
  | { type: 'multiplicativeLR'; lrLambda: (epoch: number) => number }
  | {
      /**
       * torch's CyclicLR: the lr goes from `baseLr` (it replaces the optimizer's) up to `maxLr` over
       * `stepSizeUp` steps and back over `stepSizeDown`, then repeats; meant to be stepped after every
       * batch (fit's default interval for it is 'step'). With `cycleMomentum` (the default) the
       * momentum moves the other way, from `maxMomentum` down to `baseMomentum`; as in PyTorch that
       * needs an optimizer with a `momentum` option (sgd, rmsprop), not the Adam family's β₁.
       */
      type: 'cyclicLR';
      baseLr: number;
      maxLr: number;
      /** Steps of the rising half of a cycle. Default 2000. */
      stepSizeUp?: number;
      /** Steps of the falling half. Default: stepSizeUp. */
      stepSizeDown?: number;
      /** 'triangular' (default), 'triangular2' (the amplitude halves each cycle) or 'exp_range' (times gamma^step). */
      mode?: 'triangular' | 'triangular2' | 'exp_range';
      /** For 'exp_range'. Default 1. */
      gamma?: number;
      /** A custom amplitude factor (finite, ≥ 0) in place of `mode`'s, of the cycle number or the step (`scaleMode`). */
      scaleFn?: (x: number) => number;
      /** What scaleFn takes: 'cycle' (default, from 1) or 'iterations' (the step count). */
      scaleMode?: 'cycle' | 'iterations';
      cycleMomentum?: boolean;
      /** Default 0.8. */
      baseMomentum?: number;
      /** Default 0.9. */
      maxMomentum?: number;
    }
  /** torch's ChainedScheduler: every schedule of the list stepped together, in order, on the same lr (each multiplies what the ones before wrote). */
  | { type: 'chainedScheduler'; schedulers: readonly SchedulerConfig[] };

export type SchedulerType = SchedulerConfig['type'];

/** A float in JSON: finite numbers as they are, ±Infinity and NaN as strings (JSON has no literal for them). */
export type JsonFloat = number | 'Infinity' | '-Infinity' | 'NaN';

/** One schedule's own counters (PyTorch's state_dict minus what the config already fixes). */
export interface SchedulerCounters {
  type: SchedulerType;
  /** PyTorch's `last_epoch`: 0 after construction, +1 per step; -1 for a sequentialLR child not started yet. */
  lastEpoch: number;
  /** cosineAnnealingWarmRestarts: steps since the last restart, and the current period. */
  tCur?: number;
  tI?: number;
  /** reduceLROnPlateau. */
  best?: JsonFloat;
  numBadEpochs?: number;
  cooldownCounter?: number;
  /** sequentialLR, chainedScheduler: the children's counters, in order. */
  schedulers?: SchedulerCounters[];
}

/** Plain, JSON-serialisable state: the counters plus the current lr (and the momentum oneCycleLR or cyclicLR cycles). */
export interface SchedulerState extends SchedulerCounters {
  lr: JsonFloat;
  /** Present when the schedule cycles momentum. */
  momentum?: JsonFloat;
}

export interface Scheduler {
  /** The learning rate to use for the next optimizer step(s). */
  readonly lr: number;
  /** The momentum / β₁ oneCycleLR or cyclicLR cycles (undefined for the others, and when cycleMomentum is false). */
  readonly momentum: number | undefined;
  /** Advances one scheduler step (an epoch or an optimizer step, as the caller decides). reduceLROnPlateau needs `metric`; the others ignore it. */
  step(metric?: number): void;
  /** Plain, JSON-serialisable state: restoreScheduler(config, baseLr, state) resumes exactly. */
  state(): SchedulerState;
  /** Continues from `state()` of a scheduler of the same config (ConfigError naming a bad field). */
  load(state: SchedulerState): void;
}

export interface SchedulerOptions {
  /**
   * The optimizer's own momentum (SGD/RMSprop `momentum`, or Adam-family β₁); leave it undefined when
   * the optimizer has none. oneCycleLR and cyclicLR then refuse cycleMomentum, as PyTorch's constructors do.
   */
  baseMomentum?: number;
  /**
   * Which value baseMomentum is: SGD's or RMSprop's 'momentum' (the default) or the Adam family's
   * 'beta1'. cyclicLR cycles only a 'momentum' (PyTorch's CyclicLR looks for that option).
   */
  cycles?: 'momentum' | 'beta1';
  /** Prefix of error paths. Default 'options.schedule'. */
  path?: string;
}
