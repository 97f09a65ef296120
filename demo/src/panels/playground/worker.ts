// Worker half of the playground (first cut: spiral, one net, play/pause/step, the loss curve
// and the decision surface). The playground's own helper extends it.
import { createNetwork, type Network, type Trainer } from 'descent';
import { spiral } from 'descent/data';
import type { Handler } from '../../worker/protocol.js';
import { Loop } from '../../worker/loop.js';

const GRID = 48;
const BOUNDS: [[number, number], [number, number]] = [[-1.2, 1.2], [-1.2, 1.2]];

let net: Network | null = null;
let trainer: Trainer | null = null;
let loop: Loop | null = null;
let grid: Float32Array;

function gridInputs(): Float32Array {
  const g = new Float32Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const i = r * GRID + c;
      g[2 * i] = BOUNDS[0][0] + ((c + 0.5) / GRID) * (BOUNDS[0][1] - BOUNDS[0][0]);
      g[2 * i + 1] = BOUNDS[1][1] - ((r + 0.5) / GRID) * (BOUNDS[1][1] - BOUNDS[1][0]);
    }
  }
  return g;
}

export const playground: Handler = async (m, port) => {
  if (m.type === 'init') {
    loop?.pause();
    net?.dispose();
    const data = spiral({ samples: 300, classes: 3, seed: Number(m.seed ?? 1) });
    net = await createNetwork({ inputs: 2, layers: [{ units: 16, activation: 'tanh' }, { units: 16, activation: 'tanh' }, { units: 3 }], loss: 'softmax_cross_entropy', init: 'xavier_uniform', seed: Number(m.seed ?? 1) });
    trainer = net.trainer(data.x, data.y, { optimizer: { type: 'adam', lr: 0.01 }, batchSize: 16 });
    grid = gridInputs();
    const t = trainer;
    const n = net;
    loop = new Loop({
      step: () => { t.step(); return Number.isFinite(t.loss); },
      publish: () => {
        const probs = n.predict(grid).probabilities!;
        port.post({ type: 'frame', step: t.steps, loss: t.loss, grid: { n: GRID, classes: 3, probs, bounds: BOUNDS }, points: { xy: (data.x as { data: Float32Array }).data, labels: data.y } }, [probs.buffer]);
      },
    });
    loop.stepNow(0);
  } else if (m.type === 'play') loop?.play();
  else if (m.type === 'pause') loop?.pause();
  else if (m.type === 'step') loop?.stepNow(Number(m.steps ?? 1));
};
