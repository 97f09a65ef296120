// The `descent` command line: `descent train`, `replay`, `diagnose`, `lr-find`, `inspect`,
// `export-onnx` and `predict`.
// Errors print as `descent: <message>` without a stack trace. Exit codes: 0 success, 1 failure (bad data,
// unreadable files, bad replay cases), 2 usage (bad flags or hyper-parameters).
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError, DescentError } from '../errors.js';
import { diagnoseCommand } from './diagnose-command.js';
import { exportOnnxCommand } from './export-onnx-command.js';
import { inspectCommand } from './inspect-command.js';
import { predictCommand } from './predict-command.js';
import { lrFindCommand } from './lr-find-command.js';
import { ReplayMismatchError, replayCommand } from './replay-command.js';
import { DivergedError, InterruptedError, trainCommand } from './train-command.js';

/** Exit code of a failure. */
export const EXIT_FAILURE = 1;
/** Exit code of a usage error: an unknown or malformed flag, or an invalid setting. */
export const EXIT_USAGE = 2;

function version(): string {
  // src/cli/main.ts and dist/cli/main.js both sit two levels below package.json.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Builds the commander program (exits are turned into exceptions). */
export function createProgram(): Command {
  const program = new Command('descent')
    .description('Gradient-descent training of MLPs in WebAssembly')
    .version(version(), '-V, --version')
    .showSuggestionAfterError()
    .configureOutput({
      // Commander's messages start with "error: "; print them like ours.
      outputError: (message, write) => write(message.replace(/^error: /, 'descent: ')),
    });
  program.addCommand(trainCommand());
  program.addCommand(replayCommand());
  program.addCommand(diagnoseCommand());
  program.addCommand(lrFindCommand());
  program.addCommand(inspectCommand());
  program.addCommand(exportOnnxCommand());
  program.addCommand(predictCommand());
  // Subcommands inherit neither exitOverride nor the output settings, so set them on each.
  for (const cmd of [program, ...program.commands]) {
    cmd.exitOverride();
    if (cmd !== program) cmd.configureOutput(program.configureOutput());
  }
  return program;
}

/** Runs the CLI on `argv` (node path, script path, arguments) and returns the exit code. */
export async function main(argv: string[] = process.argv): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed the message (or the help/version) already.
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (err instanceof InterruptedError || err instanceof DivergedError || err instanceof ReplayMismatchError) {
      process.stderr.write(`descent: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof DescentError) {
      process.stderr.write(`descent: ${err.message}\n`);
      return err instanceof ConfigError ? EXIT_USAGE : EXIT_FAILURE;
    }
    // Anything else is a bug: keep the stack.
    process.stderr.write(`descent: unexpected error\n${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT_FAILURE;
  }
}
