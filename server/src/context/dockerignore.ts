// `.dockerignore` as Docker reads it (moby/patternmatcher): one pattern per line,
// `#` comments, `!` exceptions, the last matching pattern wins, and a pattern that
// matches a folder excludes everything under it. `*` and `?` stop at `/`; `**`
// spans any number of folders.
import path from 'node:path';

export interface IgnorePattern {
  /** The cleaned pattern text, without `!`. */
  text: string;
  exception: boolean;
  regex: RegExp;
}

export function parseDockerignore(text: string): IgnorePattern[] {
  const patterns: IgnorePattern[] = [];
  for (const rawLine of text.replace(/^\ufeff/, '').split(/\r?\n|\r/)) {
    let line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exception = line.startsWith('!');
    if (exception) line = line.slice(1).trim();
    if (line === '') continue;
    const text = cleanPattern(line);
    const regex = compile(text);
    if (regex) patterns.push({ text, exception, regex });
  }
  return patterns;
}

/** Go's filepath.Clean, then no leading `/`: patterns are relative to the context root. */
function cleanPattern(pattern: string): string {
  const cleaned = path.posix.normalize(pattern).replace(/\/+$/, '') || '/';
  return cleaned.length > 1 && cleaned.startsWith('/') ? cleaned.slice(1) : cleaned;
}

/** The pattern as an anchored regular expression; undefined when it is malformed (Docker rejects it; we ignore it). */
function compile(pattern: string): RegExp | undefined {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') {
      if (pattern[i + 1] !== '*') {
        source += '[^/]*';
        continue;
      }
      i++;
      if (pattern[i + 1] === '/') i++;
      source += i + 1 >= pattern.length ? '.*' : '(?:.*/)?';
    } else if (ch === '?') {
      source += '[^/]';
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) return undefined;
      const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\(.)/g, '$1');
      source += `[${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else if (ch === '\\') {
      i++;
      if (i < pattern.length) source += escapeRegex(pattern[i]);
    } else {
      source += escapeRegex(ch);
    }
  }
  try {
    return new RegExp(`${source}$`);
  } catch {
    return undefined;
  }
}

function escapeRegex(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

/** Whether Docker leaves `relativePath` (context-relative, forward slashes) out of the context. */
export function isIgnored(patterns: readonly IgnorePattern[], relativePath: string): boolean {
  let ignored = false;
  const parents = parentsOf(relativePath);
  for (const pattern of patterns) {
    // Only a pattern that could flip the current answer needs testing.
    if (pattern.exception !== ignored) continue;
    if (pattern.regex.test(relativePath) || parents.some((parent) => pattern.regex.test(parent))) ignored = !pattern.exception;
  }
  return ignored;
}

/** `a/b/c` → `a`, `a/b`. */
function parentsOf(relativePath: string): string[] {
  const parts = relativePath.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/**
 * Whether an ignored folder must still be walked: an exception may re-include
 * something inside it (Docker's own test: an exception pattern that starts with the folder).
 */
export function mayHoldExceptions(patterns: readonly IgnorePattern[], relativeDir: string): boolean {
  const prefix = `${relativeDir}/`;
  return patterns.some((pattern) => pattern.exception && `${pattern.text}/`.startsWith(prefix));
}
