// The most common ConfigError, "<path> must be <want>, got <value>", in one place. Its own
// module, not errors.ts: subpath bundles import errors.ts from the package entry (one class
// per runtime), and the entry exports only the error classes.
import { describe } from './describe.js';
import { ConfigError } from '../errors.js';

/** "<path> must be <want>, got <value>", for whichever error class reports it. */
export function mustBeMessage(path: string, want: string, value: unknown): string {
  return `${path} must be ${want}, got ${describe(value)}`;
}

/** The ConfigError for a value at `path` that is not `want`. */
export function mustBe(path: string, want: string, value: unknown): ConfigError {
  return new ConfigError(mustBeMessage(path, want, value), path, value);
}
