// The base image class table (server/src/facts/base-images.ts) against every row and
// example of the spec's table, its notes (:debug, :nonroot, Chainguard, toolchains)
// and the ways an image reference can be written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyImage, parseImageRef, type BaseImageInfo } from '../../server/src/facts/base-images';

type Row = Pick<BaseImageInfo, 'class' | 'shell' | 'libc' | 'caBundle'> & { users: readonly string[] | undefined };

const DISTROLESS_USERS = ['root', 'nobody', 'nonroot'];
const EMPTY: Row = { class: 'empty', shell: 'no', libc: 'none', caBundle: 'no', users: [] };
const STATIC: Row = { class: 'static', shell: 'no', libc: 'none', caBundle: 'yes', users: DISTROLESS_USERS };
const DISTROLESS_LIBC: Row = { class: 'distroless-libc', shell: 'no', libc: 'glibc', caBundle: 'yes', users: DISTROLESS_USERS };
const ALPINE: Row = { class: 'musl', shell: 'yes', libc: 'musl', caBundle: 'yes', users: ['root'] };
const BUSYBOX_MUSL: Row = { class: 'musl', shell: 'yes', libc: 'musl', caBundle: 'no', users: ['root'] };
const DEBIAN: Row = { class: 'glibc', shell: 'yes', libc: 'glibc', caBundle: 'no', users: ['root'] };
const GLIBC_WITH_CERTS: Row = { class: 'glibc', shell: 'yes', libc: 'glibc', caBundle: 'yes', users: ['root'] };
const UNKNOWN: Row = { class: 'unknown', shell: 'unknown', libc: 'unknown', caBundle: 'unknown', users: undefined };

const EXAMPLES: [string, Row][] = [
  // empty
  ['scratch', EMPTY],
  // static
  ['gcr.io/distroless/static', STATIC],
  ['gcr.io/distroless/static-debian12', STATIC],
  ['gcr.io/distroless/static-debian11:latest', STATIC],
  ['cgr.dev/chainguard/static', STATIC],
  ['cgr.dev/chainguard/static:latest', STATIC],
  // distroless-libc
  ['gcr.io/distroless/base', DISTROLESS_LIBC],
  ['gcr.io/distroless/base-debian12', DISTROLESS_LIBC],
  ['gcr.io/distroless/base-nossl-debian12', DISTROLESS_LIBC],
  ['gcr.io/distroless/cc-debian12', DISTROLESS_LIBC],
  ['gcr.io/distroless/java17-debian12', DISTROLESS_LIBC],
  ['gcr.io/distroless/java21-debian12:latest', DISTROLESS_LIBC],
  ['gcr.io/distroless/python3-debian12', DISTROLESS_LIBC],
  ['gcr.io/distroless/nodejs20-debian12', DISTROLESS_LIBC],
  // musl
  ['alpine', ALPINE],
  ['alpine:3.20', ALPINE],
  ['alpine:latest', ALPINE],
  ['golang:1.22-alpine', ALPINE],
  ['golang:1.22-alpine3.19', ALPINE],
  ['golang:alpine', ALPINE],
  ['busybox:musl', BUSYBOX_MUSL],
  ['busybox:1.36-musl', BUSYBOX_MUSL],
  // glibc: Debian and Ubuntu bases have no CA bundle; golang, gcc, buildpack-deps do
  ['debian', DEBIAN],
  ['debian:bookworm', DEBIAN],
  ['debian:bookworm-slim', DEBIAN],
  ['debian:12-slim', DEBIAN],
  ['ubuntu', DEBIAN],
  ['ubuntu:24.04', DEBIAN],
  ['golang:1.22', GLIBC_WITH_CERTS],
  ['golang', GLIBC_WITH_CERTS],
  ['golang:1.22-bookworm', GLIBC_WITH_CERTS],
  ['gcc:13', GLIBC_WITH_CERTS],
  ['gcc', GLIBC_WITH_CERTS],
  ['buildpack-deps:bookworm', GLIBC_WITH_CERTS],
  ['python:3.12-slim', GLIBC_WITH_CERTS],
  ['python:3.12-slim-bookworm', GLIBC_WITH_CERTS],
  // unknown
  ['nginx', UNKNOWN],
  ['busybox', UNKNOWN],
  ['busybox:glibc', UNKNOWN],
  ['rust:1.75', UNKNOWN],
  ['eclipse-temurin:21-jre', UNKNOWN],
  ['mcr.microsoft.com/dotnet/runtime:8.0', UNKNOWN],
  ['localhost:5000/x', UNKNOWN],
  ['localhost:5000/alpine:3.20', UNKNOWN],
  ['registry.example.com:5000/base/runtime:1.4', UNKNOWN],
  ['$unresolved', UNKNOWN],
];

for (const [ref, row] of EXAMPLES) {
  test(`${ref} is ${row.class}`, () => {
    const info = classifyImage(ref);
    assert.deepEqual({ class: info.class, shell: info.shell, libc: info.libc, caBundle: info.caBundle, users: info.users }, row);
  });
}

test('docker.io/library/ prefixes, digests and tags do not change the class', () => {
  for (const [ref, expected] of [
    ['docker.io/library/alpine:3.20', ALPINE],
    ['index.docker.io/library/debian:12', DEBIAN],
    ['registry-1.docker.io/library/golang:1.22', GLIBC_WITH_CERTS],
    ['docker.io/golang:1.22-alpine', ALPINE],
    ['library/ubuntu', DEBIAN],
    ['golang@sha256:0123abcd', GLIBC_WITH_CERTS],
    ['golang:1.22@sha256:0123abcd', GLIBC_WITH_CERTS],
    ['gcr.io/distroless/static-debian12:nonroot@sha256:0123abcd', STATIC],
    ['scratch', EMPTY],
  ] as const) {
    assert.equal(classifyImage(ref).class, expected.class, ref);
    assert.equal(classifyImage(ref).caBundle, expected.caBundle, ref);
  }
});

test('parseImageRef splits registry ports, tags and digests', () => {
  assert.deepEqual(parseImageRef('localhost:5000/x'), { name: 'localhost:5000/x', tag: undefined, digest: undefined });
  assert.deepEqual(parseImageRef('localhost:5000/team/app:1.2'), { name: 'localhost:5000/team/app', tag: '1.2', digest: undefined });
  assert.deepEqual(parseImageRef('localhost:5000/x@sha256:ab'), { name: 'localhost:5000/x', tag: undefined, digest: 'sha256:ab' });
  assert.deepEqual(parseImageRef('docker.io/library/golang:1.22-alpine@sha256:ab'), { name: 'golang', tag: '1.22-alpine', digest: 'sha256:ab' });
  assert.deepEqual(parseImageRef('  alpine:3  '), { name: 'alpine', tag: '3', digest: undefined });
});

test(':debug distroless tags may have a shell (busybox): unknown, never "no"', () => {
  for (const ref of ['gcr.io/distroless/static:debug', 'gcr.io/distroless/static-debian12:debug', 'gcr.io/distroless/base-debian12:debug-nonroot', 'gcr.io/distroless/java17-debian12:debug']) {
    assert.equal(classifyImage(ref).shell, 'unknown', ref);
  }
  assert.equal(classifyImage('gcr.io/distroless/static-debian12:latest').shell, 'no');
});

test('Chainguard -dev tags carry a shell: unknown, never "no"', () => {
  assert.equal(classifyImage('cgr.dev/chainguard/static:latest-dev').shell, 'unknown');
  assert.equal(classifyImage('cgr.dev/chainguard/static:latest').shell, 'no');
});

test(':nonroot distroless tags and Chainguard images run as 65532 by default', () => {
  for (const ref of ['gcr.io/distroless/static-debian12:nonroot', 'gcr.io/distroless/base-debian12:debug-nonroot', 'gcr.io/distroless/cc-debian12:nonroot-amd64', 'cgr.dev/chainguard/static', 'cgr.dev/chainguard/go:latest-dev']) {
    assert.equal(classifyImage(ref).nonrootByDefault, true, ref);
  }
  for (const ref of ['gcr.io/distroless/static-debian12', 'gcr.io/distroless/static-debian12:latest', 'scratch', 'alpine', 'debian:bookworm-slim', 'localhost:5000/nonroot']) {
    assert.equal(classifyImage(ref).nonrootByDefault, false, ref);
  }
});

test('the toolchain flag marks compiler images', () => {
  const toolchains = ['golang', 'golang:1.22', 'golang:1.22-alpine', 'docker.io/library/golang:1.22', 'gcc:13', 'rust:1.75', 'rust:1-alpine', 'maven:3.9-eclipse-temurin-21', 'gradle:8-jdk21', 'eclipse-temurin:21-jdk', 'eclipse-temurin:21-jdk-alpine', 'openjdk:21'];
  for (const ref of toolchains) assert.equal(classifyImage(ref).toolchain, true, ref);
  const runtimes = ['eclipse-temurin:21-jre', 'alpine', 'debian:bookworm', 'scratch', 'gcr.io/distroless/static-debian12', 'buildpack-deps:bookworm', 'localhost:5000/golang', 'node:20'];
  for (const ref of runtimes) assert.equal(classifyImage(ref).toolchain, false, ref);
});

test('the unknown class claims nothing that could trigger a shell, libc or certificate rule', () => {
  const info = classifyImage('example.com/some/image:1');
  assert.notEqual(info.shell, 'no');
  assert.notEqual(info.libc, 'none');
  assert.notEqual(info.caBundle, 'no');
  assert.equal(info.users, undefined);
});
