// What the CLI touches outside itself, passed in so tests can run it in-process.

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  stdoutIsTTY: boolean;
  env: Record<string, string | undefined>;
  /** Relative PATH arguments are resolved against this folder. */
  cwd: string;
  /** Fires on Ctrl-C: engine commands started for the CLI (in their own process group) are stopped. */
  interrupted?: AbortSignal;
}

export function processIo(interrupted?: AbortSignal): CliIo {
  return {
    interrupted,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Every error the CLI reports is exactly one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

export function errorMessage(error: unknown): string {
  return oneLine(error instanceof Error ? error.message || error.name : String(error));
}
