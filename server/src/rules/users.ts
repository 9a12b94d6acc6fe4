// Shared by SLIM003 and SLIM004: USER values, the accounts a stage's RUNs create
// (useradd, adduser, addgroup, groupadd), files copied into the runtime chain, and
// where to insert new instructions.
import type { Copy, Instruction } from 'dockerfile-ast';
import type { Node } from 'web-tree-sitter';
import type { Facts, Stage } from '../facts/model';
import { copyPaths } from '../facts/extract';
import { chainOf, isRootUser } from '../facts/queries';
import { commandOf, copyFromValue, type ParsedDockerfile } from '../parse/dockerfile';
import { parseShell } from '../parse/shell';
import type { FileEdit, Range } from './types';

// ---------------------------------------------------------------- USER values

export interface UserSpec {
  user: string;
  group: string | undefined;
}

export function parseUserSpec(value: string): UserSpec {
  const colon = value.indexOf(':');
  return colon < 0 ? { user: value, group: undefined } : { user: value.slice(0, colon), group: value.slice(colon + 1) };
}

export function isNumericId(id: string): boolean {
  return /^\d+$/.test(id);
}

/** The USER value and its range; undefined for an empty USER. */
export function userValueOf(instruction: Instruction): { value: string; range: Range } | undefined {
  const args = instruction.getArguments();
  if (args.length === 0) return undefined;
  const range = { start: args[0].getRange().start, end: args[args.length - 1].getRange().end };
  return { value: instruction.getArgumentsContent()?.trim() ?? '', range };
}

/** Whether the user in effect just before this instruction of the chain is root. */
export function rootBefore(chain: readonly Stage[], instruction: Instruction): boolean {
  let user: string | undefined;
  for (const candidate of chainInstructions(chain)) {
    if (candidate === instruction) break;
    if (candidate.getKeyword() === 'USER') user = candidate.getArgumentsContent()?.trim();
  }
  return user === undefined || isRootUser(user);
}

/** Instructions of a chain of stages, in document order. */
export function chainInstructions(chain: readonly Stage[]): Instruction[] {
  return chain.flatMap((stage) => stage.instructions);
}

/** Instructions of the chain after this one. */
export function instructionsAfter(chain: readonly Stage[], instruction: Instruction): Instruction[] {
  const all = chainInstructions(chain);
  const index = all.indexOf(instruction);
  return index < 0 ? [] : all.slice(index + 1);
}

// ------------------------------------------------------------ created accounts

export interface Accounts {
  /** User names, in the order they are created. */
  users: string[];
  groups: string[];
}

/** Accounts created by RUN instructions of a stage and the stages it is FROM-based on. */
export function accountsCreatedIn(doc: ParsedDockerfile, stage: Stage): Accounts {
  const accounts: Accounts = { users: [], groups: [] };
  for (const instruction of chainInstructions(chainOf(stage))) {
    if (instruction.getKeyword() !== 'RUN') continue;
    for (const argv of commandsOfRun(doc, instruction)) recordAccounts(argv, accounts);
  }
  return accounts;
}

/** Every simple command of a RUN, as argv (quotes removed; expansions left as written). */
function commandsOfRun(doc: ParsedDockerfile, run: Instruction): string[][] {
  const command = commandOf(doc, run);
  if (!command) return [];
  if (command.form === 'exec') {
    const argv = command.argv ?? [];
    const shellScript = /(^|\/)(ba|da|a)?sh$/.test(argv[0] ?? '') && argv[1] === '-c' ? argv[2] : undefined;
    return shellScript === undefined ? [argv] : commandsOfShell(shellScript);
  }
  const escape = doc.escapeChar;
  // Docker joins continuation lines before the shell sees them.
  const joined = command.text.split(escape + '\r\n').join('').split(escape + '\n').join('');
  return commandsOfShell(joined);
}

function commandsOfShell(text: string): string[][] {
  return parseShell(text)
    .descendantsOfType('command')
    .filter((node): node is Node => node !== null)
    .map((node) => node.namedChildren.filter((child): child is Node => child !== null && isWord(child)).map(unquote));
}

function isWord(node: Node): boolean {
  return !/redirect|variable_assignment|comment/.test(node.type);
}

function unquote(node: Node): string {
  return node.text.replace(/\\\r?\n/g, '').replace(/["']/g, '');
}

interface OptionSyntax {
  /** Short options that take a value. */
  shortValues: string;
  /** Long options that take a value (without `=`). */
  longValues: string[];
}

const USERADD: OptionSyntax = {
  shortValues: 'bcdefgGkKpPRsuZ',
  longValues: ['base-dir', 'comment', 'home-dir', 'home', 'expiredate', 'inactive', 'gid', 'groups', 'skel', 'key', 'password', 'root', 'prefix', 'shell', 'uid', 'selinux-user', 'selinux-range'],
};
// busybox adduser/addgroup (short) and Debian's adduser/addgroup (long).
const ADDUSER: OptionSyntax = {
  shortValues: 'hgsGuk',
  longValues: ['home', 'shell', 'ingroup', 'uid', 'gid', 'gecos', 'comment', 'conf', 'firstuid', 'lastuid', 'firstgid', 'lastgid', 'add-extra-groups', 'key'],
};
const GROUPADD: OptionSyntax = { shortValues: 'gKpRP', longValues: ['gid', 'key', 'password', 'root', 'prefix', 'users'] };

interface ParsedOptions {
  options: Map<string, string>;
  operands: string[];
}

/** getopt-style: `-u 10001`, `-u10001`, `-rm`, `--uid 10001`, `--uid=10001`. */
function parseOptions(args: string[], syntax: OptionSyntax): ParsedOptions {
  const options = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s);
      const takesValue = syntax.longValues.includes(name) && inline === undefined;
      options.set(name, takesValue ? (args[++i] ?? '') : (inline ?? ''));
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j];
        if (!syntax.shortValues.includes(letter)) {
          options.set(letter, '');
          continue;
        }
        options.set(letter, j + 1 < arg.length ? arg.slice(j + 1) : (args[++i] ?? ''));
        break;
      }
    } else {
      operands.push(arg);
    }
  }
  return { options, operands };
}

function recordAccounts(argv: string[], accounts: Accounts): void {
  const program = (argv[0] ?? '').split('/').pop();
  const args = argv.slice(1);
  switch (program) {
    case 'useradd': {
      const { options, operands } = parseOptions(args, USERADD);
      const name = operands[operands.length - 1];
      if (!name) return;
      accounts.users.push(name);
      // Debian's and Alpine's shadow create a same-named group unless told otherwise.
      if (!options.has('g') && !options.has('gid') && !options.has('N') && !options.has('no-user-group')) accounts.groups.push(name);
      return;
    }
    case 'adduser': {
      const { options, operands } = parseOptions(args, ADDUSER);
      // `adduser USER GROUP` adds an existing user to a group.
      if (operands.length !== 1) return;
      accounts.users.push(operands[0]);
      const ownGroup = options.has('group') || (!options.has('G') && !options.has('ingroup') && !options.has('system'));
      if (ownGroup) accounts.groups.push(operands[0]);
      return;
    }
    case 'addgroup':
    case 'groupadd': {
      const { operands } = parseOptions(args, program === 'groupadd' ? GROUPADD : ADDUSER);
      // `addgroup USER GROUP` adds a user to a group.
      if (operands.length === 1) accounts.groups.push(operands[0]);
      return;
    }
  }
}

// ------------------------------------------------------- files in the runtime

/** Whether some COPY or ADD in these stages may put this absolute file in place. */
export function copiesFile(stages: readonly Stage[], file: string, fromStage?: Stage): boolean {
  return chainInstructions(stages).some((instruction) => {
    const word = instruction.getKeyword();
    if (word !== 'COPY' && word !== 'ADD') return false;
    const from = copyFromValue(instruction);
    const { sources, destination } = copyPaths(instruction as Copy);
    if (fromStage && (from === undefined || !refersTo(from, fromStage))) return false;
    if (from !== undefined && sources.some((source) => sourceContains(source, file))) return true;
    return contextCopyMayProvide(word, sources, destination, file);
  });
}

function refersTo(ref: string, stage: Stage): boolean {
  return ref.toLowerCase() === stage.name || ref === String(stage.index);
}

function normalizePath(path: string): string {
  const absolute = ('/' + path).replace(/\/\.(?=\/|$)/g, '').replace(/\/+/g, '/');
  return absolute.length > 1 ? absolute.replace(/\/$/, '') : absolute;
}

/** A COPY --from source that is the file, a directory holding it, or a pattern we cannot judge. */
function sourceContains(source: string, file: string): boolean {
  if (/[$*?[]/.test(source)) return true;
  const path = normalizePath(source);
  return path === '/' || path === file || file.startsWith(path + '/');
}

/** A COPY/ADD whose destination may receive the file; unsure cases count, so the rules stay silent. */
function contextCopyMayProvide(keyword: string, sources: string[], destination: string, file: string): boolean {
  const dest = normalizePath(destination);
  const dir = file.slice(0, file.lastIndexOf('/')) || '/';
  const base = file.slice(file.lastIndexOf('/') + 1);
  if (dest === file) return true;
  const treeLike = (source: string) => /[$*?[]/.test(source) || source === '.' || source.endsWith('/');
  const archive = (source: string) => keyword === 'ADD' && /\.(tar|tgz|tar\.\w+)$/.test(source);
  if (dest === dir) return sources.some((source) => treeLike(source) || archive(source) || source.split('/').pop() === base);
  if (dest === '/') return sources.some((source) => treeLike(source) || archive(source) || /(^|\/)(etc|rootfs)$/.test(source));
  return false;
}

// ------------------------------------------------------------ inserting lines

/** How the file writes keywords and line ends, so inserted lines match it. */
export interface Style {
  eol: string;
  lowercase: boolean;
}

export function styleOf(doc: ParsedDockerfile, sample: Instruction): Style {
  const written = sample.getInstruction();
  return { eol: doc.text.includes('\r\n') ? '\r\n' : '\n', lowercase: written !== written.toUpperCase() && written === written.toLowerCase() };
}

export function keyword(style: Style, word: string): string {
  return style.lowercase ? word.toLowerCase() : word;
}

/** Inserts whole lines before an instruction, above the comment lines (e.g. slim-ignore) that belong to it. */
export function insertBefore(doc: ParsedDockerfile, instruction: Instruction, lines: string[], style: Style): FileEdit {
  let line = instruction.getRange().start.line;
  while (line > 0 && /^\s*#/.test(doc.lines[line - 1] ?? '')) line--;
  const position = { line, character: 0 };
  return { range: { start: position, end: position }, newText: lines.map((text) => text + style.eol).join('') };
}

/** Inserts whole lines after the last line of a stage (its last instruction, or its FROM). */
export function insertAtEnd(doc: ParsedDockerfile, stage: Stage, lines: string[], style: Style): FileEdit {
  const last = stage.instructions[stage.instructions.length - 1] ?? stage.from;
  const line = last.getRange().end.line;
  const position = { line, character: doc.lines[line].length };
  return { range: { start: position, end: position }, newText: lines.map((text) => style.eol + text).join('') };
}

/**
 * Where a USER for the running container goes: before the target's first CMD or
 * ENTRYPOINT, else at its end, but never before a RUN (it may need root) or before
 * `after` (a USER it must follow).
 */
export function runtimeInsertion(facts: Facts, target: Stage, lines: string[], style: Style, after?: Instruction): FileEdit {
  const instructions = target.instructions;
  let floor = -1;
  instructions.forEach((instruction, index) => {
    if (instruction.getKeyword() === 'RUN' || instruction === after) floor = index;
  });
  const anchor = instructions.find((instruction, index) => index > floor && /^(CMD|ENTRYPOINT)$/.test(instruction.getKeyword()));
  return anchor ? insertBefore(facts.doc, anchor, lines, style) : insertAtEnd(facts.doc, target, lines, style);
}

/** How COPY --from refers to a stage. */
export function stageRef(stage: Stage): string {
  return stage.from.getBuildStage() ?? String(stage.index);
}
