// Source facts: Go files (imports, cgo, build constraints), go.mod, C calls, and what
// each native build of a Dockerfile compiles from the build context.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/analyze';
import { memoryContext } from '../../server/src/context/build-context';
import type { BuildCommand } from '../../server/src/facts/builds';
import { extractFacts } from '../../server/src/facts/extract';
import type { BuildSources } from '../../server/src/facts/sources';
import { loadGrammars } from '../../server/src/parse/grammars';
import { parseDockerfile } from '../../server/src/parse/dockerfile';
import { RULES } from '../../server/src/rules';
import { cFileFacts } from '../../server/src/sources/c';
import { constraintHolds, fileNameMatches, goFileFacts, goParseCount, platformTags, type Platform } from '../../server/src/sources/go';
import { isNewer, parseGoMod, parseGoVersion } from '../../server/src/sources/gomod';
import { goProject } from '../../bench/go-project';

const LINUX: Platform = { goos: 'linux', goarch: undefined, tags: [], cgo: undefined };

function sourcesOf(dockerfile: string, files: Record<string, string>, dockerfileDir = ''): [BuildCommand, BuildSources][] {
  const facts = extractFacts(parseDockerfile(dockerfile), { context: memoryContext(files, dockerfileDir) });
  return [...facts.sources];
}

function only(dockerfile: string, files: Record<string, string>, dockerfileDir = ''): BuildSources {
  const all = sourcesOf(dockerfile, files, dockerfileDir);
  assert.equal(all.length, 1, 'one native build');
  return all[0][1];
}

// Runs first, before the Go and C grammars are loaded: sources are then "not visible".
test('without the Go or C grammar, sources are not visible and nothing throws', async () => {
  await loadGrammars(['bash']);
  assert.equal(goFileFacts('package main\n'), undefined);
  assert.equal(cFileFacts('int main(){}\n'), undefined);
  const sources = only('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n', { 'go.mod': 'module x\n', 'main.go': 'package main\nimport "net/http"\n' });
  assert.equal(sources.visible, false);
  assert.equal(sources.goImports.size, 0);
  await loadGrammars(['bash', 'go', 'c', 'make']);
});

test('Go file: package, imports (grouped, aliased, raw), import "C" and its range', () => {
  const facts = goFileFacts('// Package main.\npackage main\n\n// #include <stdio.h>\nimport "C"\n\nimport (\n\t"fmt"\n\th "net/http"\n\t_ `embed`\n)\n');
  assert.ok(facts);
  assert.equal(facts.packageName, 'main');
  assert.deepEqual(
    facts.imports.map((i) => i.path),
    ['fmt', 'net/http', 'embed'],
  );
  assert.deepEqual(facts.cgo, { start: { line: 4, character: 0 }, end: { line: 4, character: 10 } });
  assert.deepEqual(facts.imports[1].range, { start: { line: 8, character: 1 }, end: { line: 8, character: 13 } });
  assert.equal(facts.buildConstraint, undefined);
});

test('Go file: //go:build, and legacy // +build lines as one expression', () => {
  assert.equal(goFileFacts('//go:build linux && !cgo\n\npackage x\n')?.buildConstraint, 'linux && !cgo');
  const legacy = goFileFacts('// +build linux,amd64 darwin\n// +build !cgo\n\npackage x\n')?.buildConstraint ?? '';
  assert.equal(constraintHolds(legacy, platformTags({ ...LINUX, goarch: 'amd64', cgo: false })), true);
  assert.equal(constraintHolds(legacy, platformTags({ ...LINUX, goarch: 'arm64', cgo: false })), false);
});

test('build constraints: three-valued, unknown tags are false, the architecture is unknown unless GOARCH is set', () => {
  const tags = platformTags({ ...LINUX, tags: ['netgo'] });
  assert.equal(constraintHolds('linux', tags), true);
  assert.equal(constraintHolds('windows || darwin', tags), false);
  assert.equal(constraintHolds('unix && !windows', tags), true);
  assert.equal(constraintHolds('netgo', tags), true);
  assert.equal(constraintHolds('integration', tags), false);
  assert.equal(constraintHolds('amd64', tags), undefined);
  assert.equal(constraintHolds('amd64 || linux', tags), true);
  assert.equal(constraintHolds('cgo', tags), undefined);
  assert.equal(constraintHolds('go1.21 && (linux || windows)', tags), true);
  assert.equal(constraintHolds('linux &&', tags), undefined, 'a broken expression is unknown');
});

test('file names: _test, _GOOS, _GOARCH and _GOOS_GOARCH suffixes', () => {
  assert.equal(fileNameMatches('main.go', LINUX), true);
  assert.equal(fileNameMatches('main_test.go', LINUX), false);
  assert.equal(fileNameMatches('console_windows.go', LINUX), false);
  assert.equal(fileNameMatches('epoll_linux.go', LINUX), true);
  assert.equal(fileNameMatches('asm_amd64.go', LINUX), undefined);
  assert.equal(fileNameMatches('asm_amd64.go', { ...LINUX, goarch: 'arm64' }), false);
  assert.equal(fileNameMatches('sys_darwin_arm64.go', LINUX), false);
  assert.equal(fileNameMatches('linux.go', LINUX), true, 'a bare GOOS name is no constraint');
});

test('go.mod: module, go and toolchain with their ranges, replace (block and line), comments, CRLF', () => {
  const mod = parseGoMod('module "example.com/app" // the app\r\n\r\ngo 1.22.3\r\n\r\ntoolchain go1.23.1\r\n\r\nreplace example.com/lib v1.0.0 => ./lib\r\nreplace (\r\n\texample.com/x => ../x\r\n)\r\n');
  assert.equal(mod.module, 'example.com/app');
  assert.deepEqual(mod.go, { version: '1.22.3', range: { start: { line: 2, character: 0 }, end: { line: 2, character: 9 } } });
  assert.deepEqual(mod.toolchain, { version: '1.23.1', range: { start: { line: 4, character: 0 }, end: { line: 4, character: 18 } } });
  assert.deepEqual(mod.replaces, [
    { from: 'example.com/lib', to: './lib' },
    { from: 'example.com/x', to: '../x' },
  ]);
  assert.equal(parseGoMod('module x\ntoolchain default\n').toolchain, undefined);
});

test('Go versions: a version without a patch stands for every patch', () => {
  const v = (text: string) => parseGoVersion(text) ?? assert.fail(text);
  assert.equal(isNewer(v('1.22'), v('1.21')), true);
  assert.equal(isNewer(v('1.22.3'), v('1.22')), false);
  assert.equal(isNewer(v('1.22.3'), v('1.22.1')), true);
  assert.equal(isNewer(v('1.21'), v('1.22rc1')), false);
  assert.equal(isNewer(v('2.0'), v('1.99')), true);
  assert.equal(parseGoVersion('1'), undefined);
});

test('C file: NSS and TLS calls by name; calls through pointers or fields do not count', () => {
  const facts = cFileFacts('#include <netdb.h>\nint main(void) {\n  getaddrinfo(0, 0, 0, 0);\n  (*dlopen)("x", 1);\n  obj.getpwnam("x");\n  SSL_connect(0);\n  return getpwuid(0) == 0;\n}\n');
  assert.ok(facts);
  assert.deepEqual(
    facts.nssCalls.map((call) => [call.name, call.range.start.line, call.range.start.character]),
    [
      ['getaddrinfo', 2, 2],
      ['getpwuid', 6, 9],
    ],
  );
  assert.deepEqual(
    facts.tlsCalls.map((call) => call.name),
    ['SSL_connect'],
  );
});

const APP = {
  'go.mod': 'module example.com/app\n\ngo 1.22\n',
  'cmd/server/main.go': 'package main\n\nimport (\n\t"fmt"\n\t"example.com/app/internal/api"\n)\n\nfunc main() { fmt.Println(api.X) }\n',
  'cmd/tool/main.go': 'package main\n\nimport "os"\n\nfunc main() { os.Exit(0) }\n',
  'internal/api/api.go': 'package api\n\nimport "example.com/app/internal/db"\n\nvar X = db.Y\n',
  'internal/api/api_test.go': 'package api\n\nimport "testing"\n',
  'internal/db/db.go': 'package db\n\n// #include <sqlite3.h>\nimport "C"\nimport "crypto/tls"\n\nvar Y = tls.VersionTLS13\n',
  'internal/db/db_windows.go': 'package db\n\nimport "golang.org/x/sys/windows"\n',
  'internal/db/gen.go': '//go:build ignore\n\npackage main\n\nimport "text/template"\n',
  'vendor/example.com/dep/dep.go': 'package dep\n\nimport "net/http"\n',
  'tools/go.mod': 'module example.com/tools\n',
  'tools/lint/main.go': 'package main\n\nimport "go/ast"\n',
};

test('Go: the package graph of a build, followed through module-local imports', () => {
  const sources = only('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/server ./cmd/server\n', APP);
  assert.equal(sources.visible, true);
  assert.deepEqual([...sources.goImports].sort(), ['crypto/tls', 'fmt']);
  assert.deepEqual(sources.files, ['go.mod', 'cmd/server/main.go', 'internal/api/api.go', 'internal/db/db.go']);
  assert.deepEqual(
    sources.cgo.map((site) => [site.path, site.package, site.range.start.line]),
    [['internal/db/db.go', 'example.com/app/internal/db', 3]],
  );
  assert.equal(sources.goImportSites.get('crypto/tls')?.importer, 'example.com/app/internal/db');
  assert.equal(sources.goMod?.path, 'go.mod');
  assert.equal(sources.goMod?.go?.version, '1.22');
});

test('Go: ./... skips vendor, testdata, _ and . folders and nested modules; -C and cd change the folder', () => {
  const all = only('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build ./...\n', APP);
  assert.deepEqual([...all.goImports].sort(), ['crypto/tls', 'fmt', 'os']);
  const viaC = only('FROM golang:1.22\nCOPY . /src\nRUN go build -C /src/cmd/tool -o /bin/tool .\n', APP);
  assert.deepEqual([...viaC.goImports], ['os']);
  assert.equal(viaC.goMod?.path, 'go.mod', 'the nearest go.mod above the folder');
  const viaCd = only('FROM golang:1.22\nCOPY . /src\nRUN cd /src/tools && go build -o /bin/lint ./lint\n', APP);
  assert.deepEqual([...viaCd.goImports], ['go/ast']);
  assert.equal(viaCd.goMod?.path, 'tools/go.mod');
});

test('Go: module import paths as arguments, files as arguments, GOOS', () => {
  const byPath = only('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go install example.com/app/cmd/tool\n', APP);
  assert.deepEqual([...byPath.goImports], ['os']);
  const files = only('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/x cmd/tool/main.go\n', APP);
  assert.deepEqual([...files.goImports], ['os']);
  const windows = only('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN GOOS=windows go build ./internal/db\n', APP);
  assert.deepEqual([...windows.goImports].sort(), ['crypto/tls', 'golang.org/x/sys/windows']);
});

test('Go: replace directives into the context are followed', () => {
  const files = {
    'go.mod': 'module example.com/app\n\ngo 1.22\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ./lib\n',
    'main.go': 'package main\n\nimport "example.com/lib/client"\n\nfunc main() { client.Get() }\n',
    'lib/go.mod': 'module example.com/lib\n',
    'lib/client/client.go': 'package client\n\nimport "net/http"\n\nfunc Get() { http.Get("https://x") }\n',
  };
  const sources = only('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n', files);
  assert.equal(sources.visible, true);
  assert.deepEqual([...sources.goImports], ['net/http']);
});

test('Go: not visible when a package, a local import or the folder is missing, or the argument is remote or unresolved', () => {
  const partial = only('FROM golang:1.22\nWORKDIR /src\nCOPY go.mod ./\nCOPY cmd/ cmd/\nRUN go build -o /bin/server ./cmd/server\n', APP);
  assert.equal(partial.visible, false, 'internal/ was not copied');
  assert.deepEqual([...partial.goImports], ['fmt']);
  const remote = only('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go install github.com/x/y@latest\n', APP);
  assert.equal(remote.visible, false);
  assert.equal(remote.goMod, undefined, 'pkg@version builds outside the current module');
  assert.equal(only('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /x $PKG\n', APP).visible, false);
  assert.equal(only('FROM golang:1.22\nWORKDIR /src\nRUN go build -o /x .\n', APP).visible, false, 'nothing copied');
  assert.equal(only('FROM unknown/image\nCOPY . .\nRUN go build -o /x .\n', APP).visible, false, 'unknown working directory');
});

test('Go: a Dockerfile in a subfolder of the context gets paths relative to its folder', () => {
  const sources = only('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/server ./cmd/server\n', APP, 'deploy');
  assert.equal(sources.goMod?.path, '../go.mod');
  assert.equal(sources.cgo[0]?.path, '../internal/db/db.go');
});

test('C: the sources a link compiles, wildcards included; NSS and TLS calls', () => {
  const files = {
    'src/main.c': 'int main(void) { return getaddrinfo(0, 0, 0, 0); }\n',
    'src/net.c': 'void f(void) { curl_easy_perform(0); }\n',
    'other.c': 'void g(void) { getpwnam("x"); }\n',
  };
  const sources = only('FROM gcc:12\nWORKDIR /w\nCOPY . .\nRUN gcc -static -o /out/app -Isrc src/*.c\n', files);
  assert.equal(sources.visible, true);
  assert.deepEqual(sources.files, ['src/main.c', 'src/net.c']);
  assert.deepEqual(
    sources.nssCalls.map((call) => `${call.path}:${call.name}`),
    ['src/main.c:getaddrinfo'],
  );
  assert.deepEqual(
    sources.tlsCalls.map((call) => call.name),
    ['curl_easy_perform'],
  );
  assert.equal(only('FROM gcc:12\nWORKDIR /w\nCOPY . .\nRUN gcc -o /out/app missing.c src/main.c\n', files).visible, false);
  assert.equal(only('FROM gcc:12\nWORKDIR /w\nCOPY . .\nRUN gcc -o /out/app main.o\n', files).visible, false, 'objects only: sources unknown');
});

function severityOf005(dockerfile: string, files: Record<string, string> | undefined): string | undefined {
  const rules = Object.fromEntries(RULES.filter((rule) => rule.meta.code !== 'SLIM005').map((rule) => [rule.meta.code, 'off' as const]));
  const findings = analyze(dockerfile, { rules, context: files && memoryContext(files) }).findings;
  assert.ok(findings.length <= 1);
  return findings[0]?.severity;
}

test('artifact TLS use drives SLIM005: warning for TLS imports (naming the package), silent for none, info when not visible', () => {
  const dockerfile = (pkg: string) => `FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app ${pkg}\n\nFROM scratch\nCOPY --from=build /out/app /app\n`;
  assert.equal(severityOf005(dockerfile('./cmd/server'), APP), 'warning');
  assert.equal(severityOf005(dockerfile('./cmd/tool'), APP), undefined);
  assert.equal(severityOf005(dockerfile('./cmd/tool'), undefined), 'info');
  const facts = extractFacts(parseDockerfile(dockerfile('./cmd/server')), { context: memoryContext(APP) });
  assert.deepEqual(
    facts.artifacts.map((artifact) => artifact.tlsUse),
    ['yes'],
  );
  const rules = Object.fromEntries(RULES.filter((rule) => rule.meta.code !== 'SLIM005').map((rule) => [rule.meta.code, 'off' as const]));
  const [finding] = analyze(dockerfile('./cmd/server'), { rules, context: memoryContext(APP) }).findings;
  assert.match(finding.message, /package `example\.com\/app\/internal\/db` imports `crypto\/tls` at internal\/db\/db\.go:5/);
});

test('C artifacts: TLS calls make a warning; otherwise the answer stays unknown (info)', () => {
  const dockerfile = 'FROM gcc:12 AS build\nWORKDIR /w\nCOPY . .\nRUN gcc -static -o /out/app main.c\n\nFROM scratch\nCOPY --from=build /out/app /app\n';
  assert.equal(severityOf005(dockerfile, { 'main.c': 'int main(void) { return SSL_connect(0); }\n' }), 'warning');
  assert.equal(severityOf005(dockerfile, { 'main.c': 'int main(void) { return 0; }\n' }), 'info');
});

test('a re-analysis after a one-character Dockerfile edit parses no Go file again (200-file context)', () => {
  const project = goProject();
  const context = memoryContext(project.files);
  const cold = extractFacts(parseDockerfile(project.dockerfile), { context });
  assert.ok([...cold.sources.values()].some((sources) => sources.visible && sources.goImports.has('net/http')));
  const parsed = goParseCount();
  for (const marker of ['/out/apq', '/out/app']) {
    const warm = extractFacts(parseDockerfile(project.dockerfile.replace('/out/app', marker)), { context });
    assert.equal(warm.sources.size, cold.sources.size);
  }
  assert.equal(goParseCount(), parsed);
  const edited = memoryContext({ ...project.files, 'pkg/p000/p000.go': project.files['pkg/p000/p000.go'] + '\n// edited\n' });
  extractFacts(parseDockerfile(project.dockerfile), { context: edited });
  assert.equal(goParseCount(), parsed + 1, 'an edited Go file is parsed once');
});
