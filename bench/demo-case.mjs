// The network the demo's playground trains by default, set up the same way in Node and in a
// browser Worker (this file is served to the baseline Worker as is: no imports, the library's
// functions are passed in). Keep it equal to demo/src/panels/playground/worker.ts's default;
// bench/demo-worker.mjs cross-checks the first losses against the page's.
export const CASE = {
  title: '2-16-16-3 tanh, spiral 300 samples, Adam lr 0.01, batch 16, xavier_uniform, seed 1',
  data: { samples: 300, classes: 3, seed: 1 },
  spec: {
    inputs: 2,
    layers: [{ units: 16, activation: 'tanh' }, { units: 16, activation: 'tanh' }, { units: 3 }],
    loss: 'softmax_cross_entropy',
    init: 'xavier_uniform',
    seed: 1,
  },
  // The playground trains without diagnostics (its Gradient flow panel has them).
  train: { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 16, diagnostics: false },
  /** The playground's decision-surface grid (48×48 points), predicted on each publish. */
  grid: 48,
  /** The playground worker publishes at most every 30 ms (worker/loop.ts). */
  publishMs: 30,
};

/** A network and its trainer for CASE, from the library's `createNetwork` and `spiral`. */
export async function prepare(createNetwork, spiral) {
  const data = spiral(CASE.data);
  const net = await createNetwork(CASE.spec);
  const trainer = net.trainer(data.x, data.y, CASE.train);
  const grid = new Float32Array(CASE.grid * CASE.grid * 2);
  for (let i = 0; i < grid.length; i++) grid[i] = ((i % (2 * CASE.grid)) / (2 * CASE.grid)) * 2.4 - 1.2;
  return { net, trainer, grid };
}

/**
 * Steps for about `ms`, in chunks between clock reads; with `publish`, also predicts the grid
 * every CASE.publishMs as the playground's worker does for its frames. Returns steps and seconds.
 */
export function runWindow({ net, trainer, grid }, ms, publish = false) {
  const start = performance.now();
  let steps = 0;
  let lastPublish = start;
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 32; i++) trainer.step();
    steps += 32;
    now = performance.now();
    if (publish && now - lastPublish >= CASE.publishMs) {
      net.predict(grid);
      lastPublish = now;
    }
  }
  return { steps, seconds: (now - start) / 1000 };
}

/** The losses of the first `n` single steps (the cross-check). */
export function firstLosses({ trainer }, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    trainer.step();
    out.push(trainer.loss);
  }
  return out;
}
