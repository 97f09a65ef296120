// Runs, as the `browser` project, only where the browser tests are required (CI, or
// DESCENT_BROWSER=required) and vitest.config.ts found no Chromium: the run fails, saying why.
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';

const chromium = process.env.DESCENT_CHROMIUM || '/usr/bin/chromium';

it(`Chromium is installed at ${chromium} (the browser tests are required here)`, () => {
  expect(existsSync(chromium), `${chromium} not found: apt-get install -y chromium (DESCENT_BROWSER=optional leaves the browser tests out)`).toBe(true);
});
