// SLIM findings as LSP diagnostics. The fixes travel in `data`, so code actions
// never re-analyse: what the user sees is what gets applied.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { analyze, type AnalyzedFinding } from './analyze';
import type { ResolvedConfig } from './config';
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
}

export interface SlimDiagnostic extends Diagnostic {
  code: string;
  data: SlimDiagnosticData;
}

const SEVERITY: Record<FindingSeverity, DiagnosticSeverity> = {
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
  diagnostics: SlimDiagnostic[];
  /** Rules that threw, as log lines. */
  errors: string[];
}

export function slimDiagnostics(text: string, config: Pick<ResolvedConfig, 'rules' | 'target'>): SlimDiagnostics {
  const analysis = analyze(text, { rules: config.rules, target: config.target });
  return {
    diagnostics: analysis.findings.map(toDiagnostic),
    errors: analysis.errors.map(({ code, error }) => `rule ${code} threw: ${describeError(error)}`),
  };
}

/**
 * Everything reported for a document: SLIM diagnostics, then (when `base` is on)
 * dockerfile-utils'. One side failing never hides the other.
 */
export function documentDiagnostics(text: string, config: Pick<ResolvedConfig, 'rules' | 'target'>, base: boolean): { diagnostics: Diagnostic[]; errors: string[] } {
  const diagnostics: Diagnostic[] = [];
  const errors: string[] = [];
  try {
    const slim = slimDiagnostics(text, config);
    diagnostics.push(...slim.diagnostics);
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
  return { diagnostics, errors };
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
