// "Pin to digest" picks the digest of the written image's own repository, never another's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pinnable, pinnedReference } from '../../client/src/engine/digest';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

test('the digest of the same repository, the reference kept as written', () => {
  assert.equal(pinnedReference('debian:bookworm-slim', [`localhost:5000/debian@${B}`, `debian@${A}`]), `debian:bookworm-slim@${A}`);
  assert.equal(pinnedReference('debian', [`docker.io/library/debian@${A}`]), `debian@${A}`);
  assert.equal(pinnedReference('docker.io/library/debian:12', [`debian@${A}`]), `docker.io/library/debian:12@${A}`);
  assert.equal(pinnedReference('localhost:5000/app:latest', [`localhost:5000/app@${A}`]), `localhost:5000/app:latest@${A}`);
  assert.equal(pinnedReference('  ghcr.io/org/tool:1 ', [`ghcr.io/org/tool@${A}`]), `ghcr.io/org/tool:1@${A}`);
});

test("another repository's digest for the same image is never used", () => {
  assert.equal(pinnedReference('busybox:latest', [`localhost:5000/busybox@${A}`]), undefined);
  assert.equal(pinnedReference('debian', [`ubuntu@${A}`]), undefined);
  assert.equal(pinnedReference('debian', []), undefined);
});

test('nothing for a variable, an existing digest or a malformed digest', () => {
  assert.equal(pinnable('$BASE'), false);
  assert.equal(pinnable('${BASE:-debian}'), false);
  assert.equal(pinnable(`debian@${A}`), false);
  assert.equal(pinnable(''), false);
  assert.equal(pinnable('debian:latest'), true);
  assert.equal(pinnedReference('$BASE', [`debian@${A}`]), undefined);
  assert.equal(pinnedReference('debian', ['debian@sha256:short', 'debian', `@${A}`]), undefined);
});
