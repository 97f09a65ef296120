// The Node entry (dist/descent.node.js) runs the bundle through vm.Script with a V8 code
// cache made at build time: the cache must be accepted by this Node, and a missing or
// foreign cache must only cost speed, never correctness.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { afterAll, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'descent-entry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Trains one step through the entry in `where`, in a fresh process; returns the loss printed. */
function trainOnce(where: string): number {
  const script = `const { createNetwork } = await import(${JSON.stringify(new URL(`file://${where}/descent.node.js`).href)});
    const net = await createNetwork({ inputs: 2, layers: [{ units: 8, activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy', seed: 3 });
    const t = net.trainer([[0, 1], [1, 0], [1, 1], [0, 0]], [1, 1, 0, 0], { optimizer: { type: 'adam' } });
    t.step(); t.step();
    console.log(t.loss);`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim());
}

// A V8 started with other flags (the relaxed and scalar projects) rightly rejects a cache
// made without them; the second test covers that path.
const plainV8 = !process.execArgv.some((a) => /wasm|sse/.test(a));

it.runIf(plainV8)('the code cache fits this Node: V8 accepts it for the wrapped bundle', () => {
  const entry = readFileSync(join(dist, 'descent.node.js'), 'utf8');
  // The entry builds its source as HEAD + bundle + TAIL; rebuild it the same way.
  const [, head, tail] = /new Script\((".*?") \+ readFileSync\(file, 'utf8'\) \+ (".*?"),/.exec(entry)!;
  const source = JSON.parse(head) + readFileSync(join(dist, 'descent.node.cjs'), 'utf8') + JSON.parse(tail);
  const script = new Script(source, { filename: join(dist, 'descent.node.cjs'), cachedData: readFileSync(join(dist, 'descent.node.cjs.cache')) });
  expect(script.cachedDataRejected).toBe(false);
});

it('a missing or corrupt cache changes nothing but speed', () => {
  for (const f of readdirSync(dist).filter((f) => /^descent\.node\.(js|cjs)$|\.wasm$/.test(f))) copyFileSync(join(dist, f), join(dir, f));
  const without = trainOnce(dir);
  writeFileSync(join(dir, 'descent.node.cjs.cache'), Buffer.from('not a V8 code cache'));
  const corrupt = trainOnce(dir);
  const cached = trainOnce(dist.replace(/\/$/, ''));
  expect(Number.isFinite(cached)).toBe(true);
  expect(without).toBe(cached);
  expect(corrupt).toBe(cached);
});
