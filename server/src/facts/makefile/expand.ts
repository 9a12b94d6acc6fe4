// Expansion of make text: variable and substitution references, automatic variables,
// functions; for recipe lines, where each stretch of the result is written.
import path from 'node:path';
import { DEFAULTS } from './builtins';
import { patsubst, splitArguments, textFunction } from './functions';
import { matchingClose, topLevelIndex, UNKNOWN, words } from './text';
import { childScope, type Scope } from './variables';

/** A stretch of expanded text and the written text it came from. */
export interface Segment {
  /** Offsets in the expanded text. */
  out: number;
  outEnd: number;
  /** Offsets in the file; equal lengths map character by character, others as a whole. */
  src: number;
  srcEnd: number;
  /** Variables read to produce it, outermost first. */
  reads?: string[];
}

const FUNCTIONS = new Set([
  'subst', 'patsubst', 'strip', 'findstring', 'filter', 'filter-out', 'sort', 'word', 'wordlist', 'words', 'firstword', 'lastword',
  'dir', 'notdir', 'suffix', 'basename', 'addsuffix', 'addprefix', 'join', 'wildcard', 'realpath', 'abspath', 'if', 'or', 'and',
  'intcmp', 'foreach', 'let', 'file', 'call', 'value', 'eval', 'origin', 'flavor', 'shell', 'error', 'warning', 'info', 'guile',
]);

/** Nested expansion beyond this (a variable defined through itself, deep `call`s) is unknown. */
const EXPANSION_DEPTH = 64;

export class Expander {
  private depth = 0;
  private reads: string[] | undefined;

  constructor(
    private readonly scope: Scope,
    private readonly automatic: ReadonlyMap<string, string>,
    private readonly dir: string,
  ) {}

  expand(text: string): string {
    if (!text.includes('$')) return text;
    let out = '';
    let i = 0;
    while (i < text.length) {
      const dollar = text.indexOf('$', i);
      if (dollar < 0) {
        out += text.slice(i);
        break;
      }
      out += text.slice(i, dollar);
      const ref = this.reference(text, dollar);
      out += ref.value;
      i = ref.end;
    }
    return out;
  }

  /** Expansion of a recipe line, with where each stretch of the result is written (offsets from `base`). */
  expandTracked(text: string, base: number): { text: string; segments: Segment[] } {
    let out = '';
    const segments: Segment[] = [];
    const literal = (from: number, to: number) => {
      if (to <= from) return;
      segments.push({ out: out.length, outEnd: out.length + to - from, src: base + from, srcEnd: base + to });
      out += text.slice(from, to);
    };
    let i = 0;
    while (i < text.length) {
      const dollar = text.indexOf('$', i);
      if (dollar < 0) {
        literal(i, text.length);
        break;
      }
      literal(i, dollar);
      this.reads = [];
      const ref = this.reference(text, dollar);
      const reads = [...new Set(this.reads)];
      this.reads = undefined;
      segments.push({ out: out.length, outEnd: out.length + ref.value.length, src: base + dollar, srcEnd: base + ref.end, reads: reads.length > 0 ? reads : undefined });
      out += ref.value;
      i = ref.end;
    }
    return { text: out, segments };
  }

  private reference(text: string, dollar: number): { end: number; value: string } {
    const next = text[dollar + 1];
    if (next === undefined) return { end: dollar + 1, value: '' };
    if (next === '$') return { end: dollar + 2, value: '$' };
    if (next !== '(' && next !== '{') return { end: dollar + 2, value: this.variable(next) };
    const close = matchingClose(text, dollar + 1);
    if (close < 0) return { end: text.length, value: UNKNOWN };
    return { end: close + 1, value: this.nested(() => this.evaluate(text.slice(dollar + 2, close))) };
  }

  private nested(evaluate: () => string): string {
    if (this.depth >= EXPANSION_DEPTH) return UNKNOWN;
    this.depth++;
    try {
      return evaluate();
    } finally {
      this.depth--;
    }
  }

  private evaluate(inner: string): string {
    const fn = /^([a-z-]+)[ \t]+/.exec(inner);
    if (fn && FUNCTIONS.has(fn[1])) return this.call(fn[1], inner.slice(fn[0].length));
    const colon = topLevelIndex(inner, ':');
    const equals = colon >= 0 ? topLevelIndex(inner, '=', colon) : -1;
    if (equals > colon) {
      // `$(SRC:.c=.o)`, `$(SRC:%.c=%.o)`: a substitution reference.
      const value = this.variable(this.expand(inner.slice(0, colon)));
      const from = this.expand(inner.slice(colon + 1, equals));
      const to = this.expand(inner.slice(equals + 1));
      return from.includes('%') ? patsubst(from, to, value) : patsubst('%' + from, '%' + to, value);
    }
    return this.variable(this.expand(inner));
  }

  variable(name: string): string {
    const automatic = automaticValue(this.automatic, name);
    if (automatic !== undefined) return automatic;
    if (name.includes(UNKNOWN)) return UNKNOWN;
    this.reads?.push(name);
    if (name === 'CURDIR') return this.dir;
    const variable = this.scope.get(name);
    if (!variable) return '';
    return variable.recursive ? this.nested(() => this.expand(variable.value)) : variable.value;
  }

  private call(name: string, argText: string): string {
    const args = splitArguments(argText);
    const arg = (index: number) => this.expand(args[index] ?? '');
    switch (name) {
      case 'if': {
        const condition = arg(0).trim();
        if (condition.includes(UNKNOWN)) return UNKNOWN;
        return condition !== '' ? arg(1) : args.slice(2).map((_, i) => arg(i + 2)).join(',');
      }
      case 'or':
        for (let i = 0; i < args.length; i++) {
          const value = arg(i).trim();
          if (value.includes(UNKNOWN)) return UNKNOWN;
          if (value !== '') return value;
        }
        return '';
      case 'and': {
        let value = '';
        for (let i = 0; i < args.length; i++) {
          value = arg(i).trim();
          if (value.includes(UNKNOWN)) return UNKNOWN;
          if (value === '') return '';
        }
        return value;
      }
      case 'foreach':
        return this.foreach(arg(0).trim(), arg(1), args.slice(2).join(','));
      case 'call':
        return this.callVariable(args.map((_, i) => arg(i)));
      case 'value': {
        const variable = this.scope.get(arg(0).trim());
        return variable?.value ?? '';
      }
      case 'origin':
        return this.originName(arg(0).trim());
      case 'flavor': {
        const variable = this.scope.get(arg(0).trim());
        return variable ? (variable.recursive ? 'recursive' : 'simple') : 'undefined';
      }
      case 'abspath':
        return words(arg(0)).map((word) => (word.includes(UNKNOWN) ? UNKNOWN : path.posix.resolve(this.dir, word))).join(' ');
      case 'warning':
      case 'info':
      case 'eval':
        // `eval` defines what this reader cannot see; what it defines stays undefined.
        return '';
      case 'shell':
      case 'wildcard':
      case 'realpath':
      case 'error':
      case 'file':
      case 'guile':
      case 'let':
      case 'intcmp':
        return UNKNOWN;
      default:
        return textFunction(name, args.map((_, i) => arg(i)));
    }
  }

  private foreach(name: string, list: string, body: string): string {
    if (list.includes(UNKNOWN)) return UNKNOWN;
    const results: string[] = [];
    for (const word of words(list)) {
      const scope = childScope(this.scope);
      scope.set(name, { recursive: false, value: word, origin: 'makefile' });
      const expander = new Expander(scope, this.automatic, this.dir);
      expander.reads = this.reads;
      results.push(expander.expand(body));
    }
    return results.join(' ');
  }

  private callVariable(values: string[]): string {
    const [name, ...params] = values;
    const variable = this.scope.get(name?.trim() ?? '');
    if (!variable) return '';
    const scope = childScope(this.scope);
    params.forEach((value, index) => scope.set(String(index + 1), { recursive: false, value, origin: 'makefile' }));
    scope.set('0', { recursive: false, value: name, origin: 'makefile' });
    const expander = new Expander(scope, this.automatic, this.dir);
    expander.depth = this.depth;
    expander.reads = this.reads;
    return variable.recursive ? expander.nested(() => expander.expand(variable.value)) : variable.value;
  }

  private originName(name: string): string {
    const variable = this.scope.get(name);
    if (!variable) return DEFAULTS[name] !== undefined ? 'default' : 'undefined';
    return variable.origin === 'makefile' ? 'file' : variable.origin;
  }
}

/** `$@`, `$<`, `$^`, `$+`, `$?`, `$*`, `$|` and their `D`/`F` forms (`$(@D)`). */
function automaticValue(automatic: ReadonlyMap<string, string>, name: string): string | undefined {
  if (automatic.has(name)) return automatic.get(name);
  const form = /^([@<^+?*|%])([DF])$/.exec(name);
  if (!form) return undefined;
  const value = automatic.get(form[1]);
  if (value === undefined) return undefined;
  const directory = form[2] === 'D';
  return words(value)
    .map((word) => (directory ? path.posix.dirname(word) : path.posix.basename(word)))
    .join(' ');
}
