// The engine layer's pure parts: build progress from recorded engine output, failure
// classification from recorded engine messages, inspect/history parsing, line splitting.
//   node --import tsx --test test/unit/engine-progress.test.ts
// The recordings in test/fixtures/engine-output/ were made on the test machine from
// ok.Dockerfile and fail.Dockerfile there: docker 20.10 classic builder
// (DOCKER_BUILDKIT=0), docker 20.10 BuildKit (`BUILDKIT_PROGRESS=plain`, `--network
// none`) and podman 4.3 (`--runtime runc --network none --pull=never`), stdout and
// stderr kept apart as the engine wrote them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildArguments, describeProgress, normalizeId, ProgressParser, type BuildProgress } from '../../server/src/engine/build';
import { engineEnvironment, engineSettingsFrom, findOnPath, kindOfExecutable, LineSplitter, resolveEngine } from '../../server/src/engine/engine';
import { classifyFailure, EngineError, headline, type FailureContext } from '../../server/src/engine/errors';
import { parseHistory, parseInspect } from '../../server/src/engine/inspect';

const RECORDINGS = path.join(__dirname, '..', 'fixtures', 'engine-output');

function recording(name: string): string {
  return readFileSync(path.join(RECORDINGS, name), 'utf8');
}

/** Feeds a recording through the line splitter and the parser, as a build does. */
function progressOf(...names: string[]): BuildProgress[] {
  const parser = new ProgressParser();
  const events: BuildProgress[] = [];
  for (const name of names) {
    const splitter = new LineSplitter((line) => {
      const event = parser.push(line);
      if (event) events.push(event);
    });
    splitter.push(readFileSync(path.join(RECORDINGS, name)));
    splitter.end();
  }
  return events;
}

const brief = (events: BuildProgress[]) => events.map((event) => [event.stage ?? '', event.step, event.total, event.text]);

describe('build progress', () => {
  test('classic builder: Step N/M across the whole build', () => {
    const events = progressOf('classic-ok.stdout', 'classic-ok.stderr');
    assert.deepEqual(brief(events), [
      ['', 1, 6, 'FROM busybox:latest AS base'],
      ['', 2, 6, 'RUN echo hello'],
      ['', 3, 6, 'FROM base'],
      ['', 4, 6, 'WORKDIR /app'],
      ['', 5, 6, 'RUN echo "size" > /app/f && ls /app'],
      ['', 6, 6, 'CMD ["sh"]'],
    ]);
    assert.deepEqual(events.map((event) => event.fraction), [0, 1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6]);
  });

  test('BuildKit plain: per-stage steps, each vertex once, no overall share for named stages', () => {
    const events = progressOf('buildkit-ok.stdout', 'buildkit-ok.stderr');
    assert.deepEqual(brief(events), [
      ['base', 1, 2, 'FROM docker.io/library/busybox:latest'],
      ['base', 2, 2, 'RUN echo hello'],
      ['stage-1', 1, 2, 'WORKDIR /app'],
      ['stage-1', 2, 2, 'RUN echo "size" > /app/f && ls /app'],
    ]);
    assert.ok(events.every((event) => event.fraction === undefined));
    assert.equal(describeProgress(events[1]), '[base 2/2] RUN echo hello');
  });

  test('BuildKit plain, one unnamed stage: [N/M] with a share; the failing step is reported', () => {
    const events = progressOf('buildkit-fail.stdout', 'buildkit-fail.stderr');
    assert.deepEqual(brief(events), [
      ['', 1, 3, 'FROM docker.io/library/busybox:latest'],
      ['', 2, 3, 'RUN echo before'],
      ['', 3, 3, 'RUN echo oops >&2; exit 3'],
    ]);
    assert.deepEqual(events.map((event) => event.fraction), [0, 1 / 3, 2 / 3]);
  });

  test('BuildKit repeats a vertex header when output interleaves: counted once', () => {
    const parser = new ProgressParser();
    const lines = ['#5 [2/3] RUN make', '#6 [3/3] COPY . .', '#5 [2/3] RUN make', '#5 0.231 cc -o app', '#5 DONE 0.3s', '#5 CACHED'];
    assert.deepEqual(lines.map((line) => parser.push(line)?.text), ['RUN make', 'COPY . .', undefined, undefined, undefined, undefined]);
  });

  test('buildx (Docker 23+) plain output', () => {
    // The layout of `docker buildx build --progress=plain` (buildx 0.10+). Not recorded
    // here (no buildx on this machine); written after its documented format.
    const output = [
      '#0 building with "default" instance using docker driver',
      '',
      '#1 [internal] load build definition from Dockerfile',
      '#1 transferring dockerfile: 120B done',
      '#1 DONE 0.0s',
      '',
      '#4 [builder 1/3] FROM docker.io/library/golang:1.22@sha256:0123',
      '#4 DONE 0.0s',
      '',
      '#5 [builder 2/3] WORKDIR /src',
      '#5 CACHED',
      '',
      '#7 [builder 3/3] RUN go build -o /app .',
      '#7 12.01 go: downloading example.com/x v1.0.0',
      '#7 DONE 14.2s',
      '',
      '#8 [stage-1 1/1] COPY --from=builder /app /app',
      '#8 DONE 0.1s',
    ];
    const parser = new ProgressParser();
    const events = lines(parser, output);
    assert.deepEqual(brief(events), [
      ['builder', 1, 3, 'FROM docker.io/library/golang:1.22@sha256:0123'],
      ['builder', 2, 3, 'WORKDIR /src'],
      ['builder', 3, 3, 'RUN go build -o /app .'],
      ['stage-1', 1, 1, 'COPY --from=builder /app /app'],
    ]);
  });

  test('podman multi-stage: [stage/stages] STEP N/M, with an overall share', () => {
    const events = progressOf('podman-ok.stdout', 'podman-ok.stderr');
    assert.deepEqual(
      brief(events).map(([stage, step, total, text]) => [stage, step, total, String(text).replace(/[0-9a-f]{64}/, 'ID')]),
      [
        ['stage 1/2', 1, 2, 'FROM busybox:latest AS base'],
        ['stage 1/2', 2, 2, 'RUN echo hello'],
        ['stage 2/2', 1, 4, 'FROM ID'],
        ['stage 2/2', 2, 4, 'WORKDIR /app'],
        ['stage 2/2', 3, 4, 'RUN echo "size" > /app/f && ls /app'],
        ['stage 2/2', 4, 4, 'CMD ["sh"]'],
      ],
    );
    assert.deepEqual(events.map((event) => event.fraction), [0, 0.25, 0.5, 0.625, 0.75, 0.875]);
  });

  test('podman single stage: STEP N/M', () => {
    assert.deepEqual(brief(progressOf('podman-fail.stdout', 'podman-fail.stderr')), [
      ['', 1, 3, 'FROM busybox:latest'],
      ['', 2, 3, 'RUN echo before'],
      ['', 3, 3, 'RUN echo oops >&2; exit 3'],
    ]);
  });

  test('a RUN step printing like a step of another engine is not mistaken for one in BuildKit output', () => {
    const parser = new ProgressParser();
    assert.equal(parser.push('#6 0.041 Step 1/2 : not a step'), undefined);
    assert.equal(parser.push('#1 [internal] load build definition from Dockerfile'), undefined);
  });
});

function lines(parser: ProgressParser, text: string[]): BuildProgress[] {
  return text.map((line) => parser.push(line)).filter((event): event is BuildProgress => event !== undefined);
}

describe('line splitting', () => {
  test('\\n, \\r\\n and lone \\r end lines; ANSI colours are removed; UTF-8 split across chunks survives', () => {
    const got: string[] = [];
    const splitter = new LineSplitter((line) => got.push(line));
    const euro = Buffer.from('€');
    splitter.push(Buffer.from('a\r\nb\rc\n\x1b[91moops\n\x1b[0md'));
    splitter.push(Buffer.concat([Buffer.from('x'), euro.subarray(0, 1)]));
    splitter.push(Buffer.concat([euro.subarray(1), Buffer.from('\n')]));
    splitter.push('tail');
    splitter.end();
    assert.deepEqual(got, ['a', 'b', 'c', 'oops', 'dx€', 'tail']);
  });

  test('the classic builder colours the failing step red: the text is clean', () => {
    const got: string[] = [];
    const splitter = new LineSplitter((line) => got.push(line));
    splitter.push(readFileSync(path.join(RECORDINGS, 'classic-fail.stdout')));
    splitter.end();
    assert.ok(got.includes('oops'), got.join('|'));
    assert.ok(!got.some((line) => line.includes('\x1b')));
  });
});

describe('build arguments', () => {
  test('iidfile, -f, target, tag, build args, extra args, context last; no shell', () => {
    const args = buildArguments(
      { dockerfile: '/w/app/Dockerfile', context: '/w/app', target: 'runtime', tag: 'me/app:dev', buildArgs: { A: 'b c', 'D': '$(rm -rf /)' }, extraArgs: ['--network', 'none'] },
      '/tmp/x/iid',
    );
    assert.deepEqual(args, ['build', '--force-rm', '--iidfile', '/tmp/x/iid', '-f', '/w/app/Dockerfile', '--target', 'runtime', '--tag', 'me/app:dev', '--build-arg', 'A=b c', '--build-arg', 'D=$(rm -rf /)', '--network', 'none', '/w/app']);
  });

  test('image ids from --iidfile: docker and podman both give sha256:…; anything else is no id', () => {
    const hex = 'ab'.repeat(32);
    assert.equal(normalizeId(`sha256:${hex}\n`), `sha256:${hex}`);
    assert.equal(normalizeId(hex), `sha256:${hex}`);
    assert.equal(normalizeId(''), '');
    assert.equal(normalizeId('sha256:xyz'), '');
  });
});

const DOCKER: Pick<FailureContext, 'kind' | 'executable'> = { kind: 'docker', executable: '/usr/bin/docker' };
const PODMAN: Pick<FailureContext, 'kind' | 'executable'> = { kind: 'podman', executable: '/usr/bin/podman' };

describe('failure classification (recorded engine messages)', () => {
  test('docker daemon down', () => {
    const error = classifyFailure({ ...DOCKER, operation: 'version', exitCode: 1, stderr: 'Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker daemon running?' });
    assert.equal(error.kind, 'daemon-down');
    assert.match(error.message, /not running at unix:\/\/\/nonexistent\.sock:/);
    assert.match(error.nextStep, /Start Docker/);
    assert.match(error.engineText, /Cannot connect/);
  });

  test('docker 28 wording of daemon down, and a missing Windows pipe', () => {
    const newer = 'failed to connect to the docker API at unix:///var/run/docker.sock; check if the path is correct and if the daemon is running: dial unix /var/run/docker.sock: connect: no such file or directory';
    assert.equal(classifyFailure({ ...DOCKER, operation: 'build', exitCode: 1, stderr: newer }).kind, 'daemon-down');
    const windows = 'error during connect: this error may indicate that the docker daemon is not running: Get "http://%2F%2F.%2Fpipe%2Fdocker_engine/v1.24/version": open //./pipe/docker_engine: The system cannot find the file specified.';
    assert.equal(classifyFailure({ ...DOCKER, operation: 'version', exitCode: 1, stderr: windows }).kind, 'daemon-down');
  });

  test('podman service unreachable', () => {
    const stderr = 'Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`, or try `podman machine init` and `podman machine start` to manage a new Linux VM\nError: unable to connect to Podman socket: Get "http://d/v4.3.1/libpod/_ping": dial unix /nonexistent.sock: connect: no such file or directory';
    const error = classifyFailure({ ...PODMAN, operation: 'build', exitCode: 125, stderr });
    assert.equal(error.kind, 'daemon-down');
    assert.match(error.nextStep, /podman machine start/);
  });

  test('permission denied on the socket (docker 20.10 and 28)', () => {
    for (const stderr of [
      'Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/version": dial unix /var/run/docker.sock: connect: permission denied',
      'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.50/version": dial unix /var/run/docker.sock: connect: permission denied',
    ]) {
      const error = classifyFailure({ ...DOCKER, operation: 'build', exitCode: 1, stderr });
      assert.equal(error.kind, 'permission-denied');
      assert.match(error.nextStep, /docker` group/);
    }
  });

  test('build failed: the engine text is kept, its last line is the headline', () => {
    const cases: [FailureContext['kind'], string, RegExp][] = [
      ['docker', recording('classic-fail.stderr'), /The command '\/bin\/sh -c echo oops >&2; exit 3' returned a non-zero code: 3/],
      ['docker', recording('buildkit-fail.stderr'), /executor failed running \[\/bin\/sh -c echo oops >&2; exit 3\]: exit code: 3/],
      ['podman', recording('podman-fail.stderr'), /building at STEP "RUN echo oops >&2; exit 3": while running runtime: exit status 3/],
      ['docker', 'ERROR: failed to solve: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3', /^The build failed \(exit 1\): failed to solve: process/],
    ];
    for (const [kind, stderr, expected] of cases) {
      const error = classifyFailure({ kind, executable: kind, operation: 'build', exitCode: 1, stderr, outputTail: 'oops' });
      assert.equal(error.kind, 'build-failed');
      assert.match(error.message, expected);
      assert.equal(error.engineText, stderr.trim());
      assert.equal(error.outputTail, 'oops');
      assert.match(error.nextStep, /output channel/);
    }
  });

  test('a Dockerfile syntax error is a failed build (classic and BuildKit wording)', () => {
    for (const stderr of [
      'Error response from daemon: dockerfile parse error line 2: unknown instruction: FOO',
      'failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 2: unknown instruction: FOO',
    ]) {
      const error = classifyFailure({ ...DOCKER, operation: 'build', exitCode: 1, stderr });
      assert.equal(error.kind, 'build-failed');
      assert.match(error.message, /unknown instruction: FOO/);
    }
  });

  test('image gone: docker and podman wording; a missing FROM image in a build is a failed build', () => {
    const docker = classifyFailure({ ...DOCKER, operation: 'image inspect', subject: 'my/app:dev', exitCode: 1, stderr: 'Error: No such image: my/app:dev' });
    assert.equal(docker.kind, 'image-gone');
    assert.match(docker.message, /`my\/app:dev` is no longer in Docker's image store/);
    assert.match(docker.nextStep, /Build the image again/);
    assert.equal(classifyFailure({ ...DOCKER, operation: 'history', exitCode: 1, stderr: 'Error response from daemon: No such image: nosuch:img' }).kind, 'image-gone');
    assert.equal(classifyFailure({ ...PODMAN, operation: 'image inspect', exitCode: 125, stderr: 'Error: inspecting object: nosuch:img: image not known' }).kind, 'image-gone');
    assert.equal(classifyFailure({ ...PODMAN, operation: 'history', exitCode: 125, stderr: 'Error: nosuch: image not known' }).kind, 'image-gone');
    assert.equal(classifyFailure({ ...DOCKER, operation: 'save', exitCode: 1, stderr: 'Error response from daemon: reference does not exist' }).kind, 'image-gone');
    assert.equal(classifyFailure({ ...DOCKER, operation: 'build', exitCode: 1, stderr: 'Step 1/2 : FROM nosuch\nError response from daemon: No such image: nosuch:latest' }).kind, 'build-failed');
  });

  test('an image the user named is "not found", never "gone"', () => {
    const named = classifyFailure({ ...PODMAN, operation: 'image inspect', subject: 'nosuch:img', userNamed: true, exitCode: 125, stderr: 'Error: nosuch:img: image not known' });
    assert.deepEqual([named.kind, named.message, named.nextStep], ['image-not-found', "The image `nosuch:img` was not found in podman's image store.", 'Build or pull it first.']);
    const hostile = classifyFailure({ ...DOCKER, operation: 'save', subject: 'a\x1b[31m', userNamed: true, exitCode: 1, stderr: 'reference does not exist' });
    assert.match(hostile.message, /`a\\x1b\[31m`/);
  });

  test('buildx missing (a docker 23+ CLI without the plugin)', () => {
    const stderr = 'ERROR: BuildKit is enabled but the buildx component is missing or broken.\n       Install the buildx component to build images with BuildKit:\n       https://docs.docker.com/go/buildx/';
    const error = classifyFailure({ ...DOCKER, operation: 'build', exitCode: 1, stderr });
    assert.equal(error.kind, 'buildx-missing');
    assert.match(error.nextStep, /DOCKER_BUILDKIT=0/);
  });

  test('not installed (ENOENT), not executable (EACCES), cancelled', () => {
    const enoent = Object.assign(new Error('spawn /opt/docker ENOENT'), { code: 'ENOENT' });
    const missing = classifyFailure({ ...DOCKER, executable: '/opt/docker', origin: 'path-setting', operation: 'build', spawnError: enoent });
    assert.equal(missing.kind, 'not-installed');
    assert.match(missing.message, /\/opt\/docker.*enginePath/);
    const auto = classifyFailure({ ...DOCKER, origin: 'auto', operation: 'build', spawnError: enoent });
    assert.match(auto.message, /neither `docker` nor `podman` is on PATH/);
    const eacces = Object.assign(new Error('spawn EACCES'), { code: 'EACCES' });
    assert.match(classifyFailure({ ...DOCKER, operation: 'build', spawnError: eacces }).message, /not executable/);
    const command = classifyFailure({ ...DOCKER, executable: '/opt/docker', origin: 'command-line', operation: 'save', spawnError: enoent });
    assert.deepEqual([command.kind, /enginePath/.test(command.message + command.nextStep), /--engine-path/.test(command.nextStep)], ['not-installed', false, true]);
    const stopped = classifyFailure({ ...DOCKER, operation: 'build', aborted: true, exitCode: null, stderr: 'Cannot connect to the Docker daemon' });
    assert.equal(stopped.kind, 'cancelled');
    assert.equal(stopped.message, 'The build was cancelled.');
  });

  test('anything else: the command, the exit code and the engine text', () => {
    const error = classifyFailure({ ...DOCKER, operation: 'image inspect', exitCode: 1, stderr: 'Error: template: :1: unexpected "}" in operand' });
    assert.equal(error.kind, 'failed');
    assert.match(error.message, /^`docker image inspect` failed \(exit 1\): template/);
  });

  test('headline skips BuildKit separators and error prefixes', () => {
    assert.equal(headline('------\n > [3/3] RUN x:\n------\nexecutor failed running [x]: exit code: 3\n'), 'executor failed running [x]: exit code: 3');
    assert.equal(headline('x\n------\n'), 'x');
    assert.equal(headline(''), '');
  });
});

describe('inspect and history parsing', () => {
  const hex = (c: string) => c.repeat(64);

  test('docker image inspect', () => {
    const info = parseInspect(JSON.stringify([{
      Id: `sha256:${hex('a')}`, RepoTags: ['me/app:dev'], RepoDigests: [], Created: '2026-11-23T17:49:11Z', Architecture: 'amd64', Os: 'linux', Size: 1984233,
      Config: { User: '1000', Env: ['PATH=/usr/bin:/bin'], Cmd: null, Entrypoint: ['sh'], Healthcheck: { Test: ['CMD-SHELL', 'true'] }, WorkingDir: '', Labels: { a: 'b' } },
      RootFS: { Type: 'layers', Layers: [`sha256:${hex('b')}`] },
    }]));
    assert.equal(info.id, `sha256:${hex('a')}`);
    assert.equal(info.size, 1984233);
    assert.deepEqual(info.config, { user: '1000', env: ['PATH=/usr/bin:/bin'], cmd: undefined, entrypoint: ['sh'], healthcheck: ['CMD-SHELL', 'true'], workingDir: '', labels: { a: 'b' } });
    assert.deepEqual(info.layers, [`sha256:${hex('b')}`]);
  });

  test('podman image inspect: bare id, no Healthcheck in an OCI image', () => {
    const info = parseInspect(JSON.stringify([{ Id: hex('c'), Size: 2138514, RepoTags: [], RepoDigests: [], Config: { Env: ['PATH=/bin'], Cmd: ['sh'], WorkingDir: '/app' }, RootFS: { Layers: [] } }]));
    assert.equal(info.id, `sha256:${hex('c')}`);
    assert.deepEqual(info.config.cmd, ['sh']);
    assert.equal(info.config.user, '');
    assert.equal(info.config.healthcheck, undefined);
  });

  test('docker history: JSON lines, newest first, sizes as strings → base first, numbers', () => {
    const output = [
      `{"Comment":"","CreatedAt":"2026-11-23T17:49:11Z","CreatedBy":"/bin/sh -c #(nop)  ENTRYPOINT [\\"sh\\"]","CreatedSince":"2026-11-23T17:49:11Z","ID":"sha256:${hex('b')}","Size":"0"}`,
      '{"Comment":"","CreatedAt":"2026-11-23T17:49:11Z","CreatedBy":"/bin/sh -c echo hi \\u003e /f","CreatedSince":"2026-11-23T17:49:11Z","ID":"\\u003cmissing\\u003e","Size":"3"}',
      `{"Comment":"Imported from -","CreatedAt":"2026-11-23T17:12:13Z","CreatedBy":"","CreatedSince":"2026-11-23T17:12:13Z","ID":"sha256:${hex('a')}","Size":"1984233"}`,
      '',
    ].join('\n');
    assert.deepEqual(parseHistory(output), [
      { createdBy: '', size: 1984233, created: '2026-11-23T17:12:13Z', comment: 'Imported from -', id: `sha256:${hex('a')}` },
      { createdBy: '/bin/sh -c echo hi > /f', size: 3, created: '2026-11-23T17:49:11Z', comment: undefined, id: undefined },
      { createdBy: '/bin/sh -c #(nop)  ENTRYPOINT ["sh"]', size: 0, created: '2026-11-23T17:49:11Z', comment: undefined, id: `sha256:${hex('b')}` },
    ]);
  });

  test('podman history: one JSON array, lower-case keys, numeric sizes', () => {
    const output = JSON.stringify([
      { id: hex('f'), created: '2026-11-23T17:49:01.84Z', CreatedBy: '/bin/sh -c #(nop) CMD ["sh"]', size: 0, comment: 'FROM f482773ec0a8', Created: '2026-11-23T17:49:01Z' },
      { id: '<missing>', created: '2026-11-23T17:49:01.50Z', CreatedBy: '/bin/sh -c echo hello', size: 2560, comment: 'FROM localhost/busybox:latest' },
      { id: hex('e'), created: '2026-11-23T17:09:04.83Z', size: 2129920, comment: 'Imported from -' },
    ]);
    const history = parseHistory(output);
    assert.deepEqual(history.map((entry) => [entry.createdBy, entry.size, entry.id]), [
      ['', 2129920, `sha256:${hex('e')}`],
      ['/bin/sh -c echo hello', 2560, undefined],
      ['/bin/sh -c #(nop) CMD ["sh"]', 0, `sha256:${hex('f')}`],
    ]);
    assert.equal(history[1].created, '2026-11-23T17:49:01.50Z');
  });

  test('empty history output', () => {
    assert.deepEqual(parseHistory('\n'), []);
  });
});

describe('engine settings and resolution helpers', () => {
  test('enginePath only from user or machine settings; workspace and folder values are ignored', () => {
    assert.deepEqual(engineSettingsFrom('podman', { globalValue: '/opt/bin/podman' }), { engine: 'podman', enginePath: '/opt/bin/podman' });
    assert.deepEqual(engineSettingsFrom('docker', { workspaceValue: './evil', workspaceFolderValue: '/tmp/evil' }), { engine: 'docker', enginePath: '' });
    assert.deepEqual(engineSettingsFrom(undefined, { globalValue: '/usr/bin/docker', workspaceValue: './evil' }), { engine: 'auto', enginePath: '/usr/bin/docker' });
    assert.deepEqual(engineSettingsFrom('rkt', undefined), { engine: 'auto', enginePath: '' });
    assert.deepEqual(engineSettingsFrom('auto', { globalValue: 42 }), { engine: 'auto', enginePath: '' });
  });

  test('the kind of a configured executable comes from its name', () => {
    assert.equal(kindOfExecutable('/usr/bin/podman'), 'podman');
    assert.equal(kindOfExecutable('/opt/podman-remote'), 'podman');
    assert.equal(kindOfExecutable('/usr/local/bin/docker'), 'docker');
    assert.equal(kindOfExecutable('/opt/nerdctl'), 'docker');
  });

  test('the user environment is kept; hints off, BuildKit progress plain, BuildKit itself untouched', () => {
    const env = engineEnvironment({ PATH: '/bin', DOCKER_HOST: 'ssh://me@host', DOCKER_CONTEXT: 'remote' });
    assert.deepEqual(env, { PATH: '/bin', DOCKER_HOST: 'ssh://me@host', DOCKER_CONTEXT: 'remote', DOCKER_CLI_HINTS: 'false', BUILDKIT_PROGRESS: 'plain' });
    assert.equal('DOCKER_BUILDKIT' in env, false);
  });

  test('PATH lookup: absolute entries only, executable files only', { skip: process.platform === 'win32' }, () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'dockerfile-slim-path-'));
    try {
      const dir = (name: string) => (mkdirSync(path.join(root, name)), path.join(root, name));
      const plain = dir('plain');
      writeFileSync(path.join(plain, 'docker'), '#!/bin/sh\n'); // not executable
      const good = dir('good');
      writeFileSync(path.join(good, 'docker'), '#!/bin/sh\n');
      chmodSync(path.join(good, 'docker'), 0o755);
      mkdirSync(path.join(dir('folder'), 'docker'));
      const relative = path.relative(process.cwd(), good);
      assert.equal(findOnPath('docker', { PATH: [relative, plain, path.join(root, 'folder')].join(path.delimiter) }), undefined);
      assert.equal(findOnPath('docker', { PATH: ['', plain, good].join(path.delimiter) }), path.join(good, 'docker'));
      assert.equal(findOnPath('docker', {}), undefined);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('enginePath: absolute, ~/, or a bare name on PATH; a relative path is refused', { skip: process.platform === 'win32' }, async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'dockerfile-slim-enginepath-'));
    try {
      const podman = path.join(root, 'podman');
      writeFileSync(podman, '#!/bin/sh\n');
      chmodSync(podman, 0o755);
      const env = { PATH: root };
      const absolute = await resolveEngine({ engine: 'auto', enginePath: podman }, { env });
      assert.deepEqual([absolute.kind, absolute.executable, absolute.origin], ['podman', podman, 'path-setting']);
      const bare = await resolveEngine({ engine: 'docker', enginePath: 'podman' }, { env });
      assert.deepEqual([bare.kind, bare.executable], ['docker', podman], 'the engine setting decides the kind');
      const refused = await resolveEngine({ engine: 'auto', enginePath: 'bin/docker' }, { env }).catch((error: unknown) => error);
      assert.ok(refused instanceof EngineError);
      assert.equal(refused.kind, 'not-installed');
      assert.match(refused.message, /`bin\/docker` \(setting `dockerfileSlim.enginePath`\) cannot be run: it is not an absolute path/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
