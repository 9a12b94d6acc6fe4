import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { memoryContext } from '../../server/src/context/build-context';
import { extractFacts } from '../../server/src/facts/extract';
import { filesUnder, stageFiles } from '../../server/src/facts/stage-files';
import { parseDockerfile } from '../../server/src/parse/dockerfile';
import { initShellParser } from '../../server/src/parse/shell';

before(() => initShellParser());

const CONTEXT = memoryContext({
  'go.mod': 'module x',
  'main.go': 'package main',
  'cmd/app/main.go': 'package main',
  'internal/db/db.go': 'package db',
  'Makefile': 'all:',
  'scripts/build.sh': '#!/bin/sh',
  'README.md': '#',
});

function filesOf(dockerfile: string, stageIndex = 0): Record<string, string> {
  const doc = parseDockerfile(dockerfile);
  const facts = extractFacts(doc, { context: CONTEXT });
  return Object.fromEntries(stageFiles(doc, CONTEXT, facts.stages[stageIndex]));
}

test('COPY . . puts the whole context under WORKDIR', () => {
  const files = filesOf('FROM golang:1.22\nWORKDIR /src\nCOPY . .\n');
  assert.equal(files['/src/cmd/app/main.go'], 'cmd/app/main.go');
  assert.equal(Object.keys(files).length, 7);
});

test('a directory source copies its contents; a file goes into a dest/ folder or becomes dest', () => {
  const files = filesOf('FROM golang:1.22\nWORKDIR /src\nCOPY cmd/ ./cmd/\nCOPY go.mod main.go ./\nCOPY scripts/build.sh /usr/local/bin/build\n');
  assert.deepEqual(files, {
    '/src/cmd/app/main.go': 'cmd/app/main.go',
    '/src/go.mod': 'go.mod',
    '/src/main.go': 'main.go',
    '/usr/local/bin/build': 'scripts/build.sh',
  });
});

test('wildcards (a matched directory copies its contents), parents, and COPY --from', () => {
  const files = filesOf('FROM golang:1.22 AS base\nCOPY *.go /src/\nFROM base AS build\nCOPY --from=base /src /elsewhere\nCOPY intern* /src/\n', 1);
  assert.deepEqual(files, { '/src/main.go': 'main.go', '/src/db/db.go': 'internal/db/db.go' });
});

test('filesUnder lists a stage directory', () => {
  const files = stageFiles(parseDockerfile('FROM x\nCOPY . /src\n'), CONTEXT, extractFacts(parseDockerfile('FROM x\nCOPY . /src\n'), { context: CONTEXT }).stages[0]);
  assert.deepEqual(filesUnder(files, '/src/cmd').map(([stagePath]) => stagePath), ['/src/cmd/app/main.go']);
});

test('a file copied to `.`, to WORKDIR or to a folder that exists lands inside it', () => {
  const files = filesOf('FROM gcc:12\nWORKDIR /src\nCOPY main.go .\nCOPY go.mod /src\nCOPY Makefile ..\nCOPY scripts/build.sh /usr/local/bin\nCOPY README.md /src/cmd\nCOPY cmd /src/cmd\n');
  assert.equal(files['/src/main.go'], 'main.go');
  assert.equal(files['/src/go.mod'], 'go.mod');
  assert.equal(files['/Makefile'], 'Makefile');
  assert.equal(files['/usr/local/bin/build.sh'], 'scripts/build.sh');
  assert.equal(files['/src/cmd'], 'README.md', 'no folder /src/cmd yet: the file becomes /src/cmd');
});
