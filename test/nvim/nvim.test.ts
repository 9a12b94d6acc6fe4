// Neovim as a real LSP client: it starts the built server over stdio, shows its
// diagnostics, and applies a preferred quick fix. Skipped only off CI when nvim is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyze } from '../../server/src/analyze';
import { initShellParser } from '../../server/src/parse/shell';
import { DIST_SERVER } from '../support/lsp-client';
import { SCRATCH_GO } from '../server/support';

const CHECK_LUA = path.join(__dirname, 'check.lua');
const TIMEOUT_MS = 30_000;

const EXAMPLE = SCRATCH_GO;

interface NvimDiagnostic {
  code: string;
  line: number;
  col: number;
  severity: number;
  message: string;
}

interface NvimResult {
  error?: string;
  diagnostics?: NvimDiagnostic[];
  fix_title?: string;
  after_fix?: NvimDiagnostic[];
  text?: string;
}

const nvimInstalled = spawnSync('nvim', ['--version']).status === 0;
const skip = !nvimInstalled && !process.env.CI ? 'nvim is not installed (apt-get install -y neovim); CI runs this test' : false;

function runNvim(file: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', file, '-c', `luafile ${CHECK_LUA}`], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test('neovim shows SLIM diagnostics and applies the preferred quick fix', { skip }, async () => {
  assert.ok(existsSync(DIST_SERVER), `${DIST_SERVER} is missing: run \`npm run build\` first`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dockerfile-slim-nvim-'));
  const dockerfile = path.join(dir, 'Dockerfile');
  const resultFile = path.join(dir, 'result.json');
  writeFileSync(dockerfile, EXAMPLE);

  const { code, output } = await runNvim(dockerfile, {
    DOCKERFILE_SLIM_SERVER: DIST_SERVER,
    DOCKERFILE_SLIM_RESULT: resultFile,
    DOCKERFILE_SLIM_NODE: process.execPath,
    DOCKERFILE_SLIM_FIX: 'SLIM001',
    DOCKERFILE_SLIM_TIMEOUT: '10000',
  });
  assert.ok(existsSync(resultFile), `nvim wrote no result (exit ${code}):\n${output}`);
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as NvimResult;
  assert.equal(result.error, undefined, `${result.error}\n${output}`);
  assert.equal(code, 0, output);

  await initShellParser();
  const found = result.diagnostics!.map((d) => `${d.code}@${d.line}:${d.col}`).sort();
  const expected = analyze(EXAMPLE).findings.map((f) => `${f.code}@${f.range.start.line}:${f.range.start.character}`).sort();
  assert.deepEqual(found, expected, 'what neovim shows is what a fresh analysis finds');
  assert.ok(found.includes('SLIM001@7:4') && found.some((d) => d.startsWith('SLIM003@5')), found.join(' '));
  const slim001 = result.diagnostics!.find((d) => d.code === 'SLIM001')!;
  assert.equal(slim001.severity, 1, 'vim.diagnostic.severity.ERROR');
  assert.match(slim001.message, /\/bin\/sh/);

  assert.equal(result.fix_title, 'Convert to exec form');
  assert.match(result.text!, /^CMD \["\/app","--port","80"\]$/m);
  const afterFix = result.after_fix!.map((d) => d.code);
  assert.ok(!afterFix.includes('SLIM001'), 'SLIM001 is gone after the fix');
  assert.ok(afterFix.includes('SLIM003'), 'the other diagnostics stay');
});
