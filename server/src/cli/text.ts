// Human output: one line per diagnostic (1-based line:column, as compilers print
// them, so terminals and editors can jump to it), then a summary line. All on stdout.
import type { FindingSeverity } from '../rules/types';
import { countBySeverity, type LintReport } from './report';

export interface TextOptions {
  color: boolean;
  /** With --fix: how many files were rewritten. */
  fixedFiles?: number;
}

const SEVERITY_COLOR: Record<FindingSeverity, string> = { error: '31', warning: '33', info: '36' };

/** NO_COLOR (any non-empty value, see no-color.org) and pipes get plain text. */
export function useColor(stdoutIsTTY: boolean, env: Record<string, string | undefined>): boolean {
  return stdoutIsTTY && !env.NO_COLOR;
}

export function formatText(report: LintReport, options: TextOptions): string {
  const paint = (code: string, text: string) => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const lines: string[] = [];
  for (const file of report.files) {
    for (const d of file.diagnostics) {
      const where = `${d.path}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
      const message = d.message.replace(/\s*[\r\n]+\s*/g, ' ');
      lines.push(`${paint('1', where)}: ${paint(SEVERITY_COLOR[d.severity], d.severity)} ${d.code} ${message} ${paint('2', `[${d.name}]`)}`);
    }
  }
  lines.push(summary(report, options.fixedFiles));
  return lines.join('\n') + '\n';
}

function summary(report: LintReport, fixedFiles: number | undefined): string {
  const counts = countBySeverity(report);
  const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning'), plural(counts.info, 'info')];
  const fixed = fixedFiles === undefined ? '' : ` (fixes written to ${plural(fixedFiles, 'file')})`;
  return `${parts.join(', ')} in ${plural(report.files.length, 'file')}${fixed}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
