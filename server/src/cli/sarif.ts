// SARIF 2.1.0 for code-scanning services (GitHub, GitLab, Azure DevOps): one run,
// every rule described in tool.driver.rules, one result per diagnostic with its
// preferred fix. Regions are 1-based; columns count UTF-16 code units, as LSP does.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { docsFile, docsWebUrl } from '../docs';
import { RULES } from '../rules';
import type { FindingSeverity, RuleMeta } from '../rules/types';
import type { LintReport, Range, ReportDiagnostic, ReportEdit } from './report';
import { INFORMATION_URI, TOOL_NAME, VERSION } from './version';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SOURCE_ROOT = '%SRCROOT%';

const LEVEL: Record<FindingSeverity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** Rules whose findings are security problems (code-scanning services sort by this tag). */
const SECURITY_RULES = new Set(['SLIM003', 'SLIM009']);

const FAMILY_TAGS: [RegExp, string][] = [
  [/^SLIM0/, 'dockerfile'],
  [/^SLIM2/, 'go'],
  [/^SLIM3/, 'c'],
  [/^SLIM9/, 'image'],
];

export function formatSarif(report: LintReport, cwd: string): string {
  return JSON.stringify(sarifLog(report, cwd), null, 2) + '\n';
}

export function sarifLog(report: LintReport, cwd: string) {
  const rules = RULES.map(({ meta }) => ruleDescriptor(meta));
  const ruleIndex = new Map(RULES.map(({ meta }, index) => [meta.code, index]));
  const results = report.files.flatMap((file) => file.diagnostics.map((diagnostic) => result(diagnostic, ruleIndex.get(diagnostic.code))));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: TOOL_NAME, version: VERSION, semanticVersion: VERSION, informationUri: INFORMATION_URI, rules } },
        originalUriBaseIds: { [SOURCE_ROOT]: { uri: folderUri(cwd) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

function ruleDescriptor(meta: RuleMeta) {
  const page = docsPage(meta.code);
  const helpUri = docsWebUrl(meta.code);
  return {
    id: meta.code,
    name: meta.name,
    shortDescription: { text: meta.summary },
    fullDescription: { text: (page && sectionText(page, 'What it finds')) || meta.summary },
    helpUri,
    help: page ? { text: `${meta.summary} See ${helpUri}`, markdown: page } : { text: `${meta.summary} See ${helpUri}` },
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: { tags: tagsOf(meta.code) },
  };
}

function result(diagnostic: ReportDiagnostic, ruleIndex: number | undefined) {
  const preferred = diagnostic.fixes.find((fix) => fix.preferred);
  return {
    ruleId: diagnostic.code,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    level: LEVEL[diagnostic.severity],
    message: { text: diagnostic.message },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(diagnostic.path), region: region(diagnostic.range) } }],
    ...(preferred ? { fixes: [{ description: { text: preferred.title }, artifactChanges: artifactChanges(preferred.edits) }] } : {}),
  };
}

/** SARIF wants one artifactChange per file. */
function artifactChanges(edits: readonly ReportEdit[]) {
  const byPath = new Map<string, ReportEdit[]>();
  for (const edit of edits) byPath.set(edit.path, [...(byPath.get(edit.path) ?? []), edit]);
  return [...byPath].map(([file, fileEdits]) => ({
    artifactLocation: artifactLocation(file),
    replacements: fileEdits.map((edit) => ({ deletedRegion: region(edit.range), insertedContent: { text: edit.newText } })),
  }));
}

export function region(range: Range) {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

/** Relative paths stay relative (to %SRCROOT%, the working folder), with forward slashes. */
export function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  if (path.isAbsolute(file)) return { uri: pathToFileURL(file).href };
  const normalized = path.posix.normalize(file.split(path.sep).join('/'));
  return { uri: normalized.split('/').map(encodeURIComponent).join('/'), uriBaseId: SOURCE_ROOT };
}

function folderUri(folder: string): string {
  const uri = pathToFileURL(folder).href;
  return uri.endsWith('/') ? uri : `${uri}/`;
}

function docsPage(code: string): string | undefined {
  const file = docsFile(code);
  try {
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined; // the description falls back to the summary
  }
}

/** The text under `## title`, up to the next heading, as one paragraph. */
export function sectionText(page: string, title: string): string | undefined {
  const match = new RegExp(`^## ${title}\\s*$([\\s\\S]*?)(?=^#{1,2} |(?![\\s\\S]))`, 'm').exec(page);
  const text = match?.[1].trim().replace(/\s*\n\s*/g, ' ');
  return text || undefined;
}

function tagsOf(code: string): string[] {
  const tags = FAMILY_TAGS.filter(([pattern]) => pattern.test(code)).map(([, tag]) => tag);
  return SECURITY_RULES.has(code) ? [...tags, 'security'] : tags;
}
