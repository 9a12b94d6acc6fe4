// Interpreting a RUN: its shell events in the stage's context, commands with their
// words' values, environment and directory; builds recorded and, with a context, followed.
import path from 'node:path';
import type { Instruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-textdocument';
import { commandOf, offsetAt, positionAt, type ParsedDockerfile } from '../../parse/dockerfile';
import type { Stage } from '../model';
import { MAX_INDIRECT_DEPTH } from '../scripts';
import { classify } from './classify';
import type { Resolver } from './resolver';
import { scriptEvents, type ShellEvent } from './shell-events';
import { applyBuiltin, exportVariables, setVariable, valuesOf, withValue, without, type ShellState } from './shell-state';
import { wordValue } from './shell-words';
import type { StageState } from './stage-scan';
import type { BuildCommand, CommandWord, Environment, FileLocation, ResolvedCommand, VariableOrigin } from './types';
import { unwrap } from './wrappers';

const SH_LIKE = /^(sh|bash|ash|dash|zsh|ksh|mksh|busybox)$/;

export interface RunContext {
  stage: Stage;
  instruction: Instruction;
  stageState: StageState;
  /** Follows make and scripts into the build context; undefined without one. */
  resolver: Resolver | undefined;
  /** Where the builds found go, in the order they run. */
  builds: BuildCommand[];
}

/** Where interpreted shell text is written: how its offsets map to ranges, and how it was reached. */
export interface TextSource {
  /** The range reported as the command's (always in the Dockerfile). */
  command(start: number, end: number): Range;
  insertAt(start: number): Range['start'] | undefined;
  word(start: number, end: number, written: string): Omit<CommandWord, 'value'>;
  /** Set for text in another file. */
  location?(start: number, end: number): FileLocation | undefined;
  /** Recipe lines: the variables the line referenced. */
  variables?: VariableOrigin[];
  /** The RUN-level command that led here; undefined in the RUN itself. */
  via?: BuildCommand;
  depth: number;
  /** Context paths of the scripts being run, outermost first (a script running itself is not followed again). */
  chain: readonly string[];
  /** `make VAR=value` arguments of the enclosing make: recursive makes get them through MAKEFLAGS. */
  makeVariables?: ReadonlyMap<string, string | undefined>;
}

function dockerfileSource(rangeOf: (start: number, end: number) => Range, exact: ((start: number, end: number) => Range) | undefined): TextSource {
  return {
    command: rangeOf,
    insertAt: (start) => exact?.(start, start).start,
    word: (start, end, written) => ({ text: written, range: exact?.(start, end) }),
    depth: 0,
    chain: [],
  };
}

export function runCommands(doc: ParsedDockerfile, run: RunContext): ResolvedCommand[] {
  const command = commandOf(doc, run.instruction);
  if (!command) return [];
  const stageState = run.stageState;
  const shellState: ShellState = { cwd: stageState.workdir, env: new Map(stageState.env), vars: new Map(), functions: new Map() };
  if (command.form === 'exec') {
    const argv = command.argv ?? [];
    const script = shellScriptArgument(argv);
    const source = dockerfileSource(() => command.range, undefined);
    if (script === undefined) {
      const words = argv.map((value) => ({ value, text: value, range: undefined }));
      const resolvedCommand = resolved(run, shellState, words, shellState.env, command.range, undefined, source);
      afterCommand(run, resolvedCommand, shellState, source);
      return [resolvedCommand];
    }
    return interpret(run, scriptEvents(script, doc.escapeChar), shellState, source);
  }
  const shell = stageState.shell;
  if (shell && !SH_LIKE.test(path.posix.basename(shell[0] ?? ''))) return [];
  const events = scriptEvents(command.text, doc.escapeChar);
  const base = offsetAt(doc, command.range.start);
  const at = (start: number, end: number) => ({ start: positionAt(doc, base + start), end: positionAt(doc, base + end) });
  return interpret(run, events, shellState, dockerfileSource(at, at));
}

/** `["/bin/sh", "-c", "script"]`: the script. */
function shellScriptArgument(argv: readonly string[]): string | undefined {
  if (!SH_LIKE.test(path.posix.basename(argv[0] ?? ''))) return undefined;
  const flag = argv.findIndex((arg, index) => index > 0 && /^-\w*c\w*$/.test(arg));
  return flag > 0 ? argv[flag + 1] : undefined;
}

export function interpret(run: RunContext, events: readonly ShellEvent[], state: ShellState, source: TextSource): ResolvedCommand[] {
  const commands: ResolvedCommand[] = [];
  const saved: ShellState[] = [];
  let current = state;
  for (const event of events) {
    switch (event.type) {
      case 'push':
        saved.push(current);
        current = { ...current };
        break;
      case 'pop':
        current = saved.pop() ?? current;
        break;
      case 'assign':
        for (const { name, value } of event.assignments) setVariable(current, name, value);
        break;
      case 'export':
        exportVariables(current, event);
        break;
      case 'unset':
        current.env = without(current.env, event.names);
        current.vars = without(current.vars, event.names);
        break;
      case 'function':
        current.functions = new Map(current.functions).set(event.name, { body: event.body, source });
        break;
      case 'command': {
        const command = commandFrom(run, current, event, source);
        commands.push(command);
        commands.push(...afterCommand(run, command, current, source));
      }
    }
  }
  return commands;
}

/** A command's effects beyond its own words: a shell function's body runs; a build is recorded and, when indirect, followed. */
function afterCommand(run: RunContext, command: ResolvedCommand, state: ShellState, source: TextSource): ResolvedCommand[] {
  const fn = state.functions.get(command.argv[0] ?? '');
  if (fn) return fn.source.depth < MAX_INDIRECT_DEPTH ? interpret(run, fn.body, state, { ...fn.source, depth: fn.source.depth + 1 }) : [];
  const build = classify(command);
  if (!build) return [];
  run.builds.push(build);
  if (build.kind === 'indirect') run.resolver?.resolve(run, build, state, source);
  return [];
}

function commandFrom(run: RunContext, state: ShellState, event: Extract<ShellEvent, { type: 'command' }>, source: TextSource): ResolvedCommand {
  const values = valuesOf(state);
  let env = state.env;
  for (const { name, value } of event.assignments) env = withValue(env, name, value ? wordValue(value, values) : '');
  const words = event.words.map((word) => ({ value: wordValue(word, values), ...source.word(word.start, word.end, word.text) }));
  const command = resolved(run, state, words, env, source.command(event.start, event.end), event.uncertain ? undefined : source.insertAt(event.start), source, event);
  applyBuiltin(state, command.argv, words);
  return command;
}

function resolved(run: RunContext, state: ShellState, allWords: CommandWord[], outerEnv: Environment, range: Range, insertAt: Range['start'] | undefined, source: TextSource, at?: { start: number; end: number }): ResolvedCommand {
  const { words, env } = unwrap(allWords, outerEnv);
  const goCommand = path.posix.basename(words[0]?.value ?? '').replace(/^xx-/, '') === 'go';
  if (goCommand) recordGoEnv(run.stageState.goEnv, words);
  // `go env -w` settings apply to the go command like environment variables (which override them).
  const commandEnv = goCommand && run.stageState.goEnv.size > 0 ? new Map([...run.stageState.goEnv, ...env]) : env;
  const argv = words.map((word) => word.value ?? word.text);
  const location = at && source.location?.(at.start, at.end);
  // One object shape for every command: builds copy them by spreading, which is fast only for a shared shape.
  return { stage: run.stage, instruction: run.instruction, argv, words, env: commandEnv, cwd: state.cwd, range, insertAt, location, via: source.via, variables: source.variables };
}

/** `go env -w K=V` writes Go's config file: it lasts for later RUNs and FROM-children, like ENV. */
function recordGoEnv(goEnv: Map<string, string | undefined>, words: readonly CommandWord[]): void {
  if (words[1]?.value !== 'env' || words[2]?.value !== '-w') return;
  for (const word of words.slice(3)) {
    const match = /^([A-Za-z_]\w*)=/.exec(word.text);
    if (match) goEnv.set(match[1], word.value?.slice(match[0].length));
  }
}
