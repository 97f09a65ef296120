// The arena every kernel test runs in: one instance over a fresh 4-page memory, buffers at
// or above heapBase, 16-byte aligned, each followed by a guard band that must survive every
// call; output buffers are pre-filled with NaN so an element a kernel forgets to write shows
// up; the static data below heapBase and memory's size must not change either. Plus the
// comparisons the kernel tests share (f32 ulps, tolerances) and a seeded PRNG.
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { instantiateKernels, type Kernels } from '../../src/wasm/kernels.js';
import { loadTestModule } from './wasm.js';

type Ptr = number;

const GUARD_BYTES = 32;
const SENTINEL = 0xa5;
const HP_BYTES = 256;

export const BUILDS = ['release', 'debug'] as const;
/** Dimensions around the 4-lane SIMD width: empty bodies, exact multiples and every tail length. */
export const DIMS = [1, 3, 4, 5, 7, 8, 13, 17];

/** One instance over a fresh 4-page memory, with a bump allocator above heapBase. */
export class Wasm {
  readonly memory = new WebAssembly.Memory({ initial: 4 });
  readonly k: Kernels;
  /** Where an optimizer's f64 hyper-parameter block goes (the last HP_BYTES of memory). */
  readonly hp: number;
  readonly byteLength: number;
  private readonly heapBase: number;
  private readonly staticData: Uint8Array;
  private next = 0;
  private guards: { start: number; end: number }[] = [];

  constructor(module: WebAssembly.Module) {
    // The host's instantiation: an abort raises its KernelError.
    this.k = instantiateKernels(module, this.memory);
    this.byteLength = this.memory.buffer.byteLength;
    // The last HP_BYTES of memory hold an optimizer's f64 block, outside the test arena.
    this.hp = this.byteLength - HP_BYTES;
    this.heapBase = this.k.heapBase();
    this.staticData = new Uint8Array(this.memory.buffer, 0, this.heapBase).slice();
    this.reset();
  }

  /** The f64 view of the memory, for the block at `hp`. */
  get f64(): Float64Array { return new Float64Array(this.memory.buffer); }

  get bytes(): Uint8Array { return new Uint8Array(this.memory.buffer); }

  /** Forgets every buffer (after checking their guards) and starts allocating afresh. */
  reset(): void {
    if (this.guards.length) this.check();
    this.guards = [];
    this.next = align16(this.heapBase) + GUARD_BYTES;
    this.bytes.fill(SENTINEL, this.heapBase, this.next);
    this.guards.push({ start: this.heapBase, end: this.next });
  }

  /** Reserves `count` 4-byte elements, 16-byte aligned, filled with NaN, followed by a guard band. */
  alloc(count: number): Ptr {
    const ptr = this.next;
    const end = ptr + count * 4;
    const guardEnd = align16(end + GUARD_BYTES);
    if (guardEnd > this.memory.buffer.byteLength - HP_BYTES) throw new Error('test arena exhausted');
    new Float32Array(this.memory.buffer, ptr, count).fill(NaN);
    this.bytes.fill(SENTINEL, end, guardEnd);
    this.guards.push({ start: end, end: guardEnd });
    this.next = guardEnd;
    return ptr;
  }

  /** Copies f32 values into a new buffer. */
  f32(values: ArrayLike<number>): Ptr {
    const p = this.alloc(values.length);
    new Float32Array(this.memory.buffer, p, values.length).set(values);
    return p;
  }

  /** Copies i32 values into a new buffer. */
  i32(values: ArrayLike<number>): Ptr {
    const p = this.alloc(values.length);
    new Int32Array(this.memory.buffer, p, values.length).set(values);
    return p;
  }

  /** A copy of `count` f32 values at `ptr`. */
  read(ptr: Ptr, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, count).slice();
  }

  /** Overwrites `count` f32 values at `ptr`. */
  write(ptr: Ptr, values: ArrayLike<number>): void {
    new Float32Array(this.memory.buffer, ptr, values.length).set(values);
  }

  /** Memory never grows, static data and every guard band are intact. */
  check(): void {
    expect(this.memory.buffer.byteLength, 'memory grew').toBe(this.byteLength);
    const bytes = this.bytes;
    for (const { start, end } of this.guards) {
      for (let i = start; i < end; i++) {
        if (bytes[i] !== SENTINEL) expect.fail(`guard byte at ${i} (band ${start}..${end}) overwritten`);
      }
    }
    const now = bytes.subarray(0, this.heapBase);
    for (let i = 0; i < now.length; i++) if (now[i] !== this.staticData[i]) expect.fail(`static data byte ${i} changed`);
  }
}

export const align16 = (n: number) => (n + 15) & ~15;

/** Small seeded PRNG (xorshift32) for bulk random inputs. */
export function prng(seed: number) {
  let s = seed >>> 0 || 0x9e3779b9;
  const next = () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
  return {
    next,
    uniform: (a: number, b: number) => a + (b - a) * next(),
    int: (n: number) => Math.floor(next() * n),
    /** f32 values uniform in [a, b]. */
    f32s: (n: number, a = -1, b = 1) => Float32Array.from({ length: n }, () => a + (b - a) * next()),
  };
}

export const fmt = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
export const sameValue = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** Ordered integer image of an f32 so that adjacent floats differ by 1 (−0 and +0 coincide). */
export function f32Ordinal(x: number): number {
  const bits = new Int32Array(Float32Array.of(x).buffer)[0];
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}
/** Distance in f32 ulps between a and fround(b). */
export const ulpsF32 = (a: number, b: number) => Math.abs(f32Ordinal(a) - f32Ordinal(Math.fround(b)));

/**
 * Elementwise: |actual − expected| ≤ rtol·|expected| + atol·scale[i] + floor (scale defaults to 1;
 * floor, default 1e-37, absorbs results in f32's subnormal range); NaN only matches NaN.
 */
export function expectNear(
  actual: ArrayLike<number>, expected: ArrayLike<number>, what: string,
  { rtol = 1e-5, atol = 1e-7, scale, floor = 1e-37 }: { rtol?: number; atol?: number; scale?: ArrayLike<number>; floor?: number } = {},
): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (sameValue(a, e)) continue;
    const tol = rtol * Math.abs(e) + atol * (scale ? scale[i] : 1) + floor;
    if (!(Math.abs(a - e) <= tol)) expect.fail(`${what}[${i}]: kernel ${a} vs reference ${e} (|Δ| = ${Math.abs(a - e)}, tol ${tol})`);
  }
}

/** Elementwise within `maxUlps` f32 ulps of the f64 reference rounded to f32 (or |Δ| ≤ 1e-35). */
export function expectUlps(actual: ArrayLike<number>, expected: ArrayLike<number>, maxUlps: number, what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (sameValue(a, Math.fround(e))) continue;
    if (Number.isNaN(a) || Number.isNaN(e)) expect.fail(`${what}[${i}]: kernel ${a} vs reference ${e}`);
    if (Math.abs(a - e) <= 1e-35) continue;
    const d = ulpsF32(a, e);
    if (!(d <= maxUlps)) expect.fail(`${what}[${i}]: kernel ${a} vs reference ${e} (${d} ulps > ${maxUlps})`);
  }
}

export const abs = (v: ArrayLike<number>) => Float64Array.from(v, Math.abs);


/**
 * Runs `body` once per build (release, debug) of this project's variant, with a fresh arena
 * for every test (`arena()` returns it) whose guards are checked after the test.
 */
export function forEachBuild(body: (arena: () => Wasm) => void): void {
  for (const build of BUILDS) {
    describe(`${build} build`, () => {
      let w: Wasm;
      beforeEach(() => { w = new Wasm(loadTestModule(build)); });
      afterEach(() => { w.check(); });
      body(() => w);
    });
  }
}
