// The command dispatcher: help, version, lint, inspect; the commands the spec
// announces for later answer with one clear line and exit code 2.
import { INSPECT_USAGE, LINT_USAGE, MAIN_USAGE, parseCommandLine, UsageError, type Command } from './args';
import { DEFAULT_INSPECTOR, runInspect, type Inspector } from './inspect';
import { errorMessage, type CliIo } from './io';
import { DEFAULT_ENGINE, runLint, type LintEngine } from './lint';
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
      io.stdout(command.topic === 'lint' ? LINT_USAGE : command.topic === 'inspect' ? INSPECT_USAGE : MAIN_USAGE);
      return 0;
    case 'version':
      io.stdout(`${VERSION}\n`);
      return 0;
    case 'unavailable':
      io.stderr(`${TOOL_NAME} ${command.name}: not available in this version\n`);
      return 2;
    case 'lint':
      return runLint(command.options, io, engine);
    case 'inspect':
      return runInspect(command.options, io, inspector);
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
