// SLIM202: a Go package the build compiles has `import "C"`, but the build runs with
// cgo off (CGO_ENABLED=0, or a golang:*-alpine builder without a C compiler). Go then
// leaves the cgo files out and the build fails. Reported on the `import "C"` line and
// summarised on the build command.
import type { Arg, Env, Instruction } from 'dockerfile-ast';
import { contextPath } from '../context/build-context';
import { parseImageRef } from '../facts/base-images';
import { commandsOf, type BuildCommand, type CommandWord } from '../facts/builds';
import type { Facts, Stage } from '../facts/model';
import { chainOf } from '../facts/queries';
import { buildsForTarget, type CgoSite } from '../facts/sources';
import { offsetAt, positionAt, textOf } from '../parse/dockerfile';
import type { FileEdit, Finding, Fix, Range, Rule } from './types';

const STATIC_LDFLAGS = "-linkmode external -extldflags '-static'";
const INSTALL_COMPILER = 'apk add --no-cache build-base';

export const rule: Rule = {
  meta: {
    code: 'SLIM202',
    name: 'cgo-required',
    severity: 'error',
    fixable: true,
    summary: 'A Go package the build compiles imports "C", but the build disables cgo: the build fails.',
  },
  check(facts) {
    const findings: Finding[] = [];
    const reported = new Set<string>();
    for (const build of buildsForTarget(facts)) {
      if (build.kind !== 'go-build' && build.kind !== 'go-install') continue;
      const sites = facts.sources.get(build)?.cgo ?? [];
      if (sites.length === 0) continue;
      const cause = cgoOff(facts, build);
      if (!cause) continue;
      const fixes = fixesOf(facts, build, cause);
      for (const site of sites) {
        const key = `${site.path}:${site.range.start.line}:${site.range.start.character}`;
        if (reported.has(key)) continue;
        reported.add(key);
        findings.push({ code: 'SLIM202', path: site.path, range: site.range, message: siteMessage(build, cause), fixes });
      }
      findings.push({ code: 'SLIM202', range: build.range, message: summaryMessage(sites[0], cause), fixes });
    }
    return findings;
  },
};

// ---------------------------------------------------------------------------
// Why cgo is off.

interface CgoOff {
  /** CGO_ENABLED=0 is in effect; `edit` turns it to 1 where it is set (undefined: not found). */
  setting: { edit: FileEdit | undefined } | undefined;
  /** The golang:*-alpine builder has no C compiler: Go 1.20+ then turns cgo off by itself. */
  noCompiler: { image: string; from: Stage } | undefined;
}

function cgoOff(facts: Facts, build: BuildCommand): CgoOff | undefined {
  const setting = build.env.has('CGO_ENABLED') && build.env.get('CGO_ENABLED') === '0' ? { edit: settingEdit(facts, build) } : undefined;
  const noCompiler = missingCompiler(facts, build);
  return setting || noCompiler ? { setting, noCompiler } : undefined;
}

/** golang:*-alpine ships no gcc; installing gcc, clang or build-base (or an unknown package list) gives it one. */
function missingCompiler(facts: Facts, build: BuildCommand): CgoOff['noCompiler'] {
  const chain = chainOf(build.stage);
  const root = chain[0];
  const image = root.rootImage;
  if (!image || parseImageRef(image).name !== 'golang' || root.base.libc !== 'musl') return undefined;
  const before = offsetAt(facts.doc, build.range.start);
  for (const stage of chain) {
    for (const command of commandsOf(facts.doc, stage)) {
      if (stage === build.stage && offsetAt(facts.doc, command.range.start) >= before) continue;
      if (installsCompiler(command.argv, command.words)) return undefined;
    }
  }
  return { image, from: root };
}

const COMPILER_PACKAGES = /^(gcc|g\+\+|clang\d*|build-base|alpine-sdk|tcc)([=<>~].*)?$/;

function installsCompiler(argv: readonly string[], words: readonly CommandWord[]): boolean {
  if (!/^(xx-)?apk$/.test(argv[0]?.split('/').pop() ?? '') || !argv.includes('add')) return false;
  return words.slice(1).some((word) => word.value === undefined || COMPILER_PACKAGES.test(word.value));
}

// ---------------------------------------------------------------------------
// Where CGO_ENABLED=0 is set, to turn it into 1.

const CGO_OFF = /\bCGO_ENABLED=(["']?)0\1(?=\s|;|&|\||\)|$)/g;

function settingEdit(facts: Facts, build: BuildCommand): FileEdit | undefined {
  if (build.location) {
    const inRecipe = inlineInFile(facts, build);
    if (inRecipe || mentionsCgo(facts, build.location.path)) return inRecipe;
  }
  // A make or script run inherits the RUN's environment.
  const run = build.via ?? build;
  return inlineInRun(facts, run) ?? exportedInRun(facts, run) ?? chainSetting(facts, build);
}

/** `CGO_ENABLED=0 go build` on a Makefile recipe line or a script line. */
function inlineInFile(facts: Facts, build: BuildCommand): FileEdit | undefined {
  const name = build.words[0];
  if (!name?.range || name.path === undefined) return undefined;
  const { line: lineNumber, character } = name.range.start;
  const line = fileText(facts, name.path)?.split(/\r?\n/)[lineNumber];
  const edit = line === undefined ? undefined : lastMatch(line.slice(0, character), (index) => at(lineNumber, index));
  return edit && { ...edit, path: name.path };
}

/** Whether a Makefile or script sets CGO_ENABLED itself: then an edit in the Dockerfile may not be the one in effect. */
function mentionsCgo(facts: Facts, file: string): boolean {
  return fileText(facts, file)?.includes('CGO_ENABLED') ?? true;
}

function fileText(facts: Facts, file: string): string | undefined {
  return facts.context?.readFile(contextPath(facts.context, file));
}

/** `CGO_ENABLED=0 go build`, `env CGO_ENABLED=0 make`: before the program's name, in the Dockerfile. */
function inlineInRun(facts: Facts, run: BuildCommand): FileEdit | undefined {
  const name = run.words[0];
  if (!name?.range || name.path !== undefined || run.location) return undefined;
  return dockerfileMatch(facts, run.range.start, name.range.start);
}

/** `export CGO_ENABLED=0 && go build` earlier in the same RUN. */
function exportedInRun(facts: Facts, run: BuildCommand): FileEdit | undefined {
  if (run.location || !run.words[0]?.range) return undefined;
  const start = run.instruction.getRange().start;
  const text = textOf(facts.doc, { start, end: run.range.start });
  const exported = [...text.matchAll(/\bexport\s+(?:[A-Za-z_]\w*=\S*\s+)*(CGO_ENABLED=(["']?)0\2)(?=\s|;|&|$)/g)].pop();
  if (!exported || exported.index === undefined) return undefined;
  const offset = offsetAt(facts.doc, start) + exported.index + exported[0].length - exported[1].length;
  return valueEdit(facts, offset + exported[1].indexOf('0'));
}

/** ENV or ARG of the stage chain (the last one before the build wins), or `go env -w CGO_ENABLED=0` in an earlier RUN. */
function chainSetting(facts: Facts, build: BuildCommand): FileEdit | undefined {
  const instructions = chainOf(build.stage).flatMap((stage) => stage.instructions);
  const before = instructions.slice(0, Math.max(0, instructions.indexOf(build.instruction)));
  for (const instruction of [...before].reverse()) {
    const keyword = instruction.getKeyword();
    if (keyword !== 'ENV' && keyword !== 'ARG') continue;
    const property = (instruction as Env | Arg).getProperties().find((candidate) => candidate.getName() === 'CGO_ENABLED');
    if (!property) continue;
    const range = property.getValueRange();
    if (range) return valueIn(facts, range);
    return keyword === 'ARG' ? globalArg(facts) : undefined;
  }
  for (const instruction of [...before].reverse()) {
    if (instruction.getKeyword() !== 'RUN') continue;
    const text = textOf(facts.doc, instruction.getRange());
    const set = [...text.matchAll(/\bgo\s+env\s+-w\s+(?:\S+\s+)*?(CGO_ENABLED=0)\b/g)].pop();
    if (set?.index !== undefined) return valueEdit(facts, offsetAt(facts.doc, instruction.getRange().start) + set.index + set[0].length - 1);
  }
  return undefined;
}

/** A stage `ARG CGO_ENABLED` without a value takes the default of the ARG before the first FROM. */
function globalArg(facts: Facts): FileEdit | undefined {
  for (const arg of facts.doc.ast.getInitialARGs()) {
    const property = arg.getProperties().find((candidate) => candidate.getName() === 'CGO_ENABLED');
    const range = property?.getValueRange();
    if (range) return valueIn(facts, range);
  }
  return undefined;
}

/** The `0` in an ENV/ARG value (`0`, `"0"`). */
function valueIn(facts: Facts, range: Range): FileEdit | undefined {
  const text = textOf(facts.doc, range);
  const index = text.indexOf('0');
  return index < 0 || text.replace(/["']/g, '') !== '0' ? undefined : valueEdit(facts, offsetAt(facts.doc, range.start) + index);
}

function dockerfileMatch(facts: Facts, from: Range['start'], to: Range['start']): FileEdit | undefined {
  const base = offsetAt(facts.doc, from);
  return lastMatch(textOf(facts.doc, { start: from, end: to }), (index) => {
    const position = positionAt(facts.doc, base + index);
    return at(position.line, position.character);
  });
}

/** The `0` of the last CGO_ENABLED=0 in `text`, as an edit to `1`. */
function lastMatch(text: string, rangeAt: (index: number) => Range): FileEdit | undefined {
  const match = [...text.matchAll(CGO_OFF)].pop();
  if (match?.index === undefined) return undefined;
  const index = match.index + 'CGO_ENABLED='.length + match[1].length;
  const range = rangeAt(index);
  return { range: { start: range.start, end: { line: range.start.line, character: range.start.character + 1 } }, newText: '1' };
}

function valueEdit(facts: Facts, offset: number): FileEdit {
  const start = positionAt(facts.doc, offset);
  return { range: { start, end: positionAt(facts.doc, offset + 1) }, newText: '1' };
}

function at(line: number, character: number): Range {
  return { start: { line, character }, end: { line, character } };
}

// ---------------------------------------------------------------------------
// The fix: cgo on, linked statically, with a compiler.

function fixesOf(facts: Facts, build: BuildCommand, cause: CgoOff): Fix[] {
  if (cause.setting && !cause.setting.edit) return [];
  const edits: FileEdit[] = [];
  if (cause.setting?.edit) edits.push(cause.setting.edit);
  if (cause.noCompiler) edits.push(insertAfter(facts, cause.noCompiler.from.from, `RUN ${INSTALL_COMPILER}`));
  const ldflags = ldflagsEdit(build);
  if (ldflags) edits.push(ldflags);
  return [{ title: 'Enable cgo with static external linking', edits }];
}

/** `-ldflags "-linkmode external -extldflags '-static'"` after `go build`, or merged into the existing -ldflags. */
function ldflagsEdit(build: BuildCommand): FileEdit | undefined {
  if (build.ldflags !== undefined && /-linkmode|-extldflags/.test(build.ldflags)) return undefined;
  const words = build.words;
  // Go keeps the last -ldflags.
  let flagIndex = -1;
  words.forEach((word, index) => {
    if (index > 1 && /^--?ldflags(=|$)/.test(word.value ?? '')) flagIndex = index;
  });
  if (flagIndex < 0) {
    const subcommand = words[1];
    if (!subcommand?.range || subcommand.origins?.length) return undefined;
    return { path: subcommand.path, range: { start: subcommand.range.end, end: subcommand.range.end }, newText: ` -ldflags "${STATIC_LDFLAGS}"` };
  }
  const flag = words[flagIndex];
  const attached = flag.value?.includes('=') ?? false;
  const last = attached ? flag : words[flagIndex + 1];
  if (!flag.range || !last?.range || last.path !== flag.path || flag.origins?.length || last.origins?.length) return undefined;
  const current = attached ? flag.value?.slice(flag.value.indexOf('=') + 1) : last.value;
  if (current === undefined) return undefined;
  const merged = current.trim() === '' ? STATIC_LDFLAGS : `${current.trim()} ${STATIC_LDFLAGS}`;
  return { path: flag.path, range: { start: flag.range.start, end: last.range.end }, newText: `-ldflags="${merged.replace(/["$`\\]/g, '\\$&')}"` };
}

/** A new line after `instruction`, in the file's keyword case and line endings. */
function insertAfter(facts: Facts, instruction: Instruction, line: string): FileEdit {
  const doc = facts.doc;
  const written = instruction.getInstruction();
  const text = written === written.toLowerCase() ? line.replace(/^RUN/, 'run') : line;
  const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
  const end = instruction.getRange().end;
  if (end.line + 1 < doc.lines.length) return { range: at(end.line + 1, 0), newText: text + eol };
  return { range: at(end.line, doc.lines[end.line].length), newText: eol + text };
}

// ---------------------------------------------------------------------------
// Messages.

function reasonOf(cause: CgoOff): string {
  const parts: string[] = [];
  if (cause.setting) parts.push('CGO_ENABLED=0 turns cgo off');
  if (cause.noCompiler) parts.push(`${cause.noCompiler.image} has no C compiler, so cgo is off (or fails to find gcc)`);
  return parts.join(', and ');
}

function remedyOf(cause: CgoOff): string {
  const steps = [cause.setting ? 'set CGO_ENABLED=1' : undefined, cause.noCompiler ? `install a compiler (\`${INSTALL_COMPILER}\`)` : undefined].filter(Boolean);
  return `Enable cgo and link statically so the binary still runs in a small image: ${[...steps, `build with -ldflags "${STATIC_LDFLAGS}"`].join(', ')}.`;
}

function siteMessage(build: BuildCommand, cause: CgoOff): string {
  return (
    `This file uses cgo (import "C"), but the go build in stage ${stageLabel(build.stage)} runs without it: ${reasonOf(cause)}. ` +
    `Go leaves the file out and the build fails (\`build constraints exclude all Go files\`, or undefined names from this file). ${remedyOf(cause)}`
  );
}

function summaryMessage(site: CgoSite, cause: CgoOff): string {
  const where = `${site.path}:${site.range.start.line + 1}`;
  return (
    `This build compiles package \`${site.package}\`, which uses cgo (import "C" at ${where}), but ${reasonOf(cause)}. ` +
    `Go leaves the cgo files out and the build fails. ${remedyOf(cause)} (see ${where})`
  );
}

function stageLabel(stage: Stage): string {
  return stage.name ? `\`${stage.name}\`` : `#${stage.index}`;
}
