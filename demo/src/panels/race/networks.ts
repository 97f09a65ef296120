// The small networks the race and the range test offer: hidden layers as a short name
// (`16x16-tanh`), each with the initialiser that suits its activation (Xavier for tanh and
// sigmoid, He for ReLU), so a bad initialisation is not what the comparison shows.
import type { Activation, Init, NetworkSpec } from 'descent';

export const NETWORKS = [
  ['16x16-tanh', '16-16 tanh'],
  ['32x32-relu', '32-32 ReLU'],
  ['8-tanh', '8 tanh'],
  ['16x16x16-sigmoid', '16-16-16 sigmoid'],
] as const;

export type NetworkName = (typeof NETWORKS)[number][0];

export function networkSpec(name: string, classes: number, seed: number): NetworkSpec {
  const m = /^(\d+(?:x\d+)*)-(tanh|relu|sigmoid)$/.exec(name);
  if (!m) throw new Error(`unknown network "${name}" (expected one of ${NETWORKS.map((n) => n[0]).join(', ')})`);
  const activation = m[2] as Activation;
  const init: Init = activation === 'relu' ? 'he_uniform' : 'xavier_uniform';
  return {
    inputs: 2,
    layers: [...m[1].split('x').map((u) => ({ units: Number(u), activation })), { units: classes }],
    loss: 'softmax_cross_entropy',
    init,
    seed,
  };
}
