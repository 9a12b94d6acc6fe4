// Shell text parsed with tree-sitter-bash (web-tree-sitter). Initialised once,
// asynchronously; after that every parse is synchronous.
import type { Node, Tree } from 'web-tree-sitter';
import { loadGrammars, parserFor } from './grammars';

export function initShellParser(): Promise<void> {
  return loadGrammars(['bash']);
}

/**
 * Trees live in wasm memory until deleted. Several rules read the same RUN text on
 * every keystroke, so trees are kept by text and the least recently used are freed.
 */
const TREE_CACHE_LIMIT = 1024;
const trees = new Map<string, Tree>();

/** The parsed tree's root. Owned by the cache: callers must not delete its tree. */
export function parseShell(text: string): Node {
  const cached = trees.get(text);
  if (cached) {
    trees.delete(text);
    trees.set(text, cached);
    return cached.rootNode;
  }
  const parser = parserFor('bash');
  if (!parser) throw new Error('initShellParser() must complete before parsing shell text');
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter-bash returned no tree');
  trees.set(text, tree);
  if (trees.size > TREE_CACHE_LIMIT) {
    const [oldest, evicted] = trees.entries().next().value as [string, Tree];
    trees.delete(oldest);
    evicted.delete();
  }
  return tree.rootNode;
}

/**
 * What a shell command line is, for exec-form conversion:
 * - `simple`: words only; `words` are the argv after quote removal.
 * - `expanding`: one command without pipes, lists or redirects, but with expansions or globs.
 * - `complex`: anything else; `feature` names what prevents conversion.
 */
export type ShellShape = { root: Node } & (
  | { kind: 'simple'; words: string[] }
  | { kind: 'expanding'; feature: string }
  | { kind: 'complex'; feature: string }
);

const COMPLEX_FEATURES: Record<string, string> = {
  pipeline: 'a pipeline',
  list: 'a command list (&&, ||)',
  subshell: 'a subshell',
  compound_statement: 'a command group',
  redirected_statement: 'a redirection',
  file_redirect: 'a redirection',
  heredoc_redirect: 'a here-document',
  herestring_redirect: 'a here-string',
  variable_assignment: 'a variable assignment',
  variable_assignments: 'a variable assignment',
  negated_command: 'a negation (!)',
  if_statement: 'an if statement',
  for_statement: 'a loop',
  c_style_for_statement: 'a loop',
  while_statement: 'a loop',
  case_statement: 'a case statement',
  function_definition: 'a function definition',
  declaration_command: 'a declaration',
  test_command: 'a test expression',
  comment: 'a comment',
  ERROR: 'a shell syntax error',
};

const EXPANDING_FEATURES: Record<string, string> = {
  simple_expansion: 'a variable expansion',
  expansion: 'a variable expansion',
  command_substitution: 'a command substitution',
  arithmetic_expansion: 'an arithmetic expansion',
  process_substitution: 'a process substitution',
  brace_expression: 'a brace expansion',
  ansi_c_string: 'an ANSI-C quoted string',
  translated_string: 'a translated string',
};

export function shapeOf(text: string): ShellShape {
  const root = parseShell(text);
  const statements = root.namedChildren.filter((node): node is Node => node !== null);
  const complex = findFeature(root, COMPLEX_FEATURES) ?? (root.children.some((child) => child?.type === '&') ? 'a background job (&)' : undefined);
  if (complex) return { root, kind: 'complex', feature: complex };
  if (statements.length !== 1 || statements[0].type !== 'command') {
    return { root, kind: 'complex', feature: statements.length === 0 ? 'an empty command' : 'several commands' };
  }
  const expanding = findFeature(root, EXPANDING_FEATURES) ?? globIn(statements[0]);
  if (expanding) return { root, kind: 'expanding', feature: expanding };
  const words = statements[0].namedChildren.filter((node): node is Node => node !== null).map(wordValue);
  return { root, kind: 'simple', words };
}

function findFeature(node: Node, features: Record<string, string>): string | undefined {
  if (node.type in features) return features[node.type];
  if (node.isMissing) return features.ERROR;
  for (const child of node.children) {
    const found = child && findFeature(child, features);
    if (found) return found;
  }
  return undefined;
}

/** Unquoted glob characters or a leading tilde are expanded by the shell. */
function globIn(command: Node): string | undefined {
  for (const word of command.descendantsOfType('word')) {
    if (!word || word.parent?.type === 'string') continue;
    const unescaped = word.text.replace(/\\./gs, '');
    if (/[*?[]/.test(unescaped)) return 'a glob pattern';
    if (unescaped.startsWith('~')) return 'a tilde expansion';
  }
  return undefined;
}

/** The argv value of a command_name, word, string, raw_string, number or concatenation. */
export function wordValue(node: Node): string {
  switch (node.type) {
    case 'command_name':
    case 'concatenation':
      return node.children.map((child) => (child ? wordValue(child) : '')).join('');
    case 'raw_string':
      return node.text.slice(1, -1);
    case 'string':
      return unescapeDoubleQuoted(node.text.slice(1, -1));
    default:
      return unescapeUnquoted(node.text);
  }
}

function unescapeUnquoted(text: string): string {
  return text.replace(/\\\r?\n/g, '').replace(/\\(.)/gs, '$1');
}

function unescapeDoubleQuoted(text: string): string {
  return text.replace(/\\\r?\n/g, '').replace(/\\([$`"\\])/g, '$1');
}
