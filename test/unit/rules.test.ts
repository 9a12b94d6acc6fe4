// Every rule against its fixtures: findings match the inline expectations, the
// preferred fixes produce the `.fixed` files, and fixing is idempotent.
//
// A fixture is `(in)valid[-case].Dockerfile` (no build context), or a folder
// `(in)valid[-case]/` holding a `Dockerfile` and its build context (Go and C sources,
// go.mod, Makefiles, scripts). Fixes' results: `invalid[-case].fixed.Dockerfile`, or
// `<file>.fixed` inside the folder for each file the fixes change.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { analyze, type AnalysisOptions } from '../../server/src/analyze';
import { memoryContext } from '../../server/src/context/build-context';
import { applyEdits, fixAllFiles, preferredFix } from '../../server/src/fixes';
import { loadGrammars } from '../../server/src/parse/grammars';
import { RULES } from '../../server/src/rules';
import type { Finding } from '../../server/src/rules/types';
import { asExpectation, formatExpectation, readExpectations } from '../support/expectations';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'rules');

before(() => loadGrammars(['bash', 'go', 'c', 'make']));

interface Fixture {
  name: string;
  invalid: boolean;
  dockerfile: string;
  /** Every file of a folder fixture (the Dockerfile included), by relative path. */
  files: Record<string, string> | undefined;
  /** The expected text after the fixes, by path ('Dockerfile' for the Dockerfile). */
  fixed: Record<string, string>;
}

function readFixture(dir: string, entry: string): Fixture | undefined {
  const match = /^((in)?valid(-[\w-]+)?)(\.Dockerfile)?$/.exec(entry);
  if (!match || entry.endsWith('.fixed.Dockerfile')) return undefined;
  const full = path.join(dir, entry);
  const invalid = match[2] !== undefined;
  if (!statSync(full).isDirectory()) {
    if (!match[4]) return undefined;
    const fixedFile = path.join(dir, `${match[1]}.fixed.Dockerfile`);
    const fixed: Record<string, string> = existsSync(fixedFile) ? { Dockerfile: readFileSync(fixedFile, 'utf8') } : {};
    return { name: entry, invalid, dockerfile: readFileSync(full, 'utf8'), files: undefined, fixed };
  }
  const all = listFiles(full);
  const files = Object.fromEntries(all.filter((file) => !file.endsWith('.fixed')).map((file) => [file, readFileSync(path.join(full, file), 'utf8')]));
  const fixed = Object.fromEntries(all.filter((file) => file.endsWith('.fixed')).map((file) => [file.slice(0, -'.fixed'.length), readFileSync(path.join(full, file), 'utf8')]));
  return { name: `${entry}/`, invalid, dockerfile: files.Dockerfile ?? '', files, fixed };
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

/** Only `code` is on: each fixture folder tests one rule. */
function options(code: string, fixture: Fixture): AnalysisOptions {
  return {
    rules: Object.fromEntries(RULES.filter((rule) => rule.meta.code !== code).map((rule) => [rule.meta.code, 'off'])),
    context: fixture.files && memoryContext(fixture.files),
  };
}

function textOf(fixture: Fixture, finding: Pick<Finding, 'path'>): string {
  return finding.path === undefined ? fixture.dockerfile : (fixture.files?.[finding.path] ?? '');
}

function expected(fixture: Fixture): string[] {
  const sources = fixture.files ?? { Dockerfile: fixture.dockerfile };
  return Object.entries(sources).flatMap(([file, text]) => readExpectations(text, file)).map(formatExpectation).sort();
}

function found(fixture: Fixture, code: string): string[] {
  const analysis = analyze(fixture.dockerfile, options(code, fixture));
  assert.deepEqual(analysis.errors, [], `rule ${code} threw`);
  return analysis.findings.map((finding) => formatExpectation(asExpectation(textOf(fixture, finding), finding))).sort();
}

for (const rule of RULES) {
  const { code } = rule.meta;
  const dir = path.join(FIXTURES, code);
  const fixtures = existsSync(dir) ? readdirSync(dir).map((entry) => readFixture(dir, entry)).filter((fixture): fixture is Fixture => !!fixture) : [];

  test(`${code} has valid and invalid fixtures`, () => {
    assert.ok(fixtures.some((fixture) => /^valid(\.Dockerfile|\/)$/.test(fixture.name)), `${dir}: valid.Dockerfile or valid/`);
    assert.ok(fixtures.some((fixture) => /^invalid(\.Dockerfile|\/)$/.test(fixture.name)), `${dir}: invalid.Dockerfile or invalid/`);
  });

  for (const fixture of fixtures) {
    test(`${code} ${fixture.name}: findings match the inline expectations`, () => {
      const wanted = expected(fixture);
      if (fixture.invalid) assert.ok(wanted.length > 0, `${fixture.name} must expect at least one finding`);
      else assert.deepEqual(wanted, [], `${fixture.name} is valid: it must expect nothing`);
      assert.deepEqual(found(fixture, code), wanted);
    });
    if (!fixture.invalid) continue;

    test(`${code} ${fixture.name}: fixes`, () => {
      const findings = analyze(fixture.dockerfile, options(code, fixture)).findings;
      if (findings.some((finding) => finding.fixes.length > 0)) assert.ok(rule.meta.fixable, `${code} offers fixes, so its metadata must say fixable`);
      const preferred = findings.some((finding) => preferredFix(finding));
      assert.equal(Object.keys(fixture.fixed).length > 0, preferred, 'a preferred fix needs the .fixed file(s), and only then');
      if (!preferred) return;
      const result = fixAllFiles(fixture.dockerfile, options(code, fixture));
      const changed: Record<string, string> = { ...Object.fromEntries(result.files) };
      if (result.text !== fixture.dockerfile || fixture.files === undefined) changed.Dockerfile = result.text;
      assert.deepEqual(changed, fixture.fixed);
      const after: Fixture = { ...fixture, dockerfile: result.text, files: fixture.files && { ...fixture.files, ...changed } };
      const again = fixAllFiles(after.dockerfile, options(code, after));
      assert.equal(again.text, after.dockerfile, 'fixing the fixed Dockerfile changes nothing');
      assert.equal(again.files.size, 0, 'fixing the fixed files changes nothing');
      const remaining = analyze(after.dockerfile, options(code, after)).findings.filter((finding) => preferredFix(finding));
      assert.deepEqual(remaining.map((f) => formatExpectation(asExpectation(textOf(after, f), f))), [], 'no preferred fix is left');
    });

    test(`${code} ${fixture.name}: every fix, applied alone, removes its finding`, () => {
      const findings = analyze(fixture.dockerfile, options(code, fixture)).findings;
      for (const finding of findings) {
        for (const fix of finding.fixes) {
          const after = applyAlone(fixture, fix.edits);
          const left = analyze(after.dockerfile, options(code, after)).findings.length;
          assert.ok(left < findings.length, `"${fix.title}" at ${finding.path ?? 'Dockerfile'}:${finding.range.start.line + 1} must silence its finding`);
        }
      }
    });
  }
}

function applyAlone(fixture: Fixture, edits: Finding['fixes'][number]['edits']): Fixture {
  const dockerfile = applyEdits(fixture.dockerfile, edits.filter((edit) => edit.path === undefined));
  if (!fixture.files) return { ...fixture, dockerfile };
  const files: Record<string, string> = { ...fixture.files, Dockerfile: dockerfile };
  for (const file of new Set(edits.map((edit) => edit.path).filter((p): p is string => p !== undefined))) {
    files[file] = applyEdits(files[file] ?? '', edits.filter((edit) => edit.path === file));
  }
  return { ...fixture, dockerfile, files };
}
