// Make variables: scopes (global, target-specific, `call`/`foreach` locals) and assignments as make applies them.
import type { VariableOrigin } from '../builds/types';
import { rangeIn, type SourceFile } from '../scripts';
import type { Expander } from './expand';
import type { AssignStatement, Span } from './statements';
import { UNKNOWN } from './text';

export type Origin = VariableOrigin['source'] | 'override';

export interface MakeVariable {
  recursive: boolean;
  /** Raw text when recursive, expanded when simple; may hold UNKNOWN. */
  value: string;
  origin: Origin;
  definition?: { file: SourceFile; value: Span; line: Span; op: string };
  /** Explicit `export` (true) or `unexport` (false). */
  exported?: boolean;
}

export interface Scope {
  get(name: string): MakeVariable | undefined;
  set(name: string, variable: MakeVariable): void;
}

/** The Makefile's own variables; `names` lists them for make's exports. */
export type GlobalScope = Scope & { names(): Iterable<string> };

export function globalScope(): GlobalScope {
  const vars = new Map<string, MakeVariable>();
  return { get: (name) => vars.get(name), set: (name, variable) => void vars.set(name, variable), names: () => vars.keys() };
}

export function childScope(parent: Scope): Scope & { local: Map<string, MakeVariable> } {
  const local = new Map<string, MakeVariable>();
  return { local, get: (name) => local.get(name) ?? parent.get(name), set: (name, variable) => void local.set(name, variable) };
}

/** Applies one assignment, as make does at the point it reads it. */
export function assign(scope: Scope, statement: AssignStatement, file: SourceFile, expander: Expander, uncertain: boolean): void {
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

export function originFrom(name: string, variable: MakeVariable | undefined): VariableOrigin {
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
