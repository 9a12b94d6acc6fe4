// The image inspector against the real engine: each SLIM9xx case is built from
// test/fixtures/image, saved and inspected through the engine's CLI exactly as the
// panel and `dockerfile-slim inspect` do it, and the prediction is then checked by
// running the container: it fails with the error the finding quotes, or it works when
// the inspector says nothing. Podman builds, saves (docker-archive and OCI) and is
// inspected too.
//   node --import tsx --test test/engine/inspect.test.ts
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { readImageArchive } from '../../server/src/image/archive';
import type { EngineCommand } from '../../server/src/engine/engine';
import { imageHistory } from '../../server/src/engine/inspect';
import { inspectImage, type InspectReport } from '../../server/src/image/engine-cli';
import { analyzeImage } from '../../server/src/image/inspect';
import { BASE_IMAGES, docker, DOCKER, engineScope, engineSkipReason, ensureEngine, exec, imageSize, ROOT, SETUP_SCRIPT, uniqueTag, type RunOptions } from '../support/engine';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'image');
const C = path.join(FIXTURES, 'c');
const GO = path.join(FIXTURES, 'go');
const CONFIG = path.join(FIXTURES, 'config');
const DOCKER_ENGINE: EngineCommand = { kind: 'docker', executable: DOCKER, env: { ...process.env, DOCKER_BUILDKIT: '0' } };

interface Case {
  name: string;
  dir: string;
  dockerfile: string;
  /** `CODE path-or-field` of every finding, sorted. */
  findings: string[];
  /** The container must fail with this in its output… */
  fails?: RegExp;
  /** …or succeed and print this. */
  prints?: RegExp;
  run?: RunOptions;
}

const CASES: Case[] = [
  { name: 'dynamic C program in scratch', dir: C, dockerfile: 'Dockerfile.scratch-dynamic', findings: ['SLIM901 /hello'], fails: /exec \/hello: no such file or directory/ },
  { name: 'static C program in scratch', dir: C, dockerfile: 'Dockerfile.scratch-static', findings: [], prints: /^hello from C\n$/ },
  { name: 'loader reached through symbolic links', dir: C, dockerfile: 'Dockerfile.loader-symlink', findings: [], prints: /^hello from C\n$/ },
  { name: 'library found through /etc/ld.so.conf.d', dir: C, dockerfile: 'Dockerfile.lib-present', findings: [], prints: /^hello from libgreet\n$/ },
  { name: 'library removed by a later layer', dir: C, dockerfile: 'Dockerfile.lib-removed', findings: ['SLIM902 /usr/local/bin/app'], fails: /error while loading shared libraries: libgreet\.so: cannot open shared object file: No such file or directory/ },
  { name: 'RUNPATH $ORIGIN finds the library', dir: C, dockerfile: 'Dockerfile.runpath', findings: [], prints: /^hello from libgreet\n$/ },
  { name: 'RUNPATH $ORIGIN, library copied elsewhere', dir: C, dockerfile: 'Dockerfile.runpath-missing', findings: ['SLIM902 /opt/app/bin/app'], fails: /error while loading shared libraries: libgreet\.so: cannot open shared object file/ },
  { name: 'shell-form CMD without /bin/sh', dir: C, dockerfile: 'Dockerfile.shell-form', findings: ['SLIM903 CMD'], fails: /exec: "\/bin\/sh": stat \/bin\/sh: no such file or directory/ },
  { name: 'musl program on the musl runtime', dir: C, dockerfile: 'Dockerfile.musl-on-musl', findings: [], prints: /^hello from C\n$/ },
  { name: 'glibc program on the musl runtime', dir: C, dockerfile: 'Dockerfile.glibc-on-musl', findings: ['SLIM901 /hello'], fails: /exec \/hello: no such file or directory/ },
  { name: 'Go TLS client without CA certificates', dir: GO, dockerfile: 'Dockerfile.tls-no-ca', findings: ['SLIM906 /tlsprobe'], fails: /x509: certificate signed by unknown authority/ },
  { name: 'Go TLS client with the CA bundle', dir: GO, dockerfile: 'Dockerfile.tls-with-ca', findings: [], prints: /^tls ok: true\n$/ },
  { name: 'named user without a passwd entry', dir: CONFIG, dockerfile: 'Dockerfile.unknown-user', findings: ['SLIM905 USER'], fails: /unable to find user app: no matching entries in passwd file/ },
  { name: 'named group without a group entry', dir: CONFIG, dockerfile: 'Dockerfile.unknown-group', findings: ['SLIM905 USER'], fails: /unable to find group staff: no matching entries in group file/ },
  { name: 'known user, numeric group', dir: CONFIG, dockerfile: 'Dockerfile.known-user', findings: [], prints: /^ok\n$/ },
  { name: 'missing entrypoint', dir: CONFIG, dockerfile: 'Dockerfile.missing-entrypoint', findings: ['SLIM904 ENTRYPOINT'], fails: /exec: "\/app\/server": stat \/app\/server: no such file or directory/ },
  { name: 'entrypoint without the execute bit', dir: CONFIG, dockerfile: 'Dockerfile.not-executable', findings: ['SLIM904 /hello.sh'], fails: /exec: "\/hello\.sh": permission denied/ },
  { name: 'bare command not on PATH', dir: CONFIG, dockerfile: 'Dockerfile.bare-missing', findings: ['SLIM904 CMD'], fails: /exec: "myserver": executable file not found in \$PATH/ },
  { name: "script whose #! interpreter is missing", dir: CONFIG, dockerfile: 'Dockerfile.script-interpreter', findings: ['SLIM904 /usr/local/bin/start'], fails: /exec \/usr\/local\/bin\/start: no such file or directory/ },
  { name: 'commands that resolve (PATH, WORKDIR, links, shell health check)', dir: CONFIG, dockerfile: 'Dockerfile.commands-ok', findings: [], prints: /^hello from a script\n$/ },
  { name: 'wasted space', dir: CONFIG, dockerfile: 'Dockerfile.wasted', findings: ['SLIM907 /big', 'SLIM907 /data'], prints: /^bin\ndata\n/ },
];

const label = (report: InspectReport) => report.findings.map((finding) => `${finding.code} ${finding.path ?? finding.instruction}`).sort();

describe('image inspector on real images', { skip: engineSkipReason(), timeout: 40 * 60_000, concurrency: 3 }, () => {
  const engine = engineScope('inspect');
  before(() => ensureEngine(), { timeout: 20 * 60_000 });
  after(() => engine.cleanup());

  for (const item of CASES) {
    test(`${item.name}: ${item.findings.join(', ') || 'no finding'}, and the container ${item.fails ? 'fails so' : 'works'}`, async () => {
      const tag = await engine.buildOk(item.dir, { dockerfile: item.dockerfile });
      const report = await inspectImage({ engine: DOCKER_ENGINE, image: tag });
      assert.deepEqual(label(report), item.findings, JSON.stringify(report.findings, null, 2));
      assert.equal(report.size, await imageSize(tag), 'the size docker reports');
      const result = await engine.run(tag, [], item.run);
      const output = result.stdout + result.stderr;
      if (item.fails) {
        assert.notEqual(result.exitCode, 0, output);
        assert.match(output, item.fails);
        // The finding quotes the error the engine printed.
        const quoted = report.findings.find((finding) => finding.severity !== 'info')?.message.match(/`([^`]+)`/)?.[1];
        if (quoted && !/x509/.test(quoted)) assert.ok(output.includes(quoted.replace(/^exec: /, '')) || output.includes(quoted), `"${quoted}" in ${output}`);
      } else {
        assert.equal(result.exitCode, 0, output);
        assert.match(result.stdout, item.prints as RegExp);
      }
    });
  }

  test('wasted space: the layers and their sizes agree with docker history; the bytes really ship', async () => {
    const tag = await engine.buildOk(CONFIG, { dockerfile: 'Dockerfile.wasted' });
    const report = await inspectImage({ engine: DOCKER_ENGINE, image: tag });
    const history = await imageHistory(DOCKER_ENGINE, tag);
    for (const layer of report.layers.slice(1)) {
      const row = history.find((entry) => entry.createdBy === layer.createdBy);
      assert.equal(row?.size, layer.size, layer.createdBy);
    }
    assert.ok((await imageSize(tag)) - (await imageSize(BASE_IMAGES.busybox)) >= 5 << 20, 'the deleted and overwritten bytes are in the image');
    const [big] = report.findings;
    assert.equal(big.layer, 1);
    assert.match(big.createdBy ?? '', /dd if=\/dev\/zero of=\/big/);
    assert.match(big.message, /deleted by layer 3/);
  });

  test('health check program missing: the container turns unhealthy with the predicted error', async () => {
    const tag = await engine.buildOk(CONFIG, { dockerfile: 'Dockerfile.healthcheck-missing' });
    const report = await inspectImage({ engine: DOCKER_ENGINE, image: tag });
    assert.deepEqual(label(report), ['SLIM904 HEALTHCHECK']);
    const name = `dockerfile-slim-health-${process.pid}-${Date.now()}`;
    const started = await docker(['run', '-d', '--name', name, '--network', 'none', '--health-interval', '1s', '--health-retries', '1', tag]);
    assert.equal(started.exitCode, 0, started.stderr);
    try {
      let health: { Status?: string; Log?: { Output?: string }[] } = {};
      for (let i = 0; i < 60 && health.Status !== 'unhealthy'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        health = JSON.parse((await docker(['inspect', '--format', '{{json .State.Health}}', name])).stdout || '{}') ?? {};
      }
      assert.equal(health.Status, 'unhealthy');
      assert.match(health.Log?.at(-1)?.Output ?? '', /"\/usr\/bin\/curl": stat \/usr\/bin\/curl: no such file or directory/);
    } finally {
      await docker(['rm', '--force', name]);
    }
  });

  test('no finding on the local base images (real Debian, Go and C toolchain file systems)', async () => {
    for (const image of [BASE_IMAGES.debian, BASE_IMAGES.busybox, BASE_IMAGES.gcc, BASE_IMAGES.golang, BASE_IMAGES.muslRuntime]) {
      const report = await inspectImage({ engine: DOCKER_ENGINE, image });
      assert.deepEqual(report.findings, [], image);
      assert.ok(report.stats.elfFiles > 0, image);
    }
  });

  test('engine errors are one clear line each', async () => {
    await assert.rejects(inspectImage({ engine: DOCKER_ENGINE, image: 'dockerfile-slim-test/no-such-image:never' }), (error: Error & { kind?: string }) => error.kind === 'image-not-found' && /not found in docker's image store/.test(error.message));
    await assert.rejects(inspectImage({ engine: { ...DOCKER_ENGINE, env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' } }, image: BASE_IMAGES.busybox }), (error: Error & { kind?: string }) => error.kind === 'daemon-down');
    await assert.rejects(inspectImage({ engine: { kind: 'docker', executable: '/nonexistent/docker' }, image: 'x' }), (error: Error & { kind?: string }) => error.kind === 'not-installed');
  });

  test('cancelling stops docker save', async () => {
    const controller = new AbortController();
    const inspecting = inspectImage({
      engine: DOCKER_ENGINE,
      image: BASE_IMAGES.golang,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.phase === 'reading') controller.abort();
      },
    });
    await assert.rejects(inspecting, (error: Error & { kind?: string }) => error.kind === 'cancelled');
  });

  test('Ctrl-C on the CLI stops its docker save and exits 130', async () => {
    const cli = path.join(ROOT, 'server', 'src', 'cli.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'inspect', '--engine-path', DOCKER, BASE_IMAGES.golang], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Other tests may save the same image meanwhile: only this CLI's child counts.
    const saving = () => savesOf(BASE_IMAGES.golang, child.pid!).then((pids) => pids.length > 0);
    await waitFor(saving, 30_000, 'docker save to start');
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    await waitFor(async () => !(await saving()), 10_000, 'docker save to stop');
  });

  test('the CLI: exit codes and JSON against the real engine', async () => {
    const tag = await engine.buildOk(C, { dockerfile: 'Dockerfile.scratch-dynamic' });
    const cli = path.join(ROOT, 'server', 'src', 'cli.ts');
    const json = await exec(process.execPath, ['--import', 'tsx', cli, 'inspect', '--format', 'json', '--engine-path', DOCKER, tag], { cwd: ROOT });
    assert.equal(json.exitCode, 1, json.stderr);
    const document = JSON.parse(json.stdout);
    assert.equal(document.image, tag);
    assert.match(document.id, /^sha256:/);
    assert.deepEqual(document.findings.map((finding: { code: string; path: string; layer: number }) => [finding.code, finding.path, finding.layer]), [['SLIM901', '/hello', 0]]);
    const missing = await exec(process.execPath, ['--import', 'tsx', cli, 'inspect', '--engine-path', DOCKER, 'dockerfile-slim-test/nope:never'], { cwd: ROOT });
    assert.deepEqual([missing.exitCode, missing.stdout, missing.stderr.trim().split('\n').length], [2, '', 1]);
  });
});

/** Pids of the `docker save IMAGE` processes PARENT started. */
async function savesOf(image: string, parent: number): Promise<string[]> {
  const ps = await exec('ps', ['-eo', 'pid=,ppid=,args=']);
  return ps.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, ppid, ...args]) => Number(ppid) === parent && args.includes('save') && args[args.length - 1] === image)
    .map(([pid]) => pid);
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// ---------------------------------------------------------------- podman

const PODMAN_RUN_LIMITS = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];

async function podman(args: string[], timeoutMs = 10 * 60_000) {
  return exec('podman', args, { timeoutMs });
}

/** Why podman cannot be tested here, or undefined. In CI podman is set up (scripts/engine-setup.sh --podman), never skipped. */
function podmanSkipReason(): string | undefined {
  const engineSkip = engineSkipReason();
  if (engineSkip) return engineSkip;
  if (process.env.CI) return undefined;
  return process.getuid?.() === 0 ? undefined : 'podman tests need root (scripts/engine-setup.sh --podman)';
}

describe('image inspector with podman', { skip: podmanSkipReason(), timeout: 30 * 60_000 }, () => {
  const tags: string[] = [];
  let engine: EngineCommand;

  before(async () => {
    await ensureEngine();
    const setup = await exec('bash', [SETUP_SCRIPT, '--podman'], { cwd: ROOT, timeoutMs: 20 * 60_000 });
    assert.equal(setup.exitCode, 0, setup.output.split('\n').slice(-20).join('\n'));
    const which = await exec('bash', ['-c', 'command -v podman']);
    engine = { kind: 'podman', executable: which.stdout.trim() };
  }, { timeout: 25 * 60_000 });

  after(async () => {
    for (const tag of tags) await podman(['rmi', '--force', tag]).catch(() => undefined);
  });

  /**
   * A multi-stage build without `--layers`: podman keeps no image of the builder stage,
   * so removing the tag removes all the build made (a single stage keeps its layers, and
   * removing the tag removes their images too).
   */
  async function podmanBuild(dir: string, dockerfile: string, options: { multiStage?: boolean } = {}): Promise<string> {
    const tag = uniqueTag(`podman-${dockerfile}`);
    tags.push(tag);
    const layers = options.multiStage ? ['--layers=false'] : [];
    const result = await podman(['build', '--network', 'none', '--pull=never', '--no-cache', ...layers, '--tag', tag, '--file', path.join(dir, dockerfile), dir]);
    assert.equal(result.exitCode, 0, result.output);
    return tag;
  }

  test('build, save, inspect: a dynamic program in scratch (SLIM901), and podman run fails as predicted', async () => {
    const tag = await podmanBuild(C, 'Dockerfile.scratch-dynamic', { multiStage: true });
    const report = await inspectImage({ engine, image: tag });
    assert.equal(report.engine, 'podman');
    assert.deepEqual(label(report), ['SLIM901 /hello']);
    const run = await podman(['run', '--rm', '--network', 'none', ...PODMAN_RUN_LIMITS, tag], 120_000);
    assert.notEqual(run.exitCode, 0);
    assert.match(run.output, /no such file or directory/);
  });

  test('build, save, inspect: an unknown user (SLIM905) and wasted space (SLIM907); the OCI archive reads the same', async () => {
    const user = await podmanBuild(CONFIG, 'Dockerfile.unknown-user');
    assert.deepEqual(label(await inspectImage({ engine, image: user })), ['SLIM905 USER']);
    const run = await podman(['run', '--rm', '--network', 'none', ...PODMAN_RUN_LIMITS, user], 120_000);
    assert.notEqual(run.exitCode, 0);
    assert.match(run.output, /app/);
    const wasted = await podmanBuild(CONFIG, 'Dockerfile.wasted');
    const report = await inspectImage({ engine, image: wasted });
    assert.deepEqual(label(report), ['SLIM907 /big', 'SLIM907 /data']);
    // podman's OCI archive: gzip-compressed layers, index.json and blobs.
    const child = spawn(engine.executable, ['save', '--format', 'oci-archive', wasted], { stdio: ['ignore', 'pipe', 'inherit'] });
    const archive = await readImageArchive(child.stdout);
    assert.equal(archive.format, 'oci');
    assert.ok(archive.layers.some((layer) => layer.compressed));
    assert.deepEqual(analyzeImage(archive).findings.map((finding) => `${finding.code} ${finding.path}`), ['SLIM907 /big', 'SLIM907 /data']);
  });
});
