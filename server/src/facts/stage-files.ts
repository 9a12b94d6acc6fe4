// Which build-context files a stage has, and where: what its chain's COPY and ADD
// (without --from) put in it. Only these files count as the sources of its builds.
import path from 'node:path';
import type { Instruction } from 'dockerfile-ast';
import type { BuildContext } from '../context/build-context';
import { copyFromValue, type ParsedDockerfile } from '../parse/dockerfile';
import { globPattern, hasGlob, workdirAt } from './builds';
import { copyPaths } from './extract';
import type { Stage } from './model';
import { chainOf } from './queries';

/** Absolute path in the stage → path in the build context. */
export type StageFiles = ReadonlyMap<string, string>;

export function stageFiles(doc: ParsedDockerfile, context: BuildContext, stage: Stage): StageFiles {
  const files = new Map<string, string>();
  for (const member of chainOf(stage)) {
    for (const instruction of member.instructions) {
      if (!isContextCopy(instruction)) continue;
      const { sources, destination } = copyPaths(instruction as Parameters<typeof copyPaths>[0]);
      const workdir = workdirAt(doc, member, instruction) ?? '/';
      const into = path.posix.resolve(workdir, destination);
      const intoDirectory = sources.length > 1 || sources.some(hasGlob) || isDirectory(destination, into, workdir, files);
      for (const source of sources) copySource(context, source, into, intoDirectory, files);
    }
  }
  return files;
}

/** Context files under a stage directory: `[stagePath, contextPath]` pairs. */
export function filesUnder(files: StageFiles, stageDir: string): [string, string][] {
  const prefix = stageDir.endsWith('/') ? stageDir : `${stageDir}/`;
  return [...files].filter(([stagePath]) => stagePath.startsWith(prefix));
}

/** A destination that exists as a directory receives files inside it (`.`, WORKDIR, a folder already filled, a bin dir). */
function isDirectory(destination: string, into: string, workdir: string, files: ReadonlyMap<string, string>): boolean {
  if (/(^|\/)\.{0,2}$/.test(destination) || into === path.posix.resolve(workdir)) return true;
  if (/^\/(usr\/(local\/)?)?s?bin$/.test(into)) return true;
  const prefix = `${into}/`;
  for (const stagePath of files.keys()) if (stagePath.startsWith(prefix)) return true;
  return false;
}

function isContextCopy(instruction: Instruction): boolean {
  const keyword = instruction.getKeyword();
  return (keyword === 'COPY' && copyFromValue(instruction) === undefined) || keyword === 'ADD';
}

/** Docker's rules: a directory source copies its contents; a file goes to dest/, or becomes dest. */
function copySource(context: BuildContext, source: string, into: string, intoDirectory: boolean, files: Map<string, string>): void {
  const normalized = path.posix.normalize(source.replace(/^\/+/, '')).replace(/^\.$/, '').replace(/\/$/, '');
  if (/^https?:\/\//.test(source) || normalized.startsWith('..')) return;
  const all = context.files();
  if (hasGlob(normalized)) {
    const pattern = globPattern(normalized);
    for (const file of all) {
      const matched = matchingPrefix(file, pattern);
      if (matched === file) files.set(path.posix.join(into, path.posix.basename(file)), file);
      else if (matched) files.set(path.posix.join(into, file.slice(matched.length + 1)), file);
    }
    return;
  }
  if (normalized !== '' && all.includes(normalized)) {
    files.set(intoDirectory ? path.posix.join(into, path.posix.basename(normalized)) : into, normalized);
    return;
  }
  const prefix = normalized === '' ? '' : `${normalized}/`;
  for (const file of all) if (file.startsWith(prefix)) files.set(path.posix.join(into, file.slice(prefix.length)), file);
}

/** The path itself or its shortest parent directory that matches a COPY wildcard. */
function matchingPrefix(file: string, pattern: RegExp): string | undefined {
  const parts = file.split('/');
  for (let n = 1; n <= parts.length; n++) {
    const prefix = parts.slice(0, n).join('/');
    if (pattern.test(prefix)) return prefix;
  }
  return undefined;
}
