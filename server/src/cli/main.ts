// The command dispatcher: help, version, lint, slim, inspect.
import { INSPECT_USAGE, LINT_USAGE, MAIN_USAGE, parseCommandLine, SLIM_USAGE, UsageError, type Command } from './args';
import { DEFAULT_INSPECTOR, runInspect, type Inspector } from './inspect';
import { errorMessage, type CliIo } from './io';
import { DEFAULT_ENGINE, runLint, type LintEngine } from './lint';
import { runSlim } from './slim';
import { TOOL_NAME, VERSION } from './version';

export async function runCli(argv: readonly string[], io: CliIo, engine: LintEngine = DEFAULT_ENGINE, inspector: Inspector = DEFAULT_INSPECTOR): Promise<number> {
  let command: Command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${TOOL_NAME}: ${error.message}\n`);
    return 2;
  }
  switch (command.kind) {
    case 'help':
      io.stdout({ lint: LINT_USAGE, inspect: INSPECT_USAGE, slim: SLIM_USAGE, main: MAIN_USAGE }[command.topic]);
      return 0;
    case 'version':
      io.stdout(`${VERSION}\n`);
      return 0;
    case 'lint':
      return runLint(command.options, io, engine);
    case 'inspect':
      return runInspect(command.options, io, inspector);
    case 'slim':
      return runSlim(command.options, io);
  }
}

/** The last line of defence: a bug becomes one line and exit code 2, never a stack trace. */
export async function runCliSafely(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await runCli(argv, io);
  } catch (error) {
    io.stderr(`${TOOL_NAME}: internal error: ${errorMessage(error)}\n`);
    return 2;
  }
}
