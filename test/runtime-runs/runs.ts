// The seeded runs every runtime must repeat bit for bit (the run of examples/script/train.mjs,
// and a 2-thread fit), on the simd build, which rounds alike everywhere: defined once, given the
// entry's createNetwork and descent/data's spiral. defaultRun is the first on the build the
// runtime's default picks (relaxed SIMD where it validates), held to them within f32 rounding.

// What the runs use of an entry, structurally: the source's, dist/'s and the browser build's
// declarations each satisfy it.
interface Net {
  readonly threads: number;
  readonly kernels: string;
  trainer(x: Data['x'], y: Data['y'], options: object): { step(): void; readonly loss: number };
  fit(x: Data['x'], y: Data['y'], options: object): Promise<{ epochs: { loss: number }[] }>;
  dispose(): void;
}
interface Data { x: { data: Float32Array; shape: [number, number] }; y: Int32Array }
type CreateNetwork = (spec: { inputs: number; layers: { units: number; activation?: 'tanh' }[]; loss: 'softmax_cross_entropy'; seed: number }, options?: { kernels?: 'simd'; threads?: number }) => Promise<Net>;
type Spiral = (options: { samples: number; classes: number; seed: number }) => Data;

export interface RuntimeLosses {
  /** examples/script/train.mjs: 60 trainer steps on one thread. */
  steps: number[];
  /** A 2-thread async fit: each epoch's loss. */
  threaded: number[];
}

const spec = { inputs: 2, layers: [{ units: 16, activation: 'tanh' as const }, { units: 3 }], loss: 'softmax_cross_entropy' as const, seed: 2 };

export async function stepLosses(createNetwork: CreateNetwork, spiral: Spiral): Promise<number[]> {
  return (await steps(await createNetwork(spec, { kernels: 'simd' }), spiral)).losses;
}

/** The run of stepLosses on the kernels createNetwork picks by default, and which they were. */
export function defaultRun(createNetwork: CreateNetwork, spiral: Spiral): Promise<{ kernels: string; losses: number[] }> {
  return createNetwork(spec).then((net) => steps(net, spiral));
}

async function steps(net: Net, spiral: Spiral): Promise<{ kernels: string; losses: number[] }> {
  const { x, y } = spiral({ samples: 200, classes: 3, seed: 1 });
  const trainer = net.trainer(x, y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 32 });
  const losses: number[] = [];
  for (let i = 0; i < 60; i++) {
    trainer.step();
    losses.push(trainer.loss);
  }
  net.dispose();
  return { kernels: net.kernels, losses };
}

export async function threadedLosses(createNetwork: CreateNetwork, spiral: Spiral): Promise<number[]> {
  return (await threadedRun(createNetwork, spiral, 'simd')).losses;
}

/** The 2-thread fit of threadedLosses on `kernels` (default: the kernels createNetwork picks by default), and which they were. */
export async function threadedRun(createNetwork: CreateNetwork, spiral: Spiral, kernels?: 'simd'): Promise<{ kernels: string; losses: number[] }> {
  const { x, y } = spiral({ samples: 300, classes: 3, seed: 3 });
  const net = await createNetwork(spec, { ...(kernels ? { kernels } : {}), threads: 2 });
  if (net.threads !== 2) throw new Error(`expected 2 threads, got ${net.threads}`);
  const history = await net.fit(x, y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 64, epochs: 4, preflight: 'off', diagnostics: false });
  net.dispose();
  return { kernels: net.kernels, losses: history.epochs.map((e) => e.loss) };
}

/**
 * How far a step's loss may be from the simd run's `want` on another build: f32 rounding (the
 * relaxed build fuses multiply-adds where the engine and CPU do: on this x64 machine V8 does and
 * its 60 losses are up to 1.2e-7 from the simd run's, Bun's JavaScriptCore does not and they are equal).
 */
export const roundingBound = (want: number): number => 1e-6 + 1e-5 * Math.abs(want);
