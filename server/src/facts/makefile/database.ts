// What reading a Makefile (and what it includes) leaves for running it: variables and rules.
import type { SourceFile } from '../scripts';
import type { AssignStatement, RecipeText, Span } from './statements';
import type { GlobalScope } from './variables';

export interface Rule {
  targets: string[];
  prerequisites: string[];
  orderOnly: string[];
  recipe: RecipeText[];
  file: SourceFile | undefined;
  line: Span | undefined;
  double: boolean;
}

export interface PatternRule extends Rule {
  /** Target patterns (`%.o`). */
  patterns: string[];
}

export interface TargetAssignment {
  targets: string[];
  statement: AssignStatement;
  file: SourceFile;
  uncertain: boolean;
}

export interface Database {
  vars: GlobalScope;
  /** Explicit rules by target. */
  rules: ReadonlyMap<string, Rule[]>;
  patterns: readonly PatternRule[];
  targetAssignments: readonly TargetAssignment[];
  /** Special targets (`.PHONY`, `.ONESHELL`…). */
  special: ReadonlySet<string>;
  /** Prerequisites named by some rule: make can consider them made. */
  mentioned: ReadonlySet<string>;
  /** The first ordinary target. */
  defaultGoal: string | undefined;
  /** `export` alone or `.EXPORT_ALL_VARIABLES`. */
  exportAll: boolean;
}
