// The injection grammar (syntaxes/): vscode-tmgrammar-test checks the inline scope
// assertions of test/fixtures/syntaxes/*.Dockerfile against VS Code's own Dockerfile and
// shell grammars (vendored there, see ORIGIN.md), and the highlighted pragmas are the
// ones the suppression parser reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRegistry, loadConfiguration } from 'vscode-tmgrammar-test/dist/common';
import { parsePragma } from '../../server/src/suppressions';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'syntaxes');
const PACKAGE_JSON = path.join(ROOT, 'package.json');
const TOOL = path.join(ROOT, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js');
const BASE_GRAMMARS = ['docker.tmLanguage.json', 'shell-unix-bash.tmLanguage.json'].map((name) => path.join(FIXTURES, name));
const CASES = ['suppressions.Dockerfile', 'heredocs.Dockerfile'].map((name) => path.join(FIXTURES, name));
const DIRECTIVE = 'meta.directive.suppression.dockerfile';
const CODE = 'constant.other.rule-code.dockerfile';

interface GrammarContribution {
  scopeName: string;
  path: string;
  injectTo?: string[];
  embeddedLanguages?: Record<string, string>;
}

function runTool(config: string, cases: string[]) {
  const args = [TOOL, '--compact', '--config', config, ...BASE_GRAMMARS.flatMap((grammar) => ['-g', grammar]), ...cases];
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

test('every scope assertion in the grammar fixtures holds', () => {
  const { code, output } = runTool(PACKAGE_JSON, CASES);
  assert.equal(code, 0, output);
  for (const file of CASES) assert.match(output, new RegExp(`${path.basename(file)} run successfuly`));
});

test('the assertions fail without the injection grammar (they test it, not the base grammar)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dockerfile-slim-grammar-'));
  try {
    const noInjection = path.join(dir, 'package.json');
    writeFileSync(noInjection, '{}');
    const { code, output } = runTool(noInjection, CASES);
    assert.notEqual(code, 0, output);
    for (const file of CASES) assert.match(output, new RegExp(`ERROR .*${path.basename(file)}:`), `${path.basename(file)} fails without it`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('package.json contributes the grammar, injected into source.dockerfile with shell embedded', () => {
  const manifest = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { contributes: { grammars: GrammarContribution[] } };
  const [contribution] = manifest.contributes.grammars;
  const grammarFile = path.join(ROOT, contribution.path);
  assert.ok(existsSync(grammarFile), grammarFile);
  const grammar = JSON.parse(readFileSync(grammarFile, 'utf8')) as { scopeName: string; injectionSelector: string };
  assert.equal(grammar.scopeName, contribution.scopeName);
  assert.deepEqual(contribution.injectTo, ['source.dockerfile']);
  assert.match(grammar.injectionSelector, /^L:source\.dockerfile /);
  assert.deepEqual(contribution.embeddedLanguages, { 'meta.embedded.block.shell': 'shellscript' });
  assert.match(readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), /^!syntaxes\/\*\.json$/m, 'the .vsix ships the grammar');
});

test('a comment is highlighted as a pragma exactly when the suppression parser reads it as one', async () => {
  const { grammars } = loadConfiguration(PACKAGE_JSON, undefined, BASE_GRAMMARS);
  const grammar = await createRegistry(grammars).loadGrammar('source.dockerfile');
  assert.ok(grammar, 'source.dockerfile loads');
  const lines = [
    '# slim-ignore=SLIM001',
    '#slim-ignore = slim003, SLIM010 reason 2',
    '# slim-ignore=SLIM001SLIM002,x: SLIM003',
    '  # Slim-Ignore-File=SLIM007',
    '# hadolint ignore=DL3007,DL3025',
    '# hadolint   global ignore=DL3009',
    '# check=skip=JSONArgsRecommended',
    '# slim-ignore SLIM001',
    '# slimignore=SLIM001',
    '## slim-ignore=SLIM001',
    '# see slim-ignore=SLIM001',
    '# hadolint ignored=DL3007',
  ];
  for (const line of lines) {
    const { tokens } = grammar.tokenizeLine(line, null);
    const highlighted = tokens.some((token) => token.scopes.includes(DIRECTIVE));
    const pragma = parsePragma(line);
    assert.equal(highlighted, pragma !== undefined, `${JSON.stringify(line)}: highlighted ${highlighted}, parsed ${JSON.stringify(pragma)}`);
    if (pragma?.scope && /slim-ignore/i.test(line)) {
      const codes = tokens.filter((token) => token.scopes.includes(CODE)).map((token) => line.slice(token.startIndex, token.endIndex).toUpperCase());
      assert.deepEqual(codes, pragma.codes, `${JSON.stringify(line)}: the highlighted codes are the ones it ignores`);
    }
  }
});
