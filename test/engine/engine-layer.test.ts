// The engine layer (server/src/engine, shared by the editor and the CLI) against the real engine: resolution,
// builds with progress and --iidfile, failures with the engine's words, cancellation,
// inspect and history; podman too.
//   node --import tsx --test test/engine/engine-layer.test.ts
// Needs root on Linux (see test/engine/README.md); skips elsewhere, never in CI.
// /usr/bin/docker is given as the enginePath: /usr/local/bin/docker on this machine is
// a newer client that insists on buildx.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildImage, type BuildOutcome, type BuildProgress, type BuildRequest } from '../../server/src/engine/build';
import { findOnPath, probeEngine, resolveEngine, runEngine, type Engine } from '../../server/src/engine/engine';
import { EngineError } from '../../server/src/engine/errors';
import { imageHistory, inspectImage, repoDigests } from '../../server/src/engine/inspect';
import { saveImage, type SavedImage } from '../../server/src/engine/save';

/** The progress events both engines report for the small test image's Dockerfile. */
const SMALL_IMAGE_STEPS = [
  [1, 6, 'FROM busybox:latest'],
  [2, 6, 'RUN echo building'],
  [3, 6, 'COPY greeting.txt /greeting.txt'],
  [4, 6, 'RUN head -c 300000 /dev/zero > /blob'],
  [5, 6, 'USER 1000'],
  [6, 6, 'CMD ["cat", "/greeting.txt"]'],
];
import { DOCKER, docker, engineScope, engineSkipReason, ensureEngine, exec, ROOT } from '../support/engine';

const DOCKER_SETTINGS = { engine: 'docker', enginePath: DOCKER } as const;
/** The classic builder; `--force-rm` so failed and cancelled steps leave no container. */
const CLASSIC = { env: { ...process.env, DOCKER_BUILDKIT: '0' } };
const CLASSIC_ARGS = ['--network', 'none']; // buildImage adds --force-rm itself

/** Writes a build context with a Dockerfile; returns its folder. */
function context(root: string, name: string, dockerfile: string, files: Record<string, string> = {}): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

function request(dir: string, more: Partial<BuildRequest> = {}): BuildRequest {
  return { dockerfile: path.join(dir, 'Dockerfile'), context: dir, noCache: true, ...more };
}

/** The EngineError a promise rejects with (fails the test when it resolves or rejects otherwise). */
async function engineError(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EngineError, `expected an EngineError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an EngineError, but it succeeded');
}

interface Recorded {
  progress: BuildProgress[];
  lines: string[];
}

function recorder(): Recorded & Pick<BuildRequest, 'onProgress' | 'onLine'> {
  const progress: BuildProgress[] = [];
  const lines: string[] = [];
  return { progress, lines, onProgress: (event) => progress.push(event), onLine: (line) => lines.push(line) };
}

const SMALL = ['FROM busybox:latest', 'RUN echo building', 'COPY greeting.txt /greeting.txt', 'RUN head -c 300000 /dev/zero > /blob', 'USER 1000', 'CMD ["cat", "/greeting.txt"]', ''].join('\n');

describe('engine layer against the real engine', { skip: engineSkipReason(), timeout: 20 * 60_000 }, () => {
  const scope = engineScope('engine-layer');
  const intermediates = new Set<string>();
  let root: string;
  let classic: Engine;
  let built: BuildOutcome;
  let builtTag: string;

  before(async () => {
    await ensureEngine();
    root = mkdtempSync(path.join(os.tmpdir(), 'dockerfile-slim-engine-layer-'));
    classic = await resolveEngine(DOCKER_SETTINGS, CLASSIC);
  }, { timeout: 20 * 60_000 });

  after(async () => {
    await scope.cleanup();
    // Steps of failed and cancelled classic builds stay as untagged images.
    for (const id of intermediates) {
      const tags = await docker(['image', 'inspect', '--format', '{{len .RepoTags}}', id]);
      if (tags.exitCode === 0 && tags.stdout.trim() === '0') await docker(['rmi', id]);
    }
    rmSync(root, { recursive: true, force: true });
  });

  /** Remembers the classic builder's step images (` ---> id`) for cleanup. */
  function noteIntermediates(lines: string[]): void {
    for (const line of lines) {
      const match = /^ ---> ([0-9a-f]{12})$/.exec(line);
      if (match) intermediates.add(match[1]);
    }
  }

  test('resolution: enginePath wins; kind from the setting or the file name; probe answers', async () => {
    assert.deepEqual([classic.kind, classic.executable, classic.origin], ['docker', DOCKER, 'path-setting']);
    assert.equal(classic.env.DOCKER_CLI_HINTS, 'false');
    assert.equal(classic.env.DOCKER_BUILDKIT, '0', 'the user environment is inherited');
    const auto = await resolveEngine({ engine: 'auto', enginePath: DOCKER });
    assert.equal(auto.kind, 'docker');
    assert.match(await probeEngine(auto), /^\d+\.\d+/);
  });

  test('auto: docker when it answers; else podman; else docker with its daemon down; else not installed', async () => {
    const bin = (name: string, ...links: [string, string][]) => {
      const dir = path.join(root, 'path', name);
      mkdirSync(dir, { recursive: true });
      for (const [link, target] of links) symlinkSync(target, path.join(dir, link));
      return dir;
    };
    const fakePodman = path.join(root, 'fake-podman');
    writeFileSync(fakePodman, '#!/bin/sh\nexit 0\n');
    chmodSync(fakePodman, 0o755);
    const both = bin('both', ['docker', DOCKER], ['podman', fakePodman]);
    const onlyPodman = bin('only-podman', ['podman', fakePodman]);
    const onlyDocker = bin('only-docker', ['docker', DOCKER]);
    const none = bin('none');

    const withPath = (dir: string, extra: NodeJS.ProcessEnv = {}) => ({ env: { ...process.env, PATH: `.:relative/bin:${dir}`, ...extra } });
    const auto = { engine: 'auto', enginePath: '' } as const;
    assert.equal((await resolveEngine(auto, withPath(both))).executable, path.join(both, 'docker'));
    assert.equal((await resolveEngine(auto, withPath(onlyPodman))).kind, 'podman');
    const dead = { DOCKER_HOST: 'unix:///nonexistent.sock' };
    assert.equal((await resolveEngine(auto, withPath(both, dead))).kind, 'podman');
    // Docker's daemon down and no podman: docker, so the user hears "daemon down".
    const deadDocker = await resolveEngine(auto, withPath(onlyDocker, dead));
    assert.equal(deadDocker.kind, 'docker');
    assert.equal((await engineError(probeEngine(deadDocker))).kind, 'daemon-down');

    const missing = await engineError(resolveEngine(auto, withPath(none)));
    assert.equal(missing.kind, 'not-installed');
    assert.match(missing.message, /neither `docker` nor `podman` is on PATH/);
    const podmanSetting = await engineError(resolveEngine({ engine: 'podman', enginePath: '' }, withPath(onlyDocker)));
    assert.match(podmanSetting.message, /`podman` is not on PATH \(setting `dockerfileSlim.engine` is `podman`\)/);
  });

  test('builds with progress events and the --iidfile id (classic builder)', async (t) => {
    const dir = context(root, 'small', SMALL, { 'greeting.txt': 'hello from the engine layer\n' });
    builtTag = scope.tag('small');
    const seen = recorder();
    built = await buildImage(classic, request(dir, { tag: builtTag, extraArgs: CLASSIC_ARGS, ...seen }));
    noteIntermediates(seen.lines);
    t.diagnostic(`classic build ${built.durationMs} ms`);
    assert.match(built.imageId, /^sha256:[0-9a-f]{64}$/);
    const id = await docker(['image', 'inspect', '--format', '{{.Id}}', builtTag]);
    assert.equal(built.imageId, id.stdout.trim());
    assert.deepEqual(seen.progress.map((p) => [p.step, p.total, p.text]), SMALL_IMAGE_STEPS);
    assert.equal(built.steps, 6);
    assert.ok(seen.lines.includes('building'), 'the RUN output reaches onLine');
  });

  test('builds with BuildKit (--network none): [N/M] progress, target stage', async (t) => {
    const dir = context(root, 'buildkit', ['FROM busybox:latest AS base', 'RUN echo one > /one', 'FROM base AS final', 'RUN echo two > /two', 'FROM final AS unused', 'RUN exit 9', ''].join('\n'));
    const buildkit = await resolveEngine(DOCKER_SETTINGS, { env: { ...process.env, DOCKER_BUILDKIT: '1' } });
    const tag = scope.tag('buildkit');
    const seen = recorder();
    const outcome = await buildImage(buildkit, request(dir, { tag, target: 'final', extraArgs: ['--network', 'none'], ...seen }));
    t.diagnostic(`BuildKit build ${outcome.durationMs} ms`);
    assert.equal(outcome.imageId, (await docker(['image', 'inspect', '--format', '{{.Id}}', tag])).stdout.trim());
    assert.deepEqual(seen.progress.map((p) => [p.stage, p.step, p.total, p.text]), [
      ['base', 1, 2, 'FROM docker.io/library/busybox:latest'],
      ['base', 2, 2, 'RUN echo one > /one'],
      ['final', 1, 1, 'RUN echo two > /two'],
    ]);
  });

  test('inspect and history of the built image', async () => {
    const info = await inspectImage(classic, builtTag);
    assert.equal(info.id, built.imageId);
    assert.ok(info.size > 300_000, `size ${info.size}`);
    assert.deepEqual(info.config.cmd, ['cat', '/greeting.txt']);
    assert.equal(info.config.user, '1000');
    assert.ok(info.config.env.some((entry) => entry.startsWith('PATH=')));
    assert.ok(info.repoTags.includes(builtTag));
    assert.ok(info.layers.length >= 3, `${info.layers.length} layers`);

    const history = await imageHistory(classic, builtTag);
    const own = history.slice(-5);
    assert.match(own[0].createdBy, /echo building/);
    assert.match(own[1].createdBy, /COPY file:[0-9a-f]+ in \/greeting.txt/);
    assert.match(own[2].createdBy, /head -c 300000/);
    assert.ok(own[2].size >= 300_000 && own[2].size < 310_000, `blob layer ${own[2].size}`);
    assert.match(own[4].createdBy, /CMD \["cat" "\/greeting.txt"\]|CMD \["cat","\/greeting.txt"\]/);
    assert.equal(own[4].size, 0);
    assert.equal(history.reduce((sum, entry) => sum + entry.size, 0), info.size);
    assert.equal(history.at(-1)?.id, built.imageId);
    assert.deepEqual(await repoDigests(classic, builtTag), [], 'a local build has no registry digest');
  });

  test('a failing build surfaces the engine error text', async () => {
    const dir = context(root, 'failing', 'FROM busybox:latest\nRUN echo before\nRUN echo "it broke" >&2; exit 3\n');
    const seen = recorder();
    const error = await engineError(buildImage(classic, request(dir, { extraArgs: CLASSIC_ARGS, ...seen })));
    noteIntermediates(seen.lines);
    assert.equal(error.kind, 'build-failed');
    assert.match(error.message, /^The build failed \(exit 3\): The command '\/bin\/sh -c echo "it broke" >&2; exit 3' returned a non-zero code: 3\.$/);
    assert.match(error.engineText, /returned a non-zero code: 3/);
    assert.match(error.outputTail, /it broke/);
    assert.deepEqual(seen.progress.map((p) => p.step), [1, 2, 3]);
    const failedRun = seen.lines.map((line) => /^ ---> Running in ([0-9a-f]{12})$/.exec(line)?.[1]).filter(Boolean).at(-1);
    assert.ok(failedRun, 'the classic builder names the container of each RUN');
    const left = await runEngine(classic, ['container', 'inspect', failedRun as string], { collectStdout: false });
    assert.notEqual(left.exitCode, 0, `the failed RUN's container ${failedRun} was removed (--force-rm)`);
  });

  test('a Dockerfile error is the engine text too', async () => {
    const dir = context(root, 'syntax', 'FROM busybox:latest\nFOO bar\n');
    const error = await engineError(buildImage(classic, request(dir, { extraArgs: CLASSIC_ARGS })));
    assert.equal(error.kind, 'build-failed');
    assert.match(error.message, /unknown instruction: FOO/);
  });

  test('cancel kills a long build promptly and reports cancelled', async (t) => {
    const cancel = await cancelLongBuild(classic, root, CLASSIC_ARGS, (line, step) => step === 3 && line.startsWith(' ---> Running in'));
    noteIntermediates(cancel.lines);
    t.diagnostic(`cancelled ${cancel.afterAbortMs} ms after abort`);
    // The daemon stops the step's container when the client goes away.
    assert.equal(await waitUntil(async () => !(await docker(['ps', '--no-trunc', '--format', '{{.Command}}'])).stdout.includes(cancel.marker)), true, 'the sleeping container is gone');
  });

  test('an already-aborted signal builds nothing', async () => {
    const error = await engineError(buildImage(classic, request(path.join(root, 'small'), { signal: AbortSignal.abort() })));
    assert.equal(error.kind, 'cancelled');
  });

  test('a missing executable: "not installed" with the setting to change', async () => {
    const error = await engineError(resolveEngine({ engine: 'auto', enginePath: '/nonexistent/bin/docker' }));
    assert.equal(error.kind, 'not-installed');
    assert.match(error.message, /`\/nonexistent\/bin\/docker` \(setting `dockerfileSlim.enginePath`\) cannot be run: no such file/);
    // Removed after resolution: spawn fails with ENOENT.
    const gone: Engine = { ...classic, executable: '/nonexistent/bin/docker' };
    const spawnError = await engineError(buildImage(gone, request(path.join(root, 'small'))));
    assert.equal(spawnError.kind, 'not-installed');
    const notExecutable = path.join(root, 'not-executable');
    writeFileSync(notExecutable, '');
    assert.match((await engineError(resolveEngine({ engine: 'docker', enginePath: notExecutable }))).message, /not executable/);
  });

  test('daemon down (DOCKER_HOST pointing nowhere): build, inspect and probe say so', async () => {
    const down = await resolveEngine(DOCKER_SETTINGS, { env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' } });
    const build = await engineError(buildImage(down, request(path.join(root, 'small'))));
    assert.equal(build.kind, 'daemon-down');
    assert.match(build.message, /The Docker daemon is not running at unix:\/\/\/nonexistent\.sock/);
    assert.match(build.nextStep, /Start Docker/);
    assert.match(build.engineText, /Cannot connect to the Docker daemon/);
    assert.equal((await engineError(inspectImage(down, builtTag))).kind, 'daemon-down');
    assert.equal((await engineError(probeEngine(down))).kind, 'daemon-down');
  });

  test('image gone: inspect and history of a removed image', async () => {
    const dir = context(root, 'doomed', 'FROM busybox:latest\nLABEL doomed=yes\n');
    const outcome = await buildImage(classic, request(dir, { extraArgs: CLASSIC_ARGS }));
    await docker(['rmi', outcome.imageId]);
    const inspect = await engineError(inspectImage(classic, outcome.imageId));
    assert.equal(inspect.kind, 'image-gone');
    assert.match(inspect.nextStep, /Build the image again/);
    assert.equal((await engineError(imageHistory(classic, outcome.imageId))).kind, 'image-gone');
  });

  test('save streams the archive; a missing image is "image gone"', async (t) => {
    const started = Date.now();
    const archive = await readArchive(saveImage(classic, builtTag));
    t.diagnostic(`saved ${archive.bytes} bytes in ${Date.now() - started} ms`);
    assert.ok(archive.bytes > 2_000_000, `${archive.bytes} bytes`);
    assert.ok(archive.names.includes('manifest.json'), archive.names.join(' '));
    assert.ok(archive.names.some((name) => name.endsWith('/layer.tar')), archive.names.join(' '));
    const missing = saveImage(classic, 'dockerfile-slim-test/no-such-image:gone');
    const error = await engineError(readArchive(missing));
    assert.equal(error.kind, 'image-gone');
  });

  test('save can be cancelled', async () => {
    const controller = new AbortController();
    const saved = saveImage(classic, 'golang:1.19', { signal: controller.signal });
    for await (const chunk of saved.chunks) {
      assert.ok(chunk.length > 0);
      controller.abort();
      break;
    }
    assert.equal((await engineError(saved.done)).kind, 'cancelled');
  });
});

/** Reads a saved archive (small test images only: it is buffered) and lists its tar entries. */
async function readArchive(saved: SavedImage): Promise<{ bytes: number; names: string[] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of saved.chunks) chunks.push(Buffer.from(chunk)); // borrowed: copied to keep
  await saved.done;
  const tar = Buffer.concat(chunks);
  const names: string[] = [];
  const field = (header: Buffer, start: number, length: number) => header.subarray(start, start + length).toString('utf8').split('\0')[0];
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    const name = field(header, 0, 100);
    if (name === '') break;
    names.push(name);
    offset += 512 + Math.ceil(parseInt(field(header, 124, 12).trim() || '0', 8) / 512) * 512;
  }
  return { bytes: tar.length, names };
}

/** Polls CHECK every 250 ms for up to 10 s; resolves to its last answer. */
async function waitUntil(check: () => Promise<boolean> | boolean): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return check();
}

/** True while a process whose command line holds TEXT runs on this machine. */
function processRunning(text: string): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) return true;
    } catch {
      // exited meanwhile
    }
  }
  return false;
}

/**
 * Starts a build whose third step sleeps 60 s, aborts it half a second after that
 * step started (STARTED: the line that says so, given the last step seen), and checks that the build ends as
 * cancelled within 5 s and that no process of the step is left.
 */
async function cancelLongBuild(engine: Engine, root: string, extraArgs: string[], started: (line: string, step: number) => boolean) {
  const marker = `cancel-${engine.kind}-${process.pid}-${Date.now()}`;
  const dir = context(root, `slow-${engine.kind}`, `FROM busybox:latest\nRUN echo started\nRUN sleep 60; echo ${marker}\n`);
  const controller = new AbortController();
  const lines: string[] = [];
  let step = 0;
  let abortedAt = 0;
  const error = await engineError(
    buildImage(engine, request(dir, {
      extraArgs,
      signal: controller.signal,
      onProgress: (event) => (step = event.step),
      onLine: (line) => {
        lines.push(line);
        if (abortedAt === 0 && started(line, step)) {
          abortedAt = Date.now() + 500;
          setTimeout(() => controller.abort(), 500);
        }
      },
    })),
  );
  const afterAbortMs = Date.now() - abortedAt;
  assert.ok(abortedAt > 0, `the long step started:\n${lines.join('\n')}`);
  assert.equal(error.kind, 'cancelled');
  assert.equal(error.message, 'The build was cancelled.');
  assert.ok(afterAbortMs < 5_000, `cancel took ${afterAbortMs} ms`);
  assert.equal(await waitUntil(() => !processRunning(marker)), true, `a process of the cancelled step (${marker}) still runs`);
  return { marker, lines, afterAbortMs };
}

/** Podman and the base images in its storage (engine-setup.sh --podman; idempotent). */
async function ensurePodman(): Promise<Engine> {
  const setup = await exec('bash', [path.join(ROOT, 'scripts', 'engine-setup.sh'), '--podman'], { cwd: ROOT, timeoutMs: 20 * 60_000 });
  if (setup.exitCode !== 0) throw new Error(`engine-setup.sh --podman failed:\n${setup.output.trim().split('\n').slice(-20).join('\n')}`);
  return resolveEngine({ engine: 'podman', enginePath: '' });
}

/** Outside CI, podman's tests skip when podman is not installed (in CI they install it). */
function podmanSkipReason(): string | undefined {
  const reason = engineSkipReason();
  if (reason || process.env.CI) return reason;
  if (!findOnPath('podman')) return 'podman is not installed (bash scripts/engine-setup.sh --podman installs it)';
  return process.getuid?.() === 0 ? undefined : 'podman tests need root (engine-setup.sh --podman copies the base images)';
}

// Here: `--network none --pull=never` (no network, no registry); `--runtime runc` because
// crun fails on this machine's hybrid cgroups.
const PODMAN_ARGS = ['--network', 'none', '--pull=never', '--runtime', 'runc'];

describe('engine layer with podman', { skip: podmanSkipReason(), timeout: 20 * 60_000 }, () => {
  let podman: Engine;
  let root: string;
  const tags: string[] = [];
  const intermediates = new Set<string>();
  const noteIntermediates = (lines: string[]) => {
    for (const line of lines) {
      const match = /^--> ([0-9a-f]{11,64})$/.exec(line);
      if (match) intermediates.add(match[1]);
    }
  };

  before(async () => {
    podman = await ensurePodman();
    root = mkdtempSync(path.join(os.tmpdir(), 'dockerfile-slim-engine-layer-podman-'));
  }, { timeout: 20 * 60_000 });

  after(async () => {
    for (const tag of tags) await exec(podman.executable, ['rmi', '--force', tag]).catch(() => undefined);
    // Step images (`--> id`) of failed and cancelled builds, unless something names them.
    for (const id of intermediates) {
      const names = await exec(podman.executable, ['image', 'inspect', '--format', '{{len .RepoTags}}', id]);
      if (names.exitCode === 0 && names.stdout.trim() === '0') await exec(podman.executable, ['rmi', id]);
    }
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('build with progress, inspect and history', async (t) => {
    assert.match(await probeEngine(podman), /^\d+\.\d+/);
    const dir = context(root, 'small', SMALL, { 'greeting.txt': 'hello from podman\n' });
    const tag = `localhost/dockerfile-slim-test/engine-layer-podman:${process.pid}`;
    tags.push(tag);
    const seen = recorder();
    const outcome = await buildImage(podman, request(dir, { tag, extraArgs: PODMAN_ARGS, ...seen }));
    t.diagnostic(`podman build ${outcome.durationMs} ms`);
    assert.match(outcome.imageId, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(seen.progress.map((p) => [p.step, p.total, p.text]), SMALL_IMAGE_STEPS);

    const info = await inspectImage(podman, tag);
    assert.equal(info.id, outcome.imageId);
    assert.deepEqual(info.config.cmd, ['cat', '/greeting.txt']);
    assert.equal(info.config.user, '1000');
    assert.ok(info.size > 300_000);
    const history = await imageHistory(podman, tag);
    assert.ok(history.some((entry) => /head -c 300000/.test(entry.createdBy) && entry.size >= 300_000), JSON.stringify(history));
    assert.match(history.at(-1)?.createdBy ?? '', /CMD/);

    for (const format of ['docker-archive', 'oci-archive'] as const) {
      const archive = await readArchive(saveImage(podman, tag, { format }));
      assert.ok(archive.names.includes(format === 'oci-archive' ? 'index.json' : 'manifest.json'), `${format}: ${archive.names.join(' ')}`);
    }

    const failing = context(root, 'failing', 'FROM busybox:latest\nRUN echo "it broke" >&2; exit 3\n');
    const failed = recorder();
    const error = await engineError(buildImage(podman, request(failing, { extraArgs: PODMAN_ARGS, ...failed })));
    noteIntermediates(failed.lines);
    assert.equal(error.kind, 'build-failed');
    assert.match(error.message, /building at STEP "RUN echo "it broke" >&2; exit 3": while running runtime: exit status 3/);

    await exec(podman.executable, ['rmi', '--force', tag]);
    assert.equal((await engineError(inspectImage(podman, outcome.imageId))).kind, 'image-gone');
  });

  test('cancel kills the RUN container too, and podman removes its working container', async (t) => {
    const before = await workingContainers();
    // Podman prints nothing when a RUN step starts: its STEP line is the sign.
    const cancel = await cancelLongBuild(podman, root, PODMAN_ARGS, (line) => line.startsWith('STEP 3/3:'));
    noteIntermediates(cancel.lines);
    t.diagnostic(`cancelled ${cancel.afterAbortMs} ms after abort`);
    assert.equal(await waitUntil(async () => (await workingContainers()).length <= before.length), true, 'no working container left');
  });

  async function workingContainers(): Promise<string[]> {
    const result = await exec(podman.executable, ['ps', '--all', '--external', '--format', '{{.ID}}']);
    return result.stdout.split('\n').filter(Boolean);
  }
});
