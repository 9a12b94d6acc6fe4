// The state of a shell while a RUN is interpreted: directory, exported and plain variables, functions.
import type { TextSource } from './interpret';
import { resolvePath } from './paths';
import type { Assignment, ShellEvent } from './shell-events';
import { wordValue, type RawWord } from './shell-words';
import type { CommandWord, Environment } from './types';

export interface ShellState {
  cwd: string | undefined;
  env: ReadonlyMap<string, string | undefined>;
  /** Unexported shell variables: they expand, but programs do not see them. */
  vars: ReadonlyMap<string, string | undefined>;
  /** Shell functions defined so far: their bodies run where they are called. */
  functions: ReadonlyMap<string, { body: ShellEvent[]; source: TextSource }>;
}

// The maps of a ShellState are never changed in place, only replaced: commands and
// subshells share them without copying.

export function withValue(map: ReadonlyMap<string, string | undefined>, name: string, value: string | undefined): Map<string, string | undefined> {
  return new Map(map).set(name, value);
}

export function without(map: ReadonlyMap<string, string | undefined>, names: readonly string[]): Map<string, string | undefined> {
  const copy = new Map(map);
  for (const name of names) copy.delete(name);
  return copy;
}

export function valuesOf(state: ShellState): Environment {
  return state.vars.size === 0 ? state.env : new Map([...state.env, ...state.vars]);
}

export function setVariable(state: ShellState, name: string, value: RawWord | undefined): void {
  const resolvedValue = value ? wordValue(value, valuesOf(state)) : '';
  if (state.env.has(name)) state.env = withValue(state.env, name, resolvedValue);
  else state.vars = withValue(state.vars, name, resolvedValue);
}

export function exportVariables(state: ShellState, event: { assignments: Assignment[]; names: string[] }): void {
  for (const { name, value } of event.assignments) state.env = withValue(state.env, name, value ? wordValue(value, valuesOf(state)) : '');
  for (const name of event.names) {
    if (state.vars.has(name)) state.env = withValue(state.env, name, state.vars.get(name));
  }
  state.vars = without(state.vars, event.names);
}

/** `cd` changes the directory for the rest of the RUN (or of the subshell). */
export function applyBuiltin(state: ShellState, argv: readonly string[], words: readonly CommandWord[]): void {
  const name = argv[0];
  if (name !== 'cd' && name !== 'pushd') return;
  const args = words.slice(1).filter((word) => word.value !== '-P' && word.value !== '-L' && word.value !== '--');
  const target = args[0];
  state.cwd = !target || target.value === '-' ? undefined : resolvePath(state.cwd, target.value);
}
