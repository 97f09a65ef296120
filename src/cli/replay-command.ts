// `descent replay case.json`: runs a replay case (a network, its data and a few optimizer
// steps, as the PyTorch golden tests describe them) and prints the losses and gradients as
// JSON, so the numbers can be compared with PyTorch's outside the test suite.
import { readText } from './read-text.js';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, DataError, ReplayFormatError } from '../errors.js';
import { loadModule, loadThreadsModule, spawnWorker } from '../node.js';
import { runReplay, type ReplayResult } from '../train/replay.js';
import { REPLAY_TOLERANCES, replayMismatches } from '../train/replay-check.js';

/** The `replay` subcommand. */
export function replayCommand(): Command {
  return new Command('replay')
    .description('run a replay case file and print its losses and gradients as JSON (non-finite values as null); a case with `expected` results is checked against them: pass, or fail with exit 1')
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
  const expected = (json as { expected?: unknown }).expected;
  if (expected === undefined) {
    // losses, grads0, final; and lrs (and momentum) when the case has a schedule.
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  // A case that carries PyTorch's results is checked against them: pass or fail, not just numbers.
  if (!isResult(expected)) throw new ReplayFormatError(`${file}: case.expected must be { losses, grads0, final } (and evalOutputs, state) as the golden cases store them`, 'case.expected', expected);
  const bad = replayMismatches(result, expected);
  process.stdout.write(JSON.stringify({ ...result, check: { pass: bad.length === 0, mismatches: bad.length, first: bad.slice(0, 10), tolerances: REPLAY_TOLERANCES } }) + '\n');
  if (bad.length) throw new ReplayMismatchError(`${file}: FAIL: ${bad.length} value${bad.length === 1 ? '' : 's'} outside the tolerances of case.expected, first ${bad.slice(0, 3).join('; ')}`);
  const parts = [`${result.losses.length} losses`, 'the step-0 gradients', 'the final parameters'];
  if (expected.evalOutputs) parts.push('the evaluation outputs');
  if (expected.state) parts.push('the running statistics');
  process.stderr.write(`descent: ${file}: pass: ${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]} match case.expected\n`);
}

/** The replay did not match its case's expected results; the CLI exits 1. */
export class ReplayMismatchError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'ReplayMismatchError';
  }
}

function isResult(v: unknown): v is ReplayResult {
  const r = v as ReplayResult;
  // Per layer, arrays by tensor name ({ weight, bias } for a dense layer, {} for one without).
  const tensors = (t: unknown) => Array.isArray(t) && t.every((l) => l !== null && typeof l === 'object' && !Array.isArray(l) && Object.values(l).every(Array.isArray));
  return typeof v === 'object' && v !== null && Array.isArray(r.losses) && tensors(r.grads0) && tensors(r.final)
    && (r.evalOutputs === undefined || Array.isArray(r.evalOutputs)) && (r.state === undefined || tensors(r.state));
}
