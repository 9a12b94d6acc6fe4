// Finds the user's docker or podman CLI and runs it. The CLI, not the socket API,
// because only the CLI honours the user's contexts, buildx builders, credentials and
// podman machines. Always an argument array and never a shell; the executable is
// resolved to an absolute path first, so a relative PATH entry or the working
// directory (Windows searches it first) can never supply it. No `vscode` import.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { classifyFailure, EngineError, notInstalled, type EngineKind, type EngineOrigin, type FailureContext } from './errors';
import { openStdoutChannel } from './stdout-channel';

export type { EngineKind } from './errors';
export type EngineChoice = 'auto' | EngineKind;

/** `dockerfileSlim.engine` and `dockerfileSlim.enginePath` ('' = not set). */
export interface EngineSettings {
  engine: EngineChoice;
  enginePath: string;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = { engine: 'auto', enginePath: '' };

/** The levels of a setting, as VS Code's `WorkspaceConfiguration.inspect()` reports them. */
export interface SettingLevels {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * The engine settings from their levels. `engine` may come from any level (a workspace
 * choosing podman over docker runs nothing new); `enginePath` only from user or machine
 * settings (`globalValue`): a repository that names the executable could make "Build"
 * run a program of its own choosing.
 */
export function engineSettingsFrom(engine: unknown, enginePath: SettingLevels | undefined): EngineSettings {
  return {
    engine: engine === 'docker' || engine === 'podman' ? engine : 'auto',
    enginePath: typeof enginePath?.globalValue === 'string' ? enginePath.globalValue : DEFAULT_ENGINE_SETTINGS.enginePath,
  };
}

/** The CLI to run, as every command here takes it; the command line's `inspect` gives one directly. */
export interface EngineCommand {
  kind: EngineKind;
  /** The CLI, preferably an absolute path. */
  executable: string;
  /** Its environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** How it was chosen (default `auto`), for a "cannot be run" message that names what to change. */
  origin?: EngineOrigin;
}

/** An engine resolved from the editor's settings. */
export interface Engine extends EngineCommand {
  /** The environment every command runs with (see engineEnvironment). */
  env: NodeJS.ProcessEnv;
  origin: EngineOrigin;
}

export interface ResolveOptions {
  /** The user's environment (default process.env); tests pass DOCKER_HOST etc. here. */
  env?: NodeJS.ProcessEnv;
  /** How long `docker version` may take when `auto` probes it (default 10 s). */
  probeTimeoutMs?: number;
}

/**
 * The user's environment (DOCKER_HOST, DOCKER_CONTEXT, credentials helpers' PATH) with
 * the CLI's hints switched off and BuildKit's progress as plain lines. BuildKit itself
 * is left to the user's docker: it is never forced on or off here.
 */
export function engineEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, DOCKER_CLI_HINTS: 'false', BUILDKIT_PROGRESS: 'plain' };
}

/**
 * Picks the engine: `enginePath` when set (its kind from `engine`, else from its file
 * name); `docker` or `podman` from PATH when `engine` names one; for `auto`, docker
 * when it is on PATH and `docker version` answers, else podman when on PATH, else a
 * docker whose daemon is down (so the user hears "daemon not running", not "not installed").
 */
export async function resolveEngine(settings: EngineSettings, options: ResolveOptions = {}): Promise<Engine> {
  const env = engineEnvironment(options.env ?? process.env);
  const configured = settings.enginePath.trim();
  if (configured !== '') {
    const kind = settings.engine === 'auto' ? kindOfExecutable(configured) : settings.engine;
    const { executable, problem } = configuredExecutable(configured, env);
    if (problem) throw notInstalled(kind, 'path-setting', configured, problem);
    return { kind, executable, env, origin: 'path-setting' };
  }
  if (settings.engine !== 'auto') {
    const executable = findOnPath(settings.engine, env);
    if (!executable) throw notInstalled(settings.engine, 'engine-setting', settings.engine);
    return { kind: settings.engine, executable, env, origin: 'engine-setting' };
  }
  const docker = findOnPath('docker', env);
  const dockerEngine: Engine | undefined = docker ? { kind: 'docker', executable: docker, env, origin: 'auto' } : undefined;
  if (dockerEngine && (await engineAnswers(dockerEngine, options.probeTimeoutMs))) return dockerEngine;
  const podman = findOnPath('podman', env);
  if (podman) return { kind: 'podman', executable: podman, env, origin: 'auto' };
  if (dockerEngine) return dockerEngine;
  throw notInstalled(undefined, 'auto', 'docker');
}

/** `podman` when the file name says so (podman, podman.exe, podman-remote), else `docker`. */
export function kindOfExecutable(executable: string): EngineKind {
  return /podman/i.test(path.basename(executable)) ? 'podman' : 'docker';
}

/** An absolute path (`~/` allowed), or a bare name looked up on PATH. */
function configuredExecutable(configured: string, env: NodeJS.ProcessEnv): { executable: string; problem?: string } {
  const file = configured === '~' || configured.startsWith('~/') ? path.join(os.homedir(), configured.slice(1)) : configured;
  if (path.isAbsolute(file)) return { executable: file, problem: executableProblem(file) };
  if (/[\\/]/.test(file)) return { executable: file, problem: 'it is not an absolute path' };
  const found = findOnPath(file, env);
  return found ? { executable: found } : { executable: file, problem: 'not found on PATH' };
}

/** Why FILE cannot be run, or undefined when it can. */
export function executableProblem(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return 'it is not a file';
  } catch {
    return 'no such file';
  }
  if (process.platform === 'win32') return undefined;
  try {
    accessSync(file, constants.X_OK);
    return undefined;
  } catch {
    return 'the file is not executable';
  }
}

/** The absolute path NAME resolves to on PATH; relative PATH entries are skipped. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const pathVariable = env.PATH ?? env.Path ?? '';
  // Only .exe on Windows: batch files cannot be spawned without a shell.
  const extensions = process.platform === 'win32' ? ['.exe'] : [''];
  for (const dir of pathVariable.split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue;
    for (const ext of extensions) {
      const candidate = path.join(dir, name + ext);
      if (!executableProblem(candidate)) return candidate;
    }
  }
  return undefined;
}

/** True when the engine's `version` answers (docker: the daemon too). */
async function engineAnswers(engine: EngineCommand, timeoutMs = 10_000): Promise<boolean> {
  const result = await runEngine(engine, ['version'], { timeoutMs, collectStdout: false });
  return result.exitCode === 0;
}

export type Stream = 'stdout' | 'stderr';

export interface RunOptions {
  cwd?: string;
  signal?: AbortSignal;
  /** Kill the command after this long; `timedOut` is then true. */
  timeoutMs?: number;
  /** Every output line, ANSI colours removed, as it arrives. */
  onLine?: (line: string, stream: Stream) => void;
  /** Keep all of stdout (default true; builds turn it off and keep only the tail). */
  collectStdout?: boolean;
  /** How many trailing lines to keep of stderr and of the combined output (default 40). */
  tailLines?: number;
}

export interface RunResult {
  exitCode: number | null;
  stdout: string;
  /** The last `tailLines` lines of stderr. */
  stderrTail: string;
  /** The last `tailLines` lines of stdout and stderr together. */
  outputTail: string;
  spawnError?: NodeJS.ErrnoException;
  aborted: boolean;
  timedOut: boolean;
  durationMs: number;
}

/** Runs the engine's CLI with ARGS. Never rejects: failures are in the result. */
export function runEngine(engine: EngineCommand, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return startEngine(engine, args, options).result;
}

export interface EngineProcess {
  /** The CLI's stdout as a byte stream, when started with `rawStdout` (back-pressure applies). */
  stdout: Readable;
  result: Promise<RunResult>;
}

export interface StartOptions extends RunOptions {
  /** Leave stdout to the caller as a stream instead of splitting it into lines. */
  rawStdout?: boolean;
  /** The CLI's stdout goes to this socket (this process's copy is destroyed once started). */
  stdoutTo?: Socket;
}

/**
 * Starts the engine's CLI. With `rawStdout` or `stdoutTo`, stdout is the caller's
 * (`docker save` of a large image never passes through memory); otherwise it is split
 * into lines for `onLine` and collected as `collectStdout` says.
 */
export function startEngine(engine: EngineCommand, args: readonly string[], options: StartOptions = {}): EngineProcess {
  const started = Date.now();
  const tailSize = options.tailLines ?? 40;
  const stderrTail = new Tail(tailSize);
  const outputTail = new Tail(tailSize);
  const stdout: Buffer[] = [];
  let aborted = false;
  let timedOut = false;
  if (options.signal?.aborted) {
    options.stdoutTo?.destroy(); // so that its reader sees the end
    const nothing = Readable.from([]);
    return { stdout: nothing, result: Promise.resolve({ exitCode: null, stdout: '', stderrTail: '', outputTail: '', aborted: true, timedOut: false, durationMs: 0 }) };
  }
  const child = spawn(engine.executable, args, {
    cwd: options.cwd,
    env: engine.env,
    shell: false,
    windowsHide: true,
    // Its own process group, so cancelling can end the CLI and everything it started.
    detached: process.platform !== 'win32',
    stdio: ['ignore', options.stdoutTo ?? 'pipe', 'pipe'],
  });
  // The child has its own copy; ours would keep the reader from ever seeing the end.
  options.stdoutTo?.destroy();
  const lines = (stream: Stream) =>
    new LineSplitter((line) => {
      if (stream === 'stderr') stderrTail.push(line);
      outputTail.push(line);
      options.onLine?.(line, stream);
    });
  const stdoutLines = lines('stdout');
  const stderrLines = lines('stderr');
  if (!options.rawStdout && !options.stdoutTo) {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (options.collectStdout ?? true) stdout.push(chunk);
      stdoutLines.push(chunk);
    });
  }
  child.stderr!.on('data', (chunk: Buffer) => stderrLines.push(chunk));
  const result = new Promise<RunResult>((resolve) => {
    const stop = () => killTree(child);
    // A command that had ended already was not cancelled: its own exit code stands.
    const onAbort = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      aborted = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), stop()), options.timeoutMs);
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (error) => (spawnError = error));
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      stdoutLines.end();
      stderrLines.end();
      resolve({
        exitCode: code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderrTail: stderrTail.text(),
        outputTail: outputTail.text(),
        spawnError,
        aborted,
        timedOut,
        durationMs: Date.now() - started,
      });
    });
  });
  return { stdout: child.stdout ?? Readable.from([]), result };
}

export interface EngineStream {
  /** The CLI's stdout. Each chunk is borrowed: valid until the next one is asked for. */
  chunks: AsyncIterable<Buffer>;
  result: Promise<RunResult>;
}

/** Starts the engine's CLI with its stdout read through a reused buffer (see stdout-channel.ts). */
export function streamEngine(engine: EngineCommand, args: readonly string[], options: RunOptions = {}): EngineStream {
  const started = openStdoutChannel().then((channel) => {
    const launched = startEngine(engine, args, channel ? { ...options, stdoutTo: channel.writer } : { ...options, rawStdout: true });
    return { result: launched.result, chunks: channel?.chunks ?? launched.stdout };
  });
  return {
    chunks: (async function* () {
      yield* (await started).chunks;
    })(),
    result: started.then(({ result }) => result),
  };
}

/**
 * Runs a command that must succeed and returns its stdout; otherwise throws the
 * classified EngineError (image gone, daemon down…).
 */
export async function engineOutput(engine: EngineCommand, args: readonly string[], options: RunOptions & FailureSubject & { operation?: string } = {}): Promise<string> {
  const result = await runEngine(engine, args, options);
  if (result.exitCode === 0 && !result.aborted && !result.timedOut) return result.stdout;
  throw failureOf(engine, result, options.operation ?? args[0] ?? '', options);
}

/** The image a command is about, for "image gone" or "not found". */
export type FailureSubject = Pick<FailureContext, 'subject' | 'userNamed'>;

export function failureOf(engine: EngineCommand, result: RunResult, operation: string, about: FailureSubject = {}): EngineError {
  return classifyFailure({
    kind: engine.kind,
    executable: engine.executable,
    origin: engine.origin,
    operation,
    subject: about.subject,
    userNamed: about.userNamed,
    spawnError: result.spawnError,
    aborted: result.aborted,
    timedOut: result.timedOut,
    exitCode: result.exitCode,
    stderr: result.stderrTail,
    outputTail: result.outputTail,
  });
}

/**
 * Checks that the engine answers (docker: the daemon; podman: its service when
 * remote) and returns its version, or throws the classified EngineError.
 */
export async function probeEngine(engine: EngineCommand, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<string> {
  const format = engine.kind === 'docker' ? '{{.Server.Version}}' : '{{.Client.Version}}';
  const output = await engineOutput(engine, ['version', '--format', format], { ...options, timeoutMs: options.timeoutMs ?? 15_000, operation: 'version' });
  return output.trim();
}

const KILL_GRACE_MS = 2_000;
/** How long podman gets to clean up after its RUN container died, before SIGTERM. */
const CLEANUP_GRACE_MS = 1_500;

/**
 * Ends the CLI and everything it started. Podman runs each RUN step in a container: a
 * descendant in a session of its own that survives podman's death, and whose PID 1
 * ignores SIGTERM. Such descendants get SIGKILL first; podman then sees its step fail
 * and removes its working container itself, which it does not do when signalled.
 * Then SIGTERM to the CLI's process group, and SIGKILL after a grace period.
 */
function killTree(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  if (process.platform === 'win32') {
    spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { shell: false, windowsHide: true, stdio: 'ignore' }).on('error', () => child.kill());
    return;
  }
  const detached = descendantsOutsideGroup(child.pid);
  for (const pid of detached) signalProcess(pid, 'SIGKILL');
  const timers = [
    setTimeout(() => signalGroup(child, 'SIGTERM'), detached.length > 0 ? CLEANUP_GRACE_MS : 0),
    setTimeout(() => signalGroup(child, 'SIGKILL'), (detached.length > 0 ? CLEANUP_GRACE_MS : 0) + KILL_GRACE_MS),
  ];
  for (const timer of timers) timer.unref();
  child.once('close', () => timers.forEach(clearTimeout));
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal); // the group is gone already, or was never made
  }
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Descendants of ROOT (Linux /proc) that left its process group, which SIGTERM to the group misses. */
export function descendantsOutsideGroup(root: number): number[] {
  if (process.platform !== 'linux') return [];
  const children = new Map<number, { pid: number; pgid: number }[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = processStat(entry);
    if (!stat) continue;
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push({ pid: Number(entry), pgid: stat.pgid });
    children.set(stat.ppid, siblings);
  }
  const found: number[] = [];
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      if (child.pgid !== root) found.push(child.pid);
      visit(child.pid);
    }
  };
  visit(root);
  return found;
}

function processStat(pid: string): { ppid: number; pgid: number } | undefined {
  try {
    // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), pgid: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/** Splits a byte stream into lines (\n, \r\n or a lone \r), UTF-8 safe, ANSI colours removed. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const parts = text.split(/\r\n|\n|\r/);
    this.partial = parts.pop() ?? '';
    // A line without an end would otherwise grow without bound.
    if (this.partial.length > 1 << 20) {
      parts.push(this.partial);
      this.partial = '';
    }
    for (const line of parts) this.onLine(line.replace(ANSI, ''));
  }

  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest !== '') this.onLine(rest.replace(ANSI, ''));
  }
}

/** The last N lines of a stream. */
class Tail {
  private readonly lines: string[] = [];

  constructor(private readonly size: number) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
  }

  text(): string {
    return this.lines.join('\n').trim();
  }
}
