// The project lists of test/projects.ts against what each test file imports from test/helpers/:
// a file that trains or replays through network.ts must run in `threads` (NETWORK_FILES); one
// that otherwise loads the project's kernels must run in `relaxed` and `scalar` (KERNEL_FILES);
// one that does neither runs in `default` only (elsewhere it would run identical code).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KERNEL_FILES, NETWORK_FILES } from './projects.js';

const root = fileURLToPath(new URL('../', import.meta.url));
// What a file imports from test/helpers/ says what it depends on.
const NETWORK = ['makeNetwork', 'replayLikeNetworks', 'testThreads'];
const KERNEL = ['loadTestModule', 'loadThreadsModule', 'testModuleFile', 'testKernels', 'forEachBuild'];

function testFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(root, path)).isDirectory()) return path === 'test/browser' ? [] : testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = testFiles('test');
const inList = (list: readonly string[], file: string) => list.some((e) => (e.endsWith('/') ? file.startsWith(e) : e === file));

/** The names a file's source imports from test/helpers/. */
function helperImports(text: string): string[] {
  return [...text.matchAll(/^import\s*\{([^}]*)\}\s*from\s*'(?:\.\.?\/)+helpers\/[\w-]+\.js'/gm)]
    .flatMap((m) => m[1].split(','))
    .map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0])
    .filter((n) => n !== '');
}

/** The list a file belongs in, by what it imports. */
function wanted(file: string): string {
  const names = helperImports(readFileSync(join(root, file), 'utf8'));
  if (names.some((n) => NETWORK.includes(n))) return 'NETWORK_FILES';
  if (names.some((n) => KERNEL.includes(n))) return 'KERNEL_FILES';
  return 'neither (default only)';
}

describe('the project lists (test/projects.ts)', () => {
  it('see the suite and what it imports', () => {
    expect(files).toContain('test/kernels/dense.test.ts');
    expect(files.filter((f) => f.startsWith('test/browser/'))).toEqual([]);
    const sample = [
      "import { makeNetwork as make, type Network } from './helpers/network.js';",
      "import {\n  forEachBuild,\n  prng,\n} from '../helpers/kernel-arena.js';",
      "import { loadTestModule } from '../src/somewhere.js';",
      '// makeNetwork in a comment, testKernels in a string',
      "  import { testThreads } from './helpers/wasm.js'; (not at a line's start: quoted, as here)",
    ].join('\n');
    expect(helperImports(sample)).toEqual(['makeNetwork', 'Network', 'forEachBuild', 'prng']);
  });

  it.each(files)('%s is listed by what it imports', (file) => {
    const listed = [inList(KERNEL_FILES, file) && 'KERNEL_FILES', inList(NETWORK_FILES, file) && 'NETWORK_FILES'].filter(Boolean).join(' and ') || 'neither (default only)';
    expect(listed, `${file} is in ${listed}, but what it imports from test/helpers/ puts it in ${wanted(file)}`).toBe(wanted(file));
  });

  it.each([...KERNEL_FILES.map((e) => ['KERNEL_FILES', e]), ...NETWORK_FILES.map((e) => ['NETWORK_FILES', e])])('%s entry %s exists', (_, entry) => {
    expect(existsSync(join(root, entry)), `${entry} is listed but missing`).toBe(true);
    if (entry.endsWith('/')) expect(files.some((f) => f.startsWith(entry)), `${entry} holds no test file`).toBe(true);
  });
});
