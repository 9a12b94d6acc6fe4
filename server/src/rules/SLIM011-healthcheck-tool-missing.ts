// SLIM011: a HEALTHCHECK that calls curl, wget, sh or bash in an image without
// them fails every probe, and the container is reported unhealthy forever.
import path from 'node:path/posix';
import type { Copy, Instruction } from 'dockerfile-ast';
import type { Node } from 'web-tree-sitter';
import type { Range } from 'vscode-languageserver-textdocument';
import { commandOf, offsetAt, positionAt, type CommandText, type ParsedDockerfile } from '../parse/dockerfile';
import { parseShell } from '../parse/shell';
import { parseImageRef } from '../facts/base-images';
import { copyPaths } from '../facts/extract';
import type { Facts, Stage } from '../facts/model';
import { inEffect, joinContinuations, rangeOfJoined, shellAt, trimmedRange } from './exec-form';
import type { Finding, Rule } from './types';

type Tool = 'curl' | 'wget' | 'sh' | 'bash';
const TOOLS = new Set<string>(['curl', 'wget', 'sh', 'bash']);
const SHELLS = new Set<string>(['sh', 'bash']);

interface ToolUse {
  tool: Tool;
  range: Range;
  /** The program as written (`/usr/bin/curl`), for the error text. */
  word: string;
  /** Run by a shell script rather than exec'd directly. */
  inScript: boolean;
}

export const rule: Rule = {
  meta: {
    code: 'SLIM011',
    name: 'healthcheck-tool-missing',
    severity: 'error',
    fixable: false,
    summary: 'HEALTHCHECK uses curl, wget, sh or bash, which the image does not have.',
  },
  check: (facts) => {
    const { target, runtimeChain } = facts;
    // Unknown bases (and distroless :debug) may have anything: stay silent.
    if (!target || target.base.shell === 'unknown' || target.rootImage === undefined) return [];
    const healthcheck = inEffect(runtimeChain, 'HEALTHCHECK');
    const command = healthcheck && commandOf(facts.doc, healthcheck);
    if (!healthcheck || !command || command.text.trim() === '') return [];
    const seen = new Set<Tool>();
    const findings: Finding[] = [];
    for (const use of toolsUsed(facts, healthcheck, command)) {
      if (seen.has(use.tool)) continue;
      seen.add(use.tool);
      if (!lacks(target, use.tool) || copiesIn(runtimeChain, use.tool) || installs(facts, runtimeChain, use.tool)) continue;
      findings.push({ code: 'SLIM011', range: use.range, message: messageFor(target, use), fixes: [] });
    }
    return findings;
  },
};

/** Tools the check runs, in order. Shell-form checks on shell-less bases leave sh and bash to SLIM001. */
function toolsUsed(facts: Facts, healthcheck: Instruction, command: CommandText): ToolUse[] {
  const { doc } = facts;
  if (command.form === 'exec') return execToolsUsed(doc, command);
  const uses: ToolUse[] = [];
  const shell = shellAt(facts.runtimeChain, healthcheck)?.[0] ?? '/bin/sh';
  const shellTool = path.basename(shell);
  if (TOOLS.has(shellTool)) uses.push({ tool: shellTool as Tool, range: trimmedRange(doc, command), word: shell, inScript: false });
  const joined = joinContinuations(command.text, doc.escapeChar);
  for (const name of commandNames(joined.text)) {
    uses.push({ ...name, range: rangeOfJoined(doc, command, joined, name.start, name.end), inScript: true });
  }
  const shellLess = facts.target?.base.shell === 'no';
  return shellLess ? uses.filter((use) => !SHELLS.has(use.tool)) : uses;
}

/** `CMD ["curl", …]`, and the script of `CMD ["sh", "-c", "curl …"]`. */
function execToolsUsed(doc: ParsedDockerfile, command: CommandText): ToolUse[] {
  const argv = command.argv ?? [];
  const elements = jsonStringSpans(doc, command, argv.length);
  const program = path.basename(argv[0] ?? '');
  const uses: ToolUse[] = [];
  if (TOOLS.has(program)) uses.push({ tool: program as Tool, range: elements[0]?.range ?? trimmedRange(doc, command), word: argv[0], inScript: false });
  const scriptIndex = argv.indexOf('-c') + 1;
  if (!SHELLS.has(program) || scriptIndex === 0 || scriptIndex >= argv.length) return uses;
  const element = elements[scriptIndex];
  for (const name of commandNames(argv[scriptIndex])) {
    // Exact columns inside the JSON string only when it has no escapes; else the whole string.
    const exact = element && !element.raw.includes('\\');
    const range = exact ? spanRange(doc, element.start + 1 + name.start, element.start + 1 + name.end) : (element?.range ?? trimmedRange(doc, command));
    uses.push({ tool: name.tool, range, word: name.word, inScript: true });
  }
  return uses;
}

interface JsonString {
  raw: string;
  /** Document offset of the opening quote. */
  start: number;
  range: Range;
}

/** The JSON string tokens of an exec-form command; empty when they do not line up with argv. */
function jsonStringSpans(doc: ParsedDockerfile, command: CommandText, count: number): JsonString[] {
  const base = offsetAt(doc, command.range.start);
  const spans = [...command.text.matchAll(/"(?:[^"\\\n]|\\.)*"/g)].map((match) => {
    const start = base + (match.index ?? 0);
    return { raw: match[0], start, range: spanRange(doc, start, start + match[0].length) };
  });
  return spans.length === count ? spans : [];
}

function spanRange(doc: ParsedDockerfile, start: number, end: number): Range {
  return { start: positionAt(doc, start), end: positionAt(doc, end) };
}

/** Command words of shell text that name a tool (`/usr/bin/curl` too), with their spans; `exec curl` counts. */
function commandNames(script: string): { tool: Tool; word: string; start: number; end: number }[] {
  const names: { tool: Tool; word: string; start: number; end: number }[] = [];
  for (const command of parseShell(script).descendantsOfType('command')) {
    let word: Node | null | undefined = command?.childForFieldName('name');
    if (word && unquote(word.text) === 'exec') word = command?.namedChildren[1];
    if (!word) continue;
    const written = unquote(word.text);
    const tool = path.basename(written);
    if (TOOLS.has(tool)) names.push({ tool: tool as Tool, word: written, start: word.startIndex, end: word.endIndex });
  }
  return names;
}

function unquote(word: string): string {
  return word.replace(/\\(.)/g, '$1').replace(/^(["'])(.*)\1$/, '$2');
}

/** What the root base lacks, per the spec's class table. */
function lacks(stage: Stage, tool: Tool): boolean {
  switch (stage.base.class) {
    case 'empty':
    case 'static':
    case 'distroless-libc':
      return true;
    case 'musl':
      // busybox provides sh and wget.
      return tool === 'curl' || tool === 'bash';
    case 'glibc':
      return (tool === 'curl' || tool === 'wget') && !hasDownloadTools(stage.rootImage ?? '');
    case 'unknown':
      return false;
  }
}

/** Toolchain images built on buildpack-deps ship curl and wget; debian, ubuntu and *-slim do not. */
function hasDownloadTools(rootImage: string): boolean {
  const { name, tag = '' } = parseImageRef(rootImage);
  return /^(golang|gcc|buildpack-deps)$/.test(name) && !/(^|-)slim(-|$)/.test(tag);
}

const BIN_DIRS = new Set(['/', '/bin', '/usr/bin', '/usr/local/bin', '/sbin', '/usr/sbin', '/usr/local/sbin', '/busybox']);

/** A COPY/ADD into the runtime chain that may bring the tool: prefer silence. */
function copiesIn(chain: readonly Stage[], tool: Tool): boolean {
  const names = tool === 'sh' || tool === 'wget' ? [tool, 'busybox'] : [tool];
  return chain.some((stage) =>
    stage.instructions.some((instruction) => {
      const keyword = instruction.getKeyword();
      if (keyword !== 'COPY' && keyword !== 'ADD') return false;
      const { sources, destination } = copyPaths(instruction as Copy);
      const files = [destination, ...sources].map((file) => file.replace(/\/+$/, '') || '/');
      return files.some((file) => names.includes(path.basename(file))) || sources.some((source) => BIN_DIRS.has(source.replace(/\/+$/, '') || '/'));
    }),
  );
}

const INSTALLERS: Record<string, string> = { apk: 'add', 'apt-get': 'install', apt: 'install', yum: 'install', dnf: 'install', microdnf: 'install' };
const PACKAGES: Record<Tool, string[]> = { curl: ['curl'], wget: ['wget'], bash: ['bash'], sh: ['dash', 'bash', 'busybox', 'busybox-static'] };

/** A RUN in the runtime chain that installs the tool's package (or packages named by a variable). */
function installs(facts: Facts, chain: readonly Stage[], tool: Tool): boolean {
  return chain.some((stage) =>
    stage.instructions.some((instruction) => {
      if (instruction.getKeyword() !== 'RUN') return false;
      const command = commandOf(facts.doc, instruction);
      if (!command) return false;
      const commands = command.form === 'exec' ? [command.argv ?? []] : shellCommands(joinContinuations(command.text, facts.doc.escapeChar).text);
      return commands.some((argv) => installsPackage(argv, PACKAGES[tool]));
    }),
  );
}

function shellCommands(script: string): string[][] {
  return parseShell(script)
    .descendantsOfType('command')
    .filter((node): node is Node => node !== null)
    .map((node) => node.namedChildren.filter((child): child is Node => child !== null && child.type !== 'variable_assignment').map((child) => unquote(child.text)));
}

function installsPackage(argv: string[], packages: string[]): boolean {
  const subcommand = INSTALLERS[path.basename(argv[0] ?? '')];
  if (!subcommand || !argv.includes(subcommand)) return false;
  return argv.slice(1).some((arg) => arg.includes('$') || packages.includes(arg.split(/[=<>~]/)[0]));
}

function messageFor(stage: Stage, use: ToolUse): string {
  const { tool } = use;
  const missing = `HEALTHCHECK runs ${tool}, but ${stage.rootImage ?? 'the base image'} has no ${tool} and nothing in this Dockerfile adds it`;
  const failure = use.inScript && stage.base.shell === 'no' ? 'every check fails: the image has neither a shell nor ' + tool : `every check fails with \`${errorText(use)}\``;
  return `${missing}: ${failure}, and the container stays unhealthy. ${adviceFor(stage, tool)}`;
}

/** What Docker's health log shows. */
function errorText({ word, inScript }: ToolUse): string {
  if (inScript) return `${word}: not found`;
  return word.includes('/') ? `exec: "${word}": stat ${word}: no such file or directory` : `exec: "${word}": executable file not found in $PATH`;
}

function adviceFor(stage: Stage, tool: Tool): string {
  switch (stage.base.class) {
    case 'musl':
      return tool === 'curl'
        ? 'Use busybox wget, which the image has (`wget -q --spider http://localhost:PORT/health`), or `RUN apk add --no-cache curl`.'
        : `Use sh, or \`RUN apk add --no-cache ${tool}\`.`;
    case 'glibc':
      return `Install it (\`RUN apt-get update && apt-get install -y --no-install-recommends ${tool} && rm -rf /var/lib/apt/lists/*\`) or let the program check itself (e.g. \`HEALTHCHECK CMD ["/app", "-healthcheck"]\`).`;
    default:
      return `The image has no shell or tools: build the check into your program and call it in exec form (e.g. \`HEALTHCHECK CMD ["/app", "-healthcheck"]\`), or COPY a static ${tool} binary in.`;
  }
}
