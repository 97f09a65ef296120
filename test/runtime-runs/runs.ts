// The seeded runs every runtime must repeat bit for bit (the run of examples/script/train.mjs,
// and a 2-thread fit): defined once, given the entry's createNetwork and descent/data's spiral.

// What the runs use of an entry, structurally: the source's, dist/'s and the browser build's
// declarations each satisfy it.
interface Net {
  readonly threads: number;
  trainer(x: Data['x'], y: Data['y'], options: object): { step(): void; readonly loss: number };
  fit(x: Data['x'], y: Data['y'], options: object): Promise<{ epochs: { loss: number }[] }>;
  dispose(): void;
}
interface Data { x: { data: Float32Array; shape: [number, number] }; y: Int32Array }
type CreateNetwork = (spec: { inputs: number; layers: { units: number; activation?: 'tanh' }[]; loss: 'softmax_cross_entropy'; seed: number }, options: { kernels: 'simd'; threads?: number }) => Promise<Net>;
type Spiral = (options: { samples: number; classes: number; seed: number }) => Data;

export interface RuntimeLosses {
  /** examples/script/train.mjs: 60 trainer steps on one thread. */
  steps: number[];
  /** A 2-thread async fit: each epoch's loss. */
  threaded: number[];
}

const spec = { inputs: 2, layers: [{ units: 16, activation: 'tanh' as const }, { units: 3 }], loss: 'softmax_cross_entropy' as const, seed: 2 };

export async function stepLosses(createNetwork: CreateNetwork, spiral: Spiral): Promise<number[]> {
  const { x, y } = spiral({ samples: 200, classes: 3, seed: 1 });
  const net = await createNetwork(spec, { kernels: 'simd' });
  const trainer = net.trainer(x, y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 32 });
  const losses: number[] = [];
  for (let i = 0; i < 60; i++) {
    trainer.step();
    losses.push(trainer.loss);
  }
  net.dispose();
  return losses;
}

export async function threadedLosses(createNetwork: CreateNetwork, spiral: Spiral): Promise<number[]> {
  const { x, y } = spiral({ samples: 300, classes: 3, seed: 3 });
  const net = await createNetwork(spec, { kernels: 'simd', threads: 2 });
  if (net.threads !== 2) throw new Error(`expected 2 threads, got ${net.threads}`);
  const history = await net.fit(x, y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 64, epochs: 4, preflight: 'off', diagnostics: false });
  net.dispose();
  return history.epochs.map((e) => e.loss);
}
