// Statements read from their text: assignments (also `define` and target-specific ones), rule headers with their recipes, includes.
import type { Node } from 'web-tree-sitter';
import type { AssignStatement, RecipeText, Span, Statement } from './statements';
import { commentStart, maskReferences, stripComment, stripNewline, topLevelIndex } from './text';

export function children(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null);
}

/** `NAME op value`, or target-specific `targets: [override|export|private] NAME op value`, from the text. */
export function assignmentOf(text: string, start: number, end: number, override: boolean, exported: boolean): AssignStatement | undefined {
  const logical = stripNewline(text, start, end);
  const written = text.slice(start, logical);
  const operator = findOperator(written);
  if (!operator) return undefined;
  let head = written.slice(0, operator.index);
  let targets: string | undefined;
  const colon = topLevelIndex(head, ':');
  if (colon >= 0) {
    targets = head.slice(0, colon);
    head = head.slice(colon + 1);
  }
  const words = head.trim().split(/\s+/);
  const name = words.pop() ?? '';
  for (const word of words) {
    if (word === 'override') override = true;
    else if (word === 'export') exported = true;
    else if (word !== 'private') return undefined;
  }
  if (name === '') return undefined;
  const valueStart = start + operator.index + operator.op.length;
  return { kind: 'assign', name, op: operator.op, ...valueOf(text, valueStart, logical), line: { start, end: logical }, override, exported, targets };
}

/** The assignment operator at the top level of a line: the first `=` outside references, with its prefix (`:`, `::`, `:::`, `?`, `+`, `!`). */
function findOperator(line: string): { index: number; op: string } | undefined {
  const eq = topLevelIndex(line, '=');
  if (eq < 0) return undefined;
  const prefix = /(:{1,3}|[?+!])?$/.exec(line.slice(0, eq))?.[0] ?? '';
  return { index: eq - prefix.length, op: prefix + '=' };
}

/** The value of an assignment from `from` to the line's end: comment removed, continuations joined. */
function valueOf(text: string, from: number, end: number): { value: string; valueSpan: Span } {
  let start = from;
  while (start < end && (text[start] === ' ' || text[start] === '\t')) start++;
  const comment = commentStart(text, start, end);
  let stop = comment;
  while (stop > start && /\s/.test(text[stop - 1])) stop--;
  // make keeps blanks before a comment in the value; the span ends at the last character written.
  const value = text.slice(start, comment).replace(/[ \t]*\\\r?\n[ \t]*/g, ' ').replace(/\\#/g, '#');
  return { value, valueSpan: { start, end: stop } };
}

export function defineOf(node: Node, text: string, override: boolean, exported: boolean): AssignStatement | undefined {
  const name = children(node).find((child) => child.type === 'word');
  const body = children(node).find((child) => child.type === 'raw_text');
  if (!name) return undefined;
  const operator = node.children.find((child) => child !== null && /^(:{1,3}|[?+!])?=$/.test(child.type));
  const bodyStart = body?.startIndex ?? name.endIndex;
  const bodyEnd = body ? stripNewline(text, body.startIndex, body.endIndex) : bodyStart;
  return {
    kind: 'assign',
    name: name.text,
    op: operator?.type ?? '=',
    value: text.slice(bodyStart, bodyEnd).replace(/\r\n/g, '\n'),
    valueSpan: { start: bodyStart, end: bodyEnd },
    line: { start: node.startIndex, end: stripNewline(text, node.startIndex, node.endIndex) },
    override,
    exported,
  };
}

export function ruleOf(node: Node, text: string): Statement | undefined {
  const recipe = children(node).find((child) => child.type === 'recipe');
  const headerEnd = stripNewline(text, node.startIndex, recipe?.startIndex ?? node.endIndex);
  const header = text.slice(node.startIndex, headerEnd);
  const masked = maskReferences(header);
  const separator = /(&?::?)/.exec(masked);
  if (!separator) return undefined;
  const afterSeparator = separator.index + separator[0].length;
  // The grammar reads `target: [export] VAR = value` as a rule: it is a target-specific assignment.
  if (masked.includes('=', afterSeparator)) return assignmentOf(text, node.startIndex, node.endIndex, false, false);
  const targets = header.slice(0, separator.index);
  let rest = header.slice(afterSeparator);
  let targetPattern: string | undefined;
  const second = topLevelIndex(rest, ':');
  if (second >= 0) {
    targetPattern = rest.slice(0, second).trim();
    rest = rest.slice(second + 1);
  }
  const bar = topLevelIndex(rest, '|');
  const prerequisites = bar >= 0 ? rest.slice(0, bar) : rest;
  const orderOnly = bar >= 0 ? rest.slice(bar + 1) : '';
  const line = { start: node.startIndex, end: headerEnd };
  return { kind: 'rule', targets, prerequisites: stripComment(prerequisites), orderOnly: stripComment(orderOnly), targetPattern, double: separator[1].endsWith('::'), recipe: recipeOf(recipe), line };
}

function recipeOf(recipe: Node | undefined): RecipeText[] {
  if (!recipe) return [];
  const lines: RecipeText[] = [];
  for (const line of children(recipe)) {
    if (line.type !== 'recipe_line') continue;
    const shell = children(line).find((child) => child.type === 'shell_text');
    if (shell) lines.push({ text: shell.text, start: shell.startIndex });
  }
  return lines;
}

export function includeOf(node: Node): Statement {
  const keyword = node.child(0)?.text ?? 'include';
  const list = children(node).find((child) => child.type === 'list');
  return { kind: 'include', files: list?.text ?? '', optional: keyword !== 'include' };
}
