// Makefiles as GNU make reads and runs them, far enough to know which shell commands
// `make [-C dir] [-f file] [VAR=value] [target…]` runs: variables of every flavour
// (`=`, `:=`, `::=`, `?=`, `+=`, `!=`, `define`, `override`, `export`, target-specific),
// conditionals, includes, explicit, static-pattern, pattern and built-in rules,
// automatic variables. Each recipe line comes back as the shell text make would
// run, with a map from that text to where it is written and which variables made it.
//
// The tree-sitter-make parse is reduced to plain statements cached by file text (the
// tree is deleted at once); evaluation against an environment is cheap and redone
// on every analysis. Anything make would compute from outside (`$(shell …)`,
// `$(wildcard …)`, an ARG without value) becomes UNKNOWN, never a guess.
import path from 'node:path';
import type { Node } from 'web-tree-sitter';
import type { Range } from 'vscode-languageserver-textdocument';
import { parserFor } from '../parse/grammars';
import type { Environment, VariableOrigin } from './builds';
import { rangeIn, type SourceFile } from './scripts';

/** Stands for text make cannot know here; a word holding it has an unknown value. */
export const UNKNOWN = '\uE000';

// ---------------------------------------------------------------------------
// Statements (context-free, cached by text).

interface Span {
  start: number;
  end: number;
}

interface AssignStatement {
  kind: 'assign';
  /** As written; may hold references (`$(X)_FLAGS`). */
  name: string;
  op: string;
  /** As make stores it: continuations joined, comment removed, leading blanks dropped. */
  value: string;
  /** Where the value is written (trimmed); empty right after the operator when there is none. */
  valueSpan: Span;
  line: Span;
  override: boolean;
  exported: boolean;
  /** Target- or pattern-specific: the target list as written. */
  targets?: string;
}

interface RecipeText {
  /** The shell text of one recipe line, prefixes `@`, `-`, `+` removed. */
  text: string;
  start: number;
}

interface RuleStatement {
  kind: 'rule';
  targets: string;
  prerequisites: string;
  orderOnly: string;
  /** Static pattern rule `targets: %.o: %.c`: the target pattern (prerequisites are then patterns). */
  targetPattern?: string;
  double: boolean;
  recipe: RecipeText[];
  line: Span;
}

interface IncludeStatement {
  kind: 'include';
  files: string;
  optional: boolean;
}

interface ExportStatement {
  kind: 'export';
  /** undefined: `export`/`unexport` alone (all variables). */
  names: string | undefined;
  unexport: boolean;
}

type Test = { kind: 'ifeq' | 'ifneq'; left: string; right: string } | { kind: 'ifdef' | 'ifndef'; name: string } | { kind: 'invalid' };

interface ConditionalStatement {
  kind: 'conditional';
  /** `test` undefined: the `else` branch. */
  branches: { test: Test | undefined; body: Statement[] }[];
}

type Statement = AssignStatement | RuleStatement | IncludeStatement | ExportStatement | ConditionalStatement;

const MODEL_CACHE_LIMIT = 128;
const models = new Map<string, Statement[]>();
let makeParses = 0;

/** How many Makefile texts were parsed so far (tests check the cache with it). */
export function makefileParseCount(): number {
  return makeParses;
}

/** The statements of a Makefile text; undefined when the make grammar is not loaded. */
function statementsOf(text: string): Statement[] | undefined {
  const cached = models.get(text);
  if (cached) {
    models.delete(text);
    models.set(text, cached);
    return cached;
  }
  const parser = parserFor('make');
  if (!parser) return undefined;
  const tree = parser.parse(text);
  if (!tree) return undefined;
  let statements: Statement[];
  try {
    statements = readStatements(children(tree.rootNode), text);
  } finally {
    tree.delete();
  }
  makeParses++;
  models.set(text, statements);
  if (models.size > MODEL_CACHE_LIMIT) models.delete(models.keys().next().value as string);
  return statements;
}

function children(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null);
}

function readStatements(nodes: readonly Node[], text: string): Statement[] {
  const statements: Statement[] = [];
  for (const node of nodes) {
    const statement = readStatement(node, text, false, false);
    if (statement) statements.push(statement);
  }
  return statements;
}

function readStatement(node: Node, text: string, override: boolean, exported: boolean): Statement | undefined {
  switch (node.type) {
    case 'variable_assignment':
    case 'shell_assignment':
      return assignmentOf(text, node.startIndex, node.endIndex, override, exported);
    case 'define_directive':
      return defineOf(node, text, override, exported);
    case 'override_directive': {
      const inner = children(node).find((child) => child.type !== 'override');
      return inner ? readStatement(inner, text, true, exported) : undefined;
    }
    case 'export_directive':
    case 'unexport_directive':
      return exportOf(node, text, override);
    case 'rule':
      return ruleOf(node, text);
    case 'include_directive':
      return includeOf(node);
    case 'conditional':
      return conditionalOf(node, text);
    default:
      return undefined;
  }
}

function exportOf(node: Node, text: string, override: boolean): Statement | undefined {
  const unexport = node.type === 'unexport_directive';
  const assignment = children(node).find((child) => child.type === 'variable_assignment' || child.type === 'shell_assignment' || child.type === 'define_directive');
  if (assignment && !unexport) return readStatement(assignment, text, override, true);
  const list = children(node).find((child) => child.type === 'list');
  return { kind: 'export', names: list?.text, unexport };
}

/** `NAME op value`, or target-specific `targets: [override|export|private] NAME op value`, from the text. */
function assignmentOf(text: string, start: number, end: number, override: boolean, exported: boolean): AssignStatement | undefined {
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

function commentStart(text: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '#') return i;
  }
  return end;
}

/** The end of a node's text without its final newline. */
function stripNewline(text: string, start: number, end: number): number {
  let stop = end;
  while (stop > start && (text[stop - 1] === '\n' || text[stop - 1] === '\r')) stop--;
  return stop;
}

function defineOf(node: Node, text: string, override: boolean, exported: boolean): AssignStatement | undefined {
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

function ruleOf(node: Node, text: string): Statement | undefined {
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

/** `$(…)` and `${…}` blanked, so separators inside references are not seen (offsets kept). */
function maskReferences(text: string): string {
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

function stripComment(text: string): string {
  const hash = commentStart(text, 0, text.length);
  return text.slice(0, hash);
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

function includeOf(node: Node): Statement {
  const keyword = node.child(0)?.text ?? 'include';
  const list = children(node).find((child) => child.type === 'list');
  return { kind: 'include', files: list?.text ?? '', optional: keyword !== 'include' };
}

const CONDITION_TYPES = new Set(['ifeq_directive', 'ifneq_directive', 'ifdef_directive', 'ifndef_directive']);

function conditionalOf(node: Node, text: string): Statement {
  const branches: ConditionalStatement['branches'] = [];
  let current: ConditionalStatement['branches'][number] | undefined;
  for (const child of children(node)) {
    if (CONDITION_TYPES.has(child.type)) {
      current = { test: testOf(child), body: [] };
      branches.push(current);
    } else if (child.type === 'elsif_directive') {
      const [condition, ...body] = children(child);
      branches.push({ test: condition ? testOf(condition) : { kind: 'invalid' }, body: readStatements(body, text) });
      current = undefined;
    } else if (child.type === 'else_directive') {
      branches.push({ test: undefined, body: readStatements(children(child), text) });
      current = undefined;
    } else if (current) {
      const statement = readStatement(child, text, false, false);
      if (statement) current.body.push(statement);
    }
  }
  return { kind: 'conditional', branches };
}

/** `ifeq (a,b)`, `ifeq "a" "b"`, `ifeq 'a' "b"`, `ifdef NAME`, from the directive's text. */
function testOf(node: Node): Test {
  const match = /^(ifeq|ifneq|ifdef|ifndef)\s+([\s\S]*?)\s*$/.exec(node.text.replace(/\s+#.*$/, ''));
  if (!match) return { kind: 'invalid' };
  const kind = match[1] as Test['kind'];
  const args = match[2];
  if (kind === 'ifdef' || kind === 'ifndef') return { kind, name: args.trim() };
  if (args.startsWith('(') && args.endsWith(')')) {
    const inner = args.slice(1, -1);
    const comma = topLevelIndex(inner, ',');
    if (comma < 0) return { kind: 'invalid' };
    return { kind, left: inner.slice(0, comma), right: inner.slice(comma + 1) };
  }
  const quoted = /^(["'])(.*?)\1\s+(["'])(.*?)\3$/s.exec(args);
  return quoted ? { kind, left: quoted[2], right: quoted[4] } : { kind: 'invalid' };
}

/** The first `char` outside `$(…)`/`${…}` and parentheses. */
function topLevelIndex(text: string, char: string, from = 0): number {
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
function matchingClose(text: string, open: number): number {
  const opener = text[open];
  const closer = opener === '(' ? ')' : '}';
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === opener) depth++;
    else if (text[i] === closer && --depth === 0) return i;
  }
  return -1;
}

// ---------------------------------------------------------------------------
// Variables.

type Origin = VariableOrigin['source'] | 'override';

interface MakeVariable {
  recursive: boolean;
  /** Raw text when recursive, expanded when simple; may hold UNKNOWN. */
  value: string;
  origin: Origin;
  definition?: { file: SourceFile; value: Span; line: Span; op: string };
  /** Explicit `export` (true) or `unexport` (false). */
  exported?: boolean;
}

interface Scope {
  get(name: string): MakeVariable | undefined;
  set(name: string, variable: MakeVariable): void;
}

function globalScope(): Scope & { names(): Iterable<string> } {
  const vars = new Map<string, MakeVariable>();
  return { get: (name) => vars.get(name), set: (name, variable) => void vars.set(name, variable), names: () => vars.keys() };
}

function childScope(parent: Scope): Scope & { local: Map<string, MakeVariable> } {
  const local = new Map<string, MakeVariable>();
  return { local, get: (name) => local.get(name) ?? parent.get(name), set: (name, variable) => void local.set(name, variable) };
}

/** make's built-in variables that matter for what recipes run (the rest expand to nothing). */
const DEFAULTS: Record<string, string> = {
  MAKE: 'make',
  SHELL: '/bin/sh',
  CC: 'cc',
  CXX: 'g++',
  CPP: '$(CC) -E',
  AR: 'ar',
  ARFLAGS: 'rv',
  AS: 'as',
  LD: 'ld',
  RM: 'rm -f',
  OUTPUT_OPTION: '-o $@',
  'COMPILE.c': '$(CC) $(CFLAGS) $(CPPFLAGS) $(TARGET_ARCH) -c',
  'COMPILE.cc': '$(CXX) $(CXXFLAGS) $(CPPFLAGS) $(TARGET_ARCH) -c',
  'COMPILE.cpp': '$(COMPILE.cc)',
  'LINK.c': '$(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) $(TARGET_ARCH)',
  'LINK.cc': '$(CXX) $(CXXFLAGS) $(CPPFLAGS) $(LDFLAGS) $(TARGET_ARCH)',
  'LINK.cpp': '$(LINK.cc)',
  'LINK.o': '$(CC) $(LDFLAGS) $(TARGET_ARCH)',
};

/** make's built-in pattern rules for C and C++ (suffix rules), in the order make tries them. */
const BUILTIN_RECIPES: { target: string; prerequisite: string; recipe: string }[] = [
  { target: '%.o', prerequisite: '%.c', recipe: '$(COMPILE.c) $(OUTPUT_OPTION) $<' },
  { target: '%.o', prerequisite: '%.cc', recipe: '$(COMPILE.cc) $(OUTPUT_OPTION) $<' },
  { target: '%.o', prerequisite: '%.cpp', recipe: '$(COMPILE.cpp) $(OUTPUT_OPTION) $<' },
  { target: '%', prerequisite: '%.o', recipe: '$(LINK.o) $^ $(LOADLIBES) $(LDLIBS) -o $@' },
  { target: '%', prerequisite: '%.c', recipe: '$(LINK.c) $^ $(LOADLIBES) $(LDLIBS) -o $@' },
  { target: '%', prerequisite: '%.cc', recipe: '$(LINK.cc) $^ $(LOADLIBES) $(LDLIBS) -o $@' },
  { target: '%', prerequisite: '%.cpp', recipe: '$(LINK.cpp) $^ $(LOADLIBES) $(LDLIBS) -o $@' },
];

// ---------------------------------------------------------------------------
// Expansion.

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

class Expander {
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

function splitArguments(text: string): string[] {
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

function words(text: string): string[] {
  return text.split(/[ \t\r\n]+/).filter(Boolean);
}

/** A `%` pattern against one word: the stem, or undefined. */
function stemOf(pattern: string, word: string): string | undefined {
  const percent = pattern.indexOf('%');
  if (percent < 0) return pattern === word ? '' : undefined;
  const prefix = pattern.slice(0, percent);
  const suffix = pattern.slice(percent + 1);
  if (word.length < prefix.length + suffix.length || !word.startsWith(prefix) || !word.endsWith(suffix)) return undefined;
  return word.slice(prefix.length, word.length - suffix.length);
}

function patsubst(pattern: string, replacement: string, text: string): string {
  return words(text)
    .map((word) => {
      const stem = stemOf(pattern, word);
      if (stem === undefined) return word;
      return pattern.includes('%') ? replacement.replace('%', stem) : replacement;
    })
    .join(' ');
}

/** The text functions whose arguments are all expanded first. */
function textFunction(name: string, args: string[]): string {
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

// ---------------------------------------------------------------------------
// Reading and running.

/** The files make can open: those the stage has from the build context. */
export interface MakeFiles {
  /** A file at an absolute stage path, when the stage copied it from the context. */
  read(stagePath: string): SourceFile | undefined;
  exists(stagePath: string): boolean;
}

export interface MakeRequest {
  /** make's working directory (`-C`, else the shell's). */
  dir: string;
  /** `-f` file as given; undefined: GNUmakefile, makefile, Makefile. */
  file: string | undefined;
  targets: readonly string[];
  /** `VAR=value` arguments (undefined value: unknown). */
  commandLine: ReadonlyMap<string, string | undefined>;
  /** The environment make runs in. */
  env: Environment;
}

/** One shell command line make runs. */
export interface RecipeLine {
  /** The shell text after make's expansion; unknown stretches hold UNKNOWN. */
  text: string;
  /** The file it is written in; for a built-in rule, the file of the target's rule line (undefined when there is none). */
  file: SourceFile | undefined;
  /** Where each stretch of `text` is written in `file` (negative `src`: written nowhere, a built-in recipe). */
  segments: Segment[];
  /** A built-in recipe's place: the rule line of the target that asked for it. */
  anchor: Span | undefined;
  /** The directory the shell runs in. */
  cwd: string;
  /** What the shell sees: the environment plus make's exported variables. */
  env: Environment;
  target: string;
  /** Every variable the line referenced, with its origin. */
  variables: VariableOrigin[];
  /** The origins of variables by name, for the words of this line. */
  originOf(name: string): VariableOrigin;
}

export interface MakeRun {
  /** The Makefile read; undefined when make ran with none (built-in rules only). */
  makefile: SourceFile | undefined;
  lines: RecipeLine[];
}

const MAKEFILE_NAMES = ['GNUmakefile', 'makefile', 'Makefile'];
const INCLUDE_DEPTH = 8;
const TARGET_DEPTH = 64;
const MAX_RECIPE_LINES = 1000;

/** What `make` runs for the request; undefined when the Makefile is not visible (or the make grammar not loaded). */
export function runMake(request: MakeRequest, files: MakeFiles): MakeRun | undefined {
  const makefile = findMakefile(request, files);
  if (request.file !== undefined && !makefile) return undefined;
  if (!makefile && request.targets.length === 0) return undefined;
  const make = new Make(request, files);
  if (makefile && !make.read(makefile, 0)) return undefined;
  const lines = make.run();
  return { makefile, lines };
}

function findMakefile(request: MakeRequest, files: MakeFiles): SourceFile | undefined {
  if (request.file !== undefined) return request.file === '-' ? undefined : files.read(path.posix.resolve(request.dir, request.file));
  for (const name of MAKEFILE_NAMES) {
    const file = files.read(path.posix.join(request.dir, name));
    if (file) return file;
  }
  return undefined;
}

interface Rule {
  targets: string[];
  prerequisites: string[];
  orderOnly: string[];
  recipe: RecipeText[];
  file: SourceFile | undefined;
  line: Span | undefined;
  double: boolean;
}

interface PatternRule extends Rule {
  /** Target patterns (`%.o`). */
  patterns: string[];
}

interface TargetAssignment {
  targets: string[];
  statement: AssignStatement;
  file: SourceFile;
  uncertain: boolean;
}

class Make {
  private readonly vars = globalScope();
  private readonly rules = new Map<string, Rule[]>();
  private readonly patterns: PatternRule[] = [];
  private readonly targetAssignments: TargetAssignment[] = [];
  private readonly special = new Set<string>();
  private readonly mentioned = new Set<string>();
  private defaultGoal: string | undefined;
  private exportAll = false;
  private readonly lines: RecipeLine[] = [];
  private readonly made = new Set<string>();

  constructor(
    private readonly request: MakeRequest,
    private readonly files: MakeFiles,
  ) {
    for (const [name, value] of Object.entries(DEFAULTS)) this.vars.set(name, { recursive: true, value, origin: 'default' });
    for (const [name, value] of request.env) {
      if (name === 'SHELL' || name === 'MAKEFLAGS') continue;
      this.vars.set(name, { recursive: true, value: value ?? UNKNOWN, origin: 'environment' });
    }
    for (const [name, value] of request.commandLine) this.vars.set(name, { recursive: true, value: value ?? UNKNOWN, origin: 'command-line' });
  }

  /** Reads a Makefile's statements into the variables and rules; false when it cannot be parsed. */
  read(file: SourceFile, depth: number): boolean {
    const statements = statementsOf(file.text);
    if (!statements) return false;
    this.statements(statements, file, depth, false);
    return true;
  }

  private expander(scope: Scope = this.vars): Expander {
    return new Expander(scope, new Map(), this.request.dir);
  }

  private statements(statements: readonly Statement[], file: SourceFile, depth: number, uncertain: boolean): void {
    for (const statement of statements) {
      switch (statement.kind) {
        case 'assign':
          if (statement.targets !== undefined) this.targetAssignment(statement, file, uncertain);
          else assign(this.vars, statement, file, this.expander(), uncertain);
          break;
        case 'export':
          this.export(statement);
          break;
        case 'include':
          this.include(statement, depth);
          break;
        case 'conditional':
          this.conditional(statement, file, depth, uncertain);
          break;
        case 'rule':
          this.rule(statement, file);
      }
    }
  }

  private targetAssignment(statement: AssignStatement, file: SourceFile, uncertain: boolean): void {
    const targets = words(this.expander().expand(statement.targets ?? ''));
    this.targetAssignments.push({ targets, statement, file, uncertain });
  }

  private export(statement: ExportStatement): void {
    if (statement.names === undefined) {
      this.exportAll = !statement.unexport;
      return;
    }
    for (const name of words(this.expander().expand(statement.names))) {
      const variable = this.vars.get(name);
      if (variable) variable.exported = !statement.unexport;
      else if (!statement.unexport) this.vars.set(name, { recursive: true, value: '', origin: 'undefined', exported: true });
    }
  }

  private include(statement: IncludeStatement, depth: number): void {
    if (depth >= INCLUDE_DEPTH) return;
    for (const name of words(this.expander().expand(statement.files))) {
      if (name.includes(UNKNOWN)) continue;
      const file = this.files.read(path.posix.resolve(this.request.dir, name));
      if (file) this.read(file, depth + 1);
    }
  }

  /** Picks the branch whose test holds; when a test cannot be decided, every branch counts, with the variables they set unknown. */
  private conditional(statement: ConditionalStatement, file: SourceFile, depth: number, uncertain: boolean): void {
    for (let i = 0; i < statement.branches.length; i++) {
      const branch = statement.branches[i];
      const holds = branch.test ? this.test(branch.test) : true;
      if (holds === false) continue;
      if (holds === true) {
        this.statements(branch.body, file, depth, uncertain);
        return;
      }
      for (const rest of statement.branches.slice(i)) this.statements(rest.body, file, depth, true);
      return;
    }
  }

  private test(test: Test): boolean | undefined {
    const expander = this.expander();
    if (test.kind === 'invalid') return undefined;
    if ('name' in test) {
      const name = expander.expand(test.name).trim();
      const variable = this.vars.get(name);
      if (name.includes(UNKNOWN) || variable?.value.includes(UNKNOWN)) return undefined;
      const defined = variable !== undefined && variable.origin !== 'undefined' && variable.value !== '';
      return defined === (test.kind === 'ifdef');
    }
    const left = expander.expand(test.left).trim();
    const right = expander.expand(test.right).trim();
    if (left.includes(UNKNOWN) || right.includes(UNKNOWN)) return undefined;
    return (left === right) === (test.kind === 'ifeq');
  }

  private rule(statement: RuleStatement, file: SourceFile): void {
    const expander = this.expander();
    const targets = words(expander.expand(statement.targets));
    if (targets.length === 0) return;
    const prerequisites = words(expander.expand(statement.prerequisites));
    const orderOnly = words(expander.expand(statement.orderOnly));
    for (const name of [...prerequisites, ...orderOnly]) this.mentioned.add(name);
    const base = { orderOnly, recipe: statement.recipe, file, line: statement.line, double: statement.double };
    if (statement.targetPattern !== undefined) {
      const pattern = expander.expand(statement.targetPattern).trim();
      for (const target of targets) {
        const stem = stemOf(pattern, target);
        if (stem === undefined) continue;
        this.addRule(target, { ...base, targets: [target], prerequisites: prerequisites.map((p) => p.replace('%', stem)) });
      }
      return;
    }
    if (targets.some((target) => target.includes('%'))) {
      this.patterns.push({ ...base, targets, patterns: targets, prerequisites });
      return;
    }
    for (const target of targets) {
      if (target.startsWith('.') && !target.includes('/')) {
        this.special.add(target);
        if (target === '.EXPORT_ALL_VARIABLES') this.exportAll = true;
        continue;
      }
      this.defaultGoal ??= target;
      this.addRule(target, { ...base, targets, prerequisites });
    }
  }

  private addRule(target: string, rule: Rule): void {
    const existing = this.rules.get(target);
    if (existing) existing.push(rule);
    else this.rules.set(target, [rule]);
  }

  run(): RecipeLine[] {
    const goal = this.vars.get('.DEFAULT_GOAL');
    const goals = this.request.targets.length > 0 ? this.request.targets : goal && goal.value.trim() ? [this.expander().expand(goal.value).trim()] : this.defaultGoal ? [this.defaultGoal] : [];
    for (const target of goals) this.make(target, [], 0);
    return this.lines;
  }

  /** Makes a target: its prerequisites first, then its recipe (every target is taken as out of date). */
  private make(target: string, inherited: readonly TargetAssignment[], depth: number): void {
    if (this.made.has(target) || depth > TARGET_DEPTH || target.includes(UNKNOWN) || this.lines.length >= MAX_RECIPE_LINES) return;
    this.made.add(target);
    const explicit = this.rules.get(target) ?? [];
    const assignments = [...inherited, ...this.targetAssignments.filter((a) => a.targets.some((pattern) => stemOf(pattern, target) !== undefined))];
    const doubleColon = explicit.filter((rule) => rule.double);
    if (doubleColon.length > 0) {
      for (const rule of doubleColon) this.runRule(target, rule, rule.prerequisites, '', assignments, depth);
      return;
    }
    const prerequisites = explicit.flatMap((rule) => rule.prerequisites);
    const orderOnly = explicit.flatMap((rule) => rule.orderOnly);
    // The last rule with a recipe wins, as in make (which warns about the others).
    const withRecipe = [...explicit].reverse().find((rule) => rule.recipe.length > 0);
    if (withRecipe) {
      this.runRule(target, { ...withRecipe, orderOnly }, prerequisites, stemFor(withRecipe, target), assignments, depth);
      return;
    }
    const implicit = this.implicitRule(target, prerequisites);
    if (implicit) {
      // A built-in rule is written nowhere: its commands are placed on the target's own rule line, when there is one.
      const placement = implicit.rule.file ? {} : { file: explicit[0]?.file, line: explicit[0]?.line };
      const rule = { ...implicit.rule, ...placement, orderOnly };
      this.runRule(target, rule, [...implicit.prerequisites, ...prerequisites.filter((p) => !implicit.prerequisites.includes(p))], implicit.stem, assignments, depth);
      return;
    }
    for (const prerequisite of [...prerequisites, ...orderOnly]) this.make(prerequisite, assignments, depth + 1);
  }

  private runRule(target: string, rule: Rule, prerequisites: readonly string[], stem: string, assignments: readonly TargetAssignment[], depth: number): void {
    for (const prerequisite of [...prerequisites, ...rule.orderOnly]) this.make(prerequisite, assignments, depth + 1);
    if (rule.recipe.length === 0) return;
    const scope = this.targetScope(assignments);
    const automatic = new Map([
      ['@', target],
      ['<', prerequisites[0] ?? ''],
      ['^', [...new Set(prerequisites)].join(' ')],
      ['+', prerequisites.join(' ')],
      ['?', [...new Set(prerequisites)].join(' ')],
      ['*', stem],
      ['|', [...new Set(rule.orderOnly)].join(' ')],
    ]);
    const expander = new Expander(scope, automatic, this.request.dir);
    const env = this.environment(scope, expander);
    const expanded = rule.recipe.map((line) => expander.expandTracked(line.text, line.start));
    const oneShell = this.special.has('.ONESHELL');
    const groups = oneShell ? [joinLines(expanded)] : expanded;
    // A built-in recipe is written nowhere: it is placed on the rule line that asked for it.
    const anchor = rule.recipe.some((line) => line.start < 0) ? rule.line : undefined;
    for (const { text, segments } of groups) this.lines.push(this.recipeLine(text, rule.line ? rule.file : undefined, segments, anchor, env, target, scope));
  }

  private recipeLine(text: string, file: SourceFile | undefined, segments: Segment[], anchor: Span | undefined, env: Environment, target: string, scope: Scope): RecipeLine {
    const origins = new Map<string, VariableOrigin>();
    const originOf = (name: string): VariableOrigin => {
      let origin = origins.get(name);
      if (!origin) origins.set(name, (origin = originFrom(name, scope.get(name))));
      return origin;
    };
    const names = [...new Set(segments.flatMap((segment) => segment.reads ?? []))];
    return { text, file, segments, anchor, cwd: this.request.dir, env, target, variables: names.map(originOf), originOf };
  }

  /** Global variables with the target-specific assignments of the target (and of the targets that led to it) applied. */
  private targetScope(assignments: readonly TargetAssignment[]): Scope {
    if (assignments.length === 0) return this.vars;
    const scope = childScope(this.vars);
    for (const assignment of assignments) assign(scope, assignment.statement, assignment.file, new Expander(scope, new Map(), this.request.dir), assignment.uncertain);
    return scope;
  }

  /** make exports variables from the environment and the command line, and those marked `export` (all of them after `export` alone). */
  private environment(scope: Scope, expander: Expander): Environment {
    const env = new Map<string, string | undefined>();
    const names = new Set([...this.vars.names(), ...('local' in scope ? (scope as { local: Map<string, MakeVariable> }).local.keys() : [])]);
    for (const name of names) {
      const variable = scope.get(name);
      if (!variable || !/^[A-Za-z_]\w*$/.test(name)) continue;
      const exported = variable.exported ?? (variable.origin === 'environment' || variable.origin === 'command-line' || (this.exportAll && variable.origin !== 'default'));
      if (!exported || variable.origin === 'undefined') continue;
      const value = variable.recursive ? expander.expand(variable.value) : variable.value;
      env.set(name, value.includes(UNKNOWN) ? undefined : value);
    }
    return env;
  }

  private implicitRule(target: string, explicitPrerequisites: readonly string[]): { rule: Rule; prerequisites: string[]; stem: string } | undefined {
    const candidates = [...this.patterns, ...BUILTIN_RULES];
    const matches = candidates.flatMap((rule) => {
      const stem = rule.patterns.map((pattern) => stemOf(pattern, target)).find((s) => s !== undefined);
      if (stem === undefined || rule.recipe.length === 0) return [];
      return [{ rule, stem, prerequisites: rule.prerequisites.map((p) => p.replace('%', stem)) }];
    });
    const direct = (name: string) => this.canMake(name) || explicitPrerequisites.includes(name);
    // make prefers a rule whose prerequisites exist or are mentioned over one that needs another implicit rule first.
    return (
      matches.find((match) => match.prerequisites.every(direct)) ??
      matches.find((match) => match.prerequisites.every((p) => direct(p) || this.chainable(p)))
    );
  }

  private canMake(name: string): boolean {
    return this.rules.has(name) || this.mentioned.has(name) || this.files.exists(path.posix.resolve(this.request.dir, name));
  }

  private chainable(name: string): boolean {
    return [...this.patterns, ...BUILTIN_RULES].some((rule) => {
      const stem = rule.patterns.map((pattern) => stemOf(pattern, name)).find((s) => s !== undefined);
      return stem !== undefined && rule.prerequisites.every((p) => this.canMake(p.replace('%', stem)));
    });
  }
}

// A negative start marks recipe text that is not in any file.
const BUILTIN_RULES: readonly PatternRule[] = BUILTIN_RECIPES.map((rule) => ({
  targets: [rule.target],
  patterns: [rule.target],
  prerequisites: [rule.prerequisite],
  orderOnly: [],
  recipe: [{ text: rule.recipe, start: -1_000_000 }],
  file: undefined,
  line: undefined,
  double: false,
}));

function stemFor(rule: Rule, target: string): string {
  const pattern = (rule as Partial<PatternRule>).patterns?.find((p) => stemOf(p, target) !== undefined);
  return pattern ? (stemOf(pattern, target) ?? '') : '';
}

/** `.ONESHELL`: the recipe's lines go to one shell, joined by newlines. */
function joinLines(lines: readonly { text: string; segments: Segment[] }[]): { text: string; segments: Segment[] } {
  let text = '';
  const segments: Segment[] = [];
  lines.forEach((line, index) => {
    if (index > 0) text += '\n';
    const shift = text.length;
    for (const segment of line.segments) segments.push({ ...segment, out: segment.out + shift, outEnd: segment.outEnd + shift });
    text += line.text;
  });
  return { text, segments };
}

/** Applies one assignment, as make does at the point it reads it. */
function assign(scope: Scope, statement: AssignStatement, file: SourceFile, expander: Expander, uncertain: boolean): void {
  const name = expander.expand(statement.name).trim();
  if (name === '' || name.includes(UNKNOWN)) return;
  const existing = scope.get(name);
  // A variable make got from the environment or its command line stays exported with its new value.
  const inherited = existing?.origin === 'environment' || existing?.origin === 'command-line' ? true : undefined;
  const exported = statement.exported ? true : (existing?.exported ?? inherited);
  const protectedValue = existing && (existing.origin === 'command-line' || existing.origin === 'override') && !statement.override;
  if (protectedValue) {
    if (statement.exported) existing.exported = true;
    return;
  }
  // Built-in defaults count as defined: `CC ?= gcc` keeps make's `cc`.
  if (statement.op === '?=' && existing && existing.origin !== 'undefined') {
    if (statement.exported) existing.exported = true;
    return;
  }
  const definition = { file, value: statement.valueSpan, line: statement.line, op: statement.op };
  const origin: Origin = statement.override ? 'override' : 'makefile';
  if (uncertain) {
    scope.set(name, { recursive: false, value: UNKNOWN, origin, definition, exported });
    return;
  }
  switch (statement.op) {
    case '+=': {
      if (!existing || existing.origin === 'undefined') {
        scope.set(name, { recursive: true, value: statement.value, origin, definition, exported });
        break;
      }
      const addition = existing.recursive ? statement.value : expander.expand(statement.value);
      const value = existing.value === '' ? addition : `${existing.value} ${addition}`;
      scope.set(name, { recursive: existing.recursive, value, origin, definition, exported });
      break;
    }
    case ':=':
    case '::=':
    case ':::=':
      scope.set(name, { recursive: false, value: expander.expand(statement.value), origin, definition, exported });
      break;
    case '!=':
      scope.set(name, { recursive: false, value: UNKNOWN, origin, definition, exported });
      break;
    default:
      scope.set(name, { recursive: true, value: statement.value, origin, definition, exported });
  }
}

function originFrom(name: string, variable: MakeVariable | undefined): VariableOrigin {
  if (!variable) return { variable: name, source: 'undefined' };
  const source = variable.origin === 'override' ? 'makefile' : variable.origin;
  const definition = variable.definition;
  if (!definition || source !== 'makefile') return { variable: name, source };
  const { file } = definition;
  return {
    variable: name,
    source: 'makefile',
    operator: definition.op,
    definition: { path: file.path, range: rangeIn(file, definition.value.start, definition.value.end) },
    assignment: { path: file.path, range: rangeIn(file, definition.line.start, definition.line.end) },
  };
}

// ---------------------------------------------------------------------------
// Mapping shell offsets of a recipe line back to its file.

/** The file range of expanded offsets `start`–`end`; undefined when that text is not written in a file (a built-in recipe). */
export function recipeRange(line: RecipeLine, start: number, end: number): Range | undefined {
  const span = recipeSpan(line, start, end);
  return span && line.file ? rangeIn(line.file, span.start, span.end) : undefined;
}

/** Where a command at `start`–`end` is reported: its range, or for a built-in recipe the rule line that asked for it. */
export function recipeLocation(line: RecipeLine, start: number, end: number): Range | undefined {
  const range = recipeRange(line, start, end);
  if (range || !line.file || !line.anchor) return range;
  return rangeIn(line.file, line.anchor.start, line.anchor.end);
}

/** The written text of expanded offsets `start`–`end`. */
export function recipeSource(line: RecipeLine, start: number, end: number): string {
  const span = recipeSpan(line, start, end);
  return span && line.file ? line.file.text.slice(span.start, span.end) : line.text.slice(start, end);
}

/** The variables whose expansion produced expanded offsets `start`–`end`. */
export function recipeOrigins(line: RecipeLine, start: number, end: number): VariableOrigin[] {
  const names = line.segments.filter((segment) => segment.reads && segment.out < end && segment.outEnd > start).flatMap((segment) => segment.reads ?? []);
  return [...new Set(names)].map((name) => line.originOf(name));
}

function recipeSpan(line: RecipeLine, start: number, end: number): Span | undefined {
  const first = line.segments.find((segment) => segment.outEnd > start || (segment.out === start && segment.outEnd === start));
  const last = [...line.segments].reverse().find((segment) => segment.out < end || (segment.out === end && segment.outEnd === end));
  if (!first || !last || first.src < 0 || last.src < 0) return undefined;
  const from = sameLength(first) ? first.src + Math.max(0, start - first.out) : first.src;
  const to = sameLength(last) ? last.src + Math.min(last.outEnd, end) - last.out : last.srcEnd;
  return { start: from, end: Math.max(from, to) };
}

function sameLength(segment: Segment): boolean {
  return segment.outEnd - segment.out === segment.srcEnd - segment.src;
}
