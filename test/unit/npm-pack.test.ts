// The npm package: `npm pack` of the built tree (`npm run build` first) holds exactly the
// CLI, the server, their .wasm files, the rule pages and the usual top-level files; installed
// offline into a throwaway project, its `dockerfile-slim` lints a fixture and its
// `dockerfile-slim-server` answers an LSP initialize. esbuild bundles every dependency,
// so the package has none to fetch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { IMAGE_RULES } from '../../server/src/image/rules';
import { RULES } from '../../server/src/rules';
import { version } from '../../package.json';

const ROOT = path.join(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'cli');
const TIMEOUT_MS = 60_000;

let temp = '';
let project = '';
let packed: { filename: string; files: { path: string }[] };

/** npm with a throwaway cache, so nothing is read from or left in the user's. */
function npm(args: string[], cwd: string) {
  const result = spawnSync('npm', [...args, '--cache', path.join(temp, 'cache'), '--no-audit', '--no-fund', '--no-update-notifier'], { cwd, encoding: 'utf8', timeout: TIMEOUT_MS });
  assert.equal(result.status, 0, `npm ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** The installed command, as a user's shell finds it. */
function bin(name: string): string {
  return path.join(project, 'node_modules', '.bin', name);
}

const withNodeOnPath = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1' };

before(() => {
  assert.ok(existsSync(path.join(DIST, 'cli.js')), `${DIST}/cli.js is missing: run \`npm run build\` first`);
  temp = mkdtempSync(path.join(os.tmpdir(), 'dockerfile-slim-pack-'));
  [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', temp], ROOT)) as (typeof packed)[];
  project = path.join(temp, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-dockerfile-slim', private: true }));
  npm(['install', '--offline', '--ignore-scripts', path.join(temp, packed.filename)], project);
});

after(() => rmSync(temp, { recursive: true, force: true }));

test('the tarball holds the CLI, the server, the .wasm files and the rule pages, nothing else', () => {
  const wasm = readdirSync(DIST).filter((file) => file.endsWith('.wasm'));
  assert.ok(wasm.includes('tree-sitter-bash.wasm') && wasm.includes('web-tree-sitter.wasm'), wasm.join(' '));
  const expected = [
    'package.json',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'dist/cli.js',
    'dist/server.js',
    ...wasm.map((file) => `dist/${file}`),
    ...[...RULES.map((rule) => rule.meta), ...IMAGE_RULES].map(({ code }) => `docs/rules/${code}.md`),
  ];
  assert.deepEqual(packed.files.map((file) => file.path).sort(), expected.sort());
});

test('the installed dockerfile-slim lints a Dockerfile', () => {
  assert.equal(spawnSync(bin('dockerfile-slim'), ['--version'], { encoding: 'utf8', env: withNodeOnPath }).stdout.trim(), version);
  const run = spawnSync(bin('dockerfile-slim'), ['lint', 'app.Dockerfile'], { cwd: FIXTURES, encoding: 'utf8', env: withNodeOnPath });
  assert.equal(run.status, 1, `an error finding: exit 1 (${run.stderr})`);
  assert.match(run.stdout, /^app\.Dockerfile:10:5: error SLIM001 /m);
  assert.match(run.stdout, /^app\.Dockerfile:5:19: info SLIM203 /m, 'the RUN line was parsed: tree-sitter-bash.wasm loads from the package');
  assert.equal(run.stderr, '');

  const sarif = spawnSync(bin('dockerfile-slim'), ['lint', '--format', 'sarif', 'app.Dockerfile'], { cwd: FIXTURES, encoding: 'utf8', env: withNodeOnPath });
  const [rule] = JSON.parse(sarif.stdout).runs[0].tool.driver.rules as { id: string; help: { markdown?: string } }[];
  assert.match(rule.help.markdown ?? '', new RegExp(`^# ${rule.id}`), 'the rule pages are read from the package');
});

test('the installed dockerfile-slim-server answers an LSP initialize over stdio', async () => {
  const server = spawn(bin('dockerfile-slim-server'), ['--stdio'], { env: withNodeOnPath, stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  connection.listen();
  try {
    const result = await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    assert.ok((result as { capabilities?: { codeActionProvider?: unknown } }).capabilities?.codeActionProvider, JSON.stringify(result));
    await connection.sendRequest('shutdown');
    const exited = new Promise((resolve) => server.once('exit', resolve));
    await connection.sendNotification('exit');
    assert.equal(await exited, 0);
  } finally {
    connection.dispose();
    server.kill();
  }
});
