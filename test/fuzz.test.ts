// Generated bad calls across the public entries and the CLI (issue 13, item 5): each one is a
// typed DescentError subclass with `path` and `value` set, the value rendered truly in the
// message, and nothing changed — the network's parameters bit for bit, and a live trainer that
// steps on exactly as a control network's twin that never saw the bad call (which covers the
// optimizer state). FC_SEED replaces the fixed seed (docs/testing.md).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe as group, expect, it } from 'vitest';
import { main } from '../dist/cli/main.js';
import { readCheckpoint, loadCheckpoint, saveCheckpoint } from '../src/checkpoint.js';
import { histograms } from '../src/diagnostics.js';
import { circles, fitStandardScaler, oneHot, spiral, trainTestSplit, xor } from '../src/data.js';
import { DescentError } from '../src/errors.js';
import { findLearningRate } from '../src/lr-finder.js';
import { Network } from '../src/network.js';
import { createNetwork } from '../src/node.js';
import { raceSync } from '../src/race.js';
import { runReplay } from '../src/replay.js';
import { createScheduler, restoreScheduler, schedule } from '../src/schedules.js';
import { runSurface, SURFACES } from '../src/surfaces.js';
import type { Trainer } from '../src/train/trainer.js';
import type { NetworkSpec } from '../src/types.js';
import { describe } from '../src/util/describe.js';

const SEED = Number(process.env.FC_SEED ?? 0xf22);
const counts: Record<string, number> = {};
const count = (entry: string) => (counts[entry] = (counts[entry] ?? 0) + 1);

// Values that are wrong for every option of a kind (the kinds of test/fuzz's option tables).
const notNumber = [NaN, 'bogus', '1', 1n, { a: 1 }, [1, NaN], null, true, Symbol.for('s')];
const BAD = {
  num: fc.constantFrom<unknown>(...notNumber, -Infinity, Infinity),
  f32: fc.constantFrom<unknown>(...notNumber, -Infinity, Infinity, 1e39, -1e39),
  int: fc.constantFrom<unknown>(...notNumber, 1.5, -1, -Infinity, 2 ** 53 + 2, 1e39),
  posInt: fc.constantFrom<unknown>(...notNumber, 0, 1.5, -1, -Infinity, 1e39),
  enum: fc.constantFrom<unknown>('bogus', '', 42, NaN, null, { a: 1 }, [], true, 1n),
  bool: fc.constantFrom<unknown>('yes', 1, 0, NaN, null, { a: 1 }, [], 1n),
  fn: fc.constantFrom<unknown>(42, 'f', { a: 1 }, [], true, null, 1n),
  obj: fc.constantFrom<unknown>(42, 'x', true, 1n, NaN, null, []),
  diag: fc.constantFrom<unknown>(42, 'x', 1n, NaN, null, []),
  seed: fc.constantFrom<unknown>(...notNumber, 1.5, -Infinity, Infinity, 1e39),
};
type Kind = keyof typeof BAD;

/** An option table: dotted key → kind of value it takes. */
const pick = (table: Record<string, Kind>) =>
  fc.constantFrom(...Object.keys(table)).chain((key) => BAD[table[key]].map((value) => ({ key, value })));

/** A copy of `base` with `value` at the dotted `key`. */
function withKey<T>(base: T, key: string, value: unknown): T {
  const clone = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(clone) : v && Object.getPrototypeOf(v) === Object.prototype ? Object.fromEntries(Object.entries(v).map(([k, e]) => [k, clone(e)])) : v;
  const copy = clone(base) as Record<string, unknown>;
  const parts = key.split('.');
  let o = copy;
  for (const p of parts.slice(0, -1)) o = o[p] as Record<string, unknown>;
  o[parts.at(-1)!] = value;
  return copy as T;
}

/** The error a bad call threw, checked: typed subclass, path and value set, value named in the message. */
function checkError(error: unknown, what: string, expected?: { value: unknown; key: string }, opts: { unnamed?: boolean } = {}): void {
  if (!(error instanceof DescentError)) throw new Error(`${what}: not a DescentError: ${error instanceof Error ? error.stack : String(error)}`);
  expect(error.constructor, what).not.toBe(DescentError);
  expect(typeof error.path === 'string' && error.path.length > 0, `${what}: path set (${error.message})`).toBe(true);
  expect(Object.hasOwn(error, 'value'), what).toBe(true);
  if (!opts.unnamed) {
    // describe(value), or for an unknown option its name as written, or for no rows at all the words.
    const v = error.value;
    const named = error.message.includes(describe(v)) || / only applies to /.test(error.message) || (typeof v === 'string' && error.message.includes(v)) ||
      ((Array.isArray(v) && v.length === 0) || (v as { shape?: number[] })?.shape?.[0] === 0) && /no rows/.test(error.message);
    expect(named, `${what}: names its value ${describe(v)}: ${error.message}`).toBe(true);
  }
  if (expected) {
    const last = expected.key.split('.').at(-1)!;
    // The path names the option; when it is the option itself, the value is the one given.
    // (or, for a bound between two options, the message names it: startLr 1e39 is an endLr error.)
    expect(error.path.includes(last) || error.message.includes(last), `${what}: ${error.message}`).toBe(true);
    // An unknown option's value is its name.
    if (error.path.endsWith(last) && typeof expected.value !== 'object') expect(Object.is(error.value, expected.value) || error.value === last, `${what}: value ${describe(error.value)}`).toBe(true);
  }
}

function throwsTyped(f: () => unknown, what: string, expected?: { value: unknown; key: string }, opts: { unnamed?: boolean } = {}): void {
  let error: unknown;
  let returned: unknown;
  try {
    returned = f();
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`${what}: accepted (returned ${describe(returned)})`);
  checkError(error, what, expected, opts);
}

async function rejectsTyped(f: () => Promise<unknown>, what: string, expected?: { value: unknown; key: string }): Promise<void> {
  let error: unknown;
  try {
    await f();
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`${what}: accepted`);
  checkError(error, what, expected);
}

const spec: NetworkSpec = { inputs: 2, layers: [{ units: 5, activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 7 };
const X = [[0, 1], [1, 0], [1, 1], [0, 0], [0.5, -0.5], [-1, 0.25], [0.3, 0.9], [-0.7, -0.2]];
const Y = [1, 1, 0, 0, 1, 0, 1, 0];
const adam = { type: 'adam', lr: 0.01 } as const;

let module: WebAssembly.Module;
let net: Network; // receives the bad calls
let control: Network; // never does
let live: Trainer;
let twin: Trainer;
const bits = (n: Network) => n.getParameters().flatMap((l) => [...new Uint32Array(l.weight.slice().buffer), ...new Uint32Array(l.bias.slice().buffer)]);

function fresh(): void {
  net?.dispose();
  control?.dispose();
  net = Network.create(spec, module);
  control = Network.create(spec, module);
  live = net.trainer(X, Y, { optimizer: adam, batchSize: 3, seed: 1 });
  twin = control.trainer(X, Y, { optimizer: adam, batchSize: 3, seed: 1 });
  live.step();
  twin.step();
}

/** Nothing changed: same bits as before, and the live trainer steps on as its control twin does. */
function unchanged(before: number[], what: string): void {
  const after = bits(net);
  if (after.length !== before.length || after.some((b, i) => b !== before[i])) throw new Error(`${what}: parameters changed`);
  live.step();
  twin.step();
  const a = bits(net), b = bits(control);
  if (a.some((v, i) => v !== b[i])) throw new Error(`${what}: the live trainer diverged from its control`);
}

/** Runs `call` as a bad call on `net` and checks the error and that nothing changed. */
function badCall(entry: string, call: () => unknown, expected?: { value: unknown; key: string }, opts: { unnamed?: boolean } = {}): void {
  const before = bits(net);
  try {
    throwsTyped(call, `${entry} ${expected ? `${expected.key}=${describe(expected.value)}` : ''}`, expected, opts);
    unchanged(before, entry);
  } catch (e) {
    if (process.env.FUZZ_DEBUG) console.log(entry, expected?.key, describe(expected?.value), (e as Error).message);
    fresh(); // so that shrinking starts from a clean state
    throw e;
  }
  count(entry);
}

beforeAll(async () => {
  // The SIMD build the default project runs (dist/, as test/checkpoint.test.ts uses it): this
  // file checks the host's validation, which no kernel variant or thread count changes.
  module = new WebAssembly.Module(readFileSync(new URL('../dist/descent.wasm', import.meta.url)));
  fresh();
});

afterAll(() => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(`fuzz: ${total} generated bad calls\n${Object.entries(counts).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
});

const specTable: Record<string, Kind> = {
  inputs: 'posInt', layers: 'obj', loss: 'enum', init: 'enum', seed: 'seed',
  'layers.0': 'obj', 'layers.0.units': 'posInt', 'layers.0.activation': 'enum', 'layers.1.units': 'posInt', 'layers.1.activation': 'enum',
};
const networkOptionsTable: Record<string, Kind> = { kernels: 'enum', threads: 'posInt' };
const fitTable: Record<string, Kind> = {
  optimizer: 'obj', 'optimizer.type': 'enum', 'optimizer.lr': 'num', 'optimizer.weightDecay': 'num', 'optimizer.eps': 'num',
  'optimizer.betas': 'obj', 'optimizer.amsgrad': 'bool', 'optimizer.clipGradNorm': 'num', 'optimizer.clipGradValue': 'num',
  mode: 'enum', batchSize: 'posInt', epochs: 'posInt', shuffle: 'bool', seed: 'seed', validationData: 'obj', validationSplit: 'num',
  earlyStopping: 'obj', 'earlyStopping.monitor': 'enum', 'earlyStopping.patience': 'seed', 'earlyStopping.minDelta': 'num', 'earlyStopping.mode': 'enum', 'earlyStopping.restoreBestWeights': 'bool',
  onBatchEnd: 'fn', onEpochEnd: 'fn', yieldEveryMs: 'num', signal: 'obj', diagnostics: 'diag', onDiagnostics: 'fn', onVerdict: 'fn',
  preflight: 'enum', onWarning: 'fn', guard: 'enum', schedule: 'obj', restarts: 'obj', 'restarts.count': 'posInt',
};
const fitBase = {
  optimizer: { ...adam, weightDecay: 0, eps: 1e-8, betas: [0.9, 0.999], amsgrad: false, clipGradNorm: 10, clipGradValue: 10 },
  batchSize: 4, epochs: 1, seed: 1, preflight: 'off',
  earlyStopping: { monitor: 'loss', patience: 1, minDelta: 0, mode: 'min', restoreBestWeights: false },
  restarts: { count: 1 },
};
const trainerTable: Record<string, Kind> = {
  optimizer: 'obj', 'optimizer.type': 'enum', 'optimizer.lr': 'num', 'optimizer.betas': 'obj', batchSize: 'posInt', shuffle: 'bool', seed: 'seed',
  diagnostics: 'diag', onDiagnostics: 'fn', schedule: 'obj', guard: 'enum',
};

const badCell = fc.constantFrom<unknown>(NaN, Infinity, -Infinity, 1e39, 'a', null, true, 1n, { a: 1 }, [1]);
const badInputs = fc.oneof(
  fc.tuple(fc.nat(7), fc.nat(1), badCell).map(([r, c, v]) => {
    const x: unknown[][] = X.map((row) => [...row]);
    x[r][c] = v;
    return x;
  }),
  fc.constantFrom<unknown>(new BigInt64Array(4), 'ab', 42, null, { data: 'ab', shape: [1, 2] }, { data: [1, 2, 3], shape: [1, 2] }, [[1, 2, 3]], [[1]], [], [[]], { data: [1, 2], shape: [1, NaN] }, new Float32Array([1, NaN])),
);

group('generated bad calls on the main entry', () => {
  it('Network.create: bad specs and options', () => {
    fc.assert(fc.property(fc.oneof(pick(specTable).map((b) => ({ ...b, on: 'spec' })), pick(networkOptionsTable).map((b) => ({ ...b, on: 'options' }))), ({ key, value, on }) => {
      const call = on === 'spec' ? () => Network.create(withKey(spec, key, value), module) : () => Network.create(spec, module, withKey({ kernels: 'simd', threads: 1 }, key, value) as never);
      badCall(`Network.create ${on}`, call, { key, value });
    }), { seed: SEED, numRuns: 1500 });
  });

  it('createNetwork: bad specs and options', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(pick(specTable).map((b) => ({ ...b, on: 'spec' })), pick({ kernels: 'enum', threads: 'posInt', module: 'obj', onWarning: 'fn' }).map((b) => ({ ...b, on: 'options' }))), async ({ key, value, on }) => {
      const before = bits(net);
      const call = on === 'spec' ? () => createNetwork(withKey(spec, key, value), { module }) : () => createNetwork(spec, withKey({ kernels: 'simd', threads: 1, module, onWarning: () => {} }, key, value) as never);
      try {
        await rejectsTyped(call, `createNetwork ${on} ${key}=${describe(value)}`, key === 'module' ? undefined : { key, value });
        unchanged(before, 'createNetwork');
      } catch (e) {
        fresh();
        throw e;
      }
      count(`createNetwork ${on}`);
    }), { seed: SEED, numRuns: 400 });
  });

  it('fitSync / fit: bad options leave parameters, optimizer state and the live trainer as they were', async () => {
    fc.assert(fc.property(pick(fitTable), ({ key, value }) => {
      badCall('fitSync', () => net.fitSync(X, Y, withKey(fitBase, key, value) as never), { key, value });
    }), { seed: SEED, numRuns: 2500 });
    await fc.assert(fc.asyncProperty(pick(fitTable), async ({ key, value }) => {
      const before = bits(net);
      try {
        await rejectsTyped(() => net.fit(X, Y, withKey(fitBase, key, value) as never), `fit ${key}=${describe(value)}`, { key, value });
        unchanged(before, 'fit');
      } catch (e) {
        fresh();
        throw e;
      }
      count('fit');
    }), { seed: SEED + 1, numRuns: 300 });
  });

  it('fitSync resume: bad snapshots are refused before anything changes', () => {
    const base = { optimizer: adam, batchSize: 4, epochs: 3, seed: 1, preflight: 'off' } as const;
    let snapshot: unknown;
    const source = Network.create(spec, module);
    source.fitSync(X, Y, { ...base, onBatchEnd: (info, run) => { if (info.step === 3) snapshot = run.snapshot(); } });
    source.dispose();
    const table: Record<string, Kind> = {
      resume: 'obj', 'resume.optimizer': 'obj', 'resume.optimizer.type': 'enum', 'resume.optimizer.step': 'int', 'resume.optimizer.muProduct': 'num',
      'resume.optimizer.state.exp_avg': 'obj', 'resume.run.epoch': 'int', 'resume.run.cursor': 'int', 'resume.run.rng': 'obj', 'resume.run.order': 'obj',
      'resume.run.settings.batchSize': 'posInt', 'resume.run.settings.mode': 'enum', 'resume.run.state.steps': 'int', 'resume.run.state.schedule': 'obj', 'resume.run.history': 'obj',
    };
    // null is a valid value of these: an unknown optimizer, an epoch not started, no schedule.
    const nullable = ['resume.optimizer.type', 'resume.run.cursor', 'resume.run.state.schedule'];
    fc.assert(fc.property(pick(table).filter(({ key, value }) => !(value === null && nullable.includes(key))), ({ key, value }) => {
      badCall('fitSync resume', () => net.fitSync(X, Y, withKey({ ...base, resume: snapshot }, key, value) as never), { key, value });
    }), { seed: SEED, numRuns: 600 });
  });

  it('trainer(): bad options', () => {
    const base = { optimizer: { ...adam, betas: [0.9, 0.999] }, batchSize: 3, seed: 1 };
    fc.assert(fc.property(pick(trainerTable), ({ key, value }) => {
      badCall('trainer', () => net.trainer(X, Y, withKey(base, key, value) as never), { key, value });
    }), { seed: SEED, numRuns: 800 });
  });

  it('predict and evaluate: bad inputs and targets', () => {
    fc.assert(fc.property(badInputs, (x) => badCall('predict', () => net.predict(x as never))), { seed: SEED, numRuns: 700 });
    fc.assert(fc.property(badInputs, (x) => badCall('evaluate x', () => net.evaluate(x as never, Y))), { seed: SEED, numRuns: 300 });
    const badTargets = fc.oneof(
      fc.tuple(fc.nat(7), fc.constantFrom<unknown>(NaN, -1, 2, 1.5, 'a', null, 1n, Infinity)).map(([r, v]) => Y.map((y, i) => (i === r ? v : y))),
      fc.constantFrom<unknown>([1, 0], 'ab', null, 42, new BigInt64Array(8)),
    );
    fc.assert(fc.property(badTargets, (y) => badCall('evaluate y', () => net.evaluate(X, y as never))), { seed: SEED, numRuns: 400 });
  });

  it('setParameters and reinitialize: bad values', () => {
    const good = net.getParameters().map((l) => ({ weight: Array.from(l.weight), bias: Array.from(l.bias) }));
    const badParams = fc.oneof(
      fc.tuple(fc.nat(1), fc.constantFrom('weight', 'bias'), fc.nat(9), badCell).map(([l, k, i, v]) => {
        const p = structuredClone(good) as { weight: unknown[]; bias: unknown[] }[];
        const arr = p[l][k as 'weight' | 'bias'];
        arr[i % arr.length] = v;
        return p;
      }),
      fc.tuple(fc.nat(1), fc.constantFrom('weight', 'bias')).map(([l, k]) => {
        const p = structuredClone(good) as { weight: unknown[]; bias: unknown[] }[];
        p[l][k as 'weight' | 'bias'].pop();
        return p;
      }),
      fc.constantFrom<unknown>(null, 42, 'p', [], [good[0]], [...good, good[0]], [{ weight: 1, bias: [] }, good[1]]),
    );
    fc.assert(fc.property(badParams, (p) => badCall('setParameters', () => net.setParameters(p as never))), { seed: SEED, numRuns: 500 });
    fc.assert(fc.property(BAD.posInt, (batchSize) => badCall('preflight', () => net.preflight(X, Y, { batchSize } as never), { key: 'batchSize', value: batchSize })), { seed: SEED, numRuns: 200 });
    fc.assert(fc.property(BAD.seed, (seed) => badCall('reinitialize', () => net.reinitialize(seed as never), { key: 'seed', value: seed })), { seed: SEED, numRuns: 200 });
  });
});

group('generated bad calls on the subpaths', () => {
  it('schedules: schedule() and createScheduler()', () => {
    const table: Record<string, Kind> = { type: 'enum', stepSize: 'posInt', gamma: 'num', interval: 'enum', lastEpoch: 'seed' };
    const base = { type: 'stepLR', stepSize: 2, gamma: 0.5 };
    fc.assert(fc.property(pick(table), ({ key, value }) => {
      badCall('schedule', () => schedule(withKey(base, key, value) as never), { key, value });
    }), { seed: SEED, numRuns: 400 });
    fc.assert(fc.property(pick({ type: 'enum', stepSize: 'posInt', gamma: 'num' }), BAD.num, ({ key, value }, lr) => {
      badCall('createScheduler', () => createScheduler(withKey(base, key, value) as never, 0.1));
      badCall('createScheduler baseLr', () => createScheduler(base as never, lr as never));
    }), { seed: SEED, numRuns: 200 });
    // A saved scheduler state with one field spoilt. Not generated: non-finite numbers. The state
    // format round-trips NaN and ±Infinity on purpose (stateFloat), so `lr: NaN` or `-Infinity` in a
    // state loads although no schedule can reach them from a finite base lr ≥ 0 (left open).
    const h = createScheduler(base as never, 0.1);
    h.step();
    const state = h.state() as unknown as Record<string, unknown>;
    const fields = Object.keys(state);
    fc.assert(fc.property(fc.constantFrom(...fields), fc.constantFrom<unknown>('x', 1n, Symbol.for('s'), null, { a: 1 }, [1]), (key, value) => {
      badCall('restoreScheduler', () => restoreScheduler(base as never, 0.1, withKey(state, key, value) as never));
    }), { seed: SEED, numRuns: 200 });
  });

  it('data helpers: datasets, scalers, oneHot, trainTestSplit', () => {
    const makers = { spiral, circles, xor } as Record<string, (o: unknown) => unknown>;
    const tables: Record<string, Record<string, Kind>> = {
      spiral: { samples: 'posInt', classes: 'posInt', noise: 'num', seed: 'seed' },
      circles: { samples: 'posInt', noise: 'num', factor: 'num', seed: 'seed' },
      xor: { samples: 'posInt', noise: 'num', seed: 'seed' },
    };
    fc.assert(fc.property(fc.constantFrom('spiral', 'circles', 'xor').chain((name) => pick(tables[name]).map((b) => ({ ...b, name }))), ({ name, key, value }) => {
      badCall(`data.${name}`, () => makers[name](withKey({ samples: 20, seed: 1 }, key, value)), { key, value });
    }), { seed: SEED, numRuns: 600 });
    fc.assert(fc.property(badInputs.filter((x) => !(Array.isArray(x) && x.length === 1)), (x) => badCall('data.fitStandardScaler', () => fitStandardScaler(x as never))), { seed: SEED, numRuns: 200 });
    fc.assert(fc.property(fc.constantFrom<unknown>([0, 3], [0, -1], [0, 1.5], [NaN], ['a'], null, 'ab'), BAD.posInt, (labels, classes) => {
      badCall('data.oneHot labels', () => oneHot(labels as never, 3));
      badCall('data.oneHot classes', () => oneHot([0, 1], classes as never));
    }), { seed: SEED, numRuns: 150 });
    fc.assert(fc.property(pick({ testFraction: 'num', seed: 'seed', stratify: 'bool' }), ({ key, value }) => {
      badCall('data.trainTestSplit', () => trainTestSplit(X, Y, withKey({ testFraction: 0.25, seed: 1 }, key, value) as never), { key, value });
    }), { seed: SEED, numRuns: 200 });
  });

  it('race, lr-finder, surfaces', () => {
    fc.assert(fc.property(pick({ optimizers: 'obj', epochs: 'posInt', batchSize: 'posInt', seed: 'seed' }), ({ key, value }) => {
      badCall('race', () => raceSync(net, X, Y, withKey({ optimizers: [adam], epochs: 1, batchSize: 4, seed: 1 }, key, value) as never), { key, value });
    }), { seed: SEED, numRuns: 300 });
    fc.assert(fc.property(pick({ optimizer: 'obj', 'optimizer.type': 'enum', startLr: 'f32', endLr: 'num', numIter: 'posInt', batchSize: 'posInt', smoothing: 'num', divergeThreshold: 'num' }), ({ key, value }) => {
      badCall('lr-finder', () => findLearningRate(net, X, Y, withKey({ optimizer: { type: 'sgd', lr: 0.1 }, startLr: 1e-4, endLr: 1, numIter: 5, batchSize: 4 }, key, value) as never), { key, value });
    }), { seed: SEED, numRuns: 400 });
    fc.assert(fc.property(fc.constantFrom(...Object.values(SURFACES)), pick({ optimizer: 'obj', 'optimizer.type': 'enum', 'optimizer.lr': 'num', steps: 'posInt', start: 'obj' }), (surface, { key, value }) => {
      badCall('surfaces.runSurface', () => runSurface(module, surface, withKey({ optimizer: { type: 'sgd', lr: 0.01 }, steps: 3, start: [0.5, 0.5] }, key, value) as never), { key, value });
    }), { seed: SEED, numRuns: 300 });
  });

  it('replay: malformed cases', () => {
    const good = {
      spec: { inputs: 2, layers: [{ units: 2 }], loss: 'mse' },
      optimizer: { type: 'sgd', lr: 0.1 },
      parameters: [{ weight: [0.1, 0.2, 0.3, 0.4], bias: [0, 0] }],
      batches: [{ x: [[1, 2]], y: [[0, 1]] }],
    };
    const table: Record<string, Kind> = { steps: 'posInt', spec: 'obj', 'spec.loss': 'enum', optimizer: 'obj', 'optimizer.type': 'enum', 'optimizer.lr': 'num', parameters: 'obj', batches: 'obj' };
    fc.assert(fc.property(pick(table), fc.boolean(), ({ key, value }, whole) => {
      badCall('replay', () => runReplay(whole ? value : withKey(good, key, value), module));
    }), { seed: SEED, numRuns: 500 });
  });

  it('checkpoint: truncated and bit-flipped bytes, on readCheckpoint and loadCheckpoint', () => {
    const bytes = saveCheckpoint(control);
    fc.assert(fc.property(fc.nat(bytes.length - 1).map((n) => bytes.slice(0, n)), (truncated) => {
      badCall('checkpoint.readCheckpoint', () => readCheckpoint(truncated), undefined, { unnamed: true });
    }), { seed: SEED, numRuns: 500 });
    // Truncations and bit flips, on both: the CRC-32 covers the tensor names and shapes as well as
    // the payload, so even a flip that renames a tensor (0.bias → 1.bias) is refused on read.
    const flips = fc.oneof(
      fc.nat(bytes.length - 1).map((n) => bytes.slice(0, n)),
      fc.tuple(fc.nat(bytes.length - 1), fc.nat(7)).map(([i, b]) => {
        const c = bytes.slice();
        c[i] ^= 1 << b;
        return c;
      }),
    );
    // Not asserted: that the message renders `value` (the offending offset or length) — it describes
    // what is wrong with the bytes instead (e.g. "its header is not valid JSON", value 585).
    fc.assert(fc.property(flips, (corrupt) => {
      badCall('checkpoint.readCheckpoint', () => readCheckpoint(corrupt), undefined, { unnamed: true });
    }), { seed: SEED, numRuns: 300 });
    fc.assert(fc.property(flips, (corrupt) => {
      badCall('checkpoint.loadCheckpoint', () => loadCheckpoint(net, corrupt), undefined, { unnamed: true });
    }), { seed: SEED, numRuns: 600 });
  });

  it('diagnostics: histograms()', () => {
    fc.assert(fc.property(fc.oneof(BAD.posInt, fc.integer({ min: 10_000, max: 1e9 })), (bins) => {
      badCall('diagnostics.histograms', () => histograms({ bins } as never), { key: 'bins', value: bins });
    }), { seed: SEED, numRuns: 200 });
  });
});

group('generated bad flags on the CLI', () => {
  it('each exits 2 with one `descent: ` line naming the flag, no stack', async () => {
    const flags: Record<string, { cmd: string; values: string[] }> = {
      '--epochs': { cmd: 'train', values: ['abc', '1.5', '0', '-1', 'NaN', '1e400', ''] },
      '--batch-size': { cmd: 'train', values: ['abc', '0', '2.5', 'Infinity'] },
      '--lr': { cmd: 'train', values: ['abc', 'NaN', '1x'] },
      '--momentum': { cmd: 'train', values: ['abc', 'NaN'] },
      '--betas': { cmd: 'train', values: ['a,b', '0.9', 'NaN,0.9'] },
      '--threads': { cmd: 'train', values: ['0', 'abc', '1.5'] },
      '--samples': { cmd: 'train', values: ['1', 'abc'] },
      '--layers': { cmd: 'train', values: ['a,b', '0', '-3'] },
      '--schedule': { cmd: 'train', values: ['{', '[]', '42'] },
      '--validation-split': { cmd: 'train', values: ['abc', 'NaN'] },
      '--early-stopping': { cmd: 'train', values: ['-1', 'abc'] },
      '--guard': { cmd: 'train', values: ['bogus'] },
      '--kernels': { cmd: 'train', values: ['bogus'] },
      '--mode': { cmd: 'train', values: ['bogus'] },
      '--seed': { cmd: 'train', values: ['-1', 'abc', '1.5'] },
      'lr-find --batch-size': { cmd: 'lr-find', values: ['0', 'abc'] },
      'lr-find --num-iter': { cmd: 'lr-find', values: ['0', '1.5', 'abc'] },
      'lr-find --start-lr': { cmd: 'lr-find', values: ['abc', 'NaN', '-1'] },
      'lr-find --end-lr': { cmd: 'lr-find', values: ['abc', '-1'] },
      'lr-find --layers': { cmd: 'lr-find', values: ['a', '0'] },
      'diagnose --epochs': { cmd: 'diagnose', values: ['0', 'abc', '1.5'] },
      'diagnose --seed': { cmd: 'diagnose', values: ['abc', '1.5'] },
      'replay --threads': { cmd: 'replay', values: ['0', 'abc'] },
    };
    const arb = fc.constantFrom(...Object.keys(flags)).chain((key) => fc.constantFrom(...flags[key].values).map((v) => ({ flag: key.split(' ').at(-1)!, v, cmd: flags[key].cmd })));
    const base: Record<string, string[]> = { train: ['--dataset', 'xor', '--epochs', '1'], 'lr-find': ['--dataset', 'xor'], diagnose: ['--dataset', 'xor'], replay: ['no-such-case.json'] };
    const write = process.stderr.write;
    const writeOut = process.stdout.write;
    await fc.assert(fc.asyncProperty(arb, async ({ flag, v, cmd }) => {
      let err = '';
      process.stderr.write = ((s: string) => ((err += s), true)) as never;
      process.stdout.write = (() => true) as never;
      let code: number;
      try {
        code = await main(['node', 'descent', cmd, ...base[cmd], `${flag}=${v}`]);
      } finally {
        process.stderr.write = write;
        process.stdout.write = writeOut;
      }
      expect(code, `${flag}=${v}: ${err}`).toBe(2);
      expect(err, `${flag}=${v}`).toMatch(/^descent: /);
      expect(err, `${flag}=${v}`).toContain(flag);
      expect(err, `${flag}=${v}`).not.toMatch(/\n\s+at /);
      count(`cli ${cmd}`);
    }), { seed: SEED, numRuns: 100 });
  });

  it('spawned: bin/descent.js with a bad flag exits 2 with one `descent: ` line naming it, no stack', () => {
    const runs = [['train', '--epochs=0'], ['train', '--lr=abc'], ['train', '--optimizer=bogus'], ['train', '--layers=a,b'], ['train', '--schedule={'], ['lr-find', '--num-iter=0'], ['diagnose', '--epochs=abc'], ['train', '--no-such-flag']];
    for (const args of runs) {
      const r = spawnSync(process.execPath, [fileURLToPath(new URL('../bin/descent.js', import.meta.url)), ...args], { encoding: 'utf8', timeout: 30_000 });
      const flag = args[1].split('=')[0];
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^descent: /);
      expect(r.stderr, args.join(' ')).toContain(flag);
      expect(r.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
      count('cli spawned');
    }
  });
});

group('defects the generated calls found', () => {
  it('a fit with restarts is checked before the first re-initialisation: a bad optimizer, x or validationData changes nothing', async () => {
    for (const bad of [
      { optimizer: 42 },
      { validationData: { x: [[NaN, 0]], y: [0] } },
      { schedule: { type: 'bogus' } },
    ]) {
      const before = bits(net);
      const options = { ...fitBase, ...bad } as never;
      throwsTyped(() => net.fitSync(X, Y, options), `restarts ${describe(bad)}`);
      await rejectsTyped(() => net.fit(X, Y, options), `restarts ${describe(bad)}`);
      unchanged(before, 'restarts');
    }
    const before = bits(net);
    throwsTyped(() => net.fitSync([[1, 'a' as never]], [0], fitBase as never), 'restarts, bad x');
    unchanged(before, 'restarts, bad x');
  });


  it('oneHot with a class count no array can hold (1e39, 2^31) is a ConfigError naming it, not a RangeError', () => {
    for (const classes of [1e39, 2 ** 31]) {
      let error: unknown;
      try {
        oneHot([0, 1], classes);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ name: 'ConfigError', path: 'classes', value: classes });
      expect((error as Error).message).toContain(describe(classes));
    }
    expect(oneHot([0, 1], 3).shape).toEqual([2, 3]);
  });

  it('a flat x without a column count names the value it was given', () => {
    let error: unknown;
    try {
      fitStandardScaler(new Float32Array([1, 2, 3, 4]) as never);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'DataError', path: 'x' });
    expect((error as Error).message).toContain('a Float32Array of length 4');
  });
});

group('the total', () => {
  it('at least 10,000 generated bad calls ran', () => {
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10_000);
  });
});
