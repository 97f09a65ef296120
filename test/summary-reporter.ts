// Vitest reporter that ends the run with the plain line CI reads: "N passed, N failed" (and
// ", N skipped" when some were). Passed and skipped count tests. Failed counts every way a run
// can go wrong, each once: a failed test; an error outside any test, which vitest keeps on the
// module (a file that fails to import, a file-level beforeAll/afterAll) or on the suite (a
// describe's beforeAll/afterAll); and an unhandled error. Tests a failing beforeAll kept from
// running count as skipped, but its error is counted as failed, so they never hide it.
// `notes` (vitest.config.ts passes them) are printed just above the line, e.g. a project left out.
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

export interface SummaryOptions {
  notes?: string[];
}

interface Summary {
  passed: number;
  failed: number;
  skipped: number;
}

function summarize(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): Summary {
  const sum: Summary = { passed: 0, failed: 0, skipped: 0 };
  for (const mod of testModules) {
    let failures = mod.errors().length;
    for (const suite of mod.children.allSuites()) failures += suite.errors().length;
    for (const t of mod.children.allTests()) {
      const state = t.result().state;
      if (state === 'passed') sum.passed++;
      else if (state === 'failed') failures++;
      else sum.skipped++;
    }
    // A module vitest calls failed with no error or failed test to show for it still fails the run.
    if (failures === 0 && mod.state() === 'failed') failures = 1;
    sum.failed += failures;
  }
  sum.failed += unhandledErrors.length;
  return sum;
}

const summaryLine = ({ passed, failed, skipped }: Summary): string => `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;

export default class PlainSummaryReporter implements Reporter {
  private readonly notes: string[];

  constructor(options: SummaryOptions = {}) {
    this.notes = options.notes ?? [];
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    for (const note of this.notes) console.log(note);
    console.log(summaryLine(summarize(testModules, unhandledErrors)));
  }
}
