// Make's text functions (`subst`, `patsubst`, `filter`, `dir`…) on arguments already expanded.
import { UNKNOWN, words } from './text';

export function splitArguments(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{') depth++;
    else if ((c === ')' || c === '}') && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      args.push(text.slice(start, i));
      start = i + 1;
    }
  }
  args.push(text.slice(start));
  return args;
}

/** A `%` pattern against one word: the stem, or undefined. */
export function stemOf(pattern: string, word: string): string | undefined {
  const percent = pattern.indexOf('%');
  if (percent < 0) return pattern === word ? '' : undefined;
  const prefix = pattern.slice(0, percent);
  const suffix = pattern.slice(percent + 1);
  if (word.length < prefix.length + suffix.length || !word.startsWith(prefix) || !word.endsWith(suffix)) return undefined;
  return word.slice(prefix.length, word.length - suffix.length);
}

export function patsubst(pattern: string, replacement: string, text: string): string {
  return words(text)
    .map((word) => {
      const stem = stemOf(pattern, word);
      if (stem === undefined) return word;
      return pattern.includes('%') ? replacement.replace('%', stem) : replacement;
    })
    .join(' ');
}

/** The text functions whose arguments are all expanded first. */
export function textFunction(name: string, args: string[]): string {
  const [a = '', b = '', c = ''] = args;
  switch (name) {
    case 'subst':
      return c.split(a).join(b);
    case 'patsubst':
      return patsubst(a.trim(), b.trim(), c);
    case 'strip':
      return words(a).join(' ');
    case 'findstring':
      return b.includes(a) ? a : b.includes(UNKNOWN) ? UNKNOWN : '';
    case 'filter':
    case 'filter-out': {
      const patterns = words(a);
      const keep = name === 'filter';
      return words(b)
        .filter((word) => patterns.some((pattern) => stemOf(pattern, word) !== undefined) === keep)
        .join(' ');
    }
    case 'sort':
      return [...new Set(words(a))].sort().join(' ');
    case 'word': {
      const n = Number(a.trim());
      return Number.isInteger(n) && n > 0 ? (words(b)[n - 1] ?? '') : UNKNOWN;
    }
    case 'wordlist': {
      const [from, to] = [Number(a.trim()), Number(b.trim())];
      return Number.isInteger(from) && Number.isInteger(to) ? words(c).slice(from - 1, to).join(' ') : UNKNOWN;
    }
    case 'words':
      return a.includes(UNKNOWN) ? UNKNOWN : String(words(a).length);
    case 'firstword':
      return words(a)[0] ?? '';
    case 'lastword':
      return words(a).at(-1) ?? '';
    case 'dir':
      return words(a).map((word) => (word.includes('/') ? word.slice(0, word.lastIndexOf('/') + 1) : './')).join(' ');
    case 'notdir':
      return words(a).map((word) => word.slice(word.lastIndexOf('/') + 1)).join(' ');
    case 'suffix':
      return words(a).map((word) => /\.[^./]*$/.exec(word)?.[0] ?? '').filter(Boolean).join(' ');
    case 'basename':
      return words(a).map((word) => word.replace(/\.[^./]*$/, '')).join(' ');
    case 'addsuffix':
      return words(b).map((word) => word + a).join(' ');
    case 'addprefix':
      return words(b).map((word) => a + word).join(' ');
    case 'join': {
      const [left, right] = [words(a), words(b)];
      return Array.from({ length: Math.max(left.length, right.length) }, (_, i) => (left[i] ?? '') + (right[i] ?? '')).join(' ');
    }
    default:
      return UNKNOWN;
  }
}
