// The CLI's names for the library's options: a library error names an option by its API path
// (`optimizer.weightDecay`, `options.batchSize`), but the user typed a flag, so the CLI's
// commands rename the paths in the messages they print.
import { ConfigError } from '../errors.js';

/** `weightDecay` → `--weight-decay`. */
export function flagName(key: string): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/**
 * Library errors name options by their API path (`optimizer.weightDecay`,
 * `options.batchSize`); the CLI user typed flags, so rename them.
 */
function renameForCli(err: ConfigError, bare: readonly string[]): ConfigError {
  // A key inside a JSON-valued flag (--schedule '{"type":"stepLR"}') is named as a key of it.
  let message = err.message.replace(/\boptions\.schedule\.([A-Za-z]+)/g, (_, key: string) => `--schedule's "${key}"`);
  message = message.replace(/\b(?:optimizer|options)\.([A-Za-z]+)/g, (_, key: string) => flagName(key));
  // Option names a message mentions without a path (`> startLr (1e-7)`), which the caller knows are flags.
  for (const key of bare) message = message.replace(new RegExp(`(?<![-.\\w])${key}\\b`, 'g'), flagName(key));
  // An unknown optimizer option lists the rule's options; `type` is the --optimizer flag itself.
  message = message.replace(/\(expected one of ([^)]*)\)/, (_, list: string) => `(its flags: ${list.split(', ').filter((k) => k !== 'type').map(flagName).join(', ')})`);
  return new ConfigError(message, err.path, err.value);
}

export async function translateConfigErrors<T>(f: () => Promise<T>, bare: readonly string[] = []): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw err instanceof ConfigError ? renameForCli(err, bare) : err;
  }
}

export function translateConfigErrorsSync<T>(f: () => T, bare: readonly string[] = []): T {
  try {
    return f();
  } catch (err) {
    throw err instanceof ConfigError ? renameForCli(err, bare) : err;
  }
}
