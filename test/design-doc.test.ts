// docs/design.md stays true: its source tree names every file of assembly/ and src/ (and no
// file that is gone), every path it names exists, and its recipes name real files — at most
// five for an activation or an optimizer, besides tests and goldens.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const doc = readFileSync(join(root, 'docs/design.md'), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The files the tree block names, with their folders resolved (`  cli/` then `main.ts` → src/cli/main.ts). */
function treeFiles(): string[] {
  const block = doc.slice(doc.indexOf('## The source tree'), doc.indexOf('## The contract'));
  const tree = block.slice(block.indexOf('```') + 3, block.lastIndexOf('```'));
  const files: string[] = [];
  const folders: { indent: number; name: string }[] = [];
  for (const line of tree.split('\n')) {
    const indent = line.length - line.trimStart().length;
    const tokens = line.trim().split(/\s+/);
    // A line names a folder, or files (up to its description); a line of description alone names none.
    const firstWord = tokens.findIndex((t) => !t.endsWith('.ts') && !t.endsWith('/'));
    const leading = firstWord < 0 ? tokens : tokens.slice(0, firstWord);
    if (leading.length === 0 || leading[0] === '') continue;
    while (folders.length && folders[folders.length - 1].indent >= indent) folders.pop();
    if (leading[0].endsWith('/')) {
      folders.push({ indent, name: leading[0] });
      continue;
    }
    for (const n of leading) files.push(folders.map((f) => f.name).join('') + n);
  }
  return files;
}

/** Backticked repository paths the document names. */
const namedPaths = [...doc.matchAll(/`((?:src|assembly|test|docs|bench|bin)\/[A-Za-z0-9_./<>-]+)`/g)].map((m) => m[1]);

/** The files a recipe lists as numbered steps. */
function recipe(title: string): string[] {
  const start = doc.indexOf(`### ${title}`);
  expect(start, title).toBeGreaterThan(0);
  const end = doc.indexOf('\n#', start + 4);
  return [...doc.slice(start, end < 0 ? undefined : end).matchAll(/^\d+\. `([^`]+)`/gm)].map((m) => m[1]);
}

describe('docs/design.md', () => {
  it('names every source file of assembly/ and src/ in its tree, and none that is gone', () => {
    const actual = [...sources('assembly'), ...sources('src')].sort();
    expect(treeFiles().sort()).toEqual(actual);
  });

  it('names only paths that exist (a <kind> or <name> placeholder stands for a new file)', () => {
    expect(namedPaths.length).toBeGreaterThan(20);
    const missing = namedPaths.filter((p) => !p.includes('<') && !existsSync(join(root, p)));
    expect(missing).toEqual([]);
  });

  it.each(['Adding an activation', 'Adding an optimizer'])('%s: at most five files besides tests and goldens, all real', (title) => {
    const files = recipe(title);
    expect(files.length).toBeGreaterThan(1);
    expect(files.length).toBeLessThanOrEqual(5);
    for (const f of files) expect(existsSync(join(root, f)), f).toBe(true);
  });

  it.each(['Adding a learning-rate schedule', 'Adding a layer kind'])('%s: names real files (a <kind> file is the new one)', (title) => {
    const files = recipe(title);
    expect(files.length).toBeGreaterThan(1);
    for (const f of files.filter((p) => !p.includes('<'))) expect(existsSync(join(root, f)), f).toBe(true);
  });
});
