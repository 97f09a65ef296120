// One reader for every options object the API takes: unknown keys are rejected by name, and
// each known key is read by a typed reader whose error carries the path and the value. So a
// bad option reads the same wherever it is given: "options.batchSize must be a positive
// integer, got 0", with `path` 'options.batchSize' and `value` 0.
import { ConfigError, type DescentError } from '../errors.js';
import { mustBeMessage } from './must-be.js';

/** Makes the error for a bad value at `path` (default: a ConfigError). */
export type ErrorFactory = (message: string, path: string, value: unknown) => DescentError;

const configError: ErrorFactory = (message, path, value) => new ConfigError(message, path, value);

/** Whether `value` is one of `list` (a narrowing `includes` for `as const` lists). */
export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return (list as readonly unknown[]).includes(value);
}

interface NumberRule<D> {
  /** Used when the key is absent (undefined); without it the key is required. */
  default?: D;
  integer?: boolean;
  /** Inclusive bounds, and exclusive ones. */
  min?: number;
  max?: number;
  above?: number;
  below?: number;
  /** What the error says the value must be; default derived from the rule. */
  want?: string;
}

function wantOf(r: NumberRule<unknown>): string {
  if (r.want) return r.want;
  const kind = r.integer ? 'an integer' : 'a number';
  const parts: string[] = [];
  if (r.min !== undefined && r.max !== undefined) return `${kind} in ${r.min}…${r.max}`;
  if (r.min !== undefined) parts.push(`≥ ${r.min}`);
  if (r.above !== undefined) parts.push(`> ${r.above}`);
  if (r.max !== undefined) parts.push(`≤ ${r.max}`);
  if (r.below !== undefined) parts.push(`< ${r.below}`);
  return parts.length ? `${kind} ${parts.join(' and ')}` : r.integer ? kind : `a finite number`;
}

/** How a reader fills and reports: defaults by key, whose options they are, the error class. */
export interface ReaderSettings {
  /** Values of absent keys (a key whose default is undefined is required). */
  defaults?: Readonly<Record<string, unknown>>;
  /** Names the owner in "<path> is required for <owner>". */
  owner?: string;
  error?: ErrorFactory;
}

/**
 * Reads the options object `value` found at `path`. `keys` are the options it may hold;
 * `what` names them in the unknown-key error ("a fit option", "an option of adam").
 */
export class OptionsReader<K extends string = string> {
  readonly given: Record<string, unknown>;
  private readonly defaults: Readonly<Record<string, unknown>>;
  private readonly owner: string | undefined;
  private readonly error: ErrorFactory;

  private constructor(given: Record<string, unknown>, readonly path: string, settings: ReaderSettings) {
    this.given = given;
    this.defaults = settings.defaults ?? {};
    this.owner = settings.owner;
    this.error = settings.error ?? configError;
  }

  /**
   * Checks that `value` is a plain object holding only `keys` and returns its reader.
   * `shape` describes the expected object in the error for a non-object.
   */
  static read<K extends string>(value: unknown, path: string, keys: readonly K[], what: string, shape = 'an object', settings: ReaderSettings = {}): OptionsReader<K> {
    const error = settings.error ?? configError;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw error(mustBeMessage(path, shape, value), path, value);
    const given = value as Record<string, unknown>;
    for (const key of Object.keys(given)) {
      if (!(keys as readonly string[]).includes(key)) {
        throw error(`${path}.${key} is not ${what} (expected one of ${keys.join(', ')})`, `${path}.${key}`, key);
      }
    }
    return new OptionsReader<K>(given, path, settings);
  }

  /**
   * The given value, else the settings' default, else `fallback`. Only undefined is "not
   * given": null is a value like any other, so an option that takes no null rejects it.
   */
  value(key: K, fallback?: unknown): unknown {
    const v = this.given[key] !== undefined ? this.given[key] : this.defaults[key];
    return v === undefined ? fallback : v;
  }

  /** The path of a key, for errors raised by the caller. */
  at(key: K): string {
    return `${this.path}.${key}`;
  }

  /** Whether the key was given (and is not undefined). */
  has(key: K): boolean {
    return this.given[key] !== undefined;
  }

  /** A ConfigError (or the reader's error class) for a bad value of `key`; a missing one is "required" when there is an owner. */
  fail(key: K, want: string, value: unknown = this.given[key]): DescentError {
    const path = this.at(key);
    return this.error(value === undefined && this.owner ? `${path} is required for ${this.owner} (${want})` : mustBeMessage(path, want, value), path, value);
  }

  /** A finite number under `rule` (an integer: a safe one). */
  number<D extends number | undefined | null = number>(key: K, rule: NumberRule<D> = {}): number | D {
    const v = this.value(key);
    if (v === undefined && 'default' in rule) return rule.default as D;
    const ok = typeof v === 'number' && (rule.integer ? Number.isSafeInteger(v) : Number.isFinite(v))
      && (rule.min === undefined || v >= rule.min) && (rule.max === undefined || v <= rule.max)
      && (rule.above === undefined || v > rule.above) && (rule.below === undefined || v < rule.below);
    if (!ok) throw this.fail(key, wantOf(rule), v);
    return v as number;
  }

  /** An integer under `rule` (a safe integer at most). */
  integer<D extends number | undefined | null = number>(key: K, rule: Omit<NumberRule<D>, 'integer'> = {}): number | D {
    return this.number(key, { ...rule, integer: true });
  }

  /** true or false. */
  boolean(key: K, fallback?: boolean): boolean {
    const v = this.value(key, fallback);
    if (typeof v !== 'boolean') throw this.fail(key, 'true or false', v);
    return v;
  }

  /** One of the names in `list`. */
  oneOf<T extends string>(key: K, list: readonly T[], fallback?: T): T {
    const v = this.value(key, fallback);
    if (!isOneOf(list, v)) throw this.fail(key, `one of ${list.join(', ')}`, v);
    return v;
  }

  /** A function, or undefined when absent. */
  callback<F extends (...args: never[]) => unknown>(key: K): F | undefined {
    const v = this.value(key);
    if (v !== undefined && typeof v !== 'function') throw this.fail(key, 'a function', v);
    return v as F | undefined;
  }
}
