import path from 'node:path';

// The build context as plain data: the files `docker build` would send. Rules and
// facts read sources (Go, C, go.mod, Makefiles, scripts) only through this, so they
// are testable with an in-memory context and the server can overlay unsaved editors.

export interface BuildContext {
  /** Every file, as a path relative to the context root with forward slashes (no `./`). */
  files(): readonly string[];
  /** A file's text; undefined when absent or unreadable. */
  readFile(relativePath: string): string | undefined;
  /** The Dockerfile's folder relative to the context root ('' when it is the root). */
  dockerfileDir: string;
}

/** A context held in memory: tests, and documents without a file system. */
export function memoryContext(files: Record<string, string>, dockerfileDir = ''): BuildContext {
  const paths = Object.keys(files).sort();
  return { files: () => paths, readFile: (relativePath) => files[relativePath], dockerfileDir };
}

/** A path relative to the Dockerfile's folder (as findings and edits carry it) → relative to the context root. */
export function contextPath(context: BuildContext, relativeToDockerfile: string): string {
  return path.posix.normalize(path.posix.join(context.dockerfileDir, relativeToDockerfile));
}

/** A context-relative path → relative to the Dockerfile's folder. */
export function dockerfileRelative(context: BuildContext, contextRelative: string): string {
  return path.posix.relative(context.dockerfileDir || '.', contextRelative) || '.';
}
