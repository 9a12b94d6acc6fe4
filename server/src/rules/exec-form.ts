// Exec-form conversion shared by SLIM001 and SLIM002, and the few questions both
// ask about a shell-form command: which shell runs it, whether it is in effect.
import type { Instruction, JSONInstruction } from 'dockerfile-ast';
import type { Node } from 'web-tree-sitter';
import type { Range } from 'vscode-languageserver-textdocument';
import { offsetAt, positionAt, type CommandText, type ParsedDockerfile } from '../parse/dockerfile';
import { parseShell, shapeOf } from '../parse/shell';
import type { Stage } from '../facts/model';

/** Command text as Docker hands it to the shell, with a map back to the original text. */
export interface JoinedText {
  text: string;
  /** `offsets[i]` is the offset in the original text of `text[i]`; one extra entry marks the end. */
  offsets: number[];
}

/**
 * Docker's line joining: the escape character (plus trailing blanks) and the newline
 * are removed; comment lines and blank lines inside a continuation are dropped.
 */
export function joinContinuations(raw: string, escapeChar = '\\'): JoinedText {
  const continuation = new RegExp(`${escapeChar.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}[ \\t]*$`);
  let text = '';
  const offsets: number[] = [];
  let lineStart = 0;
  let first = true;
  while (lineStart <= raw.length) {
    const newline = raw.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? raw.length : newline;
    const line = raw.slice(lineStart, lineEnd).replace(/\r$/, '');
    const skipped = !first && (/^[ \t]*#/.test(line) || /^[ \t]*$/.test(line));
    if (!skipped) {
      const match = continuation.exec(line);
      const kept = match ? line.slice(0, match.index) : line;
      text += kept;
      for (let i = 0; i < kept.length; i++) offsets.push(lineStart + i);
      if (!match) break;
    }
    first = false;
    if (newline < 0) break;
    lineStart = newline + 1;
  }
  offsets.push(offsets.length > 0 ? offsets[offsets.length - 1] + 1 : 0);
  return { text, offsets };
}

export type ExecConversion =
  | { ok: true; newText: string; viaShell: boolean }
  /** `reason` completes "cannot be converted automatically because …". */
  | { ok: false; reason: string };

/**
 * Shell builtins that have no program of their own (or whose effect is on the
 * shell itself): as argv[0] of exec form they fail or mean something else.
 */
const SHELL_BUILTINS = new Set(['cd', '.', 'source', 'eval', 'export', 'set', 'unset', 'ulimit', 'umask', 'trap', 'alias', 'readonly', 'shift', 'wait', 'exit', 'return', ':', 'local', 'declare', 'typeset', 'builtin', 'command']);

const SPECIAL_REASONS: Record<string, string> = {
  'an empty command': 'the command is empty',
  'several commands': 'it runs several commands',
  'a shell syntax error': 'the shell cannot parse it',
};

function because(feature: string): string {
  return SPECIAL_REASONS[feature] ?? `it uses ${feature}`;
}

/**
 * The exec-form (JSON array) text that runs the same program as this shell-form command.
 * With `viaShell` (a shell exists), a single command with expansions becomes
 * `["/bin/sh","-c","exec …"]`: the shell expands, then is replaced by the program.
 */
export function convertToExecForm(command: CommandText, escapeChar: string, options: { viaShell?: boolean } = {}): ExecConversion {
  if (escapeChar !== '\\') return { ok: false, reason: 'the file sets a custom escape character' };
  const text = joinContinuations(command.text, escapeChar).text.trim();
  if (text.startsWith('[')) {
    return { ok: false, reason: 'it looks like exec form but is not a JSON array of strings (exec form needs double quotes)' };
  }
  const shape = shapeOf(text);
  if (shape.kind === 'simple') return simpleToExec(shape.words);
  if (shape.kind === 'expanding' && options.viaShell) return expandingToShellExec(shape.root, shape.feature);
  return { ok: false, reason: because(shape.feature) };
}

function simpleToExec(words: string[]): ExecConversion {
  let argv = words;
  // `exec prog …` already replaces the shell: the program is what follows.
  if (argv[0] === 'exec') {
    if (argv.length < 2 || argv[1].startsWith('-')) return { ok: false, reason: 'it uses `exec` with options' };
    argv = argv.slice(1);
  }
  if (SHELL_BUILTINS.has(argv[0])) return { ok: false, reason: `\`${argv[0]}\` is a shell builtin, not a program` };
  return { ok: true, newText: JSON.stringify(argv), viaShell: false };
}

function expandingToShellExec(root: Node, feature: string): ExecConversion {
  const command = root.namedChildren[0];
  const name = command?.childForFieldName('name')?.text;
  if (!command || name === undefined) return { ok: false, reason: because(feature) };
  if (SHELL_BUILTINS.has(name)) return { ok: false, reason: `\`${name}\` is a shell builtin, not a program` };
  const words = command.children.filter((child): child is Node => child !== null).map((child) => child.text);
  const script = (name === 'exec' ? '' : 'exec ') + words.join(' ');
  return { ok: true, newText: JSON.stringify(['/bin/sh', '-c', script]), viaShell: true };
}

/** True when the shell text already `exec`s its program (outside pipelines and subshells). */
export function execsItself(command: CommandText, escapeChar: string): boolean {
  const root = parseShell(joinContinuations(command.text, escapeChar).text);
  return root.descendantsOfType('command').some((node) => node !== null && node.childForFieldName('name')?.text === 'exec' && onMainPath(node));
}

const MAIN_PATH = new Set(['program', 'list', 'redirected_statement']);

function onMainPath(node: Node): boolean {
  for (let parent = node.parent; parent; parent = parent.parent) if (!MAIN_PATH.has(parent.type)) return false;
  return true;
}

/** The command's range without trailing blanks: what a finding highlights and a fix replaces. */
export function trimmedRange(doc: ParsedDockerfile, command: CommandText): Range {
  const start = offsetAt(doc, command.range.start);
  return { start: command.range.start, end: positionAt(doc, start + command.text.trimEnd().length) };
}

/** A span of joined text (`start`..`end`) as a document range. */
export function rangeOfJoined(doc: ParsedDockerfile, command: CommandText, joined: JoinedText, start: number, end: number): Range {
  const base = offsetAt(doc, command.range.start);
  const from = joined.offsets[start] ?? joined.offsets[joined.offsets.length - 1];
  const to = end > start ? joined.offsets[end - 1] + 1 : from;
  return { start: positionAt(doc, base + from), end: positionAt(doc, base + to) };
}

/**
 * The SHELL that runs this shell-form instruction, as argv. RUN, CMD and ENTRYPOINT take
 * the SHELL in effect where they stand; a HEALTHCHECK runs with the image's final SHELL,
 * which the daemon reads when it starts each check.
 */
export function shellAt(chain: readonly Stage[], instruction: Instruction): string[] | undefined {
  const line = instruction.getKeyword() === 'HEALTHCHECK' ? Infinity : instruction.getRange().start.line;
  let shell: Instruction | undefined;
  for (const stage of chain) {
    for (const candidate of stage.instructions) {
      if (candidate.getKeyword() === 'SHELL' && candidate.getRange().start.line < line) shell = candidate;
    }
  }
  const argv = (shell as JSONInstruction | undefined)?.getJSONStrings().map((arg) => arg.getJSONValue());
  return argv && argv.length > 0 ? argv : undefined;
}

/**
 * The CMD, ENTRYPOINT or HEALTHCHECK that the image built from this chain runs.
 * An ENTRYPOINT resets a CMD inherited from a parent stage (not one set in its own stage).
 */
export function inEffect(chain: readonly Stage[], keyword: 'CMD' | 'ENTRYPOINT' | 'HEALTHCHECK'): Instruction | undefined {
  let found: Instruction | undefined;
  for (const stage of chain) {
    let cmdInThisStage = false;
    for (const instruction of stage.instructions) {
      const current = instruction.getKeyword();
      if (current === keyword) {
        found = instruction;
        cmdInThisStage = true;
      } else if (keyword === 'CMD' && current === 'ENTRYPOINT' && !cmdInThisStage) {
        found = undefined;
      }
    }
  }
  return found;
}
