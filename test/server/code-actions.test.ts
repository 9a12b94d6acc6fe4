// Code actions from the built server: quick fixes from diagnostic data (preferred
// marked), ignore, show documentation, fix-all as one edit, dockerfile-utils' fixes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic, TextDocumentEdit } from 'vscode-languageserver-protocol/node';
import { fixAll } from '../../server/src/fixes';
import { initShellParser } from '../../server/src/parse/shell';
import { FULL_CAPABILITIES, LspClient } from '../support/lsp-client';
import { assertBuilt, BASE_SOURCE, codesOf, SCRATCH_GO, UNPINNED_ALPINE } from './support';

const FIX_ALL_KIND = 'source.fixAll.dockerfileSlim';
const SHOW_DOCS = 'dockerfileSlim.showRuleDocumentation';

let client: LspClient;

before(async () => {
  assertBuilt();
  await initShellParser();
  client = await LspClient.start({ settings: { baseValidation: 'on' } });
});
after(() => client?.stop());

let documentCount = 0;
async function openDocument(text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
  const uri = `file:///tmp/dockerfile-slim-test/actions/${++documentCount}/Dockerfile`;
  await client.open(uri, text, 1);
  const { diagnostics } = await client.waitForVersion(uri, 1);
  return { uri, diagnostics };
}

function codeActions(uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
  const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, only } });
}

describe('quick fixes for a SLIM diagnostic', () => {
  test('the preferred fix, the ignore action and the docs command, each tied to the diagnostic', async () => {
    const { uri, diagnostics } = await openDocument(SCRATCH_GO);
    const slim001 = diagnostics.find((d) => d.code === 'SLIM001')!;
    const actions = await codeActions(uri, [slim001]);

    const preferred = actions.filter((a) => a.isPreferred);
    assert.equal(preferred.length, 1, 'exactly one preferred action');
    assert.equal(preferred[0].kind, 'quickfix');
    assert.deepEqual(preferred[0].diagnostics, [slim001]);
    const fix = (slim001.data as { fixes: { title: string }[] }).fixes[0];
    assert.equal(preferred[0].title, fix.title);

    const ignore = actions.find((a) => a.title === 'Ignore SLIM001 for this instruction');
    assert.ok(ignore?.edit, 'ignore action with an edit');
    assert.equal(ignore.kind, 'quickfix');

    const docs = actions.find((a) => a.title === 'Show documentation for SLIM001');
    assert.deepEqual(docs?.command, { title: 'Show documentation for SLIM001', command: SHOW_DOCS, arguments: ['SLIM001'] });
    assert.ok(actions.every((a) => a.kind !== FIX_ALL_KIND), 'no fix-all unless asked for');
  });

  test('applying the preferred fix silences the diagnostic', async () => {
    const { uri, diagnostics } = await openDocument(SCRATCH_GO);
    const slim001 = diagnostics.find((d) => d.code === 'SLIM001')!;
    const preferred = (await codeActions(uri, [slim001])).find((a) => a.isPreferred)!;
    const edit = preferred.edit!.documentChanges![0] as TextDocumentEdit;
    assert.deepEqual(edit.textDocument, { uri, version: 1 }, 'versioned with the diagnostics version');

    const version = await client.applyEdit(preferred.edit!);
    const after = await client.waitForVersion(uri, version);
    assert.match(client.text(uri), /CMD \["\/app","--port","80"\]/);
    assert.ok(!codesOf(after.diagnostics).includes('SLIM001'), 'SLIM001 no longer fires');
  });

  test('applying the ignore action silences the diagnostic', async () => {
    const { uri, diagnostics } = await openDocument(SCRATCH_GO);
    const slim003 = diagnostics.find((d) => d.code === 'SLIM003')!;
    const ignore = (await codeActions(uri, [slim003])).find((a) => a.title === 'Ignore SLIM003 for this instruction')!;
    const version = await client.applyEdit(ignore.edit!);
    const after = await client.waitForVersion(uri, version);
    assert.match(client.text(uri), /# slim-ignore=SLIM003\n/);
    assert.ok(!codesOf(after.diagnostics).includes('SLIM003'));
    assert.ok(codesOf(after.diagnostics).includes('SLIM001'), 'only that rule is ignored');
  });

  test('a client that drops `data` still gets the fixes (matched with what was published)', async () => {
    const { uri, diagnostics } = await openDocument(SCRATCH_GO);
    const { data: _dropped, ...slim001 } = diagnostics.find((d) => d.code === 'SLIM001')!;
    const actions = await codeActions(uri, [slim001]);
    assert.ok(actions.some((a) => a.isPreferred && a.edit));
    assert.ok(actions.some((a) => a.title === 'Ignore SLIM001 for this instruction'));
  });

  test('edits come as `changes` for clients without documentChanges', async () => {
    const plain = await LspClient.start({ capabilities: { ...FULL_CAPABILITIES, workspace: { ...FULL_CAPABILITIES.workspace, workspaceEdit: {} } } });
    try {
      const uri = 'file:///tmp/dockerfile-slim-test/actions/plain/Dockerfile';
      await plain.open(uri, SCRATCH_GO);
      const { diagnostics } = await plain.waitForVersion(uri, 1);
      const slim001 = diagnostics.find((d) => d.code === 'SLIM001')!;
      const actions = await plain.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: slim001.range, context: { diagnostics: [slim001] } });
      const preferred = actions.find((a) => a.isPreferred)!;
      assert.equal(preferred.edit?.documentChanges, undefined);
      assert.ok(preferred.edit?.changes?.[uri]?.length);
    } finally {
      await plain.stop();
    }
  });
});

describe('fix all', () => {
  for (const only of [[FIX_ALL_KIND], ['source.fixAll'], ['source']]) {
    test(`only: ${JSON.stringify(only)} → one minimal edit that equals fixAll of the text`, async () => {
      const { uri } = await openDocument(SCRATCH_GO);
      const actions = await codeActions(uri, [], only);
      assert.equal(actions.length, 1);
      const [action] = actions;
      assert.equal(action.kind, FIX_ALL_KIND);
      const changes = action.edit!.documentChanges as TextDocumentEdit[];
      assert.equal(changes.length, 1);
      assert.deepEqual(changes[0].textDocument, { uri, version: 1 });
      assert.equal(changes[0].edits.length, 1, 'one edit');

      const version = await client.applyEdit(action.edit!);
      assert.equal(client.text(uri), fixAll(SCRATCH_GO).text);
      const after = await client.waitForVersion(uri, version);
      assert.ok(!codesOf(after.diagnostics).includes('SLIM001'));
    });
  }

  test('nothing to fix → no action; quickfix-only requests get no fix-all', async () => {
    const fixed = fixAll(SCRATCH_GO).text;
    const { uri } = await openDocument(fixed);
    assert.deepEqual(await codeActions(uri, [], [FIX_ALL_KIND]), []);
    const other = await openDocument(SCRATCH_GO);
    assert.ok((await codeActions(other.uri, [], ['quickfix'])).every((a) => a.kind !== FIX_ALL_KIND));
  });
});

describe("dockerfile-utils' own quick fixes", () => {
  test('lower-case instruction → "Convert instruction to uppercase" with an edit', async () => {
    const { uri, diagnostics } = await openDocument(UNPINNED_ALPINE);
    const casing = diagnostics.find((d) => d.source === BASE_SOURCE && d.range.start.line === 0 && d.range.start.character === 0);
    assert.ok(casing, `a casing diagnostic on \`from\`: ${JSON.stringify(diagnostics)}`);
    const actions = await codeActions(uri, [casing]);
    const upper = actions.find((a) => a.title === 'Convert instruction to uppercase');
    assert.ok(upper?.edit, JSON.stringify(actions));
    await client.applyEdit(upper.edit);
    assert.match(client.text(uri), /^FROM alpine\n/);
  });
});
