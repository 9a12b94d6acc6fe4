// Failures of the container engine, each turned into a message that says what went
// wrong and what to do next. The engine's own words travel along (`engineText`), so
// the user sees exactly what docker or podman said. One error type for the panel and
// the CLI. No `vscode` import: plain Node.
import { displayText } from '../image/names';

export type EngineKind = 'docker' | 'podman';

export type EngineFailure =
  | 'untrusted'
  | 'not-installed'
  | 'daemon-down'
  | 'permission-denied'
  | 'buildx-missing'
  | 'build-failed'
  | 'image-gone'
  | 'image-not-found'
  | 'cancelled'
  | 'failed';

export class EngineError extends Error {
  constructor(
    readonly kind: EngineFailure,
    message: string,
    /** What the user can do about it, one sentence. */
    readonly nextStep: string,
    /** The engine's last stderr lines, as it printed them ('' when it printed nothing). */
    readonly engineText = '',
    /** The last lines of the whole output (stdout and stderr), for failed builds. */
    readonly outputTail = '',
  ) {
    super(message);
    this.name = 'EngineError';
  }

  /** Message, next step and the engine's text, for logs and the CLI. */
  describe(): string {
    const parts = [this.message, this.nextStep];
    if (this.engineText) parts.push(this.engineText);
    return parts.join('\n');
  }
}

export function engineName(kind: EngineKind): string {
  return kind === 'docker' ? 'Docker' : 'Podman';
}

/** How the executable was chosen; decides what a "not found" message tells the user to change. */
export type EngineOrigin = 'path-setting' | 'engine-setting' | 'auto' | 'command-line';

export function notInstalled(kind: EngineKind | undefined, origin: EngineOrigin, executable: string, reason = 'not found'): EngineError {
  if (origin === 'path-setting') {
    return new EngineError(
      'not-installed',
      `The container engine at \`${executable}\` (setting \`dockerfileSlim.enginePath\`) cannot be run: ${reason}.`,
      'Correct `dockerfileSlim.enginePath` in your user settings, or clear it to use `docker` or `podman` from PATH.',
    );
  }
  if (origin === 'command-line') {
    return new EngineError(
      'not-installed',
      `The container engine at \`${executable}\` cannot be run: ${reason}.`,
      'Install Docker or Podman, or give the full path of its executable with --engine-path PATH.',
    );
  }
  if (origin === 'engine-setting' && kind) {
    return new EngineError(
      'not-installed',
      `${engineName(kind)} is not installed: \`${kind}\` is not on PATH (setting \`dockerfileSlim.engine\` is \`${kind}\`).`,
      `Install ${engineName(kind)}, set \`dockerfileSlim.enginePath\` in your user settings to its full path, or set \`dockerfileSlim.engine\` to \`auto\`.`,
    );
  }
  return new EngineError(
    'not-installed',
    'No container engine found: neither `docker` nor `podman` is on PATH, so the image cannot be built.',
    'Install Docker or Podman, or set `dockerfileSlim.enginePath` in your user settings to the full path of its executable.',
  );
}

export function cancelled(operation = 'build'): EngineError {
  const what = operation === 'build' ? 'The build was cancelled' : `\`${operation}\` was cancelled`;
  return new EngineError('cancelled', `${what}.`, operation === 'build' ? 'Build again when ready.' : 'Try again when ready.');
}

export function untrusted(): EngineError {
  return new EngineError(
    'untrusted',
    "Building is disabled in an untrusted workspace: a build runs this workspace's Dockerfile and its commands with your container engine.",
    'Trust the workspace (command "Workspaces: Manage Workspace Trust") to build; linting works without trust.',
  );
}

export interface FailureContext {
  kind: EngineKind;
  executable: string;
  origin?: EngineOrigin;
  /** The engine subcommand, e.g. `build`, `image inspect`, `history`, `version`. */
  operation: string;
  /** The image the operation was about, for "image gone". */
  subject?: string;
  /** The user named the subject (a missing one is "not found"), rather than this extension having built it ("gone"). */
  userNamed?: boolean;
  spawnError?: NodeJS.ErrnoException;
  aborted?: boolean;
  timedOut?: boolean;
  exitCode?: number | null;
  /** The last lines of stderr. */
  stderr?: string;
  /** The last lines of all output, kept on build failures. */
  outputTail?: string;
}

const DAEMON_DOWN = [
  /Cannot connect to the Docker daemon/i,
  /failed to connect to the docker API/i,
  /Is the docker daemon running\?/i,
  /error during connect:/i, // Windows: the named pipe is missing
  /docker_engine: The system cannot find the file specified/i,
  /Cannot connect to Podman/i,
  /unable to connect to Podman socket/i,
];
const PERMISSION_DENIED = [/permission denied while trying to connect to the Docker daemon socket/i, /permission denied while trying to connect to the docker API/i];
const BUILDX_MISSING = [/BuildKit is enabled but the buildx component is missing or broken/i];
// `docker save` says "reference does not exist".
const IMAGE_GONE = [/No such image/i, /image not known/i, /reference does not exist/i];

function matchesAny(text: string, patterns: RegExp[]): boolean {
  return patterns.some((pattern) => pattern.test(text));
}

/** The engine's line that says what failed: the last non-empty stderr line, without `ERROR:`/`Error:`. */
export function headline(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !/^-+$/.test(line));
  const last = lines.at(-1) ?? '';
  return last.replace(/^(ERROR|Error):\s*/, '');
}

/** Turns a failed engine command into an EngineError with a next step. */
export function classifyFailure(context: FailureContext): EngineError {
  const text = context.stderr?.trim() ?? '';
  const name = engineName(context.kind);
  if (context.aborted) return cancelled(context.operation);
  if (context.spawnError) return spawnFailure(context, context.spawnError);
  if (matchesAny(text, PERMISSION_DENIED)) {
    return new EngineError(
      'permission-denied',
      "Permission denied on the Docker daemon's socket: your user may not talk to the engine.",
      'Add your user to the `docker` group (`sudo usermod -aG docker $USER`, then log out and in again), or use rootless Docker or Podman.',
      text,
    );
  }
  if (matchesAny(text, DAEMON_DOWN)) return daemonDown(context.kind, text);
  if (matchesAny(text, BUILDX_MISSING)) {
    return new EngineError(
      'buildx-missing',
      "Docker's BuildKit is enabled but the buildx plugin is missing or broken, so docker cannot build.",
      'Install the buildx plugin (package `docker-buildx-plugin` or `docker-buildx`), or start VS Code with `DOCKER_BUILDKIT=0` to use the classic builder.',
      text,
    );
  }
  if (context.timedOut) {
    return new EngineError('failed', `\`${context.kind} ${context.operation}\` did not answer in time.`, `Check that ${name} works in a terminal: \`${context.kind} version\`.`, text);
  }
  if (context.operation === 'build') {
    return new EngineError(
      'build-failed',
      `The build failed${exitSuffix(context.exitCode)}: ${headline(text) || `${context.kind} build printed no error`}.`,
      'Fix the step the engine names; the whole build output is in the "Dockerfile Slim" output channel.',
      text,
      context.outputTail ?? '',
    );
  }
  if (matchesAny(text, IMAGE_GONE)) {
    const image = context.subject ? `The image \`${displayText(context.subject)}\`` : 'The image';
    if (context.userNamed) return new EngineError('image-not-found', `${image} was not found in ${context.kind}'s image store.`, 'Build or pull it first.', text);
    return new EngineError('image-gone', `${image} is no longer in ${name}'s image store (removed or pruned since it was built).`, 'Build the image again.', text);
  }
  return new EngineError(
    'failed',
    `\`${context.kind} ${context.operation}\` failed${exitSuffix(context.exitCode)}: ${headline(text) || 'no error text'}.`,
    `Check that \`${context.kind} ${context.operation}\` works in a terminal.`,
    text,
  );
}

function exitSuffix(exitCode: number | null | undefined): string {
  return exitCode === undefined || exitCode === null ? '' : ` (exit ${exitCode})`;
}

function spawnFailure(context: FailureContext, error: NodeJS.ErrnoException): EngineError {
  if (error.code === 'ENOENT') return notInstalled(context.kind, context.origin ?? 'auto', context.executable);
  if (error.code === 'EACCES' || error.code === 'EPERM') {
    return notInstalled(context.kind, context.origin ?? 'path-setting', context.executable, 'the file is not executable');
  }
  return new EngineError('failed', `\`${context.executable}\` could not be started: ${error.message}.`, 'Check the executable in a terminal.');
}

export function daemonDown(kind: EngineKind, text: string): EngineError {
  if (kind === 'podman') {
    return new EngineError(
      'daemon-down',
      'Podman cannot reach its service (the Podman machine or socket is not running).',
      'Start it with `podman machine start` (macOS, Windows), or check `podman system connection list` and CONTAINER_HOST.',
      text,
    );
  }
  const where = /daemon at (\S+?)\.?\s/.exec(text + ' ')?.[1];
  return new EngineError(
    'daemon-down',
    `The Docker daemon is not running${where ? ` at ${where}` : ''}: the docker CLI is installed but no engine answers it.`,
    'Start Docker (Docker Desktop, or `sudo systemctl start docker`), or check DOCKER_HOST and the current context (`docker context ls`).',
    text,
  );
}
