// Helpers for tests that build and run real containers (node:test).
//
// The engine is the local Docker engine that scripts/engine-setup.sh installs and
// starts, with base images made from Debian packages (no registry is reachable).
// Every command is spawned with an argument array, never a shell string, and always
// through /usr/bin/docker, the engine's own client (some images put a newer client
// in /usr/local/bin that insists on buildx). Builds use the classic builder
// (DOCKER_BUILDKIT=0): BuildKit on this engine fails RUN steps with
// "network bridge not found" unless given --network none|host.
//
//   const skip = engineSkipReason();
//   describe('…', { skip }, () => {
//     const engine = engineScope('my-test');
//     before(() => ensureEngine(), { timeout: 15 * 60_000 });
//     after(() => engine.cleanup());
//     test('…', async () => {
//       const image = await engine.buildOk(dir, { dockerfile: 'Dockerfile.static' });
//       const result = await engine.run(image);
//     });
//   });
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const DOCKER = '/usr/bin/docker';
export const ROOT = path.join(__dirname, '..', '..');
export const SETUP_SCRIPT = path.join(ROOT, 'scripts', 'engine-setup.sh');
/** The label every base image made by engine-setup.sh carries, with its RECIPE number. */
export const RECIPE_LABEL = 'org.dockerfile-slim.recipe';

/**
 * The local base images, tagged as real Dockerfiles name them. What they are:
 * - debian: `debootstrap --variant=minbase bookworm`, slimmed like the official image; no CA bundle.
 * - busybox: Debian's busybox-static with its applets in /bin; no libc, no CA bundle.
 * - golang / golangBookworm: Debian bookworm's golang-go, which is **Go 1.19** (so only
 *   `golang:1.19` and `golang:bookworm`, never a newer version tag), with gcc and
 *   libc6-dev: cgo is on by default. GOPROXY=off, GOSUMDB=off, GOFLAGS=-mod=mod, WORKDIR /go.
 * - gcc: Debian + gcc/g++ 12, libc6-dev, make, CA bundle.
 * - muslBuilder: Debian + gcc + musl-tools (`musl-gcc`): a glibc system that can make
 *   musl binaries. Not alpine: it has bash and apt, not apk.
 * - muslRuntime: musl's loader `/lib/ld-musl-x86_64.so.1` (+ `libc.musl-x86_64.so.1`
 *   link) and static busybox as /bin/sh: runs dynamic musl binaries, not glibc ones.
 *   Its name is in the rules' `unknown` class; use it where the engine's behaviour is
 *   the point, `alpine`-named references in lint-only fixtures.
 */
export const BASE_IMAGES = {
  debian: 'debian:bookworm-slim',
  busybox: 'busybox:latest',
  golang: 'golang:1.19',
  golangBookworm: 'golang:bookworm',
  gcc: 'gcc:12',
  muslBuilder: 'dockerfile-slim/musl-builder:bookworm',
  muslRuntime: 'dockerfile-slim/musl-runtime:latest',
} as const;

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the process after this long (default 10 minutes); `timedOut` is then true. */
  timeoutMs?: number;
  input?: string | Buffer;
}

export interface ExecResult {
  /** null when killed by a signal (e.g. on timeout). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in arrival order. */
  output: string;
  timedOut: boolean;
  durationMs: number;
}

/** Spawns FILE with ARGS (no shell) and collects its output. Never rejects for a non-zero exit. */
export function exec(file: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const output: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 10 * 60_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout.push(chunk), output.push(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr.push(chunk), output.push(chunk)));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        exitCode: code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        output: Buffer.concat(output).toString('utf8'),
        timedOut,
        durationMs: Date.now() - started,
      });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Runs /usr/bin/docker with the classic builder selected. */
export function docker(args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  return exec(DOCKER, args, { ...options, env: { ...process.env, DOCKER_BUILDKIT: '0', ...options.env } });
}

/** True when the engine answers `docker info` (within 10 s). */
export async function engineAvailable(): Promise<boolean> {
  try {
    const result = await docker(['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 10_000 });
    return result.exitCode === 0 && result.stdout.trim() !== '';
  } catch {
    return false; // no /usr/bin/docker yet
  }
}

function engineAnswersSync(): boolean {
  const result = spawnSync(DOCKER, ['info', '--format', '{{.ServerVersion}}'], { timeout: 10_000, encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() !== '';
}

/**
 * Why engine tests cannot run here, or undefined when they can (pass it as `skip`).
 * They skip only off Linux, or when not root and no engine answers; with `CI` set they
 * never skip (ensureEngine then fails with the reason).
 */
export function engineSkipReason(): string | undefined {
  if (process.env.CI) return undefined;
  if (process.platform !== 'linux') return `engine tests need Linux (this is ${process.platform})`;
  if (process.getuid?.() === 0) return undefined;
  if (engineAnswersSync()) return undefined;
  return 'engine tests need root (scripts/engine-setup.sh installs and starts dockerd and makes the base images) or a running engine';
}

/** The RECIPE number in engine-setup.sh: base images with another label are stale. */
export function setupRecipe(): string {
  const match = /^RECIPE=(\d+)$/m.exec(readFileSync(SETUP_SCRIPT, 'utf8'));
  if (!match) throw new Error(`no RECIPE=N line in ${SETUP_SCRIPT}`);
  return match[1];
}

/** Base images that are missing or were made by another recipe. */
export async function staleBaseImages(): Promise<string[]> {
  const recipe = setupRecipe();
  const stale: string[] = [];
  for (const tag of Object.values(BASE_IMAGES)) {
    const result = await docker(['image', 'inspect', '--format', `{{index .Config.Labels "${RECIPE_LABEL}"}}`, tag], { timeoutMs: 30_000 });
    if (result.exitCode !== 0 || result.stdout.trim() !== recipe) stale.push(tag);
  }
  return stale;
}

let ensured: Promise<string> | undefined;

/**
 * Makes sure the engine answers and every base image exists with the current recipe,
 * running scripts/engine-setup.sh (at most once per process) when not. Resolves to a
 * one-line description for `t.diagnostic`. Give the calling hook a long timeout: a
 * fresh machine takes a few minutes.
 */
export function ensureEngine(): Promise<string> {
  ensured ??= (async () => {
    if ((await engineAvailable()) && (await staleBaseImages()).length === 0) return 'engine ready (base images current)';
    if (process.platform !== 'linux') throw new Error(`no Docker engine, and scripts/engine-setup.sh needs Linux (this is ${process.platform})`);
    if (process.getuid?.() !== 0) {
      throw new Error(`the Docker engine does not answer this user (uid ${process.getuid?.()}) or base images are missing, and only root can set them up: run \`sudo bash scripts/engine-setup.sh\``);
    }
    const setup = await exec('bash', [SETUP_SCRIPT], { cwd: ROOT, timeoutMs: 20 * 60_000 });
    if (setup.exitCode !== 0) {
      const tail = setup.output.trim().split('\n').slice(-25).join('\n');
      throw new Error(`scripts/engine-setup.sh failed (exit ${setup.timedOut ? 'timeout' : setup.exitCode}):\n${tail}`);
    }
    const stale = await staleBaseImages();
    if (stale.length > 0) throw new Error(`scripts/engine-setup.sh finished but these base images are missing: ${stale.join(', ')}`);
    return setup.stdout.trim().split('\n').at(-1) ?? 'engine set up';
  })();
  // A failure is not cached forever: a later call may retry (e.g. after a fix).
  ensured.catch(() => (ensured = undefined));
  return ensured;
}

let tagCounter = 0;
const RUN_ID = `${process.pid}-${randomBytes(3).toString('hex')}`;

/** A tag no other test or process uses: `dockerfile-slim-test/<name>:<pid>-<random>-<n>`. */
export function uniqueTag(name: string): string {
  const repo = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'image';
  return `dockerfile-slim-test/${repo}:${RUN_ID}-${++tagCounter}`;
}

export interface BuildOptions {
  tag: string;
  /** Relative to the context directory, or absolute. Default `Dockerfile`. */
  dockerfile?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  /** Network for RUN steps. Default `none`: nothing is reachable anyway, and builds stay hermetic. */
  network?: 'none' | 'host' | 'default';
  /**
   * Default true. Every build really runs each step: a cached layer proves nothing,
   * and intermediate images are then this build's own, so cleanup cannot delete a
   * layer that a concurrent build is about to reuse.
   */
  noCache?: boolean;
  timeoutMs?: number;
}

export interface BuildResult {
  ok: boolean;
  exitCode: number | null;
  /** The classic builder's output, stdout and stderr interleaved. */
  output: string;
  /** `sha256:…` of the tagged image when the build succeeded. */
  imageId?: string;
  tag: string;
  /** Image ids the builder printed (`---> id`): base images, steps, earlier stages. */
  stepImageIds: string[];
  durationMs: number;
}

/** `docker build` with the classic builder. Never rejects for a failed build: check `ok`. */
export async function build(contextDir: string, options: BuildOptions): Promise<BuildResult> {
  const dockerfile = path.resolve(contextDir, options.dockerfile ?? 'Dockerfile');
  const args = ['build', '--rm', '--force-rm', '--tag', options.tag, '--file', dockerfile];
  if (options.network !== 'default') args.push('--network', options.network ?? 'none');
  if (options.noCache ?? true) args.push('--no-cache');
  if (options.target) args.push('--target', options.target);
  for (const [key, value] of Object.entries(options.buildArgs ?? {})) args.push('--build-arg', `${key}=${value}`);
  args.push(contextDir);
  const result = await docker(args, { cwd: contextDir, timeoutMs: options.timeoutMs ?? 10 * 60_000 });
  const stepImageIds = [...result.output.matchAll(/^ ---> ([0-9a-f]{12})\s*$/gm)].map((match) => match[1]);
  let imageId: string | undefined;
  if (result.exitCode === 0) {
    const inspect = await docker(['image', 'inspect', '--format', '{{.Id}}', options.tag]);
    if (inspect.exitCode === 0) imageId = inspect.stdout.trim();
  }
  return {
    ok: result.exitCode === 0 && imageId !== undefined,
    exitCode: result.exitCode,
    output: result.output + (result.timedOut ? `\n[build killed after ${options.timeoutMs ?? 600_000} ms]` : ''),
    imageId,
    tag: options.tag,
    stepImageIds,
    durationMs: result.durationMs,
  };
}

export interface RunOptions {
  /** Default 60 s; on timeout the container is removed and `timedOut` is true. */
  timeoutMs?: number;
  /** Default `none`. */
  network?: 'none' | 'host' | 'default';
  entrypoint?: string;
  user?: string;
  env?: Record<string, string>;
  workdir?: string;
  /** More `docker run` options, before the image. */
  runArgs?: string[];
  input?: string;
}

export interface RunResult {
  /** The container's exit code, or Docker's own (125 engine error, 126 cannot invoke, 127 not found); null on timeout. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

/** `docker run --rm` of IMAGE with ARGS (the command, after the image). The container is always removed. */
export async function run(image: string, args: readonly string[] = [], options: RunOptions = {}): Promise<RunResult> {
  const name = `dockerfile-slim-test-${RUN_ID}-${++tagCounter}`;
  const runArgs = ['run', '--rm', '--name', name, '--pull', 'never'];
  if (options.network !== 'default') runArgs.push('--network', options.network ?? 'none');
  if (options.input !== undefined) runArgs.push('--interactive');
  if (options.entrypoint !== undefined) runArgs.push('--entrypoint', options.entrypoint);
  if (options.user !== undefined) runArgs.push('--user', options.user);
  if (options.workdir !== undefined) runArgs.push('--workdir', options.workdir);
  for (const [key, value] of Object.entries(options.env ?? {})) runArgs.push('--env', `${key}=${value}`);
  runArgs.push(...(options.runArgs ?? []), image, ...args);
  const result = await docker(runArgs, { timeoutMs: options.timeoutMs ?? 60_000, input: options.input });
  // --rm does not remove a container whose start failed, nor one whose client was killed.
  if (result.exitCode !== 0) await docker(['rm', '--force', name], { timeoutMs: 30_000 });
  return { exitCode: result.timedOut ? null : result.exitCode, stdout: result.stdout, stderr: result.stderr, timedOut: result.timedOut, durationMs: result.durationMs };
}

/** The image's size in bytes (`docker image inspect .Size`). */
export async function imageSize(image: string): Promise<number> {
  const result = await docker(['image', 'inspect', '--format', '{{.Size}}', image]);
  if (result.exitCode !== 0) throw new Error(`docker image inspect ${image}: ${result.stderr.trim()}`);
  return Number(result.stdout.trim());
}

/** True when the engine has the image. */
export async function imageExists(image: string): Promise<boolean> {
  return (await docker(['image', 'inspect', '--format', '{{.Id}}', image])).exitCode === 0;
}

/** Removes a tag (and the image with its untagged parents when it was the last tag). Missing is fine. */
export async function removeImage(ref: string): Promise<void> {
  const result = await docker(['rmi', '--force', ref]);
  if (result.exitCode !== 0 && !/No such image/i.test(result.stderr)) throw new Error(`docker rmi ${ref}: ${result.stderr.trim()}`);
}

/** Removes an image by id only if no tag names it (an earlier stage's result, a step layer). */
async function removeIfUntagged(id: string): Promise<void> {
  const tags = await docker(['image', 'inspect', '--format', '{{len .RepoTags}}', id]);
  if (tags.exitCode !== 0 || tags.stdout.trim() !== '0') return;
  await docker(['rmi', id]); // no --force: an image still in use stays
}

/**
 * Unique tags and cleanup for one test file: every image a scope builds (and the
 * untagged stage images its builds made) is removed by `cleanup()`; tagged base
 * images are never touched.
 */
export class EngineScope {
  private readonly tags = new Set<string>();
  private readonly stepIds: string[] = [];

  constructor(readonly name: string) {}

  /** A unique tag, removed by cleanup. */
  tag(label = 'image'): string {
    const tag = uniqueTag(`${this.name}-${label}`);
    this.tags.add(tag);
    return tag;
  }

  /** build() with a unique tag (from `label` or the Dockerfile's name) unless `tag` is given. */
  async build(contextDir: string, options: Partial<BuildOptions> & { label?: string } = {}): Promise<BuildResult> {
    const { label, ...rest } = options;
    const tag = rest.tag ?? this.tag(label ?? path.basename(rest.dockerfile ?? 'Dockerfile'));
    this.tags.add(tag);
    const result = await build(contextDir, { ...rest, tag });
    this.stepIds.push(...result.stepImageIds);
    return result;
  }

  /** Like build(), but throws with the build output when the build fails; resolves to the tag. */
  async buildOk(contextDir: string, options: Partial<BuildOptions> & { label?: string } = {}): Promise<string> {
    const result = await this.build(contextDir, options);
    if (!result.ok) throw new Error(`docker build of ${options.dockerfile ?? 'Dockerfile'} in ${contextDir} failed (exit ${result.exitCode}):\n${result.output}`);
    return result.tag;
  }

  run(image: string, args: readonly string[] = [], options: RunOptions = {}): Promise<RunResult> {
    return run(image, args, options);
  }

  async cleanup(): Promise<void> {
    for (const tag of this.tags) await removeImage(tag).catch(() => undefined);
    this.tags.clear();
    for (const id of this.stepIds.reverse()) await removeIfUntagged(id).catch(() => undefined);
    this.stepIds.length = 0;
  }
}

export function engineScope(name: string): EngineScope {
  return new EngineScope(name);
}
