// The registry, the rules folder, the docs pages and the README's rules table
// must agree: a rule is added by one file, one fixture folder, one docs page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { IMAGE_RULES } from '../../server/src/image/rules';
import { RULES } from '../../server/src/rules';

const ROOT = path.join(__dirname, '..', '..');

test('the registry lists exactly the rule files, each named CODE-name.ts', () => {
  const files = readdirSync(path.join(ROOT, 'server/src/rules')).filter((file) => /^SLIM\d{3}-/.test(file)).sort();
  assert.deepEqual(files, RULES.map((rule) => `${rule.meta.code}-${rule.meta.name}.ts`).sort());
});

test('rule codes are unique and in order', () => {
  const codes = RULES.map((rule) => rule.meta.code);
  assert.deepEqual(codes, [...new Set(codes)].sort());
});

test("the README's rules table matches the rule metadata", () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const rows = readme
    .split('\n')
    .filter((line) => /^\|\s*\[?SLIM\d{3}/.test(line))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
  const table = rows.map(([code, name, severity, fix]) => ({ code: code.replace(/^\[(SLIM\d+)\].*$/, '$1'), name: name.replace(/`/g, ''), severity, fixable: fix !== 'none' }));
  const meta = [
    ...RULES.map(({ meta }) => ({ code: meta.code, name: meta.name, severity: meta.severity, fixable: meta.fixable })),
    ...IMAGE_RULES.map((meta) => ({ code: meta.code, name: meta.name, severity: meta.severity, fixable: false })),
  ];
  assert.deepEqual(table, meta);
});

for (const meta of [...RULES.map((rule) => rule.meta), ...IMAGE_RULES]) {
  test(`${meta.code} has a docs page with the standard sections`, () => {
    const file = path.join(ROOT, 'docs/rules', `${meta.code}.md`);
    assert.ok(existsSync(file), `missing ${file}`);
    const page = readFileSync(file, 'utf8');
    assert.match(page, new RegExp(`^# ${meta.code}: ${meta.name}\\n`));
    assert.match(page, new RegExp(`Default severity: \\*\\*${meta.severity}\\*\\*`));
    for (const section of ['What it finds', 'Why it matters', 'Bad', 'Good', 'The fix', 'Suppress it']) {
      assert.match(page, new RegExp(`^## ${section}$`, 'm'), `${meta.code}.md lacks "## ${section}"`);
    }
  });
}
