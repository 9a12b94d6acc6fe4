// The one constructor of BuildCommand: every classifier makes its result here, so all builds share one object shape.
import type { BuildCommand, BuildKind, ResolvedCommand } from './types';

export function build(command: ResolvedCommand, kind: BuildKind, tool: string, details: Partial<BuildCommand>): BuildCommand {
  const { stage, instruction, argv, words, env, cwd, range, insertAt, location, via, variables } = command;
  // Listed rather than spread: a literal of fixed shape is several times faster to build and to read.
  return {
    stage,
    instruction,
    argv,
    words,
    env,
    cwd,
    range,
    insertAt,
    location,
    via,
    variables,
    kind,
    tool,
    output: undefined,
    outputDir: undefined,
    producesOutput: true,
    flags: new Map(),
    packages: [],
    ldflags: undefined,
    tags: [],
    static: false,
    indirect: undefined,
    ...details,
  };
}
