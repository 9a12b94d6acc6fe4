// The spec's JSON document, exactly: { version: 1, files: [{ path, diagnostics }] }.
import type { LintReport } from './report';

export function formatJson(report: LintReport): string {
  return JSON.stringify({ version: report.version, files: report.files }, null, 2) + '\n';
}
