// The server's plain-data modules, without a connection: settings, scheduling,
// code-action kinds and edits, client capabilities.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { baseValidationEnabled } from '../../server/src/base-validation';
import { changedFolders, readClientFeatures } from '../../server/src/client-features';
import { slimQuickFixes, wantsKind, workspaceEdit } from '../../server/src/codeActions';
import { documentationTarget } from '../../server/src/commands';
import { isSlimDiagnostic, type SlimDiagnostic } from '../../server/src/diagnostics';
import { guarded } from '../../server/src/guard';
import { LARGE_FILE_DELAY_MS, Scheduler, validationDelay } from '../../server/src/scheduler';
import { normalizeEditorSettings, SettingsCache, workspaceFolderOf } from '../../server/src/settings';
import { DEFAULT_EDITOR_SETTINGS } from '../../server/src/shared/protocol';
import { writeFileSync } from 'node:fs';
import { tempDir } from './support';

const range = (line: number, start: number, end = start) => ({ start: { line, character: start }, end: { line, character: end } });

describe('settings', () => {
  test('normalizeEditorSettings keeps well-formed values and defaults the rest', () => {
    assert.deepEqual(normalizeEditorSettings(null), DEFAULT_EDITOR_SETTINGS);
    assert.deepEqual(normalizeEditorSettings({ rules: { slim001: 'off', SLIM002: 'loud', SLIM003: 3 }, target: 'run', context: 7, baseValidation: 'on' }), {
      rules: { SLIM001: 'off' },
      target: 'run',
      context: '',
      baseValidation: 'on',
    });
  });

  test('workspaceFolderOf picks the innermost folder holding the file', () => {
    const folders = ['/w', '/w/sub', '/other'];
    assert.equal(workspaceFolderOf('/w/sub/app/Dockerfile', folders), '/w/sub');
    assert.equal(workspaceFolderOf('/w/Dockerfile', folders), '/w');
    assert.equal(workspaceFolderOf('/wx/Dockerfile', folders), undefined);
  });

  test('baseValidation auto follows the Docker extension', () => {
    assert.equal(baseValidationEnabled('auto', false), true);
    assert.equal(baseValidationEnabled('auto', true), false);
    assert.equal(baseValidationEnabled('on', true), true);
    assert.equal(baseValidationEnabled('off', false), false);
  });

  test('SettingsCache: editor rules override the workspace file; failures fall back to defaults', async () => {
    const folder = tempDir('cache');
    writeFileSync(path.join(folder, '.dockerfile-slim.json'), JSON.stringify({ rules: { SLIM001: 'off', SLIM002: 'off' }, target: 'final' }));
    const uri = pathToFileURL(path.join(folder, 'Dockerfile')).toString();
    const logs: string[] = [];
    let editor: unknown = { rules: { SLIM002: 'error' } };
    const cache = new SettingsCache({ editorSettings: async () => editor, workspaceFolders: () => [folder], showError: () => undefined, log: (m) => logs.push(m) });
    const first = await cache.get(uri);
    assert.deepEqual(first.resolved, { rules: { SLIM001: 'off', SLIM002: 'error' }, target: 'final', context: undefined });
    assert.equal(await cache.get(uri), first, 'cached');

    editor = Promise.reject(new Error('client went away'));
    cache.clear();
    const fallback = await cache.get(uri);
    assert.deepEqual(fallback.resolved.rules, { SLIM001: 'off', SLIM002: 'off' });
    assert.match(logs.join('\n'), /client went away/);
  });

  test('SettingsCache: a bad config file is shown once until it changes', async () => {
    const folder = tempDir('bad');
    writeFileSync(path.join(folder, '.dockerfile-slim.json'), 'not json');
    const shown: string[] = [];
    const cache = new SettingsCache({ editorSettings: async () => ({}), workspaceFolders: () => [folder], showError: (m) => shown.push(m), log: () => undefined });
    const uri = (name: string) => pathToFileURL(path.join(folder, name)).toString();
    await cache.get(uri('a.Dockerfile'));
    await cache.get(uri('b.Dockerfile'));
    cache.clear();
    await cache.get(uri('a.Dockerfile'));
    assert.equal(shown.length, 1);
    cache.clear({ configFileChanged: true });
    await cache.get(uri('a.Dockerfile'));
    assert.equal(shown.length, 2);
    assert.match(shown[0], /\.dockerfile-slim\.json/);
  });
});

describe('scheduler', () => {
  test('small files next tick, large ones debounced', () => {
    assert.equal(validationDelay(10, 300), 0);
    assert.equal(validationDelay(5000, 100_000), LARGE_FILE_DELAY_MS);
    assert.equal(validationDelay(3, 1_000_000), LARGE_FILE_DELAY_MS);
  });

  test('a newer request replaces the pending one; cancelled tasks never run', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'setImmediate'] });
    const scheduler = new Scheduler();
    const runs: string[] = [];
    for (let i = 1; i <= 5; i++) scheduler.schedule('small', 0, () => runs.push(`small ${i}`));
    for (let i = 1; i <= 3; i++) scheduler.schedule('large', LARGE_FILE_DELAY_MS, () => runs.push(`large ${i}`));
    t.mock.timers.tick(1);
    assert.deepEqual(runs, ['small 5']);
    t.mock.timers.tick(LARGE_FILE_DELAY_MS);
    assert.deepEqual(runs, ['small 5', 'large 3']);
    scheduler.schedule('small', 0, () => runs.push('cancelled'));
    scheduler.schedule('large', LARGE_FILE_DELAY_MS, () => runs.push('cancelled'));
    scheduler.cancelAll();
    t.mock.timers.tick(LARGE_FILE_DELAY_MS * 2);
    assert.deepEqual(runs, ['small 5', 'large 3']);
  });
});

describe('code actions', () => {
  test('wantsKind: quick fixes unless filtered; fix-all only when asked for (hierarchically)', () => {
    const fixAll = 'source.fixAll.dockerfileSlim';
    assert.equal(wantsKind(undefined, 'quickfix'), true);
    assert.equal(wantsKind(undefined, fixAll), false);
    assert.equal(wantsKind(['source'], fixAll), true);
    assert.equal(wantsKind(['source.fixAll'], fixAll), true);
    assert.equal(wantsKind(['source.fix'], fixAll), false);
    assert.equal(wantsKind(['source.organizeImports'], fixAll), false);
    assert.equal(wantsKind(['quickfix'], fixAll), false);
  });

  test('workspaceEdit: paths relative to the Dockerfile become sibling URIs; untitled documents cannot have them', () => {
    const uri = pathToFileURL('/project/app/Dockerfile').toString();
    const edits = [
      { range: range(0, 0), newText: 'a' },
      { path: '../Makefile', range: range(1, 0), newText: 'b' },
    ];
    const versioned = workspaceEdit({ uri, version: 4, documentChanges: true }, edits)!;
    assert.deepEqual(versioned.documentChanges, [
      { textDocument: { uri, version: 4 }, edits: [{ range: range(0, 0), newText: 'a' }] },
      { textDocument: { uri: pathToFileURL('/project/Makefile').toString(), version: null }, edits: [{ range: range(1, 0), newText: 'b' }] },
    ]);
    assert.deepEqual(Object.keys(workspaceEdit({ uri, version: 4, documentChanges: false }, edits)!.changes!).length, 2);
    assert.equal(workspaceEdit({ uri: 'untitled:Untitled-1', version: 1, documentChanges: true }, edits), undefined);
  });

  test('slimQuickFixes: ignores foreign or data-less diagnostics; one ignore and one docs action per code', () => {
    const diagnostic = (line: number): SlimDiagnostic => ({
      range: range(line, 0, 3),
      message: 'm',
      source: 'dockerfile-slim',
      code: 'SLIM002',
      data: { name: 'prefer-exec-form', fixes: [{ title: 'Convert', edits: [{ range: range(line, 4, 8), newText: '["x"]' }] }], ignore: { range: range(0, 0), newText: '# slim-ignore=SLIM002\n' } },
    });
    const foreign = { range: range(0, 0), message: 'x', source: 'other', code: 'SLIM002' };
    const stripped = { ...diagnostic(0), data: undefined };
    assert.equal(isSlimDiagnostic(stripped), false);
    const actions = slimQuickFixes({ uri: 'file:///d/Dockerfile', version: 1, documentChanges: true }, [diagnostic(1), diagnostic(2), foreign, stripped]);
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Convert', 'Ignore SLIM002 for this instruction', 'Show documentation for SLIM002', 'Convert'],
    );
    assert.ok(actions.filter((a) => a.title === 'Convert').every((a) => a.isPreferred));
  });

  test('a manual first fix is offered but not preferred', () => {
    const manual: SlimDiagnostic = {
      range: range(0, 0),
      message: 'm',
      source: 'dockerfile-slim',
      code: 'SLIM006',
      data: { name: 'toolchain-in-final-image', fixes: [{ title: 'Split', manual: true, edits: [{ range: range(0, 0), newText: 'x' }] }], ignore: { range: range(0, 0), newText: '#' } },
    };
    const [split] = slimQuickFixes({ uri: 'file:///d/Dockerfile', version: 1, documentChanges: true }, [manual]);
    assert.equal(split.title, 'Split');
    assert.equal(split.isPreferred, false);
  });
});

describe('client features and commands', () => {
  test('readClientFeatures reads capabilities, folders and initialization options', () => {
    const features = readClientFeatures({
      processId: null,
      rootUri: 'file:///root',
      workspaceFolders: [{ uri: 'file:///a', name: 'a' }, { uri: 'vscode-vfs://x/b', name: 'b' }],
      capabilities: { workspace: { configuration: true, workspaceEdit: { documentChanges: true } }, window: { showDocument: { support: true } } },
      initializationOptions: { dockerExtensionInstalled: true, settings: { rules: {} } },
    });
    assert.deepEqual(features.workspaceFolders, ['/a']);
    assert.equal(features.configurationPull, true);
    assert.equal(features.showDocument, true);
    assert.equal(features.documentChanges, true);
    assert.equal(features.watchedFilesRegistration, false);
    assert.equal(features.dockerExtensionInstalled, true);
    assert.deepEqual(features.initialSettings, { rules: {} });
  });

  test('changedFolders applies a workspace folders event', () => {
    const event = { added: [{ uri: 'file:///c', name: 'c' }], removed: [{ uri: 'file:///a', name: 'a' }] };
    assert.deepEqual(changedFolders(['/a', '/b'], event), ['/b', '/c']);
  });

  test('documentationTarget checks its argument', () => {
    assert.ok('error' in documentationTarget(undefined));
    assert.ok('error' in documentationTarget('rm -rf /'));
    assert.ok('error' in documentationTarget('SLIM999'), 'no page for an unknown code');
  });

  test('guarded logs and answers with the fallback', async () => {
    const logs: string[] = [];
    const handler = guarded((m) => logs.push(m), 'hover', 'fallback', (): string => {
      throw new Error('boom');
    });
    assert.equal(await handler(), 'fallback');
    assert.match(logs[0], /hover failed: Error: boom/);
  });
});
