// text → parse → facts → rules → findings, with suppressions and severities applied.
import type { Instruction } from 'dockerfile-ast';
import { parseDockerfile, swallowedFromLine, type ParsedDockerfile } from './parse/dockerfile';
import { extractFacts } from './facts/extract';
import type { Facts } from './facts/model';
import { RULES } from './rules';
import type { FileEdit, Finding, FindingSeverity, Fix, Rule } from './rules/types';
import { ignoreEdit, ignoreEditInFile, isSuppressed, isSuppressedInFile, readSuppressions } from './suppressions';
import { contextPath, type BuildContext } from './context/build-context';
import { LINE_BREAK } from './parse/dockerfile';
import type { Severity } from './shared/protocol';

export interface AnalysisOptions {
  target?: string;
  /** The build context: Go/C sources, go.mod, Makefiles and scripts. */
  context?: BuildContext;
  /** Severity overrides by rule code. */
  rules?: Record<string, Severity>;
}

export interface AnalyzedFinding extends Finding {
  name: string;
  severity: FindingSeverity;
  /** Adds `# slim-ignore=CODE` above the instruction. */
  ignore: FileEdit;
}

export interface Analysis {
  facts: Facts;
  findings: AnalyzedFinding[];
  /** Rules that threw: reported, never fatal. */
  errors: { code: string; error: unknown }[];
}

export function analyze(text: string, options: AnalysisOptions = {}): Analysis {
  return analyzeParsed(parseDockerfile(text), options);
}

export function analyzeParsed(doc: ParsedDockerfile, options: AnalysisOptions = {}): Analysis {
  const facts = extractFacts(doc, { target: options.target, context: options.context });
  const suppressions = readSuppressions(doc);
  const swallowed = swallowedFromLine(doc);
  const findings: AnalyzedFinding[] = [];
  const errors: Analysis['errors'] = [];
  for (const rule of RULES) {
    const configured = options.rules?.[rule.meta.code];
    if (configured === 'off') continue;
    for (const finding of runRule(rule, facts, errors)) {
      if (finding.path === undefined ? isSuppressed(suppressions, finding.code, finding.range.start.line) : suppressions.file.has(finding.code)) continue;
      const otherFile = finding.path === undefined ? undefined : otherFileLines(options.context, finding.path);
      if (otherFile && isSuppressedInFile(otherFile, finding.code, finding.range.start.line)) continue;
      findings.push({
        ...finding,
        fixes: swallowed === undefined ? finding.fixes : finding.fixes.filter((fix) => !editsAtOrAfter(fix, swallowed)),
        name: rule.meta.name,
        severity: configured ?? finding.severity ?? rule.meta.severity,
        ignore:
          finding.path === undefined || !otherFile
            ? ignoreEdit(doc, instructionAt(doc, finding.range.start.line), finding.code, finding.range.start.line)
            : ignoreEditInFile(finding.path, otherFile, finding.code, finding.range.start.line),
      });
    }
  }
  return { facts, findings, errors };
}

/** Whether a fix edits the Dockerfile at or after `line`. */
function editsAtOrAfter(fix: Fix, line: number): boolean {
  return fix.edits.some((edit) => edit.path === undefined && edit.range.end.line >= line);
}

function runRule(rule: Rule, facts: Facts, errors: Analysis['errors']): Finding[] {
  try {
    return rule.check(facts);
  } catch (error) {
    errors.push({ code: rule.meta.code, error });
    return [];
  }
}

/** Lines of a file the finding sits in, read through the context. */
function otherFileLines(context: BuildContext | undefined, relativeToDockerfile: string): string[] | undefined {
  const text = context?.readFile(contextPath(context, relativeToDockerfile));
  return text === undefined ? undefined : text.split(LINE_BREAK);
}

function instructionAt(doc: ParsedDockerfile, line: number): Instruction | undefined {
  return doc.ast.getInstructions().find((instruction) => {
    const range = instruction.getRange();
    return range.start.line <= line && line <= range.end.line;
  });
}
