// Settings per document: the client's `dockerfileSlim` settings combined with the
// nearest `.dockerfile-slim.json`. Cached until the settings or a config file change.
import path from 'node:path';
import { resolveConfig, type ResolvedConfig } from './config';
import { filePathOf } from './client-features';
import { describeError } from './guard';
import { DEFAULT_EDITOR_SETTINGS, SEVERITIES, type BaseValidation, type EditorSettings, type Severity, type WorkspaceConfig } from './shared/protocol';
import { findWorkspaceConfig, readWorkspaceConfig } from './workspace-config';

export interface DocumentSettings {
  editor: EditorSettings;
  resolved: ResolvedConfig;
}

/** Settings come from users' JSON (or from any LSP client): keep what is well-formed, default the rest. */
export function normalizeEditorSettings(raw: unknown): EditorSettings {
  const value = isObject(raw) ? raw : {};
  const rules: Record<string, Severity> = {};
  if (isObject(value.rules)) {
    for (const [code, severity] of Object.entries(value.rules)) {
      if (SEVERITIES.includes(severity as Severity)) rules[code.toUpperCase()] = severity as Severity;
    }
  }
  const baseValidation = ['auto', 'on', 'off'].includes(value.baseValidation as string) ? (value.baseValidation as BaseValidation) : DEFAULT_EDITOR_SETTINGS.baseValidation;
  return {
    rules,
    target: typeof value.target === 'string' ? value.target : DEFAULT_EDITOR_SETTINGS.target,
    context: typeof value.context === 'string' ? value.context : DEFAULT_EDITOR_SETTINGS.context,
    baseValidation,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The innermost workspace folder holding `file`: `.dockerfile-slim.json` is not looked for above it. */
export function workspaceFolderOf(file: string, folders: readonly string[]): string | undefined {
  const inside = folders.filter((folder) => {
    const relative = path.relative(folder, file);
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  });
  return inside.sort((a, b) => b.length - a.length)[0];
}

/** A client that never answers must not stop validation for good. */
export const SETTINGS_TIMEOUT_MS = 5000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms; using defaults`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface SettingsSource {
  /** The client's raw `dockerfileSlim` settings for this document. */
  editorSettings(uri: string): Promise<unknown>;
  workspaceFolders(): readonly string[];
  /** Tell the user (a bad `.dockerfile-slim.json`). */
  showError(message: string): void;
  log(message: string): void;
}

export class SettingsCache {
  private readonly byUri = new Map<string, Promise<DocumentSettings>>();
  private readonly shownErrors = new Set<string>();
  /** Bumped on every change of settings: results computed with older settings are stale. */
  generation = 0;

  constructor(private readonly source: SettingsSource) {}

  /** Never rejects: a failing client or a bad config file falls back to defaults. */
  get(uri: string): Promise<DocumentSettings> {
    let settings = this.byUri.get(uri);
    if (!settings) {
      settings = this.load(uri);
      this.byUri.set(uri, settings);
    }
    return settings;
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  /** After a settings change; after a config file change also show its errors again. */
  clear(options: { configFileChanged?: boolean } = {}): void {
    this.byUri.clear();
    if (options.configFileChanged) this.shownErrors.clear();
    this.generation++;
  }

  private async load(uri: string): Promise<DocumentSettings> {
    let raw: unknown;
    try {
      raw = await withTimeout(this.source.editorSettings(uri), SETTINGS_TIMEOUT_MS);
    } catch (error) {
      this.source.log(`Could not get settings for ${uri}: ${describeError(error)}`);
    }
    const editor = normalizeEditorSettings(raw);
    return { editor, resolved: resolveConfig(this.workspaceConfig(uri), editor) };
  }

  private workspaceConfig(uri: string): WorkspaceConfig | undefined {
    const file = filePathOf(uri);
    if (!file) return undefined;
    let configFile: string | undefined;
    try {
      configFile = findWorkspaceConfig(file, workspaceFolderOf(file, this.source.workspaceFolders()));
      return configFile ? readWorkspaceConfig(configFile) : undefined;
    } catch (error) {
      this.reportOnce(`Dockerfile Slim: ignoring ${configFile ?? 'the workspace configuration'}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  private reportOnce(message: string): void {
    this.source.log(message);
    if (this.shownErrors.has(message)) return;
    this.shownErrors.add(message);
    this.source.showError(message);
  }
}
