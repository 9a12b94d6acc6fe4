// Entry point of `dockerfile-slim` (bundled to dist/cli.js). The exit code is set,
// not forced, so piped output is flushed before Node exits.
import { runCliSafely } from './cli/main';
import { processIo } from './cli/io';

// `dockerfile-slim lint … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') process.stderr.write(`dockerfile-slim: cannot write the output: ${error.code ?? error.message}\n`);
  process.exit(error.code === 'EPIPE' ? (Number(process.exitCode) || 0) : 2);
});

// Engine commands run in their own process group, so Ctrl-C reaches only this process: it
// stops them, then exits as interrupted.
const interrupted = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => interrupted.abort());

void runCliSafely(process.argv.slice(2), processIo(interrupted.signal)).then((code) => {
  process.exitCode = interrupted.signal.aborted ? 130 : code;
});
