// What runMake is asked and what it returns: the recipe lines make would run, mapped to where they are written.
import type { Environment, VariableOrigin } from '../builds/types';
import type { SourceFile } from '../scripts';
import type { Segment } from './expand';
import type { Span } from './statements';

/** The files make can open: those the stage has from the build context. */
export interface MakeFiles {
  /** A file at an absolute stage path, when the stage copied it from the context. */
  read(stagePath: string): SourceFile | undefined;
  exists(stagePath: string): boolean;
}

export interface MakeRequest {
  /** make's working directory (`-C`, else the shell's). */
  dir: string;
  /** `-f` file as given; undefined: GNUmakefile, makefile, Makefile. */
  file: string | undefined;
  targets: readonly string[];
  /** `VAR=value` arguments (undefined value: unknown). */
  commandLine: ReadonlyMap<string, string | undefined>;
  /** The environment make runs in. */
  env: Environment;
}

/** One shell command line make runs. */
export interface RecipeLine {
  /** The shell text after make's expansion; unknown stretches hold UNKNOWN. */
  text: string;
  /** The file it is written in; for a built-in rule, the file of the target's rule line (undefined when there is none). */
  file: SourceFile | undefined;
  /** Where each stretch of `text` is written in `file` (negative `src`: written nowhere, a built-in recipe). */
  segments: Segment[];
  /** A built-in recipe's place: the rule line of the target that asked for it. */
  anchor: Span | undefined;
  /** The directory the shell runs in. */
  cwd: string;
  /** What the shell sees: the environment plus make's exported variables. */
  env: Environment;
  target: string;
  /** Every variable the line referenced, with its origin. */
  variables: VariableOrigin[];
  /** The origins of variables by name, for the words of this line. */
  originOf(name: string): VariableOrigin;
}

export interface MakeRun {
  /** The Makefile read; undefined when make ran with none (built-in rules only). */
  makefile: SourceFile | undefined;
  lines: RecipeLine[];
}
