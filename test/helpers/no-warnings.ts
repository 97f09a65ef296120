// Setup file of every project (vitest.config.ts): the suite prints no warnings. The library's
// default for a warning (pre-flight findings, threads it cannot honour) is console.warn, so a
// test that calls fit without `preflight: 'off'` or an `onWarning` of its own prints one per
// run and project. Every console.warn is still printed, but fails the test it happened in, or,
// outside any test (a file's top level, a beforeAll or afterAll), the file.
import { afterAll, afterEach, beforeEach } from 'vitest';

const seen: string[] = [];
const original = console.warn;
console.warn = (...args: unknown[]) => {
  seen.push(args.map(String).join(' '));
  original.apply(console, args);
};

const HOW = "pass `preflight: 'off'` to fit where the warning is not the subject, or an `onWarning` that collects it where it is";

function fail(where: string): void {
  if (seen.length === 0) return;
  const messages = seen.splice(0).map((m) => `  ${m}`).join('\n');
  throw new Error(`console.warn was called in ${where} (the suite prints no warnings: ${HOW}):\n${messages}`);
}

// Warnings from a file's top level or a beforeAll surface before its next test runs.
beforeEach(() => fail('this file before the test (its top level or a beforeAll)'));
afterEach(({ task }) => fail(`"${task.fullName}"`));
afterAll(() => fail('this file after its last test (an afterAll)'));
