// `.dockerfile-slim.json` and editor settings: parsing, errors, precedence, lookup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, parseWorkspaceConfig, resolveConfig } from '../../server/src/config';
import { findWorkspaceConfig } from '../../server/src/workspace-config';

test('a workspace file is parsed; rule codes are normalised to upper case', () => {
  const config = parseWorkspaceConfig('{"rules": {"slim203": "off", "SLIM003": "error"}, "target": "runtime", "context": "."}', 'x.json');
  assert.deepEqual(config, { rules: { SLIM203: 'off', SLIM003: 'error' }, target: 'runtime', context: '.' });
});

for (const [text, message] of [
  ['{', /not valid JSON/],
  ['[]', /expected a JSON object/],
  ['{"rules": []}', /"rules" must be an object/],
  ['{"rules": {"SLIM001": "loud"}}', /severity must be one of off, info, warning, error/],
  ['{"target": 3}', /"target" must be a string/],
] as const) {
  test(`a bad workspace file is a ConfigError naming the file: ${text}`, () => {
    assert.throws(() => parseWorkspaceConfig(text, '/w/.dockerfile-slim.json'), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /^\/w\/\.dockerfile-slim\.json: /);
      assert.match(error.message, message);
      return true;
    });
  });
}

test('editor settings override the workspace file; empty strings mean unset', () => {
  const resolved = resolveConfig({ rules: { SLIM001: 'off', SLIM002: 'info' }, target: 'runtime', context: 'ctx' }, { rules: { SLIM002: 'error' }, target: '', context: 'app' });
  assert.deepEqual(resolved, { rules: { SLIM001: 'off', SLIM002: 'error' }, target: 'runtime', context: 'app' });
});

test('malformed editor rule severities are dropped, not trusted', () => {
  const resolved = resolveConfig(undefined, { rules: { SLIM001: 'loud' as never, slim002: 'off' } });
  assert.deepEqual(resolved.rules, { SLIM002: 'off' });
});

test('the nearest .dockerfile-slim.json applies, never above the stop folder', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'slim-config-'));
  const app = path.join(root, 'workspace', 'services', 'app');
  mkdirSync(app, { recursive: true });
  writeFileSync(path.join(root, '.dockerfile-slim.json'), '{}');
  writeFileSync(path.join(root, 'workspace', 'services', '.dockerfile-slim.json'), '{}');
  assert.equal(findWorkspaceConfig(path.join(app, 'Dockerfile')), path.join(root, 'workspace', 'services', '.dockerfile-slim.json'));
  writeFileSync(path.join(app, '.dockerfile-slim.json'), '{}');
  assert.equal(findWorkspaceConfig(path.join(app, 'Dockerfile')), path.join(app, '.dockerfile-slim.json'));
  const other = path.join(root, 'workspace', 'other');
  mkdirSync(other);
  assert.equal(findWorkspaceConfig(path.join(other, 'Dockerfile'), path.join(root, 'workspace')), undefined);
  assert.equal(findWorkspaceConfig(path.join(other, 'Dockerfile')), path.join(root, '.dockerfile-slim.json'));
});
