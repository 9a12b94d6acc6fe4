// Shell text → context-free events (cached per text), interpreted later in a RUN's context.
import type { Node } from 'web-tree-sitter';
import { parseShell } from '../../parse/shell';
import { namedChildren, rawWord, type RawWord } from './shell-words';

export interface Assignment {
  name: string;
  value: RawWord | undefined;
}

export type ShellEvent =
  | { type: 'command'; assignments: Assignment[]; words: RawWord[]; start: number; end: number; uncertain?: boolean }
  | { type: 'assign'; assignments: Assignment[] }
  | { type: 'export'; assignments: Assignment[]; names: string[] }
  | { type: 'unset'; names: string[] }
  | { type: 'function'; name: string; body: ShellEvent[] }
  | { type: 'push' }
  | { type: 'pop' };

/** Distinct RUN texts kept: more than any real Dockerfile has, so a re-analysis parses only what changed. */
const CACHE_LIMIT = 4096;
const scriptCache = new Map<string, ShellEvent[]>();
let parses = 0;

/** How many shell scripts were parsed so far (tests and benchmarks check the cache with it). */
export function shellParseCount(): number {
  return parses;
}

/** Events of a shell script; offsets index into `text`. Least recently used entries leave first. */
export function scriptEvents(text: string, escapeChar: string): ShellEvent[] {
  const key = escapeChar + text;
  const cached = scriptCache.get(key);
  if (cached) {
    scriptCache.delete(key);
    scriptCache.set(key, cached);
    return cached;
  }
  const events = parseEvents(text, escapeChar);
  if (!events) return [];
  parses++;
  scriptCache.set(key, events);
  if (scriptCache.size > CACHE_LIMIT) scriptCache.delete(scriptCache.keys().next().value as string);
  return events;
}

function parseEvents(text: string, escapeChar: string): ShellEvent[] | undefined {
  const heredoc = heredocScript(text);
  const script = heredoc ?? joinContinuations(text, escapeChar);
  let root: Node;
  try {
    root = parseShell(script);
  } catch (error) {
    // Analysis without an initialised parser (a caller that skipped initShellParser) sees no builds rather than failing.
    if (error instanceof Error && /initShellParser/.test(error.message)) return undefined;
    throw error;
  }
  const events: ShellEvent[] = [];
  walk(root, events);
  // Where the shell cannot parse the text, an inserted `VAR=value` may not attach to the
  // command it was meant for: such commands offer no insertion point.
  if (root.hasError) markUncertain(events);
  return events;
}

function markUncertain(events: ShellEvent[]): void {
  for (const event of events) {
    if (event.type === 'command') event.uncertain = true;
    else if (event.type === 'function') markUncertain(event.body);
  }
}

/** `RUN <<EOF` runs the here-document as the script: blank everything but its body (offsets kept). */
function heredocScript(text: string): string | undefined {
  const opening = /^<<-?[ \t]*(["']?)([A-Za-z_][\w-]*)\1[ \t]*\r?\n/.exec(text);
  if (!opening) return undefined;
  const bodyStart = opening[0].length;
  const close = new RegExp(`^[ \\t]*${opening[2]}[ \\t]*\\r?$`, 'm');
  const rest = text.slice(bodyStart);
  const end = close.exec(rest);
  const bodyEnd = bodyStart + (end ? end.index : rest.length);
  return blank(text.slice(0, bodyStart)) + text.slice(bodyStart, bodyEnd) + blank(text.slice(bodyEnd));
}

/** Docker drops escape+newline (trailing blanks allowed) and comment lines inside a continued instruction; spaces keep every offset. */
function joinContinuations(text: string, escapeChar: string): string {
  const lines = text.split('\n');
  let continued = false;
  const out = lines.map((line, index) => {
    const last = index === lines.length - 1;
    const newline = last ? '' : '\n';
    if (continued && /^\s*(#.*)?$/.test(line)) return ' '.repeat(line.length + newline.length);
    const content = line.replace(/[ \t\r]+$/, '');
    continued = !last && content.endsWith(escapeChar);
    if (!continued) return line + newline;
    return content.slice(0, -1) + ' '.repeat(line.length - content.length + 1 + newline.length);
  });
  return out.join('');
}

function blank(text: string): string {
  return text.replace(/[^\n]/g, ' ');
}

function walk(node: Node, events: ShellEvent[]): void {
  switch (node.type) {
    case 'command':
      events.push(commandEvent(node));
      return;
    case 'declaration_command':
      events.push(declarationEvent(node));
      return;
    case 'unset_command':
      events.push({ type: 'unset', names: namedChildren(node).filter((child) => child.type !== 'word' || !child.text.startsWith('-')).map((child) => child.text) });
      return;
    case 'variable_assignment':
      events.push({ type: 'assign', assignments: [assignmentOf(node)] });
      return;
    case 'variable_assignments':
      events.push({ type: 'assign', assignments: namedChildren(node).map(assignmentOf) });
      return;
    case 'subshell':
      scoped(namedChildren(node), events);
      return;
    case 'pipeline':
      // Each element of a pipeline runs in a subshell: its cd and exports do not last.
      for (const child of namedChildren(node)) scoped([child], events);
      return;
    case 'function_definition': {
      // Run where it is called (build scripts wrap `go build` in functions), in the caller's shell.
      const body: ShellEvent[] = [];
      const bodyNode = node.childForFieldName('body');
      if (bodyNode) walk(bodyNode, body);
      events.push({ type: 'function', name: node.childForFieldName('name')?.text ?? '', body });
      return;
    }
    case 'command_substitution':
    case 'process_substitution':
    case 'heredoc_body':
    case 'comment':
      return;
    default:
      for (const child of namedChildren(node)) walk(child, events);
  }
}

function scoped(nodes: Node[], events: ShellEvent[]): void {
  events.push({ type: 'push' });
  for (const child of nodes) walk(child, events);
  events.push({ type: 'pop' });
}

function commandEvent(node: Node): ShellEvent {
  const assignments = namedChildren(node).filter((child) => child.type === 'variable_assignment').map(assignmentOf);
  const parts = [node.childForFieldName('name'), ...node.childrenForFieldName('argument')];
  const words = parts.filter((child): child is Node => child !== null).map(rawWord);
  return { type: 'command', assignments, words, start: node.startIndex, end: node.endIndex };
}

function declarationEvent(node: Node): ShellEvent {
  const keyword = node.child(0)?.text ?? '';
  const children = namedChildren(node);
  const assignments = children.filter((child) => child.type === 'variable_assignment').map(assignmentOf);
  const names = children.filter((child) => child.type === 'variable_name').map((child) => child.text);
  const exporting = keyword === 'export' || children.some((child) => child.type === 'word' && /^-\w*x/.test(child.text));
  return exporting ? { type: 'export', assignments, names } : { type: 'assign', assignments };
}

function assignmentOf(node: Node): Assignment {
  const value = node.childForFieldName('value');
  return { name: node.childForFieldName('name')?.text ?? '', value: value ? rawWord(value) : undefined };
}
