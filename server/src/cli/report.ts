// The lint result in the spec's JSON shape (ranges 0-based, as in LSP). The text and
// SARIF formats are rendered from this same model, so all three always agree.
import path from 'node:path';
import type { AnalyzedFinding } from '../analyze';
import { preferredFix } from '../fixes';
import type { FileEdit, FindingSeverity } from '../rules/types';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface ReportEdit {
  path: string;
  range: Range;
  newText: string;
}

export interface ReportFix {
  title: string;
  preferred: boolean;
  edits: ReportEdit[];
}

export interface ReportDiagnostic {
  code: string;
  name: string;
  severity: FindingSeverity;
  message: string;
  path: string;
  range: Range;
  fixes: ReportFix[];
}

export interface FileReport {
  path: string;
  diagnostics: ReportDiagnostic[];
}

export interface LintReport {
  version: 1;
  files: FileReport[];
}

const RANK: Record<FindingSeverity, number> = { info: 0, warning: 1, error: 2 };

/**
 * `display` is the Dockerfile's path as the user gave it; findings in other files
 * (a Makefile, a script) get their path relative to it. The ignore edit is not a fix.
 */
export function fileReport(display: string, findings: readonly AnalyzedFinding[]): FileReport {
  const diagnostics = [...findings].sort(byFileAndPosition).map((finding): ReportDiagnostic => {
    const preferred = preferredFix(finding);
    return {
      code: finding.code,
      name: finding.name,
      severity: finding.severity,
      message: finding.message,
      path: displayPath(display, finding.path),
      range: copyRange(finding.range),
      fixes: finding.fixes.map((fix) => ({
        title: fix.title,
        preferred: fix === preferred,
        edits: fix.edits.map((edit) => ({ path: editPath(display, edit), range: copyRange(edit.range), newText: edit.newText })),
      })),
    };
  });
  return { path: display, diagnostics };
}

/** An edit's file, shown relative to how the user named the Dockerfile. */
export function editPath(display: string, edit: FileEdit): string {
  return displayPath(display, edit.path);
}

/** A path relative to the Dockerfile's folder (undefined: the Dockerfile), shown relative to how the user named the Dockerfile. */
export function displayPath(display: string, relativeToDockerfile: string | undefined): string {
  if (relativeToDockerfile === undefined) return display;
  if (path.isAbsolute(relativeToDockerfile)) return relativeToDockerfile;
  return path.join(path.dirname(display), relativeToDockerfile);
}

/** The Dockerfile's own diagnostics first, then other files' by path; each by position. */
function byFileAndPosition(a: AnalyzedFinding, b: AnalyzedFinding): number {
  if (a.path !== b.path) return a.path === undefined ? -1 : b.path === undefined ? 1 : a.path < b.path ? -1 : 1;
  const { start: x } = a.range;
  const { start: y } = b.range;
  return x.line - y.line || x.character - y.character || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

/** Plain objects with exactly these keys, whatever the rule built. */
function copyRange(range: Range): Range {
  return {
    start: { line: range.start.line, character: range.start.character },
    end: { line: range.end.line, character: range.end.character },
  };
}

export function countBySeverity(report: LintReport): Record<FindingSeverity, number> {
  const counts: Record<FindingSeverity, number> = { error: 0, warning: 0, info: 0 };
  for (const file of report.files) for (const diagnostic of file.diagnostics) counts[diagnostic.severity]++;
  return counts;
}

/** 1 when any diagnostic is at or above the fail level, else 0. */
export function exitCodeFor(report: LintReport, failLevel: FindingSeverity): 0 | 1 {
  const failing = report.files.some((file) => file.diagnostics.some((diagnostic) => RANK[diagnostic.severity] >= RANK[failLevel]));
  return failing ? 1 : 0;
}
