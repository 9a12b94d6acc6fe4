// SLIM findings as LSP diagnostics. The fixes travel in `data`, so code actions
// never re-analyse: what the user sees is what gets applied.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { analyze, type AnalysisOptions, type AnalyzedFinding } from './analyze';
import { docsFileUri } from './docs';
import { describeError } from './guard';
import { baseDiagnostics } from './base-validation';
import type { FileEdit, Fix, FindingSeverity } from './rules/types';
import { DIAGNOSTIC_SOURCE } from './shared/protocol';

/** What a SLIM diagnostic carries in `data`. Fix edits' `path` is relative to the Dockerfile's folder. */
export interface SlimDiagnosticData {
  name: string;
  fixes: Fix[];
  ignore: FileEdit;
  /** For a diagnostic shown in another file (a Makefile, a script): the URI of the Dockerfile it comes from. */
  dockerfile?: string;
}

export interface SlimDiagnostic extends Diagnostic {
  code: string;
  data: SlimDiagnosticData;
}

export const SEVERITY: Record<FindingSeverity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function toDiagnostic(finding: AnalyzedFinding): SlimDiagnostic {
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.code,
    codeDescription: { href: docsFileUri(finding.code) },
    message: finding.message,
    data: { name: finding.name, fixes: finding.fixes, ignore: finding.ignore },
  };
}

export interface SlimDiagnostics {
  /** On the Dockerfile. */
  diagnostics: SlimDiagnostic[];
  /** In other files, by path relative to the Dockerfile's folder (as findings carry it). */
  elsewhere: Map<string, SlimDiagnostic[]>;
  /** Rules that threw, as log lines. */
  errors: string[];
}

export function slimDiagnostics(text: string, options: AnalysisOptions): SlimDiagnostics {
  const analysis = analyze(text, { rules: options.rules, target: options.target, context: options.context });
  const diagnostics: SlimDiagnostic[] = [];
  const elsewhere = new Map<string, SlimDiagnostic[]>();
  for (const finding of analysis.findings) {
    if (finding.path === undefined) diagnostics.push(toDiagnostic(finding));
    else elsewhere.set(finding.path, [...(elsewhere.get(finding.path) ?? []), toDiagnostic(finding)]);
  }
  return { diagnostics, elsewhere, errors: analysis.errors.map(({ code, error }) => `rule ${code} threw: ${describeError(error)}`) };
}

export interface DocumentDiagnostics {
  /** For the Dockerfile: SLIM's, then dockerfile-utils'. */
  diagnostics: Diagnostic[];
  /** SLIM diagnostics in other files, by path relative to the Dockerfile's folder. */
  elsewhere: Map<string, SlimDiagnostic[]>;
  errors: string[];
}

/**
 * Everything reported for a document: SLIM diagnostics, then (when `base` is on)
 * dockerfile-utils'. One side failing never hides the other.
 */
export function documentDiagnostics(text: string, options: AnalysisOptions, base: boolean): DocumentDiagnostics {
  const diagnostics: Diagnostic[] = [];
  let elsewhere = new Map<string, SlimDiagnostic[]>();
  const errors: string[] = [];
  try {
    const slim = slimDiagnostics(text, options);
    diagnostics.push(...slim.diagnostics);
    elsewhere = slim.elsewhere;
    errors.push(...slim.errors);
  } catch (error) {
    errors.push(`analysis failed: ${describeError(error)}`);
  }
  if (base) {
    try {
      diagnostics.push(...baseDiagnostics(text));
    } catch (error) {
      errors.push(`dockerfile-utils validation failed: ${describeError(error)}`);
    }
  }
  return { diagnostics, elsewhere, errors };
}

/** A diagnostic this server made from a SLIM finding, with its data intact (clients may drop or mangle `data`). */
export function isSlimDiagnostic(diagnostic: Diagnostic): diagnostic is SlimDiagnostic {
  const data = diagnostic.data as Partial<SlimDiagnosticData> | undefined;
  return (
    diagnostic.source === DIAGNOSTIC_SOURCE &&
    typeof diagnostic.code === 'string' &&
    typeof data === 'object' &&
    data !== null &&
    Array.isArray(data.fixes) &&
    typeof data.ignore === 'object' &&
    data.ignore !== null
  );
}
