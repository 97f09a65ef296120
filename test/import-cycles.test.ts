// No import circle anywhere in src/ or assembly/, type-only imports included: a circle means
// two files can only be understood together, and it is where the layers of the design stop
// holding. And src/'s folders import only the layers below them (docs/design.md). The graph
// is read from the sources' own import and export statements (and inline `import('…')`
// types), so the test needs no build.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative specifiers of every import, re-export and inline import type of a source file. */
export function importsOf(text: string): string[] {
  // Comments may mention imports; strip them (strings that contain `//` do not matter here).
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const found: string[] = [];
  for (const m of code.matchAll(/(?:^|[\s;}])(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g)) found.push(m[1]);
  for (const m of code.matchAll(/(?:^|[\s;}])import\s*['"]([^'"]+)['"]/g)) found.push(m[1]);
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]);
  // A .wasm import (the workerd entry's kernels) is a module the runtime compiles, not a source file.
  return found.filter((s) => s.startsWith('.') && !s.endsWith('.wasm'));
}

/** The import graph of the .ts files under `dir`: file → files it imports (paths relative to the repository). */
function graph(dir: string): Map<string, string[]> {
  const files = sources(join(root, dir));
  const known = new Set(files);
  const g = new Map<string, string[]>();
  for (const file of files) {
    const targets = importsOf(readFileSync(file, 'utf8')).map((spec) => {
      const base = resolve(dirname(file), spec);
      const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
      const hit = candidates.find((c) => known.has(c));
      if (!hit) throw new Error(`${relative(root, file)} imports ${spec}, which is not a source file under ${dir}`);
      return relative(root, hit);
    });
    g.set(relative(root, file), [...new Set(targets)]);
  }
  return g;
}

/** Strongly connected components with more than one file (or a file importing itself): Tarjan. */
function circles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (g.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of [...g.keys()].sort()) if (!idx.has(v)) visit(v);
  return found;
}

describe.each(['src', 'assembly'])('%s/', (dir) => {
  const g = graph(dir);
  it('reads a graph with imports in it', () => {
    expect(g.size).toBeGreaterThan(10);
    expect([...g.values()].flat().length).toBeGreaterThan(g.size);
  });
  it('has no import circle, type-only imports included', () => {
    expect(circles(g)).toEqual([]);
  });
});

/**
 * src/'s layers, lowest first: the public catalogue (types, names, errors) that everything
 * may use, the folders in dependency order, then the public face.
 */
const LAYERS = [
  ['src/types.ts', 'src/names.ts', 'src/errors.ts'],
  ['src/util/'], ['src/wasm/'], ['src/model/'], ['src/optim/'], ['src/engine/'], ['src/diagnostics/'], ['src/data/'], ['src/train/'],
  ['src/network.ts'], ['src/lab/', 'src/checkpoint/'],
  ['src/index.ts', 'src/checkpoint.ts', 'src/threads-node.ts', 'src/data.ts', 'src/diagnostics.ts', 'src/lr-finder.ts', 'src/race.ts', 'src/replay.ts', 'src/schedules.ts', 'src/surfaces.ts'],
  ['src/node.ts', 'src/browser.ts', 'src/workerd.ts', 'src/threads.ts'],
  ['src/cli/'],
];
const layerOf = (file: string) => LAYERS.findIndex((l) => l.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p)));

describe('src/ layers', () => {
  const g = graph('src');
  it('every file belongs to a layer', () => {
    expect([...g.keys()].filter((f) => layerOf(f) < 0)).toEqual([]);
  });
  it('files import only their own folder or the layers below', () => {
    const upward = [...g].flatMap(([file, targets]) => targets
      .filter((t) => layerOf(t) > layerOf(file) || (layerOf(t) === layerOf(file) && layerOf(file) === 0 && t !== file && !(file === 'src/types.ts' && t === 'src/names.ts')))
      .map((t) => `${file} → ${t}`));
    expect(upward).toEqual([]);
  });
});

describe('the circle finder', () => {
  it('finds a circle of two files and a longer one, and nothing in a chain', () => {
    const g = new Map(Object.entries({ a: ['b'], b: ['a'], c: ['d'], d: ['e'], e: ['c'], f: ['g'], g: [] }));
    expect(circles(g)).toEqual([['a', 'b'], ['c', 'd', 'e']]);
  });
  it('reads type-only imports, re-exports and inline import types', () => {
    const text = [
      "import type { A } from './a.js';",
      "export { B } from '../b.js';",
      "export type * from './c.js';",
      "let x: import('./d.js').D;",
      "// import { E } from './e.js';",
      "import { F } from 'node:fs';",
    ].join('\n');
    expect(importsOf(text)).toEqual(['./a.js', '../b.js', './c.js', './d.js']);
  });
});
