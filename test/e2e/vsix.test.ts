// The packaged extension, as users get it: `npm run package:vsix` makes the .vsix from the
// current bundles; its files must be exactly what .vscodeignore allows and weigh under 3 MB.
// Then that .vsix (not the dev tree) is installed into code-server with
// `--install-extension`, and must activate on a Dockerfile: the Problems panel shows what
// the CLI finds for the same file, and the status bar counts them.
//
// Setup for the second part: `bash scripts/e2e-setup.sh` (root). Screenshots: .test-output/e2e/.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, Session, UI_TIMEOUT_MS, buildExtension, e2eSkipReason, escapeRegExp, lint } from './harness';
import { packagedFiles } from '../unit/vscodeignore';

interface Walkthrough {
  title: string;
  steps: { id: string; title: string; media: { markdown: string } }[];
}
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string; contributes: { walkthroughs: Walkthrough[] } };
/** Where `npm run package` and `npm run package:vsix` put it (vsce's default file name). */
const VSIX = path.join(ROOT, 'dist-vsix', `${manifest.name}-${manifest.version}.vsix`);
const MAX_BYTES = 3 * 1024 * 1024;
/** vsce's own files beside the extension folder. */
const VSIX_METADATA = ['[Content_Types].xml', 'extension.vsixmanifest'];
/** vsce renames these at the package root. */
const VSCE_RENAMES: Record<string, string> = { 'LICENSE.txt': 'LICENSE', 'readme.md': 'README.md', 'changelog.md': 'CHANGELOG.md' };
const WORKSPACE = path.join(__dirname, 'workspace');
const TEST_TIMEOUT_MS = 120_000;
const SUITE_TIMEOUT_MS = 300_000;

let packaged = false;
/** Packages once per run, from the current bundles (rebuilt only when stale, so tests running beside this one keep their dist/). */
function packageVsix(): string {
  if (packaged) return VSIX;
  buildExtension();
  rmSync(VSIX, { force: true });
  const result = spawnSync('npm', ['run', '--silent', 'package:vsix'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, `npm run package:vsix failed:\n${result.stdout}${result.stderr}`);
  assert.ok(existsSync(VSIX), `npm run package:vsix did not write ${VSIX}:\n${result.stdout}`);
  packaged = true;
  return VSIX;
}

/** The file names in a zip's central directory. */
function zipEntries(file: string): string[] {
  const zip = readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, `${file} is not a zip file`);
  const names: string[] = [];
  let offset = zip.readUInt32LE(end + 16);
  for (let i = zip.readUInt16LE(end + 10); i > 0; i--) {
    assert.equal(zip.readUInt32LE(offset), 0x02014b50, `${file}: a broken central directory`);
    const nameLength = zip.readUInt16LE(offset + 28);
    names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return names;
}

/** Runs a command a user picks from its own quick pick (a second list, so not Session.runCommand) and picks the option. */
async function pickFromCommand(page: Page, command: string, option: RegExp): Promise<void> {
  const quickInput = page.locator('.quick-input-widget');
  await page.keyboard.press('F1');
  await quickInput.getByRole('textbox').fill(`>${command}`);
  await quickInput.getByRole('option', { name: new RegExp(`^${escapeRegExp(command)}`) }).first().click({ timeout: UI_TIMEOUT_MS });
  await quickInput.getByRole('option', { name: option }).first().click({ timeout: UI_TIMEOUT_MS });
}

/** A walkthrough step's check box, by its state. */
function stepBox(page: Page, title: string, state: 'Completed' | 'Not completed') {
  return page.getByRole('checkbox', { name: `Checkbox for Step ${title}: ${state}`, exact: true });
}

/** The status bar item, by the accessible label the extension gives it. */
function statusItem(page: Page, label: string) {
  return page.getByRole('button', { name: label, exact: true });
}

describe('the .vsix', () => {
  test('npm run package:vsix packs exactly the allowlisted files, in under 3 MB', (t) => {
    const vsix = packageVsix();
    const entries = zipEntries(vsix);
    assert.deepEqual(entries.filter((entry) => !entry.startsWith('extension/')).sort(), VSIX_METADATA);
    const files = entries.filter((entry) => entry.startsWith('extension/')).map((entry) => entry.slice('extension/'.length)).map((name) => VSCE_RENAMES[name] ?? name);
    assert.deepEqual(files.sort(), packagedFiles(), 'the .vsix holds exactly what .vscodeignore allows');
    for (const runs of ['package.json', 'dist/extension.js', 'dist/server.js', 'dist/web-tree-sitter.wasm', 'dist/tree-sitter-bash.wasm', 'docs/rules/SLIM001.md', 'media/icon.png']) {
      assert.ok(files.includes(runs), `the .vsix lacks ${runs}`);
    }
    const size = statSync(vsix).size;
    t.diagnostic(`${path.relative(ROOT, vsix)}: ${files.length} files, ${size} bytes (${(size / 1024 / 1024).toFixed(2)} MB)`);
    assert.ok(size < MAX_BYTES, `${size} bytes: over the 3 MB budget`);
  });
});

describe('the .vsix installed in real VS Code (code-server + chromium)', { skip: e2eSkipReason(), timeout: SUITE_TIMEOUT_MS }, () => {
  test('activates on a Dockerfile: the problems its CLI finds, counted in the status bar', { timeout: TEST_TIMEOUT_MS }, async () => {
    const session = new Session('vsix');
    try {
      await session.start({ workspace: WORKSPACE, vsix: packageVsix() });
      const installed = path.join(session.extensions, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
      // code-server keeps the package's manifest as .vsixmanifest; the harness's dev-tree copy has none.
      assert.ok(existsSync(path.join(installed, '.vsixmanifest')), `${installed} was not installed from the .vsix`);
      const dockerfile = path.join(session.workspace, 'Dockerfile');
      // The CLI is not in the .vsix (the extension does not run it): the same analysis from the dev bundle.
      const expected = lint(dockerfile).filter((d) => path.resolve(d.path) === dockerfile);
      assert.ok(expected.length >= 2, `the workspace Dockerfile must have findings; the CLI found ${expected.length}`);
      const counted = `Dockerfile Slim: ${expected.length} findings in this Dockerfile. Click to show the log.`;

      await session.diagnose('the Problems panel shows what the CLI finds', async () => {
        await session.openFile('Dockerfile');
        await session.runCommand('Problems: Focus on Problems View');
        for (const diagnostic of expected) await session.problem(diagnostic.code, diagnostic.range.start).waitFor({ timeout: UI_TIMEOUT_MS });
      });

      await session.diagnose('the status bar counts the findings', async (page) => {
        await statusItem(page, counted).waitFor({ timeout: UI_TIMEOUT_MS });
        await session.screenshot('vsix-1-status');
      });

      await session.diagnose('after a restart the count is back, and a click shows the log', async (page) => {
        await session.runCommand('Dockerfile Slim: Restart Language Server');
        await statusItem(page, counted).click({ timeout: UI_TIMEOUT_MS });
        await page.locator('.output-view').getByText('Restarting the language server').waitFor({ timeout: UI_TIMEOUT_MS });
        await session.screenshot('vsix-2-log');
      });
    } finally {
      await session.dispose();
    }
  });

  test('its walkthrough shows every step and page, and opening a Dockerfile completes the first', { timeout: TEST_TIMEOUT_MS }, async () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    const [first] = walkthrough.steps;
    const firstHeading = readFileSync(path.join(ROOT, first.media.markdown), 'utf8').split('\n')[0].replace(/^# /, '');
    const session = new Session('walkthrough');
    try {
      await session.start({ workspace: WORKSPACE, vsix: packageVsix() });

      await session.diagnose('the walkthrough opens with its steps and the first page', async (page) => {
        await pickFromCommand(page, 'Welcome: Open Walkthrough...', new RegExp(`^${escapeRegExp(walkthrough.title)}`));
        for (const step of walkthrough.steps) await stepBox(page, step.title, 'Not completed').waitFor({ timeout: UI_TIMEOUT_MS });
        // Step pages are Markdown, rendered in a webview.
        const pageView = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
        await pageView.getByRole('heading', { name: firstHeading, level: 1 }).waitFor({ timeout: UI_TIMEOUT_MS });
        await session.screenshot('walkthrough-1-open');
      });

      await session.diagnose(`"${first.title}" is done once its button opened a Dockerfile`, async (page) => {
        await page.getByRole('button', { name: first.title, exact: true }).click({ timeout: UI_TIMEOUT_MS });
        // Its button runs Quick Open with "Dockerfile" typed in.
        await page.locator('.quick-input-widget').getByRole('option', { name: /^Dockerfile, file results/ }).click({ timeout: UI_TIMEOUT_MS });
        await session.tab(/^Dockerfile/).waitFor({ timeout: UI_TIMEOUT_MS });
        await session.tab(/^Walkthrough: /).click({ timeout: UI_TIMEOUT_MS });
        await stepBox(page, first.title, 'Completed').waitFor({ timeout: UI_TIMEOUT_MS });
        await session.screenshot('walkthrough-2-done');
      });
    } finally {
      await session.dispose();
    }
  });
});
