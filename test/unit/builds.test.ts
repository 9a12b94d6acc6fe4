// Build facts: which RUN commands build, with which environment, writing where, and
// which outputs reach the target image.
import { test, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { initShellParser } from '../../server/src/parse/shell';
import { parseDockerfile, textOf } from '../../server/src/parse/dockerfile';
import { extractFacts } from '../../server/src/facts/extract';
import { buildsArtifact, commandsOf, shellParseCount, type BuildCommand } from '../../server/src/facts/builds';
import type { Facts } from '../../server/src/facts/model';
import { analyze } from '../../server/src/analyze';
import { applyEdits } from '../../server/src/fixes';
import { RULES } from '../../server/src/rules';

before(() => initShellParser());

function facts(text: string, target?: string): Facts {
  return extractFacts(parseDockerfile(text), { target });
}

function builds(text: string): BuildCommand[] {
  return facts(text).builds;
}

function only(text: string): BuildCommand {
  const all = builds(text);
  assert.equal(all.length, 1, `one build expected, got ${all.map((b) => b.argv.join(' ')).join(' | ')}`);
  return all[0];
}

/** The build's env as a plain object, without GOPATH (which golang images set). */
function envOf(build: BuildCommand): Record<string, string | undefined> {
  return Object.fromEntries([...build.env].filter(([name]) => name !== 'GOPATH'));
}

describe('go build', () => {
  test('-o, -ldflags, -tags and packages', () => {
    const b = only('FROM golang:1.22\nWORKDIR /src\nRUN go build -ldflags "-s -w -X main.v=1" -tags netgo,osusergo -trimpath -o /out/app ./cmd/app\n');
    assert.equal(b.kind, 'go-build');
    assert.equal(b.tool, 'go');
    assert.equal(b.output, '/out/app');
    assert.equal(b.ldflags, '-s -w -X main.v=1');
    assert.deepEqual(b.tags, ['netgo', 'osusergo']);
    assert.deepEqual(b.packages, ['./cmd/app']);
    assert.equal(b.flags.get('trimpath'), 'true');
    assert.equal(b.cwd, '/src');
  });

  test('-o=P and --ldflags=… with quotes inside the word', () => {
    const b = only('FROM golang:1.22\nWORKDIR /src\nRUN go build -o=bin/app --ldflags="-s -w" -tags "netgo osusergo" .\n');
    assert.equal(b.output, '/src/bin/app');
    assert.equal(b.ldflags, '-s -w');
    assert.deepEqual(b.tags, ['netgo', 'osusergo']);
  });

  test('default output: the package path\'s last element, skipping a /vN suffix, or the first file\'s stem', () => {
    const text = [
      'FROM golang:1.22',
      'WORKDIR /src',
      'RUN go build ./cmd/server',
      'RUN go build example.com/tools/lint/v2',
      'RUN go build main.go util.go',
      'RUN go build -C sub ./cmd/x',
    ].join('\n');
    assert.deepEqual(builds(text).map((b) => b.output), ['/src/server', '/src/lint', '/src/main', '/src/sub/x']);
  });

  test('`go build` of the current package: name unknown, output dir known', () => {
    for (const run of ['RUN go build', 'RUN go build .', 'RUN go build -v ./']) {
      const b = only(`FROM golang:1.22\nWORKDIR /src/app\n${run}\n`);
      assert.equal(b.output, undefined, run);
      assert.equal(b.outputDir, '/src/app', run);
      assert.equal(b.producesOutput, true, run);
    }
  });

  test('several packages without -o, or -o /dev/null, write nothing', () => {
    const all = builds('FROM golang:1.22\nRUN go build ./...\nRUN go build ./a ./b\nRUN go build -o /dev/null .\n');
    assert.deepEqual(all.map((b) => b.producesOutput), [false, false, false]);
    assert.deepEqual(all.map(buildsArtifact), [false, false, false]);
  });

  test('-o dir/ with several packages: the directory', () => {
    const b = only('FROM golang:1.22\nWORKDIR /src\nRUN go build -o ./bin/ ./cmd/...\n');
    assert.equal(b.output, undefined);
    assert.equal(b.outputDir, '/src/bin');
  });

  test('help and dry runs are not builds; go vet, go test, go mod are not either', () => {
    assert.deepEqual(builds('FROM golang:1.22\nRUN go build -h; go install -n ./x; go vet ./...; go test ./...; go mod download\n'), []);
  });

  test('a go binary by path, through wrappers, and the xx cross-compilation helper', () => {
    const all = builds('FROM golang:1.22\nRUN /usr/local/go/bin/go build -o /a . && time go build -o /b . && env CGO_ENABLED=0 nice -n 5 go build -o /c . && xx-go build -o /d .\n');
    assert.deepEqual(all.map((b) => b.output), ['/a', '/b', '/c', '/d']);
    assert.equal(all[2].env.get('CGO_ENABLED'), '0');
    assert.equal(all[3].tool, 'go');
  });
});

describe('go install', () => {
  test('golang images install into /go/bin; @version is not part of the name', () => {
    const b = only('FROM golang:1.22-alpine\nRUN go install github.com/example/fetcher/v2@v2.1.0\n');
    assert.equal(b.kind, 'go-install');
    assert.equal(b.output, '/go/bin/fetcher');
    assert.equal(b.outputDir, '/go/bin');
  });

  test('GOBIN, then GOPATH decide the directory', () => {
    assert.equal(only('FROM golang:1.22\nENV GOBIN=/usr/local/bin\nRUN go install ./cmd/tool\n').output, '/usr/local/bin/tool');
    assert.equal(only('FROM debian:12\nENV GOPATH=/home/me/go:/other\nRUN go install ./cmd/tool\n').output, '/home/me/go/bin/tool');
  });

  test('unknown directory outside golang images, unknown name for ./... or when cross-compiling', () => {
    assert.equal(only('FROM debian:12\nRUN go install ./cmd/tool\n').outputDir, undefined);
    const all = builds('FROM golang:1.22\nRUN go install ./cmd/...\nRUN GOOS=windows go install ./cmd/tool\n');
    assert.deepEqual(all.map((b) => [b.output, b.outputDir]), [[undefined, '/go/bin'], [undefined, '/go/bin']]);
  });
});

describe('C and C++ link commands', () => {
  test('compile-only and informational runs are not links', () => {
    assert.deepEqual(builds('FROM gcc:13\nRUN gcc -c a.c -o a.o && cc -S a.c && clang -E a.c && gcc --version && gcc -print-file-name=libc.a && cc -MM a.c\n'), []);
  });

  test('-o P, -oP, the a.out default and -static', () => {
    const all = builds('FROM gcc:13\nWORKDIR /src\nRUN gcc -O2 -o app main.c util.o && g++ -static -ohello hello.cpp && cc main.c && clang -static-pie -o /x x.c\n');
    assert.deepEqual(all.map((b) => [b.tool, b.output, b.static]), [
      ['gcc', '/src/app', false],
      ['g++', '/src/hello', true],
      ['cc', '/src/a.out', false],
      ['clang', '/x', true],
    ]);
    assert.ok(all.every((b) => b.kind === 'c-link'));
  });

  test('versioned, target-prefixed and musl compilers; values of -I, -L, -x are not inputs', () => {
    const all = builds('FROM gcc:13\nRUN gcc-12 -o /a a.c; x86_64-linux-musl-gcc -o /b b.c; musl-gcc -static -o /c c.c; clang++-16 -o /d d.cc; ccache gcc -o /e e.c\nRUN gcc -I include -L lib -o /f\n');
    assert.deepEqual(all.map((b) => b.output), ['/a', '/b', '/c', '/d', '/e']);
  });
});

describe('indirect builds: make and scripts', () => {
  test('make, make target, make -C dir target, -f, -j N, VAR=value', () => {
    const all = builds('FROM gcc:13\nWORKDIR /src\nRUN make && make build && make -j 4 -C lib all CC=musl-gcc && make -f build.mk --directory=/opt/x install\n');
    assert.deepEqual(
      all.map((b) => ({ ...b.indirect, variables: Object.fromEntries(b.indirect?.variables ?? []) })),
      [
        { runner: 'make', dir: '/src', file: undefined, targets: [], variables: {} },
        { runner: 'make', dir: '/src', file: undefined, targets: ['build'], variables: {} },
        { runner: 'make', dir: '/src/lib', file: undefined, targets: ['all'], variables: { CC: 'musl-gcc' } },
        { runner: 'make', dir: '/opt/x', file: 'build.mk', targets: ['install'], variables: {} },
      ],
    );
    assert.ok(all.every((b) => b.kind === 'indirect' && b.output === undefined && b.producesOutput));
  });

  test('scripts run by path or by a shell; sh -c is not a script', () => {
    const all = builds('FROM golang:1.22\nWORKDIR /src\nRUN ./build.sh && sh scripts/release.sh && bash -e /ci/compile.sh && sh -c "echo hi" && ./configure\n');
    assert.deepEqual(all.map((b) => b.indirect?.file), ['/src/build.sh', '/src/scripts/release.sh', '/ci/compile.sh']);
  });

  test('only build-named scripts count as building an artifact', () => {
    const all = builds('FROM golang:1.22\nRUN ./scripts/install-deps.sh && ./scripts/build.sh\n');
    assert.deepEqual(all.map(buildsArtifact), [false, true]);
  });
});

test('other toolchains\' builds are recorded as generic builds', () => {
  const all = builds('FROM rust:1.75\nRUN cargo build --release && cargo fetch\nRUN mvn -B package && ./mvnw verify && mvn dependency:go-offline\nRUN gradle build && ./gradlew bootJar && gradle dependencies\nRUN dotnet publish -c Release\n');
  assert.deepEqual(all.map((b) => [b.kind, b.tool]), [
    ['other', 'cargo'],
    ['other', 'mvn'],
    ['other', 'mvnw'],
    ['other', 'gradle'],
    ['other', 'gradlew'],
    ['other', 'dotnet'],
  ]);
});

describe('environment', () => {
  test('inline assignments, earlier exports, ENV and ARG before the RUN', () => {
    const text = ['FROM golang:1.22', 'ARG VERSION=1.0', 'ENV CGO_ENABLED=0 GOOS=linux', 'RUN export GOARCH=arm64; GOFLAGS=-mod=vendor go build -o /app .', 'ENV GOAMD64=v3'].join('\n');
    assert.deepEqual(envOf(only(text)), { VERSION: '1.0', CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'arm64', GOFLAGS: '-mod=vendor' });
  });

  test('ENV after the RUN does not count; the parent stage\'s ENV does', () => {
    const text = ['FROM golang:1.22 AS base', 'ENV CGO_ENABLED=0', 'FROM base AS build', 'RUN go build -o /a .', 'ENV CGO_ENABLED=1', 'RUN go build -o /b .'].join('\n');
    assert.deepEqual(builds(text).map((b) => b.env.get('CGO_ENABLED')), ['0', '1']);
  });

  test('an exported variable lasts for the rest of the RUN but not beyond a subshell; a plain assignment is not exported', () => {
    const text = 'FROM golang:1.22\nRUN (export CGO_ENABLED=0; go build -o /a .) && go build -o /b . && X=1 && go build -o /c . && export X && go build -o /d .\n';
    assert.deepEqual(builds(text).map((b) => [b.env.get('CGO_ENABLED'), b.env.get('X')]), [
      ['0', undefined],
      [undefined, undefined],
      [undefined, undefined],
      [undefined, '1'],
    ]);
  });

  test('ARG without default: the global default, else set to an unknown value', () => {
    const text = 'ARG CGO=0\nFROM golang:1.22\nARG CGO\nARG TARGETARCH\nRUN CGO_ENABLED=$CGO GOARCH=$TARGETARCH go build -o /app-${CGO} .\n';
    const b = only(text);
    assert.equal(b.env.get('CGO_ENABLED'), '0');
    assert.equal(b.env.has('GOARCH'), true);
    assert.equal(b.env.get('GOARCH'), undefined);
    assert.equal(b.output, '/app-0');
  });

  test('ENV values expand earlier values, except in single quotes', () => {
    const b = only("FROM golang:1.22\nENV OUT=/out BIN=${OUT}/bin RAW='$OUT'\nRUN go build -o $BIN/app .\n");
    assert.equal(b.output, '/out/bin/app');
    assert.equal(b.env.get('RAW'), '$OUT');
  });

  test('an output built from an unknown value is unknown', () => {
    const b = only('FROM golang:1.22\nARG NAME\nRUN go build -o /out/$NAME . && true\n');
    assert.equal(b.output, undefined);
    assert.equal(b.argv[3], '/out/$NAME');
  });

  test('`go env -w` settings apply to later go commands, in later RUNs and child stages', () => {
    const text = 'FROM golang:1.22 AS base\nRUN go env -w CGO_ENABLED=0\nFROM base\nRUN go build -o /a . && CGO_ENABLED=1 go build -o /b .\n';
    assert.deepEqual(builds(text).map((b) => b.env.get('CGO_ENABLED')), ['0', '1']);
  });
});

describe('working directory', () => {
  test('WORKDIR along the chain: relative joins the previous one; golang images start in /go, others in /', () => {
    const text = ['FROM golang:1.22 AS a', 'RUN go build -o app ./x', 'FROM a', 'WORKDIR src', 'WORKDIR ./svc', 'RUN go build -o app ./x', 'FROM alpine', 'RUN cc -o app a.c'].join('\n');
    assert.deepEqual(builds(text).map((b) => b.output), ['/go/app', '/go/src/svc/app', '/app']);
  });

  test('an unknown base image leaves relative paths unknown until an absolute WORKDIR', () => {
    const all = builds('FROM example.com/builder\nRUN cc -o app a.c\nWORKDIR /w\nRUN cc -o app a.c\n');
    assert.deepEqual(all.map((b) => b.output), [undefined, '/w/app']);
  });

  test('WORKDIR with variables', () => {
    assert.equal(only('FROM golang:1.22\nWORKDIR $GOPATH/src/app\nRUN go build -o bin/app .\n').output, '/go/src/app/bin/app');
  });

  test('a literal cd applies to the rest of the RUN (not past a subshell); cd to an unknown place makes paths unknown', () => {
    const text = 'FROM golang:1.22\nWORKDIR /src\nRUN (cd a && go build -o out ./x) && go build -o out ./x && cd b && go build -o out ./x && cd $SOMEWHERE && go build -o out ./x\n';
    assert.deepEqual(builds(text).map((b) => b.output), ['/src/a/out', '/src/out', '/src/b/out', undefined]);
  });
});

describe('RUN forms', () => {
  test('exec form, and exec form running sh -c', () => {
    const all = builds('FROM golang:1.22\nWORKDIR /src\nRUN ["go", "build", "-o", "/a", "."]\nRUN ["/bin/sh", "-c", "cd sub && CGO_ENABLED=0 go build -o b ."]\n');
    assert.deepEqual(all.map((b) => [b.output, b.env.get('CGO_ENABLED')]), [['/a', undefined], ['/src/sub/b', '0']]);
    assert.equal(all[0].words[0].range, undefined, 'exec-form words have no exact range');
  });

  test('here-document RUN', () => {
    assert.equal(only('FROM golang:1.22\nRUN <<EOF\nset -e\ncd /src\ngo build -o /out/app .\nEOF\n').output, '/out/app');
  });

  test('continuation lines, with comment lines inside, and the backtick escape', () => {
    assert.equal(only('FROM golang:1.22\nRUN go build \\\n# the output\n\n    -o /out/app \\\n    ./cmd/app\n').output, '/out/app');
    assert.equal(only('# escape=`\nFROM golang:1.22\nRUN go build `\n    -o /out/app ./cmd/app\n').output, '/out/app');
    assert.equal(only('FROM golang:1.22\nRUN go build \\  \n    -o /out/app ./cmd/app\n').output, '/out/app', 'blanks after the escape');
  });

  test('CRLF line endings', () => {
    assert.equal(only('FROM golang:1.22\r\nRUN go build \\\r\n  -o /out/app ./cmd/app\r\nCMD ["/out/app"]\r\n').output, '/out/app');
  });

  test('a SHELL that is not a POSIX shell: its RUN text is not read', () => {
    assert.deepEqual(builds('FROM golang:1.22\nSHELL ["pwsh", "-Command"]\nRUN go build -o /app .\n'), []);
    assert.equal(builds('FROM golang:1.22\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN go build -o /app .\n').length, 1);
  });

  test('ranges point at the command and its words in the document', () => {
    const text = 'FROM golang:1.22\nRUN --mount=type=cache,target=/root/.cache apk add git && \\\n    CGO_ENABLED=0 go build -o "/out/my app" .\n';
    const doc = parseDockerfile(text);
    const b = extractFacts(doc).builds[0];
    assert.equal(textOf(doc, b.range), 'CGO_ENABLED=0 go build -o "/out/my app" .');
    assert.deepEqual(b.insertAt, { line: 2, character: 4 });
    assert.deepEqual(b.words.map((word) => word.range && textOf(doc, word.range)), ['go', 'build', '-o', '"/out/my app"', '.']);
    assert.equal(b.output, '/out/my app');
  });

  test('commandsOf lists every simple command of a stage\'s RUNs', () => {
    const f = facts('FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl | tee log\n');
    assert.deepEqual(commandsOf(f.doc, f.stages[0]).map((c) => c.argv[0]), ['apt-get', 'apt-get', 'tee']);
  });
});

describe('artifacts', () => {
  const BUILD = 'FROM golang:1.22 AS build\nWORKDIR /src\nRUN go build -o /out/app ./cmd/app\n';

  function artifactPaths(text: string, target?: string): (string | undefined)[] {
    return facts(text, target).artifacts.map((artifact) => artifact.path);
  }

  test('a file COPY: to a file, into a directory, through a relative source', () => {
    assert.deepEqual(artifactPaths(`${BUILD}FROM scratch\nCOPY --from=build /out/app /server\n`), ['/server']);
    assert.deepEqual(artifactPaths(`${BUILD}FROM scratch\nCOPY --from=build /out/app /usr/local/bin/\n`), ['/usr/local/bin/app']);
    assert.deepEqual(artifactPaths(`${BUILD}FROM scratch\nCOPY --from=build out/app ./\n`), ['/app']);
    assert.deepEqual(artifactPaths(`${BUILD}FROM scratch\nCOPY --from=build ["/out/app", "/etc/x.conf", "/bin"]\n`), ['/bin/app']);
  });

  test('a directory COPY, a wildcard, and a relative destination under WORKDIR', () => {
    assert.deepEqual(artifactPaths(`${BUILD}FROM scratch\nCOPY --from=build /out /opt\n`), ['/opt/app']);
    assert.deepEqual(artifactPaths(`${BUILD}FROM scratch\nCOPY --from=build / /\n`), ['/out/app']);
    assert.deepEqual(artifactPaths(`${BUILD}FROM scratch\nCOPY --from=build /out/a* /bin/\n`), ['/bin/app']);
    assert.deepEqual(artifactPaths(`${BUILD}FROM alpine\nWORKDIR /srv\nCOPY --from=build /out/app bin/\n`), ['/srv/bin/app']);
  });

  test('the link carries the COPY and the stage index works as --from', () => {
    const f = facts(`${BUILD}FROM scratch\nCOPY --from=0 /out/app /app\n`);
    assert.equal(f.artifacts.length, 1);
    assert.equal(f.artifacts[0].link?.sourceRef, '0');
    assert.equal(f.artifacts[0].tlsUse, 'unknown');
  });

  test('files that are not the output are not artifacts', () => {
    assert.deepEqual(artifactPaths(`${BUILD}FROM scratch\nCOPY --from=build /out/app.sig /out/appendix /src/app /\nCOPY --from=build /src /src\n`), []);
  });

  test('through another stage, and from a stage FROM-based on the builder', () => {
    const text = `${BUILD}FROM build AS tested\nRUN go test ./...\nFROM alpine AS assemble\nCOPY --from=tested /out/app /rootfs/bin/app\nFROM scratch\nCOPY --from=assemble /rootfs /\n`;
    const f = facts(text);
    assert.deepEqual(f.artifacts.map((artifact) => artifact.path), ['/bin/app']);
    assert.equal(f.artifacts[0].link?.sourceRef, 'assemble');
  });

  test('a build in the runtime chain is an artifact of the target, even with an unknown name', () => {
    const f = facts('FROM golang:1.22 AS base\nWORKDIR /src\nRUN go build\nFROM base\nRUN go build -o /usr/bin/app ./cmd/app\n');
    assert.deepEqual(f.artifacts.map((artifact) => [artifact.path, artifact.link]), [[undefined, undefined], ['/usr/bin/app', undefined]]);
  });

  test('the target setting picks the runtime chain', () => {
    const text = `${BUILD}FROM scratch AS one\nCOPY --from=build /out/app /one\nFROM scratch AS two\n`;
    assert.deepEqual(artifactPaths(text, 'one'), ['/one']);
    assert.deepEqual(artifactPaths(text), []);
  });

  test('unknown names: a copied output directory links with an unknown path; the module-directory name links', () => {
    const many = 'FROM golang:1.22 AS build\nWORKDIR /src\nRUN go build -o bin/ ./cmd/...\nFROM scratch\nCOPY --from=build /src/bin/ /usr/local/bin/\n';
    assert.deepEqual(artifactPaths(many), [undefined]);
    const here = 'FROM golang:1.22 AS build\nWORKDIR /app\nRUN go build\nFROM scratch\nCOPY --from=build /app/app /server\n';
    assert.deepEqual(artifactPaths(here), ['/server']);
  });

  test('go install outputs: copying $GOPATH/bin', () => {
    const text = 'FROM golang:1.22-alpine AS tools\nRUN go install github.com/a/b/cmd/tool@latest\nFROM alpine\nCOPY --from=tools /go/bin/tool /usr/bin/\n';
    assert.deepEqual(artifactPaths(text), ['/usr/bin/tool']);
  });

  test('COPY --from an image is not a link', () => {
    assert.deepEqual(artifactPaths('FROM scratch\nCOPY --from=golang:1.22 /usr/local/go/bin/go /go\n'), []);
  });
});

test('the shell parse is cached per RUN text: an edit elsewhere parses nothing again', () => {
  const text = 'FROM golang:1.22 AS build\nRUN go build -o /out/cache-test-a ./a && go build -o /out/cache-test-b ./b\nFROM scratch\nCOPY --from=build /out/cache-test-a /a\n';
  facts(text);
  const before = shellParseCount();
  facts(text.replace('/a\n', '/renamed\n'));
  facts(text + 'USER 65532\n');
  assert.equal(shellParseCount(), before);
  facts(text.replace('./b', './c'));
  assert.equal(shellParseCount(), before + 1);
});

// SLIM006's split is a manual fix: fix-all never applies it, so no fixture shows its text.
describe('SLIM006 "Split into build and runtime stages"', () => {
  const ONLY_SLIM006 = { rules: Object.fromEntries(RULES.filter((rule) => rule.meta.code !== 'SLIM006').map((rule) => [rule.meta.code, 'off' as const])) };

  function split(text: string): string | undefined {
    const [finding] = analyze(text, ONLY_SLIM006).findings;
    assert.ok(finding, 'SLIM006 fires');
    const fix = finding.fixes[0];
    if (!fix) return undefined;
    assert.equal(fix.manual, true, 'never applied by fix-all');
    return applyEdits(text, fix.edits);
  }

  test('a Go build: static runtime with CGO_ENABLED=0, the startup moved and rewritten, ENV and USER copied', () => {
    const text = 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /usr/local/bin/server ./cmd/server\nENV PORT=8080\nEXPOSE 8080\nUSER 65532\nCMD ["server", "--port", "8080"]\n';
    assert.equal(
      split(text),
      'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /usr/local/bin/server ./cmd/server\nENV PORT=8080\nUSER 65532\n\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /usr/local/bin/server /server\nENV PORT=8080\nEXPOSE 8080\nUSER 65532\nCMD ["/server","--port","8080"]\n',
    );
  });

  test('cgo left on: distroless/base; an existing stage name is kept; ENTRYPOINT with exec CMD', () => {
    const text = 'FROM golang:1.22-bookworm AS app\nWORKDIR /src\nRUN go build -o app .\nENTRYPOINT ["./app"]\nCMD ["--help"]';
    assert.equal(
      split(text),
      'FROM golang:1.22-bookworm AS app\nWORKDIR /src\nRUN go build -o app .\n\nFROM gcr.io/distroless/base-debian12\nCOPY --from=app /src/app /app\nENTRYPOINT ["/app"]\nCMD ["--help"]\n',
    );
  });

  test('a C build: cc runtime, shell-form CMD made exec form; lowercase keywords kept', () => {
    const text = 'from gcc:13\nworkdir /src\nrun gcc -O2 -o hello hello.c\ncmd ./hello --verbose\n';
    assert.equal(split(text), 'from gcc:13 as build\nworkdir /src\nrun gcc -O2 -o hello hello.c\n\nfrom gcr.io/distroless/cc-debian12\ncopy --from=build /src/hello /hello\ncmd ["/hello","--verbose"]\n');
  });

  test('no split when it could change what runs', () => {
    const cases = [
      'FROM golang:1.22\nRUN make\nCMD ["/app"]\n', // output unknown
      'FROM golang:1.22\nRUN go build -o /app .\nCMD ["/other"]\n', // CMD runs something else
      'FROM golang:1.22\nRUN go build -o /app .\nCMD /app | tee log\n', // needs a shell
      'FROM golang:1.22\nRUN go build -o /app . && go build -o /tool ./tool\nCMD ["/app"]\n', // two builds
      'FROM golang:1.22\nRUN go build -o /app .\nUSER app\nCMD ["/app"]\n', // a user distroless lacks
      'FROM golang:1.22\nRUN go build -o /app .\nHEALTHCHECK CMD curl -f localhost\nCMD ["/app"]\n', // curl is gone
      'FROM golang:1.22\nARG PORT=1\nENV PORT=$PORT\nRUN go build -o /app .\nCMD ["/app"]\n', // ENV needs the ARG
      'FROM golang:1.22-alpine\nRUN apk add gcc musl-dev && go build -o /app .\nCMD ["/app"]\n', // musl-linked cgo
    ];
    for (const text of cases) assert.equal(split(text), undefined, text);
  });
});
