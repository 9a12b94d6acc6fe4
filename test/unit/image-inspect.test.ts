// The SLIM9xx checks on synthetic saved images (docker-archive and OCI, built in the
// test), the archive reader's formats and errors, and `dockerfile-slim inspect` run
// in-process with a stand-in for the engine.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ArchiveError, readImageArchive } from '../../server/src/image/archive';
import { EngineError } from '../../server/src/engine/errors';
import { imageHistory, repoDigests } from '../../server/src/engine/inspect';
import { saveImage } from '../../server/src/engine/save';
import { inspectImage, type InspectImageOptions, type InspectReport } from '../../server/src/image/engine-cli';
import { analyzeImage, shortInstruction, type AnalyzeOptions, type ImageFinding } from '../../server/src/image/inspect';
import { IMAGE_RULES } from '../../server/src/image/rules';
import { parseCommandLine } from '../../server/src/cli/args';
import { formatInspectText } from '../../server/src/cli/inspect';
import { runCli } from '../../server/src/cli/main';
import { DEFAULT_ENGINE } from '../../server/src/cli/lint';
import type { CliIo } from '../../server/src/cli/io';
import { chunked, dockerArchive, makeElf, makeTar, ociArchive, type ImageSpec, type TarSpec } from '../support/image-builders';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const LOADER = '/lib64/ld-linux-x86-64.so.2';
const MUSL = '/lib/ld-musl-x86_64.so.1';
const GO_TLS = Buffer.from('crypto/tls.(*Conn).Handshake \xff Go buildinf:\x08\x02', 'latin1');

/** A glibc system as Debian lays it out: the loader and libc in the multiarch folder, /lib64 holding a link. */
const GLIBC: TarSpec[] = [
  { name: 'lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', data: makeElf({ type: 3, soname: 'ld-linux-x86-64.so.2' }), mode: 0o755 },
  { name: 'lib64/', type: 'dir' },
  { name: 'lib64/ld-linux-x86-64.so.2', type: 'symlink', linkname: '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2' },
  { name: 'lib/x86_64-linux-gnu/libc.so.6', data: makeElf({ type: 3, interp: LOADER, soname: 'libc.so.6', needed: ['ld-linux-x86-64.so.2'] }), mode: 0o755 },
];
const SHELL: TarSpec[] = [
  { name: 'bin/busybox', data: makeElf({ type: 2 }), mode: 0o755 },
  { name: 'bin/sh', type: 'symlink', linkname: 'busybox' },
];
const program = (needed: string[] = ['libc.so.6'], extra: Parameters<typeof makeElf>[0] = {}) => makeElf({ interp: LOADER, needed, ...extra });
const lib = (soname: string, extra: Parameters<typeof makeElf>[0] = {}) => makeElf({ type: 3, soname, needed: ['libc.so.6'], ...extra });

async function inspect(spec: ImageSpec, options: AnalyzeOptions = {}) {
  const archive = await readImageArchive(chunked(dockerArchive(spec), [4096, 77]));
  return analyzeImage(archive, options);
}

async function findings(spec: ImageSpec, options: AnalyzeOptions = {}): Promise<ImageFinding[]> {
  return (await inspect(spec, options)).findings;
}

const codes = (list: ImageFinding[]) => list.map((finding) => `${finding.code} ${finding.path ?? finding.instruction}`);

describe('SLIM901 missing-elf-interpreter', () => {
  test('a dynamic program in an empty image', async () => {
    const found = await findings({ layers: [[{ name: 'app', data: program(), mode: 0o755 }]], config: { Entrypoint: ['/app'] }, createdBy: ['COPY file:abc in /app'] });
    assert.deepEqual(codes(found), ['SLIM901 /app']);
    assert.equal(found[0].layer, 0);
    assert.equal(found[0].severity, 'error');
    assert.equal(found[0].createdBy, 'COPY file:abc in /app');
    assert.match(found[0].diffId ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.match(found[0].message, /\/lib64\/ld-linux-x86-64\.so\.2, which is not in the image.*`exec \/app: no such file or directory`.*statically/);
  });

  test('the loader reached through links (absolute, relative, a linked directory) is found', async () => {
    const layers: TarSpec[][] = [
      [
        { name: 'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', data: makeElf({ type: 3 }), mode: 0o755 },
        { name: 'usr/lib/x86_64-linux-gnu/libc.so.6', data: lib('libc.so.6', { needed: [] }), mode: 0o755 },
        { name: 'usr/lib64/', type: 'dir' },
        { name: 'usr/lib64/ld-linux-x86-64.so.2', type: 'symlink', linkname: '../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2' },
        { name: 'lib64', type: 'symlink', linkname: '/usr/lib64' },
        { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
      ],
      [{ name: 'app', data: program(), mode: 0o755 }],
    ];
    assert.deepEqual(await findings({ layers }), []);
  });

  test('one finding per missing loader and layer, naming the entry program', async () => {
    const found = await findings({
      layers: [[{ name: 'a', data: program(), mode: 0o755 }, { name: 'srv/main', data: program(), mode: 0o755 }]],
      config: { Cmd: ['/srv/main'] },
    });
    assert.deepEqual(codes(found), ['SLIM901 /srv/main']);
    assert.match(found[0].message, /and 1 other program in this layer/);
  });

  test('silent for files that are not programs of this image: not executable, another architecture, no interpreter', async () => {
    const found = await findings({
      layers: [
        [
          { name: 'testdata/exec', data: program(), mode: 0o644 },
          { name: 'arm/app', data: program(['libc.so.6'], { machine: 183, interp: '/lib/ld-linux-aarch64.so.1' }), mode: 0o755 },
          { name: 'static', data: makeElf({ type: 2 }), mode: 0o755 },
        ],
      ],
    });
    assert.deepEqual(found, []);
  });

  test('a musl program on a glibc image names the musl loader and suggests alpine', async () => {
    const found = await findings({ layers: [GLIBC, [{ name: 'app', data: makeElf({ interp: MUSL, needed: ['libc.musl-x86_64.so.1'] }), mode: 0o755 }]] });
    assert.deepEqual(codes(found), ['SLIM901 /app']);
    assert.match(found[0].message, /ld-musl-x86_64\.so\.1.*alpine/);
  });
});

describe('SLIM902 missing-shared-library', () => {
  test('a needed library that is nowhere: one finding, and none for what the loader itself provides', async () => {
    const found = await findings({ layers: [GLIBC, [{ name: 'usr/bin/app', data: program(['libgreet.so', 'libc.so.6', 'ld-linux-x86-64.so.2']), mode: 0o755 }]] });
    assert.deepEqual(codes(found), ['SLIM902 /usr/bin/app']);
    assert.equal(found[0].layer, 1);
    assert.match(found[0].message, /needs the shared library libgreet\.so.*`error while loading shared libraries: libgreet\.so: cannot open shared object file: No such file or directory`/);
  });

  test('the default and multiarch directories, /etc/ld.so.conf with an include glob, LD_LIBRARY_PATH', async () => {
    const app = { name: 'app', data: program(['liba.so', 'libb.so', 'libc.so.6', 'libd.so']), mode: 0o755 };
    const libs: TarSpec[] = [
      { name: 'usr/lib/liba.so', data: lib('liba.so') },
      { name: 'opt/b/libb.so', data: lib('libb.so') },
      { name: 'srv/d/libd.so', data: lib('libd.so') },
    ];
    const conf: TarSpec[] = [
      { name: 'etc/ld.so.conf', data: '# comment\ninclude /etc/ld.so.conf.d/*.conf\n' },
      { name: 'etc/ld.so.conf.d/b.conf', data: '/opt/b\n' },
      { name: 'etc/ld.so.conf.d/ignored.txt', data: '/nowhere\n' },
    ];
    assert.deepEqual(await findings({ layers: [GLIBC, libs, conf, [app]], config: { Env: ['LD_LIBRARY_PATH=/srv/d'] } }), []);
    assert.deepEqual(codes(await findings({ layers: [GLIBC, libs, [app]], config: { Env: ['LD_LIBRARY_PATH=/srv/d'] } })), ['SLIM902 /app']);
    assert.deepEqual(codes(await findings({ layers: [GLIBC, libs, conf, [app]] })), ['SLIM902 /app']);
  });

  test('RUNPATH $ORIGIN is the real folder of a program reached through a link', async () => {
    const layers: TarSpec[][] = [
      GLIBC,
      [
        { name: 'opt/app/bin/app', data: program(['libgreet.so', 'libc.so.6'], { runpath: '$ORIGIN/../lib' }), mode: 0o755 },
        { name: 'opt/app/lib/libgreet.so', data: lib('libgreet.so') },
        { name: 'usr/local/bin/app', type: 'symlink', linkname: '/opt/app/bin/app' },
      ],
    ];
    assert.deepEqual(await findings({ layers, config: { Cmd: ['app'] } }), []);
    const moved = [GLIBC, [layers[1][0], { name: 'opt/app/libs/libgreet.so', data: lib('libgreet.so') }]];
    const found = await findings({ layers: moved });
    assert.deepEqual(codes(found), ['SLIM902 /opt/app/bin/app']);
  });

  test('DT_RPATH reaches the libraries a program loads; DT_RUNPATH does not (as glibc)', async () => {
    const libs: TarSpec[] = [
      { name: 'opt/x/lib/liba.so', data: lib('liba.so', { needed: ['libb.so', 'libc.so.6'] }) },
      { name: 'opt/x/lib/libb.so', data: lib('libb.so') },
    ];
    const withRpath = await findings({ layers: [GLIBC, libs, [{ name: 'app', data: program(['liba.so', 'libc.so.6'], { rpath: '/opt/x/lib' }), mode: 0o755 }]] });
    assert.deepEqual(withRpath, []);
    const withRunpath = await findings({ layers: [GLIBC, libs, [{ name: 'app', data: program(['liba.so', 'libc.so.6'], { runpath: '/opt/x/lib' }), mode: 0o755 }]], config: { Entrypoint: ['/app'] } });
    assert.deepEqual(codes(withRunpath), ['SLIM902 /opt/x/lib/liba.so']);
    assert.match(withRunpath[0].message, /\/opt\/x\/lib\/liba\.so, loaded by \/app, needs the shared library libb\.so/);
    assert.equal(withRunpath[0].layer, 1, 'the layer of the file that needs it');
  });

  test('a library a later layer deleted: the message says which layer', async () => {
    const found = await findings({
      layers: [GLIBC, [{ name: 'usr/local/lib/libgreet.so', data: lib('libgreet.so') }], [{ name: 'usr/local/bin/app', data: program(['libgreet.so', 'libc.so.6']), mode: 0o755 }], [{ name: 'usr/local/lib/.wh.libgreet.so', data: '' }]],
      createdBy: ['ADD rootfs', 'COPY libgreet.so', 'COPY app', '/bin/sh -c rm /usr/local/lib/libgreet.so'],
      config: { Env: ['LD_LIBRARY_PATH=/usr/local/lib'] },
    });
    assert.deepEqual(codes(found), ['SLIM902 /usr/local/bin/app']);
    assert.match(found[0].message, /deleted by layer 3 \(RUN rm \/usr\/local\/lib\/libgreet\.so\): \/usr\/local\/lib\/libgreet\.so/);
  });

  test('musl: names the loader answers itself, /etc/ld-musl-ARCH.path, and its error text', async () => {
    const musl: TarSpec[] = [{ name: 'lib/ld-musl-x86_64.so.1', data: makeElf({ type: 3, soname: 'libc.musl-x86_64.so.1' }), mode: 0o755 }];
    const app = (needed: string[]) => ({ name: 'app', data: makeElf({ interp: MUSL, needed }), mode: 0o755 });
    assert.deepEqual(await findings({ layers: [musl, [app(['libc.musl-x86_64.so.1', 'libc.so', 'libpthread.so.0'])]] }), []);
    const missing = await findings({ layers: [musl, [app(['libssl.so.3', 'libc.musl-x86_64.so.1'])]] });
    assert.deepEqual(codes(missing), ['SLIM902 /app']);
    assert.match(missing[0].message, /`Error loading shared library libssl\.so\.3: No such file or directory`/);
    const configured = [musl, [{ name: 'etc/ld-musl-x86_64.path', data: '/opt/ssl/lib\n' }, { name: 'opt/ssl/lib/libssl.so.3', data: makeElf({ type: 3 }) }, app(['libssl.so.3'])]];
    assert.deepEqual(await findings({ layers: configured }), []);
  });

  test('silent where the answer depends on the machine or on what was not read', async () => {
    const layers = (elf: Buffer) => [GLIBC, [{ name: 'app', data: elf, mode: 0o755 }]];
    assert.deepEqual(await findings({ layers: layers(program(['libx.so', 'libc.so.6'], { runpath: '/opt/$PLATFORM/lib' })) }), [], '$PLATFORM');
    assert.deepEqual(await findings({ layers: layers(program(['libx.so', 'libc.so.6'], { runpath: 'relative/lib' })) }), [], 'relative RUNPATH');
    assert.deepEqual(await findings({ layers: layers(program(['./libx.so'])) }), [], 'relative DT_NEEDED path');
    assert.deepEqual(await findings({ layers: layers(program(['libx.so']).subarray(0, 150)) }), [], 'needed out of reach');
  });

  test('no SLIM902 for a program whose loader is missing: SLIM901 already says it cannot start', async () => {
    assert.deepEqual(codes(await findings({ layers: [[{ name: 'app', data: program(['libmissing.so']), mode: 0o755 }]] })), ['SLIM901 /app']);
  });
});

describe('SLIM903 missing-shell and SLIM904 missing-entrypoint', () => {
  const app = { name: 'app', data: makeElf({ type: 2 }), mode: 0o755 };

  test('shell-form CMD without /bin/sh, with an exec form to use', async () => {
    const found = await findings({ layers: [[app]], config: { Cmd: ['/bin/sh', '-c', '/app --port 80'] }, history: [{ created_by: 'COPY app' }, { created_by: '/bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "/app --port 80"]', empty_layer: true }] });
    assert.deepEqual(codes(found), ['SLIM903 CMD']);
    assert.equal(found[0].layer, undefined);
    assert.equal(found[0].instruction, 'CMD');
    assert.match(found[0].createdBy ?? '', /CMD/);
    assert.match(found[0].message, /`exec: "\/bin\/sh": stat \/bin\/sh: no such file or directory`.*CMD \["\/app", "--port", "80"\]/);
  });

  test('shell form with /bin/sh a link to busybox: fine', async () => {
    assert.deepEqual(await findings({ layers: [SHELL, [app]], config: { Cmd: ['/bin/sh', '-c', '/app'], Healthcheck: { Test: ['CMD-SHELL', 'test -e /app'] } } }), []);
  });

  test('ENTRYPOINT in shell form; CMD then only gives arguments', async () => {
    const found = await findings({ layers: [[app]], config: { Entrypoint: ['/bin/sh', '-c', 'exec /app'], Cmd: ['--verbose'] } });
    assert.deepEqual(codes(found), ['SLIM903 ENTRYPOINT']);
    assert.deepEqual(await findings({ layers: [[app]], config: { Entrypoint: ['/app'], Cmd: ['/bin/sh', '-c', 'not run by a shell'] } }), []);
  });

  test('the SHELL instruction decides what shell form is', async () => {
    const found = await findings({ layers: [SHELL, [app]], config: { Shell: ['/bin/bash', '-o', 'pipefail', '-c'], Cmd: ['/bin/bash', '-o', 'pipefail', '-c', '/app | tee log'] } });
    assert.deepEqual(codes(found), ['SLIM903 CMD']);
    assert.match(found[0].message, /no \/bin\/bash/);
  });

  test('HEALTHCHECK CMD-SHELL without a shell; exec form with a missing program', async () => {
    const shell = await findings({ layers: [[app]], config: { Entrypoint: ['/app'], Healthcheck: { Test: ['CMD-SHELL', 'curl -f localhost'] } } });
    assert.deepEqual(codes(shell), ['SLIM903 HEALTHCHECK']);
    assert.match(shell[0].message, /every health check fails/);
    const exec = await findings({ layers: [[app]], config: { Entrypoint: ['/app'], Healthcheck: { Test: ['CMD', '/usr/bin/curl', '-f', 'localhost'] } } });
    assert.deepEqual(codes(exec), ['SLIM904 HEALTHCHECK']);
    assert.deepEqual(await findings({ layers: [[app]], config: { Entrypoint: ['/app'], Healthcheck: { Test: ['NONE'] } } }), []);
  });

  test('missing, bare, relative, not executable, a directory', async () => {
    const run = (config: Record<string, unknown>, layers: TarSpec[][] = [SHELL, [app]]) => findings({ layers, config });
    const missing = await run({ Entrypoint: ['/srv/server'] });
    assert.deepEqual(codes(missing), ['SLIM904 ENTRYPOINT']);
    assert.match(missing[0].message, /`exec: "\/srv\/server": stat \/srv\/server: no such file or directory`/);
    const bare = await run({ Cmd: ['server', '--port', '80'], Env: ['PATH=/opt/bin:/bin'] });
    assert.match(bare[0].message, /`exec: "server": executable file not found in \$PATH`.*/);
    assert.match(bare[0].message, /PATH \(\/opt\/bin:\/bin\)/);
    assert.deepEqual(await run({ Cmd: ['busybox', 'true'] }), [], 'found on the default PATH');
    assert.deepEqual(await run({ Cmd: ['./app'], WorkingDir: '/' }), []);
    assert.deepEqual(codes(await run({ Cmd: ['./app'], WorkingDir: '/srv' })), ['SLIM904 CMD']);
    const notExecutable = await run({ Cmd: ['/data'] }, [[{ name: 'data', data: 'x', mode: 0o644 }]]);
    assert.match(notExecutable[0].message, /is not executable \(mode 0644\).*`exec: "\/data": permission denied`.*chmod/);
    assert.equal(notExecutable[0].path, '/data');
    assert.equal(notExecutable[0].layer, 0);
    assert.match((await run({ Cmd: ['/bin'] }))[0].message, /is a directory/);
    assert.deepEqual(await run({}), [], 'no command: nothing to check');
  });

  test("a script whose #! interpreter is missing; one whose interpreter exists", async () => {
    const script = (line: string) => ({ name: 'usr/local/bin/start', data: `${line}\necho hi\n`, mode: 0o755 });
    const missing = await findings({ layers: [SHELL, [script('#!/bin/bash')]], config: { Cmd: ['start'] } });
    assert.deepEqual(codes(missing), ['SLIM904 /usr/local/bin/start']);
    assert.match(missing[0].message, /interpreter \/bin\/bash.*`exec \/usr\/local\/bin\/start: no such file or directory`/);
    assert.deepEqual(await findings({ layers: [SHELL, [script('#! /bin/sh -e')]], config: { Cmd: ['start'] } }), []);
  });
});

describe('SLIM905 unknown-user', () => {
  const passwd: TarSpec[] = [
    { name: 'etc/passwd', data: 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n' },
    { name: 'etc/group', data: 'root:x:0:\napp:x:1000:\n' },
  ];
  const user = (User: string, layers: TarSpec[][] = [passwd]) => findings({ layers, config: { User } });

  test('names in /etc/passwd and /etc/group, numeric ids and no USER are fine', async () => {
    for (const spec of ['app', 'app:app', '1000', '1000:1000', 'root:0', '']) assert.deepEqual(await user(spec), [], spec);
  });

  test('a user or group that is not there', async () => {
    const found = await user('web');
    assert.deepEqual(codes(found), ['SLIM905 USER']);
    assert.match(found[0].message, /`unable to find user web: no matching entries in passwd file`/);
    const group = await user('1000:staff');
    assert.match(group[0].message, /`unable to find group staff: no matching entries in group file`/);
  });

  test('no /etc/passwd at all: even root is unknown by name', async () => {
    const found = await user('root', [[{ name: 'app', data: 'x', mode: 0o755 }]]);
    assert.match(found[0].message, /the image has no \/etc\/passwd/);
  });

  test('silent when /etc/passwd leads somewhere whose text was not read', async () => {
    assert.deepEqual(await user('web', [[{ name: 'data/passwd', data: 'web:x:1:1::/:/bin/sh\n' }, { name: 'etc/passwd', type: 'symlink', linkname: '/data/passwd' }]]), []);
  });
});

describe('SLIM906 missing-ca-bundle', () => {
  const goApp = { name: 'app', data: makeElf({ type: 2, tail: GO_TLS }), mode: 0o755 };

  test('a Go TLS program without CA certificates', async () => {
    const found = await findings({ layers: [[goApp]], config: { Entrypoint: ['/app'] } });
    assert.deepEqual(codes(found), ['SLIM906 /app']);
    assert.equal(found[0].severity, 'warning');
    assert.match(found[0].message, /x509: certificate signed by unknown authority/);
  });

  test('a bundle at a usual path, in a certificate folder, or at SSL_CERT_FILE', async () => {
    assert.deepEqual(await findings({ layers: [[goApp, { name: 'etc/ssl/certs/ca-certificates.crt', data: '-----BEGIN CERTIFICATE-----' }]] }), []);
    assert.deepEqual(await findings({ layers: [[goApp, { name: 'etc/pki/tls/certs/one.pem', data: 'cert' }]] }), []);
    assert.deepEqual(await findings({ layers: [[goApp, { name: 'certs/bundle.pem', data: 'cert' }]], config: { Env: ['SSL_CERT_FILE=/certs/bundle.pem'] } }), []);
    assert.deepEqual(codes(await findings({ layers: [[goApp, { name: 'etc/ssl/certs/ca-certificates.crt', data: '' }]] })), ['SLIM906 /app'], 'an empty bundle');
  });

  test('silent for Go programs with embedded roots, for non-Go programs, for files that are not programs', async () => {
    const embedded = makeElf({ type: 2, tail: Buffer.concat([GO_TLS, Buffer.from('golang.org/x/crypto/x509roots/fallback')]) });
    assert.deepEqual(await findings({ layers: [[{ name: 'app', data: embedded, mode: 0o755 }]] }), []);
    assert.deepEqual(await findings({ layers: [[{ name: 'app', data: makeElf({ type: 2, tail: Buffer.from('crypto/tls.(*Conn)') }), mode: 0o755 }]] }), []);
    assert.deepEqual(await findings({ layers: [[{ name: 'testdata/app', data: makeElf({ type: 2, tail: GO_TLS }), mode: 0o644 }]] }), []);
  });
});

describe('SLIM907 wasted-space', () => {
  const MB = 1 << 20;

  test('a layer whose bytes a later layer deletes or overwrites, with the top paths', async () => {
    const analysis = await inspect({
      layers: [[{ name: 'big', data: Buffer.alloc(3 * MB) }, { name: 'data', data: Buffer.alloc(2 * MB) }], [{ name: '.wh.big', data: '' }, { name: 'data', data: 'small' }]],
      createdBy: ['/bin/sh -c dd if=/dev/zero of=/big', '/bin/sh -c rm /big'],
    });
    const [finding] = analysis.findings;
    assert.deepEqual(codes(analysis.findings), ['SLIM907 /big']);
    assert.equal(finding.severity, 'info');
    assert.equal(finding.layer, 0);
    assert.match(finding.message, /Layer 0 \(RUN dd if=\/dev\/zero of=\/big\) holds 5\.2 MB in 2 files.*\/big \(3\.1 MB, deleted by layer 1.*\/data \(2\.1 MB, overwritten by layer 1/);
  });

  test('below the threshold (1 MiB by default) it stays quiet; the threshold is an option', async () => {
    const spec = { layers: [[{ name: 'f', data: Buffer.alloc(100_000) }], [{ name: '.wh.f', data: '' }]] };
    assert.deepEqual(await findings(spec), []);
    assert.deepEqual(codes(await findings(spec, { wastedBytesThreshold: 50_000 })), ['SLIM907 /f']);
  });
});

describe('results', () => {
  test('severity overrides and off', async () => {
    const spec = { layers: [[{ name: 'app', data: program(), mode: 0o755 }, { name: 'big', data: Buffer.alloc(2 << 20) }], [{ name: '.wh.big', data: '' }]] };
    const found = await findings(spec, { rules: { SLIM901: 'warning', SLIM907: 'off' } });
    assert.deepEqual(found.map((f) => [f.code, f.severity]), [['SLIM901', 'warning']]);
  });

  test('layers: sizes as the engine counts them, history lines skipping empty layers', async () => {
    const analysis = await inspect({
      layers: [[{ name: 'a', data: 'abc' }, { name: 'l', type: 'symlink', linkname: 'a' }], [{ name: 'b', data: Buffer.alloc(1000) }]],
      history: [{ created_by: 'ADD a', comment: 'first' }, { created_by: 'ENV X=1', empty_layer: true }, { created_by: 'COPY b' }],
    });
    assert.deepEqual(
      analysis.layers.map((layer) => [layer.index, layer.size, layer.createdBy, layer.comment]),
      [
        [0, 4, 'ADD a', 'first'],
        [1, 1000, 'COPY b', undefined],
      ],
    );
    assert.equal(analysis.size, 1004);
    const mismatched = await inspect({ layers: [[{ name: 'a', data: 'x' }]], history: [{ created_by: 'one' }, { created_by: 'two' }] });
    assert.equal(mismatched.layers[0].createdBy, undefined, 'never a wrong attribution');
  });

  test('hostile file names are escaped in paths, messages and text output', async () => {
    const name = Buffer.concat([Buffer.from('bad\nname\x1b[2J'), Buffer.from([0xff]), Buffer.from('\u202e')]);
    const analysis = await inspect({ layers: [[{ name, data: program(), mode: 0o755 }]] });
    const [finding] = analysis.findings;
    assert.equal(finding.path, '/bad\\nname\\x1b[2J\\xff\\u{202e}');
    assert.doesNotMatch(finding.message, /[\n\x1b\u202e]/);
    const text = formatInspectText({ image: 'evil\nimage', id: 'sha256:0', size: 1, layers: analysis.layers, findings: analysis.findings, stats: analysis.stats, engine: 'docker', durationMs: 1 }, false);
    assert.equal(text.split('\n').filter(Boolean).length, 2 + analysis.layers.length + analysis.findings.length, text);
    assert.doesNotMatch(text, /\x1b/);
  });

  test('shortInstruction reads classic and BuildKit history lines', () => {
    assert.equal(shortInstruction('/bin/sh -c #(nop) COPY file:abc in /app '), 'COPY file:abc in /app');
    assert.equal(shortInstruction('/bin/sh -c apt-get update'), 'RUN apt-get update');
    assert.equal(shortInstruction('RUN /bin/sh -c make # buildkit'), 'RUN /bin/sh -c make');
  });
});

describe('archive formats', () => {
  const spec: ImageSpec = { layers: [[{ name: 'app', data: program(), mode: 0o755 }]], config: { Entrypoint: ['/app'] } };

  test('OCI layout with gzip-compressed layers', async () => {
    const archive = await readImageArchive(chunked(ociArchive(spec), [1000]));
    assert.equal(archive.format, 'oci');
    assert.deepEqual(archive.repoTags, ['test/oci:1']);
    assert.equal(archive.layers[0].compressed, true);
    assert.deepEqual(codes(analyzeImage(archive).findings), ['SLIM901 /app']);
  });

  test('docker-archive: manifest last, a layer stored once and linked, the id is the config digest', async () => {
    const layers = [[{ name: 'app', data: program(), mode: 0o755 }], [{ name: 'x', data: 'x' }], [{ name: 'app', data: program(), mode: 0o755 }]];
    const archive = await readImageArchive(chunked(dockerArchive({ layers }, { linkLast: true })));
    assert.equal(archive.format, 'docker-archive');
    assert.equal(archive.layers.length, 3);
    assert.equal(archive.layers[2].entries, archive.layers[0].entries);
    assert.match(archive.id, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(archive.repoTags, ['test/image:latest']);
  });

  test('clear errors: empty input, not an image, a layer missing, zstd layers', async () => {
    await assert.rejects(readImageArchive(chunked(Buffer.alloc(0))), /empty/);
    await assert.rejects(readImageArchive(chunked(makeTar([{ name: 'x', data: 'y' }]))), (error: Error) => error instanceof ArchiveError && /neither manifest\.json/.test(error.message));
    const manifest = JSON.stringify([{ Config: 'c.json', Layers: ['nope/layer.tar'] }]);
    await assert.rejects(readImageArchive(chunked(makeTar([{ name: 'c.json', data: '{}' }, { name: 'manifest.json', data: manifest }]))), /nope\/layer\.tar named by the manifest is not in the archive/);
    const zstd = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(600)]);
    await assert.rejects(readImageArchive(chunked(makeTar([{ name: 'blobs/sha256/aa', data: zstd }]))), /zstd/);
  });

  test('a gzip layer that is corrupt', async () => {
    const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(2000, 0x55)]);
    await assert.rejects(readImageArchive(chunked(makeTar([{ name: 'blobs/sha256/bb', data: corrupt }]))), /gzip-compressed layer is corrupt|invalid/);
  });

  test('cancelled reading', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(readImageArchive(chunked(dockerArchive(spec)), { signal: controller.signal }), { name: 'AbortError' });
  });
});

describe('rule metadata and docs', () => {
  test('SLIM901-SLIM907 as the spec lists them, each with a docs page in the standard shape', () => {
    assert.deepEqual(
      IMAGE_RULES.map((rule) => [rule.code, rule.name, rule.severity]),
      [
        ['SLIM901', 'missing-elf-interpreter', 'error'],
        ['SLIM902', 'missing-shared-library', 'error'],
        ['SLIM903', 'missing-shell', 'error'],
        ['SLIM904', 'missing-entrypoint', 'error'],
        ['SLIM905', 'unknown-user', 'error'],
        ['SLIM906', 'missing-ca-bundle', 'warning'],
        ['SLIM907', 'wasted-space', 'info'],
      ],
    );
    for (const rule of IMAGE_RULES) {
      const file = path.join(ROOT, rule.docs);
      assert.ok(existsSync(file), file);
      const page = readFileSync(file, 'utf8');
      assert.match(page, new RegExp(`^# ${rule.code}: ${rule.name}\\n`));
      assert.match(page, new RegExp(`Default severity: \\*\\*${rule.severity}\\*\\*`));
      for (const section of ['What it finds', 'Why it matters', 'Bad', 'Good', 'The fix', 'Suppress it']) assert.match(page, new RegExp(`^## ${section}$`, 'm'), `${rule.code}: ${section}`);
    }
  });
});

describe('dockerfile-slim inspect', () => {
  interface Run {
    code: number;
    stdout: string;
    stderr: string;
  }

  const report = (findings: ImageFinding[] = []): InspectReport => ({
    image: 'app:1',
    id: 'sha256:' + 'a'.repeat(64),
    size: 1234,
    layers: [
      { index: 0, size: 1000, entries: 3, createdBy: '/bin/sh -c #(nop) ADD file:x in / ', diffId: 'sha256:' + 'b'.repeat(64) },
      { index: 1, size: 234, entries: 1, createdBy: 'COPY /app /app # buildkit' },
    ],
    findings,
    stats: { files: 4, elfFiles: 1, goPrograms: 0 },
    engine: 'docker',
    durationMs: 5,
  });
  const finding = (severity: ImageFinding['severity'], extra: Partial<ImageFinding> = {}): ImageFinding => ({ code: 'SLIM901', name: 'missing-elf-interpreter', severity, message: 'the message', path: '/app', layer: 1, ...extra });

  async function cli(args: string[], inspector: (options: InspectImageOptions) => Promise<InspectReport>, env: Record<string, string | undefined> = { PATH: '/usr/bin:/bin' }): Promise<Run & { calls: InspectImageOptions[] }> {
    let stdout = '';
    let stderr = '';
    const calls: InspectImageOptions[] = [];
    const io: CliIo = { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), stdoutIsTTY: false, env, cwd: ROOT };
    const code = await runCli(['inspect', ...args], io, DEFAULT_ENGINE, async (options) => (calls.push(options), inspector(options)));
    return { code, stdout, stderr, calls };
  }

  test('parsing: image, --format, --engine, --engine-path; usage errors', () => {
    assert.deepEqual(parseCommandLine(['inspect', '--format=json', '--engine', 'podman', '--engine-path', '/x/podman', 'app:1']), {
      kind: 'inspect',
      options: { image: 'app:1', format: 'json', engine: 'podman', enginePath: '/x/podman', config: undefined },
    });
    assert.deepEqual(parseCommandLine(['inspect', '--help']), { kind: 'help', topic: 'inspect' });
    for (const [args, message] of [
      [[], /no IMAGE given/],
      [['a', 'b'], /one IMAGE at a time/],
      [['--format', 'sarif', 'a'], /invalid value 'sarif' for --format/],
      [['--engine', 'containerd', 'a'], /expected docker, podman/],
      [['--engine-path'], /needs a value/],
      [['--fix', 'a'], /unknown option '--fix'/],
    ] as const) {
      assert.throws(() => parseCommandLine(['inspect', ...args]), message as RegExp);
    }
  });

  test('JSON: the spec fields, exit 1 on an error-level finding', async () => {
    const run = await cli(['--format', 'json', '--engine-path', process.execPath, 'app:1'], async () => report([finding('error'), finding('info', { code: 'SLIM903', name: 'missing-shell', path: undefined, layer: undefined, instruction: 'CMD' })]));
    assert.equal(run.code, 1);
    assert.equal(run.stderr, '');
    const json = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(json), ['image', 'id', 'size', 'layers', 'findings']);
    assert.deepEqual(json.layers[0], { createdBy: '/bin/sh -c #(nop) ADD file:x in / ', size: 1000, diffId: 'sha256:' + 'b'.repeat(64) });
    assert.deepEqual(json.findings[0], { code: 'SLIM901', name: 'missing-elf-interpreter', severity: 'error', message: 'the message', path: '/app', layer: 1 });
    assert.deepEqual(json.findings[1], { code: 'SLIM903', name: 'missing-shell', severity: 'info', message: 'the message', path: null, layer: null, instruction: 'CMD' });
    assert.equal(run.calls[0].engine.executable, process.execPath);
    assert.equal(run.calls[0].engine.kind, 'docker');
  });

  test('text: header, layers, findings, summary; warnings alone exit 0', async () => {
    const run = await cli(['--engine-path', process.execPath, 'app:1'], async () => report([finding('warning', { code: 'SLIM906', name: 'missing-ca-bundle' })]));
    assert.equal(run.code, 0);
    assert.deepEqual(run.stdout.split('\n'), [
      'app:1 sha256:aaaaaaaaaaaa 1.2 kB in 2 layers',
      '   0  1.0 kB  ADD file:x in /',
      '   1   234 B  COPY /app /app',
      '/app (layer 1): warning SLIM906 the message [missing-ca-bundle]',
      '0 errors, 1 warning, 0 infos',
      '',
    ]);
  });

  test('engine errors: one line, exit 2', async () => {
    const run = await cli(['--engine-path', process.execPath, 'nosuch'], async () => {
      throw new EngineError('image-not-found', "image 'nosuch' not found in docker's image store", '(build or pull it first)', 'Error: No such image: nosuch');
    });
    assert.deepEqual([run.code, run.stdout, run.stderr], [2, '', "dockerfile-slim inspect: image 'nosuch' not found in docker's image store (build or pull it first)\n"]);
  });

  test('no engine on PATH, or a wrong --engine-path: one line, exit 2, the inspector never runs', async () => {
    const none = await cli(['app'], async () => report(), { PATH: '/nonexistent' });
    assert.deepEqual([none.code, none.stderr, none.calls.length], [2, 'dockerfile-slim inspect: no container engine found: neither docker nor podman is on PATH (install one, or give its executable with --engine-path PATH)\n', 0]);
    const podman = await cli(['--engine', 'podman', 'app'], async () => report(), { PATH: '/nonexistent' });
    assert.match(podman.stderr, /^dockerfile-slim inspect: podman is not installed/);
    const wrong = await cli(['--engine-path', '/no/such/docker', 'app'], async () => report());
    assert.deepEqual([wrong.code, wrong.stderr], [2, 'dockerfile-slim inspect: --engine-path /no/such/docker: no executable file there\n']);
  });

  test('rules from --config (or the nearest .dockerfile-slim.json) reach the inspector; a bad config is exit 2', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'slim-inspect-'));
    try {
      writeFileSync(path.join(dir, 'slim.json'), '{"rules": {"SLIM907": "off", "slim901": "warning"}}');
      const run = await cli(['--config', path.join(dir, 'slim.json'), '--engine-path', process.execPath, 'app'], async () => report());
      assert.deepEqual(run.calls[0].rules, { SLIM907: 'off', SLIM901: 'warning' });
      writeFileSync(path.join(dir, 'bad.json'), '{"rules": {"SLIM907": "loud"}}');
      const bad = await cli(['--config', path.join(dir, 'bad.json'), '--engine-path', process.execPath, 'app'], async () => report());
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /^dockerfile-slim inspect: .*bad\.json: rule SLIM907: severity must be one of/);
      const missing = await cli(['--config', path.join(dir, 'none.json'), '--engine-path', process.execPath, 'app'], async () => report());
      assert.deepEqual([missing.code, missing.stderr.includes('ENOENT')], [2, true]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an image reference that would read as an option never reaches the engine', async () => {
    for (const image of ['--output=/tmp/x', '-o', '', 'a b']) {
      await assert.rejects(inspectImage({ engine: { kind: 'docker', executable: '/nonexistent/docker' }, image }), /is not an image reference/);
      for (const command of [imageHistory, repoDigests]) await assert.rejects(command({ kind: 'docker', executable: '/nonexistent/docker' }, image), /is not an image reference/);
      assert.throws(() => saveImage({ kind: 'docker', executable: '/nonexistent/docker' }, image), /is not an image reference/);
    }
  });

  test('--engine-path names its kind (podman) unless --engine says otherwise', async () => {
    const run = await cli(['--engine-path', process.execPath, '--engine', 'podman', 'app'], async () => report());
    assert.equal(run.calls[0].engine.kind, 'podman');
  });
});
