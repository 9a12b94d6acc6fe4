// Words of a shell command: their quoted, escaped and expanded parts, context-free
// (cached with the parse), then valued against the variables a command sees.
import type { Node } from 'web-tree-sitter';
import { UNKNOWN } from '../makefile';
import { lookup } from './expand';
import type { Environment } from './types';

export type Part = { kind: 'text'; text: string } | { kind: 'var'; name: string; colon: string; op?: string; word: string } | { kind: 'dynamic' };

export interface RawWord {
  parts: Part[];
  text: string;
  start: number;
  end: number;
}

export function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null);
}

export function rawWord(node: Node): RawWord {
  return { parts: partsOf(node), text: node.text, start: node.startIndex, end: node.endIndex };
}

function partsOf(node: Node): Part[] {
  switch (node.type) {
    case 'word':
    case 'number':
      return node.text.startsWith('~') ? [{ kind: 'dynamic' }] : [{ kind: 'text', text: node.text.replace(/\\(.)/gs, '$1') }];
    case 'raw_string':
      return [{ kind: 'text', text: node.text.slice(1, -1) }];
    case 'string':
      return stringParts(node);
    case 'command_name':
    case 'concatenation':
      return node.children.flatMap((child) => (!child ? [] : child.isNamed ? partsOf(child) : [{ kind: 'text' as const, text: child.text }]));
    case 'simple_expansion':
      return [variablePart(node.text.slice(1))];
    case 'expansion':
      return [expansionPart(node.text)];
    default:
      return [{ kind: 'dynamic' }];
  }
}

/** Double-quoted: literal stretches between the expansions, with the few escapes "…" knows. */
function stringParts(node: Node): Part[] {
  const parts: Part[] = [];
  let cursor = node.startIndex + 1;
  const literal = (until: number) => {
    if (until > cursor) parts.push({ kind: 'text', text: node.text.slice(cursor - node.startIndex, until - node.startIndex).replace(/\\([$`"\\])/g, '$1') });
  };
  for (const child of namedChildren(node)) {
    if (child.type === 'string_content') continue;
    literal(child.startIndex);
    parts.push(...partsOf(child));
    cursor = child.endIndex;
  }
  literal(node.endIndex - 1);
  return parts;
}

function variablePart(name: string): Part {
  return /^[A-Za-z_]\w*$/.test(name) ? { kind: 'var', name, colon: '', word: '' } : { kind: 'dynamic' };
}

function expansionPart(text: string): Part {
  const match = /^\$\{([A-Za-z_]\w*)(?:(:?)([-+])(.*))?\}$/s.exec(text);
  if (!match) return { kind: 'dynamic' };
  const word = match[4] ?? '';
  if (/[$`]/.test(word)) return { kind: 'dynamic' };
  return { kind: 'var', name: match[1], colon: match[2] ?? '', op: match[3], word: word.replace(/^["']|["']$/g, '') };
}

export function wordValue(word: RawWord, values: Environment): string | undefined {
  let result = '';
  for (const part of word.parts) {
    if (part.kind === 'dynamic') return undefined;
    const value = part.kind === 'text' ? part.text : lookup(values, part.name, part.colon, part.op, part.word);
    if (value === undefined) return undefined;
    result += value;
  }
  // Text a Makefile could not tell (`$(shell …)`) is marked UNKNOWN in the recipe.
  return result.includes(UNKNOWN) ? undefined : result;
}
