// "Pin to digest" against the real engine: an image pulled through a registry (Debian's
// docker-registry on localhost, started here) has a digest the engine knows; the pinned
// FROM builds and no longer triggers SLIM007. A locally made image has none to offer.
//   node --import tsx --test test/engine/pin-digest.test.ts
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pinWithEngine } from '../../client/src/engine/digest';
import { resolveEngine, type Engine } from '../../server/src/engine/engine';
import { analyze } from '../../server/src/analyze';
import { DOCKER, docker, engineSkipReason, ensureEngine } from '../support/engine';

const REGISTRY = '/usr/bin/docker-registry';
const START_TIMEOUT_MS = 20_000;

describe('pin to digest (real engine, local registry)', { skip: engineSkipReason(), timeout: 10 * 60_000 }, () => {
  let dir = '';
  let registry: ChildProcess | undefined;
  let engine: Engine;
  let image = '';

  before(async () => {
    await ensureEngine();
    engine = await resolveEngine({ engine: 'docker', enginePath: DOCKER });
    dir = mkdtempSync(path.join(os.tmpdir(), 'dockerfile-slim-pin-'));
    const port = await freePort();
    writeFileSync(path.join(dir, 'config.yml'), `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(dir, 'data')}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
    registry = spawn(REGISTRY, ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
    await waitForRegistry(port);
    // localhost registries are plain HTTP by default: no daemon configuration needed.
    image = `localhost:${port}/dockerfile-slim-pin/busybox:latest`;
    for (const args of [['tag', 'busybox:latest', image], ['push', image]]) {
      const result = await docker(args, { timeoutMs: 120_000 });
      assert.equal(result.exitCode, 0, `docker ${args.join(' ')}: ${result.stderr}`);
    }
  }, { timeout: 20 * 60_000 });

  after(async () => {
    registry?.kill();
    if (image) await docker(['image', 'rm', image]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the pinned FROM uses the registry digest, builds, and SLIM007 is gone', async () => {
    const dockerfile = `FROM ${image}\nRUN true\n`;
    const slim007 = analyze(dockerfile).findings.find((finding) => finding.code === 'SLIM007');
    assert.ok(slim007, 'SLIM007 fires on the :latest FROM');
    const pinned = await pinWithEngine(engine, image);
    assert.match(pinned ?? '', new RegExp(`^${image.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}@sha256:[0-9a-f]{64}$`));
    const digests = await docker(['image', 'inspect', '--format', '{{json .RepoDigests}}', image]);
    assert.ok(digests.stdout.includes(pinned!.slice(pinned!.lastIndexOf('@') + 1)), `the digest is the engine's: ${digests.stdout}`);

    const pinnedDockerfile = `FROM ${pinned}\nRUN true\n`;
    assert.equal(analyze(pinnedDockerfile).findings.find((finding) => finding.code === 'SLIM007'), undefined, 'SLIM007 no longer fires');
    writeFileSync(path.join(dir, 'Dockerfile'), pinnedDockerfile);
    const built = await docker(['build', '--network', 'none', '--quiet', dir], { timeoutMs: 120_000 });
    assert.equal(built.exitCode, 0, `the pinned Dockerfile builds: ${built.stderr}`);
    await docker(['image', 'rm', built.stdout.trim()]);
  });

  test("a locally made image has no digest of its own repository to offer", async () => {
    // busybox:latest shares its image id with the pushed tag, whose digest belongs to the local registry only.
    assert.equal(await pinWithEngine(engine, 'busybox:latest'), undefined);
    assert.equal(await pinWithEngine(engine, 'no-such-image-dockerfile-slim:1'), undefined);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForRegistry(port: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const response = await fetch(`http://127.0.0.1:${port}/v2/`).catch(() => undefined);
    if (response?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`docker-registry did not answer on port ${port} within ${START_TIMEOUT_MS / 1000} s`);
}
