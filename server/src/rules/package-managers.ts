// Package-manager commands in a RUN (apk add, apt-get install, pip install), shell
// or exec form, as words with document ranges, so that rules can point at them
// and insert flags next to them.
import path from 'node:path';
import type { Instruction, JSONInstruction } from 'dockerfile-ast';
import type { Node } from 'web-tree-sitter';
import type { Range } from 'vscode-languageserver-textdocument';
import { wordValue } from '../parse/shell';

export interface Word {
  /** The argv value after quote removal (expansions kept as written). */
  value: string;
  range: Range;
}

export type Manager = 'apk' | 'apt' | 'pip';

export interface InstallCommand {
  manager: Manager;
  /** The whole command; words[0] is the program. */
  words: Word[];
  /** Index of the `add` / `install` word. */
  verb: number;
}

/**
 * The RUN text as Docker's shell sees it, offset for offset, for tree-sitter-bash:
 * comment and blank lines inside continuations (Docker drops them) become spaces,
 * and the Dockerfile's escape character before a newline becomes a backslash.
 */
export function shellTextOf(text: string, escapeChar: string): string {
  return text
    .split(/(?<=\n)/)
    .map((line, index) => {
      if (index > 0 && /^\s*(#.*)?$/.test(line.trimEnd())) return ' '.repeat(line.length);
      const newline = line.endsWith('\n') ? '\n' : '';
      let body = line.slice(0, line.length - newline.length);
      if (newline && body.endsWith(escapeChar + '\r')) body = body.slice(0, -2) + ' \\';
      else if (newline && body.endsWith(escapeChar)) body = body.slice(0, -1) + '\\';
      return body.replace(/\r/g, ' ') + newline;
    })
    .join('');
}

const ARGUMENT_TYPES = new Set([
  'word',
  'string',
  'raw_string',
  'concatenation',
  'number',
  'simple_expansion',
  'expansion',
  'command_substitution',
  'ansi_c_string',
  'translated_string',
  'brace_expression',
]);

/** Every simple command in the tree (inside lists, pipelines, subshells, …) as words. */
export function shellCommands(root: Node, toRange: (start: number, end: number) => Range): Word[][] {
  return root.descendantsOfType('command').flatMap((command) => {
    if (!command) return [];
    const children = command.namedChildren.filter((node): node is Node => node !== null);
    const nameAt = children.findIndex((node) => node.type === 'command_name');
    if (nameAt < 0) return [];
    const words = children.slice(nameAt).filter((node, i) => i === 0 || ARGUMENT_TYPES.has(node.type));
    return [words.map((node) => ({ value: wordValue(node), range: toRange(node.startIndex, node.endIndex) }))];
  });
}

/** Exec-form RUN: each JSON string, its range including the quotes. */
export function execWords(run: JSONInstruction): Word[] {
  return run.getJSONStrings().map((arg) => ({ value: arg.getJSONValue(), range: arg.getRange() }));
}

// Global options that take a separate value, so that the value is not taken for the verb.
const APK_VALUE_OPTIONS = ['-X', '--repository', '-p', '--root', '--arch', '--cache-dir', '--keys-dir', '--repositories-file', '--progress-fd', '--wait', '--timeout', '--cache-max-age'];
const APT_VALUE_OPTIONS = ['-o', '-c', '-t', '--option', '--config-file', '--target-release', '--default-release'];
const PIP_VALUE_OPTIONS = ['--log', '--log-file', '--local-log', '--proxy', '--retries', '--timeout', '--exists-action', '--trusted-host', '--cert', '--client-cert', '--cache-dir', '--python', '--keyring-provider', '--use-feature', '--use-deprecated'];

export function programOf(words: readonly Word[]): string {
  return path.posix.basename(words[0]?.value ?? '');
}

/** `apk add`, `apt-get install`, `apt install`, `pip install`, `python -m pip install`; otherwise undefined. */
export function installCommandOf(words: Word[]): InstallCommand | undefined {
  const program = programOf(words);
  if (program === 'apk') return withVerb('apk', words, 1, 'add', APK_VALUE_OPTIONS);
  if (program === 'apt-get' || program === 'apt') return withVerb('apt', words, 1, 'install', APT_VALUE_OPTIONS);
  if (/^pip\d*(\.\d+)?$/.test(program)) return withVerb('pip', words, 1, 'install', PIP_VALUE_OPTIONS);
  if (/^python\d*(\.\d+)?$/.test(program) && words[1]?.value === '-m' && words[2]?.value === 'pip') {
    return withVerb('pip', words, 3, 'install', PIP_VALUE_OPTIONS);
  }
  return undefined;
}

function withVerb(manager: Manager, words: Word[], from: number, verb: string, valueOptions: readonly string[]): InstallCommand | undefined {
  for (let i = from; i < words.length; i++) {
    const value = words[i].value;
    if (!value.startsWith('-')) return value === verb ? { manager, words, verb: i } : undefined;
    if (valueOptions.includes(value)) i++;
  }
  return undefined;
}

/** `--flag` or `--flag=value` anywhere after the program. */
export function hasFlag(command: InstallCommand, flag: string): boolean {
  return command.words.slice(1).some((word) => word.value === flag || word.value.startsWith(flag + '='));
}

/** Some `rm` among these commands deletes `dir` or a folder that holds it. */
export function removesDirectory(commands: readonly Word[][], dir: string): boolean {
  return commands.some((words) => programOf(words) === 'rm' && words.slice(1).some((word) => covers(word.value, dir)));
}

function covers(target: string, dir: string): boolean {
  const folder = target.replace(/\/\*?$/, '');
  return folder.length > 1 && (dir === folder || dir.startsWith(folder + '/'));
}

/** pip's cache folder in any home: `/root/.cache/pip`, `~/.cache`, `$HOME/.cache/pip/*`. */
export function removesPipCache(commands: readonly Word[][]): boolean {
  return commands.some((words) => programOf(words) === 'rm' && words.slice(1).some((word) => /(^|\/)\.cache(\/pip)?\/?\*?$/.test(word.value)));
}

/** Targets of `--mount=type=cache` and `type=tmpfs` on a RUN: what they hold is not in the image. */
export function ephemeralMountTargets(run: Instruction): string[] {
  const flags = 'getFlags' in run ? (run as JSONInstruction).getFlags() : [];
  return flags
    .filter((flag) => flag.getName() === 'mount')
    .flatMap((flag) => {
      const options = new Map(flag.getOptions().map((option) => [option.getName(), option.getValue() ?? '']));
      const type = options.get('type');
      const target = options.get('target') ?? options.get('dst') ?? options.get('destination');
      return (type === 'cache' || type === 'tmpfs') && target ? [target.replace(/\/+$/, '')] : [];
    });
}

/** A mount at `dir` or at a folder that holds it. */
export function mountCovers(targets: readonly string[], dir: string): boolean {
  return targets.some((target) => covers(target, dir));
}
