// `descent replay case.json`: runs a replay case (a network, its data and a few optimizer
// steps, as the PyTorch golden tests describe them) and prints the losses and gradients as
// JSON, so the numbers can be compared with PyTorch's outside the test suite.
import { readText } from './read-text.js';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, DataError, ReplayFormatError } from '../errors.js';
import { loadModule, loadThreadsModule, spawnWorker } from '../node.js';
import { runReplay } from '../train/replay.js';

/** The `replay` subcommand. */
export function replayCommand(): Command {
  return new Command('replay')
    .description('run a replay case file and print its losses and gradients as JSON (non-finite values as null)')
    .argument('<case.json>', 'replay case file')
    .option('--threads <n>', 'split each batch across n threads (default 1)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('Expected an integer from 1 to 64.');
      return n;
    })
    .action(async (file: string, opts: { threads?: number }) => {
      await runReplayFile(file, opts.threads ?? 1);
    });
}

/** Reads, runs and prints one replay case. */
export async function runReplayFile(file: string, threads = 1): Promise<void> {
  const text = await readText(file, 'replay case');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ReplayFormatError(`${file} is not valid JSON: ${(err as Error).message}`, file, file);
  }
  const module = threads > 1 ? await loadThreadsModule() : await loadModule();
  let result: ReturnType<typeof runReplay>;
  try {
    result = runReplay(json, module, { threads, spawnWorker });
  } catch (err) {
    // A bad case is bad input, not a bad flag: report it as a format error of the file.
    if (err instanceof ConfigError || err instanceof ReplayFormatError) throw new ReplayFormatError(`${file}: ${err.message}`, err.path, err.value);
    if (err instanceof DataError) throw new DataError(`${file}: ${err.message}`, err.path, err.value);
    throw err;
  }
  // losses, grads0, final; and lrs (and momentum) when the case has a schedule.
  process.stdout.write(JSON.stringify(result) + '\n');
}
