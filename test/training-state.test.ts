// Training-control state as plain data (what checkpoints will store): onEpochEnd's
// run.trainingState() holds the schedule's, early stopping's and the guard's state; each
// survives JSON, and a fresh early stopper or guard loaded from it carries on as the
// original does.
import { describe, expect, it } from 'vitest';
import { EarlyStopper } from '../src/train/early-stopping.js';
import type { Engine } from '../src/engine/engine.js';
import { Guard } from '../src/train/guard.js';
import type { OptimizerState } from '../src/optim/optimizer.js';
import { schedule } from '../src/schedules.js';
import type { EarlyStoppingState, NetworkSpec, TrainingState } from '../src/types.js';
import { makeNetwork, xorData } from './helpers/network.js';

const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const spec: NetworkSpec = { inputs: 2, layers: [{ units: 8, activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 3 };
const data = xorData(64, 5);

describe('run.trainingState() in onEpochEnd', () => {
  it('holds each part the run uses, as JSON-safe data, and null for the others', () => {
    const net = makeNetwork(spec);
    const states: TrainingState[] = [];
    const history = net.fitSync(data.x, data.y, {
      optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 }, epochs: 6, batchSize: 16, preflight: 'off', validationSplit: 0.25,
      earlyStopping: { patience: 10, restoreBestWeights: true }, guard: 'recover',
      schedule: schedule({ type: 'stepLR', stepSize: 2, gamma: 0.5 }),
      onEpochEnd: (_, run) => { states.push(run.trainingState()); },
    });
    expect(states).toHaveLength(6);
    for (const s of states) expect(viaJson(s)).toEqual(s);
    const last = states[5];
    expect([last.epoch, last.steps]).toEqual([6, history.steps]);
    expect(last.earlyStopping!.bestEpoch).toBe(history.bestEpoch);
    expect(last.earlyStopping!.best).toBe(Math.min(...history.epochs.map((e) => e.validation!.loss)));
    const paramCount = net.getParameters().reduce((n, l) => n + l.weight.length + l.bias.length, 0);
    expect(last.earlyStopping!.bestWeights).toHaveLength(paramCount);
    expect(last.guard!.snapshot!.values).toHaveLength(4 * paramCount);
    expect(last.guard!.steps).toBe(history.steps);
    // stepLR halves every 2 epochs, and the state is taken after the epoch's scheduler step.
    expect(states.map((s) => s.schedule!.lr)).toEqual([0.1, 0.05, 0.05, 0.025, 0.025, 0.0125].map((v) => expect.closeTo(v, 12)));

    const plain = makeNetwork(spec);
    let bare: TrainingState | null = null;
    plain.fitSync(data.x, data.y, { optimizer: { type: 'adam' }, epochs: 1, preflight: 'off', onEpochEnd: (_, run) => { bare = run.trainingState(); } });
    expect(bare).toMatchObject({ epoch: 1, schedule: null, earlyStopping: null, guard: null });
  });
});

describe('early stopping resumed from its state', () => {
  const engine = { paramCount: 3, params: 0, f32: new Float32Array(3), layers: [] } as unknown as Engine;
  const options = { monitor: 'val_loss', minDelta: 0.01, patience: 2, mode: 'auto', restoreBestWeights: true } as const;
  const values = [1, 0.8, 0.85, 0.79, 0.6, 0.7, 0.65, 0.61, 0.9];

  it('makes the same decisions as the run it was taken from', () => {
    for (let cut = 0; cut <= values.length; cut++) {
      const whole = new EarlyStopper(engine, options);
      const first = values.slice(0, cut).map((v, i) => whole.update(v, i));
      const resumed = new EarlyStopper(engine, options);
      resumed.load(viaJson(whole.state()));
      const rest = values.slice(cut).map((v, i) => [whole.update(v, cut + i), resumed.update(v, cut + i)]);
      for (const [a, b] of rest) expect(b).toBe(a);
      expect(resumed.state()).toEqual(whole.state());
      // 0.79 misses 0.8 − minDelta; 0.6 at epoch 4, then three epochs without: stop at epoch 7.
      expect(first.concat(rest.map(([a]) => a)).indexOf(true)).toBe(7);
    }
  });

  it('refuses best weights of another size', () => {
    const s: EarlyStoppingState = { best: 1, wait: 0, bestEpoch: 0, bestWeights: [1, 2] };
    expect(() => new EarlyStopper(engine, options).load(s)).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'earlyStopping.bestWeights', value: 2 }));
  });
});

describe('the guard resumed from its state', () => {
  it('reads back exactly what it wrote, through JSON, events and snapshot included', () => {
    const net = makeNetwork({ inputs: 2, layers: [{ units: 16, activation: 'relu' }, { units: 16, activation: 'relu' }, { units: 2 }], loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 3 });
    const clean = xorData(40, 2);
    const x = clean.x.map((r, i) => (i === 7 ? [3.4e38, 3.4e38] : r)); // overflows at step 8
    let state: TrainingState | null = null;
    net.fitSync(x, clean.y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 1, shuffle: false, epochs: 2, preflight: 'off', guard: 'recover', onEpochEnd: (_, run) => { state = run.trainingState(); } });
    const saved = viaJson(state!.guard!);
    expect(saved.events.map((e) => e.action)).toEqual(['recovered', 'recovered']);
    expect(saved.recoveries).toBe(2);
    expect(saved.lrScale).toBe(0.25);

    const paramCount = saved.snapshot!.values.length / 4;
    const fake = { paramCount } as unknown as Engine;
    const guard = new Guard(fake, { mode: 'recover', snapshotEvery: 100, maxRecoveries: 5 }, {} as OptimizerState);
    guard.load(saved);
    expect(guard.state()).toEqual(saved);
    expect(() => guard.load({ ...saved, snapshot: { ...saved.snapshot!, values: [0] } }))
      .toThrow(expect.objectContaining({ name: 'ConfigError', path: 'guard.snapshot.values', value: 1 }));
  });
});
