// Runs the user's container engine CLI (docker or podman; the executable is a
// parameter, so the user's contexts, credentials and podman machines apply) to read an
// image: `image inspect` for its id and size, `save` streamed straight into the
// inspector, `history` for the panel. Argument arrays only, never a shell. The image
// never lands on disk and never sits in memory whole.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Severity } from '../shared/protocol';
import { ArchiveError, readImageArchive } from './archive';
import { displayText } from './names';
import { analyzeImage, type ImageAnalysis, type ImageFinding, type InspectedLayer } from './inspect';
import { TarError } from './tar';

export type EngineKind = 'docker' | 'podman';

/** Which CLI to run. Structurally the client's `Engine` fits here too. */
export interface EngineCommand {
  kind: EngineKind;
  /** The CLI, preferably an absolute path. */
  executable: string;
  /** Its environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export type EngineProblem = 'not-installed' | 'daemon-down' | 'permission-denied' | 'image-not-found' | 'cancelled' | 'failed';

/** An engine command that did not do its job; `message` is one line, `engineText` what the engine printed. */
export class EngineCommandError extends Error {
  constructor(
    readonly problem: EngineProblem,
    message: string,
    readonly engineText = '',
  ) {
    super(message);
    this.name = 'EngineCommandError';
  }
}

export interface ImageMetadata {
  id: string;
  /** Bytes, as `docker images` shows them. */
  size?: number;
  repoTags: string[];
  architecture?: string;
  os?: string;
}

export interface HistoryEntry {
  createdBy: string;
  size: number;
  id?: string;
  created?: string;
  comment?: string;
}

export interface InspectProgress {
  phase: 'metadata' | 'reading' | 'checking';
  /** Archive bytes read so far (reading). */
  bytes?: number;
  /** About how many bytes the archive has (the image's size), when known. */
  totalBytes?: number;
}

export interface InspectImageOptions {
  engine: EngineCommand;
  /** A name, name:tag, id or digest reference. */
  image: string;
  signal?: AbortSignal;
  onProgress?: (progress: InspectProgress) => void;
  /** Severity overrides, e.g. `{ SLIM907: 'off' }`. */
  rules?: Record<string, Severity>;
  wastedBytesThreshold?: number;
}

export interface InspectReport {
  image: string;
  id: string;
  size: number;
  layers: InspectedLayer[];
  findings: ImageFinding[];
  architecture?: string;
  os?: string;
  stats: ImageAnalysis['stats'];
  engine: EngineKind;
  durationMs: number;
}

/** Reads IMAGE from the engine and runs the SLIM9xx checks on it. Rejects with EngineCommandError (cancel included) or ArchiveError. */
export async function inspectImage(options: InspectImageOptions): Promise<InspectReport> {
  const started = Date.now();
  const { engine, image, onProgress } = options;
  checkReference(image);
  onProgress?.({ phase: 'metadata' });
  // `image inspect` and `save` run side by side (a CLI start is 25-40 ms); a failed
  // inspect (no such image, no daemon) stops the save and is the error reported.
  const failed = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, failed.signal]) : failed.signal;
  let totalBytes: number | undefined;
  const metadata = imageMetadata(engine, image, options.signal).then(
    (found) => ((totalBytes = found.size), found),
    (error: unknown) => {
      failed.abort();
      throw error;
    },
  );
  const reading = saveAndRead(engine, image, signal, (bytes) => onProgress?.({ phase: 'reading', bytes, totalBytes }));
  const [found, archive] = await Promise.all([metadata, reading.catch(async (error: unknown) => (await metadata, Promise.reject(error)))]);
  onProgress?.({ phase: 'checking' });
  const analysis = analyzeImage(archive, { rules: options.rules, wastedBytesThreshold: options.wastedBytesThreshold });
  // The engine's size is for the image inspect saw; if the tag moved in between, the archive's own sum is right.
  const sameImage = found.id === archive.id;
  return {
    image,
    id: archive.id,
    size: sameImage && found.size !== undefined ? found.size : analysis.size,
    layers: analysis.layers,
    findings: analysis.findings,
    architecture: analysis.architecture,
    os: analysis.os,
    stats: analysis.stats,
    engine: engine.kind,
    durationMs: Date.now() - started,
  };
}

/** `image inspect`: the id and size, and an early, clear "no such image". */
export async function imageMetadata(engine: EngineCommand, image: string, signal?: AbortSignal): Promise<ImageMetadata> {
  checkReference(image);
  const output = await engineOutput(engine, ['image', 'inspect', image], { signal, operation: 'image inspect', image });
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    throw new EngineCommandError('failed', `\`${engine.kind} image inspect\` printed something that is not JSON`, output.slice(0, 200));
  }
  const first = (Array.isArray(parsed) ? parsed[0] : undefined) as { Id?: string; Size?: number; RepoTags?: string[] | null; Architecture?: string; Os?: string } | undefined;
  if (!first?.Id) throw imageNotFound(engine, image, '');
  const id = first.Id.startsWith('sha256:') ? first.Id : `sha256:${first.Id}`;
  return { id, size: typeof first.Size === 'number' ? first.Size : undefined, repoTags: first.RepoTags ?? [], architecture: first.Architecture, os: first.Os };
}

/** `history`: one entry per instruction, newest first (as the engines print it). */
export async function imageHistory(engine: EngineCommand, image: string, signal?: AbortSignal): Promise<HistoryEntry[]> {
  checkReference(image);
  if (engine.kind === 'podman') {
    const output = await engineOutput(engine, ['history', '--no-trunc', '--format', 'json', image], { signal, operation: 'history', image });
    const rows = JSON.parse(output) as { id?: string; created?: string; CreatedBy?: string; createdBy?: string; size?: number; comment?: string }[];
    return rows.map((row) => ({ createdBy: row.CreatedBy ?? row.createdBy ?? '', size: Number(row.size ?? 0), id: row.id, created: row.created, comment: row.comment }));
  }
  const output = await engineOutput(engine, ['history', '--no-trunc', '--human=false', '--format', '{{json .}}', image], { signal, operation: 'history', image });
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const row = JSON.parse(line) as { ID?: string; CreatedAt?: string; CreatedBy?: string; Size?: string | number; Comment?: string };
      return { createdBy: row.CreatedBy ?? '', size: Number(row.Size ?? 0), id: row.ID, created: row.CreatedAt, comment: row.Comment };
    });
}

/** `save` piped into the archive reader; the engine's failure wins over the half-read archive it causes. */
async function saveAndRead(engine: EngineCommand, image: string, signal: AbortSignal, onBytes: (bytes: number) => void) {
  const args = engine.kind === 'podman' ? ['save', '--format', 'docker-archive', image] : ['save', image];
  const child = start(engine, args, 'pipe');
  const exited = collectExit(child, signal);
  let reported = 0;
  try {
    const archive = await readImageArchive(child.stdout, {
      signal,
      onBytes: (bytes) => {
        // Progress at most every 4 MiB: a callback per 64 KiB chunk would cost more than it tells.
        if (bytes - reported >= 4 << 20) onBytes((reported = bytes));
      },
    });
    const result = await exited;
    if (result.code !== 0) throw classify(engine, 'save', image, result);
    return archive;
  } catch (error) {
    stop(child);
    const result = await exited;
    if (signal.aborted) throw new EngineCommandError('cancelled', `Inspecting ${displayText(image)} was cancelled.`);
    if (result.spawnError || result.code !== 0) throw classify(engine, 'save', image, result);
    if (error instanceof TarError) throw new ArchiveError(`\`${engine.kind} save\` produced an unreadable archive: ${error.message}`);
    throw error;
  }
}

/** An image reference is the last argument of every command: one that starts with `-` would be read as an option (`--output=…`). */
function checkReference(image: string): void {
  if (image === '' || image.startsWith('-') || /[\s\0]/.test(image)) {
    throw new EngineCommandError('image-not-found', `'${displayText(image)}' is not an image reference (a name, name:tag, name@digest or id)`);
  }
}

/** SIGTERM, then SIGKILL if the CLI is still there after a grace period. */
function stop(child: EngineChild): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 2_000);
  force.unref();
  child.once('close', () => clearTimeout(force));
}

interface Exit {
  code: number | null;
  stderr: string;
  spawnError?: NodeJS.ErrnoException;
}

type EngineChild = ChildProcessByStdio<null, Readable, Readable>;

function start(engine: EngineCommand, args: string[], stdout: 'pipe'): EngineChild {
  return spawn(engine.executable, args, { env: engine.env ?? process.env, shell: false, windowsHide: true, stdio: ['ignore', stdout, 'pipe'] });
}

/** Waits for the process to end, keeping the last 8 KiB of stderr; kills it when SIGNAL aborts. */
function collectExit(child: EngineChild, signal: AbortSignal | undefined): Promise<Exit> {
  return new Promise((resolve) => {
    let stderr = '';
    let spawnError: NodeJS.ErrnoException | undefined;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => (stderr = (stderr + text).slice(-8192)));
    const onAbort = () => stop(child);
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => (spawnError = error));
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      resolve({ code, stderr, spawnError });
    });
  });
}

async function engineOutput(engine: EngineCommand, args: string[], context: { signal?: AbortSignal; operation: string; image: string }): Promise<string> {
  if (context.signal?.aborted) throw new EngineCommandError('cancelled', `Inspecting ${displayText(context.image)} was cancelled.`);
  const child = start(engine, args, 'pipe');
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const result = await collectExit(child, context.signal);
  if (context.signal?.aborted) throw new EngineCommandError('cancelled', `Inspecting ${displayText(context.image)} was cancelled.`);
  if (result.spawnError || result.code !== 0) throw classify(engine, context.operation, context.image, result);
  return Buffer.concat(chunks).toString('utf8');
}

const DAEMON_DOWN = [/Cannot connect to the Docker daemon/i, /Is the docker daemon running/i, /error during connect/i, /failed to connect to the docker API/i, /Cannot connect to Podman/i, /unable to connect to Podman/i];
const PERMISSION = [/permission denied while trying to connect/i];
const NOT_FOUND = [/No such image/i, /image not known/i, /reference does not exist/i];

function classify(engine: EngineCommand, operation: string, image: string, result: Exit): EngineCommandError {
  const name = engine.kind === 'docker' ? 'Docker' : 'Podman';
  const text = result.stderr.trim();
  const error = result.spawnError;
  if (error?.code === 'ENOENT') {
    return new EngineCommandError('not-installed', `${name} is not installed: ${engine.executable} was not found (install ${engine.kind}, or give the engine's path)`);
  }
  if (error?.code === 'EACCES') return new EngineCommandError('not-installed', `${engine.executable} cannot be run: permission denied`);
  if (error) return new EngineCommandError('failed', `${engine.executable} could not be started: ${error.message}`);
  if (PERMISSION.some((pattern) => pattern.test(text))) {
    return new EngineCommandError('permission-denied', `permission denied on the Docker daemon's socket (add your user to the docker group, or use rootless Docker or Podman)`, text);
  }
  if (DAEMON_DOWN.some((pattern) => pattern.test(text))) {
    const next = engine.kind === 'docker' ? 'start Docker, or check DOCKER_HOST and `docker context ls`' : 'start it with `podman machine start`, or check `podman system connection list`';
    return new EngineCommandError('daemon-down', `the ${name} engine is not running (${next})`, text);
  }
  if (NOT_FOUND.some((pattern) => pattern.test(text))) return imageNotFound(engine, image, text);
  const headline = text.split('\n').map((line) => line.trim()).filter(Boolean).at(-1)?.replace(/^(Error|ERROR):\s*/, '') ?? '';
  return new EngineCommandError('failed', `\`${engine.kind} ${operation}\` failed${result.code === null ? '' : ` (exit ${result.code})`}: ${headline || 'no error text'}`, text);
}

function imageNotFound(engine: EngineCommand, image: string, text: string): EngineCommandError {
  return new EngineCommandError('image-not-found', `image '${displayText(image)}' not found in ${engine.kind}'s image store (build or pull it first)`, text);
}
