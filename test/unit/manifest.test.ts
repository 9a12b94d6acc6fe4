// The extension manifest (package.json) against the code and files it names: every command
// is registered and presentable, every setting explained, the walkthrough's media exist and
// its steps can complete, and whatever the manifest points at goes into the .vsix.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT, isPackaged } from './vscodeignore';

interface Command {
  command: string;
  title?: string;
  category?: string;
  icon?: string;
}
interface MenuItem {
  command: string;
  when?: string;
}
interface Setting {
  type?: string | string[];
  default?: unknown;
  description?: string;
  markdownDescription?: string;
  enum?: unknown[];
  markdownEnumDescriptions?: string[];
}
interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string };
  completionEvents?: string[];
}
interface Manifest {
  main: string;
  icon: string;
  license?: string;
  repository?: { url?: string };
  galleryBanner?: { color?: string; theme?: string };
  categories: string[];
  keywords: string[];
  capabilities: {
    untrustedWorkspaces: { supported: boolean | 'limited'; description?: string; restrictedConfigurations?: string[] };
    virtualWorkspaces: boolean | { supported: boolean | 'limited'; description?: string };
  };
  contributes: {
    languages: { id: string }[];
    grammars?: { path: string }[];
    commands: Command[];
    menus: Record<string, MenuItem[]>;
    configuration: { properties: Record<string, Setting> };
    viewsContainers?: Record<string, { icon: string }[]>;
    walkthroughs: { id: string; title: string; steps: Step[] }[];
  };
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const { contributes } = manifest;
const commandIds = new Set(contributes.commands.map((command) => command.command));
const settings = contributes.configuration.properties;
const CATEGORY = 'Dockerfile Slim';
/** The walkthrough completion events VS Code 1.100 knows (gettingStartedService): others, `onLanguage` among them, are dropped with a console error. */
const COMPLETION_EVENTS = ['onCommand', 'onSettingChanged', 'onContext', 'onView', 'onLink', 'onEvent', 'onStepSelected', 'stepSelected', 'onExtensionInstalled', 'extensionInstalled'];

function sources(relative: string): string {
  const dir = path.join(ROOT, relative);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && statSync(path.join(dir, file)).isFile())
    .map((file) => readFileSync(path.join(dir, file), 'utf8'))
    .join('\n');
}

/**
 * Command ids the extension registers: `registerCommand('id', …)` or through a constant in
 * the client, plus the commands the server lists in executeCommandProvider (the language
 * client registers those for it).
 */
function registeredCommands(): Set<string> {
  const client = sources('client/src');
  const constants = new Map([...`${client}\n${sources('server/src/shared')}`.matchAll(/\bconst\s+(\w+)\s*=\s*'([^']+)'/g)].map((m) => [m[1], m[2]]));
  const resolve = (expression: string): string | undefined => /^'([^']+)'$/.exec(expression)?.[1] ?? constants.get(expression);
  const byClient = [...client.matchAll(/registerCommand\(\s*('[^']+'|\w+)\s*,/g)].map((m) => resolve(m[1]));
  const serverList = /executeCommandProvider:\s*\{\s*commands:\s*\[([^\]]*)\]/.exec(readFileSync(path.join(ROOT, 'server/src/server.ts'), 'utf8'))?.[1] ?? '';
  const byServer = serverList.split(',').map((item) => item.trim()).filter(Boolean).map(resolve);
  return new Set([...byClient, ...byServer].filter((id): id is string => id !== undefined));
}

/** Width and height from a PNG's IHDR chunk, or undefined when the file is not a PNG. */
function pngSize(file: string): { width: number; height: number } | undefined {
  const bytes = readFileSync(file);
  if (!bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) || bytes.toString('ascii', 12, 16) !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('extension manifest', () => {
  test('every command has a title, the category and a codicon', () => {
    for (const command of contributes.commands) {
      assert.ok(command.title?.trim(), `${command.command} has no title`);
      assert.equal(command.category, CATEGORY, `${command.command}'s category`);
      assert.match(command.icon ?? '', /^\$\([a-z-]+\)$/, `${command.command}'s icon`);
    }
  });

  test('every contributed command is registered by the client or the server', () => {
    const registered = registeredCommands();
    const missing = [...commandIds].filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed in package.json but registered nowhere in client/src (registerCommand) or server.ts (executeCommandProvider): ${missing.join(', ')}`);
  });

  test('menu entries name contributed commands and say when they apply', () => {
    for (const [menu, items] of Object.entries(contributes.menus)) {
      for (const item of items) {
        assert.ok(commandIds.has(item.command), `${menu}: ${item.command} is not a contributed command`);
        assert.ok(item.when?.trim(), `${menu}: ${item.command} has no when clause`);
        // editorLangId is set only while a text editor has focus (from the side panel the command would
        // vanish), and resourceLangId can lag behind a file's language just after it opens: a palette
        // entry that tests the language tests resourceLangId, editorLangId only beside it.
        const when = item.when ?? '';
        if (menu === 'commandPalette' && /\beditorLangId\b/.test(when)) assert.match(when, /\bresourceLangId\b/, `${menu}: ${item.command} should test resourceLangId (the active editor's language)`);
      }
    }
  });

  test('every setting has a Markdown description, a default, and explained enum values', () => {
    for (const [name, setting] of Object.entries(settings)) {
      assert.ok(setting.markdownDescription?.trim(), `${name} has no markdownDescription`);
      assert.equal(setting.description, undefined, `${name}: a plain description next to the Markdown one`);
      assert.ok('default' in setting, `${name} has no default`);
      for (const [, reference] of setting.markdownDescription!.matchAll(/`#([\w.]+)#`/g)) assert.ok(reference in settings, `${name} links to the unknown setting ${reference}`);
      if (!setting.enum) continue;
      assert.ok(setting.enum.includes(setting.default), `${name}'s default is not one of its values`);
      assert.equal(setting.markdownEnumDescriptions?.length, setting.enum.length, `${name}: one markdownEnumDescription per value`);
    }
  });

  test("the README's settings table lists every setting with its default", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const rows = new Map([...readme.matchAll(/^\| `(dockerfileSlim\.[\w.]+)` \| `([^`]*)` \|/gm)].map(([, name, value]) => [name, value]));
    assert.deepEqual([...rows.keys()].sort(), Object.keys(settings).sort(), 'README rows vs package.json settings');
    for (const [name, setting] of Object.entries(settings)) {
      const written = typeof setting.default === 'string' ? (setting.default === '' ? '""' : setting.default) : JSON.stringify(setting.default);
      assert.equal(rows.get(name), written, `${name}: the README's default`);
    }
  });

  test('Marketplace metadata: icon, banner, repository, license, categories, keywords', () => {
    assert.equal(manifest.icon, 'media/icon.png');
    assert.deepEqual(pngSize(path.join(ROOT, manifest.icon)), { width: 128, height: 128 }, 'the icon is a 128×128 PNG');
    assert.match(manifest.galleryBanner?.color ?? '', /^#[0-9a-fA-F]{6}$/);
    assert.ok(manifest.galleryBanner?.theme === 'dark' || manifest.galleryBanner?.theme === 'light');
    assert.match(manifest.repository?.url ?? '', /^https:\/\/github\.com\/[\w-]+\/[\w-]+$/);
    assert.equal(manifest.license, 'MIT');
    assert.ok(existsSync(path.join(ROOT, 'LICENSE')));
    assert.deepEqual(manifest.categories, ['Linters', 'Programming Languages']);
    // vsce refuses more than 30 keywords.
    assert.ok(manifest.keywords.length > 0 && manifest.keywords.length <= 30, `${manifest.keywords.length} keywords`);
  });

  test('workspace trust and virtual workspaces are declared, and the restricted settings exist and are named', () => {
    const { untrustedWorkspaces, virtualWorkspaces } = manifest.capabilities;
    assert.equal(untrustedWorkspaces.supported, 'limited');
    const restricted = untrustedWorkspaces.restrictedConfigurations ?? [];
    assert.ok(restricted.includes('dockerfileSlim.enginePath'), 'a repository must not choose the program a build runs');
    for (const name of restricted) {
      assert.ok(name in settings, `restricted setting ${name} does not exist`);
      assert.ok(untrustedWorkspaces.description?.includes(name), `the untrusted-workspace description does not name ${name}`);
    }
    assert.ok(typeof virtualWorkspaces === 'object' && virtualWorkspaces.description?.trim(), 'virtualWorkspaces says what works');
  });

  test('the walkthrough: media exist, steps can complete, links and events name real commands', () => {
    const languages = new Set(contributes.languages.map((language) => language.id));
    const [walkthrough] = contributes.walkthroughs;
    assert.ok(walkthrough?.steps.length >= 4, 'a walkthrough of at least four steps');
    for (const step of walkthrough.steps) {
      const media = step.media.markdown ?? step.media.image;
      assert.ok(media && existsSync(path.join(ROOT, media)), `${step.id}: media ${media} is missing`);
      assert.ok(step.completionEvents?.length, `${step.id} has no completionEvents`);
      for (const event of step.completionEvents) {
        const [kind, value = ''] = event.split(/:(.*)/s);
        assert.ok(COMPLETION_EVENTS.includes(kind), `${step.id}: VS Code ignores the completion event ${event}`);
        for (const [, language] of value.matchAll(/\b(?:editorLangId|resourceLangId) == (\S+)/g)) assert.ok(languages.has(language), `${step.id}: ${event} names a language nobody contributes`);
        if (kind === 'onCommand' && value.startsWith('dockerfileSlim.')) assert.ok(commandIds.has(value), `${step.id}: ${event} waits for a command package.json does not contribute`);
        if (kind === 'onSettingChanged' && value.startsWith('dockerfileSlim.')) assert.ok(value in settings, `${step.id}: ${event} is not a setting`);
      }
      for (const [, id] of step.description.matchAll(/\(command:(dockerfileSlim\.\w+)/g)) assert.ok(commandIds.has(id), `${step.id}: its link runs ${id}, which package.json does not contribute`);
    }
  });

  test('every file the manifest names is in the .vsix allowlist', () => {
    const named = [
      manifest.main.replace(/^\.\//, ''),
      manifest.icon,
      'README.md',
      'CHANGELOG.md',
      'LICENSE',
      ...(contributes.grammars ?? []).map((grammar) => grammar.path.replace(/^\.\//, '')),
      ...Object.values(contributes.viewsContainers ?? {}).flat().map((container) => container.icon),
      ...contributes.walkthroughs.flatMap((walkthrough) => walkthrough.steps.map((step) => (step.media.markdown ?? step.media.image)!)),
    ];
    const dropped = named.filter((file) => !isPackaged(file));
    assert.deepEqual(dropped, [], `.vscodeignore leaves out ${dropped.join(', ')}`);
  });
});
