// Settings: pulled per document, changed without restart, combined with the nearest
// `.dockerfile-slim.json` (watched), pushed by clients that cannot be asked.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { initShellParser } from '../../server/src/parse/shell';
import { fileUri, FULL_CAPABILITIES, LspClient } from '../support/lsp-client';
import { assertBuilt, BASE_SOURCE, codesOf, expectedSummary, summarize, tempDir, UNPINNED_ALPINE } from './support';

before(async () => {
  assertBuilt();
  await initShellParser();
});

const clients: LspClient[] = [];
after(() => Promise.all(clients.map((client) => client.stop())));

async function start(options: Parameters<typeof LspClient.start>[0]): Promise<LspClient> {
  const client = await LspClient.start(options);
  clients.push(client);
  return client;
}

/** Publishes arrive after a settings change; wait for one that passes `accept`. */
async function changeSettings(client: LspClient, uri: string, settings: unknown, accept: (codes: string[], baseCodes: string[]) => boolean) {
  const before = client.lastSeq;
  client.settings = settings;
  await client.notify('workspace/didChangeConfiguration', { settings: null });
  return client.waitForDiagnostics(uri, (p) => accept(codesOf(p.diagnostics), codesOf(p.diagnostics, BASE_SOURCE)), before);
}

describe('editor settings (workspace/configuration)', () => {
  test('asks for the dockerfileSlim section scoped to the document', async () => {
    const client = await start({ settings: {} });
    const uri = 'file:///tmp/dockerfile-slim-test/settings/scope/Dockerfile';
    await client.open(uri, UNPINNED_ALPINE);
    await client.waitForVersion(uri, 1);
    const items = client.configurationRequests.flatMap((request) => request.items);
    assert.ok(items.some((item) => item.section === 'dockerfileSlim' && item.scopeUri === uri), JSON.stringify(items));
  });

  test('rules: off after didChangeConfiguration, back on after another; severities overridden', async () => {
    const client = await start({ settings: { rules: {} } });
    const uri = 'file:///tmp/dockerfile-slim-test/settings/rules/Dockerfile';
    await client.open(uri, UNPINNED_ALPINE);
    const first = await client.waitForVersion(uri, 1);
    assert.ok(codesOf(first.diagnostics).includes('SLIM007'));

    const off = await changeSettings(client, uri, { rules: { SLIM007: 'off' } }, (codes) => !codes.includes('SLIM007'));
    assert.deepEqual(summarize(off.diagnostics), expectedSummary(UNPINNED_ALPINE, { rules: { SLIM007: 'off' } }));

    const error = await changeSettings(client, uri, { rules: { slim007: 'error' } }, (codes) => codes.includes('SLIM007'));
    assert.equal(error.diagnostics.find((d) => d.code === 'SLIM007')?.severity, 1, 'severity overridden to error (codes case-insensitive)');
  });

  test('malformed settings are ignored, not fatal', async () => {
    const client = await start({ settings: { rules: ['SLIM007'], target: 42, baseValidation: 'sometimes' } });
    const uri = 'file:///tmp/dockerfile-slim-test/settings/malformed/Dockerfile';
    await client.open(uri, UNPINNED_ALPINE);
    const published = await client.waitForVersion(uri, 1);
    assert.deepEqual(summarize(published.diagnostics), expectedSummary(UNPINNED_ALPINE));
  });

  test('baseValidation on/off toggles dockerfile-utils diagnostics', async () => {
    const client = await start({ settings: { baseValidation: 'on' } });
    const uri = 'file:///tmp/dockerfile-slim-test/settings/base/Dockerfile';
    await client.open(uri, UNPINNED_ALPINE);
    const on = await client.waitForVersion(uri, 1);
    assert.ok(on.diagnostics.some((d) => d.source === BASE_SOURCE), 'casing warning for `from`');
    await changeSettings(client, uri, { baseValidation: 'off' }, (codes, base) => base.length === 0 && codes.length > 0);
    await changeSettings(client, uri, { baseValidation: 'auto' }, (_, base) => base.length > 0);
  });

  test('baseValidation auto is off when the Docker extension is installed', async () => {
    const client = await start({ settings: { baseValidation: 'auto' }, initializationOptions: { dockerExtensionInstalled: true } });
    const uri = 'file:///tmp/dockerfile-slim-test/settings/auto/Dockerfile';
    await client.open(uri, UNPINNED_ALPINE);
    const published = await client.waitForVersion(uri, 1);
    assert.deepEqual(codesOf(published.diagnostics, BASE_SOURCE), []);
    assert.ok(codesOf(published.diagnostics).includes('SLIM007'));
    await changeSettings(client, uri, { baseValidation: 'on' }, (_, base) => base.length > 0);
  });

  test('clients without workspace/configuration: initializationOptions.settings, then pushed settings', async () => {
    const capabilities = { ...FULL_CAPABILITIES, workspace: { ...FULL_CAPABILITIES.workspace, configuration: false } };
    const client = await start({ capabilities, initializationOptions: { settings: { rules: { SLIM007: 'off' } } } });
    const uri = 'file:///tmp/dockerfile-slim-test/settings/push/Dockerfile';
    await client.open(uri, UNPINNED_ALPINE);
    const first = await client.waitForVersion(uri, 1);
    assert.ok(!codesOf(first.diagnostics).includes('SLIM007'));
    assert.equal(client.configurationRequests.length, 0, 'never asked');

    const before = client.lastSeq;
    await client.notify('workspace/didChangeConfiguration', { settings: { dockerfileSlim: { rules: {} } } });
    await client.waitForDiagnostics(uri, (p) => codesOf(p.diagnostics).includes('SLIM007'), before);
  });
});

describe('.dockerfile-slim.json', () => {
  test('turns a rule off; edits to it apply after didChangeWatchedFiles; editor settings override it', async () => {
    const folder = tempDir('config');
    const configFile = path.join(folder, '.dockerfile-slim.json');
    writeFileSync(configFile, JSON.stringify({ rules: { SLIM007: 'off' } }));
    mkdirSync(path.join(folder, 'app'));
    const client = await start({ workspaceFolders: [folder], settings: {} });
    const uri = fileUri(path.join(folder, 'app', 'Dockerfile'));

    await client.open(uri, UNPINNED_ALPINE);
    const first = await client.waitForVersion(uri, 1);
    assert.ok(!codesOf(first.diagnostics).includes('SLIM007'), 'off by the workspace file');
    assert.ok(codesOf(first.diagnostics).includes('SLIM003'), 'other rules still on');

    const watcher = await client.waitFor('a watcher for .dockerfile-slim.json', () =>
      client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles' && JSON.stringify(r.registerOptions).includes('.dockerfile-slim.json')),
    );
    assert.ok(watcher);

    writeFileSync(configFile, JSON.stringify({ rules: { SLIM003: 'off' } }));
    const before = client.lastSeq;
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(configFile), type: 2 }] });
    const changed = await client.waitForDiagnostics(uri, (p) => codesOf(p.diagnostics).includes('SLIM007'), before);
    assert.ok(!codesOf(changed.diagnostics).includes('SLIM003'));

    await changeSettings(client, uri, { rules: { SLIM003: 'error' } }, (codes) => codes.includes('SLIM003'));
  });

  test('a broken file: one message naming it, defaults used, no crash', async () => {
    const folder = tempDir('broken');
    writeFileSync(path.join(folder, '.dockerfile-slim.json'), '{ "rules": { "SLIM007": "sometimes" } }');
    const client = await start({ workspaceFolders: [folder], settings: {} });
    for (const name of ['one', 'two']) {
      mkdirSync(path.join(folder, name));
      const uri = fileUri(path.join(folder, name, 'Dockerfile'));
      await client.open(uri, UNPINNED_ALPINE);
      const published = await client.waitForVersion(uri, 1);
      assert.deepEqual(summarize(published.diagnostics), expectedSummary(UNPINNED_ALPINE));
    }
    const shown = client.messages.filter((m) => m.message.includes('.dockerfile-slim.json'));
    assert.equal(shown.length, 1, JSON.stringify(client.messages));
    assert.match(shown[0].message, /SLIM007/);
    assert.ok(client.alive);
  });

  test('not looked for above the workspace folder', async () => {
    const outer = tempDir('outer');
    writeFileSync(path.join(outer, '.dockerfile-slim.json'), JSON.stringify({ rules: { SLIM007: 'off' } }));
    const folder = path.join(outer, 'project');
    mkdirSync(folder);
    const client = await start({ workspaceFolders: [folder], settings: {} });
    const uri = fileUri(path.join(folder, 'Dockerfile'));
    await client.open(uri, UNPINNED_ALPINE);
    const published = await client.waitForVersion(uri, 1);
    assert.ok(codesOf(published.diagnostics).includes('SLIM007'));
  });
});
