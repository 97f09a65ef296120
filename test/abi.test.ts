// The one test that holds kernels and host to the same contract. assembly/abi.ts names every
// shared number on the kernels' side; it holds plain constants, so it is imported here as
// TypeScript. Each is compared with the host's name for it: the descriptor words and slots
// (src/wasm/abi.ts), activation and loss codes (their index in src/names.ts), layer kinds
// (src/model/layers.ts), optimizer rules and each rule's hyper-parameter slots
// (src/optim/rules.ts). Then the module's exports are checked against `Kernels`
// (test/helpers/kernel-arity.ts, which the typecheck holds to the type).
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, LOSSES } from '../src/names.js';
import { LAYER_KINDS, LAYER_TYPES } from '../src/model/layers.js';
import { OPTIMIZERS, RULES } from '../src/optim/rules.js';
import { KERNEL_ARITY } from './helpers/kernel-arity.js';
import { instantiateKernels } from '../src/wasm/kernels.js';
import { loadTestModule, testKernels } from './helpers/wasm.js';

// Variable specifiers: the typecheck (tsc) leaves assembly/ out, and the host's const enums
// exist as objects only where vitest transpiles them. Both load as plain modules here.
const kernelsAbiPath = '../assembly/abi.ts';
const hostAbiPath = '../src/wasm/abi.ts';
const wasm = (await import(kernelsAbiPath)) as Record<string, number>;
const { HP_SLOTS, LAYER, MEASURE, PASS, STAT } = (await import(hostAbiPath)) as Record<string, Record<string, number>> & { HP_SLOTS: number };

const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
/** A kind's name in assembly/abi.ts. */
const abiName = (k: { type: string; abiName?: string }) => k.abiName ?? snake(k.type);

/** Every (kernel name, kernel value, host value) pair the host names; `prefix` + key is the kernel's name. */
function pairs(prefix: string, host: object): [string, number | undefined, number][] {
  // An enum object also maps its values back to names: only the name → value entries count.
  return Object.entries(host).filter(([key]) => Number.isNaN(Number(key))).map(([key, value]) => [`${prefix}${snake(key)}`, wasm[`${prefix}${snake(key)}`], value]);
}

const named: [string, number | undefined, number][] = [
  ...pairs('PASS_', PASS),
  ...pairs('LAYER_', LAYER),
  ...pairs('STAT_', STAT),
  ...pairs('MEASURE_', { REGION_BYTES: MEASURE.REGION_BYTES, BLOCK: MEASURE.BLOCK, SCRATCH_BYTES: MEASURE.SCRATCH_BYTES }),
  ...pairs('REGION_', { OFFSET: MEASURE.REGION_OFFSET, COUNT: MEASURE.REGION_COUNT, STATS: MEASURE.REGION_STATS }),
  ['HP_SLOTS', wasm.HP_SLOTS, HP_SLOTS],
  ...ACTIVATIONS.map((a, code): [string, number | undefined, number] => [`ACT_${snake(a)}`, wasm[`ACT_${snake(a)}`], code]),
  ...LOSSES.map((l, code): [string, number | undefined, number] => [`LOSS_${snake(l)}`, wasm[`LOSS_${snake(l)}`], code]),
  ...LAYER_KINDS.map((k, code): [string, number | undefined, number] => [`LAYER_${abiName(k)}`, wasm[`LAYER_${abiName(k)}`], code]),
  ...LAYER_KINDS.flatMap((k) => k.ownWords.map((w, i): [string, number | undefined, number] => [`${abiName(k)}_${snake(w)}`, wasm[`${abiName(k)}_${snake(w)}`], LAYER.COMMON + i])),
  ...OPTIMIZERS.map((o, code): [string, number | undefined, number] => [`RULE_${snake(o)}`, wasm[`RULE_${snake(o)}`], code]),
  ...OPTIMIZERS.flatMap((o) => pairs(`${snake(o)}_`, RULES[o].hp)),
];

describe('kernels and host name the same numbers', () => {
  it.each(named)('%s', (_, kernel, host) => {
    expect(kernel).toBe(host);
  });

  it('every constant of assembly/abi.ts is named by the host', () => {
    const hosted = new Set(named.map(([n]) => n));
    expect(Object.keys(wasm).filter((n) => !hosted.has(n))).toEqual([]);
  });

  it('the per-layer words of the kinds fit the block, and every rule\'s slots fit the block', () => {
    expect(LAYER.COMMON).toBeLessThanOrEqual(PASS.LAYER_WORDS);
    for (const o of OPTIMIZERS) expect(Object.keys(RULES[o].hp).length, o).toBeLessThanOrEqual(HP_SLOTS);
    // The rule tables' slots are 0…n−1 in order.
    for (const o of OPTIMIZERS) expect(Object.values(RULES[o].hp), o).toEqual(Object.keys(RULES[o].hp).map((_, i) => i));
  });
});

describe(`this project's module (${testKernels})`, () => {
  const module = loadTestModule('release');

  it('exports exactly the functions of Kernels, each with its parameter count', () => {
    const functions = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name).sort();
    expect(functions).toEqual(Object.keys(KERNEL_ARITY).sort());
    const k = instantiateKernels(module, new WebAssembly.Memory({ initial: 1 })) as unknown as Record<string, (...a: number[]) => unknown>;
    for (const [name, arity] of Object.entries(KERNEL_ARITY)) expect(k[name].length, name).toBe(arity);
  });

  it('exports no globals: the codes and layout words live in abi.ts alone', () => {
    expect(WebAssembly.Module.exports(module).filter((e) => e.kind === 'global')).toEqual([]);
  });


});
