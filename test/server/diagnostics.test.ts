// The built server over stdio: diagnostics on open and after incremental edits,
// cleared on close, coalesced for large files, and survival of garbage input.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initShellParser } from '../../server/src/parse/shell';
import { LspClient } from '../support/lsp-client';
import { assertBuilt, codesOf, expectedSummary, fileExists, SCRATCH_GO, SLIM_SOURCE, summarize, UNPINNED_ALPINE } from './support';

let client: LspClient;

before(async () => {
  assertBuilt();
  await initShellParser();
  client = await LspClient.start({ settings: { baseValidation: 'off' } });
});
after(() => client?.stop());

describe('publishDiagnostics', () => {
  test('on open: SLIM codes with source, docs link, severity and fixes in data', async () => {
    const uri = 'file:///tmp/dockerfile-slim-test/open/Dockerfile';
    await client.open(uri, SCRATCH_GO, 7);
    const published = await client.waitForVersion(uri, 7);

    const codes = codesOf(published.diagnostics);
    assert.ok(codes.includes('SLIM001') && codes.includes('SLIM003'), codes.join(' '));
    for (const diagnostic of published.diagnostics) {
      assert.equal(diagnostic.source, SLIM_SOURCE);
      assert.match(String(diagnostic.code), /^SLIM\d{3}$/);
      const href = diagnostic.codeDescription?.href ?? '';
      assert.ok(href.endsWith(`/docs/rules/${diagnostic.code}.md`), href);
      assert.ok(fileExists(href), `the docs page ${href} exists`);
      const data = diagnostic.data as { name: string; fixes: unknown[]; ignore: { newText: string } };
      assert.match(data.name, /^[a-z0-9-]+$/);
      assert.ok(Array.isArray(data.fixes));
      assert.match(data.ignore.newText, new RegExp(`slim-ignore=${diagnostic.code}`));
    }
    const slim001 = published.diagnostics.find((d) => d.code === 'SLIM001')!;
    assert.equal(slim001.severity, 1, 'error → DiagnosticSeverity.Error');
    assert.deepEqual(slim001.range, { start: { line: 7, character: 4 }, end: { line: 7, character: 18 } });
    assert.ok((slim001.data as { fixes: unknown[] }).fixes.length > 0, 'SLIM001 carries its exec-form fix');
    assert.deepEqual(summarize(published.diagnostics), expectedSummary(SCRATCH_GO));
  });

  test('incremental edits (insert, delete, multi-line) end in the diagnostics of the final text, for the last version', async () => {
    const uri = 'file:///tmp/dockerfile-slim-test/incremental/Dockerfile';
    await client.open(uri, UNPINNED_ALPINE, 1);
    await client.waitForVersion(uri, 1);
    const before = client.lastSeq;
    // Insert a tag (fixes SLIM007), delete the RUN line, then replace two lines with three.
    await client.change(uri, 2, [{ range: { start: { line: 0, character: 11 }, end: { line: 0, character: 11 } }, text: ':3.20' }]);
    await client.change(uri, 3, [{ range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, text: '' }]);
    await client.change(uri, 4, [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 1, character: 12 } },
        text: 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nCMD /app --serve',
      },
    ]);
    await client.change(uri, 5, [{ range: { start: { line: 4, character: 8 }, end: { line: 4, character: 16 } }, text: ' -v' }]);
    const final = await client.waitForVersion(uri, 5);

    assert.equal(client.text(uri), 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nCMD /app -v\n');
    assert.deepEqual(summarize(final.diagnostics), expectedSummary(client.text(uri)));
    assert.ok(codesOf(final.diagnostics).includes('SLIM001'), 'the final text has a shell-form CMD in scratch');
    const later = client.published.filter((p) => p.uri === uri && p.seq > before);
    assert.equal(later.at(-1)!.version, 5, 'the last publish is for the last version');
    assert.ok(later.every((p, i) => i === 0 || (p.version ?? 0) >= (later[i - 1].version ?? 0)), 'no stale version published after a newer one');
  });

  test('diagnostics are cleared on close', async () => {
    const uri = 'file:///tmp/dockerfile-slim-test/close/Dockerfile';
    await client.open(uri, SCRATCH_GO);
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
    const before = client.lastSeq;
    await client.close(uri);
    const cleared = await client.waitForDiagnostics(uri, () => true, before);
    assert.deepEqual(cleared.diagnostics, []);
  });

  test('a large file is debounced: a burst of changes gives fewer publishes, the last for the last version', async () => {
    const uri = 'file:///tmp/dockerfile-slim-test/large/Dockerfile';
    const filler = Array.from({ length: 3000 }, (_, i) => `ENV VAR_${i}=${i}`).join('\n');
    const text = `FROM alpine\n${filler}\nCMD /app\n`;
    await client.open(uri, text, 1);
    await client.waitForVersion(uri, 1);
    const before = client.lastSeq;
    const changes = 6;
    for (let version = 2; version <= changes + 1; version++) {
      await client.change(uri, version, [{ range: { start: { line: 0, character: 11 }, end: { line: 0, character: 11 } }, text: version === changes + 1 ? ':3.20' : '' }]);
    }
    const final = await client.waitForVersion(uri, changes + 1);
    const publishes = client.published.filter((p) => p.uri === uri && p.seq > before);
    assert.ok(publishes.length < changes, `${publishes.length} publishes for ${changes} changes`);
    assert.deepEqual(summarize(final.diagnostics), expectedSummary(client.text(uri)));
  });
});

describe('garbage input', () => {
  const bytes = (() => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    return Array.from({ length: 4000 }, () => String.fromCharCode(Math.floor(random() * 0xd7ff))).join('');
  })();
  const cases: Record<string, string> = {
    'random characters': bytes,
    'control bytes and NULs': '\u0000\u0001FROM\u0000 scratch\r\r\nCMD \u0007\u001b[31m\n\u0000',
    'a huge line': `FROM alpine\nRUN ${'echo x && '.repeat(5_000)}true\nCMD ${'a'.repeat(100_000)}\n`,
    'only comments': '# just a comment\n# slim-ignore=SLIM001\n#\n',
    'FROM alone': 'FROM',
    empty: '',
    'unterminated JSON and continuation': 'FROM scratch\nCMD ["/app", "--x\nENTRYPOINT [\\\nRUN \\',
    'bad escape directive and heredoc': '# escape=!\nFROM alpine\nRUN <<EOF\necho $(\nEOF\nHEALTHCHECK CMD\nUSER\nCOPY --from= / /\n',
  };

  for (const [name, text] of Object.entries(cases)) {
    test(`${name}: answers every request and stays alive`, async () => {
      const uri = `file:///tmp/dockerfile-slim-test/garbage/${encodeURIComponent(name.replace(/\s/g, '-'))}/Dockerfile`;
      await client.open(uri, text, 1);
      await client.waitForVersion(uri, 1);
      const position = { line: 0, character: Math.min(2, text.length) };
      const range = { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } };
      await client.request('textDocument/hover', { textDocument: { uri }, position });
      await client.request('textDocument/completion', { textDocument: { uri }, position });
      await client.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } });
      await client.request('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [], only: ['source.fixAll.dockerfileSlim'] } });
      await client.change(uri, 2, [{ range, text: 'FROM scratch\nCMD /app\n' }]);
      await client.waitForVersion(uri, 2);
      await client.close(uri);
      assert.ok(client.alive);
    });
  }

  test('the server still analyses normal files afterwards', async () => {
    const uri = 'file:///tmp/dockerfile-slim-test/after-garbage/Dockerfile';
    await client.open(uri, SCRATCH_GO);
    const published = await client.waitForVersion(uri, 1);
    assert.deepEqual(summarize(published.diagnostics), expectedSummary(SCRATCH_GO));
  });
});
