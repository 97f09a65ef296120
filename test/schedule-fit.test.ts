// Learning-rate schedules inside fit: the lr each step uses follows the schedule (stepped
// per epoch or per step), it reaches the optimizer (the trajectory equals fits run epoch by
// epoch at those rates), reduceLROnPlateau watches its monitor, and bad schedules are
// rejected before anything changes. The schedules' own values are checked against PyTorch
// in schedulers.test.ts.
import { describe, expect, it } from 'vitest';
import { createScheduler, restoreScheduler, schedule } from '../src/schedules.js';
import type { FitOptions, NetworkSpec, SchedulerState } from '../src/types.js';
import { makeNetwork, xorData } from './helpers/network.js';
import { resolveExport } from './helpers/exports.js';

const spec: NetworkSpec = { inputs: 2, layers: [{ units: 8, activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 2 };
const data = xorData(64, 4);

describe('fit with a schedule', () => {
  it('steps an epoch schedule after every epoch; the optimizer trains at those rates', () => {
    const lrs: number[] = [];
    const net = makeNetwork(spec);
    const h = net.fitSync(data.x, data.y, {
      optimizer: { type: 'sgd', lr: 0.4 }, batchSize: 16, epochs: 5, shuffle: false,
      schedule: schedule({ type: 'stepLR', stepSize: 2, gamma: 0.5 }),
      onBatchEnd: (b) => { lrs.push(b.lr); },
    });
    expect(h.epochs.map((e) => e.lr)).toEqual([0.4, 0.4, 0.2, 0.2, 0.1]);
    expect(lrs).toEqual([0.4, 0.4, 0.2, 0.2, 0.1].flatMap((lr) => [lr, lr, lr, lr]));
    // Plain SGD keeps no state, so epoch-by-epoch fits at the same rates give the same weights.
    const manual = makeNetwork(spec);
    for (const lr of [0.4, 0.4, 0.2, 0.2, 0.1]) manual.fitSync(data.x, data.y, { optimizer: { type: 'sgd', lr }, batchSize: 16, shuffle: false });
    expect(net.getParameters()).toEqual(manual.getParameters());
  });

  it('steps oneCycleLR after every optimizer step, as a standalone scheduler does', () => {
    const lrs: number[] = [];
    const config = { type: 'oneCycleLR', maxLr: 0.05, epochs: 3, stepsPerEpoch: 4 } as const;
    const h = makeNetwork(spec).fitSync(data.x, data.y, { optimizer: { type: 'adam', lr: 1e-3 }, batchSize: 16, epochs: 3, schedule: schedule(config), onBatchEnd: (b) => { lrs.push(b.lr); } });
    const ref = createScheduler(config, 1e-3, { baseMomentum: 0.9 });
    const want: number[] = [];
    for (let i = 0; i < 12; i++) {
      want.push(ref.lr);
      ref.step();
    }
    expect(lrs).toEqual(want);
    expect(h.epochs.map((e) => e.lr)).toEqual([want[3], want[7], want[11]]);
    // Cycling Adam's β₁ changes the trajectory against the same lrs with β₁ fixed.
    const fixed = makeNetwork(spec);
    fixed.fitSync(data.x, data.y, { optimizer: { type: 'adam', lr: 1e-3 }, batchSize: 16, epochs: 3, schedule: schedule({ ...config, cycleMomentum: false }) });
    const cycled = makeNetwork(spec);
    cycled.fitSync(data.x, data.y, { optimizer: { type: 'adam', lr: 1e-3 }, batchSize: 16, epochs: 3, schedule: schedule(config) });
    expect(cycled.getParameters()).not.toEqual(fixed.getParameters());
  });

  it('steps cyclicLR after every optimizer step and cycles SGD momentum, as a standalone scheduler does', () => {
    const lrs: number[] = [];
    const config = { type: 'cyclicLR', baseLr: 0.01, maxLr: 0.1, stepSizeUp: 3 } as const;
    const states: SchedulerState[] = [];
    const h = makeNetwork(spec).fitSync(data.x, data.y, {
      optimizer: { type: 'sgd', lr: 0.5, momentum: 0.9 }, batchSize: 16, epochs: 3, schedule: schedule(config),
      onBatchEnd: (b) => { lrs.push(b.lr); }, onEpochEnd: (_, run) => { states.push(run.trainingState().schedule!); },
    });
    const ref = createScheduler(config, 0.5, { baseMomentum: 0.9 });
    const want: number[] = [];
    for (let i = 0; i < 12; i++) {
      want.push(ref.lr);
      ref.step();
    }
    expect(lrs).toEqual(want);
    expect(want[0]).toBe(0.01); // cyclicLR replaces the optimizer's lr with its baseLr
    expect(h.epochs.map((e) => e.lr)).toEqual([want[3], want[7], want[11]]);
    // The run's trainingState() after epoch 1 resumes the schedule where it was (lr and momentum).
    const resumed = restoreScheduler(config, 0.5, JSON.parse(JSON.stringify(states[0])));
    expect(states[0]).toMatchObject({ type: 'cyclicLR', lastEpoch: 4 });
    expect(resumed.lr).toBe(want[4]);
    const rest = [resumed.lr];
    for (let i = 5; i < 12; i++) rest.push((resumed.step(), resumed.lr));
    expect(rest).toEqual(want.slice(4));
    const fixed = makeNetwork(spec);
    fixed.fitSync(data.x, data.y, { optimizer: { type: 'sgd', lr: 0.5, momentum: 0.9 }, batchSize: 16, epochs: 3, schedule: schedule({ ...config, cycleMomentum: false }) });
    const cycled = makeNetwork(spec);
    cycled.fitSync(data.x, data.y, { optimizer: { type: 'sgd', lr: 0.5, momentum: 0.9 }, batchSize: 16, epochs: 3, schedule: schedule(config) });
    expect(cycled.getParameters()).not.toEqual(fixed.getParameters());
  });

  it('steps chainedScheduler, constantLR, polynomialLR and multiplicativeLR after every epoch', () => {
    const config = { type: 'chainedScheduler', schedulers: [{ type: 'constantLR', factor: 0.5, totalIters: 2 }, { type: 'polynomialLR', totalIters: 4, power: 2 }, { type: 'multiplicativeLR', lrLambda: () => 0.9 }] } as const;
    const h = makeNetwork(spec).fitSync(data.x, data.y, { optimizer: { type: 'sgd', lr: 0.4 }, batchSize: 32, epochs: 5, schedule: schedule(config) });
    const ref = createScheduler(config, 0.4);
    const want = [0, 1, 2, 3, 4].map((i) => (i > 0 && ref.step(), ref.lr));
    expect(h.epochs.map((e) => e.lr)).toEqual(want);
    expect(want[4]).toBe(0); // polynomial reaches 0 at totalIters
  });

  it('reduceLROnPlateau cuts the rate once its monitor stops improving for `patience` epochs', () => {
    const h = makeNetwork(spec).fitSync(data.x, data.y, {
      optimizer: { type: 'sgd', lr: 1e-6 }, batchSize: 64, epochs: 6, shuffle: false, validationSplit: 0.25,
      schedule: schedule({ type: 'reduceLROnPlateau', patience: 2, factor: 0.5 }),
    });
    // Steps of 1e-6 move the loss by far less than the 1e-4 relative threshold: epoch 0 sets
    // the best, epochs 1–3 are bad, and after the third the rate halves.
    expect(h.epochs.map((e) => e.lr)).toEqual([1e-6, 1e-6, 1e-6, 1e-6, 5e-7, 5e-7]);
  });
});

describe('bad schedules', () => {
  it.each<[unknown, string]>([
    [{ type: 'stepLR', stepSize: 0 }, 'options.schedule.stepSize'],
    [{ type: 'exponentialLR', gamma: 'x' }, 'options.schedule.gamma'],
    [{ type: 'warmup' }, 'options.schedule.type'],
    [{ type: 'stepLR', stepSize: 2, interval: 'batch' }, 'options.schedule.interval'],
    [{ type: 'stepLR', stepSize: 2, monitor: 'loss' }, 'options.schedule.monitor'],
    [{ type: 'reduceLROnPlateau', monitor: 'val_acc' }, 'options.schedule.monitor'],
    ['cosine', 'options.schedule'],
  ])('schedule(%j) is a ConfigError naming %s', (config, path) => {
    expect(() => schedule(config as never)).toThrow(expect.objectContaining({ name: 'ConfigError', path }));
  });

  it.each<[unknown, unknown, string]>([
    [{ type: 'stepLR', stepSize: 2 }, { type: 'sgd', lr: 0.1 }, 'options.schedule'],
    [schedule({ type: 'oneCycleLR', maxLr: 0.1, totalSteps: 10 }), { type: 'adagrad' }, 'options.schedule.cycleMomentum'],
    [schedule({ type: 'cyclicLR', baseLr: 0.01, maxLr: 0.1 }), { type: 'adam' }, 'options.schedule.cycleMomentum'],
    [schedule({ type: 'chainedScheduler', schedulers: [{ type: 'constantLR' }, { type: 'cyclicLR', baseLr: 0.01, maxLr: 0.1 }] }), { type: 'adagrad' }, 'options.schedule.schedulers[1].cycleMomentum'],
    [schedule({ type: 'reduceLROnPlateau', monitor: 'val_loss' }), { type: 'sgd', lr: 0.1 }, 'options.schedule.monitor'],
  ])('fit rejects %j before anything changes', (s, optimizer, path) => {
    const net = makeNetwork(spec);
    const before = net.getParameters();
    expect(() => net.fitSync(data.x, data.y, { optimizer, schedule: s } as FitOptions)).toThrow(expect.objectContaining({ name: 'ConfigError', path }));
    expect(net.getParameters()).toEqual(before);
  });

  it('the trainer has no schedule option', () => {
    expect(() => makeNetwork(spec).trainer(data.x, data.y, { optimizer: { type: 'sgd', lr: 0.1 }, schedule: schedule({ type: 'stepLR', stepSize: 1 }) } as never)).toThrow(expect.objectContaining({ path: 'options.schedule' }));
  });
});

it("the shipped Node subpath 'descent/schedules' throws the main entry's ConfigError class", async () => {
  const main = await import(new URL(`../${resolveExport('.', ['node', 'import'])}`, import.meta.url).href);
  const sub = await import(new URL(`../${resolveExport('./schedules', ['node', 'import'])}`, import.meta.url).href);
  let error: unknown;
  try {
    sub.schedule({ type: 'stepLR', stepSize: 0 });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(main.ConfigError);
  expect(typeof main.schedule).toBe('undefined'); // the main entry leaves schedules out
});
