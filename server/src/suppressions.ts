// `# slim-ignore=` comments and the peers' equivalents (hadolint, BuildKit checks).
import type { Instruction } from 'dockerfile-ast';
import type { ParsedDockerfile } from './parse/dockerfile';
import type { FileEdit } from './rules/types';

const HADOLINT_EQUIVALENTS: Record<string, string> = {
  DL3025: 'SLIM002',
  DL3002: 'SLIM003',
  DL3006: 'SLIM007',
  DL3007: 'SLIM007',
  DL3009: 'SLIM008',
  DL3015: 'SLIM008',
  DL3019: 'SLIM008',
  DL3042: 'SLIM008',
  DL3067: 'SLIM012',
};

const BUILDKIT_EQUIVALENTS: Record<string, string[]> = {
  jsonargsrecommended: ['SLIM002'],
  secretsusedinargorenv: ['SLIM009'],
  all: ['SLIM002', 'SLIM009'],
};

export interface Suppressions {
  file: Set<string>;
  /** Codes ignored for the instruction starting on that line. */
  byInstructionLine: Map<number, Set<string>>;
  /** For each document line, the line its instruction starts on. */
  instructionStartOf: Map<number, number>;
}

/** A suppression comment's codes, or undefined when the line is not one. */
export function parsePragma(line: string): { scope: 'instruction' | 'file'; codes: string[] } | undefined {
  const match = /^\s*#\s*(slim-ignore-file|slim-ignore|hadolint\s+global\s+ignore|hadolint\s+ignore|check)\s*=\s*(.*)$/i.exec(line);
  if (!match) return undefined;
  const kind = match[1].toLowerCase().replace(/\s+/g, ' ');
  // Codes are read as tokens so that stray characters typed after one do not hide it.
  const list = /^[\sA-Za-z0-9,]*/.exec(match[2])![0].match(/[A-Za-z]+[0-9]+/g) ?? [];
  switch (kind) {
    case 'slim-ignore':
      return { scope: 'instruction', codes: list.map((code) => code.toUpperCase()) };
    case 'slim-ignore-file':
      return { scope: 'file', codes: list.map((code) => code.toUpperCase()) };
    case 'hadolint ignore':
      return { scope: 'instruction', codes: mapHadolint(list) };
    case 'hadolint global ignore':
      return { scope: 'file', codes: mapHadolint(list) };
    default: {
      const skip = /^skip=(.*)$/i.exec(match[2].trim());
      const checks = skip ? skip[1].split(';')[0].split(',') : [];
      return { scope: 'file', codes: checks.flatMap((check) => BUILDKIT_EQUIVALENTS[check.trim().toLowerCase()] ?? []) };
    }
  }
}

function mapHadolint(codes: string[]): string[] {
  return codes.map((code) => HADOLINT_EQUIVALENTS[code.toUpperCase()]).filter((code): code is string => !!code);
}

export function readSuppressions(doc: ParsedDockerfile): Suppressions {
  const file = new Set<string>();
  for (const line of doc.lines) {
    const pragma = parsePragma(line);
    if (pragma?.scope === 'file') pragma.codes.forEach((code) => file.add(code));
  }
  const byInstructionLine = new Map<number, Set<string>>();
  const instructionStartOf = new Map<number, number>();
  for (const instruction of doc.ast.getInstructions()) {
    const { start, end } = instruction.getRange();
    for (let line = start.line; line <= end.line; line++) instructionStartOf.set(line, start.line);
    const codes = new Set(commentBlockAbove(doc, start.line).flatMap((line) => instructionCodes(doc.lines[line])));
    if (codes.size > 0) byInstructionLine.set(start.line, codes);
  }
  return { file, byInstructionLine, instructionStartOf };
}

function instructionCodes(line: string): string[] {
  const pragma = parsePragma(line);
  return pragma?.scope === 'instruction' ? pragma.codes : [];
}

/** Lines of the comments directly above `line`, nearest first. */
function commentBlockAbove(doc: ParsedDockerfile, line: number): number[] {
  const block: number[] = [];
  for (let l = line - 1; l >= 0 && /^\s*#/.test(doc.lines[l]); l--) block.push(l);
  return block;
}

export function isSuppressed(suppressions: Suppressions, code: string, line: number): boolean {
  if (suppressions.file.has(code)) return true;
  const start = suppressions.instructionStartOf.get(line) ?? line;
  return suppressions.byInstructionLine.get(start)?.has(code) ?? false;
}

/** The edit that adds `code` to a `# slim-ignore=` comment above the instruction on `line`. */
export function ignoreEdit(doc: ParsedDockerfile, instruction: Instruction | undefined, code: string, line: number): FileEdit {
  const start = instruction ? instruction.getRange().start.line : line;
  const existing = commentBlockAbove(doc, start).find((l) => /^\s*#\s*slim-ignore\s*=/i.test(doc.lines[l]));
  if (existing !== undefined) {
    const text = doc.lines[existing];
    // After the last code of the list, before any reason written behind it.
    const end = (/^\s*#\s*slim-ignore\s*=[\sA-Za-z0-9,]*[A-Za-z]+[0-9]+/i.exec(text) ?? /^\s*#\s*slim-ignore\s*=\s*/i.exec(text)!)[0].length;
    return { range: { start: { line: existing, character: end }, end: { line: existing, character: end } }, newText: `,${code}` };
  }
  const indent = /^\s*/.exec(doc.lines[start] ?? '')![0];
  return { range: { start: { line: start, character: 0 }, end: { line: start, character: 0 } }, newText: `${indent}# slim-ignore=${code}${doc.text.includes('\r\n') ? '\r\n' : '\n'}` };
}

/** Comment syntax of a source file, for `slim-ignore` comments in it. */
function commentPrefix(filePath: string): string {
  return /\.(go|c|h|cc|cpp|cxx|hpp)$/i.test(filePath) ? '//' : '#';
}

const IN_FILE_PRAGMA = /^\s*(?:#|\/\/)\s*slim-ignore\s*=\s*([\sA-Za-z0-9,]*)/i;

/** A finding in a Makefile, script or source file: `# slim-ignore=` (or `// slim-ignore=`) on the line above. */
export function isSuppressedInFile(lines: readonly string[], code: string, line: number): boolean {
  const match = IN_FILE_PRAGMA.exec(lines[line - 1] ?? '');
  return (match?.[1].match(/[A-Za-z]+[0-9]+/g) ?? []).some((token) => token.toUpperCase() === code);
}

export function ignoreEditInFile(filePath: string, lines: readonly string[], code: string, line: number): FileEdit {
  const indent = /^\s*/.exec(lines[line] ?? '')![0];
  const position = { line, character: 0 };
  return { path: filePath, range: { start: position, end: position }, newText: `${indent}${commentPrefix(filePath)} slim-ignore=${code}\n` };
}
