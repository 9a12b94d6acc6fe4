// `dockerfile-slim slim`: printing, --write (other files too, CRLF and BOM kept),
// refusals (exit 1, one reason per line), already slim (exit 0), usage errors (exit 2).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCommandLine } from '../../server/src/cli/args';
import type { CliIo } from '../../server/src/cli/io';
import { runCli } from '../../server/src/cli/main';
import { CASES } from './slim-cases';

const tempDirs: string[] = [];
after(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A throwaway copy of a fixture case. */
function copyOf(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slim-cli-'));
  tempDirs.push(dir);
  cpSync(path.join(CASES, name), dir, { recursive: true });
  return dir;
}

async function slim(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), stdoutIsTTY: false, env: {}, cwd };
  const code = await runCli(['slim', ...args], io);
  return { code, stdout, stderr };
}

const expected = (name: string, file: string) => readFileSync(path.join(CASES, name, `${file}.slim`), 'utf8');

test('prints the slimmed Dockerfile; says what changed and which other files would change', async () => {
  const dir = copyOf('go-make');
  const run = await slim(['Dockerfile'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, expected('go-make', 'Dockerfile'));
  assert.match(run.stderr, /runtime scratch/);
  assert.match(run.stderr, /  - Split into build stage `build`/);
  assert.match(run.stderr, /would also change 'Makefile' \(use --write\)/);
  assert.equal(readFileSync(path.join(dir, 'Makefile'), 'utf8'), readFileSync(path.join(CASES, 'go-make', 'Makefile'), 'utf8'), 'nothing written');
});

test('--write writes the Dockerfile and the other files, keeping CRLF and the byte order mark', async () => {
  const dir = copyOf('go-make');
  const crlf = (text: string) => text.replace(/\n/g, '\r\n');
  writeFileSync(path.join(dir, 'Dockerfile'), `\ufeff${crlf(readFileSync(path.join(dir, 'Dockerfile'), 'utf8'))}`);
  writeFileSync(path.join(dir, 'Makefile'), crlf(readFileSync(path.join(dir, 'Makefile'), 'utf8')));
  const run = await slim(['--write', 'Dockerfile'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '');
  assert.equal(readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), `\ufeff${crlf(expected('go-make', 'Dockerfile'))}`);
  assert.equal(readFileSync(path.join(dir, 'Makefile'), 'utf8'), crlf(expected('go-make', 'Makefile')));
  assert.match(run.stderr, /also wrote 'Makefile'/);
  const again = await slim(['--write', 'Dockerfile'], dir);
  assert.equal(again.code, 0);
  assert.match(again.stderr, /Already slim/);
});

test('--runtime picks the base', async () => {
  const run = await slim(['--runtime', 'distroless', 'Dockerfile'], copyOf('go-plain'));
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^FROM gcr\.io\/distroless\/static-debian12$/m);
});

test('refused: exit 1, each reason on its own stderr line, nothing printed or written', async () => {
  const dir = copyOf('node-native');
  const before = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
  const run = await slim(['--write', 'Dockerfile'], dir);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0], /a Node\.js app needs its interpreter/);
  assert.equal(readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), before);
});

test('already slim: exit 0, the file printed as it is, and said so', async () => {
  const dir = copyOf('already-slim');
  const run = await slim(['Dockerfile'], dir);
  assert.equal(run.code, 0);
  assert.equal(run.stdout, readFileSync(path.join(dir, 'Dockerfile'), 'utf8'));
  assert.match(run.stderr, /'Dockerfile': Already slim/);
});

test('usage and input errors: exit 2, one line', async () => {
  const dir = copyOf('go-plain');
  for (const args of [[], ['a', 'b'], ['--runtime', 'tiny', 'Dockerfile'], ['--write=yes', 'Dockerfile'], ['missing'], ['--target', 'nope', 'Dockerfile'], ['--context', 'nowhere', 'Dockerfile']]) {
    const run = await slim(args, dir);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, /^dockerfile-slim: /);
  }
});

test('parses its options', () => {
  assert.deepEqual(parseCommandLine(['slim', '--write', '--runtime=alpine', '--target', 'app', '--context', '.', 'Dockerfile']), {
    kind: 'slim',
    options: { path: 'Dockerfile', write: true, runtime: 'alpine', target: 'app', config: undefined, context: '.' },
  });
  assert.deepEqual(parseCommandLine(['slim', '--help']), { kind: 'help', topic: 'slim' });
});
