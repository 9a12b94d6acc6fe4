// The extension in real VS Code (code-server 4.100 = VS Code 1.100, driven through
// Debian's chromium): SLIM problems in the Problems panel, the preferred quick fix from
// the Ctrl+. menu, and "Show documentation" opening the bundled rule page.
// What VS Code should show is what the CLI reports for the same folder: the same
// analysis, reached through a different client. Each test has its own code-server.
//
// Setup: `bash scripts/e2e-setup.sh` (root). Skipped only off CI when code-server or
// chromium is missing. Screenshots: .test-output/e2e/.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { applyEdits, type TextEdit } from '../../server/src/fixes';
import { ROOT, Session, UI_TIMEOUT_MS, e2eSkipReason, waitUntil } from './harness';

const WORKSPACE = path.join(__dirname, 'workspace');
const DOCKERFILE = 'Dockerfile';
const TEST_TIMEOUT_MS = 120_000;
/** Both tests, start-up and clean-up included: a hung browser never holds the suite. */
const SUITE_TIMEOUT_MS = 300_000;

interface CliDiagnostic {
  code: string;
  range: { start: { line: number; character: number } };
  fixes: { title: string; preferred: boolean; edits: (TextEdit & { path: string })[] }[];
}

/** What `dockerfile-slim lint --format json` reports for a Dockerfile (its build context is its folder). */
function lint(file: string): CliDiagnostic[] {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'lint', '--format', 'json', file], { encoding: 'utf8' });
  assert.ok(result.status === 0 || result.status === 1, `the CLI failed (${result.status}): ${result.stderr}`);
  const report = JSON.parse(result.stdout) as { files: { diagnostics: CliDiagnostic[] }[] };
  return report.files.flatMap((entry) => entry.diagnostics);
}

function describeAt(diagnostic: CliDiagnostic): string {
  return `${diagnostic.code}@${diagnostic.range.start.line + 1}:${diagnostic.range.start.character + 1}`;
}

/** Runs body with a fresh code-server and browser; always disposes them. */
async function withSession(name: string, body: (session: Session) => Promise<void>): Promise<void> {
  const session = new Session(name);
  try {
    await session.start({ workspace: WORKSPACE });
    await body(session);
  } finally {
    await session.dispose();
  }
}

describe('real VS Code (code-server + chromium)', { skip: e2eSkipReason(), timeout: SUITE_TIMEOUT_MS }, () => {
  test('shows SLIM problems and applies the preferred quick fix from the Ctrl+. menu', { timeout: TEST_TIMEOUT_MS }, () =>
    withSession('quick-fix', async (session) => {
      const file = path.join(session.workspace, DOCKERFILE);
      const original = readFileSync(file, 'utf8');
      const expected = lint(file);
      const slim001 = expected.find((d) => d.code === 'SLIM001');
      assert.ok(slim001, `the workspace Dockerfile must trigger SLIM001; the CLI found ${expected.map(describeAt).join(' ')}`);
      assert.ok(expected.some((d) => d.code === 'SLIM003'), 'the workspace Dockerfile must trigger SLIM003');
      const fix = slim001.fixes.find((f) => f.preferred);
      assert.ok(fix && fix.edits.every((edit) => path.resolve(edit.path) === file), 'SLIM001 has a preferred fix that edits only the Dockerfile');
      const fixed = applyEdits(original, fix.edits);
      assert.match(fixed, /^CMD \["\/app","--port","80"\]$/m, 'the preferred fix writes exec form');

      await session.diagnose('the Problems panel shows what the CLI finds', async () => {
        await session.openFile(DOCKERFILE);
        await session.runCommand('Problems: Focus on Problems View');
        for (const diagnostic of expected) await session.problem(diagnostic.code, diagnostic.range.start).waitFor({ timeout: UI_TIMEOUT_MS });
        const slimRows = await session.problemsTree().getByRole('treeitem').filter({ has: session.page.getByRole('button', { name: /^\(SLIM\d{3}\)$/ }) }).count();
        assert.equal(slimRows, expected.length, `SLIM rows in the Problems panel; the CLI finds ${expected.map(describeAt).join(' ')}`);
        await session.screenshot('quick-fix-1-problems');
      });

      await session.diagnose('the preferred fix is applied from the Ctrl+. menu', async (page) => {
        // Opening the problem puts the cursor on its range, as a user would get there.
        await session.problem('SLIM001').click();
        await page.keyboard.press('Enter');
        await session.cursorOn(slim001.range.start.line);
        const menu = await session.openQuickFixMenu();
        await menu.getByRole('option', { name: fix.title, exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
        await session.screenshot('quick-fix-2-menu');
        await session.chooseQuickFix(menu, fix.title);
        await page.keyboard.press('Control+S');
        await waitUntil(() => readFileSync(file, 'utf8') === fixed, UI_TIMEOUT_MS, `the saved Dockerfile to become:\n${fixed}\n(it is:\n${readFileSync(file, 'utf8')})`);
      });

      await session.diagnose('SLIM001 is gone, the other problems stay', async () => {
        await session.problem('SLIM001').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
        await session.problem('SLIM003').waitFor({ timeout: UI_TIMEOUT_MS });
        await session.screenshot('quick-fix-3-fixed');
      });
    }),
  );

  test('"Show documentation" opens the bundled rule page', { timeout: TEST_TIMEOUT_MS }, () =>
    withSession('docs', async (session) => {
      const slim001 = lint(path.join(session.workspace, DOCKERFILE)).find((d) => d.code === 'SLIM001');
      assert.ok(slim001, 'the workspace Dockerfile must trigger SLIM001');
      const heading = readFileSync(path.join(ROOT, 'docs', 'rules', 'SLIM001.md'), 'utf8').split('\n')[0].replace(/^# /, '');

      await session.diagnose('the Ctrl+. menu offers the documentation', async () => {
        await session.openFile(DOCKERFILE);
        // The editor shows the problem once the server has analysed the file.
        await session.runCommand('Problems: Focus on Problems View');
        await session.problem('SLIM001').waitFor({ timeout: UI_TIMEOUT_MS });
        await session.goTo(slim001.range.start.line, slim001.range.start.character);
        const menu = await session.openQuickFixMenu();
        await menu.getByRole('option', { name: 'Show documentation for SLIM001', exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
        await session.screenshot('docs-1-menu');
        await session.chooseQuickFix(menu, 'Show documentation for SLIM001');
      });

      await session.diagnose('the rule page opens rendered', async (page) => {
        // The client shows bundled Markdown pages in the Markdown preview (a webview).
        await session.tab(/SLIM001\.md/).waitFor({ timeout: UI_TIMEOUT_MS });
        const preview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
        await preview.getByRole('heading', { name: heading, level: 1 }).waitFor({ timeout: UI_TIMEOUT_MS });
        await session.screenshot('docs-2-preview');
      });
    }),
  );
});
