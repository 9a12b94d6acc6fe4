// Stage context: ENV/ARG, WORKDIR, SHELL along the chain, per instruction; each RUN
// interpreted in the context it runs in.
import type { Arg, Env, Instruction } from 'dockerfile-ast';
import { parseExecForm, type ParsedDockerfile } from '../../parse/dockerfile';
import type { Stage } from '../model';
import { expand } from './expand';
import { isGolangImage } from './go';
import { runCommands } from './interpret';
import { resolvePath } from './paths';
import type { Resolver } from './resolver';
import type { BuildCommand, ResolvedCommand } from './types';

export interface StageState {
  env: Map<string, string | undefined>;
  /** `go env -w` settings: they persist in the image like ENV, for the go command only. */
  goEnv: Map<string, string | undefined>;
  workdir: string | undefined;
  shell: string[] | undefined;
}

export interface StageScan {
  end: StageState;
  /** RUN-level commands only. */
  commands: ResolvedCommand[];
  /** Builds of the RUNs, each indirect one followed by the builds it resolved to. */
  builds: BuildCommand[];
  workdirAt: Map<Instruction, string | undefined>;
}

export class StageScanner {
  // Weak: a document re-analysed gets new Stage objects, and the old scans go with the old stages.
  private readonly scans = new WeakMap<Stage, StageScan>();
  private readonly globalArgs: Map<string, string>;

  constructor(
    private readonly doc: ParsedDockerfile,
    private readonly resolver?: Resolver,
  ) {
    this.globalArgs = new Map();
    for (const arg of doc.ast.getInitialARGs()) {
      for (const property of arg.getProperties()) this.globalArgs.set(property.getName(), property.getValue() ?? '');
    }
  }

  scan(stage: Stage): StageScan {
    let scan = this.scans.get(stage);
    if (!scan) {
      const start = stage.parent ? cloneState(this.scan(stage.parent).end) : rootState(stage);
      scan = this.walk(stage, start);
      this.scans.set(stage, scan);
    }
    return scan;
  }

  private walk(stage: Stage, state: StageState): StageScan {
    const scan: StageScan = { end: state, commands: [], builds: [], workdirAt: new Map() };
    for (const instruction of stage.instructions) {
      scan.workdirAt.set(instruction, state.workdir);
      this.apply(stage, instruction, state, scan);
    }
    return scan;
  }

  private apply(stage: Stage, instruction: Instruction, state: StageState, scan: StageScan): void {
    switch (instruction.getKeyword()) {
      case 'ENV':
      case 'ARG':
        this.assign(instruction, state);
        return;
      case 'WORKDIR':
        state.workdir = resolvePath(state.workdir, expand(instruction.getArgumentsContent() ?? '', state.env));
        return;
      case 'SHELL':
        state.shell = parseExecForm(instruction.getArgumentsContent() ?? '', this.doc.escapeChar);
        return;
      case 'RUN':
        scan.commands.push(...runCommands(this.doc, { stage, instruction, stageState: state, resolver: this.resolver, builds: scan.builds }));
    }
  }

  private assign(instruction: Instruction, state: StageState): void {
    const isArg = instruction.getKeyword() === 'ARG';
    for (const property of (instruction as Env | Arg).getProperties()) {
      const name = property.getName();
      const value = property.getValue();
      if (isArg && value === null) {
        // Docker: a stage ARG without default takes the global default, or the --build-arg (unknown here).
        if (!state.env.has(name)) state.env.set(name, this.globalArgs.get(name));
        continue;
      }
      const singleQuoted = property.getUnescapedValue()?.startsWith("'") ?? false;
      state.env.set(name, singleQuoted ? (value ?? '') : expand(value ?? '', state.env));
    }
  }
}

function rootState(stage: Stage): StageState {
  // golang images set GOPATH=/go: `go install` writes to /go/bin, `$GOPATH/src/app` resolves.
  const env = new Map<string, string | undefined>(isGolangImage(stage.rootImage) ? [['GOPATH', '/go']] : []);
  return { env, goEnv: new Map(), workdir: defaultWorkdir(stage), shell: undefined };
}

function cloneState(state: StageState): StageState {
  return { ...state, env: new Map(state.env), goEnv: new Map(state.goEnv) };
}

/** The base image's WORKDIR: golang images set /go; known classes keep /; an unknown image may set anything. */
function defaultWorkdir(stage: Stage): string | undefined {
  if (isGolangImage(stage.rootImage)) return '/go';
  return stage.base.class === 'unknown' ? undefined : '/';
}
