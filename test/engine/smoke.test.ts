// The real engine does what the rules predict: built and run, not just linted.
//   node --import tsx --test test/engine/smoke.test.ts
// Needs root on Linux (scripts/engine-setup.sh installs Docker and makes the base
// images; a few minutes the first time, under a second after). Skips elsewhere, never in CI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { BASE_IMAGES, engineScope, engineSkipReason, ensureEngine } from '../support/engine';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'engine', 'smoke');
const GO = path.join(FIXTURES, 'go');
const C = path.join(FIXTURES, 'c');
const NO_SUCH_FILE = /no such file or directory/;

describe('real engine: what the rules predict', { skip: engineSkipReason(), timeout: 30 * 60_000, concurrency: 2 }, () => {
  const engine = engineScope('smoke');
  before(() => ensureEngine(), { timeout: 20 * 60_000 });
  after(() => engine.cleanup());

  test('SLIM201: a cgo Go binary that uses net fails in scratch (no loader)', async () => {
    const image = await engine.buildOk(GO, { dockerfile: 'Dockerfile.cgo' });
    const result = await engine.run(image);
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, NO_SUCH_FILE);
    assert.match(result.stderr, /\/app/);
    assert.equal(result.stdout, '');
  });

  test('SLIM201 fix: with CGO_ENABLED=0 the same program runs in scratch', async () => {
    const image = await engine.buildOk(GO, { dockerfile: 'Dockerfile.static' });
    const result = await engine.run(image);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, 'ok\n');
  });

  test('SLIM001: shell-form CMD in scratch fails for want of /bin/sh', async () => {
    const image = await engine.buildOk(GO, { dockerfile: 'Dockerfile.shell-form' });
    const result = await engine.run(image);
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, /\/bin\/sh/);
    assert.match(result.stderr, NO_SUCH_FILE);
    // The same image runs when the command is given in exec form.
    const exec = await engine.run(image, ['/app']);
    assert.equal(exec.exitCode, 0, exec.stderr);
    assert.equal(exec.stdout, 'ok\n');
  });

  test('SLIM301: a dynamic glibc C binary fails in scratch; with -static it runs', async () => {
    const dynamic = await engine.run(await engine.buildOk(C, { dockerfile: 'Dockerfile.dynamic' }));
    assert.notEqual(dynamic.exitCode, 0);
    assert.match(dynamic.stderr, NO_SUCH_FILE);
    assert.match(dynamic.stderr, /\/hello/);
    const fixed = await engine.run(await engine.buildOk(C, { dockerfile: 'Dockerfile.static' }));
    assert.equal(fixed.exitCode, 0, fixed.stderr);
    assert.equal(fixed.stdout, 'hello from C\n');
  });

  test('SLIM303: a dynamic musl binary runs on the musl runtime; a glibc one does not', async () => {
    const musl = await engine.run(await engine.buildOk(C, { dockerfile: 'Dockerfile.musl' }));
    assert.equal(musl.exitCode, 0, musl.stderr);
    assert.equal(musl.stdout, 'hello from C\n');
    const glibc = await engine.run(await engine.buildOk(C, { dockerfile: 'Dockerfile.glibc-on-musl' }));
    assert.notEqual(glibc.exitCode, 0);
    assert.match(glibc.stderr, NO_SUCH_FILE);
  });

  // The class table in the spec says what each base provides; the local stand-ins must agree.
  test('the local base images provide what the class table says', async () => {
    const probe = 'for p in /bin/sh /etc/ssl/certs/ca-certificates.crt /lib/ld-musl-x86_64.so.1 /lib64/ld-linux-x86-64.so.2; do [ -e $p ] && echo $p; done; true';
    const has = async (image: string) => {
      const result = await engine.run(image, ['/bin/sh', '-c', probe]);
      assert.equal(result.exitCode, 0, `${image}: ${result.stderr}`);
      return result.stdout.trim().split('\n').filter(Boolean);
    };
    assert.deepEqual(await has(BASE_IMAGES.debian), ['/bin/sh', '/lib64/ld-linux-x86-64.so.2'], 'debian: shell, glibc, no CA bundle');
    assert.deepEqual(await has(BASE_IMAGES.busybox), ['/bin/sh'], 'busybox: shell only');
    assert.deepEqual(await has(BASE_IMAGES.muslRuntime), ['/bin/sh', '/lib/ld-musl-x86_64.so.1'], 'musl runtime: shell and musl loader');
    for (const image of [BASE_IMAGES.golang, BASE_IMAGES.gcc]) {
      assert.deepEqual(await has(image), ['/bin/sh', '/etc/ssl/certs/ca-certificates.crt', '/lib64/ld-linux-x86-64.so.2'], `${image}: shell, glibc, CA bundle`);
    }
    // The Go builder's tag tells the truth about its version (SLIM204 compares against it).
    const go = await engine.run(BASE_IMAGES.golang, ['go', 'env', 'GOVERSION', 'CGO_ENABLED']);
    assert.match(go.stdout, /^go1\.19\.\d+\n1\n$/);
  });
});
