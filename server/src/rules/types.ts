// What a rule is and what it returns. Plain data: no LSP connection, no VS Code.
import type { Range } from 'vscode-languageserver-textdocument';
import type { Facts } from '../facts/model';
import type { Severity } from '../shared/protocol';

export type { Range };
export type FindingSeverity = Exclude<Severity, 'off'>;

export interface RuleMeta {
  code: string;
  /** kebab-case, stable: users and tests refer to it. */
  name: string;
  severity: FindingSeverity;
  fixable: boolean;
  /** One line for tables and SARIF shortDescription. */
  summary: string;
}

/** An edit; `path` undefined means the analysed Dockerfile itself. */
export interface FileEdit {
  path?: string;
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: FileEdit[];
  /** A structural rewrite the user must choose: never preferred, never applied by fix-all. */
  manual?: boolean;
}

export interface Finding {
  code: string;
  /** The file the range is in, relative to the Dockerfile's folder; undefined: the Dockerfile. */
  path?: string;
  range: Range;
  /** What is wrong, why it matters, what to do. */
  message: string;
  /** The first fix is the preferred one. */
  fixes: Fix[];
  /** Overrides the rule's default severity (e.g. SLIM005 is info when sources are not visible). */
  severity?: FindingSeverity;
}

export interface Rule {
  meta: RuleMeta;
  check(facts: Facts): Finding[];
}
