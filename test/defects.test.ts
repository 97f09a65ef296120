// The defects an adversarial run of generated bad calls found (issue 13), one test each, named
// for the defect: each fails if its fix is reverted. Silent or wrong results first, then typed
// errors, then messages that misreported the value.
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/cli/csv.js';
import { createNetwork } from '../src/node.js';
import { schedule } from '../src/schedules.js';
import type { FitOptions, LayerParameters, NetworkSpec, TrainerOptions } from '../src/types.js';
import { makeNetwork, xorData } from './helpers/network.js';

const regression: NetworkSpec = { inputs: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 1 }], loss: 'mse', seed: 3 };
const regX = [[0, 1], [1, 0], [1, 1], [0, 0], [0.5, 0.5], [0.2, 0.9]];
const regY = regX.map(([a, b]) => [a - b]);
const sgd = { type: 'sgd', lr: 0.1 } as const;
const off = { preflight: 'off' } as const;
const expectError = (f: () => unknown, name: string, path: string, message?: RegExp) => {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error, 'it throws').toBeDefined();
  expect(error).toMatchObject({ name, path });
  if (message) expect((error as Error).message).toMatch(message);
  return error as Error & { path: string; value: unknown };
};
const copy = (p: LayerParameters[]) => p.map((l) => ({ weight: Array.from(l.weight), bias: Array.from(l.bias) }));

describe('memory plans past 2 GiB', () => {
  it('a network whose plan is between 2 and 4 GiB (8192 → 13300 → 10) is a DataError at creation, naming the size', () => {
    // 109 M parameters: parameters, gradients and three optimizer slots take 2.2 GB, which a
    // wasm memory can hold but whose upper offsets wrap negative in the host's i32 arithmetic.
    const spec: NetworkSpec = { inputs: 8192, layers: [{ units: 13300, activation: 'relu' }, { units: 10 }], loss: 'softmax_cross_entropy' };
    const error = expectError(() => makeNetwork(spec), 'DataError', 'memory', /needs 2\d{3} MiB of wasm memory .*more than the 2 GiB descent addresses/);
    expect(error.value).toBeGreaterThan(2 ** 31);
    expect(error.value).toBeLessThan(2 ** 32);
  });

  it('a fit whose workspace would pass 2 GiB is a DataError before anything changes; the network trains on after', () => {
    // A batch of 2,300 rows through 60,000 ReLU units: z, a and two delta buffers, 2.2 GB.
    const net = makeNetwork({ inputs: 1, layers: [{ units: 60000, activation: 'relu' }, { units: 1 }], loss: 'mse', seed: 1 });
    const x = Array.from({ length: 2300 }, (_, i) => [i / 2300]);
    const y = x.map(([v]) => [v]);
    const t = net.trainer(x.slice(0, 4), y.slice(0, 4), { optimizer: sgd });
    const before = copy(net.getParameters());
    const memory = net.summary().memoryBytes;
    expectError(() => net.fitSync(x, y, { optimizer: sgd, batchSize: 2300, ...off }), 'DataError', 'memory', /more than the 2 GiB/);
    expect(copy(net.getParameters())).toEqual(before);
    expect(net.summary().memoryBytes).toBe(memory);
    t.step(); // the live trainer was not superseded
    expect(t.steps).toBe(1);
    expect(net.fitSync(x.slice(0, 8), y.slice(0, 8), { optimizer: sgd, batchSize: 4, ...off }).steps).toBe(2);
  });
});

describe('a throwing onDiagnostics in trainer.step()', () => {
  it('leaves the step counted and the batch cursor moved: the next step takes the next batch, not the same one twice', () => {
    const options: TrainerOptions = { optimizer: sgd, batchSize: 2, shuffle: false, diagnostics: { every: 1 } };
    const reference = makeNetwork(regression);
    const r = reference.trainer(regX, regY, options);
    const net = makeNetwork(regression);
    let calls = 0;
    const t = net.trainer(regX, regY, { ...options, onDiagnostics: () => { if (++calls === 1) throw new Error('callback failed'); } });
    expect(() => t.step()).toThrow('callback failed');
    r.step();
    expect(t.steps).toBe(1);
    expect(t.loss).toBe(r.loss);
    t.step();
    r.step();
    expect(t.steps).toBe(2);
    expect(t.loss).toBe(r.loss);
    expect(net.getParameters()).toEqual(reference.getParameters());
  });

  it('a throwing onVerdict likewise', () => {
    const net = makeNetwork(regression);
    const t = net.trainer(regX, regY, {
      optimizer: { type: 'sgd', lr: 1e6 }, batchSize: 2, shuffle: false, diagnostics: { every: 1 },
      onVerdict: () => { throw new Error('verdict callback failed'); },
    });
    let threw = 0;
    for (let i = 0; i < 6; i++) {
      try {
        t.step();
      } catch {
        threw++;
      }
    }
    expect(threw).toBeGreaterThan(0);
    expect(t.steps).toBe(6);
    expect(t.epoch).toBe(1);
  });
});

describe('losses above float32 range', () => {
  // One linear unit: weight 2e20 on x = 1 gives an output of 2e20, an MSE of 4e40 against 0,
  // which PyTorch's float32 loss reports as inf (torch.nn.MSELoss()(torch.tensor([2e20]), torch.tensor([0.])) is inf).
  const overflowing = () => {
    const net = makeNetwork({ inputs: 1, layers: [{ units: 1 }], loss: 'mse' });
    net.setParameters([{ weight: [2e20], bias: [0] }]);
    return net;
  };

  it('are Infinity, as PyTorch\'s float32 loss is, in evaluate, trainer.loss and the history', () => {
    const net = overflowing();
    expect(net.evaluate([[1]], [[0]]).loss).toBe(Infinity);
    const t = net.trainer([[1]], [[0]], { optimizer: { type: 'sgd', lr: 0 } });
    t.step();
    expect(t.loss).toBe(Infinity);
    const h = overflowing().fitSync([[1]], [[0]], { optimizer: { type: 'sgd', lr: 0 }, ...off });
    expect(h.epochs[0].loss).toBe(Infinity);
    expect(h.stopReason).toBe('diverged');
  });

  it('are non-finite to the guard, which refuses the step', () => {
    const net = overflowing();
    const error = expectError(() => net.fitSync([[1]], [[0]], { optimizer: sgd, guard: 'throw', ...off }), 'NumericalError', 'loss');
    expect(error.value).toBe(Infinity);
    expect(net.getParameters()[0].weight[0]).toBe(Math.fround(2e20));
  });

  it('a loss just inside float32 range stays finite and rounded to float32', () => {
    const net = makeNetwork({ inputs: 1, layers: [{ units: 1 }], loss: 'mse' });
    net.setParameters([{ weight: [1e19], bias: [0] }]);
    const loss = net.evaluate([[1]], [[0]]).loss;
    expect(loss).toBe(Math.fround(Math.fround(1e19) ** 2));
  });
});

describe('accuracy monitors on a regression network are rejected before any step', () => {
  const x = regX, y = regY;
  it.each<[string, FitOptions, string]>([
    ['earlyStopping.monitor accuracy', { optimizer: sgd, earlyStopping: { monitor: 'accuracy' } }, 'options.earlyStopping.monitor'],
    ['earlyStopping.monitor val_accuracy', { optimizer: sgd, validationSplit: 0.5, earlyStopping: { monitor: 'val_accuracy' } }, 'options.earlyStopping.monitor'],
    ['reduceLROnPlateau on accuracy', { optimizer: sgd, schedule: schedule({ type: 'reduceLROnPlateau', monitor: 'accuracy' }) }, 'options.schedule.monitor'],
    ['restarts.metric accuracy', { optimizer: sgd, restarts: { count: 2, metric: 'accuracy' } }, 'options.restarts.metric'],
  ])('%s: a ConfigError, weights unchanged, the live trainer kept', (_, options, path) => {
    const net = makeNetwork(regression);
    const t = net.trainer(x, y, { optimizer: sgd });
    const before = copy(net.getParameters());
    expectError(() => net.fitSync(x, y, { ...options, epochs: 2, ...off }), 'ConfigError', path, /needs a classifier/);
    expect(copy(net.getParameters())).toEqual(before);
    t.step();
    expect(t.steps).toBe(1);
  });

  it('a classifier still takes accuracy monitors', () => {
    const d = xorData(40);
    const net = makeNetwork({ inputs: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy' });
    const h = net.fitSync(d.x, d.y, { optimizer: sgd, epochs: 2, earlyStopping: { monitor: 'accuracy', patience: 5 }, restarts: { count: 2, metric: 'accuracy' }, ...off });
    expect(h.restarts!.metrics.every(Number.isFinite)).toBe(true);
  });
});

describe('fits rejected before their first step', () => {
  it('signal: { aborted: false } is a ConfigError up front, and the live trainer stays', async () => {
    const net = makeNetwork(regression);
    const t = net.trainer(regX, regY, { optimizer: sgd });
    const before = copy(net.getParameters());
    await expect(net.fit(regX, regY, { optimizer: sgd, signal: { aborted: false } as AbortSignal, ...off }))
      .rejects.toMatchObject({ name: 'ConfigError', path: 'options.signal', message: 'options.signal must be an AbortSignal, got {"aborted":false}' });
    expect(copy(net.getParameters())).toEqual(before);
    t.step();
    expect(t.steps).toBe(1);
  });

  it('an already aborted signal rejects with its reason and leaves the live trainer', async () => {
    const net = makeNetwork(regression);
    const t = net.trainer(regX, regY, { optimizer: sgd });
    const controller = new AbortController();
    controller.abort();
    await expect(net.fit(regX, regY, { optimizer: sgd, signal: controller.signal, ...off })).rejects.toMatchObject({ name: 'AbortError' });
    t.step();
    expect(t.steps).toBe(1);
  });

  it('a throwing onWarning (a pre-flight warning) rejects and leaves the live trainer', () => {
    // Five sigmoid layers with Xavier: the pre-flight check warns (deep_saturating).
    const spec: NetworkSpec = { inputs: 2, layers: [...Array.from({ length: 5 }, () => ({ units: 16, activation: 'sigmoid' as const })), { units: 2 }], loss: 'softmax_cross_entropy', init: 'xavier_uniform', seed: 1 };
    const d = xorData(40);
    const net = makeNetwork(spec);
    const t = net.trainer(d.x, d.y, { optimizer: sgd });
    const before = copy(net.getParameters());
    expect(() => net.fitSync(d.x, d.y, { optimizer: sgd, onWarning: () => { throw new Error('no warnings here'); } })).toThrow('no warnings here');
    expect(copy(net.getParameters())).toEqual(before);
    t.step();
    expect(t.steps).toBe(1);
  });

  it('the pre-flight report of a fit is the same as before (the first rows, in stored order)', () => {
    const d = xorData(40);
    const net = makeNetwork({ inputs: 2, layers: [{ units: 8, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 2 });
    const alone = net.preflight(d.x, d.y, { batchSize: 16 });
    const h = net.fitSync(d.x, d.y, { optimizer: { type: 'sgd', lr: 0 }, batchSize: 16 });
    expect(h.preflight).toEqual(alone);
  });
});

describe('the guard', () => {
  // x = 1e20 through weight 0.1: output 1e19 (finite), MSE 1e38 (finite in float32), and
  // ∂L/∂w = 2·1e19·1e20 = 2e39, which overflows float32: the gradients are where it breaks.
  const gradientOverflow = () => {
    const net = makeNetwork({ inputs: 1, layers: [{ units: 1 }], loss: 'mse' });
    net.setParameters([{ weight: [0.1], bias: [0] }]);
    return net;
  };

  it("NumericalError.value is the offending gradient when path is 'gradients', not the loss", () => {
    const error = expectError(() => gradientOverflow().fitSync([[1e20]], [[0]], { optimizer: sgd, guard: 'throw', ...off }), 'NumericalError', 'gradients');
    expect(error.value).toBe(Infinity);
    expect((error as unknown as { layer: number }).layer).toBe(0);
  });

  it('trainer() takes a guard, with fit\'s semantics', () => {
    const net = gradientOverflow();
    const t = net.trainer([[1e20]], [[0]], { optimizer: sgd, guard: 'throw' });
    expectError(() => t.step(), 'NumericalError', 'gradients');
    expect(net.getParameters()[0].weight[0]).toBeCloseTo(0.1, 7);
    const skip = gradientOverflow().trainer([[1e20]], [[0]], { optimizer: sgd, guard: 'skip' });
    skip.step();
    expect(skip.guardEvents).toMatchObject([{ step: 1, where: 'gradients', action: 'skipped' }]);
    expect(skip.steps).toBe(1);
    expectError(() => net.trainer([[1]], [[0]], { optimizer: sgd, guard: 'sometimes' as 'skip' }), 'ConfigError', 'options.guard');
    expect(net.trainer([[1]], [[0]], { optimizer: sgd }).guardEvents).toEqual([]);
  });
});

describe('typed errors', () => {
  it('predict(new BigInt64Array(4)) is a DataError naming the bigint', () => {
    const net = makeNetwork(regression);
    expectError(() => net.predict(new BigInt64Array(4) as unknown as number[]), 'DataError', 'x[0]', /x\[0\] must be a finite number, got 0n/);
  });

  it('createNetwork(spec, { module: {} }) is a ConfigError on options.module, as is module: null', async () => {
    await expect(createNetwork(regression, { module: {} as WebAssembly.Module })).rejects
      .toMatchObject({ name: 'ConfigError', path: 'options.module', message: 'options.module must be a compiled WebAssembly.Module, got {}' });
    await expect(createNetwork(regression, { module: null as unknown as WebAssembly.Module })).rejects.toMatchObject({ name: 'ConfigError', path: 'options.module' });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['batchSize', { batchSize: null }, 'options.batchSize'],
    ['epochs', { epochs: null }, 'options.epochs'],
    ['shuffle', { shuffle: null }, 'options.shuffle'],
    ['mode', { mode: null }, 'options.mode'],
    ['seed', { seed: null }, 'options.seed'],
    ['validationSplit', { validationSplit: null }, 'options.validationSplit'],
    ['preflight', { preflight: null }, 'options.preflight'],
    ['earlyStopping.monitor', { earlyStopping: { monitor: null } }, 'options.earlyStopping.monitor'],
    ['earlyStopping.patience', { earlyStopping: { patience: null } }, 'options.earlyStopping.patience'],
    ['restarts.seeds', { restarts: { count: 1, seeds: null } }, 'options.restarts.seeds'],
    ['optimizer.momentum', { optimizer: { type: 'sgd', lr: 0.1, momentum: null } }, 'options.optimizer.momentum'],
    ['earlyStopping: []', { earlyStopping: [] }, 'options.earlyStopping'],
    ['onWarning: 42', { onWarning: 42 }, 'options.onWarning'],
  ])('null is not "default": %s is rejected, as every other wrong type is', (_, options, path) => {
    const net = makeNetwork(regression);
    const before = copy(net.getParameters());
    const error = expectError(() => net.fitSync(regX, regY, { optimizer: sgd, ...off, ...options } as FitOptions), 'ConfigError', path);
    expect(error.message).toMatch(/^options\./);
    expect(copy(net.getParameters())).toEqual(before);
  });

  it('null is rejected in specs and createNetwork options too', async () => {
    expectError(() => makeNetwork({ ...regression, layers: [{ type: null as unknown as 'dense', units: 1 }] }), 'ConfigError', 'spec.layers[0].type', /got null/);
    expectError(() => makeNetwork({ ...regression, seed: null as unknown as number }), 'ConfigError', 'spec.seed', /got null/);
    await expect(createNetwork(regression, { kernels: null as unknown as 'simd' })).rejects.toMatchObject({ name: 'ConfigError', path: 'options.kernels' });
  });
});

describe('messages name the value as given', () => {
  it('seeds: [1, NaN] reads [1,NaN], not [1,null]', () => {
    const error = expectError(() => makeNetwork(regression).fitSync(regX, regY, { optimizer: sgd, restarts: { count: 2, seeds: [1, NaN] }, ...off }), 'ConfigError', 'options.restarts.seeds');
    expect(error.message).toBe('options.restarts.seeds must be 2 integers, got [1,NaN]');
  });

  it('1e39 in data reads 1e+39 and says float32, not Infinity', () => {
    const net = makeNetwork(regression);
    const error = expectError(() => net.predict([[1e39, 0]]), 'DataError', 'x[0][0]');
    expect(error.message).toBe('x[0][0] must be a finite number within float32 range, got 1e+39');
    expect(error.value).toBe(1e39);
    expectError(() => net.predict([0, -1e39]), 'DataError', 'x[1]', /within float32 range, got -1e\+39/);
  });

  it('1e39 in setParameters is rejected (it was stored as Infinity)', () => {
    const net = makeNetwork(regression);
    const p = copy(net.getParameters());
    const before = copy(net.getParameters());
    p[1].bias[0] = 1e39;
    expectError(() => net.setParameters(p), 'DataError', 'parameters[1].bias[0]', /within float32 range, got 1e\+39/);
    expect(copy(net.getParameters())).toEqual(before);
  });

  it('reinitialize(1n) reads 1n, not [object BigInt]', () => {
    expectError(() => makeNetwork(regression).reinitialize(1n as unknown as number), 'ConfigError', 'seed', /^seed must be an integer, got 1n$/);
  });

  it("{ data: 'ab', shape: [1, 2] } names the string, not NaN", () => {
    const error = expectError(() => makeNetwork(regression).predict({ data: 'ab' as unknown as number[], shape: [1, 2] }), 'DataError', 'x[0][0]');
    expect(error.message).toBe('x[0][0] must be a finite number, got "a"');
    expect(error.value).toBe('a');
    // Booleans and nulls were converted to 1 and 0 in a { data, shape } matrix.
    expectError(() => makeNetwork(regression).predict({ data: [1, true as unknown as number], shape: [1, 2] }), 'DataError', 'x[0][1]', /got true/);
  });
});

describe('CLI CSV', () => {
  it('a CSV with two label columns is an error naming the column (one was used as a feature)', () => {
    expectError(() => parseCsv('label,a,label\n0,1,1\n1,2,0\n', 'two.csv'), 'DataError', 'two.csv:1:3', /two\.csv:1: column "label" appears twice in the header \(columns 1 and 3\)/);
    expectError(() => parseCsv('a,label,a\n1,0,1\n', 'dup.csv'), 'DataError', 'dup.csv:1:3', /column "a" appears twice/);
    expect(parseCsv('a,label,b\n1,0,2\n').features).toEqual(['a', 'b']);
  });
});
