// go.mod: the module path, the `go` and `toolchain` versions, and `replace`s that
// point into the build context. Plain line parsing: go.mod's grammar is line-based.
import type { Range } from 'vscode-languageserver-textdocument';
import { boundedCache } from './cache';

export interface GoModVersion {
  /** Without the `go` prefix of a toolchain name: `1.22.3`. */
  version: string;
  /** The directive, e.g. `go 1.22.3` or `toolchain go1.22.3`. */
  range: Range;
}

export interface GoModReplace {
  /** The module path replaced (a version after it is dropped). */
  from: string;
  /** A directory, relative to the go.mod's folder (`./lib`, `../shared`), or a module path. */
  to: string;
}

export interface GoModFile {
  module: string | undefined;
  go: GoModVersion | undefined;
  toolchain: GoModVersion | undefined;
  replaces: GoModReplace[];
}

const cache = boundedCache<GoModFile>(256);

export function parseGoMod(text: string): GoModFile {
  const cached = cache.get(text);
  if (cached) return cached;
  const file: GoModFile = { module: undefined, go: undefined, toolchain: undefined, replaces: [] };
  let block: string | undefined;
  text.split('\n').forEach((raw, line) => {
    const content = raw.replace(/\/\/.*$/, '').replace(/\s+$/, '');
    const indent = content.length - content.trimStart().length;
    const words = content.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return;
    if (block !== undefined) {
      if (words[0] === ')') block = undefined;
      else directive(file, block, words, line, indent, content.length);
      return;
    }
    if (words[1] === '(' && words.length === 2) {
      block = words[0];
      return;
    }
    directive(file, words[0], words.slice(1), line, indent, content.length);
  });
  cache.set(text, file);
  return file;
}

function directive(file: GoModFile, verb: string, args: string[], line: number, start: number, end: number): void {
  const range = { start: { line, character: start }, end: { line, character: end } };
  switch (verb) {
    case 'module':
      file.module = unquote(args[0] ?? '');
      return;
    case 'go':
      if (args[0]) file.go = { version: args[0], range };
      return;
    case 'toolchain':
      if (args[0]?.startsWith('go')) file.toolchain = { version: args[0].slice(2).replace(/[-+].*$/, ''), range };
      return;
    case 'replace': {
      const arrow = args.indexOf('=>');
      if (arrow > 0 && args[arrow + 1]) file.replaces.push({ from: unquote(args[0]), to: unquote(args[arrow + 1]) });
      return;
    }
  }
}

function unquote(word: string): string {
  return /^".*"$|^`.*`$/.test(word) ? word.slice(1, -1) : word;
}

/** `1.22`, `1.22.3`, `1.22rc1` as numbers; undefined for anything else. */
export interface GoVersion {
  major: number;
  minor: number;
  patch: number | undefined;
  /** `rc1`, `beta2`; undefined for a release. */
  prerelease: string | undefined;
}

export function parseGoVersion(text: string): GoVersion | undefined {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?((?:rc|beta)\d+)?$/.exec(text);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: match[3] === undefined ? undefined : Number(match[3]), prerelease: match[4] };
}

/**
 * Whether `required` is newer than what `available` provides. A version without a
 * patch (`golang:1.22`) stands for every 1.22.x, so only major.minor then counts.
 */
export function isNewer(required: GoVersion, available: GoVersion): boolean {
  if (required.major !== available.major) return required.major > available.major;
  if (required.minor !== available.minor) return required.minor > available.minor;
  if (required.patch === undefined || available.patch === undefined) return false;
  return required.patch > available.patch;
}
