// Shell scripts a RUN runs (`./build.sh`, `sh scripts/build.sh`, `bash -e x.sh`,
// `. ./env.sh`): which file a command runs, and the build-context text it is read
// from. The script's commands are interpreted by facts/builds like a RUN's, with the
// caller's environment and directory; `export`s apply to the script's later
// commands, a sourced file's to its caller's.
import path from 'node:path';
import type { Range } from 'vscode-languageserver-textdocument';
import { dockerfileRelative, type BuildContext } from '../context/build-context';
import type { StageFiles } from './stage-files';

/** Nesting of scripts and makes followed from one RUN: enough for real projects, bounded for scripts that call themselves. */
export const MAX_INDIRECT_DEPTH = 8;

/** A build-context file as read for analysis: its text, display path and positions. */
export interface SourceFile {
  text: string;
  /** Relative to the Dockerfile's folder, as `Finding.path`. */
  path: string;
  /** Relative to the build context's root. */
  contextPath: string;
  lineStarts: readonly number[];
}

const lineStartCache = new Map<string, number[]>();
const LINE_START_CACHE_LIMIT = 256;

/** A context file the stage has at `stagePath`; undefined when the stage did not copy it from the context. */
export function stageFile(context: BuildContext, files: StageFiles, stagePath: string | undefined): SourceFile | undefined {
  if (stagePath === undefined) return undefined;
  const contextPath = files.get(stagePath);
  if (contextPath === undefined) return undefined;
  const text = context.readFile(contextPath);
  if (text === undefined) return undefined;
  return { text, path: dockerfileRelative(context, contextPath), contextPath, lineStarts: lineStartsOf(text) };
}

function lineStartsOf(text: string): number[] {
  const cached = lineStartCache.get(text);
  if (cached) return cached;
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  lineStartCache.set(text, starts);
  if (lineStartCache.size > LINE_START_CACHE_LIMIT) lineStartCache.delete(lineStartCache.keys().next().value as string);
  return starts;
}

/** The LSP range of offsets `start`–`end` of a file's text. */
export function rangeIn(file: SourceFile, start: number, end: number): Range {
  return { start: positionIn(file, start), end: positionIn(file, end) };
}

function positionIn(file: SourceFile, offset: number): Range['start'] {
  const starts = file.lineStarts;
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low, character: offset - starts[low] };
}

const SH_LIKE = /^(sh|bash|ash|dash|zsh|ksh|mksh)$/;

export interface ScriptRun {
  /** The script as written. */
  script: string;
  /** `.`/`source`: runs in the caller's shell, so its exports and `cd` last. */
  sourced: boolean;
}

/** The script a command runs: `./build.sh`, `scripts/build.sh`, `sh build.sh`, `bash -e build.sh`, `busybox sh x.sh`, `. ./env.sh`. */
export function scriptRunOf(argv: readonly string[]): ScriptRun | undefined {
  let [program, ...rest] = argv;
  if (program === undefined) return undefined;
  if (path.posix.basename(program) === 'busybox' && SH_LIKE.test(rest[0] ?? '')) [program, ...rest] = rest;
  let script: string | undefined;
  let sourced = false;
  if (program === '.' || program === 'source') {
    script = rest[0];
    sourced = true;
  } else if (SH_LIKE.test(path.posix.basename(program))) {
    // `sh -c '…'` runs text, `sh -s` reads stdin, `sh` alone is interactive: no script file.
    script = scriptArgument(rest);
  } else if (program.includes('/') && /\.(sh|bash)$/.test(program)) {
    script = program;
  }
  if (script === undefined || script.includes('$')) return undefined;
  return { script, sourced };
}

/** The first operand after the shell's options; undefined for `sh -c '…'` (text), `sh -s` (stdin) or no operand. */
function scriptArgument(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return args[i + 1];
    if (!/^[-+]/.test(arg)) return arg;
    if (/^-\w*[cs]/.test(arg)) return undefined;
    // `-o pipefail`, `-euo pipefail`: the option takes the next word.
    if (/^[-+]\w*o$/.test(arg) || arg === '--rcfile' || arg === '--init-file') i++;
  }
  return undefined;
}

/**
 * Where the shell finds a script: a path with a slash is relative to the working
 * directory; `. env.sh` (no slash) searches PATH first, and bash then falls back to
 * the working directory, which is what Dockerfiles rely on.
 */
export function scriptPath(run: ScriptRun, cwd: string | undefined): string | undefined {
  if (run.script.startsWith('/')) return path.posix.normalize(run.script);
  if (cwd === undefined) return undefined;
  return path.posix.join(cwd, run.script);
}
