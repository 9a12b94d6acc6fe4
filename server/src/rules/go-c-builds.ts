// What the Go and C build rules (SLIM201–SLIM205, SLIM301–SLIM303, and SLIM005 for
// shipped programs) ask about a build: does it reach the target, is cgo on, is there
// a C compiler, which libc does it link against, which linker flags does it pass; the
// edits their fixes make, and their findings.
import path from 'node:path';
import type { Instruction } from 'dockerfile-ast';
import { contextPath } from '../context/build-context';
import { lineStarts, positionAt, type ParsedDockerfile } from '../parse/dockerfile';
import { parseImageRef, type Libc } from '../facts/base-images';
import { commandsOf, type BuildCommand, type CommandWord, type ResolvedCommand } from '../facts/builds';
import type { Facts, Stage } from '../facts/model';
import { chainOf } from '../facts/queries';
import type { SourceLocation } from '../facts/sources';
import type { FileEdit, Finding, FindingSeverity, Fix, Range } from './types';
import { insertBefore, keyword, styleOf } from './users';

export type Answer = 'yes' | 'no' | 'unknown';

// ---------------------------------------------------------------------------
// Which builds reach the target.

export function isGoBuild(build: BuildCommand): boolean {
  return build.kind === 'go-build' || build.kind === 'go-install';
}

/** Builds of this kind whose output ends up in the target, each once, in document order. */
export function linkedBuilds(facts: Facts, accept: (build: BuildCommand) => boolean): BuildCommand[] {
  const builds: BuildCommand[] = [];
  for (const artifact of facts.artifacts) {
    if (accept(artifact.build) && !builds.includes(artifact.build)) builds.push(artifact.build);
  }
  return builds;
}

/** Where the build's output lands in the target (the first copy of it), for messages. */
export function shippedPath(facts: Facts, build: BuildCommand): string | undefined {
  return facts.artifacts.find((artifact) => artifact.build === build && artifact.path !== undefined)?.path;
}

/** The stage whose files the target runs: the runtime chain's root stage names the image. */
export function runtimeImage(facts: Facts): string {
  return facts.runtimeChain[0]?.rootImage ?? 'the runtime image';
}

export function stageLabel(stage: Stage): string {
  return stage.name ? `\`${stage.name}\`` : `#${stage.index}`;
}

// ---------------------------------------------------------------------------
// Go flags: on the command line, or in GOFLAGS (which the command line overrides).

/** A Go build flag's value: the command's own, else GOFLAGS'. `known: false` when it is set to something unresolved. */
export function goFlag(build: BuildCommand, name: string): { value: string | undefined; known: boolean } {
  if (build.flags.has(name)) {
    const value = build.flags.get(name);
    return { value, known: value !== undefined };
  }
  if (!build.env.has('GOFLAGS')) return { value: undefined, known: true };
  const goflags = build.env.get('GOFLAGS');
  if (goflags === undefined) return { value: undefined, known: false };
  let value: string | undefined;
  for (const flag of splitFlags(goflags)) {
    const match = /^--?([\w-]+)(?:=(.*))?$/s.exec(flag);
    if (match && match[1] === name) value = match[2] ?? 'true';
  }
  return { value, known: true };
}

export function goTags(build: BuildCommand): string[] {
  if (build.flags.has('tags')) return build.tags;
  return goFlag(build, 'tags').value?.split(/[,\s]+/).filter(Boolean) ?? [];
}

/** Splits a flag string the way Go splits -ldflags and GOFLAGS: on spaces, with '…' and "…" quoting. */
export function splitFlags(text: string): string[] {
  const fields: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let field = '';
  let inField = false;
  let last = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (inField && match.index > last) {
      fields.push(field);
      field = '';
    }
    field += match[1] ?? match[2] ?? match[3];
    inField = true;
    last = pattern.lastIndex;
  }
  if (inField) fields.push(field);
  return fields;
}

/** `-linkmode external -extldflags "-static"`: cgo on, yet a fully static binary. */
export function linksStaticallyExternal(ldflags: string | undefined): boolean {
  if (ldflags === undefined) return false;
  const fields = splitFlags(ldflags);
  const valueOf = (name: string): string | undefined => {
    let value: string | undefined;
    fields.forEach((field, index) => {
      const match = /^--?([\w-]+)(?:=(.*))?$/s.exec(field);
      if (match && match[1] === name) value = match[2] ?? fields[index + 1];
    });
    return value;
  };
  const external = valueOf('linkmode') === 'external';
  const extldflags = splitFlags(valueOf('extldflags') ?? '');
  return external && extldflags.some((flag) => flag === '-static' || flag === '-static-pie' || flag === '--static');
}

/** Which of `-s` and `-w` the linker flags lack. */
export function missingStripFlags(ldflags: string | undefined): string[] {
  const fields = splitFlags(ldflags ?? '');
  const has = (flag: string) => fields.some((field) => field === `-${flag}` || field === `--${flag}` || field === `-${flag}=true` || field === `--${flag}=true`);
  return ['s', 'w'].filter((flag) => !has(flag)).map((flag) => `-${flag}`);
}

// ---------------------------------------------------------------------------
// cgo: on by default when the builder has a C compiler and the build is native.

export type CgoState = 'on' | 'off' | 'unknown';

export function cgoState(facts: Facts, build: BuildCommand): CgoState {
  const env = build.env;
  if (env.has('CGO_ENABLED')) {
    const value = env.get('CGO_ENABLED');
    if (value === '0') return 'off';
    if (value === '1') return 'on';
    if (value !== '') return 'unknown';
  }
  // Cross-compiling turns cgo off by default; whether GOARCH differs from the build machine's is unknown.
  if (env.has('GOOS') && env.get('GOOS') !== 'linux') return env.get('GOOS') === undefined ? 'unknown' : 'off';
  if (env.has('GOARCH') && env.get('GOARCH') !== 'amd64') return 'unknown';
  const compiler = cCompilerAt(facts, build);
  return compiler === 'yes' ? 'on' : compiler === 'no' ? 'off' : 'unknown';
}

/** The build's Go linking is fully static although cgo is on. */
export function staticDespiteCgo(build: BuildCommand): boolean {
  const ldflags = goFlag(build, 'ldflags');
  return linksStaticallyExternal(ldflags.value);
}

/** `-tags netgo,osusergo`: net and os/user in pure Go, so only real cgo code needs libc. */
export function pureGoNetAndUser(build: BuildCommand): boolean {
  const tags = goTags(build);
  return tags.includes('netgo') && tags.includes('osusergo');
}

/**
 * Standard-library packages that link cgo code when cgo is on, and why: they are, or
 * import, `net` (its resolver), `os/user`, `plugin` or `runtime/cgo` (`go list -deps`, Go 1.19).
 */
const CGO_BY_DEFAULT: ReadonlyMap<string, 'net' | 'os/user' | 'cgo'> = new Map([
  ...['net', 'crypto/tls', 'crypto/x509', 'expvar', 'log/syslog', 'mime/multipart', 'net/mail', 'net/rpc', 'net/rpc/jsonrpc', 'net/smtp', 'net/textproto'].map((p) => [p, 'net'] as const),
  ...['net/http', 'net/http/cgi', 'net/http/cookiejar', 'net/http/fcgi', 'net/http/httptest', 'net/http/httptrace', 'net/http/httputil', 'net/http/pprof'].map((p) => [p, 'net'] as const),
  ['os/user', 'os/user'],
  ['archive/tar', 'os/user'],
  ['plugin', 'cgo'],
  ['runtime/cgo', 'cgo'],
]);

export interface CgoUse {
  /** 'yes': the sources show code that needs libc with cgo on; 'no': every source is visible and none does. */
  answer: Answer;
  /** The import (or `import "C"`) that shows it, and where. */
  evidence?: { what: string; location: SourceLocation };
  /** A package of the build has `import "C"`: turning cgo off breaks the build. */
  needsCgo: boolean;
}

/** Whether the program, built with cgo on, links against libc: `import "C"`, or a package that uses cgo by default. */
export function cgoUse(facts: Facts, build: BuildCommand): CgoUse {
  const sources = facts.sources.get(build);
  if (!sources) return { answer: 'unknown', needsCgo: false };
  const cgoSite = sources.cgo[0];
  if (cgoSite) return { answer: 'yes', evidence: { what: 'import "C"', location: cgoSite }, needsCgo: true };
  const tags = goTags(build);
  for (const [importPath, site] of sources.goImportSites) {
    const reason = CGO_BY_DEFAULT.get(importPath);
    if (!reason || (reason === 'net' && tags.includes('netgo')) || (reason === 'os/user' && tags.includes('osusergo'))) continue;
    return { answer: 'yes', evidence: { what: importPath, location: site }, needsCgo: false };
  }
  return { answer: sources.visible ? 'no' : 'unknown', needsCgo: false };
}

/**
 * Whether a C compiler is on the build's PATH when it runs: installed before it in its
 * stage chain, else the base image's. 'unknown' where an earlier install may have
 * brought one (a package list we cannot read, `xx-apk`).
 */
export function cCompilerAt(facts: Facts, build: BuildCommand): Answer {
  const installed = compilerInstalledBefore(facts, build);
  if (installed === 'yes') return 'yes';
  const image = imageHasCompiler(build.stage.rootImage);
  return installed === 'unknown' && image === 'no' ? 'unknown' : image;
}

function compilerInstalledBefore(facts: Facts, build: BuildCommand): Answer {
  const before = runCommand(build).range.start;
  const chain = chainOf(build.stage).map((stage) => ({ stage, installs: compilerInstalls(facts, stage) }));
  const earlier = (stage: Stage, at: Range['start'] | undefined) => at !== undefined && (stage !== build.stage || isBefore(at, before));
  if (chain.some(({ stage, installs }) => earlier(stage, installs.yes))) return 'yes';
  return chain.some(({ stage, installs }) => earlier(stage, installs.unknown)) ? 'unknown' : 'no';
}

/** Package names that bring a C compiler (apk, apt, yum/dnf/zypper). */
const APK_COMPILERS = /^(gcc|g\+\+|build-base|clang\d*|clang\d*-dev|go|tcc)$/;
const APT_COMPILERS = /^(gcc|gcc-\d+|g\+\+|g\+\+-\d+|build-essential|clang|clang-\d+|tcc|musl-tools)$/;
/** Debian's Go packages recommend gcc: apt installs it unless told not to. */
const APT_GO = /^(golang|golang-go|golang-\d+\.\d+(-go)?)$/;
const RPM_COMPILERS = /^(gcc|gcc-c\+\+|clang|golang)$/;
/**
 * alpine-sdk (build-base and more) and constrained names (`gcc>12`) bring one too; they
 * count as 'unknown' until SLIM201/SLIM303 fixtures cover them as 'yes' (SLIM202 is silent either way).
 */
const APK_MAYBE_COMPILERS = /^(alpine-sdk([=<>~].*)?|(gcc|g\+\+|clang\d*|build-base|tcc)[<>~].*)$/;

/** Whether a command installs a C compiler: 'unknown' when it may. */
function compilerInstall(command: ResolvedCommand): Answer {
  const install = packageInstall(command);
  if (!install) return 'no';
  const { manager, cross, recommends } = install;
  const names = install.args.flatMap((arg) => (arg === undefined ? [] : [packageName(arg)]));
  const compilers = manager === 'apk' ? APK_COMPILERS : manager === 'apt' ? APT_COMPILERS : RPM_COMPILERS;
  if (!cross && names.some((name) => compilers.test(name) || (manager === 'apt' && recommends && APT_GO.test(name)))) return 'yes';
  const maybe = manager === 'apk' && install.args.some((arg) => arg === undefined || APK_COMPILERS.test(packageName(arg)) || APK_MAYBE_COMPILERS.test(arg));
  return maybe ? 'unknown' : 'no';
}

const installCache = new WeakMap<Facts, Map<Stage, Record<'yes' | 'unknown', Range['start'] | undefined>>>();

/** Where the stage's first command that installs a C compiler starts, and its first that may. */
function compilerInstalls(facts: Facts, stage: Stage): Record<'yes' | 'unknown', Range['start'] | undefined> {
  let byStage = installCache.get(facts);
  if (!byStage) installCache.set(facts, (byStage = new Map()));
  let installs = byStage.get(stage);
  if (!installs) {
    installs = { yes: undefined, unknown: undefined };
    for (const command of stageCommands(facts, stage)) {
      const answer = compilerInstall(command);
      if (answer !== 'no') installs[answer] ??= command.range.start;
    }
    byStage.set(stage, installs);
  }
  return installs;
}

/** Debian golang, gcc and full buildpack-deps images carry gcc; Alpine and bare OS images do not. */
export function imageHasCompiler(ref: string | undefined): Answer {
  if (ref === undefined) return 'unknown';
  const { name, tag = 'latest' } = parseImageRef(ref);
  if (name === 'golang') return /alpine/.test(tag) ? 'no' : /windows|nanoserver/.test(tag) ? 'unknown' : 'yes';
  if (name === 'gcc') return 'yes';
  if (name === 'buildpack-deps') return /(^|-)(curl|scm)$/.test(tag) ? 'no' : 'yes';
  if (/^(alpine|debian|ubuntu|busybox|scratch)$/.test(name) || /^gcr\.io\/distroless\//.test(name)) return 'no';
  return 'unknown';
}

export interface PackageInstall {
  manager: 'apk' | 'apt' | 'rpm';
  /** `xx-apk`, `xx-apt-get`: packages for a cross-compilation target's root, not the build's own tools. */
  cross: boolean;
  /** The arguments after the program (options, the verb, packages); undefined where a word's value is unknown. */
  args: (string | undefined)[];
  /** apt installs recommended packages unless told not to. */
  recommends: boolean;
}

/** `apk add`, `apt-get install`, `dnf install`…: the command that installs packages, or undefined. */
export function packageInstall(command: ResolvedCommand): PackageInstall | undefined {
  const program = path.posix.basename(command.argv[0] ?? '');
  const cross = program.startsWith('xx-');
  const tool = cross ? program.slice('xx-'.length) : program;
  const argv = command.argv.slice(1);
  const manager = tool === 'apk' ? 'apk' : /^(apt-get|apt|aptitude)$/.test(tool) ? 'apt' : /^(yum|dnf|microdnf|tdnf|zypper)$/.test(tool) ? 'rpm' : undefined;
  if (!manager || !argv.includes(manager === 'apk' ? 'add' : 'install')) return undefined;
  return {
    manager,
    cross,
    args: command.words.slice(1).map((word) => word.value),
    recommends: !argv.some((arg) => arg === '--no-install-recommends' || /Install-Recommends=(false|0)/i.test(arg)),
  };
}

/** A package argument without its version or architecture (`gcc=12.2-r0`, `libc6:amd64`). */
export function packageName(arg: string): string {
  return arg.replace(/[=:].*$/, '');
}

/** The RUN-level commands of a stage (not its parents); `commandsOf` scans each stage once per document. */
export function stageCommands(facts: Facts, stage: Stage): ResolvedCommand[] {
  return commandsOf(facts.doc, stage);
}

/** The RUN-level command of a build: the make or script command that reached it, else the build itself. */
export function runCommand(build: BuildCommand): ResolvedCommand {
  return build.via ?? build;
}

function isBefore(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

// ---------------------------------------------------------------------------
// libc: which C library a dynamically linked build needs at run time.

const MUSL_COMPILER = /(^|-)musl(-|$)/;

/** The libc a build links against: a musl compiler's, else its builder image's. */
export function buildLibc(build: BuildCommand): Libc {
  const compiler = build.kind === 'c-link' ? build.tool : path.posix.basename(build.env.get('CC')?.split(/\s+/)[0] ?? '');
  if (MUSL_COMPILER.test(compiler)) return 'musl';
  const libc = build.stage.base.libc;
  return libc === 'musl' || libc === 'glibc' ? libc : 'unknown';
}

/** C flags that make a link not need a libc loader, or not an executable at all. */
export function cLinkIsStatic(build: BuildCommand): boolean {
  return build.static || build.argv.some((arg) => /^-Wl,(.*,)?-?-static(,|$)/.test(arg));
}

/** A shared library, a relocatable object or a freestanding program: not a dynamically linked executable. */
export function cLinkIsNotAProgram(build: BuildCommand): boolean {
  return build.argv.some((arg) => arg === '-shared' || arg === '-r' || arg === '-nostdlib' || arg === '-ffreestanding' || arg === '-nostartfiles');
}

// ---------------------------------------------------------------------------
// Ranges and edits where a command is written: the Dockerfile, or a Makefile/script.

/** From the first word's start to the `upTo`th word's end, in the file the words are in. */
export function wordsRange(command: ResolvedCommand, upTo: number): Range {
  const first = command.words[0];
  const last = command.words[Math.min(upTo, command.words.length - 1)];
  if (first?.range && last?.range && first.path === last.path) return { start: first.range.start, end: last.range.end };
  return command.location?.range ?? command.range;
}

export function point(position: Range['start']): Range {
  return { start: position, end: position };
}

interface FileText {
  text: string;
  starts: number[];
}

const fileCache = new WeakMap<Facts, Map<string, FileText | undefined>>();

/** The text of the Dockerfile (path undefined) or of a build-context file, read once per analysis. */
function fileText(facts: Facts, file: string | undefined): FileText | undefined {
  if (file === undefined) return { text: facts.doc.text, starts: facts.doc.lineOffsets };
  let files = fileCache.get(facts);
  if (!files) fileCache.set(facts, (files = new Map()));
  if (!files.has(file)) {
    const text = facts.context?.readFile(contextPath(facts.context, file));
    files.set(file, text === undefined ? undefined : { text, starts: lineStarts(text) });
  }
  return files.get(file);
}

/** A build-context file's text (path relative to the Dockerfile's folder), read once per analysis. */
export function contextFileText(facts: Facts, file: string): string | undefined {
  return fileText(facts, file)?.text;
}

function offsetIn(file: FileText, position: Range['start']): number {
  return Math.min((file.starts[position.line] ?? file.text.length) + position.character, file.text.length);
}

function positionIn(file: FileText, offset: number): Range['start'] {
  let line = 0;
  while (line + 1 < file.starts.length && file.starts[line + 1] <= offset) line++;
  return { line, character: offset - file.starts[line] };
}

/** The position `characters` into a word, when the word's text maps onto its file character for character. */
function inside(facts: Facts, word: CommandWord, characters: number): Range['start'] | undefined {
  const file = word.range && fileText(facts, word.path);
  if (!file || !word.range) return undefined;
  const start = offsetIn(file, word.range.start);
  if (offsetIn(file, word.range.end) - start !== word.text.length) return undefined;
  return positionIn(file, start + characters);
}

function edit(path: string | undefined, range: Range, newText: string): FileEdit {
  return path === undefined ? { range, newText } : { path, range, newText };
}

/** Replaces `length` characters of the Dockerfile at `offset`. */
export function replaceAt(doc: ParsedDockerfile, offset: number, length: number, newText: string): FileEdit {
  return { range: { start: positionAt(doc, offset), end: positionAt(doc, offset + length) }, newText };
}

/** A new line right after an instruction, with the keyword in the file's case and its line ends. */
export function lineAfter(doc: ParsedDockerfile, instruction: Instruction, word: string, rest: string): FileEdit {
  const style = styleOf(doc, instruction);
  const line = `${keyword(style, word)} ${rest}`;
  const end = instruction.getRange().end;
  if (end.line + 1 < doc.lines.length) return { range: point({ line: end.line + 1, character: 0 }), newText: line + style.eol };
  return { range: point({ line: end.line, character: doc.lines[end.line].length }), newText: style.eol + line };
}

/** `ENV NAME=value` on its own line right before the RUN. */
export function envBeforeRun(facts: Facts, run: Instruction, assignment: string): FileEdit {
  const style = styleOf(facts.doc, run);
  return insertBefore(facts.doc, run, [`${keyword(style, 'ENV')} ${assignment}`], style);
}

/** The value of a command's own `CGO_ENABLED=…` (inline, or through `env`; the last one), in the file the command is written in. */
export function inlineCgoValue(facts: Facts, command: ResolvedCommand): { path: string | undefined; range: Range; text: string } | undefined {
  const firstWord = command.words[0];
  const start = command.location?.range.start ?? command.insertAt;
  if (!start || !firstWord?.range) return undefined;
  const file = fileText(facts, firstWord.path);
  if (!file) return undefined;
  const from = offsetIn(file, start);
  const inline = [...file.text.slice(from, offsetIn(file, firstWord.range.start)).matchAll(/(^|\s)CGO_ENABLED=(\S*)/g)].pop();
  if (inline?.index === undefined) return undefined;
  const valueStart = from + inline.index + inline[0].length - inline[2].length;
  return { path: firstWord.path, range: { start: positionIn(file, valueStart), end: positionIn(file, valueStart + inline[2].length) }, text: inline[2] };
}

/**
 * `CGO_ENABLED=0 ` before a command written in the Dockerfile, or `0` for the value of
 * an inline `CGO_ENABLED=…` the command already has (in the Dockerfile or its recipe line).
 */
export function cgoOffEdit(facts: Facts, command: ResolvedCommand): FileEdit | undefined {
  const inline = inlineCgoValue(facts, command);
  if (inline) return edit(inline.path, inline.range, '0');
  const start = command.insertAt;
  return start && command.words[0]?.range && !command.location ? edit(undefined, point(start), 'CGO_ENABLED=0 ') : undefined;
}

export interface LdflagsPlacement {
  /** After the value's own flags, so that they override them, rather than before. */
  last?: boolean;
  /** A new flag written `-ldflags "…"` rather than `-ldflags="…"`. */
  spaced?: boolean;
}

/**
 * Adds linker flags to a Go build's `-ldflags`: to the Makefile variable that is its
 * whole value, inside the quotes of the value as written, or as a new `-ldflags="…"`
 * after `build`/`install`. Undefined when there is no exact place for them.
 */
export function ldflagsEdit(facts: Facts, build: BuildCommand, add: readonly string[], placement: LdflagsPlacement = {}): FileEdit | undefined {
  const words = build.words;
  let index = -1;
  words.forEach((word, i) => {
    if (/^--?ldflags(=|$)/.test(word.value ?? '')) index = i;
  });
  const flags = add.join(' ');
  if (index < 0) {
    const subcommand = words[1];
    const value = `"${requote(flags, '"')}"`;
    return subcommand?.range && edit(subcommand.path, point(subcommand.range.end), placement.spaced ? ` -ldflags ${value}` : ` -ldflags=${value}`);
  }
  const flagWord = words[index];
  const eq = /^--?ldflags=/.exec(flagWord.text);
  const valueWord = eq ? flagWord : words[index + 1];
  const at = eq ? eq[0].length : 0;
  if (!valueWord) return undefined;
  return variableEdit(valueWord, valueWord.text.slice(at), flags) ?? extendValue(facts, valueWord, at, flags, placement.last ?? false);
}

/** A value that is one Makefile variable, `$(LDFLAGS)` or `"$(LDFLAGS)"`: append to its definition. */
function variableEdit(word: CommandWord, value: string, flags: string): FileEdit | undefined {
  const variable = /^(["']?)\$[({]\w+[)}]\1$/.exec(value);
  const definition = variable && word.origins?.length === 1 ? word.origins[0].definition : undefined;
  return definition && edit(definition.path, point(definition.range.end), ` ${requote(flags, variable?.[1])}`);
}

/** Puts `flags` first (or last) in a word's value that starts at `at`: inside its quotes, or quoting a bare value. */
function extendValue(facts: Facts, word: CommandWord, at: number, flags: string, last: boolean): FileEdit | undefined {
  const value = word.text.slice(at);
  const quote = last ? value[value.length - 1] : value[0];
  if ((quote === '"' || quote === "'") && (!last || value.length >= 2)) {
    const position = inside(facts, word, last ? word.text.length - 1 : at + 1);
    const quoted = requote(flags, quote);
    const empty = value[last ? value.length - 2 : 1] === quote;
    return position && edit(word.path, point(position), empty ? quoted : last ? ` ${quoted}` : `${quoted} `);
  }
  if (/["'\\`$]/.test(value)) return undefined;
  const start = inside(facts, word, at);
  const end = inside(facts, word, word.text.length);
  const quoted = requote(flags, '"');
  return start && end && edit(word.path, { start, end }, value === '' ? `"${quoted}"` : last ? `"${value} ${quoted}"` : `"${quoted} ${value}"`);
}

/** Flags to write inside `quote`: their own quotes become the other kind, which Go's flag splitting takes alike. */
function requote(flags: string, quote: string | undefined): string {
  if (quote === "'") return flags.replace(/'/g, '"');
  if (quote === '"') return flags.replace(/"/g, "'");
  return flags;
}

/** ` -static` for a C link: on the Makefile's LDFLAGS definition the recipe uses, else right after the compiler. */
export function staticLinkEdit(build: BuildCommand): FileEdit | undefined {
  const ldflags = build.variables?.find((origin) => origin.variable === 'LDFLAGS' && origin.source === 'makefile' && origin.definition);
  if (ldflags?.definition) return edit(ldflags.definition.path, point(ldflags.definition.range.end), ' -static');
  const compiler = build.words[0];
  return compiler?.range && edit(compiler.path, point(compiler.range.end), ' -static');
}

// ---------------------------------------------------------------------------
// Findings: where the build is written, and a summary on the Dockerfile's RUN line.

export interface BuildProblem {
  build: BuildCommand;
  /** The words to mark, 0-based inclusive: 1 marks `go build`, 0 the compiler. */
  upTo: number;
  /** Another range to mark instead, in the file the build is written in. */
  range?: Range;
  message: string;
  fixes: Fix[];
  severity?: FindingSeverity;
}

/**
 * One finding per problem, in the file that holds the build line. A build written in
 * a Makefile or script also gets a summary on the Dockerfile's make/script command
 * (one per command and rule), with the same fixes.
 */
export function buildFindings(code: string, problems: readonly BuildProblem[]): Finding[] {
  const findings: Finding[] = [];
  const summaries = new Map<ResolvedCommand, BuildProblem[]>();
  for (const problem of problems) {
    const { build } = problem;
    const range = problem.range ?? wordsRange(build, problem.upTo);
    findings.push({ code, ...(build.location ? { path: build.location.path } : {}), range, ...details(problem) });
    if (!build.location || !build.via) continue;
    const group = summaries.get(build.via);
    if (group) group.push(problem);
    else summaries.set(build.via, [problem]);
  }
  for (const [via, group] of summaries) {
    const places = group.map(({ build }) => `${build.location?.path}:${(build.location?.range.start.line ?? 0) + 1}`);
    // The rule's default severity (undefined) wins over a lowered one when the group mixes them.
    const severity = group.some((problem) => problem.severity === undefined) ? undefined : group[0].severity;
    const summary = details({ ...group[0], message: `${group[0].message} (see ${places.join(', ')})`, severity });
    findings.push({ code, range: wordsRange(via, via.words.length - 1), ...summary });
  }
  return findings;
}

function details({ message, fixes, severity }: BuildProblem): Pick<Finding, 'message' | 'fixes' | 'severity'> {
  return severity ? { message, fixes, severity } : { message, fixes };
}

export interface SourceProblem<Site extends SourceLocation> {
  build: BuildCommand;
  /** Places in build-context files that show the problem (an `import "C"`, a call): each is reported once, however many builds reach it. */
  sites: readonly Site[];
  siteMessage(site: Site): string;
  /** For the build's command in the Dockerfile. */
  summary: string;
  fixes: Fix[];
}

/** A finding on each site of each problem (once per place), and one on each problem's build command in the Dockerfile. */
export function sourceFindings<Site extends SourceLocation>(code: string, problems: readonly SourceProblem<Site>[]): Finding[] {
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const { build, sites, siteMessage, summary, fixes } of problems) {
    for (const site of sites) {
      const key = `${site.path}:${site.range.start.line}:${site.range.start.character}`;
      if (reported.has(key)) continue;
      reported.add(key);
      findings.push({ code, path: site.path, range: site.range, message: siteMessage(site), fixes });
    }
    findings.push({ code, range: build.range, message: summary, fixes });
  }
  return findings;
}
