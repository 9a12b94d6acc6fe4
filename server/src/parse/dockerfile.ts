// Parse layer for Dockerfiles: dockerfile-ast plus the few text facts it does not
// give directly (where a command's text starts, whether it is exec form).
import { DockerfileParser, type Copy, type Dockerfile, type Heredoc, type Instruction, type Run } from 'dockerfile-ast';
import type { Range, Position } from 'vscode-languageserver-textdocument';

export interface ParsedDockerfile {
  text: string;
  lines: string[];
  ast: Dockerfile;
  escapeChar: string;
  /** Offset of the start of each line. */
  lineOffsets: number[];
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const ast = DockerfileParser.parse(text);
  return { text, lines: text.split(LINE_BREAK), ast, escapeChar: ast.getEscapeCharacter(), lineOffsets: lineStarts(text) };
}

/** Line breaks as LSP counts them (and dockerfile-ast): \r\n, \n, or a lone \r. */
export const LINE_BREAK = /\r\n|\r|\n/;

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

export function offsetAt(doc: ParsedDockerfile, position: Position): number {
  const lineStart = doc.lineOffsets[position.line] ?? doc.text.length;
  return Math.min(lineStart + position.character, doc.text.length);
}

export function positionAt(doc: ParsedDockerfile, offset: number): Position {
  let low = 0;
  let high = doc.lineOffsets.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (doc.lineOffsets[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low, character: offset - doc.lineOffsets[low] };
}

export function textOf(doc: ParsedDockerfile, range: Range): string {
  return doc.text.slice(offsetAt(doc, range.start), offsetAt(doc, range.end));
}

export type CommandForm = 'exec' | 'shell';

/** The command part of CMD, ENTRYPOINT, RUN or HEALTHCHECK CMD. */
export interface CommandText {
  form: CommandForm;
  /** The command text exactly as in the document (continuations included). */
  text: string;
  range: Range;
  /** Exec form: the parsed JSON array. */
  argv?: string[];
}

const COMMAND_KEYWORDS = new Set(['CMD', 'ENTRYPOINT', 'RUN', 'HEALTHCHECK']);

export function commandOf(doc: ParsedDockerfile, instruction: Instruction): CommandText | undefined {
  const keyword = instruction.getKeyword();
  if (!COMMAND_KEYWORDS.has(keyword)) return undefined;
  const start = commandStart(instruction);
  if (!start) return undefined;
  const range = { start, end: instruction.getRange().end };
  const text = textOf(doc, range);
  const argv = parseExecForm(text, doc.escapeChar);
  return argv ? { form: 'exec', text, range, argv } : { form: 'shell', text, range };
}

/** Where the command begins: after flags (RUN --mount=…, HEALTHCHECK --interval=…) and HEALTHCHECK's CMD. */
function commandStart(instruction: Instruction): Position | undefined {
  const args = instruction.getArguments();
  let i = 0;
  while (i < args.length && args[i].getValue().startsWith('--')) i++;
  if (instruction.getKeyword() === 'HEALTHCHECK') {
    if (args[i]?.getValue().toUpperCase() !== 'CMD') return undefined;
    i++;
  }
  return args[i]?.getRange().start;
}

/** Docker's rule: the text is exec form when it parses as a JSON array of strings. */
export function parseExecForm(text: string, escapeChar = '\\'): string[] | undefined {
  const joined = text.split(escapeChar + '\n').join('').split(escapeChar + '\r\n').join('').trim();
  if (!joined.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(joined);
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  } catch {
    // Not JSON: Docker runs it in a shell.
  }
  return undefined;
}

/** COPY's `--from` value. dockerfile-ast's getFromFlag() only sees it when it is the only flag. */
export function copyFromValue(instruction: Instruction): string | undefined {
  if (instruction.getKeyword() !== 'COPY') return undefined;
  const flag = (instruction as Copy).getFlags().find((candidate) => candidate.getName().toLowerCase() === 'from');
  return flag?.getValue() ?? undefined;
}

/**
 * Here-documents of a RUN, COPY or ADD. dockerfile-ast 0.7.1 throws on some malformed
 * continuations; `undefined` then means "cannot tell", which callers treat as unsafe.
 */
export function heredocsOf(instruction: Instruction): Heredoc[] | undefined {
  const keyword = instruction.getKeyword();
  if (keyword !== 'RUN' && keyword !== 'COPY' && keyword !== 'ADD') return [];
  try {
    return (instruction as Run).getHeredocs();
  } catch {
    return undefined;
  }
}

/**
 * The first line that an unterminated here-document swallows (it runs to the end of the
 * file): text inserted there becomes part of the script, not a new instruction.
 */
export function swallowedFromLine(doc: ParsedDockerfile): number | undefined {
  for (const instruction of doc.ast.getInstructions()) {
    const heredocs = heredocsOf(instruction);
    if (heredocs === undefined || heredocs.some((heredoc) => heredoc.getDelimiterRange() === null)) {
      return instruction.getRange().start.line + 1;
    }
  }
  return undefined;
}
