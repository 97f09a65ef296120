// The same seeded training run (test/runtimes/train.mjs) in Node, Deno and Bun, each importing
// `descent` from a project's node_modules as a user's script does: each runtime must load the
// file package.json's exports mean for it, and every loss must be bit-identical to Node's.
// Deno and Bun come from npm (devDependencies), so `npm ci` brings them.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = (name: string) => join(root, 'node_modules/.bin', name);
let app: string;

interface Run { entry: string; losses: string[] }

function run(command: string, args: string[]): Run {
  const out = execFileSync(command, [...args, 'train.mjs'], { cwd: app, encoding: 'utf8', env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }, timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Run;
}

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'descent-runtimes-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(root, join(app, 'node_modules/descent'));
  writeFileSync(join(app, 'package.json'), '{ "type": "module" }\n');
  copyFileSync(join(root, 'test/runtimes/train.mjs'), join(app, 'train.mjs'));
});
afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

describe('one training run in every server runtime', () => {
  let node: Run;
  beforeAll(() => {
    node = run(process.execPath, []);
  });

  it('Node loads the Node entry and trains', () => {
    expect(node.entry).toMatch(/\/dist\/descent\.node\.js$/);
    expect(node.losses).toHaveLength(60);
    expect(new Set(node.losses).size).toBeGreaterThan(50);
  });

  it('Deno (with --allow-read, which it needs to read the kernels) loads the plain ESM bundle; the losses are Node\'s, bit for bit', () => {
    const deno = run(bin('deno'), ['run', '--allow-read']);
    expect(deno.entry).toMatch(/\/dist\/descent\.esm\.js$/);
    expect(deno.losses).toEqual(node.losses);
  });

  it('Bun loads the plain ESM bundle; the losses are Node\'s, bit for bit', () => {
    const bun = run(bin('bun'), []);
    expect(bun.entry).toMatch(/\/dist\/descent\.esm\.js$/);
    expect(bun.losses).toEqual(node.losses);
  });
});
