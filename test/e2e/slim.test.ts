// "Slim this image" in real VS Code against the real dockerd: palette → diff → Apply →
// both images built in the panel, the slimmed one at least 90% smaller and started once
// (the setting is on here) → one Ctrl+Z restores the original. Screenshots: .test-output/e2e/slim-*.png.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Session, UI_TIMEOUT_MS, e2eSkipReason, waitUntil } from './harness';
import { engineSkipReason, ensureEngine } from '../support/engine';

const WORKSPACE = path.join(__dirname, 'slim-workspace');
const SETTINGS = {
  'dockerfileSlim.enginePath': '/usr/bin/docker',
  'dockerfileSlim.buildArguments': ['--network', 'none'],
  'dockerfileSlim.slim.runAfterBuild': true,
};
const BUILDS_TIMEOUT_MS = 300_000;

describe('"Slim this image" (code-server + chromium + dockerd)', { skip: e2eSkipReason() || engineSkipReason(), timeout: 600_000 }, () => {
  before(async () => void (await ensureEngine()), { timeout: 20 * 60_000 });

  test('palette → diff → apply → sizes before and after in the panel → one undo', { timeout: 480_000 }, async () => {
    const session = new Session('slim');
    try {
      await session.start({ workspace: WORKSPACE, settings: SETTINGS });
      const file = path.join(session.workspace, 'Dockerfile');
      const original = readFileSync(file, 'utf8');

      await session.diagnose('the proposal opens as a diff', async (page) => {
        await session.openFile('Dockerfile');
        await session.runCommand('Dockerfile Slim: Slim this image');
        await session.tab(/slimmed \(proposed, runtime scratch\)/).waitFor({ timeout: UI_TIMEOUT_MS });
        await page.getByText(/^Slim Dockerfile into a runtime image on scratch/).first().waitFor({ timeout: UI_TIMEOUT_MS });
        await session.screenshot('slim-1-diff');
        await page.getByRole('button', { name: 'Apply', exact: true }).click();
      });

      const frame = session.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      await session.diagnose('both images are built and compared in the panel', async () => {
        await frame.locator('#slim-comparison').waitFor({ timeout: BUILDS_TIMEOUT_MS });
        const text = (await frame.locator('#slim-comparison').textContent()) ?? '';
        const match = /−(\d+(?:\.\d)?)%/.exec(text);
        assert.ok(match && Number(match[1]) >= 90, `at least 90% smaller: ${text}`);
        await frame.locator('#slim-proof').filter({ hasText: 'The slimmed image starts' }).waitFor({ timeout: UI_TIMEOUT_MS });
        const saved = readFileSync(file, 'utf8');
        assert.match(saved, /^FROM scratch$/m, 'the slimmed Dockerfile was written');
        assert.equal(await frame.getByText('before', { exact: true }).count() > 0, true, 'the history marks the build before');
        await session.screenshot('slim-2-compared');
      });

      await session.diagnose('one undo restores the original', async (page) => {
        await session.openFile('Dockerfile');
        await page.keyboard.press('Control+Z');
        await page.keyboard.press('Control+S');
        await waitUntil(() => readFileSync(file, 'utf8') === original, UI_TIMEOUT_MS, 'the original Dockerfile back after one undo');
      });
    } finally {
      await session.dispose();
    }
  });
});
