// Make's text conventions shared by the parser, the expander and the runner: comments,
// references, blank-separated words, and the mark for text make cannot know here.

/** Stands for text make cannot know here; a word holding it has an unknown value. */
export const UNKNOWN = '\uE000';

export function commentStart(text: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '#') return i;
  }
  return end;
}

/** The end of a node's text without its final newline. */
export function stripNewline(text: string, start: number, end: number): number {
  let stop = end;
  while (stop > start && (text[stop - 1] === '\n' || text[stop - 1] === '\r')) stop--;
  return stop;
}

/** `$(…)` and `${…}` blanked, so separators inside references are not seen (offsets kept). */
export function maskReferences(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const open = text[i + 1];
    if (text[i] === '$' && (open === '(' || open === '{')) {
      const close = matchingClose(text, i + 1);
      const end = close < 0 ? text.length : close + 1;
      out += ' '.repeat(end - i);
      i = end - 1;
    } else {
      out += text[i];
    }
  }
  return out;
}

export function stripComment(text: string): string {
  const hash = commentStart(text, 0, text.length);
  return text.slice(0, hash);
}

/** The first `char` outside `$(…)`/`${…}` and parentheses. */
export function topLevelIndex(text: string, char: string, from = 0): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{') depth++;
    else if ((c === ')' || c === '}') && depth > 0) depth--;
    else if (c === char && depth === 0) return i;
  }
  return -1;
}

/** The index of the bracket closing the one at `open` (same kind nests); -1 when unclosed. */
export function matchingClose(text: string, open: number): number {
  const opener = text[open];
  const closer = opener === '(' ? ')' : '}';
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === opener) depth++;
    else if (text[i] === closer && --depth === 0) return i;
  }
  return -1;
}

export function words(text: string): string[] {
  return text.split(/[ \t\r\n]+/).filter(Boolean);
}
