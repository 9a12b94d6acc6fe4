// Every rule against its fixtures: findings match the inline expectations, the
// preferred fixes produce invalid.fixed.Dockerfile, and fixing is idempotent.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { analyze, type AnalysisOptions } from '../../server/src/analyze';
import { applyEdits, fixAll, preferredFix } from '../../server/src/fixes';
import { initShellParser } from '../../server/src/parse/shell';
import { RULES } from '../../server/src/rules';
import { asExpectation, formatExpectation, readExpectations } from '../support/expectations';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'rules');

before(() => initShellParser());

/** Only `code` is on: each fixture folder tests one rule. */
function only(code: string): AnalysisOptions {
  return { rules: Object.fromEntries(RULES.filter((rule) => rule.meta.code !== code).map((rule) => [rule.meta.code, 'off'])) };
}

function findingsOf(text: string, code: string): string[] {
  const analysis = analyze(text, only(code));
  assert.deepEqual(analysis.errors, [], `rule ${code} threw`);
  return analysis.findings.map((finding) => formatExpectation(asExpectation(text, finding))).sort();
}

function fixtureFiles(code: string): string[] {
  return readdirSync(path.join(FIXTURES, code)).filter((file) => /^(in)?valid(-[\w-]+)?\.Dockerfile$/.test(file));
}

for (const rule of RULES) {
  const { code } = rule.meta;
  const dir = path.join(FIXTURES, code);

  test(`${code} has valid and invalid fixtures`, () => {
    assert.ok(existsSync(path.join(dir, 'valid.Dockerfile')), `${dir}/valid.Dockerfile`);
    assert.ok(existsSync(path.join(dir, 'invalid.Dockerfile')), `${dir}/invalid.Dockerfile`);
  });
  if (!existsSync(dir)) continue;

  for (const file of fixtureFiles(code)) {
    test(`${code} ${file}: findings match the inline expectations`, () => {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const expected = readExpectations(text).map(formatExpectation).sort();
      if (file.startsWith('invalid')) assert.ok(expected.length > 0, `${file} must expect at least one finding`);
      else assert.deepEqual(expected, [], `${file} is valid: it must expect nothing`);
      assert.deepEqual(findingsOf(text, code), expected);
    });

    if (!file.startsWith('invalid')) continue;
    const fixedFile = path.join(dir, file.replace(/\.Dockerfile$/, '.fixed.Dockerfile'));
    test(`${code} ${file}: fixes`, () => {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const findings = analyze(text, only(code)).findings;
      if (findings.some((finding) => finding.fixes.length > 0)) assert.ok(rule.meta.fixable, `${code} offers fixes, so its metadata must say fixable`);
      const preferred = findings.some((finding) => preferredFix(finding));
      assert.equal(existsSync(fixedFile), preferred, `a preferred fix needs ${path.basename(fixedFile)}, and only then`);
      if (!preferred) return;
      const fixed = fixAll(text, only(code)).text;
      assert.equal(fixed, readFileSync(fixedFile, 'utf8'));
      assert.equal(fixAll(fixed, only(code)).text, fixed, 'fixing the fixed file changes nothing');
      const remaining = analyze(fixed, only(code)).findings.filter((finding) => preferredFix(finding));
      assert.deepEqual(remaining.map((f) => formatExpectation(asExpectation(fixed, f))), [], 'the fixed file has no preferred fix left');
    });

    test(`${code} ${file}: every fix, applied alone, removes its finding`, () => {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const findings = analyze(text, only(code)).findings;
      for (const finding of findings) {
        for (const fix of finding.fixes) {
          const after = applyEdits(text, fix.edits.filter((edit) => edit.path === undefined));
          const left = analyze(after, only(code)).findings.length;
          assert.ok(left < findings.length, `"${fix.title}" at line ${finding.range.start.line + 1} must silence its finding`);
        }
      }
    });
  }
}
