// The public synchronous step: network.trainer(x, y, options).step().
import { describe, expect, it } from 'vitest';
import type { NetworkSpec } from '../src/types.js';
import { makeNetwork, xorData } from './helpers/network.js';

const spec: NetworkSpec = { inputs: 2, layers: [{ units: 8, activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 4 };
const { x, y } = xorData(50);

describe('trainer', () => {
  it('takes the same steps as fit', () => {
    const a = makeNetwork(spec), b = makeNetwork(spec);
    const t = a.trainer(x, y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 16, seed: 2 });
    for (let i = 0; i < 12; i++) t.step(); // 3 epochs of 4 batches
    b.fitSync(x, y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 16, seed: 2, epochs: 3 });
    expect(a.getParameters()).toEqual(b.getParameters());
    expect(t.steps).toBe(12);
    expect(t.epoch).toBe(2);
  });
  it('reports the batch loss before the update', () => {
    const net = makeNetwork(spec);
    const t = net.trainer(x, y, { optimizer: { type: 'sgd', lr: 0.1 }, mode: 'batch' });
    expect(t.loss).toBeNaN();
    const before = net.evaluate(x, y).loss;
    t.step();
    expect(t.loss).toBeCloseTo(before, 6);
    expect(net.evaluate(x, y).loss).toBeLessThan(before);
  });
  it('is superseded by a later fit or trainer, and by dispose', () => {
    const net = makeNetwork(spec);
    const t = net.trainer(x, y, { optimizer: { type: 'adam' } });
    net.fitSync(x, y, { optimizer: { type: 'adam' } });
    expect(() => t.step()).toThrow(expect.objectContaining({ name: 'StateError' }));
    const t2 = net.trainer(x, y, { optimizer: { type: 'adam' } });
    t2.step();
    net.dispose();
    expect(() => t2.step()).toThrow(expect.objectContaining({ name: 'StateError' }));
  });
  it('keeps its data through predictions that grow memory', () => {
    const wide: NetworkSpec = { ...spec, layers: [{ units: 256, activation: 'tanh' }, { units: 2 }] };
    const a = makeNetwork(wide), b = makeNetwork(wide);
    const ta = a.trainer(x, y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 10, shuffle: false });
    const tb = b.trainer(x, y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 10, shuffle: false });
    ta.step();
    tb.step();
    const bytes = a.summary().memoryBytes;
    a.predict(xorData(5000, 3).x); // re-plans a's workspace: batch buffers grow, resident data moves
    expect(a.summary().memoryBytes).toBeGreaterThan(bytes);
    for (let i = 0; i < 7; i++) { ta.step(); tb.step(); }
    expect(a.getParameters()).toEqual(b.getParameters());
  });
  it('rejects fit-only options naming them', () => {
    expect(() => makeNetwork(spec).trainer(x, y, { optimizer: { type: 'adam' }, epochs: 3 } as never)).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'options.epochs' }));
  });
});
