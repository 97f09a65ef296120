// The summary line (test/summary-reporter.ts) counts every failure once, whatever its kind:
// each fixture in test/fixtures/summary/ is run by its own vitest, as a child process with
// the suite's reporters, and the last line of its output is checked with its exit code.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const config = 'test/fixtures/summary/vitest.config.ts';

interface Run {
  code: number;
  lines: string[];
}

/** Runs the fixtures whose names match `filter` in a fresh vitest; stdout's non-empty lines. */
function runFixtures(filter: string[], env: Record<string, string> = {}): Promise<Run> {
  // This worker's VITEST_* variables would tell the child it runs inside a pool.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
  return new Promise((resolve) => {
    execFile(process.execPath, [vitest, 'run', '--config', config, ...filter], { cwd: root, env: { ...clean, NO_COLOR: '1', ...env }, timeout: 50_000 }, (error, stdout) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, lines: stdout.split('\n').filter((l) => l.trim() !== '') });
    });
  });
}

describe.concurrent('the summary line', () => {
  it.each([
    ['passing', '2 passed, 0 failed, 1 skipped', 0],
    // The three tests the hook kept from running are skipped; the hook's error is the failure.
    ['before-all', '0 passed, 1 failed, 3 skipped', 1],
    ['after-all', '1 passed, 1 failed', 1],
    ['import-error', '0 passed, 1 failed', 1],
    ['unhandled', '1 passed, 1 failed', 1],
    ['mixed', '0 passed, 3 failed, 1 skipped', 1],
  ] as const)('%s.fixture.ts ends with "%s", exit code %i', async (fixture, line, code) => {
    const run = await runFixtures([`${fixture}.fixture.ts`]);
    expect(run.lines.at(-1)).toBe(line);
    expect(run.code).toBe(code);
  });

  it('adds up every fixture in one run', async () => {
    const run = await runFixtures([]);
    expect(run.lines.at(-1)).toBe('4 passed, 7 failed, 5 skipped');
    expect(run.code).toBe(1);
  });

  it('prints a note (a project left out) just above the line', async () => {
    const note = 'browser project skipped: /nowhere/chromium not found';
    const run = await runFixtures(['passing.fixture.ts'], { SUMMARY_NOTE: note });
    expect(run.lines.slice(-2)).toEqual([note, '2 passed, 0 failed, 1 skipped']);
    expect(run.code).toBe(0);
  });
});
