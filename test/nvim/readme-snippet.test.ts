// The README's Neovim configuration, run as a user would: the Lua block marked
// `readme-snippet: neovim` is taken verbatim from README.md and loaded before a
// Dockerfile opens; `dockerfile-slim-server` on PATH is the built dist/server.js (linked
// as npm links a bin). Skipped only off CI when nvim is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exec } from '../support/engine';
import { DIST_SERVER } from '../support/lsp-client';
import { assertBuilt, SCRATCH_GO, tempDir } from '../server/support';

const README = path.join(__dirname, '..', '..', 'README.md');
const ATTACHED_LUA = path.join(__dirname, 'attached.lua');
const MARKER = '<!-- readme-snippet: neovim';

interface AttachedResult {
  error?: string;
  api: string;
  clients: { name: string; cmd: string[] }[];
  diagnostics: { code: string; line: number }[];
}

const nvimInstalled = spawnSync('nvim', ['--version']).status === 0;
const skip = !nvimInstalled && !process.env.CI ? 'nvim is not installed (apt-get install -y neovim); CI runs this test' : false;

/** The fenced Lua block right after the marker comment. */
function readmeSnippet(readme: string): string {
  const match = new RegExp(`${MARKER}[^\\n]*-->\\n\`\`\`lua\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(readme);
  assert.ok(match, `README.md has no \`\`\`lua block after "${MARKER}"`);
  return match[1];
}

test('the README snippet makes Neovim start dockerfile-slim-server and show SLIM diagnostics', { skip }, async () => {
  assertBuilt();
  const dir = tempDir('nvim-readme');
  try {
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(DIST_SERVER, path.join(bin, 'dockerfile-slim-server'));
    writeFileSync(path.join(dir, 'init.lua'), readmeSnippet(readFileSync(README, 'utf8')));
    writeFileSync(path.join(dir, 'Dockerfile'), SCRATCH_GO);
    const resultFile = path.join(dir, 'result.json');

    const PATH = [bin, path.dirname(process.execPath), process.env.PATH].join(path.delimiter);
    const run = await exec('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', '--cmd', 'luafile init.lua', 'Dockerfile', '-c', `luafile ${ATTACHED_LUA}`], {
      cwd: dir,
      env: { ...process.env, PATH, DOCKERFILE_SLIM_RESULT: resultFile, DOCKERFILE_SLIM_TIMEOUT: '10000' },
      timeoutMs: 30_000,
    });
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as AttachedResult;
    assert.equal(result.error, undefined, `${result.error} (${result.api})\n${run.output}`);
    assert.equal(run.exitCode, 0, run.output);
    assert.deepEqual(result.clients, [{ name: 'dockerfile-slim', cmd: ['dockerfile-slim-server', '--stdio'] }]);
    const codes = result.diagnostics.map((d) => `${d.code}@${d.line}`);
    assert.ok(codes.includes('SLIM001@7'), codes.join(' '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the snippet is found only after its marker', () => {
  assert.equal(readmeSnippet(`${MARKER} x -->\n\`\`\`lua\nprint(1)\n\`\`\`\n`), 'print(1)');
  assert.throws(() => readmeSnippet('```lua\nprint(1)\n```\n'), /no ```lua block/);
});
