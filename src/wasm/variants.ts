// Kernel variants: the same AssemblyScript sources built three ways (asconfig.json targets
// `scalar`, `release` = simd, `relaxed`, each with a shared-memory twin for threads), and the
// feature probes that choose between them.
// The library never sets engine flags; it only asks `WebAssembly.validate`.
import { ConfigError } from '../errors.js';
import { mustBe } from '../util/must-be.js';
import { KERNEL_VARIANTS, KERNELS_OPTIONS } from '../names.js';
import { isOneOf, OptionsReader } from '../util/options.js';
import type { CreateNetworkOptions, KernelsOption, KernelVariant, NetworkOptions, WorkerSpawner } from '../types.js';


/**
 * `(module (func (result v128) v128.const i32x4 0 0 0 0))` — validates where the engine
 * has 128-bit SIMD.
 * @internal
 */
export const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, //       type section: (func (result v128))
  0x03, 0x02, 0x01, 0x00, //                         function section: one function of type 0
  0x0a, 0x16, 0x01, 0x14, 0x00, //                   code section: one body of 20 bytes, no locals
  0xfd, 0x0c, ...new Array<number>(16).fill(0), //   v128.const i32x4 0 0 0 0
  0x0b, //                                           end
]);

/**
 * `(module (func (param v128) (result v128)
 *    (f32x4.relaxed_madd (local.get 0) (local.get 0) (local.get 0))))` — validates where the
 * engine has relaxed SIMD (Node 20 only with `--experimental-wasm-relaxed-simd`).
 * @internal
 */
export const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7b, 0x01, 0x7b, // type section: (func (param v128) (result v128))
  0x03, 0x02, 0x01, 0x00, //                         function section: one function of type 0
  0x0a, 0x0d, 0x01, 0x0b, 0x00, //                   code section: one body of 11 bytes, no locals
  0x20, 0x00, 0x20, 0x00, 0x20, 0x00, //             local.get 0 (three times)
  0xfd, 0x85, 0x02, //                               f32x4.relaxed_madd (0xfd, LEB128 0x105)
  0x0b, //                                           end
]);

/** A `WebAssembly.validate`-shaped feature test; tests inject their own. */
export type Validate = (bytes: BufferSource) => boolean;

/** Which SIMD variants this runtime can compile. */
export interface KernelSupport {
  simd: boolean;
  relaxed: boolean;
}

let cached: KernelSupport | undefined;

/** Probes the engine (once, for the real `WebAssembly.validate`). */
export function kernelSupport(validate?: Validate): KernelSupport {
  if (validate === undefined && cached) return cached;
  const check = validate ?? ((bytes: BufferSource) => WebAssembly.validate(bytes));
  const simd = check(SIMD_PROBE);
  const support = { simd, relaxed: simd && check(RELAXED_SIMD_PROBE) };
  if (validate === undefined) cached = support;
  return support;
}

/**
 * The variant `kernels` stands for on this runtime: `auto` (the default) is the fastest build
 * the engine validates — relaxed, else simd, else scalar; `fastest` is an older name for `auto`.
 * Forcing `simd` or `relaxed` where the engine lacks it is a ConfigError that says why.
 */
export function selectKernels(kernels: KernelsOption = 'auto', validate?: Validate): KernelVariant {
  if (!KERNELS_OPTIONS.includes(kernels)) {
    throw mustBe('options.kernels', `one of ${KERNELS_OPTIONS.join(', ')}`, kernels);
  }
  if (kernels === 'scalar') return 'scalar';
  const support = kernelSupport(validate);
  if (kernels === 'simd' && !support.simd) {
    throw new ConfigError(
      `options.kernels is 'simd', but this WebAssembly engine has no SIMD (WebAssembly.validate rejects a v128 probe); ` +
        `use 'auto' to fall back to the scalar kernels`,
      'options.kernels', kernels);
  }
  if (kernels === 'relaxed' && !support.relaxed) {
    const lacks = support.simd
      ? 'no relaxed SIMD (WebAssembly.validate rejects an f32x4.relaxed_madd probe)'
      : 'no SIMD at all (WebAssembly.validate rejects a v128 probe)';
    throw new ConfigError(
      `options.kernels is 'relaxed', but this WebAssembly engine has ${lacks}; Node 20 enables relaxed SIMD only with ` +
        `\`node --experimental-wasm-relaxed-simd\` (descent never sets engine flags); use 'auto' to fall back to the best variant available`,
      'options.kernels', kernels);
  }
  if (kernels === 'simd' || kernels === 'relaxed') return kernels;
  return support.relaxed ? 'relaxed' : support.simd ? 'simd' : 'scalar';
}

/** Network.create's options, checked. */
export interface NetworkSetup {
  kernels: KernelVariant;
  threads: number;
  spawnWorker?: WorkerSpawner;
}

/**
 * Network.create's options, checked. The library cannot see which build a Module came from,
 * so it takes the caller's word for `kernels`, default `simd` (the build that ships as
 * descent.wasm); threads above 1 need a worker spawner.
 * @internal
 */
export function resolveNetworkOptions(options: NetworkOptions = {}): NetworkSetup {
  const r = OptionsReader.read(options, 'options', ['kernels', 'threads', 'spawnWorker'], 'a Network.create option', '{ kernels, threads, spawnWorker }');
  const threads = readThreads(r);
  const spawnWorker = r.callback<WorkerSpawner>('spawnWorker');
  if (threads > 1 && spawnWorker === undefined) {
    throw new ConfigError('options.threads > 1 needs options.spawnWorker (the package entry supplies it)', 'options.spawnWorker', spawnWorker);
  }
  return { kernels: declaredVariant(r.given.kernels), threads, spawnWorker };
}

function declaredVariant(kernels: unknown = 'simd'): KernelVariant {
  if (!isOneOf(KERNEL_VARIANTS, kernels)) {
    const hint = kernels === 'auto' || kernels === 'fastest' ? ` ('${kernels}' picks a file to load; a module you bring is one build, so name it)` : '';
    throw mustBe('options.kernels', `one of ${KERNEL_VARIANTS.join(', ')}${hint}`, kernels);
  }
  return kernels;
}

/** Threads per batch: an integer in 1…64 (default 1). */
function readThreads(r: OptionsReader<string>): number {
  return r.integer('threads', { default: 1, min: 1, max: 64 });
}

/** @internal createNetwork's options, checked: the variant to run, and the caller's module if any. */
export function resolveCreateOptions(options: CreateNetworkOptions): { kernels: KernelVariant; module?: WebAssembly.Module; threads: number } {
  const r = OptionsReader.read(options, 'options', ['kernels', 'module', 'threads', 'onWarning'], 'a createNetwork option', '{ kernels, module, threads }');
  const threads = readThreads(r);
  r.callback('onWarning');
  const { module } = options;
  if (module === undefined) return { kernels: selectKernels(options.kernels), threads };
  if (!(module instanceof WebAssembly.Module)) throw r.fail('module', 'a compiled WebAssembly.Module');
  return { kernels: declaredVariant(options.kernels), module, threads };
}

/**
 * A `loadModule(kernels)` for an entry: resolves `kernels` to a variant and compiles that
 * variant's file once with `compile`, sharing the result (a failed compile is retried next time).
 * @internal
 */
export function moduleLoader(compile: (variant: KernelVariant) => Promise<WebAssembly.Module>): (kernels?: KernelsOption) => Promise<WebAssembly.Module> {
  const compiled = new Map<KernelVariant, Promise<WebAssembly.Module>>();
  return (kernels = 'auto') => {
    let variant: KernelVariant;
    try {
      variant = selectKernels(kernels);
    } catch (err) {
      return Promise.reject(err);
    }
    let module = compiled.get(variant);
    if (!module) {
      module = compile(variant);
      module.catch(() => compiled.delete(variant));
      compiled.set(variant, module);
    }
    return module;
  };
}
