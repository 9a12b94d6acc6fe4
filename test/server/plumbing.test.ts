// The server's build-context plumbing without a connection: per-file diagnostics
// bookkeeping, the context store (shared trees, overlays, who a change concerns),
// edits across files, which documents are Dockerfiles, watched-file changes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, TextDocumentEdit } from 'vscode-languageserver';
import { otherFileQuickFixes, workspaceEdit, type ActionTarget } from '../../server/src/codeActions';
import { ContextStore, type OpenBuffer } from '../../server/src/contexts';
import type { SlimDiagnostic } from '../../server/src/diagnostics';
import { isDockerfileDocument } from '../../server/src/languages';
import { PublishedDiagnostics, type DockerfileRecord } from '../../server/src/published';
import { classifyChanges } from '../../server/src/watch';
import { tempDir } from './support';

const range = (line: number, start: number, end = start) => ({ start: { line, character: start }, end: { line, character: end } });
const uriOf = (file: string) => pathToFileURL(file).toString();

function slim(line: number, code = 'SLIM301', message = `m${line}`, dockerfile?: string): SlimDiagnostic {
  return {
    range: range(line, 0, 4),
    message,
    source: 'dockerfile-slim',
    code,
    data: { name: 'n', fixes: [{ title: `Fix ${line}`, edits: [{ path: 'Makefile', range: range(line, 4), newText: ' -static' }] }], ignore: { path: 'Makefile', range: range(line, 0), newText: `# slim-ignore=${code}\n` }, dockerfile },
  };
}

function record(elsewhere: Record<string, SlimDiagnostic[]>, version = 1): DockerfileRecord {
  return { version, slim: [], elsewhere: new Map(Object.entries(elsewhere).map(([file, diagnostics]) => [file, { uri: uriOf(file), diagnostics }])), reads: new Map() };
}

describe('PublishedDiagnostics', () => {
  const makefile = '/p/Makefile';
  const a = 'file:///p/a.Dockerfile';
  const b = 'file:///p/b.Dockerfile';

  test('a file gets the merge of every Dockerfile’s diagnostics, repeats once; unchanged results are not sent again', () => {
    const store = new PublishedDiagnostics();
    assert.deepEqual(store.set(a, record({ [makefile]: [slim(1), slim(3)] })), [{ uri: uriOf(makefile), diagnostics: [slim(1), slim(3)] }]);
    assert.deepEqual(store.set(a, record({ [makefile]: [slim(1), slim(3)] }, 2)), [], 'nothing new for the Makefile');
    const merged = store.set(b, record({ [makefile]: [slim(3, 'SLIM301', 'm3', b), slim(5)] }));
    assert.deepEqual(merged.map((p) => p.diagnostics.map((d) => d.range.start.line)), [[1, 3, 5]]);
  });

  test('a file no Dockerfile reports into any more is cleared; forgetting a Dockerfile removes its share', () => {
    const store = new PublishedDiagnostics();
    store.set(a, record({ [makefile]: [slim(1)] }));
    store.set(b, record({ [makefile]: [slim(2)], '/p/build.sh': [slim(0)] }));
    assert.deepEqual(store.forget(b), [
      { uri: uriOf(makefile), diagnostics: [slim(1)] },
      { uri: uriOf('/p/build.sh'), diagnostics: [] },
    ]);
    assert.deepEqual(store.set(a, record({})), [{ uri: uriOf(makefile), diagnostics: [] }]);
    assert.deepEqual(store.forget(a), [], 'already cleared');
  });

  test('a file published under another URI form is cleared there first', () => {
    const store = new PublishedDiagnostics();
    store.set(a, record({ [makefile]: [slim(1)] }));
    const next = record({ [makefile]: [slim(1)] });
    next.elsewhere.get(makefile)!.uri = 'file:///p/%4Dakefile';
    assert.deepEqual(store.set(a, next), [
      { uri: uriOf(makefile), diagnostics: [] },
      { uri: 'file:///p/%4Dakefile', diagnostics: [slim(1)] },
    ]);
  });

  test('sourceOf finds the Dockerfile of a diagnostic shown in the file, by data or (data dropped) by code, range and message', () => {
    const store = new PublishedDiagnostics();
    store.set(a, record({ [makefile]: [slim(1, 'SLIM301', 'm1', a)] }));
    store.set(b, record({ [makefile]: [slim(2, 'SLIM301', 'm2', b)] }));
    assert.equal(store.sourceOf(makefile, slim(2, 'SLIM301', 'm2', b))?.dockerfileUri, b);
    const { data: _dropped, ...bare } = slim(1, 'SLIM301', 'm1', a);
    const found = store.sourceOf(makefile, bare as Diagnostic);
    assert.equal(found?.dockerfileUri, a);
    assert.equal(found?.diagnostic.data.fixes[0].title, 'Fix 1');
    assert.equal(store.sourceOf(makefile, slim(9)), undefined);
    assert.equal(store.sourceOf('/p/other', slim(1)), undefined);
  });
});

describe('edits across files', () => {
  const dockerfile = '/project/app/Dockerfile';
  const target = (others?: ActionTarget['others']): ActionTarget => ({ uri: uriOf(dockerfile), version: 4, documentChanges: true, others });

  test('paths relative to the Dockerfile; open documents keep their own URI and the version the edit was computed for', () => {
    const others = new Map([['/project/Makefile', { uri: 'file:///project/Makefile?client-form', version: 9 }]]);
    const edit = workspaceEdit(target(others), [
      { path: '../Makefile', range: range(0, 0), newText: 'a' },
      { path: 'build.sh', range: range(1, 0), newText: 'b' },
      { path: 'Dockerfile', range: range(2, 0), newText: 'c' },
      { range: range(3, 0), newText: 'd' },
    ]);
    assert.deepEqual(edit?.documentChanges, [
      { textDocument: { uri: 'file:///project/Makefile?client-form', version: 9 }, edits: [{ range: range(0, 0), newText: 'a' }] },
      { textDocument: { uri: uriOf('/project/app/build.sh'), version: null }, edits: [{ range: range(1, 0), newText: 'b' }] },
      { textDocument: { uri: uriOf(dockerfile), version: 4 }, edits: [{ range: range(2, 0), newText: 'c' }, { range: range(3, 0), newText: 'd' }] },
    ]);
  });

  test('otherFileQuickFixes: each diagnostic’s fixes and ignore resolve against its own Dockerfile; one docs action per code', () => {
    const sources = new Map([
      ['m1', { target: target(), diagnostic: slim(1, 'SLIM301', 'm1') }],
      ['m2', { target: { ...target(), uri: uriOf('/project/Dockerfile') }, diagnostic: slim(2, 'SLIM301', 'm2') }],
    ]);
    const shown = [slim(1, 'SLIM301', 'm1'), slim(2, 'SLIM301', 'm2'), { ...slim(3), source: 'gcc' }, slim(4, 'SLIM301', 'unknown')];
    const actions = otherFileQuickFixes(shown, (d) => sources.get(d.message as string));
    assert.deepEqual(
      actions.map((action) => action.title),
      ['Fix 1', 'Ignore SLIM301 for this instruction', 'Show documentation for SLIM301', 'Fix 2', 'Ignore SLIM301 for this instruction'],
    );
    const uris = actions.filter((action) => action.edit).map((action) => (action.edit!.documentChanges![0] as TextDocumentEdit).textDocument.uri);
    assert.deepEqual(uris, [uriOf('/project/app/Makefile'), uriOf('/project/app/Makefile'), uriOf('/project/Makefile'), uriOf('/project/Makefile')]);
    assert.deepEqual(actions[0].diagnostics, [shown[0]], 'tied to the diagnostic the client shows');
  });
});

describe('ContextStore', () => {
  function setup() {
    const dir = tempDir('store');
    mkdirSync(path.join(dir, 'app'));
    for (const [name, text] of Object.entries({ 'Makefile': 'all:\n', 'app/main.go': 'package main\n', '.dockerignore': 'ignored.go\n' })) writeFileSync(path.join(dir, name), text);
    const buffers = new Map<string, OpenBuffer>();
    const store = new ContextStore((absolute) => buffers.get(absolute));
    return { dir, buffers, store };
  }

  test('Dockerfiles with one context root share its tree; a change concerns the Dockerfiles whose context holds it', () => {
    const { dir, store } = setup();
    const root = store.forDockerfile('file:///root', path.join(dir, 'Dockerfile'), undefined);
    const app = store.forDockerfile('file:///app', path.join(dir, 'app', 'Dockerfile'), '..');
    const own = store.forDockerfile('file:///own', path.join(dir, 'app', 'Dockerfile'), undefined);
    assert.equal(root.tree, app.tree);
    assert.equal(app.dockerfileDir, 'app');
    assert.notEqual(own.tree, root.tree);
    assert.deepEqual(store.invalidate(path.join(dir, 'app', 'main.go'), true), ['file:///root', 'file:///app', 'file:///own']);
    assert.deepEqual(store.invalidate(path.join(dir, 'Makefile'), true), ['file:///root', 'file:///app']);
    assert.deepEqual(store.dockerfilesContaining(path.join(dir, 'ignored.go')), [], '.dockerignore leaves it out');
    store.forget('file:///root');
    store.forget('file:///app');
    assert.deepEqual(store.dockerfilesContaining(path.join(dir, 'Makefile')), []);
  });

  test('open buffers overlay the disk, and an analysis notes which it read and at which version', () => {
    const { dir, buffers, store } = setup();
    const context = store.forDockerfile('file:///d', path.join(dir, 'Dockerfile'), undefined);
    buffers.set(path.join(dir, 'Makefile'), { uri: 'file:///client/Makefile', version: 7, text: 'all: unsaved\n' });
    const reads = new Map();
    const text = store.recordReads(reads, () => context.readFile('Makefile'));
    assert.equal(text, 'all: unsaved\n');
    assert.deepEqual([...reads], [[path.join(dir, 'Makefile'), { uri: 'file:///client/Makefile', version: 7 }]]);
    assert.equal(context.readFile('app/main.go'), 'package main\n');
    buffers.clear();
    assert.equal(context.readFile('Makefile'), 'all:\n');
  });
});

describe('documents and watched files', () => {
  test('Dockerfiles by language id, or by name for other ids; sources never', () => {
    const is = (name: string, languageId: string) => isDockerfileDocument({ uri: uriOf(`/p/${name}`), languageId });
    assert.equal(is('anything.txt', 'dockerfile'), true);
    assert.equal(is('Dockerfile', 'plaintext'), true);
    assert.equal(is('api.Containerfile', ''), true);
    assert.equal(is('Dockerfile', 'makefile'), false, 'the client says it is a Makefile');
    assert.equal(is('Makefile', 'makefile'), false);
    assert.equal(is('main.go', 'go'), false);
    assert.equal(is('Dockerfile.go', 'plaintext'), false);
    assert.equal(isDockerfileDocument({ uri: 'untitled:Untitled-1', languageId: 'dockerfile' }), true);
  });

  test('classifyChanges: the config file apart; created and deleted files change the listing, edits only contents', () => {
    const changes = classifyChanges([
      { uri: uriOf('/p/.dockerfile-slim.json'), type: 2 },
      { uri: uriOf('/p/main.go'), type: 2 },
      { uri: uriOf('/p/new.go'), type: 1 },
      { uri: uriOf('/p/old.sh'), type: 3 },
      { uri: 'vscode-vfs://x/y.go', type: 2 },
    ]);
    assert.equal(changes.configChanged, true);
    assert.deepEqual(changes.contextChanges, [
      { absolutePath: '/p/main.go', contentOnly: true },
      { absolutePath: '/p/new.go', contentOnly: false },
      { absolutePath: '/p/old.sh', contentOnly: false },
    ]);
  });
});
