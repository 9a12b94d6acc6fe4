// Code actions for SLIM diagnostics, built from `Diagnostic.data` alone (no re-parse),
// and "fix all" as one minimal edit of the current text.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { AnalysisOptions } from './analyze';
import { baseFixes } from './base-validation';
import { isSlimDiagnostic, type SlimDiagnostic } from './diagnostics';
import { fixAll, minimalEdit, preferredFix } from './fixes';
import type { FileEdit } from './rules/types';
import { DIAGNOSTIC_SOURCE, FIX_ALL_KIND, SHOW_DOCUMENTATION_COMMAND } from './shared/protocol';

/** The document the actions are for: edits to it carry `version`, so a client rejects them once the text moved on. */
export interface ActionTarget {
  uri: string;
  version: number;
  /** The client can apply `documentChanges` (versioned edits). */
  documentChanges: boolean;
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

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
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
  const byUri = new Map<string, TextEdit[]>();
  for (const edit of edits) {
    const uri = edit.path === undefined ? target.uri : siblingUri(target.uri, edit.path);
    if (!uri) return undefined;
    byUri.set(uri, [...(byUri.get(uri) ?? []), { range: edit.range, newText: edit.newText }]);
  }
  if (!target.documentChanges) return { changes: Object.fromEntries(byUri) };
  return {
    documentChanges: [...byUri].map(([uri, textEdits]) => ({
      textDocument: { uri, version: uri === target.uri ? target.version : null },
      edits: textEdits,
    })),
  };
}

function siblingUri(dockerfileUri: string, relative: string): string | undefined {
  if (!dockerfileUri.startsWith('file:')) return undefined;
  const folder = path.dirname(fileURLToPath(dockerfileUri));
  return pathToFileURL(path.resolve(folder, relative)).toString();
}

/** Every preferred fix at once (as `fixAll`), as one edit touching only the lines that change: safe on save. */
export function fixAllAction(target: ActionTarget, text: string, options: AnalysisOptions): CodeAction | undefined {
  const edit = minimalEdit(text, fixAll(text, options).text);
  if (!edit) return undefined;
  return { title: 'Fix all auto-fixable Dockerfile Slim problems', kind: FIX_ALL_KIND, edit: workspaceEdit(target, [edit]) };
}
