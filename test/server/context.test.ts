// The build context through the built server: findings in other files (a build
// script) are published on that file's URI and merged across Dockerfiles; changes on
// disk (didChangeWatchedFiles) and unsaved buffers of sources re-validate the
// Dockerfile without reopening it; quick fixes work from the other file; fix-all
// edits every file it changes. Expectations come from an in-process analysis of the
// same files, so these tests check the plumbing, not the rules' details.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CodeAction, Diagnostic, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { analyze } from '../../server/src/analyze';
import { fsBuildContext } from '../../server/src/context/fs-context';
import { applyEdits, fixAllFiles } from '../../server/src/fixes';
import { loadGrammars } from '../../server/src/parse/grammars';
import { CONTEXT_FILE_GLOBS } from '../../server/src/watch';
import { FULL_CAPABILITIES, fileUri, LspClient, type Published } from '../support/lsp-client';
import { assertBuilt, codesOf, expectedSummary, summarize, tempDir, type Summary } from './support';

const FIX_ALL_KIND = 'source.fixAll.dockerfileSlim';
const CHANGED = 2;
const CREATED = 1;

/** A Go build run through a script: its unstripped `go build` line (SLIM203) is a finding in build.sh. */
const DOCKERFILE = `FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN ./build.sh

FROM scratch
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
`;
const BUILD_SH = '#!/bin/sh\nset -e\nCGO_ENABLED=0 go build -o /out/app .\n';
const BUILD_SH_STRIPPED = '#!/bin/sh\nset -e\nCGO_ENABLED=0 go build -ldflags="-s -w" -o /out/app .\n';
const MAIN_GO = 'package main\n\nfunc main() {}\n';
const MAIN_GO_TLS = 'package main\n\nimport "net/http"\n\nfunc main() { _, _ = http.Get("https://example.com") }\n';
const GO_MOD = 'module example.com/app\n\ngo 1.22\n';

let client: LspClient;

before(async () => {
  assertBuilt();
  await loadGrammars(['bash', 'go', 'c', 'make']);
  client = await LspClient.start({ settings: { baseValidation: 'off' } });
});
after(() => client?.stop());

function project(files: Record<string, string>): string {
  const dir = tempDir('context');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** What the server must publish, per file URI, for a Dockerfile on disk: a fresh analysis with its context. */
function expected(dockerfile: string, text: string): Map<string, Summary[]> {
  const context = fsBuildContext(dockerfile);
  const byFile = new Map<string, Diagnostic[]>();
  for (const finding of analyze(text, { context }).findings) {
    const uri = fileUri(finding.path === undefined ? dockerfile : context.absoluteFromDockerfile(finding.path));
    const diagnostic: Diagnostic = { range: finding.range, message: finding.message, code: finding.code, source: 'dockerfile-slim', severity: SEVERITY[finding.severity] };
    byFile.set(uri, [...(byFile.get(uri) ?? []), diagnostic]);
  }
  return new Map([...byFile].map(([uri, diagnostics]) => [uri, summarize(diagnostics)]));
}

const SEVERITY = { error: 1, warning: 2, info: 3 } as const;

function asDiagnostic(summary: Summary): Diagnostic {
  return {
    code: summary.code,
    source: 'dockerfile-slim',
    severity: summary.severity as Diagnostic['severity'],
    message: summary.message,
    range: { start: { line: summary.line, character: summary.start }, end: { line: summary.endLine, character: summary.end } },
  };
}

async function openDockerfile(dir: string, name = 'Dockerfile', text = DOCKERFILE, version = 1): Promise<{ uri: string; published: Published }> {
  const uri = fileUri(path.join(dir, name));
  await client.open(uri, text, version);
  return { uri, published: await client.waitForVersion(uri, version) };
}

/** The newest publish for `uri` after `afterSeq` whose SLIM diagnostics satisfy `accept`. */
function nextPublish(uri: string, afterSeq: number, accept: (diagnostics: Diagnostic[]) => boolean): Promise<Published> {
  return client.waitForDiagnostics(uri, (p) => accept(p.diagnostics), afterSeq);
}

function codeActions(uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
  const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, only } });
}

function editsFor(edit: WorkspaceEdit | undefined, uri: string): (TextDocumentEdit & { edits: TextEdit[] }) | undefined {
  return (edit?.documentChanges as (TextDocumentEdit & { edits: TextEdit[] })[] | undefined)?.find((change) => change.textDocument.uri === uri);
}

describe('findings in other files', () => {
  test('are published on that file’s URI, tied to their Dockerfile, and summarised on the RUN line', async () => {
    const dir = project({ 'build.sh': BUILD_SH, 'main.go': MAIN_GO, 'go.mod': GO_MOD });
    const dockerfile = path.join(dir, 'Dockerfile');
    const script = fileUri(path.join(dir, 'build.sh'));
    const want = expected(dockerfile, DOCKERFILE);
    assert.ok(want.get(script)?.length, `the analysis reports into build.sh: ${JSON.stringify([...want])}`);

    const { uri, published } = await openDockerfile(dir);
    assert.deepEqual(summarize(published.diagnostics), want.get(uri) ?? []);
    const inScript = await client.waitForDiagnostics(script, (p) => p.diagnostics.length > 0);
    assert.deepEqual(summarize(inScript.diagnostics), want.get(script));
    for (const diagnostic of inScript.diagnostics) {
      const data = diagnostic.data as { dockerfile: string; fixes: unknown[]; ignore: { path?: string; newText: string } };
      assert.equal(data.dockerfile, uri, 'remembers its Dockerfile');
      assert.equal(data.ignore.path, 'build.sh', 'the ignore comment goes into the script');
      assert.match(data.ignore.newText, /# slim-ignore=SLIM\d{3}/);
    }
    assert.equal(inScript.version, undefined, 'not a version of a document the server validates');
  });

  test('closing the Dockerfile clears them', async () => {
    const dir = project({ 'build.sh': BUILD_SH, 'main.go': MAIN_GO, 'go.mod': GO_MOD });
    const script = fileUri(path.join(dir, 'build.sh'));
    const { uri } = await openDockerfile(dir);
    await client.waitForDiagnostics(script, (p) => p.diagnostics.length > 0);
    const before = client.lastSeq;
    await client.close(uri);
    await client.waitForDiagnostics(script, (p) => p.diagnostics.length === 0, before);
  });

  test('several Dockerfiles reporting into one file: merged; cleared when none reports there any more', async () => {
    // One script builds two programs; each Dockerfile ships one of them, so each reports its own line.
    const script = '#!/bin/sh\nset -e\ngo build -o /out/app ./cmd/app\ngo build -o /out/tool ./cmd/tool\n';
    const dir = project({ 'build.sh': script, 'cmd/app/main.go': MAIN_GO, 'cmd/tool/main.go': MAIN_GO, 'go.mod': GO_MOD });
    const app = DOCKERFILE;
    const tool = DOCKERFILE.replace('/out/app /app', '/out/tool /app');
    const scriptUri = fileUri(path.join(dir, 'build.sh'));
    const wantApp = expected(path.join(dir, 'app.Dockerfile'), app).get(scriptUri) ?? [];
    const wantTool = expected(path.join(dir, 'tool.Dockerfile'), tool).get(scriptUri) ?? [];
    assert.ok(wantApp.length > 0 && wantTool.length > 0);
    assert.notDeepEqual(wantApp, wantTool, 'each reports something else');
    const both = summarize([...wantApp, ...wantTool].map(asDiagnostic));

    const { uri: appUri } = await openDockerfile(dir, 'app.Dockerfile', app);
    await client.waitForDiagnostics(scriptUri, (p) => sameSummaries(p.diagnostics, wantApp));
    const { uri: toolUri } = await openDockerfile(dir, 'tool.Dockerfile', tool);
    await client.waitForDiagnostics(scriptUri, (p) => sameSummaries(p.diagnostics, both));

    let before = client.lastSeq;
    await client.close(appUri);
    await nextPublish(scriptUri, before, (d) => sameSummaries(d, wantTool));
    before = client.lastSeq;
    await client.close(toolUri);
    await nextPublish(scriptUri, before, (d) => d.length === 0);
  });

  test('an untitled Dockerfile has no build context: nothing elsewhere, no error', async () => {
    const uri = 'untitled:Untitled-context';
    await client.open(uri, DOCKERFILE);
    const published = await client.waitForVersion(uri, 1);
    assert.deepEqual(summarize(published.diagnostics), expectedSummary(DOCKERFILE));
    assert.ok(!client.logs.some((log) => /failed|threw/.test(log.message)), client.logs.map((l) => l.message).join('\n'));
  });
});

function sameSummaries(diagnostics: Diagnostic[], want: Summary[]): boolean {
  return JSON.stringify(summarize(diagnostics)) === JSON.stringify(want);
}

describe('refresh', () => {
  test('a source changed on disk + didChangeWatchedFiles re-validates the Dockerfile without reopening it', async (t) => {
    const dir = project({ 'main.go': MAIN_GO_TLS, 'go.mod': GO_MOD });
    const text = DOCKERFILE.replace('RUN ./build.sh', 'RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /out/app .');
    const { uri, published } = await openDockerfile(dir, 'Dockerfile', text);
    const withTls = expected(path.join(dir, 'Dockerfile'), text).get(uri) ?? [];
    assert.deepEqual(summarize(published.diagnostics), withTls);
    assert.ok(codesOf(published.diagnostics).includes('SLIM005'), 'a TLS client without CA certificates');

    writeFileSync(path.join(dir, 'main.go'), MAIN_GO);
    const withoutTls = expected(path.join(dir, 'Dockerfile'), text).get(uri) ?? [];
    assert.notDeepEqual(withoutTls, withTls);
    const before = client.lastSeq;
    const started = performance.now();
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(dir, 'main.go')), type: CHANGED }] });
    const refreshed = await nextPublish(uri, before, (d) => sameSummaries(d, withoutTls));
    t.diagnostic(`re-validation after a watched-file change: ${(performance.now() - started).toFixed(1)} ms`);
    assert.equal(refreshed.version, 1, 'the same document version, re-validated');
  });

  test('a script fixed on disk: its diagnostics are cleared, the summary on the RUN line goes', async () => {
    const dir = project({ 'build.sh': BUILD_SH, 'main.go': MAIN_GO, 'go.mod': GO_MOD });
    const script = fileUri(path.join(dir, 'build.sh'));
    const { uri } = await openDockerfile(dir);
    await client.waitForDiagnostics(script, (p) => p.diagnostics.length > 0);

    writeFileSync(path.join(dir, 'build.sh'), BUILD_SH_STRIPPED);
    const want = expected(path.join(dir, 'Dockerfile'), DOCKERFILE);
    assert.equal(want.get(script), undefined);
    const before = client.lastSeq;
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: script, type: CHANGED }] });
    await nextPublish(script, before, (d) => d.length === 0);
    await nextPublish(uri, before, (d) => sameSummaries(d, want.get(uri) ?? []));
  });

  test('a new .dockerignore that leaves the script out of the context: the script is no longer read', async () => {
    const dir = project({ 'build.sh': BUILD_SH, 'main.go': MAIN_GO, 'go.mod': GO_MOD });
    const script = fileUri(path.join(dir, 'build.sh'));
    await openDockerfile(dir);
    await client.waitForDiagnostics(script, (p) => p.diagnostics.length > 0);
    writeFileSync(path.join(dir, '.dockerignore'), 'build.sh\n');
    const before = client.lastSeq;
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(dir, '.dockerignore')), type: CREATED }] });
    await nextPublish(script, before, (d) => d.length === 0);
  });

  test('an open, unsaved buffer overlays the disk; its edits re-validate the Dockerfile; closing it restores the disk', async () => {
    const dir = project({ 'main.go': MAIN_GO, 'go.mod': GO_MOD });
    const text = DOCKERFILE.replace('RUN ./build.sh', 'RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /out/app .');
    const { uri, published } = await openDockerfile(dir, 'Dockerfile', text);
    assert.ok(!codesOf(published.diagnostics).includes('SLIM005'), 'no TLS on disk');

    const main = fileUri(path.join(dir, 'main.go'));
    let before = client.lastSeq;
    await client.open(main, MAIN_GO, 1, 'go');
    // The buffer gains the TLS import, one keystroke at a time would be debounced alike.
    await client.change(main, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } }, text: MAIN_GO_TLS }]);
    await nextPublish(uri, before, (d) => codesOf(d).includes('SLIM005'));
    assert.ok(!client.published.some((p) => p.uri === main && p.seq > before), 'main.go is never linted as a Dockerfile');

    before = client.lastSeq;
    await client.close(main);
    await nextPublish(uri, before, (d) => !codesOf(d).includes('SLIM005'));
  });
});

describe('code actions from the other file', () => {
  test('quick fixes on a diagnostic in build.sh edit build.sh; the ignore comment goes there too', async () => {
    const dir = project({ 'build.sh': BUILD_SH, 'main.go': MAIN_GO, 'go.mod': GO_MOD });
    const script = fileUri(path.join(dir, 'build.sh'));
    await openDockerfile(dir);
    const { diagnostics } = await client.waitForDiagnostics(script, (p) => p.diagnostics.length > 0);
    const [diagnostic] = diagnostics;
    const actions = await codeActions(script, [diagnostic]);

    const preferred = actions.find((a) => a.isPreferred);
    assert.ok(preferred?.edit, JSON.stringify(actions));
    assert.deepEqual(preferred.diagnostics, [diagnostic]);
    const scriptEdit = editsFor(preferred.edit, script);
    assert.ok(scriptEdit, `the fix edits build.sh: ${JSON.stringify(preferred.edit)}`);
    assert.equal(scriptEdit.textDocument.version, null, 'build.sh is not open: unversioned');

    const ignore = actions.find((a) => a.title === `Ignore ${diagnostic.code} for this instruction`);
    assert.ok(ignore?.edit);
    assert.equal(ignore.edit.documentChanges!.length, 1, 'only the script');
    assert.match(editsFor(ignore.edit, script)!.edits[0].newText, new RegExp(`# slim-ignore=${diagnostic.code}`));
    assert.ok(actions.some((a) => a.title === `Show documentation for ${diagnostic.code}`));

    // A client that drops `data` gets the same fixes, matched with what was published.
    const { data: _dropped, ...bare } = diagnostic;
    const again = await codeActions(script, [bare]);
    assert.deepEqual(
      again.map((a) => [a.title, a.edit]),
      actions.map((a) => [a.title, a.edit]),
    );
  });

  test('fixing in an open, unsaved build.sh: versioned edits; applying them silences the finding', async () => {
    const dir = project({ 'build.sh': BUILD_SH, 'main.go': MAIN_GO, 'go.mod': GO_MOD });
    const script = fileUri(path.join(dir, 'build.sh'));
    const { uri } = await openDockerfile(dir);
    await client.waitForDiagnostics(script, (p) => p.diagnostics.length > 0);
    let before = client.lastSeq;
    await client.open(script, BUILD_SH, 5, 'shellscript');
    // The Dockerfile is re-validated with the buffer (same text): edits are now versioned.
    await nextPublish(uri, before, () => true);
    const { diagnostics } = client.published.filter((p) => p.uri === script).at(-1)!;
    const preferred = (await codeActions(script, [diagnostics[0]])).find((a) => a.isPreferred)!;
    const scriptEdit = editsFor(preferred.edit, script)!;
    assert.equal(scriptEdit.textDocument.version, 5);

    before = client.lastSeq;
    const onlyScript: WorkspaceEdit = { documentChanges: [scriptEdit] };
    await client.applyEdit(onlyScript);
    await nextPublish(script, before, (d) => !d.some((other) => other.code === diagnostics[0].code && other.range.start.line === diagnostics[0].range.start.line));
    await client.close(script);
  });
});

describe('fix all', () => {
  test('one edit per file: the Dockerfile (versioned) and build.sh; the same result as fixAllFiles', async () => {
    const dir = project({ 'build.sh': BUILD_SH, 'main.go': MAIN_GO, 'go.mod': GO_MOD });
    const text = DOCKERFILE.replace('ENTRYPOINT ["/app"]', 'CMD /app --serve');
    const { uri } = await openDockerfile(dir, 'Dockerfile', text, 3);
    const script = fileUri(path.join(dir, 'build.sh'));
    const want = fixAllFiles(text, { context: fsBuildContext(path.join(dir, 'Dockerfile')) });
    assert.notEqual(want.text, text);
    assert.ok(want.files.has('build.sh'), 'the fixes change build.sh');

    const [action] = await codeActions(uri, [], [FIX_ALL_KIND]);
    assert.equal(action?.kind, FIX_ALL_KIND);
    const changes = action.edit!.documentChanges as TextDocumentEdit[];
    assert.deepEqual(changes.map((c) => [c.textDocument.uri, c.textDocument.version]).sort(), [[uri, 3], [script, null]].sort());
    for (const change of changes) assert.equal(change.edits.length, 1, 'a minimal edit per file');

    assert.equal(applyEdits(readFileSync(path.join(dir, 'build.sh'), 'utf8'), editsFor(action.edit, script)!.edits), want.files.get('build.sh'));
    const version = await client.applyEdit({ documentChanges: [editsFor(action.edit, uri)!] });
    assert.equal(client.text(uri), want.text);
    await client.waitForVersion(uri, version);
  });
});

describe('documents that are not Dockerfiles', () => {
  test('Go, shell and Makefile buffers are never linted, hovered, completed or formatted as Dockerfiles', async () => {
    const dir = project({});
    const dockerish = 'FROM scratch\nCMD /app --port 80\n';
    const others = [
      ['build.sh', 'shellscript'],
      ['main.go', 'go'],
      ['Makefile', 'makefile'],
      ['Dockerfile.go', 'go'],
    ].map(([name, languageId]) => ({ uri: fileUri(path.join(dir, name)), languageId }));
    const before = client.lastSeq;
    for (const { uri, languageId } of others) await client.open(uri, dockerish, 1, languageId);
    // A Dockerfile opened after them is published after whatever they would have caused.
    const { uri: last } = await openDockerfile(dir, 'Dockerfile', dockerish);
    assert.ok(codesOf(client.published.filter((p) => p.uri === last).at(-1)!.diagnostics).includes('SLIM001'));
    for (const { uri } of others) {
      assert.ok(!client.published.some((p) => p.uri === uri && p.seq > before), `${uri} was not linted`);
      const position = { line: 0, character: 1 };
      assert.equal(await client.request('textDocument/hover', { textDocument: { uri }, position }), null);
      assert.deepEqual(await client.request('textDocument/completion', { textDocument: { uri }, position }), []);
      assert.deepEqual(await client.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } }), []);
      await client.close(uri);
    }
  });

  test('a Dockerfile sent with another language id is recognised by its name', async () => {
    const dir = project({});
    const uri = fileUri(path.join(dir, 'Containerfile'));
    await client.open(uri, 'FROM scratch\nCMD /app\n', 1, 'plaintext');
    const published = await client.waitForVersion(uri, 1);
    assert.ok(codesOf(published.diagnostics).includes('SLIM001'));
  });

  test('clients that register dynamically get hover, completion and formatting for Dockerfiles only', async () => {
    const dynamic = { dynamicRegistration: true };
    const capabilities = {
      ...FULL_CAPABILITIES,
      textDocument: { ...FULL_CAPABILITIES.textDocument, hover: { ...FULL_CAPABILITIES.textDocument!.hover, ...dynamic }, completion: { ...FULL_CAPABILITIES.textDocument!.completion, ...dynamic }, formatting: dynamic, rangeFormatting: dynamic },
    };
    const other = await LspClient.start({ capabilities });
    try {
      const methods = ['textDocument/hover', 'textDocument/completion', 'textDocument/formatting', 'textDocument/rangeFormatting'];
      const registered = await other.waitFor('Dockerfile-only registrations', () => {
        const found = other.registrations.filter((r) => methods.includes(r.method));
        return found.length === methods.length ? found : undefined;
      });
      for (const registration of registered) {
        const selector = (registration.registerOptions as { documentSelector: { language?: string }[] }).documentSelector;
        assert.ok(selector.some((filter) => filter.language === 'dockerfile'), JSON.stringify(selector));
        assert.ok(selector.every((filter) => filter.language === undefined || filter.language === 'dockerfile'));
      }
    } finally {
      await other.stop();
    }
  });

  test('file watchers cover the sources, .dockerignore and .dockerfile-slim.json', async () => {
    const registration = await client.waitFor('the file watchers', () => client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles'));
    const globs = (registration.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern);
    for (const glob of [...CONTEXT_FILE_GLOBS, '**/.dockerfile-slim.json', '**/*.go', '**/go.mod', '**/Makefile', '**/*.sh', '**/.dockerignore']) assert.ok(globs.includes(glob), glob);
  });
});
