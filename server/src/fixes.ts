// Applying fixes to text: single edits, and "fix all" as repeated passes until stable.
import type { Range } from 'vscode-languageserver-textdocument';
import { analyze, type AnalysisOptions, type AnalyzedFinding } from './analyze';
import type { FileEdit, Fix } from './rules/types';
import { lineStarts } from './parse/dockerfile';
import { contextPath, dockerfileRelative, type BuildContext } from './context/build-context';

export interface TextEdit {
  range: Range;
  newText: string;
}

function toOffset(offsets: number[], text: string, position: Range['start']): number {
  if (position.line >= offsets.length) return text.length;
  const next = position.line + 1 < offsets.length ? offsets[position.line + 1] : text.length;
  const lineEnd = text.slice(offsets[position.line], next).replace(/(\r\n|\r|\n)$/, '').length + offsets[position.line];
  return Math.min(offsets[position.line] + position.character, lineEnd);
}

/** Applies non-overlapping edits (positions in `text`'s coordinates). Throws on overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const offsets = lineStarts(text);
  const spans = edits
    .map((edit, order) => ({ start: toOffset(offsets, text, edit.range.start), end: toOffset(offsets, text, edit.range.end), newText: edit.newText, order }))
    .sort((a, b) => a.start - b.start || a.end - b.end || a.order - b.order);
  let result = '';
  let cursor = 0;
  for (const span of spans) {
    if (span.start < cursor) throw new Error('overlapping edits');
    result += text.slice(cursor, span.start) + span.newText;
    cursor = span.end;
  }
  return result + text.slice(cursor);
}

/** The first fix, unless it is a manual rewrite. */
export function preferredFix(finding: { fixes: readonly Fix[] }): Fix | undefined {
  const first = finding.fixes[0];
  return first && !first.manual ? first : undefined;
}

/** Preferred fixes of these findings whose edits do not overlap each other (in any file). */
export function compatiblePreferredEdits(findings: readonly AnalyzedFinding[]): FileEdit[] {
  const chosen: FileEdit[] = [];
  for (const finding of findings) {
    const edits = preferredFix(finding)?.edits;
    if (!edits) continue;
    if (edits.some((edit) => chosen.some((other) => other.path === edit.path && overlaps(edit.range, other.range)))) continue;
    chosen.push(...edits);
  }
  return chosen;
}

function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Touching ranges are fine; two insertions at one point are not (their order would matter). */
function overlaps(a: Range, b: Range): boolean {
  const aEmpty = !before(a.start, a.end);
  const bEmpty = !before(b.start, b.end);
  if (aEmpty && bEmpty) return a.start.line === b.start.line && a.start.character === b.start.character;
  return before(a.start, b.end) && before(b.start, a.end);
}

export interface FixAllResult {
  /** The Dockerfile's text. */
  text: string;
  /** Other files the fixes changed, by path relative to the Dockerfile's folder. */
  files: Map<string, string>;
  passes: number;
}

/** Applies preferred fixes pass after pass until none is left (or `maxPasses`), in the Dockerfile and the files they touch. */
export function fixAllFiles(text: string, options: AnalysisOptions = {}, maxPasses = 10): FixAllResult {
  let current = text;
  const files = new Map<string, string>();
  const context = options.context && overlay(options.context, files);
  for (let pass = 1; pass <= maxPasses; pass++) {
    const edits = compatiblePreferredEdits(analyze(current, { ...options, context }).findings);
    if (edits.length === 0) return { text: current, files, passes: pass - 1 };
    for (const [file, fileEdits] of groupByPath(edits)) {
      if (file === undefined) current = applyEdits(current, fileEdits);
      else {
        const before = context?.readFile(contextPath(context, file));
        if (before !== undefined) files.set(file, applyEdits(before, fileEdits));
      }
    }
  }
  return { text: current, files, passes: maxPasses };
}

/** The Dockerfile's text after fix-all (other files' changes dropped: see fixAllFiles). */
export function fixAll(text: string, options: AnalysisOptions = {}, maxPasses = 10): { text: string; passes: number } {
  const { text: fixed, passes } = fixAllFiles(text, options, maxPasses);
  return { text: fixed, passes };
}

function groupByPath(edits: readonly FileEdit[]): Map<string | undefined, FileEdit[]> {
  const groups = new Map<string | undefined, FileEdit[]>();
  for (const edit of edits) groups.set(edit.path, [...(groups.get(edit.path) ?? []), edit]);
  return groups;
}

/** The context as the fixes have changed it so far. */
function overlay(context: BuildContext, changed: ReadonlyMap<string, string>): BuildContext {
  return {
    ...context,
    files: () => context.files(),
    readFile: (relativePath) => changed.get(dockerfileRelative(context, relativePath)) ?? context.readFile(relativePath),
  };
}

/** One edit covering only the lines that differ: keeps the editor's cursor and markers elsewhere. */
export function minimalEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  const offsets = lineStarts(before);
  const position = (offset: number) => {
    let line = 0;
    while (line + 1 < offsets.length && offsets[line + 1] <= offset) line++;
    return { line, character: offset - offsets[line] };
  };
  return { range: { start: position(start), end: position(before.length - end) }, newText: after.slice(start, after.length - end) };
}

/**
 * Fixes insert lines with "\n". A file written with CRLF throughout is fixed as LF
 * text and converted back, so its line endings stay uniform; a file with mixed
 * endings is fixed as it is (converting would touch lines no fix meant to change).
 */
export function fixKeepingLineEndings(text: string, fixText: (text: string) => string): string {
  if (!usesCrlfThroughout(text)) return fixText(text);
  const fixed = fixText(text.replace(/\r\n/g, '\n'));
  return fixed.replace(/\r?\n/g, '\r\n');
}

export function usesCrlfThroughout(text: string): boolean {
  return text.includes('\r\n') && !/(^|[^\r])\n/.test(text);
}
