// Builds networks on the release module of the project's kernel variant for API tests.
import { Network } from '../../src/network.js';
import { runReplay, type ReplayResult } from '../../src/train/replay.js';
import { spawnWorker } from '../../src/node.js';
import type { NetworkSpec } from '../../src/types.js';
import { loadTestModule, loadThreadsModule, testKernels, testThreads } from './wasm.js';

/** A network on this project's kernels, threaded in the `threads` project. */
export function makeNetwork(spec: NetworkSpec): Network {
  if (testThreads > 1) return Network.create(spec, loadThreadsModule(), { kernels: testKernels, threads: testThreads, spawnWorker });
  return Network.create(spec, loadTestModule('release'), { kernels: testKernels });
}

/** Replays a case the way makeNetwork's networks train (threaded in the `threads` project). */
export function replayLikeNetworks(c: unknown): ReplayResult {
  if (testThreads > 1) return runReplay(c, loadThreadsModule(), { threads: testThreads, spawnWorker });
  return runReplay(c, loadTestModule('release'));
}

/** A seeded 2-feature, 2-class data set: label = x₀·x₁ > 0 (XOR quadrants). */
export function xorData(n: number, seed = 1): { x: number[][]; y: number[] } {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 * 2 - 1;
  };
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = u(), b = u();
    x.push([a, b]);
    y.push(a * b > 0 ? 1 : 0);
  }
  return { x, y };
}
