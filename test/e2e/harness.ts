// Real VS Code for end-to-end tests: code-server (VS Code 1.100 in a browser, installed
// by scripts/e2e-setup.sh) with the built extension, driven by playwright-core through
// Debian's chromium. Nothing else runs VS Code here: @vscode/test-electron and
// @vscode/test-web download VS Code, and nothing but npm and Debian are reachable.
//
//   const session = new Session('my-test');
//   try {
//     await session.start({ workspace: 'test/e2e/workspace' });
//     await session.diagnose('what this step shows', async (page) => { … });
//   } finally {
//     await session.dispose();
//   }
//
// Each session is throwaway: its own user data, extensions, XDG and browser profile
// folders and a copy of the workspace under one temp folder, all removed by dispose().
// Waits are on conditions with explicit timeouts, never on sleeps.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const ROOT = path.join(__dirname, '..', '..');
export const OUTPUT_DIR = path.join(ROOT, '.test-output', 'e2e');
const CACHE = process.env.DOCKERFILE_SLIM_CACHE || '/var/cache/dockerfile-slim';
export const CODE_SERVER = process.env.DOCKERFILE_SLIM_CODE_SERVER || path.join(CACHE, 'code-server', 'node_modules', '.bin', 'code-server');
export const CHROMIUM = process.env.DOCKERFILE_SLIM_CHROMIUM || '/usr/bin/chromium';
/** As the notes found them to work headless as root in a container, offline. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** What the extension's bundle needs at run time: its manifest, bundles and bundled docs (like a .vsix). */
const EXTENSION_FILES = ['package.json', 'dist', 'docs', 'media', 'syntaxes', 'README.md', 'LICENSE', 'CHANGELOG.md'];

const START_TIMEOUT_MS = 30_000;
export const UI_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/** Why the e2e tests cannot run here; false when they can, or when CI must see them fail. */
export function e2eSkipReason(): string | false {
  const missing = [CODE_SERVER, CHROMIUM].filter((file) => !existsSync(file));
  if (missing.length === 0 || process.env.CI) return false;
  return `${missing.join(' and ')} missing: run \`bash scripts/e2e-setup.sh\` as root (CI runs these tests)`;
}

let built = false;
/**
 * `npm run build` when dist/ is older than the sources: the tests exercise the bundle. Not
 * when current (scripts/test.sh has just built it), so no test file running in parallel
 * sees its bundle rewritten.
 */
export function buildExtension(): void {
  if (built || !bundleStale()) return;
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}${result.stderr}`);
  built = true;
}

function bundleStale(): boolean {
  const bundles = ['extension.js', 'server.js', 'cli.js'].map((name) => path.join(ROOT, 'dist', name));
  if (!bundles.every(existsSync)) return true;
  const builtAt = Math.min(...bundles.map((file) => statSync(file).mtimeMs));
  const sources = [path.join(ROOT, 'package.json'), path.join(ROOT, 'scripts', 'build.mjs'), ...walk(path.join(ROOT, 'client', 'src')), ...walk(path.join(ROOT, 'server', 'src'))];
  return sources.some((file) => statSync(file).mtimeMs > builtAt);
}

interface ExtensionManifest {
  publisher: string;
  name: string;
  version: string;
}

/**
 * Installs the built extension the way VS Code lays out an installed one: a folder
 * named publisher.name-version in the extensions dir. Copied, not symlinked or
 * packaged: a copy is a snapshot no concurrent build can change under a running test,
 * and needs neither vsce nor a .vscodeignore.
 */
function installExtension(extensionsDir: string): void {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as ExtensionManifest;
  const target = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  for (const name of EXTENSION_FILES) {
    const from = path.join(ROOT, name);
    if (existsSync(from)) cpSync(from, path.join(target, name), { recursive: true, filter: (file) => !file.endsWith('.map') });
  }
}

export interface StartOptions {
  /** A folder copied into the session (edits and saves never touch the original). */
  workspace: string;
  /** VS Code user settings.json content. */
  settings?: Record<string, unknown>;
  /** Open the folder in Restricted Mode (workspace trust on, the folder not trusted). */
  untrusted?: boolean;
  /** A packaged extension to install with `code-server --install-extension` instead of copying the dev tree. */
  vsix?: string;
}

export class Session {
  page!: Page;
  workspace = '';
  /** The extensions dir code-server runs with (the installed extension is a folder in it). */
  extensions = '';
  readonly consoleErrors: string[] = [];
  private temp = '';
  private server: ChildProcess | undefined;
  private serverLog = '';
  private context: BrowserContext | undefined;
  private port = 0;

  constructor(readonly name: string) {}

  async start(options: StartOptions): Promise<void> {
    try {
      await this.startUnguarded(options);
    } catch (error) {
      await this.report('start', error);
      throw error;
    }
  }

  private async startUnguarded(options: StartOptions): Promise<void> {
    for (const file of [CODE_SERVER, CHROMIUM]) {
      if (!existsSync(file)) throw new Error(`${file} is missing: run \`bash scripts/e2e-setup.sh\` as root`);
    }
    buildExtension();
    this.temp = mkdtempSync(path.join(os.tmpdir(), `dockerfile-slim-e2e-${this.name}-`));
    live.add(this);
    const dir = (name: string): string => {
      const folder = path.join(this.temp, name);
      mkdirSync(folder, { recursive: true });
      return folder;
    };
    this.workspace = dir('workspace');
    cpSync(options.workspace, this.workspace, { recursive: true });
    const userData = dir('user-data');
    mkdirSync(path.join(userData, 'User'), { recursive: true });
    const trust = options.untrusted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {};
    writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(defaultSettings({ ...trust, ...options.settings }), null, 2));
    const extensions = (this.extensions = dir('extensions'));
    // TMPDIR too: the extension host leaves its vscode-ipc-*.sock there.
    const env = { XDG_CONFIG_HOME: dir('xdg-config'), XDG_DATA_HOME: dir('xdg-data'), XDG_CACHE_HOME: dir('xdg-cache'), TMPDIR: dir('tmp') };
    if (options.vsix) this.installVsix(options.vsix, userData, extensions, env);
    else installExtension(extensions);
    await this.startServer(userData, extensions, env, options.untrusted === true);
    await this.openBrowser(dir('browser'));
  }

  /** As a user installs a downloaded .vsix; code-server's output goes to the failure report. */
  private installVsix(vsix: string, userData: string, extensions: string, env: Record<string, string>): void {
    const args = ['--install-extension', vsix, '--user-data-dir', userData, '--extensions-dir', extensions];
    const result = spawnSync(CODE_SERVER, args, { env: { ...process.env, ...env }, encoding: 'utf8', timeout: START_TIMEOUT_MS });
    this.serverLog += `${result.stdout}${result.stderr}`;
    if (result.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (${result.error?.message ?? result.status})`);
  }

  private async startServer(userData: string, extensions: string, env: Record<string, string>, untrusted: boolean): Promise<void> {
    // Port 0: the kernel picks a free port and code-server prints it, so no race with other runs.
    const trust = untrusted ? [] : ['--disable-workspace-trust'];
    const args = ['--bind-addr', '127.0.0.1:0', '--auth', 'none', '--disable-telemetry', '--disable-update-check', ...trust, '--user-data-dir', userData, '--extensions-dir', extensions];
    // detached: its own process group, so dispose() ends it with its extension host and language server.
    const server = spawn(CODE_SERVER, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.server = server;
    const listening = new Promise<number>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        this.serverLog += chunk.toString();
        const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(this.serverLog);
        if (match) resolve(Number(match[1]));
      };
      server.stdout!.on('data', onData);
      server.stderr!.on('data', onData);
      server.on('error', reject);
      server.on('exit', (code, signal) => reject(new Error(`code-server exited during start-up (${signal ?? code})`)));
    });
    this.port = await withTimeout(listening, START_TIMEOUT_MS, 'code-server did not print its port');
    await waitUntil(async () => (await fetch(`${this.url()}/healthz`).catch(() => undefined))?.ok === true, START_TIMEOUT_MS, 'code-server /healthz did not answer');
  }

  private async openBrowser(profile: string): Promise<void> {
    this.context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 } });
    this.page = this.context.pages()[0] ?? (await this.context.newPage());
    this.page.on('console', (message) => {
      if (message.type() === 'error') this.consoleErrors.push(message.text());
    });
    this.page.on('pageerror', (error) => this.consoleErrors.push(`page error: ${error.message}`));
    await this.page.goto(`${this.url()}/?folder=${encodeURIComponent(this.workspace)}`);
    // The workbench is up once the Explorer shows the folder.
    await this.page.getByRole('tree', { name: 'Files Explorer' }).waitFor({ timeout: START_TIMEOUT_MS });
  }

  url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Runs a test step; on failure saves a screenshot and prints what explains it, then rethrows. */
  async diagnose<T>(step: string, run: (page: Page) => Promise<T>): Promise<T> {
    try {
      return await run(this.page);
    } catch (error) {
      await this.report(step, error);
      throw error;
    }
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    const file = path.join(OUTPUT_DIR, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  private async report(step: string, error: unknown): Promise<void> {
    const lines = [`e2e ${this.name}: "${step}" failed: ${error instanceof Error ? error.message : String(error)}`];
    if (this.page) {
      const shot = await this.screenshot(`${this.name}-${slug(step)}-failure`).catch((e: Error) => `(no screenshot: ${e.message})`);
      lines.push(`screenshot: ${shot}`);
    }
    lines.push(`browser console errors (${this.consoleErrors.length}):`, ...this.consoleErrors.slice(-20).map((e) => `  ${e}`));
    lines.push('code-server output (last 30 lines):', ...this.serverLog.trimEnd().split('\n').slice(-30).map((l) => `  ${l}`));
    for (const [file, text] of this.extensionLogs()) lines.push(`${file} (last 30 lines):`, ...text.trimEnd().split('\n').slice(-30).map((l) => `  ${l}`));
    console.error(lines.join('\n'));
  }

  /** The extension host's and the extension's own output channel logs. */
  private extensionLogs(): [string, string][] {
    const logs = path.join(this.temp, 'user-data', 'logs');
    if (!this.temp || !existsSync(logs)) return [];
    return walk(logs)
      .filter((file) => /exthost\.log$|Dockerfile Slim\.log$/.test(file))
      .map((file) => [path.relative(this.temp, file), readFileSync(file, 'utf8')]);
  }

  /** Closes chromium, ends code-server's process group, removes the temp folder. Safe to call twice. */
  async dispose(): Promise<void> {
    const context = this.context;
    this.context = undefined;
    await context?.close().catch(() => undefined);
    await this.stopServer();
    this.removeTemp();
    live.delete(this);
  }

  /** Last resort when the test process ends without dispose(): synchronous, so it runs in an 'exit' handler. */
  killNow(): void {
    if (this.server?.pid) killGroup(-this.server.pid, 'SIGKILL');
    this.removeTemp();
  }

  private removeTemp(): void {
    if (this.temp) rmSync(this.temp, { recursive: true, force: true });
    this.temp = '';
  }

  private async stopServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server?.pid) return;
    const group = -server.pid;
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
      killGroup(group, 'SIGTERM');
      const stopped = await withTimeout(exited, STOP_TIMEOUT_MS, 'code-server did not stop').then(() => true, () => false);
      killGroup(group, 'SIGKILL');
      if (!stopped) await withTimeout(exited, STOP_TIMEOUT_MS, `code-server (pid ${server.pid}) did not exit after SIGKILL`);
    }
    // Even when code-server itself is gone: its extension host and language server are in its group.
    killGroup(group, 'SIGKILL');
  }

  // ---------------------------------------------------------------- workbench helpers

  /** Runs a command by its full palette title ("Category: Title") through F1, as a user would. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    await this.pick(`>${title}`, new RegExp(`^${escapeRegExp(title)}(,|$)`));
  }

  /** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab. */
  async openFile(relative: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    await this.pick(relative, new RegExp(escapeRegExp(path.basename(relative))));
    await this.tab(path.basename(relative)).waitFor({ timeout: UI_TIMEOUT_MS });
  }

  /** Types into the open quick input (palette, Quick Open) and clicks the option whose accessible name matches. */
  private async pick(text: string, option: RegExp): Promise<void> {
    const quickInput = this.page.locator('.quick-input-widget');
    const input = quickInput.getByRole('textbox');
    await input.waitFor({ timeout: UI_TIMEOUT_MS });
    await input.fill(text);
    await quickInput.getByRole('option', { name: option }).first().click({ timeout: UI_TIMEOUT_MS });
    await quickInput.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
  }

  /** Moves the cursor with Go to Line (Ctrl+G); line and character are 0-based like LSP positions. */
  async goTo(line: number, character: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget').getByRole('textbox');
    await input.waitFor({ timeout: UI_TIMEOUT_MS });
    await input.fill(`:${line + 1}:${character + 1}`);
    await this.page.keyboard.press('Enter');
    await this.cursorOn(line);
  }

  /** Waits until the status bar shows the cursor on a 0-based line. */
  async cursorOn(line: number): Promise<void> {
    await this.page.getByRole('button', { name: new RegExp(`^Ln ${line + 1}, Col \\d+`) }).waitFor({ timeout: UI_TIMEOUT_MS });
  }

  /** Opens the Quick Fix menu at the cursor (Ctrl+.) and returns it. */
  async openQuickFixMenu(): Promise<Locator> {
    await this.page.keyboard.press('Control+.');
    const menu = this.page.getByRole('listbox', { name: 'Action Widget' });
    await menu.getByRole('option').first().waitFor({ timeout: UI_TIMEOUT_MS });
    return menu;
  }

  /**
   * Chooses an action in the open Quick Fix menu with the keyboard: arrows until it is the
   * list's active descendant, then Enter. (A mouse click lands on the pointer block VS Code
   * lays over the page until the mouse moves.)
   */
  async chooseQuickFix(menu: Locator, title: string): Promise<void> {
    const option = menu.getByRole('option', { name: title, exact: true });
    await option.waitFor({ timeout: UI_TIMEOUT_MS });
    const id = await option.getAttribute('id');
    const options = await menu.getByRole('option').count();
    for (let moves = 0; (await menu.getAttribute('aria-activedescendant')) !== id; moves++) {
      if (moves > options) throw new Error(`"${title}" never became the Quick Fix menu's active option`);
      await this.page.keyboard.press('ArrowDown');
    }
    await this.page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
  }

  /** The Problems panel's rows for a diagnostic code, optionally only the one at a 0-based position. */
  problem(code: string, at?: { line: number; character: number }): Locator {
    const name = at ? new RegExp(` at line ${at.line + 1} and character ${at.character + 1}\\. generated by `) : /./;
    const codeButton = this.page.getByRole('button', { name: `(${code})`, exact: true });
    return this.problemsTree().getByRole('treeitem', { name }).filter({ has: codeButton });
  }

  /** The Problems panel's tree (its accessible name counts the problems). */
  problemsTree(): Locator {
    return this.page.getByRole('tree', { name: /^Showing \d+ (of \d+ )?problems$/ });
  }

  /** An editor tab whose title matches. */
  tab(title: string | RegExp): Locator {
    return this.page.getByRole('tab', { name: title }).first();
  }
}

/** Sessions not yet disposed; ended when the process exits or is interrupted (Playwright ends its own browsers). */
const live = new Set<Session>();
function killLiveSessions(): void {
  for (const session of live) session.killNow();
  live.clear();
}
process.once('exit', killLiveSessions);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killLiveSessions();
    process.kill(process.pid, signal);
  });
}

export function defaultSettings(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'security.workspace.trust.enabled': false,
    'git.enabled': false,
    'editor.minimap.enabled': false,
    // Quick fixes are applied through the menu the test opens, never on save.
    'editor.codeActionsOnSave': {},
    'files.autoSave': 'off',
    ...extra,
  };
}

export async function waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`${message} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function killGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(group, signal);
  } catch {
    // Already gone.
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? walk(file) : [file];
  });
}

export interface CliDiagnostic {
  code: string;
  path: string;
  range: { start: { line: number; character: number } };
}

/** What `dockerfile-slim lint --format json` reports for a Dockerfile (its build context is its folder); by default the dev bundle's CLI. */
export function lint<D extends CliDiagnostic = CliDiagnostic>(file: string, cli = path.join(ROOT, 'dist', 'cli.js')): D[] {
  const result = spawnSync(process.execPath, [cli, 'lint', '--format', 'json', file], { encoding: 'utf8' });
  if (result.status !== 0 && result.status !== 1) throw new Error(`the CLI failed (${result.status}): ${result.stderr}`);
  const report = JSON.parse(result.stdout) as { files: { diagnostics: D[] }[] };
  return report.files.flatMap((entry) => entry.diagnostics);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
