// The rest of the protocol: the show-documentation command, dockerfile-language-service's
// completion, hover and formatting, and the node-ipc transport VS Code uses.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem, CompletionList, Hover, TextEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FULL_CAPABILITIES, LspClient } from '../support/lsp-client';
import { assertBuilt, codesOf, fileExists, SCRATCH_GO } from './support';

const SHOW_DOCS = 'dockerfileSlim.showRuleDocumentation';

let client: LspClient;

before(async () => {
  assertBuilt();
  client = await LspClient.start({ settings: { baseValidation: 'on' } });
});
after(() => client?.stop());

describe('show documentation', () => {
  test('window/showDocument with the bundled page', async () => {
    const messages = client.messages.length;
    await client.request('workspace/executeCommand', { command: SHOW_DOCS, arguments: ['SLIM001'] });
    const shown = await client.waitFor('showDocument', () => {
      if (client.messages.length > messages) assert.fail(`a message instead: ${client.messages.at(-1)!.message}`);
      return client.shownDocuments.at(-1);
    });
    assert.ok(shown.uri.endsWith('/docs/rules/SLIM001.md'), shown.uri);
    assert.ok(fileExists(shown.uri), `${shown.uri} exists`);
  });

  test('clients without showDocument get the path in a message', async () => {
    const plain = await LspClient.start({ capabilities: { ...FULL_CAPABILITIES, window: {} } });
    try {
      await plain.request('workspace/executeCommand', { command: SHOW_DOCS, arguments: ['SLIM003'] });
      const message = await plain.waitFor('a message', () => plain.messages.find((m) => m.message.includes('SLIM003')));
      assert.match(message.message, /docs[/\\]rules[/\\]SLIM003\.md/);
      assert.doesNotMatch(message.message, /missing/);
      assert.equal(plain.shownDocuments.length, 0);
    } finally {
      await plain.stop();
    }
  });

  test('a missing or unknown code gets a warning, not a crash', async () => {
    const before = client.messages.length;
    await client.request('workspace/executeCommand', { command: SHOW_DOCS, arguments: [] });
    await client.request('workspace/executeCommand', { command: SHOW_DOCS, arguments: [{ not: 'a code' }] });
    await client.waitFor('two warnings', () => (client.messages.length >= before + 2 ? true : undefined));
    assert.ok(client.messages.slice(before).every((m) => m.type === 2));
    assert.ok(client.alive);
  });
});

describe('dockerfile-language-service features', () => {
  const uri = 'file:///tmp/dockerfile-slim-test/features/Dockerfile';
  const text = 'FROM alpine:3.20\n  RUN echo hi\nFR\n';

  before(async () => {
    await client.open(uri, text);
    await client.waitForVersion(uri, 1);
  });

  test('completion offers instructions, and resolves', async () => {
    const result = await client.request<CompletionItem[] | CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 2 } });
    const items = Array.isArray(result) ? result : result.items;
    const from = items.find((item) => item.label.startsWith('FROM'));
    assert.ok(from, JSON.stringify(items.map((item) => item.label)));
    const resolved = await client.request<CompletionItem>('completionItem/resolve', from);
    assert.ok(resolved.documentation, 'resolved with documentation');
  });

  test('image tag completion answers at once, without asking a registry', async () => {
    const started = Date.now();
    const result = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 13 } });
    assert.deepEqual(result, []);
    assert.ok(Date.now() - started < 2000);
  });

  test('hover on an instruction', async () => {
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
    assert.ok(hover?.contents, 'hover contents for FROM');
  });

  test('formatting and range formatting remove the indentation', async () => {
    const options = { tabSize: 4, insertSpaces: true };
    const edits = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options });
    assert.equal(TextDocument.applyEdits(TextDocument.create(uri, 'dockerfile', 1, text), edits), 'FROM alpine:3.20\nRUN echo hi\nFR\n');
    const range = { start: { line: 1, character: 0 }, end: { line: 1, character: 13 } };
    const rangeEdits = await client.request<TextEdit[]>('textDocument/rangeFormatting', { textDocument: { uri }, range, options });
    assert.ok(rangeEdits.length > 0);
  });
});

describe('node-ipc transport', () => {
  test('initialize, diagnostics and shutdown over node IPC', async () => {
    const ipc = await LspClient.start({ transport: 'node-ipc' });
    try {
      const uri = 'file:///tmp/dockerfile-slim-test/ipc/Dockerfile';
      await ipc.open(uri, SCRATCH_GO);
      const published = await ipc.waitForVersion(uri, 1);
      assert.ok(codesOf(published.diagnostics).includes('SLIM001'));
    } finally {
      await ipc.stop();
    }
  });
});
