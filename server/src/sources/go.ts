// What one Go source file says about its build: its package, its imports, whether it
// uses cgo (`import "C"`), and its build constraint. Parsed with tree-sitter-go; the
// facts are cached by file text, so re-analysing an unchanged context parses nothing.
import type { Node } from 'web-tree-sitter';
import type { Range } from 'vscode-languageserver-textdocument';
import { parserFor } from '../parse/grammars';
import { boundedCache } from './cache';

export interface GoImport {
  path: string;
  /** The import spec (`h "net/http"`), or the whole declaration when it holds one spec. */
  range: Range;
}

export interface GoFileFacts {
  packageName: string | undefined;
  /** Every import but `"C"`. */
  imports: GoImport[];
  /** Where `import "C"` is; undefined when the file does not use cgo. */
  cgo: Range | undefined;
  /** The `//go:build` expression (or the legacy `// +build` lines as one); undefined when unconstrained. */
  buildConstraint: string | undefined;
}

const cache = boundedCache<GoFileFacts>(2048);
let parses = 0;

/** How many Go files were parsed so far (tests check the cache with it). */
export function goParseCount(): number {
  return parses;
}

/** The facts of a Go file; undefined when the Go grammar is not loaded (sources are then "not visible"). */
export function goFileFacts(text: string): GoFileFacts | undefined {
  const cached = cache.get(text);
  if (cached) return cached;
  const parser = parserFor('go');
  const tree = parser?.parse(text);
  if (!tree) return undefined;
  parses++;
  try {
    const facts = factsOf(tree.rootNode);
    cache.set(text, facts);
    return facts;
  } finally {
    tree.delete();
  }
}

function factsOf(root: Node): GoFileFacts {
  let packageName: string | undefined;
  const imports: GoImport[] = [];
  let cgo: Range | undefined;
  const headerComments: string[] = [];
  for (const node of root.namedChildren) {
    if (!node) continue;
    if (node.type === 'comment' && packageName === undefined) headerComments.push(node.text);
    else if (node.type === 'package_clause') packageName = node.namedChildren.find((child) => child?.type === 'package_identifier')?.text ?? '';
    else if (node.type === 'import_declaration') {
      const specs = node.descendantsOfType('import_spec').filter((spec): spec is Node => spec !== null);
      for (const spec of specs) {
        const importPath = importPathOf(spec);
        if (importPath === undefined) continue;
        const range = rangeOf(specs.length === 1 ? node : spec);
        if (importPath === 'C') cgo ??= range;
        else imports.push({ path: importPath, range });
      }
    }
  }
  return { packageName, imports, cgo, buildConstraint: constraintOf(headerComments) };
}

function importPathOf(spec: Node): string | undefined {
  const literal = spec.childForFieldName('path');
  if (!literal) return undefined;
  const text = literal.text;
  if (literal.type === 'raw_string_literal') return text.slice(1, -1);
  try {
    return JSON.parse(text) as string;
  } catch {
    return text.slice(1, -1);
  }
}

function rangeOf(node: Node): Range {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}

/** `//go:build expr`, else the `// +build` lines (each an OR of ANDs, all lines ANDed). */
function constraintOf(comments: readonly string[]): string | undefined {
  const lines = comments.flatMap((comment) => comment.split(/\r?\n/));
  const goBuild = lines.map((line) => /^\/\/go:build\s+(.*?)\s*$/.exec(line)?.[1]).find((expr) => expr !== undefined);
  if (goBuild !== undefined) return goBuild;
  const legacy = lines.map((line) => /^\/\/\s*\+build\s+(.*?)\s*$/.exec(line)?.[1]).filter((expr): expr is string => expr !== undefined);
  if (legacy.length === 0) return undefined;
  return legacy.map((line) => `(${line.split(/\s+/).map((term) => `(${term.split(',').join(' && ')})`).join(' || ')})`).join(' && ');
}

// ---------------------------------------------------------------------------
// Build constraints, evaluated with three values: true, false, or undefined (unknown).

/** A tag's value for this build: true/false when known, undefined when it depends on something the Dockerfile does not tell. */
export type TagValue = (tag: string) => boolean | undefined;

/** Whether a `//go:build` expression holds; undefined when it depends on an unknown tag or does not parse. */
export function constraintHolds(expression: string, tag: TagValue): boolean | undefined {
  const tokens = expression.match(/!|&&|\|\||\(|\)|[\w.]+/g) ?? [];
  let position = 0;
  const failed = Symbol('failed');
  type Value = boolean | undefined | typeof failed;
  const or = (): Value => {
    let value = and();
    while (tokens[position] === '||') {
      position++;
      value = either(value, and());
    }
    return value;
  };
  const and = (): Value => {
    let value = not();
    while (tokens[position] === '&&') {
      position++;
      value = both(value, not());
    }
    return value;
  };
  const not = (): Value => {
    const token = tokens[position++];
    if (token === '!') {
      const value = not();
      return value === failed || value === undefined ? value : !value;
    }
    if (token === '(') {
      const value = or();
      return tokens[position++] === ')' ? value : failed;
    }
    return token !== undefined && /^[\w.]+$/.test(token) ? tag(token) : failed;
  };
  const either = (a: Value, b: Value): Value => (a === failed || b === failed ? failed : a === true || b === true ? true : a === undefined || b === undefined ? undefined : false);
  const both = (a: Value, b: Value): Value => (a === failed || b === failed ? failed : a === false || b === false ? false : a === undefined || b === undefined ? undefined : true);
  const result = or();
  return result === failed || position !== tokens.length ? undefined : result;
}

/** The identifiers an expression mentions. */
export function constraintTags(expression: string): string[] {
  return expression.match(/[\w.]+/g) ?? [];
}

export const KNOWN_GOOS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows', 'zos']);
export const KNOWN_GOARCH = new Set(['386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'ppc64', 'ppc64le', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm']);
const UNIX = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'linux', 'netbsd', 'openbsd', 'solaris']);

export interface Platform {
  goos: string;
  /** undefined: the builder's architecture, which the Dockerfile does not tell. */
  goarch: string | undefined;
  /** `-tags` of the build. */
  tags: readonly string[];
  /** cgo on/off; undefined when not decided. */
  cgo: boolean | undefined;
}

/** Go's tag semantics: GOOS, GOARCH, `unix`, `cgo`, `gc`, `goX.Y` (assumed satisfied), `-tags`; any other tag is false. */
export function platformTags(platform: Platform): TagValue {
  return (tag) => {
    if (platform.tags.includes(tag)) return true;
    if (tag === platform.goos || (tag === 'unix' && UNIX.has(platform.goos)) || (tag === 'linux' && platform.goos === 'android')) return true;
    if (tag === 'unix') return false;
    if (KNOWN_GOOS.has(tag)) return false;
    if (KNOWN_GOARCH.has(tag)) return platform.goarch === undefined ? undefined : tag === platform.goarch;
    if (tag === 'cgo') return platform.cgo;
    if (tag === 'gc') return true;
    if (/^go1\.\d+$/.test(tag)) return true;
    return false;
  };
}

/** Whether a file's name (`x_windows.go`, `x_linux_arm64.go`, `x_test.go`) lets it build on this platform; undefined when it depends on the architecture. */
export function fileNameMatches(name: string, platform: Platform): boolean | undefined {
  if (!name.endsWith('.go') || name.endsWith('_test.go') || name.startsWith('_') || name.startsWith('.')) return false;
  const parts = name.slice(0, -3).split('_').slice(1);
  const last = parts[parts.length - 1];
  const before = parts[parts.length - 2];
  const tag = platformTags({ ...platform, tags: [] });
  if (last !== undefined && KNOWN_GOARCH.has(last)) {
    const os = before !== undefined && KNOWN_GOOS.has(before) ? tag(before) : true;
    const arch = tag(last);
    return os === false || arch === false ? false : os === undefined || arch === undefined ? undefined : true;
  }
  if (last !== undefined && KNOWN_GOOS.has(last)) return tag(last);
  return true;
}
