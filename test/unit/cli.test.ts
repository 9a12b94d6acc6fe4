// `dockerfile-slim lint`: argument parsing, file discovery, the three formats, exit
// codes, --fix, --target and configs. Most cases run the CLI in-process (fast, same
// code as the bundle); a few run the built dist/cli.js (`npm run build` first) to
// prove the binary itself: exit codes, one stderr line, no stack traces.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCommandLine, UsageError } from '../../server/src/cli/args';
import { isDockerfileName } from '../../server/src/cli/files';
import type { CliIo } from '../../server/src/cli/io';
import { DEFAULT_ENGINE, hasStage, type LintEngine } from '../../server/src/cli/lint';
import { fixKeepingLineEndings } from '../../server/src/fixes';
import { runCli } from '../../server/src/cli/main';
import { fileReport } from '../../server/src/cli/report';
import { artifactLocation, sectionText } from '../../server/src/cli/sarif';
import { formatText } from '../../server/src/cli/text';
import { VERSION } from '../../server/src/cli/version';
import { analyze, type AnalyzedFinding } from '../../server/src/analyze';
import { fsBuildContext } from '../../server/src/context/fs-context';
import { fixAllFiles } from '../../server/src/fixes';
import { loadGrammars } from '../../server/src/parse/grammars';
import { RULES } from '../../server/src/rules';
import { version as packageVersion } from '../../package.json';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'cli');
const isRoot = process.getuid?.() === 0;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  cwd: string;
  tty?: boolean;
  env?: Record<string, string | undefined>;
  engine?: LintEngine;
}

async function lint(args: string[], options: RunOptions): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdoutIsTTY: options.tty ?? false,
    env: options.env ?? {},
    cwd: options.cwd,
  };
  const code = await runCli(['lint', ...args], io, options.engine);
  return { code, stdout, stderr };
}

/** The built binary, as a user runs it. */
function spawnCli(args: string[], cwd: string, extra: { uid?: number; gid?: number } = {}): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, ...extra });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

function assertOneStderrLine(run: Run, pattern: RegExp): void {
  assert.equal(run.code, 2, `exit code (stderr: ${run.stderr})`);
  const lines = run.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `exactly one stderr line, got: ${JSON.stringify(run.stderr)}`);
  assert.match(lines[0], /^dockerfile-slim: /);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
}

const tempDirs: string[] = [];
after(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * A throwaway project with a `.dockerfile-slim.json` that leaves on only `rulesOn`,
 * so these tests depend on a few well-defined rules, not on every rule's details.
 */
function project(files: Record<string, string>, rulesOn: string[] = ['SLIM001', 'SLIM007'], extraRules: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slim-cli-'));
  chmodSync(dir, 0o755); // the unreadable-file test runs the CLI as another user
  tempDirs.push(dir);
  const rules = Object.fromEntries(RULES.filter((rule) => !rulesOn.includes(rule.meta.code)).map((rule) => [rule.meta.code, 'off']));
  writeFileSync(path.join(dir, '.dockerfile-slim.json'), JSON.stringify({ rules: { ...rules, ...extraRules } }));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

describe('argument parsing', () => {
  test('lint options, in both --opt value and --opt=value forms', () => {
    assert.deepEqual(parseCommandLine(['lint', '--format=json', '--fix', '--target', 'runtime', '--config', 'c.json', '--fail-level', 'warning', 'a', '--', '--b']), {
      kind: 'lint',
      options: { format: 'json', fix: true, target: 'runtime', config: 'c.json', context: undefined, failLevel: 'warning', paths: ['a', '--b'] },
    });
    assert.deepEqual(parseCommandLine(['lint', 'Dockerfile']), {
      kind: 'lint',
      options: { format: 'text', fix: false, target: undefined, config: undefined, context: undefined, failLevel: 'error', paths: ['Dockerfile'] },
    });
    assert.deepEqual(parseCommandLine(['lint', '--context', '..', 'Dockerfile']), {
      kind: 'lint',
      options: { format: 'text', fix: false, target: undefined, config: undefined, context: '..', failLevel: 'error', paths: ['Dockerfile'] },
    });
  });

  test('help, version, slim and inspect', () => {
    assert.deepEqual(parseCommandLine(['--help']), { kind: 'help', topic: 'main' });
    assert.deepEqual(parseCommandLine(['-h']), { kind: 'help', topic: 'main' });
    assert.deepEqual(parseCommandLine(['lint', '-h']), { kind: 'help', topic: 'lint' });
    assert.deepEqual(parseCommandLine(['--version']), { kind: 'version' });
    assert.deepEqual(parseCommandLine(['slim', 'Dockerfile']), { kind: 'slim', options: { path: 'Dockerfile', write: false, runtime: 'auto', target: undefined, config: undefined, context: undefined } });
    assert.deepEqual(parseCommandLine(['inspect', 'img']), { kind: 'inspect', options: { image: 'img', format: 'text', engine: undefined, enginePath: undefined, config: undefined } });
  });

  for (const [argv, message] of [
    [[], /no command/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['--frob'], /unknown option '--frob'/],
    [['lint', '--frob', 'Dockerfile'], /unknown option '--frob'/],
    [['lint'], /no PATH/],
    [['lint', '--format', 'xml', 'Dockerfile'], /invalid value 'xml' for --format \(expected text, json, sarif\)/],
    [['lint', '--fail-level=fatal', 'Dockerfile'], /invalid value 'fatal' for --fail-level/],
    [['lint', 'Dockerfile', '--target'], /option '--target' needs a value/],
    [['lint', '--target', '--fix', 'Dockerfile'], /option '--target' needs a value/],
    [['lint', '--fix=yes', 'Dockerfile'], /takes no value/],
    [['lint', 'Dockerfile', '--context'], /option '--context' needs a value/],
  ] as const) {
    test(`usage error: ${JSON.stringify(argv)}`, () => {
      assert.throws(() => parseCommandLine(argv), (error: unknown) => error instanceof UsageError && message.test(error.message));
    });
  }
});

describe('file names and discovery', () => {
  test('Docker and Podman file names', () => {
    for (const name of ['Dockerfile', 'Containerfile', 'dockerfile', 'containerfile', 'Dockerfile.dev', 'Dockerfile.prod.j2', 'Containerfile.arm64', 'api.Dockerfile', 'web.dockerfile', 'x.Containerfile']) {
      assert.ok(isDockerfileName(name), name);
    }
    for (const name of ['Dockerfile.dockerignore', 'api.Dockerfile.dockerignore', '.dockerignore', 'Dockerfiles', 'README.md', '.Dockerfile', 'MyDockerfile', 'dockerfile.ts', 'Dockerfile.md', 'Dockerfile.test.ts', 'DOCKERFILE']) {
      assert.ok(!isDockerfileName(name), name);
    }
  });

  test('a folder is searched recursively, skipping node_modules and dot-folders, in name order', async () => {
    const dir = project({
      'Dockerfile': fixture('clean.Dockerfile'),
      'services/api/Containerfile': fixture('clean.Dockerfile'),
      'services/web/web.Dockerfile': fixture('clean.Dockerfile'),
      'services/web/Dockerfile.dev': fixture('clean.Dockerfile'),
      'services/web/Dockerfile.dockerignore': 'node_modules\n',
      'services/web/README.md': 'FROM nothing\n',
      'node_modules/pkg/Dockerfile': 'not a Dockerfile',
      '.git/Dockerfile': 'not a Dockerfile',
      '.devcontainer/Dockerfile': 'not a Dockerfile',
    });
    const run = await lint(['--format', 'json', '.'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      JSON.parse(run.stdout).files.map((file: { path: string }) => file.path),
      ['Dockerfile', 'services/api/Containerfile', 'services/web/Dockerfile.dev', 'services/web/web.Dockerfile'],
    );
  });

  test('a file named twice (directly and through its folder) is linted once', async () => {
    const dir = project({ 'app/Dockerfile': fixture('clean.Dockerfile') });
    const run = await lint(['--format', 'json', 'app/Dockerfile', 'app'], { cwd: dir });
    assert.deepEqual(JSON.parse(run.stdout).files.map((file: { path: string }) => file.path), ['app/Dockerfile']);
  });
});

describe('input errors: exit code 2 and one line on stderr', () => {
  test('missing file', async () => {
    const dir = project({});
    assertOneStderrLine(await lint(['x/Dockerfile'], { cwd: dir }), /^dockerfile-slim: cannot read 'x\/Dockerfile': no such file$/);
  });

  test('folder without Dockerfiles', async () => {
    const dir = project({ 'src/main.go': 'package main\n' });
    assertOneStderrLine(await lint(['src'], { cwd: dir }), /no Dockerfiles in folder 'src' \(looked for Dockerfile, Containerfile/);
  });

  test('not a Dockerfile: no FROM instruction', async () => {
    const dir = project({ 'Dockerfile': fixture('no-from.txt') });
    assertOneStderrLine(await lint(['Dockerfile'], { cwd: dir }), /'Dockerfile' is not a Dockerfile \(no FROM instruction\)$/);
  });

  test('an empty file is not a Dockerfile', async () => {
    const dir = project({ 'Dockerfile': '' });
    assertOneStderrLine(await lint(['Dockerfile'], { cwd: dir }), /'Dockerfile' is not a Dockerfile \(no FROM instruction\)$/);
  });

  test('a binary file is not a Dockerfile', async () => {
    const dir = project({ 'Dockerfile': 'FROM scratch\n\0\x01\x02' });
    assertOneStderrLine(await lint(['Dockerfile'], { cwd: dir }), /'Dockerfile' is not a Dockerfile \(binary file\)$/);
  });

  test('a device is not a regular file', async () => {
    assertOneStderrLine(await lint(['/dev/null'], { cwd: os.tmpdir() }), /cannot read '\/dev\/null': not a regular file$/);
  });

  // Root reads chmod-000 files, so as root the built CLI runs as `nobody` instead.
  test('unreadable file', async () => {
    const dir = project({ 'Dockerfile': fixture('clean.Dockerfile') });
    chmodSync(path.join(dir, 'Dockerfile'), 0o000);
    const run = isRoot ? spawnCli(['lint', path.join(dir, 'Dockerfile')], dir, { uid: 65534, gid: 65534 }) : await lint(['Dockerfile'], { cwd: dir });
    assertOneStderrLine(run, /cannot read '.*Dockerfile': permission denied$/);
  });

  test('unreadable folder', async () => {
    const dir = project({ 'locked/Dockerfile': fixture('clean.Dockerfile') });
    chmodSync(path.join(dir, 'locked'), 0o000);
    try {
      const run = isRoot ? spawnCli(['lint', path.join(dir, 'locked')], dir, { uid: 65534, gid: 65534 }) : await lint(['locked'], { cwd: dir });
      assertOneStderrLine(run, /cannot read folder '.*locked': permission denied$/);
    } finally {
      chmodSync(path.join(dir, 'locked'), 0o755);
    }
  });

  test('one line per problem, and nothing is linted or written when any input is bad', async () => {
    const dir = project({ 'Dockerfile': fixture('app.Dockerfile') });
    const run = await lint(['--fix', 'Dockerfile', 'missing1', 'missing2'], { cwd: dir });
    assert.equal(run.code, 2);
    assert.deepEqual(run.stderr.trim().split('\n'), ["dockerfile-slim: cannot read 'missing1': no such file", "dockerfile-slim: cannot read 'missing2': no such file"]);
    assert.equal(run.stdout, '');
    assert.equal(readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), fixture('app.Dockerfile'));
  });

  test('invalid --config: the config error', async () => {
    const dir = project({ 'Dockerfile': fixture('clean.Dockerfile'), 'bad.json': '{"rules": {"SLIM001": "loud"}}' });
    assertOneStderrLine(await lint(['--config', 'bad.json', 'Dockerfile'], { cwd: dir }), /^dockerfile-slim: bad\.json: rule SLIM001: severity must be one of off, info, warning, error$/);
  });

  test('--config that is not JSON, or missing', async () => {
    const dir = project({ 'Dockerfile': fixture('clean.Dockerfile'), 'bad.json': '{"rules": \n' });
    assertOneStderrLine(await lint(['--config', 'bad.json', 'Dockerfile'], { cwd: dir }), /bad\.json: not valid JSON/);
    assertOneStderrLine(await lint(['--config', 'none.json', 'Dockerfile'], { cwd: dir }), /cannot read config 'none\.json': no such file$/);
  });

  test('an invalid .dockerfile-slim.json found beside the Dockerfile', async () => {
    const dir = project({ 'app/Dockerfile': fixture('clean.Dockerfile'), 'app/.dockerfile-slim.json': '[1]' });
    assertOneStderrLine(await lint(['app'], { cwd: dir }), /app\/\.dockerfile-slim\.json: expected a JSON object$/);
  });

  test('--target that names no stage', async () => {
    const dir = project({ 'Dockerfile': fixture('app.Dockerfile') });
    assertOneStderrLine(await lint(['--target', 'tests', 'Dockerfile'], { cwd: dir }), /'Dockerfile' has no stage 'tests' \(--target\)$/);
  });

  test('a rule that crashes the analysis: one line, exit 2, no stack trace', async () => {
    const dir = project({ 'Dockerfile': fixture('clean.Dockerfile') });
    const engine: LintEngine = { ...DEFAULT_ENGINE, analyze: () => { throw new TypeError('boom\n    at somewhere'); } };
    assertOneStderrLine(await lint(['Dockerfile'], { cwd: dir, engine }), /internal error while linting 'Dockerfile': boom at somewhere$/);
  });
});

describe('exit codes and --fail-level', () => {
  test('0 when clean, 1 on an error', async () => {
    const dir = project({ 'clean.Dockerfile': fixture('clean.Dockerfile'), 'app.Dockerfile': fixture('app.Dockerfile') });
    assert.equal((await lint(['clean.Dockerfile'], { cwd: dir })).code, 0);
    assert.equal((await lint(['app.Dockerfile'], { cwd: dir })).code, 1);
    assert.equal((await lint(['clean.Dockerfile', 'app.Dockerfile'], { cwd: dir })).code, 1);
  });

  test('a warning fails only at --fail-level warning or info', async () => {
    const dir = project({ 'Dockerfile': fixture('unpinned.Dockerfile') });
    assert.equal((await lint(['Dockerfile'], { cwd: dir })).code, 0);
    assert.equal((await lint(['--fail-level', 'error', 'Dockerfile'], { cwd: dir })).code, 0);
    assert.equal((await lint(['--fail-level', 'warning', 'Dockerfile'], { cwd: dir })).code, 1);
    assert.equal((await lint(['--fail-level', 'info', 'Dockerfile'], { cwd: dir })).code, 1);
  });

  test('an info fails only at --fail-level info (severity set by the config)', async () => {
    const dir = project({ 'Dockerfile': fixture('unpinned.Dockerfile') }, ['SLIM007'], { SLIM007: 'info' });
    const json = await lint(['--format', 'json', 'Dockerfile'], { cwd: dir });
    assert.deepEqual(JSON.parse(json.stdout).files[0].diagnostics.map((d: { severity: string }) => d.severity), ['info']);
    assert.equal(json.code, 0);
    assert.equal((await lint(['--fail-level', 'warning', 'Dockerfile'], { cwd: dir })).code, 0);
    assert.equal((await lint(['--fail-level', 'info', 'Dockerfile'], { cwd: dir })).code, 1);
  });

  test('analysis errors are warnings on stderr; the run goes on', async () => {
    const dir = project({ 'Dockerfile': fixture('app.Dockerfile') });
    const engine: LintEngine = {
      ...DEFAULT_ENGINE,
      analyze: (text, options) => ({ ...DEFAULT_ENGINE.analyze(text, options), errors: [{ code: 'SLIM003', error: new Error('oops') }] }),
    };
    const run = await lint(['Dockerfile'], { cwd: dir, engine });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, "dockerfile-slim: warning: rule SLIM003 failed on 'Dockerfile' (its findings are missing): oops\n");
    assert.match(run.stdout, /SLIM001/);
  });
});

describe('--format text', () => {
  test('path:line:col: severity CODE message [name], then the summary', async () => {
    const dir = project({ 'app.Dockerfile': fixture('app.Dockerfile'), 'unpinned.Dockerfile': fixture('unpinned.Dockerfile') });
    const run = await lint(['app.Dockerfile', 'unpinned.Dockerfile'], { cwd: dir });
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0], /^app\.Dockerfile:10:5: error SLIM001 CMD is in shell form.* \[shell-form-without-shell\]$/);
    assert.match(lines[1], /^unpinned\.Dockerfile:1:6: warning SLIM007 .* \[unpinned-base-image\]$/);
    assert.equal(lines[2], '1 error, 1 warning, 0 infos in 2 files');
    assert.equal(run.stderr, '');
    assert.doesNotMatch(run.stdout, /\x1b\[/);
  });

  test('colours only on a terminal, and never with NO_COLOR', async () => {
    const dir = project({ 'Dockerfile': fixture('app.Dockerfile') });
    assert.match((await lint(['Dockerfile'], { cwd: dir, tty: true })).stdout, /\x1b\[31merror\x1b\[0m/);
    assert.doesNotMatch((await lint(['Dockerfile'], { cwd: dir, tty: true, env: { NO_COLOR: '1' } })).stdout, /\x1b\[/);
  });

  test('a clean run prints only the summary', async () => {
    const dir = project({ 'Dockerfile': fixture('clean.Dockerfile') });
    assert.equal((await lint(['Dockerfile'], { cwd: dir })).stdout, '0 errors, 0 warnings, 0 infos in 1 file\n');
  });

  test('multi-line messages stay on one line', () => {
    const report = { version: 1 as const, files: [fileReport('Dockerfile', [finding({ message: 'first\nsecond' })])] };
    assert.match(formatText(report, { color: false }), /^Dockerfile:2:5: warning SLIM999 first second \[test-rule\]\n/);
  });
});

describe('--format json', () => {
  test('the whole document, exactly the spec schema', async () => {
    const dir = project({ 'Dockerfile': fixture('app.Dockerfile') });
    const run = await lint(['--format', 'json', 'Dockerfile'], { cwd: dir });
    assert.equal(run.code, 1);
    const document = JSON.parse(run.stdout);
    const message = document.files[0]?.diagnostics[0]?.message;
    assert.equal(typeof message, 'string');
    assert.deepEqual(document, {
      version: 1,
      files: [
        {
          path: 'Dockerfile',
          diagnostics: [
            {
              code: 'SLIM001',
              name: 'shell-form-without-shell',
              severity: 'error',
              message,
              path: 'Dockerfile',
              range: { start: { line: 9, character: 4 }, end: { line: 9, character: 20 } },
              fixes: [
                {
                  title: 'Convert to exec form',
                  preferred: true,
                  edits: [{ path: 'Dockerfile', range: { start: { line: 9, character: 4 }, end: { line: 9, character: 20 } }, newText: '["/app","--port","8080"]' }],
                },
              ],
            },
          ],
        },
      ],
    });
    // Key order as in the spec, too: people read it and diff it.
    const diagnostic = document.files[0].diagnostics[0];
    assert.deepEqual(Object.keys(document), ['version', 'files']);
    assert.deepEqual(Object.keys(document.files[0]), ['path', 'diagnostics']);
    assert.deepEqual(Object.keys(diagnostic), ['code', 'name', 'severity', 'message', 'path', 'range', 'fixes']);
    assert.deepEqual(Object.keys(diagnostic.fixes[0]), ['title', 'preferred', 'edits']);
    assert.deepEqual(Object.keys(diagnostic.fixes[0].edits[0]), ['path', 'range', 'newText']);
  });

  test('paths as given on the command line, in a subfolder too', async () => {
    const dir = project({ 'svc/app.Dockerfile': fixture('app.Dockerfile') });
    const document = JSON.parse((await lint(['--format=json', './svc/app.Dockerfile'], { cwd: dir })).stdout);
    assert.equal(document.files[0].path, './svc/app.Dockerfile');
    assert.equal(document.files[0].diagnostics[0].path, './svc/app.Dockerfile');
    assert.equal(document.files[0].diagnostics[0].fixes[0].edits[0].path, './svc/app.Dockerfile');
  });

  test('fixes: only the first (non-manual) one is preferred; edits in other files are relative to the Dockerfile; no ignore edit', () => {
    const report = fileReport(
      'svc/Dockerfile',
      [finding({
        fixes: [
          { title: 'A', edits: [{ range: range(1, 0, 1, 3), newText: 'a' }, { path: 'Makefile', range: range(0, 0, 0, 0), newText: 'b' }] },
          { title: 'B', edits: [{ path: '/abs/file', range: range(0, 0, 0, 0), newText: 'c' }] },
        ],
      }), finding({ code: 'SLIM998', range: range(0, 0, 0, 4), fixes: [{ title: 'Rewrite', manual: true, edits: [] }] })],
    );
    assert.deepEqual(report.diagnostics.map((d) => d.code), ['SLIM998', 'SLIM999'], 'sorted by position');
    assert.deepEqual(report.diagnostics[0].fixes.map((fix) => fix.preferred), [false]);
    const [a, b] = report.diagnostics[1].fixes;
    assert.deepEqual([a.preferred, b.preferred], [true, false]);
    assert.deepEqual(a.edits.map((edit) => edit.path), ['svc/Dockerfile', 'svc/Makefile']);
    assert.deepEqual(b.edits.map((edit) => edit.path), ['/abs/file']);
    assert.ok(!JSON.stringify(report).includes('slim-ignore'));
  });

  test('only JSON on stdout, even with --fix', async () => {
    const dir = project({ 'Dockerfile': fixture('app.Dockerfile') });
    const run = await lint(['--format', 'json', '--fix', 'Dockerfile'], { cwd: dir });
    assert.deepEqual(JSON.parse(run.stdout), { version: 1, files: [{ path: 'Dockerfile', diagnostics: [] }] });
    assert.equal(run.code, 0);
  });
});

describe('--format sarif', () => {
  test('a valid SARIF 2.1.0 log: driver, every rule, results with 1-based regions and the preferred fix', async () => {
    const dir = project({ 'svc/app.Dockerfile': fixture('app.Dockerfile'), 'unpinned.Dockerfile': fixture('unpinned.Dockerfile') }, ['SLIM001', 'SLIM007'], { SLIM007: 'info' });
    const run = await lint(['--format', 'sarif', 'svc', 'unpinned.Dockerfile'], { cwd: dir });
    assert.equal(run.code, 1);
    const log = JSON.parse(run.stdout);
    assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const [sarifRun] = log.runs;
    const { driver } = sarifRun.tool;
    assert.equal(driver.name, 'dockerfile-slim');
    assert.equal(driver.version, packageVersion);
    assert.match(driver.informationUri, /^https:\/\//);

    assert.deepEqual(driver.rules.map((rule: { id: string }) => rule.id), RULES.map((rule) => rule.meta.code));
    for (const [index, rule] of driver.rules.entries()) {
      const { meta } = RULES[index];
      assert.equal(rule.name, meta.name);
      assert.equal(rule.shortDescription.text, meta.summary);
      assert.ok(rule.fullDescription.text.length > 0);
      assert.equal(rule.helpUri, `https://github.com/dockerfile-slim/dockerfile-slim/blob/main/docs/rules/${meta.code}.md`);
      assert.ok(rule.help.text.length > 0);
      const page = path.join(ROOT, 'docs', 'rules', `${meta.code}.md`);
      if (existsSync(page)) assert.equal(rule.help.markdown, readFileSync(page, 'utf8'));
      assert.equal(rule.defaultConfiguration.level, { error: 'error', warning: 'warning', info: 'note' }[meta.severity]);
      const family = { SLIM0: 'dockerfile', SLIM2: 'go', SLIM3: 'c', SLIM9: 'image' }[meta.code.slice(0, 5)];
      assert.ok(Array.isArray(rule.properties.tags) && rule.properties.tags.includes(family), `${meta.code}: ${rule.properties.tags}`);
    }

    assert.equal(sarifRun.results.length, 2);
    for (const result of sarifRun.results) {
      assert.equal(driver.rules[result.ruleIndex].id, result.ruleId, 'ruleIndex points at its rule');
      assert.ok(result.message.text.length > 0);
    }
    const [error, note] = sarifRun.results;
    assert.equal(error.ruleId, 'SLIM001');
    assert.equal(error.level, 'error');
    assert.deepEqual(error.locations, [
      { physicalLocation: { artifactLocation: { uri: 'svc/app.Dockerfile', uriBaseId: '%SRCROOT%' }, region: { startLine: 10, startColumn: 5, endLine: 10, endColumn: 21 } } },
    ]);
    assert.deepEqual(error.fixes, [
      {
        description: { text: 'Convert to exec form' },
        artifactChanges: [
          {
            artifactLocation: { uri: 'svc/app.Dockerfile', uriBaseId: '%SRCROOT%' },
            replacements: [{ deletedRegion: { startLine: 10, startColumn: 5, endLine: 10, endColumn: 21 }, insertedContent: { text: '["/app","--port","8080"]' } }],
          },
        ],
      },
    ]);
    assert.equal(note.ruleId, 'SLIM007');
    assert.equal(note.level, 'note');
    assert.equal(note.fixes, undefined, 'no fix, no fixes property');
    assert.equal(sarifRun.originalUriBaseIds['%SRCROOT%'].uri, `file://${dir}/`);
  });

  test("a rule's fullDescription is its docs page's \"What it finds\" section", () => {
    const page = '# SLIM999: test-rule\n\nDefault severity: **warning**\n\n## What it finds\nA shell-form `CMD`\nin scratch.\n\n## Why it matters\nIt fails.\n';
    assert.equal(sectionText(page, 'What it finds'), 'A shell-form `CMD` in scratch.');
    assert.equal(sectionText(page, 'Why it matters'), 'It fails.');
    assert.equal(sectionText(page, 'Bad'), undefined);
  });

  test('artifact URIs: forward slashes, percent-encoded, absolute paths as file URIs', () => {
    assert.deepEqual(artifactLocation('./a b/Dockerfile'), { uri: 'a%20b/Dockerfile', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactLocation('/srv/app/Dockerfile'), { uri: 'file:///srv/app/Dockerfile' });
  });
});

describe('--fix', () => {
  test('writes the preferred fixes, reports what remains; a second --fix changes nothing', async () => {
    const dir = project({ 'Dockerfile': fixture('app.Dockerfile') });
    const file = path.join(dir, 'Dockerfile');
    const first = await lint(['--fix', 'Dockerfile'], { cwd: dir });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(first.stdout, '0 errors, 0 warnings, 0 infos in 1 file (fixes written to 1 file)\n');
    const fixed = readFileSync(file, 'utf8');
    assert.equal(fixed, fixture('app.Dockerfile').replace('CMD /app --port 8080', 'CMD ["/app","--port","8080"]'));

    const second = await lint(['--fix', 'Dockerfile'], { cwd: dir });
    assert.equal(second.stdout, '0 errors, 0 warnings, 0 infos in 1 file (fixes written to 0 files)\n');
    assert.equal(readFileSync(file, 'utf8'), fixed);
  });

  test('remaining diagnostics decide the exit code', async () => {
    const dir = project({ 'Dockerfile': fixture('app.Dockerfile').replace('FROM scratch', 'FROM scratch:latest') }, ['SLIM001', 'SLIM007']);
    const run = await lint(['--fix', '--fail-level', 'warning', '--format', 'json', 'Dockerfile'], { cwd: dir });
    const codes = JSON.parse(run.stdout).files[0].diagnostics.map((d: { code: string }) => d.code);
    assert.ok(!codes.includes('SLIM001'), 'SLIM001 was fixed');
    assert.equal(run.code, codes.length > 0 ? 1 : 0);
  });

  test('a file that needs no fix is not rewritten', async () => {
    const dir = project({ 'Dockerfile': fixture('unpinned.Dockerfile') });
    const file = path.join(dir, 'Dockerfile');
    const old = new Date('2020-01-01T00:00:00Z');
    utimesSync(file, old, old);
    await lint(['--fix', 'Dockerfile'], { cwd: dir });
    assert.equal(statSync(file).mtime.getTime(), old.getTime());
  });

  test('CRLF line endings are kept, inserted lines included', async () => {
    // SLIM003's fix inserts a USER line: the new line must be CRLF too.
    const crlf = 'FROM scratch\r\nCOPY app /app\r\nCMD /app --port 8080\r\n';
    const dir = project({ 'Dockerfile': crlf }, ['SLIM001', 'SLIM003']);
    const run = await lint(['--fix', 'Dockerfile'], { cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const fixed = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    assert.notEqual(fixed, crlf);
    assert.match(fixed, /CMD \["\/app","--port","8080"\]\r\n/);
    assert.match(fixed, /\r\nUSER /);
    assert.doesNotMatch(fixed, /(^|[^\r])\n/, 'no bare LF');
  });

  test('line-ending handling on its own: CRLF throughout is restored, mixed files are fixed as they are', () => {
    const addLine = (text: string) => text.replace('CMD', 'USER app\nCMD');
    assert.equal(fixKeepingLineEndings('FROM a\r\nCMD x\r\n', addLine), 'FROM a\r\nUSER app\r\nCMD x\r\n');
    assert.equal(fixKeepingLineEndings('FROM a\nCMD x\n', addLine), 'FROM a\nUSER app\nCMD x\n');
    assert.equal(fixKeepingLineEndings('FROM a\r\nRUN b\nCMD x\n', addLine), 'FROM a\r\nRUN b\nUSER app\nCMD x\n');
  });

  test('a byte order mark is kept', async () => {
    const dir = project({ 'Dockerfile': '\ufeff' + fixture('app.Dockerfile') });
    await lint(['--fix', 'Dockerfile'], { cwd: dir });
    const fixed = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    assert.ok(fixed.startsWith('\ufeff# A Go program'));
    assert.match(fixed, /CMD \["\/app"/);
  });
});

describe('--target and configs', () => {
  test('--target picks the stage whose runtime is checked', async () => {
    const dir = project({ 'Dockerfile': fixture('app.Dockerfile') }, ['SLIM003']);
    const codes = async (args: string[]) => JSON.parse((await lint(['--format', 'json', ...args, 'Dockerfile'], { cwd: dir })).stdout).files[0].diagnostics.map((d: { code: string }) => d.code);
    assert.deepEqual(await codes([]), [], 'runtime sets USER 65532');
    assert.deepEqual(await codes(['--target', 'build']), ['SLIM003'], 'golang runs as root');
    assert.deepEqual(await codes(['--target', 'BUILD']), ['SLIM003'], 'stage names are case-insensitive');
    assert.deepEqual(await codes(['--target', '0']), ['SLIM003'], 'or an index');
  });

  test("--target overrides the config's target", async () => {
    const dir = project({ 'Dockerfile': fixture('app.Dockerfile') }, ['SLIM003']);
    const config = JSON.parse(readFileSync(path.join(dir, '.dockerfile-slim.json'), 'utf8'));
    writeFileSync(path.join(dir, '.dockerfile-slim.json'), JSON.stringify({ ...config, target: 'build' }));
    const count = async (args: string[]) => JSON.parse((await lint(['--format', 'json', ...args, 'Dockerfile'], { cwd: dir })).stdout).files[0].diagnostics.length;
    assert.equal(await count([]), 1, 'the config targets build');
    assert.equal(await count(['--target', 'runtime']), 0);
  });

  test('the nearest .dockerfile-slim.json applies to each Dockerfile; --config replaces them all', async () => {
    const dir = project({ 'a/Dockerfile': fixture('unpinned.Dockerfile'), 'b/Dockerfile': fixture('unpinned.Dockerfile'), 'b/.dockerfile-slim.json': '{"rules": {"SLIM007": "error"}}', 'strict.json': '{"rules": {"SLIM007": "off"}}' });
    const severities = (run: Run) => JSON.parse(run.stdout).files.map((file: { diagnostics: { code: string; severity: string }[] }) => file.diagnostics.filter((d) => d.code === 'SLIM007').map((d) => d.severity));
    const nearest = await lint(['--format', 'json', 'a', 'b'], { cwd: dir });
    assert.deepEqual(severities(nearest), [['warning'], ['error']]);
    assert.equal(nearest.code, 1);
    const explicit = await lint(['--format', 'json', '--config', 'strict.json', 'a', 'b'], { cwd: dir });
    assert.deepEqual(severities(explicit), [[], []]);
  });

  test('hasStage: names in any case, or indices', () => {
    const text = 'FROM a AS Build\nFROM b\n';
    assert.ok(hasStage(text, 'build'));
    assert.ok(hasStage(text, '1'));
    assert.ok(!hasStage(text, '2'));
    assert.ok(!hasStage(text, 'runtime'));
  });
});

describe('build contexts', () => {
  before(() => loadGrammars(['bash', 'go', 'c', 'make']));

  /** A Go program whose sources import net/http (SLIM005 warns when visible) in the project root, its Dockerfile in docker/. */
  const goProject = (extra: Record<string, string> = {}) =>
    project({ 'docker/Dockerfile': GO_DOCKERFILE, 'main.go': 'package main\n\nimport "net/http"\n\nfunc main() { _, _ = http.Get("https://example.com") }\n', 'go.mod': 'module example.com/app\n\ngo 1.22\n', ...extra }, ['SLIM005']);
  const slim005 = async (args: string[], cwd: string) => {
    const run = await lint(['--format', 'json', ...args], { cwd });
    assert.notEqual(run.code, 2, run.stderr);
    return JSON.parse(run.stdout).files[0].diagnostics.filter((d: { code: string }) => d.code === 'SLIM005').map((d: { severity: string }) => d.severity);
  };

  test("the Dockerfile's folder by default; the config's \"context\" (relative to the Dockerfile); --context (relative to the working folder) over both", async () => {
    const dir = goProject();
    const inOwnFolder = await slim005(['docker/Dockerfile'], dir);
    assert.deepEqual(await slim005(['--context', '.', 'docker/Dockerfile'], dir), ['warning'], 'the sources import net/http');
    assert.notDeepEqual(inOwnFolder, ['warning'], 'docker/ holds no sources');
    writeFileSync(path.join(dir, 'docker', '.dockerfile-slim.json'), JSON.stringify({ rules: JSON.parse(readFileSync(path.join(dir, '.dockerfile-slim.json'), 'utf8')).rules, context: '..' }));
    assert.deepEqual(await slim005(['docker/Dockerfile'], dir), ['warning'], "the config's context");
    assert.deepEqual(await slim005(['--context', 'docker', 'docker/Dockerfile'], dir), inOwnFolder, '--context wins');
    assert.deepEqual(await slim005(['--context', '..', 'Dockerfile'], path.join(dir, 'docker')), ['warning'], 'relative to the working folder');
  });

  test('.dockerignore applies: an ignored source is not read', async () => {
    const dir = goProject({ '.dockerignore': 'main.go\n' });
    assert.notDeepEqual(await slim005(['--context', '.', 'docker/Dockerfile'], dir), ['warning']);
  });

  test('a missing --context, or one that is a file: exit 2, one line', async () => {
    const dir = goProject();
    assertOneStderrLine(await lint(['--context', 'nope', 'docker/Dockerfile'], { cwd: dir }), /cannot read build context 'nope' \(--context\): no such file$/);
    assertOneStderrLine(await lint(['--context', 'main.go', 'docker/Dockerfile'], { cwd: dir }), /build context 'main.go' \(--context\) is not a folder$/);
  });

  test("a config's context that does not exist: exit 2, one line naming the Dockerfile", async () => {
    const dir = goProject({ 'docker/.dockerfile-slim.json': '{"context": "../missing"}' });
    assertOneStderrLine(await lint(['docker/Dockerfile'], { cwd: dir }), /'docker\/Dockerfile': build context '\.\.\/missing' \(the config's "context"\): no such file$/);
  });

  test('findings in a Makefile: paths relative to the Dockerfile as given, in JSON, text and SARIF', async () => {
    const dir = project({ 'app/Dockerfile': C_DOCKERFILE, 'app/Makefile': C_MAKEFILE, 'app/hello.c': HELLO_C }, ['SLIM301']);
    const want = fileReport('./app/Dockerfile', analyzeOnly(path.join(dir, 'app', 'Dockerfile'), C_DOCKERFILE, 'SLIM301'));
    const inMakefile = want.diagnostics.filter((d) => d.path === 'app/Makefile');
    assert.ok(inMakefile.length > 0, `the analysis reports into the Makefile: ${JSON.stringify(want)}`);
    assert.ok(inMakefile.some((d) => d.fixes.some((fix) => fix.edits.some((edit) => edit.path === 'app/Makefile'))), 'with a fix that edits it');

    const json = await lint(['--format', 'json', './app/Dockerfile'], { cwd: dir });
    assert.equal(json.code, 1, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), { version: 1, files: [want] });
    const ownFirst = JSON.parse(json.stdout).files[0].diagnostics.map((d: { path: string }) => d.path);
    assert.deepEqual(ownFirst, [...ownFirst].sort((a, b) => Number(a !== './app/Dockerfile') - Number(b !== './app/Dockerfile')), "the Dockerfile's own first");

    const text = await lint(['./app/Dockerfile'], { cwd: dir });
    const [first] = inMakefile;
    assert.ok(text.stdout.includes(`app/Makefile:${first.range.start.line + 1}:${first.range.start.character + 1}: error SLIM301 `), text.stdout);

    const sarif = JSON.parse((await lint(['--format', 'sarif', './app/Dockerfile'], { cwd: dir })).stdout);
    const uris = sarif.runs[0].results.map((result: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => result.locations[0].physicalLocation.artifactLocation.uri);
    assert.ok(uris.includes('app/Makefile'), JSON.stringify(uris));
  });

  test('--fix writes the Makefile too, keeping its CRLF line endings and byte order mark; a second --fix changes nothing', async () => {
    const crlfMakefile = '\ufeff' + C_MAKEFILE.replace(/\n/g, '\r\n');
    const dir = project({ 'Dockerfile': C_DOCKERFILE, 'Makefile': crlfMakefile, 'hello.c': HELLO_C }, ['SLIM301']);
    const lfDir = project({ 'Dockerfile': C_DOCKERFILE, 'Makefile': C_MAKEFILE, 'hello.c': HELLO_C }, ['SLIM301']);
    const want = fixAllFiles(C_DOCKERFILE, { context: fsBuildContext(path.join(lfDir, 'Dockerfile')), rules: offExcept('SLIM301') });
    const fixedMakefile = want.files.get('Makefile');
    assert.ok(fixedMakefile !== undefined && fixedMakefile !== C_MAKEFILE, 'the fixes change the Makefile');

    const first = await lint(['--fix', 'Dockerfile'], { cwd: dir });
    assert.notEqual(first.code, 2, first.stderr);
    const changedFiles = 1 + Number(want.text !== C_DOCKERFILE);
    assert.match(first.stdout, new RegExp(`\\(fixes written to ${changedFiles} files?\\)\\n$`));
    assert.equal(readFileSync(path.join(dir, 'Makefile'), 'utf8'), '\ufeff' + fixedMakefile.replace(/\n/g, '\r\n'));
    assert.equal(readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), want.text);
    assert.ok(!JSON.parse((await lint(['--format', 'json', 'Dockerfile'], { cwd: dir })).stdout).files[0].diagnostics.some((d: { path: string }) => d.path === 'Makefile'), 'fixed');

    const second = await lint(['--fix', 'Dockerfile'], { cwd: dir });
    assert.match(second.stdout, /\(fixes written to 0 files\)\n$/);
  });

  test('two Dockerfiles building with one Makefile: it is fixed once, and the second sees the fix', async () => {
    const dir = project({ 'a.Dockerfile': C_DOCKERFILE, 'b.Dockerfile': C_DOCKERFILE, 'Makefile': C_MAKEFILE, 'hello.c': HELLO_C }, ['SLIM301']);
    const want = fixAllFiles(C_DOCKERFILE, { context: fsBuildContext(path.join(dir, 'a.Dockerfile')), rules: offExcept('SLIM301') }).files.get('Makefile');
    const run = await lint(['--fix', '--format', 'json', 'a.Dockerfile', 'b.Dockerfile'], { cwd: dir });
    assert.notEqual(run.code, 2, run.stderr);
    assert.equal(readFileSync(path.join(dir, 'Makefile'), 'utf8'), want);
    for (const file of JSON.parse(run.stdout).files) assert.ok(!file.diagnostics.some((d: { path: string }) => d.path === 'Makefile'), JSON.stringify(file));
  });

  test('fileReport: findings in other files come after the Dockerfile’s own, by path, relative to the Dockerfile as given', () => {
    const report = fileReport('svc/Dockerfile', [
      finding({ code: 'SLIM301', path: 'Makefile', range: range(3, 1, 3, 4) }),
      finding({ code: 'SLIM203', path: '../scripts/build.sh', range: range(0, 0, 0, 2) }),
      finding({ code: 'SLIM301', range: range(5, 4, 5, 8) }),
    ]);
    assert.deepEqual(report.diagnostics.map((d) => [d.path, d.code]), [
      ['svc/Dockerfile', 'SLIM301'],
      ['scripts/build.sh', 'SLIM203'],
      ['svc/Makefile', 'SLIM301'],
    ]);
  });
});

const GO_DOCKERFILE = `FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /out/app .

FROM scratch
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
`;

/** A dynamically linked C program built by make, shipped in scratch: SLIM301, reported in the Makefile. */
const C_DOCKERFILE = `FROM gcc:12 AS build
WORKDIR /src
COPY . .
RUN make

FROM scratch
COPY --from=build /src/hello /hello
USER 65532:65532
ENTRYPOINT ["/hello"]
`;
const C_MAKEFILE = 'CC = gcc\nCFLAGS = -O2\nLDFLAGS =\n\nhello: hello.c\n\t$(CC) $(CFLAGS) -o hello hello.c $(LDFLAGS)\n';
const HELLO_C = '#include <stdio.h>\n\nint main(void) {\n  puts("hello");\n  return 0;\n}\n';

function offExcept(code: string): Record<string, 'off'> {
  return Object.fromEntries(RULES.filter((rule) => rule.meta.code !== code).map((rule) => [rule.meta.code, 'off' as const]));
}

/** In-process findings of one rule for a Dockerfile on disk, with its folder as the context. */
function analyzeOnly(dockerfile: string, text: string, code: string): AnalyzedFinding[] {
  return analyze(text, { context: fsBuildContext(dockerfile), rules: offExcept(code) }).findings;
}

describe('the built binary (dist/cli.js)', () => {
  before(() => assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build first`));

  test('--help lists the commands; lint --help the options', () => {
    const main = spawnCli(['--help'], ROOT);
    assert.equal(main.code, 0);
    for (const command of ['lint PATH', 'slim PATH', 'inspect IMAGE']) assert.ok(main.stdout.includes(command), command);
    const lintHelp = spawnCli(['lint', '--help'], ROOT);
    assert.equal(lintHelp.code, 0);
    for (const option of ['--format text|json|sarif', '--fix', '--target STAGE', '--config FILE', '--context DIR', '--fail-level error|warning|info']) assert.ok(lintHelp.stdout.includes(option), option);
  });

  test('--version prints package.json\'s version', () => {
    assert.deepEqual(spawnCli(['--version'], ROOT), { code: 0, stdout: `${packageVersion}\n`, stderr: '' });
    assert.equal(VERSION, packageVersion);
  });

  test('inspect with an engine that is not there: one line, exit 2', () => {
    assert.deepEqual(spawnCli(['inspect', '--engine-path', '/nonexistent/docker', 'alpine'], ROOT), {
      code: 2,
      stdout: '',
      stderr: 'dockerfile-slim inspect: --engine-path /nonexistent/docker: no executable file there\n',
    });
  });

  test('exit codes 0, 1 and 2 from the process', () => {
    const dir = project({ 'clean.Dockerfile': fixture('clean.Dockerfile'), 'app.Dockerfile': fixture('app.Dockerfile'), 'empty.Dockerfile': '' });
    assert.equal(spawnCli(['lint', 'clean.Dockerfile'], dir).code, 0);
    const failing = spawnCli(['lint', '--format', 'json', 'app.Dockerfile'], dir);
    assert.equal(failing.code, 1);
    assert.equal(JSON.parse(failing.stdout).files[0].diagnostics[0].code, 'SLIM001');
    assertOneStderrLine(spawnCli(['lint', 'empty.Dockerfile'], dir), /not a Dockerfile/);
    assertOneStderrLine(spawnCli(['lint', '--bogus', 'app.Dockerfile'], dir), /^dockerfile-slim: unknown option '--bogus'/);
    assertOneStderrLine(spawnCli(['lint', 'nope/Dockerfile'], dir), /^dockerfile-slim: cannot read 'nope\/Dockerfile': no such file$/);
    assertOneStderrLine(spawnCli([], dir), /no command given/);
  });

  test('--fix through the binary', () => {
    const dir = project({ 'Dockerfile': fixture('app.Dockerfile') });
    const run = spawnCli(['lint', '--fix', 'Dockerfile'], dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), /CMD \["\/app","--port","8080"\]/);
  });
});

function range(startLine: number, startCharacter: number, endLine: number, endCharacter: number) {
  return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
}

function finding(overrides: Partial<AnalyzedFinding> = {}): AnalyzedFinding {
  return {
    code: 'SLIM999',
    name: 'test-rule',
    severity: 'warning',
    message: 'a message',
    range: range(1, 4, 1, 8),
    fixes: [],
    ignore: { range: range(1, 0, 1, 0), newText: '# slim-ignore=SLIM999\n' },
    ...overrides,
  };
}
