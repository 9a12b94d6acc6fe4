// Makefiles as GNU make reads and runs them, far enough to know which shell commands
// `make [-C dir] [-f file] [VAR=value] [target…]` runs: variables of every flavour
// (`=`, `:=`, `::=`, `?=`, `+=`, `!=`, `define`, `override`, `export`, target-specific),
// conditionals, includes, explicit, static-pattern, pattern and built-in rules,
// automatic variables. Each recipe line comes back as the shell text make would
// run, with a map from that text to where it is written and which variables made it.
//
// The tree-sitter-make parse is reduced to plain statements cached by file text (the
// tree is deleted at once); evaluation against an environment is cheap and redone
// on every analysis. Anything make would compute from outside (`$(shell …)`,
// `$(wildcard …)`, an ARG without value) becomes UNKNOWN, never a guess.
import path from 'node:path';
import type { SourceFile } from '../scripts';
import { MakefileReader } from './reader';
import { MakeRunner } from './runner';
import type { MakeFiles, MakeRequest, MakeRun } from './types';

export { makefileParseCount } from './parse';
export { recipeLocation, recipeOrigins, recipeRange, recipeSource } from './recipe-map';
export { UNKNOWN } from './text';
export type { Segment } from './expand';
export type { MakeFiles, MakeRequest, MakeRun, RecipeLine } from './types';

const MAKEFILE_NAMES = ['GNUmakefile', 'makefile', 'Makefile'];

/** What `make` runs for the request; undefined when the Makefile is not visible (or the make grammar not loaded). */
export function runMake(request: MakeRequest, files: MakeFiles): MakeRun | undefined {
  const makefile = findMakefile(request, files);
  if (request.file !== undefined && !makefile) return undefined;
  if (!makefile && request.targets.length === 0) return undefined;
  const reader = new MakefileReader(request, files);
  if (makefile && !reader.read(makefile, 0)) return undefined;
  const lines = new MakeRunner(request, files, reader.database()).run();
  return { makefile, lines };
}

function findMakefile(request: MakeRequest, files: MakeFiles): SourceFile | undefined {
  if (request.file !== undefined) return request.file === '-' ? undefined : files.read(path.posix.resolve(request.dir, request.file));
  for (const name of MAKEFILE_NAMES) {
    const file = files.read(path.posix.join(request.dir, name));
    if (file) return file;
  }
  return undefined;
}
