// Shared by the protocol tests: what a fresh analysis of a text says, in the shape
// the server publishes, and small Dockerfiles that trigger known rules.
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { analyze, type AnalysisOptions } from '../../server/src/analyze';
import { DIST_SERVER } from '../support/lsp-client';

export const SLIM_SOURCE = 'dockerfile-slim';
export const BASE_SOURCE = 'dockerfile-utils';

/** SLIM001 (shell-form CMD in scratch, fix: exec form) and SLIM003 (root, fix: USER 65532:65532). */
export const SCRATCH_GO = `FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /app .

FROM scratch
COPY --from=build /app /app
CMD /app --port 80
`;

/** SLIM007 (no tag) and SLIM003; lower-case `from` also gives a dockerfile-utils casing warning. */
export const UNPINNED_ALPINE = `from alpine
RUN echo hello
CMD ["/app"]
`;

export function assertBuilt(): void {
  if (!existsSync(DIST_SERVER)) throw new Error(`${DIST_SERVER} is missing: run \`npm run build\` first`);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `dockerfile-slim-${prefix}-`));
}

export interface Summary {
  code: string;
  line: number;
  start: number;
  endLine: number;
  end: number;
  severity: number | undefined;
  message: string;
}

const SEVERITY = { error: 1, warning: 2, info: 3 } as const;

export function summarize(diagnostics: readonly Diagnostic[]): Summary[] {
  return diagnostics
    .filter((d) => d.source === SLIM_SOURCE)
    .map((d) => ({
      code: String(d.code),
      line: d.range.start.line,
      start: d.range.start.character,
      endLine: d.range.end.line,
      end: d.range.end.character,
      severity: d.severity,
      message: typeof d.message === 'string' ? d.message : d.message.value,
    }))
    .sort(bySummary);
}

/** What the published SLIM diagnostics must be: a fresh analysis of the same text. */
export function expectedSummary(text: string, options: AnalysisOptions = {}): Summary[] {
  return analyze(text, options)
    .findings.map((f) => ({
      code: f.code,
      line: f.range.start.line,
      start: f.range.start.character,
      endLine: f.range.end.line,
      end: f.range.end.character,
      severity: SEVERITY[f.severity],
      message: f.message,
    }))
    .sort(bySummary);
}

function bySummary(a: Summary, b: Summary): number {
  return a.line - b.line || a.start - b.start || a.code.localeCompare(b.code) || a.message.localeCompare(b.message);
}

export function codesOf(diagnostics: readonly Diagnostic[], source = SLIM_SOURCE): string[] {
  return [...new Set(diagnostics.filter((d) => d.source === source).map((d) => String(d.code)))].sort();
}

export function fileExists(uri: string): boolean {
  return uri.startsWith('file:') && existsSync(fileURLToPath(uri));
}
