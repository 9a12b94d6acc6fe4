// The Image panel in real VS Code (code-server + chromium) against the real dockerd that
// scripts/engine-setup.sh starts: Problems → quick fix → panel → Build → the image's size
// and its missing-library error, in the panel and as a diagnostic on the Dockerfile,
// gone once the Dockerfile changes. And in Restricted Mode: no Build, the reason instead.
// Screenshots: .test-output/e2e/panel-*.png.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { Session, UI_TIMEOUT_MS, e2eSkipReason, waitUntil } from './harness';
import { engineSkipReason, ensureEngine } from '../support/engine';

const WORKSPACE = path.join(__dirname, 'panel-workspace');
const DOCKERFILE = 'Dockerfile';
/** /usr/local/bin/docker on this machine insists on buildx; the engine's own client does not. No network for builds here. */
const ENGINE_SETTINGS = { 'dockerfileSlim.enginePath': '/usr/bin/docker', 'dockerfileSlim.buildArguments': ['--network', 'none'] };
const BUILD_TIMEOUT_MS = 180_000;
const HOSTILE_NAME = "/usr/local/bin/<img src=x onerror=document.title='pwned'>";
const TEST_TIMEOUT_MS = 300_000;

async function withSession(name: string, options: { untrusted?: boolean }, body: (session: Session) => Promise<void>): Promise<void> {
  const session = new Session(name);
  try {
    await session.start({ workspace: WORKSPACE, settings: ENGINE_SETTINGS, ...options });
    await body(session);
  } finally {
    await session.dispose();
  }
}

/** The panel's page (the only webview these tests open). */
function panelFrame(session: Session): FrameLocator {
  return session.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

describe('Image panel (code-server + chromium + dockerd)', { skip: e2eSkipReason() || engineSkipReason(), timeout: TEST_TIMEOUT_MS * 2 }, () => {
  before(async () => void (await ensureEngine()), { timeout: 20 * 60_000 });

  test('quick fix, build, size and the missing library in the panel and the Problems view', { timeout: TEST_TIMEOUT_MS }, () =>
    withSession('panel', {}, async (session) => {
      const file = path.join(session.workspace, DOCKERFILE);
      const fixTitle = 'Create user app and run as it';

      await session.diagnose('the Problems view shows SLIM003; its quick fix adds a user', async (page) => {
        await session.openFile(DOCKERFILE);
        await session.runCommand('Problems: Focus on Problems View');
        await session.problem('SLIM003').click();
        await page.keyboard.press('Enter');
        const menu = await session.openQuickFixMenu();
        await session.chooseQuickFix(menu, fixTitle);
        await page.keyboard.press('Control+S');
        await waitUntil(() => /^USER app$/m.test(readFileSync(file, 'utf8')), UI_TIMEOUT_MS, 'the saved Dockerfile to run as app');
        await session.problem('SLIM003').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
        await session.screenshot('panel-1-fixed');
      });

      const frame = panelFrame(session);
      await session.diagnose('the panel builds the image and shows its size and findings', async () => {
        await session.runCommand('Dockerfile Slim: Show Image Panel');
        await frame.getByRole('heading', { name: DOCKERFILE }).waitFor({ timeout: UI_TIMEOUT_MS });
        await frame.getByRole('combobox', { name: 'Target stage' }).waitFor({ timeout: UI_TIMEOUT_MS });
        await frame.getByRole('button', { name: 'Build', exact: true }).click();
        await frame.getByRole('status').waitFor({ timeout: UI_TIMEOUT_MS });
        await session.screenshot('panel-2-building');
        await frame.locator('#image-size').waitFor({ timeout: BUILD_TIMEOUT_MS });
        const size = await frame.locator('#image-size').textContent();
        assert.match(size ?? '', /^\d+(\.\d)? (kB|MB|GB)$/, `the total size, as text: ${size}`);
        await frame.getByRole('button', { name: /SLIM902/ }).first().waitFor({ timeout: UI_TIMEOUT_MS });
        assert.ok(await frame.getByText(/libgreet\.so/).first().isVisible(), 'the missing library is named');
        // A file name from the image is text, never markup.
        await frame.getByText(HOSTILE_NAME).first().waitFor({ timeout: UI_TIMEOUT_MS });
        assert.equal(await frame.locator('img').count(), 0, 'no element made from a file name');
        const csp = await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
        assert.match(csp ?? '', /default-src 'none'.*script-src 'nonce-[A-Za-z0-9+/=]{16,}'/, `a strict CSP with a nonce: ${csp}`);
        const ownLayers = await frame.getByRole('button', { name: /, line \d+$/ }).count();
        assert.ok(ownLayers >= 3, `the Dockerfile's own layers link to their lines (${ownLayers})`);
        await session.screenshot('panel-3-built');
      });

      await session.diagnose('the finding is a diagnostic on the Dockerfile; a click in the panel goes there', async (page) => {
        await session.runCommand('Problems: Focus on Problems View');
        await session.problem('SLIM902').first().waitFor({ timeout: UI_TIMEOUT_MS });
        await session.runCommand('Dockerfile Slim: Show Image Panel');
        await frame.getByRole('button', { name: /SLIM902.*\/usr\/local\/bin\/app$/ }).click();
        const text = readFileSync(file, 'utf8').split('\n');
        const copyLine = text.findIndex((line) => line.startsWith('COPY --from=build /src/app'));
        await session.cursorOn(copyLine);
        await session.screenshot('panel-4-finding');
        await page.keyboard.press('End');
        await page.keyboard.type(' ');
        await session.runCommand('Problems: Focus on Problems View');
        await waitUntil(async () => (await session.problem('SLIM902').count()) === 0, UI_TIMEOUT_MS, 'the SLIM902 diagnostics to go');
        await session.runCommand('Dockerfile Slim: Show Image Panel');
        await frame.getByRole('note').filter({ hasText: 'changed since this build' }).waitFor({ timeout: UI_TIMEOUT_MS });
        await frame.getByRole('heading', { name: 'Size history' }).waitFor({ timeout: UI_TIMEOUT_MS });
      });

      await session.diagnose("a failing build: the panel explains and shows the engine's own text", async (page) => {
        await session.openFile(DOCKERFILE);
        await page.keyboard.press('Control+End');
        await page.keyboard.type('\nRUN echo dockerfile-slim-e2e-failure >&2 && exit 3');
        await session.runCommand('Dockerfile Slim: Show Image Panel');
        await frame.getByRole('button', { name: 'Build', exact: true }).click();
        const alert = frame.getByRole('alert');
        await alert.getByText(/^The build failed/).waitFor({ timeout: BUILD_TIMEOUT_MS });
        await alert.getByText('What the engine said').click();
        await alert.getByText(/dockerfile-slim-e2e-failure/).first().waitFor({ timeout: UI_TIMEOUT_MS });
        assert.match(readFileSync(file, 'utf8'), /exit 3\n?$/, 'the build saved the Dockerfile first');
        await frame.locator('#image-size').waitFor({ timeout: UI_TIMEOUT_MS });
        await session.screenshot('panel-6-failed');
      });

      await session.diagnose('Cancel stops a running build', async (page) => {
        await session.openFile(DOCKERFILE);
        await page.keyboard.press('Control+End');
        await page.keyboard.press('Home');
        await page.keyboard.press('Shift+End');
        await page.keyboard.type('RUN sleep 300');
        await session.runCommand('Dockerfile Slim: Show Image Panel');
        await frame.getByRole('button', { name: 'Build', exact: true }).click();
        await frame.getByRole('status').filter({ hasText: 'RUN sleep 300' }).waitFor({ timeout: BUILD_TIMEOUT_MS });
        const cancelledAt = Date.now();
        await frame.getByRole('button', { name: 'Cancel', exact: true }).click();
        await frame.getByRole('alert').getByText('The build was cancelled.').waitFor({ timeout: UI_TIMEOUT_MS });
        assert.ok(Date.now() - cancelledAt < UI_TIMEOUT_MS, 'cancelled long before the sleep ends');
        await frame.getByRole('button', { name: 'Build', exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
      });
    }),
  );

  test('in Restricted Mode the panel says why it will not build; linting still works', { timeout: TEST_TIMEOUT_MS }, () =>
    withSession('panel-untrusted', { untrusted: true }, async (session) => {
      await session.diagnose('the panel explains, SLIM problems still show', async () => {
        await session.openFile(DOCKERFILE);
        await session.runCommand('Problems: Focus on Problems View');
        await session.problem('SLIM003').waitFor({ timeout: UI_TIMEOUT_MS });
        await session.runCommand('Dockerfile Slim: Show Image Panel');
        const frame = panelFrame(session);
        await frame.getByRole('note').filter({ hasText: 'untrusted workspace' }).waitFor({ timeout: UI_TIMEOUT_MS });
        await frame.getByRole('button', { name: 'Manage Workspace Trust' }).waitFor({ timeout: UI_TIMEOUT_MS });
        assert.equal(await frame.getByRole('button', { name: 'Build', exact: true }).count(), 0, 'no Build button');
        await session.screenshot('panel-5-untrusted');
      });
    }),
  );
});
