// The standard Dockerfile features from dockerfile-language-service: syntax
// validation, its quick fixes, completion, hover and formatting. Plain text in, LSP data out.
import { DockerfileParser } from 'dockerfile-ast';
import { DockerfileLanguageServiceFactory, type Capabilities } from 'dockerfile-language-service';
import { ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils';
import type { ClientCapabilities, CompletionItem, Diagnostic, FormattingOptions, Hover, Position, Range, TextEdit } from 'vscode-languageserver';
import type { BaseValidation } from './shared/protocol';
import { LINE_BREAK } from './parse/dockerfile';

export const BASE_DIAGNOSTIC_SOURCE = 'dockerfile-utils';

const service = DockerfileLanguageServiceFactory.createLanguageService();

/** dockerfile-utils' own defaults. A settings object replaces them all, so every key is listed. */
const VALIDATOR_SETTINGS: Required<ValidatorSettings> = {
  deprecatedMaintainer: ValidationSeverity.WARNING,
  directiveCasing: ValidationSeverity.WARNING,
  emptyContinuationLine: ValidationSeverity.WARNING,
  instructionCasing: ValidationSeverity.WARNING,
  instructionCmdMultiple: ValidationSeverity.WARNING,
  instructionEntrypointMultiple: ValidationSeverity.WARNING,
  instructionHealthcheckMultiple: ValidationSeverity.WARNING,
  instructionJSONInSingleQuotes: ValidationSeverity.WARNING,
  instructionWorkdirRelative: ValidationSeverity.WARNING,
};

/** `auto`: Docker's own extension already reports these problems; don't say them twice. */
export function baseValidationEnabled(setting: BaseValidation | undefined, dockerExtensionInstalled: boolean): boolean {
  if (setting === 'on') return true;
  if (setting === 'off') return false;
  return !dockerExtensionInstalled;
}

export function setClientCapabilities(capabilities: ClientCapabilities): void {
  const completionItem = capabilities.textDocument?.completion?.completionItem;
  const serviceCapabilities: Capabilities = {
    completion: {
      completionItem: {
        deprecatedSupport: completionItem?.deprecatedSupport,
        documentationFormat: completionItem?.documentationFormat,
        snippetSupport: completionItem?.snippetSupport,
        tagSupport: completionItem?.tagSupport,
      },
    },
    hover: { contentFormat: capabilities.textDocument?.hover?.contentFormat },
  };
  service.setCapabilities(serviceCapabilities);
}

export function baseDiagnostics(text: string): Diagnostic[] {
  const lines = text.split(LINE_BREAK);
  // dockerfile-utils can end a range past the last line (a file ending in `\` and blank lines).
  return service.validate(text, VALIDATOR_SETTINGS).map((diagnostic) => ({ ...diagnostic, range: clampRange(diagnostic.range, lines) }));
}

function clampRange(range: Range, lines: string[]): Range {
  return { start: clampPosition(range.start, lines), end: clampPosition(range.end, lines) };
}

function clampPosition(position: Position, lines: string[]): Position {
  const line = Math.min(position.line, lines.length - 1);
  const character = line < position.line ? lines[line].length : Math.min(position.character, lines[line].length);
  return { line, character };
}

type ServiceDiagnostic = Parameters<typeof service.computeCodeActions>[2]['diagnostics'][number];

/** A quick fix of the service for one of its own diagnostics. */
export interface BaseFix {
  title: string;
  diagnostic: Diagnostic;
  edits: TextEdit[];
}

/** The service's quick fixes for its own diagnostics, with their edits computed now (no command round trip). */
export function baseFixes(uri: string, text: string, diagnostics: readonly Diagnostic[]): BaseFix[] {
  const fixes: BaseFix[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== BASE_DIAGNOSTIC_SOURCE) continue;
    // The service rewrites `code` in place: give it a copy. (Its types predate markup messages.)
    const copy = { ...diagnostic } as ServiceDiagnostic;
    const commands = service.computeCodeActions({ uri }, diagnostic.range, { diagnostics: [copy] });
    for (const command of commands) {
      const edits = service.computeCommandEdits(text, command.command, command.arguments ?? []);
      if (edits.length > 0) fixes.push({ title: command.title, diagnostic, edits });
    }
  }
  return fixes;
}

/**
 * Completion, except image tags after `FROM name:`: the service would ask Docker Hub,
 * which may be unreachable (offline, firewalled) and would hold the request open.
 */
export async function completion(text: string, position: Position): Promise<CompletionItem[]> {
  if (inImageTag(text, position)) return [];
  return await service.computeCompletionItems(text, position);
}

function inImageTag(text: string, position: Position): boolean {
  return DockerfileParser.parse(text)
    .getFROMs()
    .some((from) => {
      const tag = from.getImageTagRange();
      return tag !== null && contains(tag, position);
    });
}

function contains(range: Range, position: Position): boolean {
  const afterStart = position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd = position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}

export function resolveCompletion(item: CompletionItem): CompletionItem {
  return service.resolveCompletionItem(item);
}

export function hover(text: string, position: Position): Hover | null {
  return service.computeHover(text, position);
}

export function format(text: string, options: FormattingOptions): TextEdit[] {
  return service.format(text, options);
}

export function formatRange(text: string, range: Range, options: FormattingOptions): TextEdit[] {
  return service.formatRange(text, range, options);
}
