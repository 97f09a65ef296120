// The built browser entry (dist/browser.js) in headless Chromium, on a cross-origin isolated
// page: networks share each batch with Workers over one shared wasm memory. On the page's
// main thread Atomics.wait is forbidden, so only the async fit trains there; inside a Worker
// the synchronous API works too. Threaded runs must match one thread within f32 rounding.
import { describe, expect, it } from 'vitest';
import { createNetwork, type LayerParameters, type NetworkSpec } from '../../dist/browser.js';
import '../../dist/threads.js'; // the threaded kernels (descent/threads)
import { spiral } from '../../dist/data.js';

const spec: NetworkSpec = { inputs: 2, layers: [{ units: 16, activation: 'tanh' }, { units: 8, activation: 'relu' }, { units: 3 }], loss: 'softmax_cross_entropy', seed: 5 };
const data = spiral({ samples: 300, classes: 3, seed: 2 });
// The spec's default init trips the pre-flight check (signal shrink); threads are the subject here.
const off = { preflight: 'off' } as const;
const options = { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 64, epochs: 3, ...off } as const;

function expectClose(a: LayerParameters[], b: LayerParameters[]): void {
  a.forEach((l, i) => l.weight.forEach((w, j) => expect(Math.abs(w - b[i].weight[j])).toBeLessThan(1e-4 + 1e-3 * Math.abs(w))));
}

it('runs in Chromium on a cross-origin isolated page', () => {
  expect(navigator.userAgent).toContain('Chrome');
  expect(crossOriginIsolated).toBe(true);
});

describe('on the main thread', () => {
  it('the async fit trains on 2 threads as 1 thread does, and repeats itself exactly', async () => {
    const one = await createNetwork(spec);
    await one.fit(data.x, data.y, options);
    const runThreaded = async () => {
      const net = await createNetwork(spec, { threads: 2 });
      expect(net.threads).toBe(2);
      const history = await net.fit(data.x, data.y, options);
      const params = net.getParameters();
      net.dispose();
      return { history, params };
    };
    const first = await runThreaded();
    const second = await runThreaded();
    expect(first.history.steps).toBe(15);
    expect(first.history.epochs[2].loss).toBeLessThan(first.history.epochs[0].loss);
    expectClose(one.getParameters(), first.params);
    expect(second.params).toEqual(first.params);
  });

  it('fitSync and trainer refuse threads with a StateError and leave the network as it was', async () => {
    const net = await createNetwork(spec, { threads: 2 });
    const before = net.getParameters();
    for (const call of [() => net.fitSync(data.x, data.y, options), () => net.trainer(data.x, data.y, { optimizer: { type: 'sgd', lr: 0.1 } })]) {
      expect(call).toThrow(expect.objectContaining({ name: 'StateError', path: 'threads', message: expect.stringMatching(/use the async fit\(\), or run descent in a Worker/) }));
    }
    expect(net.getParameters()).toEqual(before);
    // The network still trains with the async fit afterwards.
    await net.fit(data.x, data.y, { optimizer: { type: 'sgd', lr: 0.1 }, ...off });
    expect(net.getParameters()).not.toEqual(before);
    net.dispose();
  });

  it('dispose ends the Workers', async () => {
    let terminated = 0;
    const real = Worker.prototype.terminate;
    Worker.prototype.terminate = function (this: Worker) {
      terminated++;
      real.call(this);
    };
    try {
      const net = await createNetwork(spec, { threads: 3 });
      await net.fit(data.x, data.y, { optimizer: { type: 'adam' }, ...off });
      net.dispose();
    } finally {
      Worker.prototype.terminate = real;
    }
    expect(terminated).toBe(2);
  });
});

it('inside a Worker, fitSync and the synchronous step train on 2 threads', async () => {
  const worker = new Worker(new URL('./threaded-worker.ts', import.meta.url), { type: 'module' });
  const result = await new Promise<{ threads: number; params: LayerParameters[]; stepLoss: number; error?: string }>((resolve, reject) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage({ spec, x: data.x, y: data.y, options });
  });
  worker.terminate();
  expect(result.error).toBeUndefined();
  expect(result.threads).toBe(2);
  expect(Number.isFinite(result.stepLoss)).toBe(true);
  const one = await createNetwork(spec);
  one.fitSync(data.x, data.y, options);
  expectClose(one.getParameters(), result.params);
});

it('a page that is not cross-origin isolated trains on 1 thread and the warning says how to fix it', async () => {
  const isolation = Object.getOwnPropertyDescriptor(globalThis, 'crossOriginIsolated')!;
  Object.defineProperty(globalThis, 'crossOriginIsolated', { value: false, configurable: true });
  const warnings: string[] = [];
  try {
    const net = await createNetwork(spec, { threads: 2, onWarning: (m) => warnings.push(m) });
    expect(net.threads).toBe(1);
    net.fitSync(data.x, data.y, { optimizer: { type: 'sgd', lr: 0.1 }, ...off });
  } finally {
    Object.defineProperty(globalThis, 'crossOriginIsolated', isolation);
  }
  expect(crossOriginIsolated).toBe(true);
  expect(warnings).toEqual([expect.stringMatching(/threads: 2 is not available here .*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp.*training on 1 thread/)]);
});
