// The tree-sitter-make parse reduced to plain statements, cached by file text (the tree is deleted at once).
import type { Node } from 'web-tree-sitter';
import { parserFor } from '../../parse/grammars';
import { assignmentOf, children, defineOf, includeOf, ruleOf } from './parse-lines';
import type { ConditionalStatement, Statement, Test } from './statements';
import { topLevelIndex } from './text';

const MODEL_CACHE_LIMIT = 128;
const models = new Map<string, Statement[]>();
let makeParses = 0;

/** How many Makefile texts were parsed so far (tests check the cache with it). */
export function makefileParseCount(): number {
  return makeParses;
}

/** The statements of a Makefile text; undefined when the make grammar is not loaded. */
export function statementsOf(text: string): Statement[] | undefined {
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
