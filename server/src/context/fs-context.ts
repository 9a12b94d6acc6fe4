// The build context on disk: the files `docker build` would send (`.dockerignore`
// honoured; `.git` and `node_modules` skipped), listed once and read lazily, both
// cached until invalidated. Unsaved editor buffers overlay the disk. Nothing here
// throws: a file that cannot be read is a file the analysis does not see.
import { readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import type { BuildContext } from './build-context';
import { isIgnored, mayHoldExceptions, parseDockerignore, type IgnorePattern } from './dockerignore';

export const MAX_CONTEXT_FILES = 20_000;
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** Cached file texts per tree, in characters: a monorepo context must not hold every source in memory. */
export const MAX_CACHED_CHARACTERS = 64 * 1024 * 1024;
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules']);
const DOCKERIGNORE = '.dockerignore';

export interface ContextOptions {
  /** The text of an unsaved editor buffer for this file, if one is open. */
  overlay?: (absolutePath: string) => string | undefined;
  maxFiles?: number;
  maxFileBytes?: number;
  maxCachedCharacters?: number;
  log?: (message: string) => void;
}

/** One context root: its listing and file contents, shared by every Dockerfile that uses it. */
export class ContextTree {
  readonly root: string;
  private listing: readonly string[] | undefined;
  private ignore: IgnorePattern[] | undefined;
  private realRoot: string | undefined;
  private readonly contents = new Map<string, string | undefined>();
  private cachedCharacters = 0;
  private loggedCap = false;

  constructor(
    root: string,
    private readonly options: ContextOptions = {},
  ) {
    this.root = path.resolve(root);
  }

  /** Context-relative paths with forward slashes, sorted. Stops at `maxFiles`. */
  files(): readonly string[] {
    this.listing ??= this.list();
    return this.listing;
  }

  /** A file's text (overlay first, then disk); undefined when absent, excluded, too large or unreadable. */
  readFile(relativePath: string): string | undefined {
    const relative = cleanRelative(relativePath);
    if (relative === undefined || this.excluded(relative)) return undefined;
    const absolute = this.absolute(relative);
    const unsaved = this.options.overlay?.(absolute);
    if (unsaved !== undefined) return unsaved.length > this.maxFileBytes ? undefined : unsaved;
    if (this.contents.has(relative)) return this.contents.get(relative);
    const text = this.readDisk(absolute);
    this.remember(relative, text);
    return text;
  }

  /** Caches a file's text, forgetting the oldest texts beyond the size bound. */
  private remember(relative: string, text: string | undefined): void {
    this.contents.set(relative, text);
    this.cachedCharacters += text?.length ?? 0;
    const limit = this.options.maxCachedCharacters ?? MAX_CACHED_CHARACTERS;
    for (const [oldest, oldText] of this.contents) {
      if (this.cachedCharacters <= limit || oldest === relative) break;
      this.forget(oldest, oldText);
    }
  }

  private forget(relative: string, text: string | undefined): void {
    this.contents.delete(relative);
    this.cachedCharacters -= text?.length ?? 0;
  }

  /**
   * Forgets what was read. With a path: that file (or folder) only, and the listing
   * unless `contentOnly` (a file changed but none appeared or disappeared). A
   * `.dockerignore` change or no path forgets everything.
   */
  invalidate(absolutePath?: string, contentOnly = false): void {
    const relative = absolutePath === undefined ? undefined : this.relative(absolutePath);
    if (absolutePath !== undefined && relative === undefined) return;
    if (relative === undefined || relative === '' || relative === DOCKERIGNORE) {
      this.contents.clear();
      this.cachedCharacters = 0;
      this.listing = undefined;
      this.ignore = undefined;
      this.realRoot = undefined;
      return;
    }
    for (const [key, text] of this.contents) if (key === relative || key.startsWith(`${relative}/`)) this.forget(key, text);
    if (!contentOnly) this.listing = undefined;
  }

  /** Whether a file at this absolute path would be part of the context. */
  contains(absolutePath: string): boolean {
    const relative = this.relative(absolutePath);
    return relative !== undefined && relative !== '' && (relative === DOCKERIGNORE || !this.excluded(relative));
  }

  /** The context-relative path (forward slashes) of an absolute path inside the root; undefined outside it. */
  relative(absolutePath: string): string | undefined {
    const relative = path.relative(this.root, path.resolve(absolutePath));
    if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
    return relative.split(path.sep).join('/');
  }

  absolute(relativePath: string): string {
    return path.join(this.root, ...relativePath.split('/'));
  }

  private get maxFileBytes(): number {
    return this.options.maxFileBytes ?? MAX_FILE_BYTES;
  }

  private patterns(): IgnorePattern[] {
    if (!this.ignore) {
      const text = this.readDisk(path.join(this.root, DOCKERIGNORE));
      this.ignore = text === undefined ? [] : parseDockerignore(text);
    }
    return this.ignore;
  }

  /** Left out of the context: under a skipped or wholly ignored folder, or ignored itself. */
  private excluded(relative: string): boolean {
    const parts = relative.split('/');
    for (let i = 1; i < parts.length; i++) {
      if (this.skipsFolder(parts.slice(0, i).join('/'), parts[i - 1])) return true;
    }
    return isIgnored(this.patterns(), relative);
  }

  /** Docker does not walk into an ignored folder unless an exception names something inside it. */
  private skipsFolder(relative: string, name: string): boolean {
    if (SKIPPED_FOLDERS.has(name)) return true;
    const patterns = this.patterns();
    return isIgnored(patterns, relative) && !mayHoldExceptions(patterns, relative);
  }

  private list(): readonly string[] {
    const maxFiles = this.options.maxFiles ?? MAX_CONTEXT_FILES;
    const files: string[] = [];
    const patterns = this.patterns();
    const folders = [''];
    while (folders.length > 0) {
      const folder = folders.pop() as string;
      for (const entry of this.entries(folder)) {
        const relative = folder === '' ? entry.name : `${folder}/${entry.name}`;
        const kind = this.kindOf(entry, relative);
        if (kind === 'folder') {
          if (!this.skipsFolder(relative, entry.name)) folders.push(relative);
        } else if (kind === 'file' && !isIgnored(patterns, relative)) {
          if (files.length >= maxFiles) return this.capped(files, maxFiles);
          files.push(relative);
        }
      }
    }
    return files.sort();
  }

  private capped(files: string[], maxFiles: number): readonly string[] {
    if (!this.loggedCap) this.options.log?.(`The build context ${this.root} has more than ${maxFiles} files: only the first ${maxFiles} are analysed.`);
    this.loggedCap = true;
    return files.sort();
  }

  private entries(folder: string): Dirent[] {
    try {
      return readdirSync(this.absolute(folder), { withFileTypes: true });
    } catch {
      return [];
    }
  }

  /** Symbolic links count when they lead to a file inside the root; linked folders are never walked (they can loop). */
  private kindOf(entry: Dirent, relative: string): 'file' | 'folder' | undefined {
    if (entry.isDirectory()) return 'folder';
    if (entry.isFile()) return 'file';
    if (!entry.isSymbolicLink()) return undefined;
    const absolute = this.absolute(relative);
    try {
      return this.insideRoot(realpathSync(absolute)) && statSync(absolute).isFile() ? 'file' : undefined;
    } catch {
      return undefined;
    }
  }

  private insideRoot(realPath: string): boolean {
    if (this.realRoot === undefined) {
      try {
        this.realRoot = realpathSync(this.root);
      } catch {
        this.realRoot = this.root;
      }
    }
    const relative = path.relative(this.realRoot, realPath);
    return !relative.startsWith('..') && !path.isAbsolute(relative);
  }

  private readDisk(absolute: string): string | undefined {
    try {
      const real = realpathSync(absolute);
      if (!this.insideRoot(real)) return undefined;
      const stats = statSync(real);
      if (!stats.isFile() || stats.size > this.maxFileBytes) return undefined;
      // Editors drop the byte order mark, so positions agree with theirs.
      return readFileSync(real, 'utf8').replace(/^\ufeff/, '');
    } catch {
      return undefined;
    }
  }
}

/** A context-relative path without `./`, `..` escapes or a leading `/`; undefined when it leaves the root. */
function cleanRelative(relativePath: string): string | undefined {
  const normalized = path.posix.normalize(relativePath.replace(/\\/g, '/')).replace(/\/+$/, '');
  if (normalized === '.' || normalized === '' || normalized === '..' || normalized.startsWith('../') || normalized.startsWith('/')) return undefined;
  return normalized;
}

/** A Dockerfile's view of a context tree. */
export class FsBuildContext implements BuildContext {
  constructor(
    readonly tree: ContextTree,
    /** The Dockerfile's folder relative to the context root ('' when it is the root; `..` segments when outside it). */
    readonly dockerfileDir: string,
  ) {}

  get root(): string {
    return this.tree.root;
  }

  files(): readonly string[] {
    return this.tree.files();
  }

  readFile(relativePath: string): string | undefined {
    return this.tree.readFile(relativePath);
  }

  invalidate(absolutePath?: string, contentOnly = false): void {
    this.tree.invalidate(absolutePath, contentOnly);
  }

  /** A path relative to the Dockerfile's folder (as findings and edits carry it) → absolute. */
  absoluteFromDockerfile(relativeToDockerfile: string): string {
    return path.resolve(this.tree.root, this.dockerfileDir, relativeToDockerfile);
  }
}

/** The context folder: the Dockerfile's folder joined with the configured `context` (default: the folder itself). */
export function contextRoot(dockerfilePath: string, configuredContext?: string): string {
  return path.resolve(path.dirname(path.resolve(dockerfilePath)), configuredContext || '.');
}

/** The Dockerfile's folder relative to a context root, with forward slashes. */
export function dockerfileDirIn(root: string, dockerfilePath: string): string {
  const relative = path.relative(root, path.dirname(path.resolve(dockerfilePath)));
  return relative.split(path.sep).join('/');
}

/** A context for one Dockerfile, on its own tree. */
export function fsBuildContext(dockerfilePath: string, configuredContext?: string, options: ContextOptions = {}): FsBuildContext {
  const tree = new ContextTree(contextRoot(dockerfilePath, configuredContext), options);
  return new FsBuildContext(tree, dockerfileDirIn(tree.root, dockerfilePath));
}
