// Shell scripts a RUN runs: their build commands, with the caller's environment and
// directory, their own exports, and locations in the script.
import { test, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { loadGrammars } from '../../server/src/parse/grammars';
import { parseDockerfile } from '../../server/src/parse/dockerfile';
import { extractFacts } from '../../server/src/facts/extract';
import { extractBuilds, shellParseCount, type BuildCommand, type BuildFacts } from '../../server/src/facts/builds';
import { scriptRunOf } from '../../server/src/facts/scripts';
import { memoryContext } from '../../server/src/context/build-context';

before(() => loadGrammars(['bash', 'make']));

function analyse(dockerfile: string, files: Record<string, string>): BuildFacts {
  const doc = parseDockerfile(dockerfile);
  const facts = extractFacts(doc);
  return extractBuilds(doc, facts.stages, facts.target, facts.copyLinks, memoryContext(files));
}

function goBuilds(dockerfile: string, files: Record<string, string>): BuildCommand[] {
  return analyse(dockerfile, files).builds.filter((build) => build.kind === 'go-build');
}

const STAGE = 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\n';

describe('which script a command runs', () => {
  test('forms', () => {
    assert.deepEqual(scriptRunOf(['./build.sh']), { script: './build.sh', sourced: false });
    assert.deepEqual(scriptRunOf(['sh', 'scripts/build.sh', 'arg']), { script: 'scripts/build.sh', sourced: false });
    assert.deepEqual(scriptRunOf(['bash', '-euo', 'pipefail', 'x.sh']), { script: 'x.sh', sourced: false });
    assert.deepEqual(scriptRunOf(['busybox', 'sh', 'x.sh']), { script: 'x.sh', sourced: false });
    assert.deepEqual(scriptRunOf(['.', './env.sh']), { script: './env.sh', sourced: true });
    assert.deepEqual(scriptRunOf(['source', 'env.sh']), { script: 'env.sh', sourced: true });
    assert.equal(scriptRunOf(['sh', '-c', 'go build']), undefined);
    assert.equal(scriptRunOf(['sh', '-s']), undefined);
    assert.equal(scriptRunOf(['build.sh']), undefined, 'no slash: a program on PATH');
    assert.equal(scriptRunOf(['sh', '$SCRIPT']), undefined);
  });
});

describe('build commands from scripts', () => {
  test('./build.sh: exports apply to later commands; location, words and via point into the script', () => {
    const script = '#!/bin/sh\nset -e\nexport CGO_ENABLED=0\nVERSION=1.2\ngo build -ldflags "-s -w -X main.v=$VERSION" -o /out/app ./cmd/app\n';
    const facts = analyse(STAGE + 'RUN ./build.sh\nFROM scratch\nCOPY --from=build /out/app /app\n', { 'build.sh': script });
    const [run, build] = facts.builds;
    assert.equal(run.kind, 'indirect');
    assert.equal(run.indirect?.source, 'build.sh');
    assert.deepEqual(run.indirect?.resolved, [build]);
    assert.equal(build.kind, 'go-build');
    assert.equal(build.output, '/out/app');
    assert.equal(build.ldflags, '-s -w -X main.v=1.2');
    assert.equal(build.env.get('CGO_ENABLED'), '0');
    assert.equal(build.env.has('VERSION'), false, 'unexported shell variables are not in the environment');
    assert.equal(build.via, run);
    assert.deepEqual(build.range, run.range);
    assert.deepEqual(build.location, { path: 'build.sh', range: { start: { line: 4, character: 0 }, end: { line: 4, character: 66 } } });
    assert.deepEqual(build.words[3], { value: '-s -w -X main.v=1.2', text: '"-s -w -X main.v=$VERSION"', range: { start: { line: 4, character: 18 }, end: { line: 4, character: 44 } }, path: 'build.sh' });
    assert.deepEqual(facts.artifacts.map((artifact) => [artifact.path, artifact.build.kind]), [['/app', 'go-build']]);
  });

  test('sh scripts/build.sh runs in the caller\'s directory; its `cd` moves it', () => {
    const script = 'cd cmd/app\ngo build -o ../../bin/app .\n';
    const [build] = goBuilds(STAGE + 'RUN sh scripts/build.sh\n', { 'scripts/build.sh': script });
    assert.equal(build.cwd, '/src/cmd/app');
    assert.equal(build.output, '/src/bin/app');
    assert.equal(build.location?.path, 'scripts/build.sh');
  });

  test('the RUN\'s environment reaches the script: ENV, ARG, inline assignment, export before it', () => {
    const script = 'go build -o app .\n';
    const [build] = goBuilds(STAGE + 'ENV GOOS=linux\nARG GOARCH=arm64\nRUN export GOFLAGS=-trimpath && CGO_ENABLED=0 bash -e build.sh\n', { 'build.sh': script });
    assert.deepEqual([build.env.get('GOOS'), build.env.get('GOARCH'), build.env.get('GOFLAGS'), build.env.get('CGO_ENABLED')], ['linux', 'arm64', '-trimpath', '0']);
  });

  test('a script\'s exports do not reach the RUN after it; a sourced file\'s do', () => {
    const files = { 'build.sh': 'export CGO_ENABLED=0\n', 'env.sh': 'export CGO_ENABLED=0\ncd cmd\n' };
    const [afterRun] = goBuilds(STAGE + 'RUN ./build.sh && go build -o app .\n', files);
    assert.equal(afterRun.env.has('CGO_ENABLED'), false);
    const [afterSource] = goBuilds(STAGE + 'RUN . ./env.sh && go build -o app .\n', files);
    assert.equal(afterSource.env.get('CGO_ENABLED'), '0');
    assert.equal(afterSource.cwd, '/src/cmd');
    const [afterBareSource] = goBuilds(STAGE + 'RUN source env.sh; go build -o app .\n', files);
    assert.equal(afterBareSource.env.get('CGO_ENABLED'), '0');
  });

  test('exec-form RUN ["./build.sh"]', () => {
    const [build] = goBuilds(STAGE + 'RUN ["./build.sh"]\n', { 'build.sh': 'go build -o /app .\n' });
    assert.equal(build.output, '/app');
  });

  test('shell functions run where they are called', () => {
    const script = 'build() {\n  CGO_ENABLED=0 go build -o "bin/$1" "./cmd/$1"\n}\nbuild api\n';
    const [build] = goBuilds(STAGE + 'RUN ./build.sh\n', { 'build.sh': script });
    assert.equal(build.env.get('CGO_ENABLED'), '0');
    assert.equal(build.output, undefined, 'positional parameters are unknown');
    assert.equal(build.location?.range.start.line, 1);
  });

  test('a script calling make, and a script calling a script: via stays the RUN-level command', () => {
    const files = {
      'build.sh': 'export CGO_ENABLED=0\n./scripts/inner.sh\nmake -C app\n',
      'scripts/inner.sh': 'go build -o /out/inner ./inner\n',
      'app/Makefile': 'app:\n\tgo build -o $@ .\n',
    };
    const builds = analyse(STAGE + 'RUN ./build.sh\n', files).builds;
    assert.deepEqual(builds.map((b) => [b.kind, b.location?.path]), [
      ['indirect', undefined],
      ['indirect', 'build.sh'],
      ['go-build', 'scripts/inner.sh'],
      ['indirect', 'build.sh'],
      ['go-build', 'app/Makefile'],
    ]);
    assert.ok(builds.slice(1).every((b) => b.via === builds[0]));
    assert.equal(builds[2].env.get('CGO_ENABLED'), '0');
    assert.equal(builds[4].env.get('CGO_ENABLED'), '0');
    assert.equal(builds[4].output, '/src/app/app');
  });

  test('a Makefile recipe running a script', () => {
    const files = { Makefile: 'all:\n\tCGO_ENABLED=0 ./build.sh\n', 'build.sh': 'go build -o bin/app .\n' };
    const [build] = goBuilds(STAGE + 'RUN make\n', files);
    assert.equal(build.env.get('CGO_ENABLED'), '0');
    assert.equal(build.location?.path, 'build.sh');
  });

  test('recursion ends: a script running itself, scripts running each other, make and a script in a loop', () => {
    const selfCall = analyse(STAGE + 'RUN ./build.sh\n', { 'build.sh': 'go build -o app .\n./build.sh\n' }).builds;
    assert.deepEqual(selfCall.map((b) => b.kind), ['indirect', 'go-build', 'indirect']);
    const ping = analyse(STAGE + 'RUN ./a.sh\n', { 'a.sh': './b.sh\n', 'b.sh': './a.sh\n' }).builds;
    assert.deepEqual(ping.map((b) => b.location?.path), [undefined, 'a.sh', 'b.sh']);
    const loop = analyse(STAGE + 'RUN make\n', { Makefile: 'all:\n\t./build.sh\n', 'build.sh': 'make\n' }).builds;
    assert.ok(loop.length <= 2 * 8 + 1, `bounded by the depth limit: ${loop.length}`);
  });

  test('a script the stage did not copy is not visible', () => {
    const builds = analyse('FROM golang:1.22\nWORKDIR /src\nCOPY main.go .\nRUN ./build.sh\n', { 'build.sh': 'go build -o app .\n', 'main.go': '' }).builds;
    assert.deepEqual(builds.map((b) => b.kind), ['indirect']);
    assert.equal(builds[0].indirect?.resolved, undefined);
  });

  test('a script copied to another path is found where the stage has it', () => {
    const [build] = goBuilds('FROM golang:1.22\nCOPY ci/build.sh /usr/local/bin/build.sh\nWORKDIR /src\nRUN /usr/local/bin/build.sh\n', { 'ci/build.sh': 'go build -o app .\n' });
    assert.equal(build.location?.path, 'ci/build.sh');
    assert.equal(build.output, '/src/app');
  });

  test('an edit of the Dockerfile does not parse the script again', () => {
    const files = { 'build.sh': 'go build -o app . # unique-text-for-cache-test\n' };
    goBuilds(STAGE + 'RUN ./build.sh\n', files);
    const count = shellParseCount();
    goBuilds(STAGE + 'RUN ./build.sh\n', files);
    assert.equal(shellParseCount(), count);
  });
});
