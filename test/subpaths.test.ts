// Every subpath export as shipped (the Node bundle and the plain ESM bundle Deno and Bun
// use) loads beside its entry and throws the entry's own error classes, so `instanceof`
// holds across them; the main entry leaves each subpath's exports out.
import { describe, expect, it } from 'vitest';
import { pkg, resolveExport } from './helpers/exports.js';

const load = (file: string) => import(new URL(`../${file}`, import.meta.url).href);
// './threads' exports nothing: in a browser it brings the threaded kernels, elsewhere it is empty.
const subpaths = Object.keys(pkg.exports).filter((k) => k !== '.' && k !== './threads' && !k.endsWith('.wasm') && !k.endsWith('.json'));

/** A call into each subpath that must throw a ConfigError. */
const BAD_CALLS: Record<string, (m: Record<string, (...args: unknown[]) => unknown>) => unknown> = {
  './schedules': (m) => m.schedule({ type: 'stepLR', stepSize: 0 }),
  './data': (m) => m.spiral({ classes: 0 }),
  './replay': (m) => m.runReplay(null, null),
  './surfaces': (m) => m.runSurface(null, 'nowhere', { optimizer: { type: 'adam' } }),
  './diagnostics': (m) => m.histograms({ bins: 1 }),
  './race': (m) => m.raceSync({}, [], [], { optimizers: [] }),
  './lr-finder': (m) => m.findLearningRate({}, [], [], null),
  './checkpoint': (m) => m.readCheckpoint(new Uint8Array(3)),
};

it('every subpath has a check here', () => {
  expect(subpaths.sort()).toEqual(Object.keys(BAD_CALLS).sort());
});

describe.each([['node', ['node', 'import']], ['deno and bun', ['deno', 'node', 'import']]] as const)('the %s bundles', (_, conditions) => {
  it.each(subpaths)('%s throws the entry\'s error classes', async (subpath) => {
    const main = await load(resolveExport('.', conditions)!);
    const sub = await load(resolveExport(subpath, conditions)!);
    let error: unknown;
    try {
      BAD_CALLS[subpath](sub);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(main.DescentError);
    for (const name of Object.keys(sub)) expect(main[name], `${name} is not in the main entry`).toBeUndefined();
  });
});

it("'descent/threads' is an empty module in Node, Deno and Bun, whose entries need no help with threads", async () => {
  for (const conditions of [['node', 'import'], ['deno', 'node', 'import'], ['bun', 'node', 'import']] as const) {
    expect(Object.keys(await load(resolveExport('./threads', conditions)!))).toEqual([]);
  }
});
