// Following make and scripts into the build context: what an indirect build runs,
// interpreted like a RUN's text, with ranges mapped back to the file it is written in.
import path from 'node:path';
import type { BuildContext } from '../../context/build-context';
import type { ParsedDockerfile } from '../../parse/dockerfile';
import { recipeLocation, recipeOrigins, recipeRange, recipeSource, runMake, type MakeFiles, type RecipeLine } from '../makefile';
import type { Stage } from '../model';
import { MAX_INDIRECT_DEPTH, rangeIn, scriptPath, scriptRunOf, stageFile, type SourceFile } from '../scripts';
import { stageFiles, type StageFiles } from '../stage-files';
import { interpret, type RunContext, type TextSource } from './interpret';
import { scriptEvents } from './shell-events';
import type { ShellState } from './shell-state';
import type { BuildCommand, IndirectBuild } from './types';

/** Recipe lines and script runs followed per analysis: a bound for generated or pathological Makefiles. */
const MAX_FOLLOWED = 5000;

export class Resolver {
  private readonly filesOf = new Map<Stage, StageFiles>();
  private followed = 0;

  constructor(
    private readonly doc: ParsedDockerfile,
    private readonly context: BuildContext,
  ) {}

  /** Interprets what an indirect build runs; its builds go to `run.builds` after it and to `build.indirect.resolved`. */
  resolve(run: RunContext, build: BuildCommand, state: ShellState, source: TextSource): void {
    const indirect = build.indirect;
    if (!indirect || source.depth >= MAX_INDIRECT_DEPTH || this.followed >= MAX_FOLLOWED) return;
    const nested: RunContext = { ...run, builds: [] };
    const via = source.via ?? build;
    let followed: boolean;
    try {
      followed = indirect.runner === 'make' ? this.make(nested, build, indirect, source, via) : this.script(nested, build, indirect, state, source, via);
    } catch {
      // Files from the build context are arbitrary text: what cannot be followed is not visible, and the Dockerfile's analysis goes on.
      return;
    }
    if (!followed) return;
    indirect.resolved = nested.builds;
    run.builds.push(...nested.builds);
  }

  private make(run: RunContext, build: BuildCommand, indirect: IndirectBuild, source: TextSource, via: BuildCommand): boolean {
    if (indirect.dir === undefined) return false;
    const commandLine = new Map([...(source.makeVariables ?? []), ...indirect.variables]);
    const request = { dir: indirect.dir, file: indirect.file, targets: indirect.targets, commandLine, env: build.env };
    const result = runMake(request, this.makeFiles(run.stage));
    if (!result) return false;
    indirect.source = result.makefile?.path;
    for (const line of result.lines) {
      if (++this.followed > MAX_FOLLOWED) break;
      const state: ShellState = { cwd: line.cwd, env: line.env, vars: new Map(), functions: new Map() };
      interpret(run, scriptEvents(line.text, '\\'), state, recipeTextSource(line, via, source, commandLine));
    }
    return true;
  }

  /** A script runs in a new shell with the command's environment; a sourced one (`. ./env.sh`) in the caller's shell, whose state it changes. */
  private script(run: RunContext, build: BuildCommand, indirect: IndirectBuild, state: ShellState, source: TextSource, via: BuildCommand): boolean {
    const script = scriptRunOf(build.argv);
    if (!script) return false;
    const file = stageFile(this.context, this.stageFiles(run.stage), scriptPath(script, build.cwd));
    if (!file) return false;
    indirect.source = file.path;
    if (source.chain.includes(file.contextPath) || ++this.followed > MAX_FOLLOWED) return true;
    const scriptState: ShellState = script.sourced ? state : { cwd: build.cwd, env: build.env, vars: new Map(), functions: new Map() };
    interpret(run, scriptEvents(file.text, '\\'), scriptState, fileTextSource(file, via, source));
    return true;
  }

  private stageFiles(stage: Stage): StageFiles {
    let files = this.filesOf.get(stage);
    if (!files) this.filesOf.set(stage, (files = stageFiles(this.doc, this.context, stage)));
    return files;
  }

  private makeFiles(stage: Stage): MakeFiles {
    const files = this.stageFiles(stage);
    let directories: Set<string> | undefined;
    const isDirectory = (stagePath: string) => {
      directories ??= new Set([...files.keys()].flatMap(parentsOf));
      return directories.has(stagePath);
    };
    return { read: (stagePath) => stageFile(this.context, files, stagePath), exists: (stagePath) => files.has(stagePath) || isDirectory(stagePath) };
  }
}

function parentsOf(file: string): string[] {
  const parents: string[] = [];
  for (let dir = path.posix.dirname(file); dir !== '/' && dir !== '.'; dir = path.posix.dirname(dir)) parents.push(dir);
  return parents;
}

/** A script's text: offsets are the file's. */
function fileTextSource(file: SourceFile, via: BuildCommand, parent: TextSource): TextSource {
  return {
    command: () => via.range,
    insertAt: () => undefined,
    word: (start, end, written) => ({ text: written, range: rangeIn(file, start, end), path: file.path }),
    location: (start, end) => ({ path: file.path, range: rangeIn(file, start, end) }),
    via,
    depth: parent.depth + 1,
    chain: [...parent.chain, file.contextPath],
    makeVariables: parent.makeVariables,
  };
}

/** A recipe line after make's expansion: offsets map back through the expansion to the Makefile. */
function recipeTextSource(line: RecipeLine, via: BuildCommand, parent: TextSource, makeVariables: ReadonlyMap<string, string | undefined>): TextSource {
  const filePath = line.file?.path;
  return {
    command: () => via.range,
    insertAt: () => undefined,
    word: (start, end) => {
      const origins = recipeOrigins(line, start, end);
      const range = recipeRange(line, start, end);
      return { text: recipeSource(line, start, end), range, ...(range && filePath !== undefined ? { path: filePath } : {}), ...(origins.length > 0 ? { origins } : {}) };
    },
    location: (start, end) => {
      const range = recipeLocation(line, start, end);
      return range && filePath !== undefined ? { path: filePath, range } : undefined;
    },
    variables: line.variables,
    via,
    depth: parent.depth + 1,
    chain: parent.chain,
    makeVariables,
  };
}
