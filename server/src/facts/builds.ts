// Build commands found in RUN instructions (go build, cc -o, make, cargo…) and the
// artifacts they put in the target image through COPY --from or by being built in
// the runtime chain. Shell text is parsed with tree-sitter-bash; the parse is cached
// per RUN text, so an edit elsewhere re-parses nothing.
//
// Indirect builds (API for rules):
// - A RUN's `make …`, `./build.sh`, `sh x.sh`, `. ./env.sh` is a BuildCommand of kind
//   'indirect'. With a build context (extractBuilds' `context`) whose Makefile/script the
//   stage copied, what it runs is interpreted (facts/makefile.ts, facts/scripts.ts): its
//   builds ('go-build', 'c-link', nested 'indirect'…) follow it in `Facts.builds`, and
//   `indirect.resolved` lists them (undefined: the file is not visible; then nothing is
//   known about what it builds). `indirect.source` is the file read.
// - Such a command has `via` = the RUN-level make/script command (the outermost one),
//   and `location` = where it is written ({path relative to the Dockerfile's folder,
//   range in that file}); for make's built-in rules (`app: app.o` without a recipe) the
//   location is the target's rule line, and undefined without any Makefile line.
//   Its `range`, `stage` and `instruction` stay those of the RUN-level command, so a
//   finding on `range` lands on the Dockerfile's RUN line; `insertAt` is undefined.
// - Word ranges are in `word.path` (relative to the Dockerfile's folder; undefined =
//   the Dockerfile): an edit of a word is `{ path: word.path, range: word.range, newText }`.
//   A word of a built-in recipe has no range. `word.text` is the text as written there
//   (`"$(LDFLAGS)"`), `word.value` the expansion (undefined: unknown, may be anything).
// - A word made by Makefile variables (`$(LDFLAGS)`, `$(CC)`) lists them in
//   `word.origins`, outermost first; `command.variables` lists every variable its
//   recipe line referenced (also those that expanded to nothing). An origin with
//   source 'makefile' has `definition`: the value's range in that file, so appending
//   ` -static` at `definition.range.end` adds to the Makefile's LDFLAGS.
// - `env` is what the process sees: the RUN's env, then make's exported variables
//   (from the environment, `make VAR=…`, `export`) or a script's `export`s; a sourced
//   file's exports and `cd` apply to the rest of the RUN.
// - Artifacts: a resolved indirect build is represented by the builds it ran.
import path from 'node:path';
import type { Arg, Env, Instruction } from 'dockerfile-ast';
import type { Node } from 'web-tree-sitter';
import type { Range } from 'vscode-languageserver-textdocument';
import type { BuildContext } from '../context/build-context';
import { commandOf, offsetAt, parseExecForm, positionAt, type ParsedDockerfile } from '../parse/dockerfile';
import { parseShell } from '../parse/shell';
import { parseImageRef, type Provision } from './base-images';
import { recipeLocation, recipeOrigins, recipeRange, recipeSource, runMake, UNKNOWN, type MakeFiles, type RecipeLine } from './makefile';
import type { CopyLink, Stage } from './model';
import { chainOf } from './queries';
import { MAX_INDIRECT_DEPTH, rangeIn, scriptPath, scriptRunOf, stageFile, type SourceFile } from './scripts';
import { stageFiles, type StageFiles } from './stage-files';

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

/** Builds of every stage; with a build context, `make` and scripts are followed into the files the stage copied. */
export function extractBuilds(doc: ParsedDockerfile, stages: readonly Stage[], target: Stage | undefined, copyLinks: readonly CopyLink[], context?: BuildContext): BuildFacts {
  const scans = new StageScanner(doc, context ? new Resolver(doc, context) : undefined);
  const builds = stages.flatMap((stage) => scans.scan(stage).builds);
  const artifacts = target ? artifactsOf(target, builds, copyLinks, scans) : [];
  return { builds, artifacts };
}

/** Scanners without a build context, per document: rules and stage-files ask again and again within one analysis. */
const plainScanners = new WeakMap<ParsedDockerfile, StageScanner>();

function plainScanner(doc: ParsedDockerfile): StageScanner {
  let scanner = plainScanners.get(doc);
  if (!scanner) plainScanners.set(doc, (scanner = new StageScanner(doc)));
  return scanner;
}

/** Every simple command the RUNs of this stage (not its parents) run. */
export function commandsOf(doc: ParsedDockerfile, stage: Stage): ResolvedCommand[] {
  return plainScanner(doc).scan(stage).commands;
}

/** The WORKDIR in effect at an instruction of this stage; undefined when unknown. */
export function workdirAt(doc: ParsedDockerfile, stage: Stage, instruction: Instruction): string | undefined {
  return plainScanner(doc).scan(stage).workdirAt.get(instruction);
}

/** A Go or C/C++ build: a native program whose libc, certificates and linking matter. */
export function isNativeBuild(build: BuildCommand): boolean {
  return build.kind === 'go-build' || build.kind === 'go-install' || build.kind === 'c-link';
}

/** Whether the build makes something to ship: make and build-named scripts count; other scripts may only install things. */
export function buildsArtifact(build: BuildCommand): boolean {
  if (!build.producesOutput) return false;
  if (build.indirect?.runner !== 'script') return true;
  return /build|compile|make|release|dist/i.test(path.posix.basename(build.indirect.file ?? ''));
}

// ---------------------------------------------------------------------------
// Stage context: ENV/ARG, WORKDIR, SHELL along the chain, per instruction.

interface StageState {
  env: Map<string, string | undefined>;
  /** `go env -w` settings: they persist in the image like ENV, for the go command only. */
  goEnv: Map<string, string | undefined>;
  workdir: string | undefined;
  shell: string[] | undefined;
}

interface StageScan {
  end: StageState;
  /** RUN-level commands only. */
  commands: ResolvedCommand[];
  /** Builds of the RUNs, each indirect one followed by the builds it resolved to. */
  builds: BuildCommand[];
  workdirAt: Map<Instruction, string | undefined>;
}

class StageScanner {
  private readonly scans = new Map<Stage, StageScan>();
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

function isGolangImage(ref: string | undefined): boolean {
  return ref !== undefined && /(^|\/)golang$/.test(parseImageRef(ref).name);
}

/** `$VAR`, `${VAR}`, `${VAR:-default}` against known values; undefined when any is unknown. */
function expand(text: string, env: Environment): string | undefined {
  let unknown = false;
  const result = text.replace(/\$(?:\{([A-Za-z_]\w*)(?:(:?)([-+])([^}]*))?\}|([A-Za-z_]\w*))/g, (_, braced, colon, op, word, bare) => {
    const value = lookup(env, braced ?? bare, colon, op, word);
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown ? undefined : result;
}

/** A variable's value with `${X-w}`, `${X:-w}`, `${X+w}`, `${X:+w}`; a variable the Dockerfile never sets is unknown (the base image may set it). */
function lookup(env: Environment, name: string, colon = '', op?: string, word = ''): string | undefined {
  const known = env.has(name);
  const value = env.get(name);
  if (known && value === undefined) return undefined;
  const isSet = known && (value !== '' || !colon);
  if (op === '-') return isSet ? value : word;
  if (op === '+') return isSet ? word : '';
  return value;
}

// ---------------------------------------------------------------------------
// Paths.

/** `p` against `base`; undefined when `p` is relative and `base` unknown. Normalised, no trailing slash. */
export function resolvePath(base: string | undefined, p: string | undefined): string | undefined {
  if (p === undefined || p === '') return p === '' ? base : undefined;
  if (p.startsWith('/')) return normalize(p);
  return base === undefined ? undefined : normalize(path.posix.join(base, p));
}

function normalize(p: string): string {
  const normal = path.posix.normalize(p);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

function isWithin(child: string, parent: string): boolean {
  return parent === '/' || child === parent || child.startsWith(parent + '/');
}

// ---------------------------------------------------------------------------
// Shell text → context-free events (cached), then interpreted in the RUN's context.

type Part = { kind: 'text'; text: string } | { kind: 'var'; name: string; colon: string; op?: string; word: string } | { kind: 'dynamic' };

interface RawWord {
  parts: Part[];
  text: string;
  start: number;
  end: number;
}

interface Assignment {
  name: string;
  value: RawWord | undefined;
}

type ShellEvent =
  | { type: 'command'; assignments: Assignment[]; words: RawWord[]; start: number; end: number; uncertain?: boolean }
  | { type: 'assign'; assignments: Assignment[] }
  | { type: 'export'; assignments: Assignment[]; names: string[] }
  | { type: 'unset'; names: string[] }
  | { type: 'function'; name: string; body: ShellEvent[] }
  | { type: 'push' }
  | { type: 'pop' };

/** Distinct RUN texts kept: more than any real Dockerfile has, so a re-analysis parses only what changed. */
const CACHE_LIMIT = 4096;
const scriptCache = new Map<string, ShellEvent[]>();
let parses = 0;

/** How many shell scripts were parsed so far (tests and benchmarks check the cache with it). */
export function shellParseCount(): number {
  return parses;
}

/** Events of a shell script; offsets index into `text`. Least recently used entries leave first. */
function scriptEvents(text: string, escapeChar: string): ShellEvent[] {
  const key = escapeChar + text;
  const cached = scriptCache.get(key);
  if (cached) {
    scriptCache.delete(key);
    scriptCache.set(key, cached);
    return cached;
  }
  const events = parseEvents(text, escapeChar);
  if (!events) return [];
  parses++;
  scriptCache.set(key, events);
  if (scriptCache.size > CACHE_LIMIT) scriptCache.delete(scriptCache.keys().next().value as string);
  return events;
}

function parseEvents(text: string, escapeChar: string): ShellEvent[] | undefined {
  const heredoc = heredocScript(text);
  const script = heredoc ?? joinContinuations(text, escapeChar);
  let root: Node;
  try {
    root = parseShell(script);
  } catch (error) {
    // Analysis without an initialised parser (a caller that skipped initShellParser) sees no builds rather than failing.
    if (error instanceof Error && /initShellParser/.test(error.message)) return undefined;
    throw error;
  }
  const events: ShellEvent[] = [];
  walk(root, events);
  // Where the shell cannot parse the text, an inserted `VAR=value` may not attach to the
  // command it was meant for: such commands offer no insertion point.
  if (root.hasError) markUncertain(events);
  return events;
}

function markUncertain(events: ShellEvent[]): void {
  for (const event of events) {
    if (event.type === 'command') event.uncertain = true;
    else if (event.type === 'function') markUncertain(event.body);
  }
}

/** `RUN <<EOF` runs the here-document as the script: blank everything but its body (offsets kept). */
function heredocScript(text: string): string | undefined {
  const opening = /^<<-?[ \t]*(["']?)([A-Za-z_][\w-]*)\1[ \t]*\r?\n/.exec(text);
  if (!opening) return undefined;
  const bodyStart = opening[0].length;
  const close = new RegExp(`^[ \\t]*${opening[2]}[ \\t]*\\r?$`, 'm');
  const rest = text.slice(bodyStart);
  const end = close.exec(rest);
  const bodyEnd = bodyStart + (end ? end.index : rest.length);
  return blank(text.slice(0, bodyStart)) + text.slice(bodyStart, bodyEnd) + blank(text.slice(bodyEnd));
}

/** Docker drops escape+newline (trailing blanks allowed) and comment lines inside a continued instruction; spaces keep every offset. */
function joinContinuations(text: string, escapeChar: string): string {
  const lines = text.split('\n');
  let continued = false;
  const out = lines.map((line, index) => {
    const last = index === lines.length - 1;
    const newline = last ? '' : '\n';
    if (continued && /^\s*(#.*)?$/.test(line)) return ' '.repeat(line.length + newline.length);
    const content = line.replace(/[ \t\r]+$/, '');
    continued = !last && content.endsWith(escapeChar);
    if (!continued) return line + newline;
    return content.slice(0, -1) + ' '.repeat(line.length - content.length + 1 + newline.length);
  });
  return out.join('');
}

function blank(text: string): string {
  return text.replace(/[^\n]/g, ' ');
}

function walk(node: Node, events: ShellEvent[]): void {
  switch (node.type) {
    case 'command':
      events.push(commandEvent(node));
      return;
    case 'declaration_command':
      events.push(declarationEvent(node));
      return;
    case 'unset_command':
      events.push({ type: 'unset', names: namedChildren(node).filter((child) => child.type !== 'word' || !child.text.startsWith('-')).map((child) => child.text) });
      return;
    case 'variable_assignment':
      events.push({ type: 'assign', assignments: [assignmentOf(node)] });
      return;
    case 'variable_assignments':
      events.push({ type: 'assign', assignments: namedChildren(node).map(assignmentOf) });
      return;
    case 'subshell':
      scoped(namedChildren(node), events);
      return;
    case 'pipeline':
      // Each element of a pipeline runs in a subshell: its cd and exports do not last.
      for (const child of namedChildren(node)) scoped([child], events);
      return;
    case 'function_definition': {
      // Run where it is called (build scripts wrap `go build` in functions), in the caller's shell.
      const body: ShellEvent[] = [];
      const bodyNode = node.childForFieldName('body');
      if (bodyNode) walk(bodyNode, body);
      events.push({ type: 'function', name: node.childForFieldName('name')?.text ?? '', body });
      return;
    }
    case 'command_substitution':
    case 'process_substitution':
    case 'heredoc_body':
    case 'comment':
      return;
    default:
      for (const child of namedChildren(node)) walk(child, events);
  }
}

function scoped(nodes: Node[], events: ShellEvent[]): void {
  events.push({ type: 'push' });
  for (const child of nodes) walk(child, events);
  events.push({ type: 'pop' });
}

function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null);
}

function commandEvent(node: Node): ShellEvent {
  const assignments = namedChildren(node).filter((child) => child.type === 'variable_assignment').map(assignmentOf);
  const parts = [node.childForFieldName('name'), ...node.childrenForFieldName('argument')];
  const words = parts.filter((child): child is Node => child !== null).map(rawWord);
  return { type: 'command', assignments, words, start: node.startIndex, end: node.endIndex };
}

function declarationEvent(node: Node): ShellEvent {
  const keyword = node.child(0)?.text ?? '';
  const children = namedChildren(node);
  const assignments = children.filter((child) => child.type === 'variable_assignment').map(assignmentOf);
  const names = children.filter((child) => child.type === 'variable_name').map((child) => child.text);
  const exporting = keyword === 'export' || children.some((child) => child.type === 'word' && /^-\w*x/.test(child.text));
  return exporting ? { type: 'export', assignments, names } : { type: 'assign', assignments };
}

function assignmentOf(node: Node): Assignment {
  const value = node.childForFieldName('value');
  return { name: node.childForFieldName('name')?.text ?? '', value: value ? rawWord(value) : undefined };
}

function rawWord(node: Node): RawWord {
  return { parts: partsOf(node), text: node.text, start: node.startIndex, end: node.endIndex };
}

function partsOf(node: Node): Part[] {
  switch (node.type) {
    case 'word':
    case 'number':
      return node.text.startsWith('~') ? [{ kind: 'dynamic' }] : [{ kind: 'text', text: node.text.replace(/\\(.)/gs, '$1') }];
    case 'raw_string':
      return [{ kind: 'text', text: node.text.slice(1, -1) }];
    case 'string':
      return stringParts(node);
    case 'command_name':
    case 'concatenation':
      return node.children.flatMap((child) => (!child ? [] : child.isNamed ? partsOf(child) : [{ kind: 'text' as const, text: child.text }]));
    case 'simple_expansion':
      return [variablePart(node.text.slice(1))];
    case 'expansion':
      return [expansionPart(node.text)];
    default:
      return [{ kind: 'dynamic' }];
  }
}

/** Double-quoted: literal stretches between the expansions, with the few escapes "…" knows. */
function stringParts(node: Node): Part[] {
  const parts: Part[] = [];
  let cursor = node.startIndex + 1;
  const literal = (until: number) => {
    if (until > cursor) parts.push({ kind: 'text', text: node.text.slice(cursor - node.startIndex, until - node.startIndex).replace(/\\([$`"\\])/g, '$1') });
  };
  for (const child of namedChildren(node)) {
    if (child.type === 'string_content') continue;
    literal(child.startIndex);
    parts.push(...partsOf(child));
    cursor = child.endIndex;
  }
  literal(node.endIndex - 1);
  return parts;
}

function variablePart(name: string): Part {
  return /^[A-Za-z_]\w*$/.test(name) ? { kind: 'var', name, colon: '', word: '' } : { kind: 'dynamic' };
}

function expansionPart(text: string): Part {
  const match = /^\$\{([A-Za-z_]\w*)(?:(:?)([-+])(.*))?\}$/s.exec(text);
  if (!match) return { kind: 'dynamic' };
  const word = match[4] ?? '';
  if (/[$`]/.test(word)) return { kind: 'dynamic' };
  return { kind: 'var', name: match[1], colon: match[2] ?? '', op: match[3], word: word.replace(/^["']|["']$/g, '') };
}

function wordValue(word: RawWord, values: Environment): string | undefined {
  let result = '';
  for (const part of word.parts) {
    if (part.kind === 'dynamic') return undefined;
    const value = part.kind === 'text' ? part.text : lookup(values, part.name, part.colon, part.op, part.word);
    if (value === undefined) return undefined;
    result += value;
  }
  // Text a Makefile could not tell (`$(shell …)`) is marked UNKNOWN in the recipe.
  return result.includes(UNKNOWN) ? undefined : result;
}

// ---------------------------------------------------------------------------
// Interpreting a RUN.

interface ShellState {
  cwd: string | undefined;
  env: ReadonlyMap<string, string | undefined>;
  /** Unexported shell variables: they expand, but programs do not see them. */
  vars: ReadonlyMap<string, string | undefined>;
  /** Shell functions defined so far: their bodies run where they are called. */
  functions: ReadonlyMap<string, { body: ShellEvent[]; source: TextSource }>;
}

const SH_LIKE = /^(sh|bash|ash|dash|zsh|ksh|mksh|busybox)$/;

interface RunContext {
  stage: Stage;
  instruction: Instruction;
  stageState: StageState;
  /** Follows make and scripts into the build context; undefined without one. */
  resolver: Resolver | undefined;
  /** Where the builds found go, in the order they run. */
  builds: BuildCommand[];
}

/** Where interpreted shell text is written: how its offsets map to ranges, and how it was reached. */
interface TextSource {
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

function runCommands(doc: ParsedDockerfile, run: RunContext): ResolvedCommand[] {
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

function interpret(run: RunContext, events: readonly ShellEvent[], state: ShellState, source: TextSource): ResolvedCommand[] {
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

// The maps of a ShellState are never changed in place, only replaced: commands and
// subshells share them without copying.

function withValue(map: ReadonlyMap<string, string | undefined>, name: string, value: string | undefined): Map<string, string | undefined> {
  return new Map(map).set(name, value);
}

function without(map: ReadonlyMap<string, string | undefined>, names: readonly string[]): Map<string, string | undefined> {
  const copy = new Map(map);
  for (const name of names) copy.delete(name);
  return copy;
}

function valuesOf(state: ShellState): Environment {
  return state.vars.size === 0 ? state.env : new Map([...state.env, ...state.vars]);
}

function setVariable(state: ShellState, name: string, value: RawWord | undefined): void {
  const resolvedValue = value ? wordValue(value, valuesOf(state)) : '';
  if (state.env.has(name)) state.env = withValue(state.env, name, resolvedValue);
  else state.vars = withValue(state.vars, name, resolvedValue);
}

function exportVariables(state: ShellState, event: { assignments: Assignment[]; names: string[] }): void {
  for (const { name, value } of event.assignments) state.env = withValue(state.env, name, value ? wordValue(value, valuesOf(state)) : '');
  for (const name of event.names) {
    if (state.vars.has(name)) state.env = withValue(state.env, name, state.vars.get(name));
  }
  state.vars = without(state.vars, event.names);
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

const WRAPPERS = new Set(['exec', 'time', 'nohup', 'command', 'ccache', 'sccache', 'distcc', 'eatmydata']);

/** Drops `env X=1`, `time`, `nice -n 5`, `sudo -u x`… in front of the real program; env's assignments join the environment. */
function unwrap(words: CommandWord[], env: Environment): { words: CommandWord[]; env: Environment } {
  let rest = words;
  for (;;) {
    const name = path.posix.basename(rest[0]?.value ?? '');
    if (WRAPPERS.has(name)) rest = skipFlags(rest.slice(1), []);
    else if (name === 'nice') rest = skipFlags(rest.slice(1), ['-n']);
    else if (name === 'sudo') rest = skipFlags(rest.slice(1), ['-u', '-g', '-C', '-h', '-p', '-r', '-t', '-U']);
    else if (name === 'env') ({ words: rest, env } = envAssignments(skipFlags(rest.slice(1), ['-u', '-C', '-S']), env));
    else return { words: rest, env };
  }
}

function skipFlags(words: CommandWord[], withValue: readonly string[]): CommandWord[] {
  let i = 0;
  while (i < words.length && words[i].value?.startsWith('-')) i += withValue.includes(words[i].value ?? '') ? 2 : 1;
  return words.slice(i);
}

function envAssignments(words: CommandWord[], env: Environment): { words: CommandWord[]; env: Environment } {
  let i = 0;
  let result = env;
  for (; i < words.length; i++) {
    const match = /^([A-Za-z_]\w*)=/.exec(words[i].text);
    if (!match) break;
    const value = words[i].value;
    result = withValue(result, match[1], value === undefined ? undefined : value.slice(match[0].length));
  }
  return { words: words.slice(i), env: result };
}

/** `cd` changes the directory for the rest of the RUN (or of the subshell). */
function applyBuiltin(state: ShellState, argv: readonly string[], words: readonly CommandWord[]): void {
  const name = argv[0];
  if (name !== 'cd' && name !== 'pushd') return;
  const args = words.slice(1).filter((word) => word.value !== '-P' && word.value !== '-L' && word.value !== '--');
  const target = args[0];
  state.cwd = !target || target.value === '-' ? undefined : resolvePath(state.cwd, target.value);
}

// ---------------------------------------------------------------------------
// Following make and scripts into the build context.

/** Recipe lines and script runs followed per analysis: a bound for generated or pathological Makefiles. */
const MAX_FOLLOWED = 5000;

class Resolver {
  private readonly filesOf = new Map<Stage, StageFiles>();
  private followed = 0;

  constructor(
    private readonly doc: ParsedDockerfile,
    private readonly context: BuildContext,
  ) {}

  /** Interprets what an indirect build runs; its builds go to `run.builds` after it and to `build.indirect.resolved`. */
  resolve(run: RunContext, build: BuildCommand, state: ShellState, source: TextSource): void {
    const indirect = build.indirect;
    if (!indirect || source.depth >= MAX_INDIRECT_DEPTH || this.followed >= MAX_FOLLOWED) return;
    const nested: RunContext = { ...run, builds: [] };
    const via = source.via ?? build;
    let followed: boolean;
    try {
      followed = indirect.runner === 'make' ? this.make(nested, build, indirect, source, via) : this.script(nested, build, indirect, state, source, via);
    } catch {
      // Files from the build context are arbitrary text: what cannot be followed is not visible, and the Dockerfile's analysis goes on.
      return;
    }
    if (!followed) return;
    indirect.resolved = nested.builds;
    run.builds.push(...nested.builds);
  }

  private make(run: RunContext, build: BuildCommand, indirect: IndirectBuild, source: TextSource, via: BuildCommand): boolean {
    if (indirect.dir === undefined) return false;
    const commandLine = new Map([...(source.makeVariables ?? []), ...indirect.variables]);
    const request = { dir: indirect.dir, file: indirect.file, targets: indirect.targets, commandLine, env: build.env };
    const result = runMake(request, this.makeFiles(run.stage));
    if (!result) return false;
    indirect.source = result.makefile?.path;
    for (const line of result.lines) {
      if (++this.followed > MAX_FOLLOWED) break;
      const state: ShellState = { cwd: line.cwd, env: line.env, vars: new Map(), functions: new Map() };
      interpret(run, scriptEvents(line.text, '\\'), state, recipeTextSource(line, via, source, commandLine));
    }
    return true;
  }

  /** A script runs in a new shell with the command's environment; a sourced one (`. ./env.sh`) in the caller's shell, whose state it changes. */
  private script(run: RunContext, build: BuildCommand, indirect: IndirectBuild, state: ShellState, source: TextSource, via: BuildCommand): boolean {
    const script = scriptRunOf(build.argv);
    if (!script) return false;
    const file = stageFile(this.context, this.stageFiles(run.stage), scriptPath(script, build.cwd));
    if (!file) return false;
    indirect.source = file.path;
    if (source.chain.includes(file.contextPath) || ++this.followed > MAX_FOLLOWED) return true;
    const scriptState: ShellState = script.sourced ? state : { cwd: build.cwd, env: build.env, vars: new Map(), functions: new Map() };
    interpret(run, scriptEvents(file.text, '\\'), scriptState, fileTextSource(file, via, source));
    return true;
  }

  private stageFiles(stage: Stage): StageFiles {
    let files = this.filesOf.get(stage);
    if (!files) this.filesOf.set(stage, (files = stageFiles(this.doc, this.context, stage)));
    return files;
  }

  private makeFiles(stage: Stage): MakeFiles {
    const files = this.stageFiles(stage);
    let directories: Set<string> | undefined;
    const isDirectory = (stagePath: string) => {
      directories ??= new Set([...files.keys()].flatMap(parentsOf));
      return directories.has(stagePath);
    };
    return { read: (stagePath) => stageFile(this.context, files, stagePath), exists: (stagePath) => files.has(stagePath) || isDirectory(stagePath) };
  }
}

function parentsOf(file: string): string[] {
  const parents: string[] = [];
  for (let dir = path.posix.dirname(file); dir !== '/' && dir !== '.'; dir = path.posix.dirname(dir)) parents.push(dir);
  return parents;
}

/** A script's text: offsets are the file's. */
function fileTextSource(file: SourceFile, via: BuildCommand, parent: TextSource): TextSource {
  return {
    command: () => via.range,
    insertAt: () => undefined,
    word: (start, end, written) => ({ text: written, range: rangeIn(file, start, end), path: file.path }),
    location: (start, end) => ({ path: file.path, range: rangeIn(file, start, end) }),
    via,
    depth: parent.depth + 1,
    chain: [...parent.chain, file.contextPath],
    makeVariables: parent.makeVariables,
  };
}

/** A recipe line after make's expansion: offsets map back through the expansion to the Makefile. */
function recipeTextSource(line: RecipeLine, via: BuildCommand, parent: TextSource, makeVariables: ReadonlyMap<string, string | undefined>): TextSource {
  const filePath = line.file?.path;
  return {
    command: () => via.range,
    insertAt: () => undefined,
    word: (start, end) => {
      const origins = recipeOrigins(line, start, end);
      const range = recipeRange(line, start, end);
      return { text: recipeSource(line, start, end), range, ...(range && filePath !== undefined ? { path: filePath } : {}), ...(origins.length > 0 ? { origins } : {}) };
    },
    location: (start, end) => {
      const range = recipeLocation(line, start, end);
      return range && filePath !== undefined ? { path: filePath, range } : undefined;
    },
    variables: line.variables,
    via,
    depth: parent.depth + 1,
    chain: parent.chain,
    makeVariables,
  };
}

// ---------------------------------------------------------------------------
// Which commands build, and what they write.

const C_COMPILER = /^(?:[\w.]+-)*(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+)(?:-\d+(?:\.\d+)*)?$/;

function classify(command: ResolvedCommand): BuildCommand | undefined {
  const name = path.posix.basename(command.argv[0] ?? '');
  const tool = name.replace(/^xx-/, '');
  if (tool === 'go' && command.argv[1] === 'build') return goBuild(command, 'go-build');
  if (tool === 'go' && command.argv[1] === 'install') return goBuild(command, 'go-install');
  if (C_COMPILER.test(tool) || tool === 'musl-gcc' || tool === 'musl-clang') return cLink(command, tool);
  if (tool === 'make' || tool === 'gmake') return makeBuild(command, tool);
  const script = scriptBuild(command);
  if (script) return script;
  if (isOtherBuild(tool, command.argv.slice(1))) return build(command, 'other', tool, {});
  return undefined;
}

function build(command: ResolvedCommand, kind: BuildKind, tool: string, details: Partial<BuildCommand>): BuildCommand {
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

const GO_VALUE_FLAGS = new Set(['o', 'C', 'p', 'ldflags', 'gcflags', 'asmflags', 'gccgoflags', 'tags', 'mod', 'modfile', 'overlay', 'pgo', 'pkgdir', 'buildmode', 'compiler', 'installsuffix', 'toolexec', 'covermode', 'coverpkg', 'exec']);

function goBuild(command: ResolvedCommand, kind: 'go-build' | 'go-install'): BuildCommand | undefined {
  const { flags, packages } = goArguments(command.words.slice(2));
  if (flags.has('h') || flags.has('help') || flags.has('n')) return undefined;
  const env = command.env;
  const dir = flags.has('C') ? resolvePath(command.cwd, flags.get('C')) : command.cwd;
  const placement = kind === 'go-build' ? goBuildOutput(flags, packages, dir) : goInstallOutput(packages, env, command.stage);
  const ldflags = flags.get('ldflags');
  const tags = flags.get('tags')?.split(/[,\s]+/).filter(Boolean) ?? [];
  return build(command, kind, 'go', { ...placement, flags, packages, ldflags, tags });
}

function goArguments(words: readonly CommandWord[]): { flags: Map<string, string | undefined>; packages: (string | undefined)[] } {
  const flags = new Map<string, string | undefined>();
  const packages: (string | undefined)[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i].value;
    if (word === undefined || !word.startsWith('-') || word === '-') {
      packages.push(word);
      continue;
    }
    const body = word.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    if (eq >= 0) flags.set(name, body.slice(eq + 1));
    else if (GO_VALUE_FLAGS.has(name)) flags.set(name, words[++i]?.value);
    else flags.set(name, 'true');
  }
  return { flags, packages };
}

type Placement = Pick<BuildCommand, 'output' | 'outputDir' | 'producesOutput'>;

function goBuildOutput(flags: ReadonlyMap<string, string | undefined>, packages: readonly (string | undefined)[], dir: string | undefined): Placement {
  const files = packages.length > 0 && packages.every((pkg) => pkg?.endsWith('.go'));
  const several = !files && (packages.length > 1 || packages.some((pkg) => pkg?.includes('...')));
  const name = several ? undefined : goDefaultName(packages);
  if (flags.has('o')) {
    const o = flags.get('o');
    if (o === '/dev/null') return { output: undefined, outputDir: undefined, producesOutput: false };
    if (o?.endsWith('/')) {
      const outputDir = resolvePath(dir, o);
      return { output: name && outputDir ? resolvePath(outputDir, name) : undefined, outputDir, producesOutput: true };
    }
    return { output: resolvePath(dir, o), outputDir: undefined, producesOutput: true };
  }
  // Go discards the result of building several packages when no -o is given.
  if (several) return { output: undefined, outputDir: undefined, producesOutput: false };
  return { output: name ? resolvePath(dir, name) : undefined, outputDir: name ? undefined : dir, producesOutput: true };
}

function goInstallOutput(packages: readonly (string | undefined)[], env: Environment, stage: Stage): Placement {
  const binDir = goBinDir(env, stage);
  const crossCompiling = env.has('GOOS') || env.has('GOARCH');
  const single = packages.length === 1 && !packages[0]?.includes('...');
  const name = single && !crossCompiling ? goDefaultName(packages.map((pkg) => pkg?.replace(/@.*$/, ''))) : undefined;
  return { output: name && binDir ? resolvePath(binDir, name) : undefined, outputDir: binDir, producesOutput: true };
}

function goBinDir(env: Environment, stage: Stage): string | undefined {
  if (env.has('GOBIN')) return resolvePath(undefined, env.get('GOBIN'));
  if (env.has('GOPATH')) return resolvePath(undefined, env.get('GOPATH')?.split(':')[0] + '/bin');
  if (isGolangImage(stage.rootImage)) return '/go/bin';
  if (env.has('HOME')) return resolvePath(undefined, env.get('HOME') + '/go/bin');
  return undefined;
}

/** The name `go build` gives a single package: its last path element (the one before a `/vN` major suffix), or the first .go file's stem. */
function goDefaultName(packages: readonly (string | undefined)[]): string | undefined {
  if (packages.length === 0) return undefined;
  const first = packages[0];
  if (first === undefined) return undefined;
  if (first.endsWith('.go')) return path.posix.basename(first, '.go');
  const elements = first.replace(/@.*$/, '').split('/').filter((element) => element !== '' && element !== '.');
  if (elements.length === 0 || elements[elements.length - 1] === '..') return undefined;
  const last = elements[elements.length - 1];
  return /^v\d+$/.test(last) && elements.length > 1 ? elements[elements.length - 2] : last;
}

const C_VALUE_FLAGS = new Set(['-o', '-I', '-L', '-D', '-U', '-include', '-isystem', '-x', '-MF', '-MT', '-MQ', '-Xlinker', '-Xassembler', '-Xpreprocessor', '-T', '-u', '-z', '-idirafter', '-iquote', '-imacros', '-isysroot', '-iprefix', '-iwithprefix', '-aux-info', '-l', '-e']);
const C_NO_LINK = new Set(['-c', '-S', '-E', '-M', '-MM', '-v', '--version', '--help', '-dumpversion', '-dumpmachine', '-dumpspecs', '-###', '-fsyntax-only']);

function cLink(command: ResolvedCommand, tool: string): BuildCommand | undefined {
  const args = command.words.slice(1);
  let output: string | undefined = 'a.out';
  let inputs = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i].value;
    if (arg !== undefined && (C_NO_LINK.has(arg) || arg.startsWith('-print-'))) return undefined;
    if (arg === undefined || !arg.startsWith('-') || arg === '-') inputs++;
    else if (arg === '-o') output = args[++i]?.value;
    else if (arg.startsWith('-o')) output = arg.slice(2);
    else if (C_VALUE_FLAGS.has(arg)) i++;
  }
  if (inputs === 0) return undefined;
  const isStatic = command.argv.some((arg) => arg === '-static' || arg === '-static-pie' || arg === '--static');
  const resolvedOutput = resolvePath(command.cwd, output);
  return build(command, 'c-link', tool, { output: resolvedOutput, producesOutput: output !== '/dev/null', static: isStatic });
}

function makeBuild(command: ResolvedCommand, tool: string): BuildCommand {
  let dir = command.cwd;
  let file: string | undefined;
  const targets: string[] = [];
  const variables = new Map<string, string | undefined>();
  const words = command.words.slice(1);
  for (let i = 0; i < words.length; i++) {
    const arg = words[i].value;
    let attached: RegExpExecArray | null;
    if (arg === undefined) continue;
    if (arg === '-C' || arg === '--directory') dir = resolvePath(dir, words[++i]?.value);
    else if ((attached = /^(?:-C|--directory=)(.+)$/.exec(arg))) dir = resolvePath(dir, attached[1]);
    else if (arg === '-f' || arg === '--file' || arg === '--makefile') file = words[++i]?.value;
    else if ((attached = /^(?:-f|--file=|--makefile=)(.+)$/.exec(arg))) file = attached[1];
    else if (MAKE_VALUE_FLAGS.has(arg)) i++;
    else if ((arg === '-j' || arg === '-l') && /^\d+(\.\d+)?$/.test(words[i + 1]?.value ?? '')) i++;
    else if (arg.startsWith('-')) continue;
    else if (/^[A-Za-z_][\w.]*=/.test(arg)) variables.set(arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1));
    else targets.push(arg);
  }
  return build(command, 'indirect', tool, { indirect: { runner: 'make', dir, file, targets, variables } });
}

const MAKE_VALUE_FLAGS = new Set(['-o', '-W', '-I', '--old-file', '--what-if', '--new-file', '--include-dir']);

/** `./build.sh`, `scripts/build.sh`, `sh build.sh`, `bash -e build.sh`, `. ./env.sh`. */
function scriptBuild(command: ResolvedCommand): BuildCommand | undefined {
  const run = scriptRunOf(command.argv);
  if (!run) return undefined;
  const file = resolvePath(command.cwd, run.script) ?? run.script;
  const dir = file.startsWith('/') ? path.posix.dirname(file) : undefined;
  return build(command, 'indirect', command.argv[0], { indirect: { runner: 'script', dir, file, targets: [], variables: new Map() } });
}

/** Other toolchains' build commands, by program and the subcommand or task that builds. */
const OTHER_BUILDS: Record<string, RegExp> = {
  cargo: /^(build|b|install|rustc)$/,
  mvn: /^(package|install|verify|deploy)$/,
  mvnw: /^(package|install|verify|deploy)$/,
  gradle: /^(build|assemble|jar|bootJar|war|bootWar|shadowJar|installDist|distZip|distTar|nativeCompile)$/,
  gradlew: /^(build|assemble|jar|bootJar|war|bootWar|shadowJar|installDist|distZip|distTar|nativeCompile)$/,
  dotnet: /^(build|publish)$/,
  cmake: /^--build$/,
  meson: /^compile$/,
  zig: /^(build|build-exe)$/,
  swift: /^build$/,
};

function isOtherBuild(tool: string, args: readonly string[]): boolean {
  const informational = args.some((arg) => /^(--?version|-V|--?help|-h|-t)$/.test(arg));
  if (tool === 'rustc' || tool === 'javac') return args.length > 0 && !informational;
  if (tool === 'ninja') return !informational;
  const pattern = OTHER_BUILDS[tool];
  return pattern !== undefined && args.some((arg) => pattern.test(arg));
}

// ---------------------------------------------------------------------------
// Artifacts: outputs followed through COPY --from into the runtime chain.

interface Located {
  build: BuildCommand;
  /** The file in the stage that holds it. */
  path: string | undefined;
  /** The directory it is in, when its name is unknown. */
  dir: string | undefined;
  link: CopyLink | undefined;
}

function artifactsOf(target: Stage, builds: readonly BuildCommand[], copyLinks: readonly CopyLink[], scans: StageScanner): Artifact[] {
  // A followed make or script is represented by the builds it ran.
  const buildsIn = groupBy(builds.filter((b) => b.producesOutput && !b.indirect?.resolved?.length), (b) => b.stage);
  const linksInto = groupBy(copyLinks, (link) => link.into);
  const located = new Map<Stage, Located[]>();
  const locate = (stage: Stage): Located[] => {
    let found = located.get(stage);
    if (found) return found;
    located.set(stage, (found = []));
    for (const member of chainOf(stage)) {
      for (const b of buildsIn.get(member) ?? []) found.push({ build: b, path: b.output, dir: b.output ? undefined : b.outputDir, link: undefined });
      for (const link of linksInto.get(member) ?? []) {
        if (!link.source) continue;
        for (const item of locate(link.source)) {
          const copied = throughCopy(item, link, scans.scan(member).workdirAt.get(link.copy));
          if (copied) found.push(copied);
        }
      }
    }
    return found;
  };
  return locate(target).map((item) => ({ build: item.build, path: item.path, link: item.link, tlsUse: 'unknown' as const }));
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** Where `item` lands when `link` copies it, or undefined when the COPY does not include it. */
function throughCopy(item: Located, link: CopyLink, workdir: string | undefined): Located | undefined {
  const destination = link.destination;
  const destDir = resolvePath(workdir, destination);
  const intoDir = destination.endsWith('/') || destination === '.' || link.sources.length > 1;
  for (const source of link.sources) {
    // COPY --from sources are relative to the source stage's root.
    const pattern = resolvePath('/', source);
    if (pattern === undefined) continue;
    const landed = landing(item, pattern, destDir, intoDir);
    if (landed) return { ...landed, build: item.build, link };
  }
  return undefined;
}

function landing(item: Located, source: string, dest: string | undefined, intoDir: boolean): Pick<Located, 'path' | 'dir'> | undefined {
  const entry = matchedEntry(source, item.path ?? item.dir);
  if (item.path !== undefined && entry !== undefined) {
    if (entry === item.path) return { path: dest === undefined ? undefined : intoDir || hasGlob(source) ? join(dest, path.posix.basename(item.path)) : dest, dir: undefined };
    return { path: dest === undefined ? undefined : join(dest, path.posix.relative(entry, item.path)), dir: undefined };
  }
  if (item.dir === undefined) return undefined;
  if (entry !== undefined) return { path: undefined, dir: dest === undefined ? undefined : join(dest, path.posix.relative(entry, item.dir)) };
  // `go build` of the current package: its name is the module's, which is often the directory's.
  if (source === join(item.dir, path.posix.basename(item.dir)) && item.dir !== '/') {
    return { path: dest === undefined ? undefined : intoDir ? join(dest, path.posix.basename(source)) : dest, dir: undefined };
  }
  return undefined;
}

/** The path the COPY source names that is `target` or a directory holding it. */
function matchedEntry(source: string, target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  if (!hasGlob(source)) return isWithin(target, source) ? source : undefined;
  const pattern = globPattern(source);
  const elements = target.split('/');
  for (let n = 2; n <= elements.length; n++) {
    const prefix = elements.slice(0, n).join('/');
    if (pattern.test(prefix)) return prefix;
  }
  return undefined;
}

export function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

/** A COPY source wildcard (`*`, `?`, `[…]`, not across `/`) as a regular expression. */
export function globPattern(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) source += '\\[';
      else {
        source += '[' + glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = close;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function join(dir: string, rest: string): string {
  return normalize(path.posix.join(dir, rest));
}
