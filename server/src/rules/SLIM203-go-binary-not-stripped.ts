// SLIM203: a Go binary shipped with its symbol table and DWARF debug info, which
// `-ldflags="-s -w"` leaves out (typically a quarter of the file).
import path from 'node:path';
import type { BuildCommand } from '../facts/builds';
import type { Facts, Stage } from '../facts/model';
import { chainOf } from '../facts/queries';
import { buildFindings, goFlag, stageCommands, isGoBuild, ldflagsEdit, linkedBuilds, missingStripFlags, shippedPath, wordsRange, type BuildProblem } from './go-c-builds';
import type { Fix, Range, Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM203',
    name: 'go-binary-not-stripped',
    severity: 'info',
    fixable: true,
    summary: 'A shipped Go binary keeps its symbol table and debug info: `-ldflags="-s -w"` makes it smaller.',
  },
  check(facts) {
    return buildFindings('SLIM203', linkedBuilds(facts, isGoBuild).flatMap((build) => problemOf(facts, build) ?? []));
  },
};

function problemOf(facts: Facts, build: BuildCommand): BuildProblem | undefined {
  const ldflags = goFlag(build, 'ldflags');
  if (!ldflags.known) return undefined;
  const missing = missingStripFlags(ldflags.value);
  if (missing.length === 0 || strippedLater(facts, build)) return undefined;
  return { build, upTo: 1, range: rangeOf(build), message: messageOf(facts, build, missing), fixes: fixesOf(facts, build, missing) };
}

/** `strip` or `upx` run after the build, in its stage or a stage built FROM it, shrinks the binary another way. */
function strippedLater(facts: Facts, build: BuildCommand): boolean {
  const last = lastStrip(facts, build.stage);
  if (last && (last.line > build.range.start.line || (last.line === build.range.start.line && last.character > build.range.start.character))) return true;
  return facts.stages.some((stage) => stage !== build.stage && lastStrip(facts, stage) !== undefined && chainOf(stage).includes(build.stage));
}

const stripCache = new WeakMap<Facts, Map<Stage, Range['start'] | undefined>>();

/** Where the stage's last `strip` or `upx` command starts. */
function lastStrip(facts: Facts, stage: Stage): Range['start'] | undefined {
  let byStage = stripCache.get(facts);
  if (!byStage) stripCache.set(facts, (byStage = new Map()));
  if (!byStage.has(stage)) {
    const strips = stageCommands(facts, stage).filter((command) => /^((\w+-)*strip|upx)$/.test(path.posix.basename(command.argv[0] ?? '')));
    byStage.set(stage, strips[strips.length - 1]?.range.start);
  }
  return byStage.get(stage);
}

/** The `-ldflags` flag and its value when the command has one, else `go build`. */
function rangeOf(build: BuildCommand): Range {
  const index = build.words.findIndex((word) => /^--?ldflags(=|$)/.test(word.value ?? ''));
  if (index < 0) return wordsRange(build, 1);
  const flag = build.words[index];
  const last = /=/.test(flag.value ?? '') ? flag : (build.words[index + 1] ?? flag);
  return flag.range && last.range && flag.path === last.path ? { start: flag.range.start, end: last.range.end } : wordsRange(build, 1);
}

function messageOf(facts: Facts, build: BuildCommand, missing: readonly string[]): string {
  const file = shippedPath(facts, build);
  const what = file ? `\`${file}\`` : 'the binary';
  const lacks = missing.length === 2 ? 'without `-s -w`' : `without \`${missing[0]}\``;
  return (
    `\`go ${build.argv[1]}\` links ${lacks} in \`-ldflags\`: ${what} keeps its symbol table and DWARF debug information, ` +
    `typically 20–30% of its size, which a production image never uses (stack traces still show function names and lines). ` +
    `Add \`-ldflags="-s -w"\`.`
  );
}

function fixesOf(facts: Facts, build: BuildCommand, missing: readonly string[]): Fix[] {
  // With -ldflags only in GOFLAGS, a new -ldflags on the command would replace those flags.
  if (!build.flags.has('ldflags') && goFlag(build, 'ldflags').value !== undefined) return [];
  const edit = ldflagsEdit(facts, build, missing);
  return edit ? [{ title: `Strip the binary: ${missing.join(' ')} in -ldflags`, edits: [edit] }] : [];
}
