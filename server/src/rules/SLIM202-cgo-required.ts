// SLIM202: a Go package the build compiles has `import "C"`, but the build runs with
// cgo off (CGO_ENABLED=0, or a golang:*-alpine builder without a C compiler). Go then
// leaves the cgo files out and the build fails. Reported on the `import "C"` line and
// summarised on the build command.
import type { Arg, Env } from 'dockerfile-ast';
import { parseImageRef } from '../facts/base-images';
import type { BuildCommand, ResolvedCommand } from '../facts/builds';
import type { Facts, Stage } from '../facts/model';
import { chainOf } from '../facts/queries';
import { buildsForTarget, type CgoSite } from '../facts/sources';
import { offsetAt, textOf } from '../parse/dockerfile';
import { cCompilerAt, contextFileText, inlineCgoValue, isGoBuild, ldflagsEdit, lineAfter, replaceAt, runCommand, sourceFindings, stageLabel, type SourceProblem } from './go-c-builds';
import type { FileEdit, Fix, Range, Rule } from './types';

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
    const problems = buildsForTarget(facts).flatMap((build) => problemOf(facts, build) ?? []);
    return sourceFindings('SLIM202', problems);
  },
};

function problemOf(facts: Facts, build: BuildCommand): SourceProblem<CgoSite> | undefined {
  if (!isGoBuild(build)) return undefined;
  const sites = facts.sources.get(build)?.cgo ?? [];
  const cause = sites.length > 0 ? cgoOff(facts, build) : undefined;
  if (!cause) return undefined;
  return { build, sites, siteMessage: () => siteMessage(build, cause), summary: summaryMessage(sites[0], cause), fixes: fixesOf(facts, build, cause) };
}

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
  const root = chainOf(build.stage)[0];
  const image = root.rootImage;
  if (!image || parseImageRef(image).name !== 'golang' || root.base.libc !== 'musl') return undefined;
  return cCompilerAt(facts, build) === 'no' ? { image, from: root } : undefined;
}

// ---------------------------------------------------------------------------
// Where CGO_ENABLED=0 is set, to turn it into 1.

function settingEdit(facts: Facts, build: BuildCommand): FileEdit | undefined {
  if (build.location) {
    const inRecipe = inlineEdit(facts, build);
    // A Makefile or script that sets CGO_ENABLED itself: an edit in the Dockerfile may not be the one in effect.
    if (inRecipe || (contextFileText(facts, build.location.path)?.includes('CGO_ENABLED') ?? true)) return inRecipe;
  }
  // A make or script run inherits the RUN's environment.
  const run = runCommand(build);
  return inlineEdit(facts, run) ?? exportedInRun(facts, run) ?? chainSetting(facts, build);
}

/** `CGO_ENABLED=0 go build`, `env CGO_ENABLED=0 make`: the command's own setting, in the Dockerfile or a recipe or script line. */
function inlineEdit(facts: Facts, command: ResolvedCommand): FileEdit | undefined {
  const inline = inlineCgoValue(facts, command);
  const zero = inline && /^(["']?)0\1$/.exec(inline.text);
  if (!inline || !zero) return undefined;
  const { line, character } = inline.range.start;
  const start = { line, character: character + zero[1].length };
  const range = { start, end: { line, character: start.character + 1 } };
  return inline.path === undefined ? { range, newText: '1' } : { path: inline.path, range, newText: '1' };
}

/** `export CGO_ENABLED=0 && go build` earlier in the same RUN. */
function exportedInRun(facts: Facts, run: ResolvedCommand): FileEdit | undefined {
  if (run.location || !run.words[0]?.range) return undefined;
  const start = run.instruction.getRange().start;
  const text = textOf(facts.doc, { start, end: run.range.start });
  const exported = [...text.matchAll(/\bexport\s+(?:[A-Za-z_]\w*=\S*\s+)*(CGO_ENABLED=(["']?)0\2)(?=\s|;|&|$)/g)].pop();
  if (!exported || exported.index === undefined) return undefined;
  const offset = offsetAt(facts.doc, start) + exported.index + exported[0].length - exported[1].length;
  return oneAt(facts, offset + exported[1].indexOf('0'));
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
    if (set?.index !== undefined) return oneAt(facts, offsetAt(facts.doc, instruction.getRange().start) + set.index + set[0].length - 1);
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
  return index < 0 || text.replace(/["']/g, '') !== '0' ? undefined : oneAt(facts, offsetAt(facts.doc, range.start) + index);
}

/** The `0` at `offset` of the Dockerfile becomes `1`. */
function oneAt(facts: Facts, offset: number): FileEdit {
  return replaceAt(facts.doc, offset, 1, '1');
}

// ---------------------------------------------------------------------------
// The fix: cgo on, linked statically, with a compiler.

function fixesOf(facts: Facts, build: BuildCommand, cause: CgoOff): Fix[] {
  if (cause.setting && !cause.setting.edit) return [];
  const edits: FileEdit[] = [];
  if (cause.setting?.edit) edits.push(cause.setting.edit);
  if (cause.noCompiler) edits.push(lineAfter(facts.doc, cause.noCompiler.from.from, 'RUN', INSTALL_COMPILER));
  // A build that already chooses its link mode or external linker flags keeps them.
  const ldflags = build.ldflags !== undefined && /-linkmode|-extldflags/.test(build.ldflags) ? undefined : ldflagsEdit(facts, build, [STATIC_LDFLAGS], { last: true, spaced: true });
  if (ldflags) edits.push(ldflags);
  return [{ title: 'Enable cgo with static external linking', edits }];
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
