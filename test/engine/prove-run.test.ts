// Starting an image once to prove it runs ("Slim this image", when enabled), against the
// real engine: a program that exits 0, one that keeps running (stopped and removed at the
// limit), one that fails, and one whose entrypoint is missing.
//   node --import tsx --test test/engine/prove-run.test.ts
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveEngine, type Engine } from '../../server/src/engine/engine';
import { describeProof, proveRun } from '../../client/src/engine/run';
import { DOCKER, docker, engineSkipReason, ensureEngine } from '../support/engine';

const CASES = {
  exits: 'FROM busybox:latest\nCMD ["echo", "proof: hello"]\n',
  serves: 'FROM busybox:latest\nCMD ["sleep", "300"]\n',
  fails: 'FROM busybox:latest\nCMD ["sh", "-c", "echo proof: broken >&2; exit 3"]\n',
  missing: 'FROM scratch\nCOPY Dockerfile /Dockerfile\nENTRYPOINT ["/app"]\n',
};

describe('prove the image runs (real engine)', { skip: engineSkipReason(), timeout: 5 * 60_000 }, () => {
  let engine: Engine;
  let dir = '';
  const images: Record<string, string> = {};

  before(async () => {
    await ensureEngine();
    engine = await resolveEngine({ engine: 'docker', enginePath: DOCKER });
    dir = mkdtempSync(path.join(os.tmpdir(), 'dockerfile-slim-proof-'));
    for (const [name, text] of Object.entries(CASES)) {
      writeFileSync(path.join(dir, 'Dockerfile'), text);
      const built = await docker(['build', '--network', 'none', '--quiet', dir], { timeoutMs: 120_000 });
      assert.equal(built.exitCode, 0, built.stderr);
      images[name] = built.stdout.trim();
    }
  }, { timeout: 20 * 60_000 });

  after(async () => {
    for (const image of Object.values(images)) await docker(['image', 'rm', '--force', image]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a program that exits 0', async () => {
    const proof = await proveRun(engine, images.exits);
    assert.equal(proof.outcome, 'exited');
    assert.match(proof.output, /proof: hello/);
    assert.match(describeProof(proof), /starts: its program ran and exited with code 0/);
  });

  test('a program still running at the limit has started; its container is removed', async () => {
    const proof = await proveRun(engine, images.serves, { timeoutMs: 2_000 });
    assert.equal(proof.outcome, 'running');
    const left = await docker(['ps', '--all', '--quiet', '--filter', 'name=dockerfile-slim-proof-']);
    assert.equal(left.stdout.trim(), '', 'no container left behind');
  });

  test('a failing program and a missing entrypoint do not pass', async () => {
    const failed = await proveRun(engine, images.fails);
    assert.equal(failed.outcome, 'failed');
    assert.equal(failed.exitCode, 3);
    assert.match(describeProof(failed), /does not start: it ended with code 3: proof: broken/);
    const missing = await proveRun(engine, images.missing);
    assert.equal(missing.outcome, 'failed');
    assert.match(missing.output, /no such file or directory/);
  });
});
