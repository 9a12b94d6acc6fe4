// Code actions for SLIM diagnostics, built from `Diagnostic.data` alone (no re-parse),
// and "fix all" as one minimal edit per file of the current texts.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { AnalysisOptions } from './analyze';
import { baseFixes } from './base-validation';
import { filePathOf } from './client-features';
import { contextPath } from './context/build-context';
import type { OverlayRead } from './contexts';
import { isSlimDiagnostic, type SlimDiagnostic } from './diagnostics';
import { fixAllFiles, minimalEdit, preferredFix } from './fixes';
import { sameRange } from './published';
import type { FileEdit } from './rules/types';
import { DIAGNOSTIC_SOURCE, FIX_ALL_KIND, SHOW_DOCUMENTATION_COMMAND } from './shared/protocol';

/**
 * The Dockerfile the actions come from: edits to it carry `version`, so a client
 * rejects them once the text moved on. Edit paths are relative to its folder.
 */
export interface ActionTarget {
  uri: string;
  version: number;
  /** The client can apply `documentChanges` (versioned edits). */
  documentChanges: boolean;
  /** Other open documents the edits were computed from, by absolute path: their URI as the client sent it and their version then. */
  others?: ReadonlyMap<string, OverlayRead>;
}

/** Whether a request limited to `only` kinds wants actions of `kind` (kinds are hierarchical: `source` covers `source.fixAll.x`). */
export function wantsKind(only: readonly string[] | undefined, kind: string): boolean {
  if (!only) return kind === CodeActionKind.QuickFix;
  return only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
}

/**
 * Quick fixes for the diagnostics in a code action request: SLIM's and dockerfile-utils'.
 * `published` (what this server last published for the document) restores `data` that a client dropped.
 */
export function quickFixes(target: ActionTarget, text: string, diagnostics: readonly Diagnostic[], published: readonly SlimDiagnostic[] = []): CodeAction[] {
  const base = baseFixes(target.uri, text, diagnostics).map(({ title, diagnostic, edits }) => ({
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: workspaceEdit(target, edits),
  }));
  return [...slimQuickFixes(target, diagnostics.map((d) => withData(d, published))), ...base];
}

function withData(diagnostic: Diagnostic, published: readonly SlimDiagnostic[]): Diagnostic {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE || isSlimDiagnostic(diagnostic)) return diagnostic;
  const same = published.find((p) => p.code === diagnostic.code && sameRange(p.range, diagnostic.range) && p.message === diagnostic.message);
  return same ? { ...diagnostic, data: same.data } : diagnostic;
}

/**
 * Quick fixes for SLIM diagnostics shown in another file (a Makefile, a script):
 * each is resolved to the Dockerfile it comes from, whose folder its edit paths are relative to.
 */
export function otherFileQuickFixes(diagnostics: readonly Diagnostic[], sourceOf: (diagnostic: Diagnostic) => { target: ActionTarget; diagnostic: SlimDiagnostic } | undefined): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
    const source = sourceOf(diagnostic);
    if (!source) continue;
    // The client's own diagnostic object, so the action is tied to what it shows.
    const shown = isSlimDiagnostic(diagnostic) ? diagnostic : { ...diagnostic, data: source.diagnostic.data };
    const titles = new Set(actions.map((action) => action.title));
    actions.push(...slimQuickFixes(source.target, [shown]).filter((action) => !(action.command && titles.has(action.title))));
  }
  return actions;
}

/** Per SLIM diagnostic: its fixes (the preferred one marked), "Ignore", "Show documentation". */
export function slimQuickFixes(target: ActionTarget, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  const ignores = new Set<string>();
  const docs = new Set<string>();
  for (const diagnostic of diagnostics.filter(isSlimDiagnostic)) {
    actions.push(...fixActions(target, diagnostic));
    const ignore = ignoreAction(target, diagnostic);
    const ignoreKey = JSON.stringify(ignore.edit);
    if (!ignores.has(ignoreKey)) actions.push(ignore);
    ignores.add(ignoreKey);
    if (!docs.has(diagnostic.code)) actions.push(docsAction(diagnostic));
    docs.add(diagnostic.code);
  }
  return actions;
}

function fixActions(target: ActionTarget, diagnostic: SlimDiagnostic): CodeAction[] {
  const preferred = preferredFix(diagnostic.data);
  const actions: CodeAction[] = [];
  for (const fix of diagnostic.data.fixes) {
    const edit = workspaceEdit(target, fix.edits);
    if (!edit) continue;
    actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix === preferred, edit });
  }
  return actions;
}

function ignoreAction(target: ActionTarget, diagnostic: SlimDiagnostic): CodeAction {
  return {
    title: `Ignore ${diagnostic.code} for this instruction`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: workspaceEdit(target, [diagnostic.data.ignore]),
  };
}

function docsAction(diagnostic: SlimDiagnostic): CodeAction {
  const title = `Show documentation for ${diagnostic.code}`;
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: SHOW_DOCUMENTATION_COMMAND, arguments: [diagnostic.code] } };
}

/**
 * Edits grouped by file. `path` edits are relative to the Dockerfile's folder; a
 * Dockerfile that is no file on disk (e.g. untitled) cannot have them: undefined.
 */
export function workspaceEdit(target: ActionTarget, edits: readonly FileEdit[]): WorkspaceEdit | undefined {
  const byUri = new Map<string, { version: number | null; edits: TextEdit[] }>();
  for (const edit of edits) {
    const document = edit.path === undefined ? { uri: target.uri, version: target.version } : otherDocument(target, edit.path);
    if (!document) return undefined;
    const entry = byUri.get(document.uri) ?? { version: document.version, edits: [] };
    entry.edits.push({ range: edit.range, newText: edit.newText });
    byUri.set(document.uri, entry);
  }
  if (!target.documentChanges) return { changes: Object.fromEntries([...byUri].map(([uri, entry]) => [uri, entry.edits])) };
  return { documentChanges: [...byUri].map(([uri, entry]) => ({ textDocument: { uri, version: entry.version }, edits: entry.edits })) };
}

/** The URI and version (null: not open when the edit was computed) of a file relative to the Dockerfile's folder. */
function otherDocument(target: ActionTarget, relative: string): { uri: string; version: number | null } | undefined {
  const dockerfile = filePathOf(target.uri);
  if (!dockerfile) return undefined;
  const absolute = path.resolve(path.dirname(dockerfile), relative);
  if (absolute === dockerfile) return { uri: target.uri, version: target.version };
  const open = target.others?.get(absolute);
  return open ? { uri: open.uri, version: open.version } : { uri: pathToFileURL(absolute).toString(), version: null };
}

/**
 * Every preferred fix at once (as `fixAllFiles`): one edit per file, touching only the
 * lines that change, for the Dockerfile and every file the fixes change. Safe on save.
 */
export function fixAllAction(target: ActionTarget, text: string, options: AnalysisOptions): CodeAction | undefined {
  const fixed = fixAllFiles(text, options);
  const edits: FileEdit[] = [];
  const own = minimalEdit(text, fixed.text);
  if (own) edits.push(own);
  const context = options.context;
  for (const [file, after] of context ? fixed.files : []) {
    const before = context?.readFile(contextPath(context, file));
    const edit = before === undefined ? undefined : minimalEdit(before, after);
    if (edit) edits.push({ ...edit, path: file });
  }
  const edit = edits.length > 0 ? workspaceEdit(target, edits) : undefined;
  return edit && { title: 'Fix all auto-fixable Dockerfile Slim problems', kind: FIX_ALL_KIND, edit };
}
