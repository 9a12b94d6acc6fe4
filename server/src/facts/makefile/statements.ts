// A Makefile's statements as written: context-free, cached by text, evaluated on every analysis.

export interface Span {
  start: number;
  end: number;
}

export interface AssignStatement {
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

export interface RecipeText {
  /** The shell text of one recipe line, prefixes `@`, `-`, `+` removed. */
  text: string;
  start: number;
}

export interface RuleStatement {
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

export interface IncludeStatement {
  kind: 'include';
  files: string;
  optional: boolean;
}

export interface ExportStatement {
  kind: 'export';
  /** undefined: `export`/`unexport` alone (all variables). */
  names: string | undefined;
  unexport: boolean;
}

export type Test = { kind: 'ifeq' | 'ifneq'; left: string; right: string } | { kind: 'ifdef' | 'ifndef'; name: string } | { kind: 'invalid' };

export interface ConditionalStatement {
  kind: 'conditional';
  /** `test` undefined: the `else` branch. */
  branches: { test: Test | undefined; body: Statement[] }[];
}

export type Statement = AssignStatement | RuleStatement | IncludeStatement | ExportStatement | ConditionalStatement;
