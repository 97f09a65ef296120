// The demo's download budget, read from the build the project's setup made (demo/dist, as
// `npm run build:demo` writes it): every .js file it ships — the page's chunks and the Worker's —
// gzip -9 each, summed, ≤ 150 KB (1 KB = 1000 bytes). The kernels (.wasm, budgeted on their own
// in test/budgets.test.ts) and the MNIST bytes (fetched only when MNIST is chosen) are not JS.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const BUDGET = 150_000;
const dist = resolve(import.meta.dirname, '../../demo/dist');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => resolve(d.parentPath, d.name));
}

const all = files(dist);
const js = all.filter((f) => f.endsWith('.js')).map((f) => {
  const bytes = readFileSync(f);
  return { file: f.slice(dist.length + 1), raw: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
});
const total = js.reduce((s, f) => s + f.gz, 0);
const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;

describe('the demo budget', () => {
  it(`the demo's own JS, page and Worker: ${kb(total)} gzip -9 in ${js.length} files (≤ 150 KB)`, () => {
    // The Worker is its own chunk; a build that inlined or dropped it would measure something else.
    expect(js.length).toBeGreaterThanOrEqual(2);
    const html = readFileSync(resolve(dist, 'index.html'), 'utf8');
    const entry = /<script type="module"[^>]*src="\.\/([^"]+\.js)"/.exec(html)?.[1];
    expect(js.map((f) => f.file)).toContain(entry);
    expect(total).toBeLessThanOrEqual(BUDGET);
  });

  it('ships the kernels and the MNIST bytes as files of their own, not inside the JS', () => {
    expect(all.some((f) => f.endsWith('.wasm'))).toBe(true);
    expect(all.some((f) => f.endsWith('mnist-digits.bin'))).toBe(true);
    // Inlined as base64 they would count against nobody's budget and load on every visit.
    for (const f of js) expect(readFileSync(resolve(dist, f.file), 'utf8'), f.file).not.toMatch(/data:application\/(wasm|octet-stream);base64/);
  });
});
