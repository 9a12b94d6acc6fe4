// Which files a PATH argument means, and reading them as Dockerfiles.
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';

/** A Dockerfile as the user named it (`display`) and where it is. */
export interface DockerfileRef {
  display: string;
  absolute: string;
}

export interface LoadedDockerfile extends DockerfileRef {
  /** Without the byte order mark: editors drop it too, so positions agree with theirs. */
  text: string;
  bom: boolean;
}

/** A problem with the user's input: reported as one line, exit code 2. */
export class InputError extends Error {}

export const DOCKERFILE_PATTERNS = 'Dockerfile, Containerfile, *.Dockerfile, Dockerfile.*, Containerfile.*';

/**
 * Docker's and Podman's names: `Dockerfile`, `Containerfile` (also all lower case, as
 * `docker build` accepts), `Dockerfile.*`, `Containerfile.*`, `*.Dockerfile`,
 * `*.Containerfile` (extension in any case). Not the `Dockerfile.dockerignore` files of
 * BuildKit, nor notes and code named after a Dockerfile (`Dockerfile.md`, `dockerfile.ts`).
 */
export function isDockerfileName(name: string): boolean {
  if (name === 'dockerfile' || name === 'containerfile') return true;
  if (/^(Dockerfile|Containerfile)$/.test(name) || /.\.(docker|container)file$/i.test(name)) return true;
  const suffix = /^(?:Dockerfile|Containerfile)\.(.+)$/.exec(name)?.[1];
  return suffix !== undefined && !NOT_DOCKERFILE_SUFFIXES.test(suffix);
}

const NOT_DOCKERFILE_SUFFIXES = /(^|\.)(dockerignore|md|markdown|rst|adoc|txt|html|json|ya?ml|toml|[cm]?[jt]s|py|go|rs|java|rb)$/i;

const SKIPPED_FOLDERS = new Set(['node_modules']);

/** Files and folders named on the command line → the Dockerfiles, in order, without repeats. */
export function collectDockerfiles(paths: readonly string[], cwd: string): { files: DockerfileRef[]; errors: string[] } {
  const files: DockerfileRef[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const given of paths) {
    try {
      for (const ref of expandPath(given, cwd)) {
        if (seen.has(ref.absolute)) continue;
        seen.add(ref.absolute);
        files.push(ref);
      }
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      errors.push(error.message);
    }
  }
  return { files, errors };
}

function expandPath(given: string, cwd: string): DockerfileRef[] {
  const absolute = path.resolve(cwd, given);
  const stats = statOrThrow(absolute, given);
  if (stats.isFile()) return [{ display: given, absolute }];
  if (!stats.isDirectory()) throw new InputError(`cannot read '${given}': not a regular file`);
  const found = findInFolder(absolute, given);
  if (found.length === 0) throw new InputError(`no Dockerfiles in folder '${given}' (looked for ${DOCKERFILE_PATTERNS})`);
  return found;
}

function findInFolder(absolute: string, display: string): DockerfileRef[] {
  const found: DockerfileRef[] = [];
  const entries = readFolder(absolute, display).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const childAbsolute = path.join(absolute, entry.name);
    const childDisplay = path.join(display, entry.name);
    // Symbolic links to folders are not followed: they can loop.
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && !SKIPPED_FOLDERS.has(entry.name)) found.push(...findInFolder(childAbsolute, childDisplay));
    } else if (isDockerfileName(entry.name) && isFile(entry, childAbsolute)) {
      found.push({ display: childDisplay, absolute: childAbsolute });
    }
  }
  return found;
}

function isFile(entry: Dirent, absolute: string): boolean {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(absolute).isFile();
  } catch {
    return false; // a dangling link is not a Dockerfile worth failing over
  }
}

function readFolder(absolute: string, display: string): Dirent[] {
  try {
    return readdirSync(absolute, { withFileTypes: true });
  } catch (error) {
    throw new InputError(`cannot read folder '${display}': ${reason(error)}`);
  }
}

function statOrThrow(absolute: string, display: string) {
  try {
    return statSync(absolute);
  } catch (error) {
    throw new InputError(`cannot read '${display}': ${reason(error)}`);
  }
}

/** Reads a file and checks that it is a Dockerfile: text with at least one FROM. */
export function loadDockerfile(ref: DockerfileRef): LoadedDockerfile {
  let raw: string;
  try {
    raw = readFileSync(ref.absolute, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read '${ref.display}': ${reason(error)}`);
  }
  if (raw.includes('\0')) throw new InputError(`'${ref.display}' is not a Dockerfile (binary file)`);
  const bom = raw.charCodeAt(0) === 0xfeff;
  const text = bom ? raw.slice(1) : raw;
  if (DockerfileParser.parse(text).getFROMs().length === 0) throw new InputError(`'${ref.display}' is not a Dockerfile (no FROM instruction)`);
  return { ...ref, text, bom };
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
};

export function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && REASONS[code]) return REASONS[code];
  return code ?? (error instanceof Error ? error.message : String(error));
}
