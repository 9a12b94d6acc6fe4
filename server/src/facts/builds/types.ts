// The build facts' data: commands with the context they run in, the builds among
// them and the artifacts they leave in the target image (see index.ts for how rules use them).
import type { Instruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-textdocument';
import type { Provision } from '../base-images';
import type { CopyLink, Stage } from '../model';

/** Variables a command sees. `undefined` value: set, but to something the Dockerfile does not tell (an ARG without default, `$(…)`). */
export type Environment = ReadonlyMap<string, string | undefined>;

export interface CommandWord {
  /** The word after quote removal and expansion; undefined when it depends on something unknown. */
  value: string | undefined;
  /** The word as written. */
  text: string;
  /** Exactly where the word is; undefined when the command was not read from the document text (exec form, `sh -c`). */
  range: Range | undefined;
  /** The file `range` is in, relative to the Dockerfile's folder (a Makefile, a script); undefined: the Dockerfile. */
  path?: string;
  /** Makefile variables whose expansion produced (part of) this word, outermost references in order. */
  origins?: VariableOrigin[];
}

/** A place in a build-context file other than the Dockerfile. */
export interface FileLocation {
  /** Relative to the Dockerfile's folder, as `Finding.path` and `FileEdit.path`. */
  path: string;
  range: Range;
}

/** Where a Makefile variable's value came from. */
export interface VariableOrigin {
  /** The variable's name, e.g. `LDFLAGS`. */
  variable: string;
  /** 'makefile': an assignment in a Makefile (see `definition`); 'environment': the RUN's env (incl. `?=` kept);
   *  'command-line': `make VAR=…`; 'default': make's built-in (`CC` = cc); 'undefined': expands to nothing. */
  source: 'makefile' | 'environment' | 'command-line' | 'default' | 'undefined';
  /** source 'makefile': the value text of the last assignment that contributed (for `+=` chains, the last `+=`);
   *  an empty range right after the operator when the value is empty. Appending text at `range.end` adds to the value. */
  definition?: FileLocation;
  /** source 'makefile': the operator of that assignment (`=`, `:=`, `::=`, `?=`, `+=`, `!=`). */
  operator?: string;
  /** source 'makefile': the whole assignment line (with `override`/`export`), e.g. to insert a line after it. */
  assignment?: FileLocation;
}

/** One simple command run by a RUN instruction, with the context it runs in. */
export interface ResolvedCommand {
  stage: Stage;
  instruction: Instruction;
  /** Word values (the text as written where a value is unknown); wrappers such as `env X=1`, `time` removed. */
  argv: string[];
  words: CommandWord[];
  /** ENV and ARG of the stage chain before this RUN, `export`s earlier in it, then inline assignments. */
  env: Environment;
  /** The working directory (WORKDIR, then literal `cd`s); undefined when unknown. */
  cwd: string | undefined;
  /** The command (with its inline assignments), for diagnostics. */
  range: Range;
  /** Where inline assignments would be inserted, when the text maps exactly onto the document. */
  insertAt: Range['start'] | undefined;
  /** A command written in a Makefile recipe or a script reached from the RUN: where it is written
   *  (its words' ranges are in `location.path` too). Undefined: written in the Dockerfile. */
  location?: FileLocation;
  /** The RUN-level make/script command that led here (outermost), for a summary on the Dockerfile's RUN line. */
  via?: BuildCommand;
  /** Makefile recipe lines: every variable the line referenced (including ones that expanded to nothing). */
  variables?: VariableOrigin[];
}

export type BuildKind = 'go-build' | 'go-install' | 'c-link' | 'indirect' | 'other';

export interface IndirectBuild {
  runner: 'make' | 'script';
  /** make: the directory (`-C`, else cwd); script: the script's directory. */
  dir: string | undefined;
  /** make: `-f` file, relative to dir; script: the script path as resolved (absolute when known). */
  file: string | undefined;
  /** make targets (empty: the default goal). */
  targets: string[];
  /** make `VAR=value` arguments. */
  variables: ReadonlyMap<string, string | undefined>;
  /** The Makefile or script read from the build context, relative to the Dockerfile's folder; undefined when not visible. */
  source?: string;
  /** The commands it runs that build (each also in `Facts.builds`, with `via`); undefined when the file is not visible. */
  resolved?: BuildCommand[];
}

export interface BuildCommand extends ResolvedCommand {
  kind: BuildKind;
  /** The program: `go`, `gcc`, `make`, `./build.sh`, `cargo`… (basename, wrappers such as `xx-go` mapped). */
  tool: string;
  /** Absolute output file; undefined when unknown or when there are several. */
  output: string | undefined;
  /** Where output lands when its name is unknown: the package dir of `go build .`, `$GOPATH/bin`, `-o dir/`. */
  outputDir: string | undefined;
  /** False when the build writes nothing (`go build ./...` without -o, `-o /dev/null`). */
  producesOutput: boolean;
  /** Go: flags by name without dashes (`o`, `ldflags`, `tags`, `C`…); boolean flags map to 'true'. Unknown values are undefined. */
  flags: ReadonlyMap<string, string | undefined>;
  /** Go: package arguments (undefined entries: unresolved words). */
  packages: (string | undefined)[];
  /** Go `-ldflags` value; undefined when absent or unresolved (see `flags`). */
  ldflags: string | undefined;
  /** Go `-tags`, split on commas and spaces. */
  tags: string[];
  /** C: linked with `-static` or `-static-pie`. */
  static: boolean;
  indirect: IndirectBuild | undefined;
}

/** A build output that ends up in the target image. */
export interface Artifact {
  build: BuildCommand;
  /** Absolute path in the target; undefined when the name or destination is unknown. */
  path: string | undefined;
  /** The COPY --from that brought it into the runtime chain (the last hop); undefined when the runtime chain built it. */
  link: CopyLink | undefined;
  /** Whether the program makes TLS connections. 'unknown' until Go/C sources are read from the build context. */
  tlsUse: Provision;
}

export interface BuildFacts {
  builds: BuildCommand[];
  artifacts: Artifact[];
}
