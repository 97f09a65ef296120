// The declarations a user's compiler reads — every .d.ts reachable from package.json's
// `types` entries — show the public API and nothing of the machinery: no Engine (or any
// other internal class), no member marked @internal (tsconfig.build.json strips them).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportTargets, pkg } from './helpers/exports.js';

const root = fileURLToPath(new URL('../', import.meta.url));

/** The internals: none may be named in a shipped declaration. */
const INTERNAL = [
  'Engine', 'ThreadPool', 'Kernels', 'OptimizerState', 'BatchStepper', 'FitRun', 'MemoryPlan', 'LayerPlan', 'LayerKind',
  'OptionsReader', 'ResolvedOptimizer', 'RULES', 'resolveOptimizer', 'resolveSpec', 'VerdictJudge', 'Guard', 'EarlyStopper',
  'Diagnostics', 'HistogramTaker', 'stepAccess', 'moduleLoader', 'resolveNetworkOptions',
];

/** Relative module specifiers of a declaration file (imports, re-exports, inline import types). */
function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:from\s*|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
}

function reachable(): Map<string, string> {
  const entries = [pkg.types, ...Object.values(pkg.exports).flatMap((e) => exportTargets(e).filter((t) => t.key === 'types').map((t) => t.file))];
  const files = new Map<string, string>();
  const stack = entries.map((e) => resolve(root, e));
  while (stack.length) {
    const file = stack.pop()!;
    if (files.has(file)) continue;
    if (!existsSync(file)) throw new Error(`${relative(root, file)} is named by package.json or imported by a declaration, but does not exist (run npm run build)`);
    const text = readFileSync(file, 'utf8');
    files.set(file, text);
    for (const s of specifiers(text)) stack.push(resolve(dirname(file), s.replace(/\.js$/, '.d.ts')));
  }
  return files;
}

describe('the shipped declarations', () => {
  const files = reachable();

  it('are reached from every types entry of package.json', () => {
    expect(files.size).toBeGreaterThan(10);
    for (const name of ['node.d.ts', 'types.d.ts', 'network.d.ts', 'errors.d.ts']) {
      expect([...files.keys()].some((f) => f.endsWith(`dist/${name}`)), name).toBe(true);
    }
  });

  it.each(INTERNAL)('never name %s', (name) => {
    const pattern = new RegExp(`\\b${name}\\b`);
    expect([...files].filter(([, text]) => pattern.test(text)).map(([f]) => relative(root, f))).toEqual([]);
  });

  it('hold no @internal member', () => {
    expect([...files].filter(([, text]) => text.includes('@internal')).map(([f]) => relative(root, f))).toEqual([]);
  });

  it('still declare the public API', () => {
    const all = [...files.values()].join('\n');
    for (const name of ['createNetwork', 'class Network', 'class Trainer', 'KernelError', 'ResolvedNetworkSpec', 'findLearningRate', 'runReplay', 'histograms', 'schedule']) {
      expect(all, name).toContain(name);
    }
  });
});

describe('the finder of declarations', () => {
  it('follows imports, re-exports and inline import types', () => {
    expect(specifiers("import type { A } from './a.js';\nexport * from '../b.js';\nlet x: import('./c.js').C;\nimport 'node:fs';")).toEqual(['./a.js', '../b.js', './c.js']);
  });
});
