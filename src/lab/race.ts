// Optimizer race (the 'descent/race' subpath): one clone of a network per optimizer, each
// trained by `fit` with the same other options — one initialisation and, with one seed, one
// permutation per epoch for all — so each history equals a standalone fit's. Built on the
// public API only; kept out of the main entry for its size budget.
import { mustBe } from '../util/must-be.js';
import type { Network } from '../network.js';
import { resolveOptimizer } from '../optim/options.js';
import type { History, Inputs, OptimizerConfig, RaceOptions, Targets } from '../types.js';

/** One optimizer's run in a race. */
export interface RaceEntry {
  optimizer: OptimizerConfig;
  history: History;
  /** The clone that trained with it. */
  network: Network;
}

/** Races the optimizers as interleaved async fits; returns each with its history and network (dispose them). */
export async function race(net: Network, x: Inputs, y: Targets, options: RaceOptions): Promise<RaceEntry[]> {
  const { optimizers, common } = entrants(net, options);
  const networks = optimizers.map(() => net.clone());
  const histories = await Promise.all(networks.map((n, i) => n.fit(x, y, { ...common, optimizer: optimizers[i] })));
  return optimizers.map((optimizer, i) => ({ optimizer, history: histories[i], network: networks[i] }));
}

/** The race, one fit after the other (see `race`). */
export function raceSync(net: Network, x: Inputs, y: Targets, options: RaceOptions): RaceEntry[] {
  const { optimizers, common } = entrants(net, options);
  return optimizers.map((optimizer) => {
    const network = net.clone();
    return { optimizer, history: network.fitSync(x, y, { ...common, optimizer }), network };
  });
}

/** Every optimizer is checked before any network is cloned: a bad entry changes nothing. */
function entrants(net: Network, options: RaceOptions) {
  if (typeof options !== 'object' || options === null || !Array.isArray(options.optimizers) || options.optimizers.length === 0) {
    throw mustBe('options.optimizers', 'a non-empty array of optimizer configs', options?.optimizers);
  }
  options.optimizers.forEach((o, i) => resolveOptimizer(o, `options.optimizers[${i}]`));
  net.summary(); // throws StateError on a disposed network
  const { optimizers, ...common } = options;
  return { optimizers, common };
}
