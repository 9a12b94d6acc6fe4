// A built image's report placed on the Dockerfile it was built from: SLIM9xx findings
// as diagnostics on the instruction that caused them, layers as base image or own with
// the instruction that made each, and the stages the panel offers as build targets.
import type { Diagnostic } from 'vscode-languageserver';
import { SEVERITY } from './diagnostics';
import { docsFileUri } from './docs';
import { buildStages } from './facts/extract';
import { locateFindings, locateLayers } from './image/locate';
import { parseDockerfile } from './parse/dockerfile';
import { DIAGNOSTIC_SOURCE, type ImageReportParams, type ImageReportPlacement, type StageSummary } from './shared/protocol';

export interface PlacedImageReport extends Omit<ImageReportPlacement, 'published'> {
  diagnostics: Diagnostic[];
}

export function placeImageReport(text: string, report: Pick<ImageReportParams, 'target' | 'findings' | 'layers'>): PlacedImageReport {
  const options = { target: report.target };
  const located = locateFindings(text, report.findings, report.layers, options);
  const findings = report.findings.map((finding) => located.find((place) => place.finding === finding)?.range ?? null);
  const diagnostics = located.map(({ finding, range }) => ({
    range,
    severity: SEVERITY[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.code,
    codeDescription: { href: docsFileUri(finding.code) },
    message: finding.message,
  }));
  const layers = locateLayers(text, report.layers, options).map(({ own, range }) => ({ own, range: range ?? null }));
  return { findings, layers, diagnostics };
}

/** The stages, for the target choice; nothing for text that is not a Dockerfile. */
export function stageSummaries(text: string): StageSummary[] {
  try {
    return buildStages(parseDockerfile(text)).map((stage) => ({
      index: stage.index,
      ...(stage.name ? { name: stage.name } : {}),
      line: stage.from.getRange().start.line,
      ...(stage.baseRef ? { image: stage.baseRef } : {}),
    }));
  } catch {
    return [];
  }
}
