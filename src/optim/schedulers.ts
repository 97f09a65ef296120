// Learning-rate schedules with torch.optim.lr_scheduler 1.13 semantics. Each schedule is a
// line-by-line port of its PyTorch class, acting on one shared "param group" as PyTorch's act
// on optimizer.param_groups[0]: most of them are chainable (they read the group's current lr
// back and multiply it), so only the same float64 operations in the same order reproduce
// PyTorch's values, and SequentialLR's quirks come from that sharing too.
import { describe } from '../util/describe.js';
import { ConfigError, DataError } from '../errors.js';
import { mustBe } from '../util/must-be.js';
import { isOneOf, OptionsReader } from '../util/options.js';
import type { JsonFloat, Scheduler, SchedulerConfig, SchedulerCounters, SchedulerOptions, SchedulerState, SchedulerType } from '../types.js';


const DEFAULTS: Record<SchedulerType, Record<string, unknown>> = {
  stepLR: { gamma: 0.1 },
  multiStepLR: { gamma: 0.1 },
  exponentialLR: {},
  cosineAnnealingLR: { etaMin: 0 },
  cosineAnnealingWarmRestarts: { tMult: 1, etaMin: 0 },
  lambdaLR: {},
  linearLR: { startFactor: 1 / 3, endFactor: 1, totalIters: 5 },
  sequentialLR: {},
  oneCycleLR: { pctStart: 0.3, annealStrategy: 'cos', cycleMomentum: true, baseMomentum: 0.85, maxMomentum: 0.95, divFactor: 25, finalDivFactor: 1e4, threePhase: false },
  reduceLROnPlateau: { mode: 'min', factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'rel', cooldown: 0, minLr: 0, eps: 1e-8 },
  constantLR: { factor: 1 / 3, totalIters: 5 },
  polynomialLR: { totalIters: 5, power: 1 },
  multiplicativeLR: {},
  cyclicLR: { stepSizeUp: 2000, mode: 'triangular', gamma: 1, scaleMode: 'cycle', cycleMomentum: true, baseMomentum: 0.8, maxMomentum: 0.9 },
  chainedScheduler: {},
};
const OPTIONS: Record<SchedulerType, string[]> = {
  stepLR: ['stepSize', 'gamma'],
  multiStepLR: ['milestones', 'gamma'],
  exponentialLR: ['gamma'],
  cosineAnnealingLR: ['tMax', 'etaMin'],
  cosineAnnealingWarmRestarts: ['t0', 'tMult', 'etaMin'],
  lambdaLR: ['lrLambda'],
  linearLR: ['startFactor', 'endFactor', 'totalIters'],
  sequentialLR: ['schedulers', 'milestones'],
  oneCycleLR: ['maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum', 'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase'],
  reduceLROnPlateau: ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps'],
  constantLR: ['factor', 'totalIters'],
  polynomialLR: ['totalIters', 'power'],
  multiplicativeLR: ['lrLambda'],
  cyclicLR: ['baseLr', 'maxLr', 'stepSizeUp', 'stepSizeDown', 'mode', 'gamma', 'scaleFn', 'scaleMode', 'cycleMomentum', 'baseMomentum', 'maxMomentum'],
  chainedScheduler: ['schedulers'],
};
export const SCHEDULER_TYPES = Object.keys(OPTIONS) as readonly SchedulerType[];

/** Default options of a schedule (a copy), as torch.optim.lr_scheduler 1.13. */
export function schedulerDefaults(type: SchedulerType): Record<string, unknown> {
  return { ...DEFAULTS[type] };
}

// ----------------------------------------------------------------------------- ports

/** What the schedules read and write of PyTorch's param group (one-cycle keeps its bounds there too). */
interface Group {
  lr: number;
  /** 'initial_lr': set by the first schedule built (setdefault), but one-cycle overwrites it. */
  initialLr?: number;
  maxLr: number;
  minLr: number;
  maxMomentum: number;
  baseMomentum: number;
  momentum?: number;
}

interface Node {
  readonly type: SchedulerType;
  step(metric?: number): void;
  counters(): SchedulerCounters;
  load(c: SchedulerCounters, path: string): void;
}

/** torch's _LRScheduler. The constructor's initial step is left to build(), after subclass fields exist. */
abstract class Schedule implements Node {
  lastEpoch = -1;
  readonly baseLr: number;
  constructor(
    readonly type: SchedulerType,
    protected readonly group: Group,
  ) {
    group.initialLr ??= group.lr;
    this.baseLr = group.initialLr;
  }
  /** step() with no epoch: the chainable form. */
  step(): void {
    this.advance(this.lastEpoch + 1, () => this.getLr());
  }
  /** step(0), which SequentialLR calls at a milestone: the closed form where PyTorch has one. */
  restart(): void {
    this.advance(0, () => this.closedForm());
  }
  /** A step that throws (a bad lrLambda result, a one-cycle past its end) changes nothing. */
  private advance(epoch: number, lr: () => number): void {
    const last = this.lastEpoch;
    this.lastEpoch = epoch;
    try {
      this.group.lr = lr();
    } catch (e) {
      this.lastEpoch = last;
      throw e;
    }
  }
  protected abstract getLr(): number;
  protected closedForm(): number {
    return this.getLr();
  }
  counters(): SchedulerCounters {
    return { type: this.type, lastEpoch: this.lastEpoch };
  }
  load(c: SchedulerCounters, path: string): void {
    this.lastEpoch = stateInt(c, 'lastEpoch', path, -1);
  }
}

class StepLR extends Schedule {
  constructor(group: Group, readonly stepSize: number, readonly gamma: number) {
    super('stepLR', group);
  }
  protected getLr(): number {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.group.lr;
    return this.group.lr * this.gamma;
  }
  protected override closedForm(): number {
    return this.baseLr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize);
  }
}

class MultiStepLR extends Schedule {
  /** PyTorch keeps a Counter: a repeated milestone decays once per repeat, and order does not matter. */
  readonly counts = new Map<number, number>();
  readonly sorted: number[];
  constructor(group: Group, milestones: readonly number[], readonly gamma: number) {
    super('multiStepLR', group);
    for (const m of milestones) this.counts.set(m, (this.counts.get(m) ?? 0) + 1);
    this.sorted = [...milestones].sort((a, b) => a - b);
  }
  protected getLr(): number {
    const n = this.counts.get(this.lastEpoch);
    return n === undefined ? this.group.lr : this.group.lr * this.gamma ** n;
  }
  protected override closedForm(): number {
    return this.baseLr * this.gamma ** bisectRight(this.sorted, this.lastEpoch);
  }
}

class ExponentialLR extends Schedule {
  constructor(group: Group, readonly gamma: number) {
    super('exponentialLR', group);
  }
  protected getLr(): number {
    return this.lastEpoch === 0 ? this.group.lr : this.group.lr * this.gamma;
  }
  protected override closedForm(): number {
    return this.baseLr * this.gamma ** this.lastEpoch;
  }
}

class CosineAnnealingLR extends Schedule {
  constructor(group: Group, readonly tMax: number, readonly etaMin: number) {
    super('cosineAnnealingLR', group);
  }
  // The recursive form: it keeps going past tMax (back up, period 2·tMax). PyTorch's extra branch
  // for `_step_count == 1 and last_epoch > 0` only runs when constructed with last_epoch > 0: never here.
  protected getLr(): number {
    const { lastEpoch: e, tMax, etaMin, group } = this;
    if (e === 0) return group.lr;
    // Just past a minimum (e − 1 an odd multiple of tMax) the ratio below would divide by zero:
    // PyTorch adds the first step's rise instead, which is how the schedule climbs back up.
    if ((e - 1 - tMax) % (2 * tMax) === 0) return group.lr + ((this.baseLr - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
    return ((1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax))) * (group.lr - etaMin) + etaMin;
  }
  protected override closedForm(): number {
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2;
  }
}

class CosineAnnealingWarmRestarts extends Schedule {
  tCur = -1;
  tI: number;
  constructor(group: Group, readonly t0: number, readonly tMult: number, readonly etaMin: number) {
    super('cosineAnnealingWarmRestarts', group);
    this.tI = t0;
  }
  // PyTorch overrides step(): with no epoch before the first step it takes the step(0) path.
  override step(): void {
    if (this.lastEpoch < 0) return this.restart();
    this.lastEpoch++;
    this.tCur++;
    if (this.tCur >= this.tI) {
      this.tCur -= this.tI;
      this.tI *= this.tMult;
    }
    this.group.lr = this.getLr();
  }
  override restart(): void {
    this.tI = this.t0;
    this.tCur = 0;
    this.lastEpoch = 0;
    this.group.lr = this.getLr();
  }
  protected getLr(): number {
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2;
  }
  override counters(): SchedulerCounters {
    return { ...super.counters(), tCur: this.tCur, tI: this.tI };
  }
  override load(c: SchedulerCounters, path: string): void {
    super.load(c, path);
    this.tCur = stateInt(c, 'tCur', path, 0);
    this.tI = stateInt(c, 'tI', path, 1);
  }
}

class LambdaLR extends Schedule {
  constructor(group: Group, readonly lrLambda: (epoch: number) => number, readonly path: string) {
    super('lambdaLR', group);
  }
  protected getLr(): number {
    return this.baseLr * factor(this.lrLambda, this.lastEpoch, this.path);
  }
}

/** What `fn` (an lrLambda, or cyclicLR's scaleFn: `key`) returns at `x`, checked: a finite factor ≥ 0. */
function factor(fn: (x: number) => number, x: number, path: string, key = 'lrLambda'): number {
  const f = fn(x);
  if (typeof f !== 'number' || !Number.isFinite(f) || f < 0) {
    throw new ConfigError(`${path}.${key}(${x}) must return a finite factor ≥ 0, got ${describe(f)}`, `${path}.${key}`, f);
  }
  return f;
}

class MultiplicativeLR extends Schedule {
  constructor(group: Group, readonly lrLambda: (epoch: number) => number, readonly path: string) {
    super('multiplicativeLR', group);
  }
  // No closed form in PyTorch: step(0) in sequentialLR keeps the lr.
  protected getLr(): number {
    return this.lastEpoch > 0 ? this.group.lr * factor(this.lrLambda, this.lastEpoch, this.path) : this.group.lr;
  }
}

class ConstantLR extends Schedule {
  constructor(group: Group, readonly factor: number, readonly totalIters: number) {
    super('constantLR', group);
  }
  protected getLr(): number {
    const { lastEpoch: e, group } = this;
    if (e === 0) return group.lr * this.factor;
    // PyTorch multiplies by 1 / factor (not divides by it), at exactly totalIters.
    return e === this.totalIters ? group.lr * (1.0 / this.factor) : group.lr;
  }
  protected override closedForm(): number {
    return this.baseLr * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor));
  }
}

class PolynomialLR extends Schedule {
  constructor(group: Group, readonly totalIters: number, readonly power: number) {
    super('polynomialLR', group);
  }
  protected getLr(): number {
    const { lastEpoch: e, totalIters: n, group } = this;
    if (e === 0 || e > n) return group.lr;
    return group.lr * ((1.0 - e / n) / (1.0 - (e - 1) / n)) ** this.power;
  }
  protected override closedForm(): number {
    return this.baseLr * (1.0 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power;
  }
}

interface CyclicOptions {
  maxLr: number;
  totalSize: number;
  stepRatio: number;
  scale: (x: number) => number;
  byCycle: boolean;
  cycleMomentum: boolean;
  baseMomentum: number;
  maxMomentum: number;
}

class CyclicLR extends Schedule {
  /** PyTorch's base_lrs: initial_lr for the constructor's step, then baseLr (set by build()). */
  lo: number;
  constructor(group: Group, readonly o: CyclicOptions) {
    super('cyclicLR', group);
    this.lo = this.baseLr;
  }
  // Not chainable: the lr (and momentum) come from lastEpoch alone, and there is no closed form.
  protected getLr(): number {
    const { lastEpoch: e, o } = this;
    const cycle = Math.floor(1 + e / o.totalSize);
    const x = 1 + e / o.totalSize - cycle;
    const f = x <= o.stepRatio ? x / o.stepRatio : (x - 1) / (o.stepRatio - 1);
    const scale = o.scale(o.byCycle ? cycle : e);
    if (o.cycleMomentum) this.group.momentum = o.maxMomentum - (o.maxMomentum - o.baseMomentum) * f * scale;
    return this.lo + (o.maxLr - this.lo) * f * scale;
  }
}

class LinearLR extends Schedule {
  constructor(group: Group, readonly startFactor: number, readonly endFactor: number, readonly totalIters: number) {
    super('linearLR', group);
  }
  protected getLr(): number {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n, group } = this;
    if (e === 0) return group.lr * s;
    if (e > n) return group.lr;
    return group.lr * (1 + (f - s) / (n * s + (e - 1) * (f - s)));
  }
  protected override closedForm(): number {
    const { startFactor: s, endFactor: f, totalIters: n } = this;
    return this.baseLr * (s + ((f - s) * Math.min(n, this.lastEpoch)) / n);
  }
}

/** A phase names its bounds by group key, as PyTorch's does, so they are read at each step. */
interface Phase {
  endStep: number;
  startLr: 'initialLr' | 'maxLr';
  endLr: 'initialLr' | 'maxLr' | 'minLr';
  startMomentum: 'maxMomentum' | 'baseMomentum';
  endMomentum: 'maxMomentum' | 'baseMomentum';
}

class OneCycleLR extends Schedule {
  readonly phases: Phase[];
  constructor(
    group: Group,
    readonly totalSteps: number,
    readonly pctStart: number,
    readonly anneal: 'cos' | 'linear',
    readonly cycleMomentum: boolean,
    threePhase: boolean,
    readonly path: string,
  ) {
    super('oneCycleLR', group); // buildOneCycle() has already overwritten group.initialLr
    const T = totalSteps;
    const up: Phase = { endStep: pctStart * T - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' };
    this.phases = threePhase
      ? [up, { endStep: 2 * pctStart * T - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' }, { endStep: T - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' }]
      : [up, { endStep: T - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' }];
  }
  private annealTo(start: number, end: number, pct: number): number {
    if (this.anneal === 'linear') return (end - start) * pct + start;
    const cosOut = Math.cos(Math.PI * pct) + 1;
    return end + ((start - end) / 2.0) * cosOut;
  }
  override step(): void {
    // PyTorch checks `step_num > total_steps`, so it allows totalSteps + 1 steps after construction.
    if (this.lastEpoch + 1 > this.totalSteps) {
      throw new ConfigError(`oneCycleLR stepped ${this.lastEpoch + 2} times, but ${this.path}.totalSteps is ${this.totalSteps}`, `${this.path}.totalSteps`, this.totalSteps);
    }
    super.step();
  }
  protected getLr(): number {
    const step = this.lastEpoch;
    const g = this.group;
    let start = 0;
    for (let i = 0; i < this.phases.length; i++) {
      const p = this.phases[i];
      if (step <= p.endStep || i === this.phases.length - 1) {
        if (p.endStep === start) {
          throw new ConfigError(`${this.path}.pctStart makes a phase of zero steps with totalSteps ${this.totalSteps} (PyTorch divides by zero at step ${step})`, `${this.path}.pctStart`, this.pctStart);
        }
        const pct = (step - start) / (p.endStep - start);
        const lr = this.annealTo(g[p.startLr]!, g[p.endLr]!, pct);
        if (this.cycleMomentum) g.momentum = this.annealTo(g[p.startMomentum], g[p.endMomentum], pct);
        return lr;
      }
      start = p.endStep;
    }
    throw new Error('unreachable: the last phase always matches');
  }
}

/** torch's SequentialLR, which is an _LRScheduler only in name: it drives its children. */
class SequentialLR implements Node {
  readonly type = 'sequentialLR';
  lastEpoch = 0;
  constructor(
    group: Group,
    readonly children: Schedule[],
    readonly milestones: readonly number[],
  ) {
    // By now each child has stepped once in its own constructor. PyTorch then resets the lr to
    // initial_lr (the last one written: one-cycle's, if a child is one), moves every child back
    // one epoch and re-runs only the first child's initial step.
    group.lr = group.initialLr!;
    for (const c of children) c.lastEpoch -= 1;
    children[0].step();
  }
  step(): void {
    const e = this.lastEpoch + 1;
    const idx = bisectRight(this.milestones, e);
    const child = this.children[idx];
    // At its milestone a child starts with step(0): its closed form at 0, from the base lr, so
    // the lr jumps there whatever the previous child left (e.g. a warm-up cut short).
    if (idx > 0 && this.milestones[idx - 1] === e) child.restart();
    else child.step();
    this.lastEpoch = e;
  }
  counters(): SchedulerCounters {
    return { type: 'sequentialLR', lastEpoch: this.lastEpoch, schedulers: this.children.map((c) => c.counters()) };
  }
  load(c: SchedulerCounters, path: string): void {
    this.lastEpoch = stateInt(c, 'lastEpoch', path, 0);
    loadChildren(this.children, c, path);
  }
}

/** torch's ChainedScheduler: steps every child, in order, on the same lr; it has no step of its own at construction. */
class ChainedScheduler implements Node {
  readonly type = 'chainedScheduler';
  /** Steps taken (PyTorch keeps no counter; this one only makes the state self-describing). */
  lastEpoch = 0;
  constructor(
    private readonly group: Group,
    readonly children: Node[],
  ) {}
  step(): void {
    // A child that throws (a bad lrLambda result) would leave the earlier ones stepped: put them back.
    const counters = this.counters();
    const group = { ...this.group };
    try {
      for (const c of this.children) c.step();
    } catch (e) {
      loadChildren(this.children, counters, '');
      Object.assign(this.group, group);
      throw e;
    }
    this.lastEpoch++;
  }
  counters(): SchedulerCounters {
    return { type: 'chainedScheduler', lastEpoch: this.lastEpoch, schedulers: this.children.map((c) => c.counters()) };
  }
  load(c: SchedulerCounters, path: string): void {
    this.lastEpoch = stateInt(c, 'lastEpoch', path, 0);
    loadChildren(this.children, c, path);
  }
}

/** torch's ReduceLROnPlateau (not an _LRScheduler: no initial step, it only ever lowers the lr). */
class ReduceLROnPlateau implements Node {
  readonly type = 'reduceLROnPlateau';
  lastEpoch = 0;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  constructor(
    private readonly group: Group,
    readonly o: { mode: 'min' | 'max'; factor: number; patience: number; threshold: number; thresholdMode: 'rel' | 'abs'; cooldown: number; minLr: number; eps: number },
  ) {
    this.best = o.mode === 'min' ? Infinity : -Infinity;
  }
  private isBetter(a: number, best: number): boolean {
    const { mode, thresholdMode, threshold } = this.o;
    if (mode === 'min' && thresholdMode === 'rel') return a < best * (1 - threshold);
    if (mode === 'min') return a < best - threshold;
    if (thresholdMode === 'rel') return a > best * (threshold + 1);
    return a > best + threshold;
  }
  step(metric?: number): void {
    // NaN is allowed, as float(nan) is in PyTorch: it is never better, so it counts as a bad epoch.
    if (typeof metric !== 'number') throw new DataError(`reduceLROnPlateau.step(metric) needs the monitored metric, got ${describe(metric)}`, 'metric', metric);
    this.lastEpoch++;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.o.patience) {
      const old = this.group.lr;
      const lr = Math.max(old * this.o.factor, this.o.minLr);
      if (old - lr > this.o.eps) this.group.lr = lr; // smaller changes are skipped, but still start the cooldown
      this.cooldownCounter = this.o.cooldown;
      this.numBadEpochs = 0;
    }
  }
  counters(): SchedulerCounters {
    return { type: 'reduceLROnPlateau', lastEpoch: this.lastEpoch, best: toJson(this.best), numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter };
  }
  load(c: SchedulerCounters, path: string): void {
    this.lastEpoch = stateInt(c, 'lastEpoch', path, 0);
    this.best = stateFloat(c, 'best', path);
    this.numBadEpochs = stateInt(c, 'numBadEpochs', path, 0);
    this.cooldownCounter = stateInt(c, 'cooldownCounter', path, 0);
  }
}

function bisectRight(sorted: readonly number[], x: number): number {
  let i = 0;
  while (i < sorted.length && sorted[i] <= x) i++;
  return i;
}

// ----------------------------------------------------------------------------- config

type Reader = OptionsReader<string>;
/** What the optimizer's momentum is, for the schedules that cycle it: 'momentum' (SGD, RMSprop), 'beta1' (the Adam family's β₁), or null (none). */
type Cycles = 'momentum' | 'beta1' | null;

/** An array of safe integers ≥ `min` (milestones). */
function integers(r: Reader, key: string, min: number): number[] {
  const v = r.value(key);
  if (!Array.isArray(v)) throw r.fail(key, `an array of integers ≥ ${min}`, v);
  v.forEach((m, i) => {
    if (!Number.isSafeInteger(m) || m < min) throw mustBe(`${r.at(key)}[${i}]`, `an integer ≥ ${min}`, m);
  });
  return v as number[];
}

/** Validates `config` and builds its schedule on `group`, including PyTorch's constructor step. */
function build(config: SchedulerConfig, group: Group, path: string, cycles: Cycles): Node {
  const shape = `a schedule like { type: 'stepLR', stepSize: 30 }`;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw mustBe(path, shape, config);
  const type = (config as { type?: unknown }).type;
  if (!isOneOf(SCHEDULER_TYPES, type)) throw mustBe(`${path}.type`, `one of ${SCHEDULER_TYPES.join(', ')}`, type);
  const r: Reader = OptionsReader.read(config, path, ['type', ...OPTIONS[type]], `an option of ${type}`, shape, { defaults: DEFAULTS[type], owner: type });
  let s: Schedule;
  switch (type) {
    case 'stepLR':
      s = new StepLR(group, r.integer('stepSize', { min: 1 }), r.number('gamma', { above: 0 }));
      break;
    case 'multiStepLR':
      s = new MultiStepLR(group, integers(r, 'milestones', 0), r.number('gamma', { above: 0 }));
      break;
    case 'exponentialLR':
      s = new ExponentialLR(group, r.number('gamma', { above: 0 }));
      break;
    case 'cosineAnnealingLR':
      s = new CosineAnnealingLR(group, r.integer('tMax', { min: 1 }), r.number('etaMin', { min: 0 }));
      break;
    case 'cosineAnnealingWarmRestarts':
      s = new CosineAnnealingWarmRestarts(group, r.integer('t0', { min: 1 }), r.integer('tMult', { min: 1 }), r.number('etaMin', { min: 0 }));
      break;
    case 'lambdaLR':
      s = new LambdaLR(group, lambdaOf(r), path);
      break;
    case 'linearLR':
      // PyTorch 1.13 accepts startFactor 0 and then divides by zero at the first step.
      s = new LinearLR(group, r.number('startFactor', { above: 0, max: 1, want: 'in (0, 1]' }), r.number('endFactor', { min: 0, max: 1, want: 'in [0, 1]' }), r.integer('totalIters', { min: 1 }));
      break;
    case 'oneCycleLR':
      s = buildOneCycle(r, group, path, cycles !== null);
      break;
    case 'multiplicativeLR':
      s = new MultiplicativeLR(group, lambdaOf(r), path);
      break;
    case 'constantLR':
      // PyTorch 1.13 accepts factor 0 and then divides by zero at totalIters.
      s = new ConstantLR(group, r.number('factor', { above: 0, max: 1, want: 'in (0, 1]' }), r.integer('totalIters', { min: 0 }));
      break;
    case 'polynomialLR':
      // totalIters 0 and a negative power divide by zero in PyTorch (the closed form; 0 ** -p).
      s = new PolynomialLR(group, r.integer('totalIters', { min: 1 }), r.number('power', { min: 0 }));
      break;
    case 'cyclicLR': {
      const c = buildCyclic(r, group, path, cycles);
      c.step();
      c.lo = r.number('baseLr'); // PyTorch sets base_lrs after its constructor's step
      return c;
    }
    case 'sequentialLR':
      return buildSequential(r, group, path, cycles);
    case 'chainedScheduler':
      return new ChainedScheduler(group, children(r, group, path, cycles, 'chainedScheduler', ['reduceLROnPlateau']));
    case 'reduceLROnPlateau':
      return new ReduceLROnPlateau(group, {
        mode: r.oneOf('mode', ['min', 'max'] as const),
        factor: r.number('factor', { min: 0, below: 1, want: 'in [0, 1)' }),
        patience: r.integer('patience', { min: 0 }),
        threshold: r.number('threshold', { min: 0 }),
        thresholdMode: r.oneOf('thresholdMode', ['rel', 'abs'] as const),
        cooldown: r.integer('cooldown', { min: 0 }),
        minLr: r.number('minLr', { min: 0 }),
        eps: r.number('eps', { min: 0 }),
      });
  }
  s.step(); // PyTorch's constructor steps once: last_epoch -1 -> 0
  return s;
}

function buildOneCycle(r: Reader, group: Group, path: string, hasMomentum: boolean): OneCycleLR {
  const maxLr = r.number('maxLr', { above: 0 });
  let totalSteps: number;
  const epochs = r.integer<undefined>('epochs', { default: undefined, min: 1 });
  const perEpoch = r.integer<undefined>('stepsPerEpoch', { default: undefined, min: 1 });
  if (r.value('totalSteps') !== undefined) totalSteps = r.integer('totalSteps', { min: 1 });
  else if (epochs !== undefined && perEpoch !== undefined) totalSteps = epochs * perEpoch;
  else throw r.fail(epochs === undefined ? (perEpoch === undefined ? 'totalSteps' : 'epochs') : 'stepsPerEpoch', 'totalSteps, or both epochs and stepsPerEpoch', undefined);
  const pctStart = r.number('pctStart', { min: 0, max: 1, want: 'in [0, 1]' });
  const anneal = r.oneOf('annealStrategy', ['cos', 'linear'] as const);
  const cycle = r.boolean('cycleMomentum');
  const baseMomentum = r.number('baseMomentum', { min: 0, below: 1, want: 'in [0, 1)' });
  const maxMomentum = r.number('maxMomentum', { min: 0, below: 1, want: 'in [0, 1)' });
  const divFactor = r.number('divFactor', { above: 0 });
  const finalDivFactor = r.number('finalDivFactor', { above: 0 });
  const three = r.boolean('threePhase');
  if (cycle && !hasMomentum) {
    throw new ConfigError(`${path}.cycleMomentum needs an optimizer with momentum or β₁ to cycle (this one has neither): set it to false`, `${path}.cycleMomentum`, cycle);
  }
  // Before _LRScheduler's constructor, as in PyTorch: initial_lr is overwritten, not setdefault.
  group.initialLr = maxLr / divFactor;
  group.maxLr = maxLr;
  group.minLr = group.initialLr / finalDivFactor;
  if (cycle) {
    group.momentum = maxMomentum;
    group.maxMomentum = maxMomentum;
    group.baseMomentum = baseMomentum;
  }
  return new OneCycleLR(group, totalSteps, pctStart, anneal, cycle, three, path);
}

function lambdaOf(r: Reader): (epoch: number) => number {
  const f = r.value('lrLambda');
  if (typeof f !== 'function') throw r.fail('lrLambda', 'a function (epoch) => factor', f);
  return f as (epoch: number) => number;
}

function buildCyclic(r: Reader, group: Group, path: string, cycles: Cycles): CyclicLR {
  const baseLr = r.number('baseLr', { min: 0 });
  const maxLr = r.number('maxLr', { min: 0 });
  const up = r.number('stepSizeUp', { above: 0 });
  const down = r.number<null>('stepSizeDown', { default: null, min: 0 }) ?? up;
  const mode = r.oneOf('mode', ['triangular', 'triangular2', 'exp_range'] as const);
  const gamma = r.number('gamma', { above: 0 });
  const fn = r.callback<(x: number) => number>('scaleFn');
  const scaleMode = r.oneOf('scaleMode', ['cycle', 'iterations'] as const);
  const cycle = r.boolean('cycleMomentum');
  const baseMomentum = r.number('baseMomentum', { min: 0, below: 1, want: 'in [0, 1)' });
  const maxMomentum = r.number('maxMomentum', { min: 0, below: 1, want: 'in [0, 1)' });
  // PyTorch looks for 'momentum' in the optimizer's defaults: SGD and RMSprop, not the Adam family's betas.
  if (cycle && cycles !== 'momentum') {
    throw new ConfigError(`${path}.cycleMomentum needs an optimizer with a momentum option (sgd or rmsprop; PyTorch's CyclicLR does not cycle β₁): set it to false`, `${path}.cycleMomentum`, cycle);
  }
  const scale = fn
    ? (x: number) => factor(fn, x, path, 'scaleFn')
    : mode === 'triangular' ? () => 1.0 : mode === 'triangular2' ? (x: number) => 1 / 2.0 ** (x - 1) : (x: number) => gamma ** x;
  // Before _LRScheduler's constructor, as in PyTorch: the lr becomes baseLr (and initial_lr, unless an earlier schedule set it).
  group.lr = baseLr;
  if (cycle) group.momentum = baseMomentum;
  return new CyclicLR(group, {
    maxLr, totalSize: up + down, stepRatio: up / (up + down), scale, byCycle: fn ? scaleMode === 'cycle' : mode !== 'exp_range',
    cycleMomentum: cycle, baseMomentum, maxMomentum,
  });
}

/** The schedules of a sequentialLR or chainedScheduler, built in order on the same group, as a user builds them. */
function children(r: Reader, group: Group, path: string, cycles: Cycles, owner: SchedulerType, refused: readonly SchedulerType[]): Node[] {
  const list = r.value('schedulers');
  if (!Array.isArray(list) || list.length === 0) throw r.fail('schedulers', 'a non-empty array of schedules', list);
  return list.map((c: unknown, i) => {
    const p = `${path}.schedulers[${i}]`;
    const t = (c as { type?: unknown } | null)?.type;
    if (refused.includes(t as SchedulerType)) {
      throw new ConfigError(`${p}.type cannot be ${t} inside ${owner} (PyTorch 1.13 cannot step it there)`, `${p}.type`, t);
    }
    return build(c as SchedulerConfig, group, p, cycles);
  });
}

function buildSequential(r: Reader, group: Group, path: string, cycles: Cycles): SequentialLR {
  const list = r.value('schedulers');
  if (!Array.isArray(list) || list.length === 0) throw r.fail('schedulers', 'a non-empty array of schedules', list);
  const milestones = integers(r, 'milestones', 1);
  if (milestones.length !== list.length - 1) {
    throw new ConfigError(`${path}.milestones must have ${list.length - 1} entries (one fewer than schedulers), got ${describe(milestones)}`, `${path}.milestones`, milestones);
  }
  milestones.forEach((m, i) => {
    if (i > 0 && m <= milestones[i - 1]) {
      throw mustBe(`${path}.milestones[${i}]`, `greater than ${milestones[i - 1]} (milestones increase strictly)`, m);
    }
  });
  return new SequentialLR(group, children(r, group, path, cycles, 'sequentialLR', ['sequentialLR', 'reduceLROnPlateau', 'chainedScheduler']) as Schedule[], milestones);
}

// ----------------------------------------------------------------------------- state

const toJson = (x: number): JsonFloat => (Number.isFinite(x) ? x : (String(x) as JsonFloat));

function stateFloat(c: SchedulerCounters | SchedulerState, key: string, path: string): number {
  const v = (c as unknown as Record<string, unknown>)[key];
  if (typeof v === 'number') return v;
  if (v === 'Infinity' || v === '-Infinity' || v === 'NaN') return Number(v);
  throw mustBe(`${path}.${key}`, 'a number (or "Infinity", "-Infinity", "NaN")', v);
}

function stateInt(c: SchedulerCounters, key: string, path: string, min: number): number {
  const v = (c as unknown as Record<string, unknown>)[key];
  if (!Number.isSafeInteger(v) || (v as number) < min) throw mustBe(`${path}.${key}`, `an integer ≥ ${min}`, v);
  return v as number;
}

function loadChildren(children: readonly Node[], c: SchedulerCounters, path: string): void {
  const list = c.schedulers;
  if (!Array.isArray(list) || list.length !== children.length) {
    throw mustBe(`${path}.schedulers`, `an array of ${children.length} states`, list);
  }
  children.forEach((child, i) => loadCounters(child, list[i], `${path}.schedulers[${i}]`));
}

function loadCounters(node: Node, c: unknown, path: string): void {
  if (typeof c !== 'object' || c === null) throw mustBe(path, 'an object from scheduler.state()', c);
  const type = (c as SchedulerCounters).type;
  if (type !== node.type) throw new ConfigError(`${path}.type is ${describe(type)}, but the config is ${node.type}`, `${path}.type`, type);
  node.load(c as SchedulerCounters, path);
}

class Handle implements Scheduler {
  constructor(
    private readonly root: Node,
    private readonly group: Group,
    /** Only a one-cycle or cyclic schedule with cycleMomentum ever writes the group's momentum. */
    private readonly cycles = group.momentum !== undefined,
  ) {}
  get lr(): number {
    return this.group.lr;
  }
  get momentum(): number | undefined {
    return this.cycles ? this.group.momentum : undefined;
  }
  step(metric?: number): void {
    this.root.step(metric);
  }
  state(): SchedulerState {
    const s: SchedulerState = { ...this.root.counters(), lr: toJson(this.group.lr) };
    if (this.cycles) s.momentum = toJson(this.group.momentum!);
    return s;
  }
  load(state: SchedulerState): void {
    loadCounters(this.root, state, 'state');
    this.group.lr = stateFloat(state, 'lr', 'state');
    if (this.cycles) this.group.momentum = stateFloat(state, 'momentum', 'state');
  }
}

function open(config: SchedulerConfig, baseLr: number, path: string, cycles: Cycles): Handle {
  if (typeof baseLr !== 'number' || !Number.isFinite(baseLr) || baseLr < 0) {
    throw new ConfigError(`the base learning rate must be a finite number ≥ 0, got ${describe(baseLr)}`, 'optimizer.lr', baseLr);
  }
  const group: Group = { lr: baseLr, maxLr: NaN, minLr: NaN, maxMomentum: NaN, baseMomentum: NaN };
  return new Handle(build(config, group, path, cycles), group);
}

/**
 * Builds a schedule for an optimizer whose lr is `baseLr`, in the state PyTorch's constructor
 * leaves it (`lr` is the value for the first optimizer step). Throws ConfigError naming the bad option.
 */
export function createScheduler(config: SchedulerConfig, baseLr: number, options: SchedulerOptions = {}): Scheduler {
  const m = options.baseMomentum;
  if (m !== undefined && (typeof m !== 'number' || !Number.isFinite(m))) {
    throw new ConfigError(`the optimizer's momentum must be a finite number, got ${describe(m)}`, 'optimizer.momentum', m);
  }
  const c = options.cycles;
  if (c !== undefined && c !== 'momentum' && c !== 'beta1') throw mustBe('options.cycles', `'momentum' or 'beta1'`, c);
  return open(config, baseLr, options.path ?? 'options.schedule', m === undefined ? null : (c ?? 'momentum'));
}

/**
 * Rebuilds the schedule of `config` and loads `state` (from `scheduler.state()`, possibly through
 * JSON), so it continues exactly where that one was. A lambdaLR takes its function from `config`.
 */
export function restoreScheduler(config: SchedulerConfig, baseLr: number, state: SchedulerState, options: Pick<SchedulerOptions, 'path'> = {}): Scheduler {
  // The optimizer was accepted when the state was made, so momentum is not re-checked.
  const h = open(config, baseLr, options.path ?? 'options.schedule', 'momentum');
  h.load(state);
  return h;
}
