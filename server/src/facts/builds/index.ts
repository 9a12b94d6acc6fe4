// Build commands found in RUN instructions (go build, cc -o, make, cargo…) and the
// artifacts they put in the target image through COPY --from or by being built in
// the runtime chain. Shell text is parsed with tree-sitter-bash; the parse is cached
// per RUN text, so an edit elsewhere re-parses nothing.
//
// Indirect builds (API for rules):
// - A RUN's `make …`, `./build.sh`, `sh x.sh`, `. ./env.sh` is a BuildCommand of kind
//   'indirect'. With a build context (extractBuilds' `context`) whose Makefile/script the
//   stage copied, what it runs is interpreted (facts/makefile/, facts/scripts.ts): its
//   builds ('go-build', 'c-link', nested 'indirect'…) follow it in `Facts.builds`, and
//   `indirect.resolved` lists them (undefined: the file is not visible; then nothing is
//   known about what it builds). `indirect.source` is the file read.
// - Such a command has `via` = the RUN-level make/script command (the outermost one),
//   and `location` = where it is written ({path relative to the Dockerfile's folder,
//   range in that file}); for make's built-in rules (`app: app.o` without a recipe) the
//   location is the target's rule line, and undefined without any Makefile line.
//   Its `range`, `stage` and `instruction` stay those of the RUN-level command, so a
//   finding on `range` lands on the Dockerfile's RUN line; `insertAt` is undefined.
// - Word ranges are in `word.path` (relative to the Dockerfile's folder; undefined =
//   the Dockerfile): an edit of a word is `{ path: word.path, range: word.range, newText }`.
//   A word of a built-in recipe has no range. `word.text` is the text as written there
//   (`"$(LDFLAGS)"`), `word.value` the expansion (undefined: unknown, may be anything).
// - A word made by Makefile variables (`$(LDFLAGS)`, `$(CC)`) lists them in
//   `word.origins`, outermost first; `command.variables` lists every variable its
//   recipe line referenced (also those that expanded to nothing). An origin with
//   source 'makefile' has `definition`: the value's range in that file, so appending
//   ` -static` at `definition.range.end` adds to the Makefile's LDFLAGS.
// - `env` is what the process sees: the RUN's env, then make's exported variables
//   (from the environment, `make VAR=…`, `export`) or a script's `export`s; a sourced
//   file's exports and `cd` apply to the rest of the RUN.
// - Artifacts: a resolved indirect build is represented by the builds it ran.
import path from 'node:path';
import type { Instruction } from 'dockerfile-ast';
import type { BuildContext } from '../../context/build-context';
import type { ParsedDockerfile } from '../../parse/dockerfile';
import type { CopyLink, Stage } from '../model';
import { artifactsOf } from './artifacts';
import { Resolver } from './resolver';
import { StageScanner } from './stage-scan';
import type { BuildCommand, BuildFacts, ResolvedCommand } from './types';

export { globPattern, hasGlob, resolvePath } from './paths';
export { shellParseCount } from './shell-events';
export type { Artifact, BuildCommand, BuildFacts, BuildKind, CommandWord, Environment, FileLocation, IndirectBuild, ResolvedCommand, VariableOrigin } from './types';

/** Builds of every stage; with a build context, `make` and scripts are followed into the files the stage copied. */
export function extractBuilds(doc: ParsedDockerfile, stages: readonly Stage[], target: Stage | undefined, copyLinks: readonly CopyLink[], context?: BuildContext): BuildFacts {
  // Without a context the scan is the one commandsOf and workdirAt use: the stages are walked once per analysis.
  const scans = context ? new StageScanner(doc, new Resolver(doc, context)) : plainScanner(doc);
  const builds = stages.flatMap((stage) => scans.scan(stage).builds);
  const artifacts = target ? artifactsOf(target, builds, copyLinks, scans) : [];
  return { builds, artifacts };
}

/** Scanners without a build context, per document: rules and stage-files ask again and again within one analysis. */
const plainScanners = new WeakMap<ParsedDockerfile, StageScanner>();

function plainScanner(doc: ParsedDockerfile): StageScanner {
  let scanner = plainScanners.get(doc);
  if (!scanner) plainScanners.set(doc, (scanner = new StageScanner(doc)));
  return scanner;
}

/** Every simple command the RUNs of this stage (not its parents) run. */
export function commandsOf(doc: ParsedDockerfile, stage: Stage): ResolvedCommand[] {
  return plainScanner(doc).scan(stage).commands;
}

/** The WORKDIR in effect at an instruction of this stage; undefined when unknown. */
export function workdirAt(doc: ParsedDockerfile, stage: Stage, instruction: Instruction): string | undefined {
  return plainScanner(doc).scan(stage).workdirAt.get(instruction);
}

/** A Go or C/C++ build: a native program whose libc, certificates and linking matter. */
export function isNativeBuild(build: BuildCommand): boolean {
  return build.kind === 'go-build' || build.kind === 'go-install' || build.kind === 'c-link';
}

/** Whether the build makes something to ship: make and build-named scripts count; other scripts may only install things. */
export function buildsArtifact(build: BuildCommand): boolean {
  if (!build.producesOutput) return false;
  if (build.indirect?.runner !== 'script') return true;
  return /build|compile|make|release|dist/i.test(path.posix.basename(build.indirect.file ?? ''));
}
