// SLIM008: apk, apt and pip leave caches, package lists or recommended packages in
// the runtime image. Builder stages are thrown away, so only the runtime chain counts.
import path from 'node:path';
import type { Arg, Copy, Env, Instruction, JSONInstruction, Run } from 'dockerfile-ast';
import { copyPaths } from '../facts/extract';
import type { Facts, Stage } from '../facts/model';
import { shellInEffect } from '../facts/queries';
import { commandOf, heredocsOf, offsetAt, positionAt, type CommandText, type ParsedDockerfile } from '../parse/dockerfile';
import { parseShell } from '../parse/shell';
import type { Node } from 'web-tree-sitter';
import {
  ephemeralMountTargets,
  execWords,
  hasFlag,
  installCommandOf,
  mountCovers,
  programOf,
  removesDirectory,
  removesPipCache,
  shellCommands,
  shellTextOf,
  type InstallCommand,
  type Word,
} from './package-managers';
import type { Finding, Fix, Range, Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM008',
    name: 'package-manager-cache',
    severity: 'warning',
    fixable: true,
    summary: 'apk, apt or pip leaves its cache, package lists or recommended packages in the image.',
  },
  check,
};

const APT_LISTS = '/var/lib/apt/lists';
const APK_CACHE = '/var/cache/apk';
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'busybox']);

/** What earlier instructions of the runtime chain already settled. */
interface ChainState {
  pipCacheOff: boolean;
  recommendsOff: boolean;
}

function check(facts: Facts): Finding[] {
  const state: ChainState = { pipCacheOff: false, recommendsOff: false };
  const findings: Finding[] = [];
  for (const stage of facts.runtimeChain) {
    for (const instruction of stage.instructions) {
      updateState(state, instruction);
      if (instruction.getKeyword() === 'RUN') findings.push(...checkRun(facts.doc, stage, instruction as Run, state));
    }
  }
  return findings;
}

function updateState(state: ChainState, instruction: Instruction): void {
  const keyword = instruction.getKeyword();
  if (keyword === 'ENV' || keyword === 'ARG') {
    // Any value counts, even an ARG without default: the build may pass one.
    if ((instruction as Env | Arg).getProperties().some((property) => property.getName() === 'PIP_NO_CACHE_DIR')) state.pipCacheOff = true;
  } else if (keyword === 'COPY' || keyword === 'ADD') {
    // An apt.conf.d file we cannot read may well turn recommends off.
    if (copyPaths(instruction as Copy).destination.startsWith('/etc/apt/apt.conf')) state.recommendsOff = true;
  } else if (keyword === 'RUN' && /APT::Install-Recommends/i.test(instruction.getRawArgumentsContent() ?? '')) {
    state.recommendsOff = true;
  }
}

/** One RUN, parsed: its commands as words and where they sit in the document. */
interface ParsedRun {
  doc: ParsedDockerfile;
  run: Run;
  command: CommandText;
  commands: Word[][];
  /** Shell form: the tree-sitter root, for the append-cleanup fix. */
  shell?: { root: Node; text: string };
}

function checkRun(doc: ParsedDockerfile, stage: Stage, run: Run, state: ChainState): Finding[] {
  const parsed = parseRun(doc, stage, run);
  if (!parsed) return [];
  const mounts = ephemeralMountTargets(run);
  const installs = parsed.commands.map(installCommandOf).filter((install): install is InstallCommand => install !== undefined);
  const pipCacheOff =
    state.pipCacheOff || /PIP_NO_CACHE_DIR/.test(parsed.command.text) || mounts.some((target) => /(^|\/)\.cache(\/pip)?$/.test(target)) || removesPipCache(parsed.commands);
  const findings: Finding[] = [];
  for (const install of installs) {
    if (install.manager === 'apk' && !hasFlag(install, '--no-cache') && !mountCovers(mounts, APK_CACHE) && !removesDirectory(parsed.commands, APK_CACHE)) {
      findings.push(flagFinding(parsed, install, '--no-cache', apkMessage(parsed)));
    }
    if (install.manager === 'apt' && !state.recommendsOff && !hasFlag(install, '--no-install-recommends') && !install.words.some((word) => /APT::Install-Recommends/i.test(word.value))) {
      findings.push(flagFinding(parsed, install, '--no-install-recommends', recommendsMessage(install)));
    }
    if (install.manager === 'pip' && !pipCacheOff && !pipCacheFlag(install)) {
      findings.push(flagFinding(parsed, install, '--no-cache-dir', pipMessage(install)));
    }
  }
  const lastApt = installs.filter((install) => install.manager === 'apt').pop();
  if (lastApt && !mountCovers(mounts, APT_LISTS) && !removesDirectory(parsed.commands, APT_LISTS)) {
    findings.push(listsFinding(parsed, lastApt));
  }
  return findings;
}

/** pip's option parser takes unambiguous prefixes: `--no-cache` means `--no-cache-dir`. */
function pipCacheFlag(install: InstallCommand): boolean {
  return install.words.slice(1).some((word) => {
    const option = word.value.split('=')[0];
    return (option.length >= '--no-cache'.length && '--no-cache-dir'.startsWith(option)) || option === '--cache-dir';
  });
}

function parseRun(doc: ParsedDockerfile, stage: Stage, run: Run): ParsedRun | undefined {
  // Here-document RUNs are scripts of their own: not judged here.
  if (heredocsOf(run)?.length !== 0) return undefined;
  const command = commandOf(doc, run);
  if (!command) return undefined;
  if (command.form === 'exec') {
    const words = execWords(run as JSONInstruction);
    return { doc, run, command, commands: [words] };
  }
  // A SHELL like PowerShell does not speak sh.
  const shell = shellInEffect(stage);
  if (shell && !SHELLS.has(path.posix.basename(shell[0] ?? ''))) return undefined;
  const text = shellTextOf(command.text, doc.escapeChar);
  const root = parseShell(text);
  // A command line bash cannot parse is not one we can judge: silence.
  if (root.hasError) return undefined;
  const base = offsetAt(doc, command.range.start);
  const toRange = (start: number, end: number): Range => ({ start: positionAt(doc, base + start), end: positionAt(doc, base + end) });
  return { doc, run, command, commands: shellCommands(root, toRange), shell: { root, text } };
}

/** `apk add`, `apt-get install`, `python3 -m pip install`: how the message names the command. */
function labelOf(install: InstallCommand): string {
  const program = programOf(install.words);
  const module = install.manager === 'pip' && program.startsWith('python') ? ' -m pip' : '';
  return `${program}${module} ${install.words[install.verb].value}`;
}

function commandRange(install: InstallCommand): Range {
  return { start: install.words[0].range.start, end: install.words[install.verb].range.end };
}

/** Inserts the flag right after the verb: ` --flag` in shell form, a JSON element in exec form. */
function flagFinding(parsed: ParsedRun, install: InstallCommand, flag: string, message: string): Finding {
  const at = install.words[install.verb].range.end;
  const newText = parsed.command.form === 'exec' ? `${jsonSeparator(parsed.doc, install.words)}${JSON.stringify(flag)}` : ` ${flag}`;
  const fix: Fix = { title: `Add ${flag} to ${labelOf(install)}`, edits: [{ range: { start: at, end: at }, newText }] };
  return { code: 'SLIM008', range: commandRange(install), message, fixes: [fix] };
}

/** The file's own separator between JSON elements (`, ` or `,`). */
function jsonSeparator(doc: ParsedDockerfile, words: readonly Word[]): string {
  if (words.length < 2) return ', ';
  const between = doc.text.slice(offsetAt(doc, words[0].range.end), offsetAt(doc, words[1].range.start));
  return /^\s*,[ \t]*$/.test(between) ? between.trimStart() : ', ';
}

function listsFinding(parsed: ParsedRun, install: InstallCommand): Finding {
  const exec = parsed.command.form === 'exec';
  const message =
    `This RUN runs \`${labelOf(install)}\` but does not delete ${APT_LISTS}: the package lists that \`apt-get update\` downloaded ` +
    'stay in this layer, many megabytes the program never reads, and a later RUN cannot take them out of it. ' +
    (exec
      ? 'Exec form cannot chain the cleanup: use shell form and end the same RUN with `&& rm -rf /var/lib/apt/lists/*`.'
      : 'End the same RUN with `&& rm -rf /var/lib/apt/lists/*`.');
  const edit = exec ? undefined : appendCleanup(parsed);
  const fixes: Fix[] = edit ? [{ title: `Delete ${APT_LISTS} at the end of this RUN`, edits: [edit] }] : [];
  return { code: 'SLIM008', range: commandRange(install), message, fixes };
}

/** `&& rm -rf /var/lib/apt/lists/*` after the last command, in the RUN's own continuation style. */
function appendCleanup(parsed: ParsedRun): { range: Range; newText: string } | undefined {
  const { doc, command, shell } = parsed;
  if (!shell) return undefined;
  const trimmed = shell.text.replace(/\s+$/, '');
  // After `;`, `&`, a dangling continuation or a trailing comment, `&& …` would not parse or would be commented out.
  if (/[;&|\\]$/.test(trimmed) || trimmed.endsWith(doc.escapeChar)) return undefined;
  if (shell.root.descendantsOfType('comment').some((node) => node !== null && node.endIndex >= trimmed.length)) return undefined;
  const at = positionAt(doc, offsetAt(doc, command.range.start) + trimmed.length);
  const cleanup = 'rm -rf /var/lib/apt/lists/*';
  const firstLine = parsed.run.getRange().start.line;
  if (at.line === firstLine) return { range: { start: at, end: at }, newText: ` && ${cleanup}` };
  const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^[ \t]*/.exec(doc.lines[at.line])?.[0] ?? '';
  const esc = doc.escapeChar;
  const newText = {
    '&&': ` && ${esc}${eol}${indent}${cleanup}`,
    ';': `; ${esc}${eol}${indent}${cleanup}`,
    none: ` ${esc}${eol}${indent}&& ${cleanup}`,
  }[lineEndOperator(doc, firstLine, at.line, shell.text)];
  return { range: { start: at, end: at }, newText };
}

/**
 * How the RUN chains its lines: `&& \` or `; \` at line ends, else `&&` starting the next line.
 * `;` only under `set -e`: otherwise the cleanup's exit status would hide a failed install.
 */
function lineEndOperator(doc: ParsedDockerfile, firstLine: number, lastLine: number, script: string): '&&' | ';' | 'none' {
  let ands = 0;
  let semicolons = 0;
  for (let line = firstLine; line < lastLine; line++) {
    const text = doc.lines[line].trimEnd();
    if (/^\s*#/.test(text) || !text.endsWith(doc.escapeChar)) continue;
    const body = text.slice(0, -doc.escapeChar.length).trimEnd();
    if (/(&&|\|\|)$/.test(body)) ands++;
    else if (/(^|[^;]);$/.test(body) && /\bset\s+-[a-z]*e/.test(script)) semicolons++;
  }
  if (ands === 0 && semicolons === 0) return 'none';
  return ands >= semicolons ? '&&' : ';';
}

function apkMessage(parsed: ParsedRun): string {
  const where = parsed.command.form === 'exec' ? '' : ' (or end the RUN with `rm -rf /var/cache/apk/*`)';
  return (
    '`apk add` without `--no-cache` keeps the downloaded package indexes in /var/cache/apk: ' +
    'megabytes in this layer that the running program never reads. ' +
    `Use \`apk add --no-cache\`${where}.`
  );
}

function recommendsMessage(install: InstallCommand): string {
  return (
    `\`${labelOf(install)}\` without \`--no-install-recommends\` also installs every recommended package: ` +
    'documentation, extra tools and libraries the program does not need, often tens of megabytes and more attack surface. ' +
    `Add \`--no-install-recommends\` and name the packages you need.`
  );
}

function pipMessage(install: InstallCommand): string {
  return (
    `\`${labelOf(install)}\` without \`--no-cache-dir\` keeps every downloaded wheel in pip's cache (~/.cache/pip): ` +
    'a second copy of the packages in this layer, never used at run time. ' +
    'Add `--no-cache-dir`, or set `ENV PIP_NO_CACHE_DIR=1` once in the stage.'
  );
}
