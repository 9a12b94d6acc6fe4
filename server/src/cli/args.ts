// Command-line parsing. Every mistake becomes a UsageError with one line of text.
import type { FindingSeverity } from '../rules/types';
import { SLIM_RUNTIMES, type SlimRuntime } from '../slim/runtime';

export const FORMATS = ['text', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];
export const FAIL_LEVELS: readonly FindingSeverity[] = ['error', 'warning', 'info'];

export interface LintOptions {
  format: Format;
  fix: boolean;
  target: string | undefined;
  config: string | undefined;
  /** Build context folder, relative to the working folder; overrides the config's `context`. */
  context: string | undefined;
  failLevel: FindingSeverity;
  paths: string[];
}

export const INSPECT_FORMATS = ['text', 'json'] as const;
export type InspectFormat = (typeof INSPECT_FORMATS)[number];
export const ENGINES = ['docker', 'podman'] as const;
export type EngineName = (typeof ENGINES)[number];

export interface InspectOptions {
  image: string;
  format: InspectFormat;
  /** undefined: docker if on PATH, else podman (or the kind --engine-path names). */
  engine: EngineName | undefined;
  /** The engine's executable, relative to the working folder or absolute. */
  enginePath: string | undefined;
  /** A .dockerfile-slim.json whose "rules" apply; default: the nearest one from the working folder up. */
  config: string | undefined;
}

export interface SlimOptions {
  path: string;
  write: boolean;
  runtime: SlimRuntime;
  target: string | undefined;
  config: string | undefined;
  context: string | undefined;
}

export type Command =
  | { kind: 'help'; topic: 'main' | 'lint' | 'inspect' | 'slim' }
  | { kind: 'version' }
  | { kind: 'lint'; options: LintOptions }
  | { kind: 'inspect'; options: InspectOptions }
  | { kind: 'slim'; options: SlimOptions };

export class UsageError extends Error {}

export const MAIN_USAGE = `Usage: dockerfile-slim <command> [options]

Finds what makes container images large, root-owned or broken when made small.

Commands:
  lint PATH...     Lint Dockerfiles (files, or folders searched recursively)
  slim PATH        Print (or --write) the Dockerfile slimmed: build and runtime stages
  inspect IMAGE    Report a built image's size, layers and problems (SLIM901-SLIM907)

Options:
  -h, --help       Show this help; "dockerfile-slim lint --help" (or slim, inspect --help)
                   shows a command's options
  --version        Print the version

Exit codes: 0 nothing at or above the fail level, 1 problems found, 2 usage or input error.
`;

export const LINT_USAGE = `Usage: dockerfile-slim lint [options] PATH...

Lints Dockerfiles. A folder is searched recursively for Dockerfile, Containerfile,
*.Dockerfile, Dockerfile.* and Containerfile.* (node_modules and dot-folders skipped).
Each file uses the nearest .dockerfile-slim.json in its folder or above, unless --config.
Findings in other files (a Makefile, a script, main.go) are reported with their path
relative to the Dockerfile's path as given; --fix writes every file the fixes change.

Options:
  --format text|json|sarif          Output format (default: text)
  --fix                             Write the preferred fixes, then report what remains
  --target STAGE                    Lint for this stage, as docker build --target
                                    (overrides the config's "target"; must exist)
  --config FILE                     Use this config file instead of .dockerfile-slim.json
  --context DIR                     Build context (as docker build's PATH): where Go
                                    sources, go.mod, Makefiles and scripts are read;
                                    .dockerignore applies (overrides the config's
                                    "context", which is relative to the Dockerfile;
                                    default: the Dockerfile's folder)
  --fail-level error|warning|info   Exit 1 when a diagnostic is at or above this
                                    severity (default: error)
  -h, --help                        Show this help

Exit codes: 0 nothing at or above the fail level, 1 problems found, 2 usage or input
error (unknown option, missing or unreadable file, not a Dockerfile, invalid config).
`;

export const INSPECT_USAGE = `Usage: dockerfile-slim inspect [options] IMAGE

Reads a built image from the local container engine (\`docker save\` / \`podman save\`,
streamed, never written to disk) and reports its size, its layers and what will break
when it runs: a missing ELF interpreter or shared library, a shell-form command without
/bin/sh, a missing entrypoint, an unknown USER, a Go TLS client without CA
certificates, and space wasted by files a later layer deletes (SLIM901-SLIM907).

Options:
  --format text|json        Output format (default: text)
  --engine docker|podman    The engine to ask (default: docker when on PATH, else podman)
  --engine-path PATH        The engine's executable (its kind from --engine, else from
                            the file name)
  --config FILE             Use this config's "rules" (severities, "off") instead of the
                            nearest .dockerfile-slim.json from the working folder up
  -h, --help                Show this help

Exit codes: 0 no error-level finding, 1 error-level findings, 2 usage or engine error
(no engine, engine not running, image not found, invalid config).
`;

export const SLIM_USAGE = `Usage: dockerfile-slim slim [options] PATH

Slims a Dockerfile: a single-stage compiler image becomes a build stage plus a runtime
stage on the smallest base its program runs on (scratch for a static Go or C binary,
distroless for a glibc-linked one, alpine for a musl-linked one), then every preferred
fix is applied (exec form, CGO_ENABLED=0 or static linking, -s -w, CA certificates when
the program makes TLS connections, a non-root user), also in the Makefiles and scripts
the build runs. A multi-stage Dockerfile is improved in place. Prints the result on
stdout and what changed on stderr; refuses, with the reasons, what it cannot slim safely.

Options:
  --write                               Write the Dockerfile (and the other files) instead
                                        of printing it
  --runtime auto|scratch|distroless|alpine
                                        The runtime base (default: auto, which follows how
                                        the program is linked)
  --target STAGE                        The stage to slim, as docker build --target
  --config FILE                         Use this config file instead of .dockerfile-slim.json
  --context DIR                         Build context (default: the Dockerfile's folder)
  -h, --help                            Show this help

Exit codes: 0 slimmed or already slim, 1 refused (the reasons on stderr, one per line),
2 usage or input error.
`;

export function parseCommandLine(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given (try: dockerfile-slim lint PATH..., or --help)');
  if (first === '-h' || first === '--help' || first === 'help') return { kind: 'help', topic: rest[0] === 'lint' || rest[0] === 'inspect' || rest[0] === 'slim' ? rest[0] : 'main' };
  if (first === '--version') return { kind: 'version' };
  if (first === 'lint') return parseLint(rest);
  if (first === 'inspect') return parseInspect(rest);
  if (first === 'slim') return parseSlim(rest);
  if (first.startsWith('-')) throw new UsageError(`unknown option '${first}' (see dockerfile-slim --help)`);
  throw new UsageError(`unknown command '${first}' (commands: lint, slim, inspect)`);
}

/** An option as the parsers see it: its name, and its value when asked for one. */
interface Option {
  name: string;
  /** The value, `--name=value` or the next argument; a usage error when there is none. */
  value(): string;
  /** Refuses `--name=value` for a flag. */
  flag(): void;
}

/**
 * Walks the arguments: positionals (and everything after `--`) are collected, each option
 * goes to `onOption`, which may end the parse by returning a command (e.g. --help).
 */
function walkArguments(argv: readonly string[], onOption: (option: Option) => Command | void): { positionals: string[]; command?: Command } {
  const positionals: string[] = [];
  const queue = [...argv];
  while (queue.length > 0) {
    const arg = queue.shift() as string;
    if (arg === '--') {
      positionals.push(...queue.splice(0));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const [name, inlineValue] = splitOption(arg);
    const value = (): string => {
      // `--target --fix` is a forgotten value, not a stage called "--fix".
      const given = inlineValue ?? (queue[0]?.startsWith('-') ? undefined : queue.shift());
      if (given === undefined || given === '') throw new UsageError(`option '${name}' needs a value`);
      return given;
    };
    const flag = () => {
      if (inlineValue !== undefined) throw new UsageError(`option '${name}' takes no value`);
    };
    const command = onOption({ name, value, flag });
    if (command) return { positionals, command };
  }
  return { positionals };
}

function parseLint(argv: readonly string[]): Command {
  const options: LintOptions = { format: 'text', fix: false, target: undefined, config: undefined, context: undefined, failLevel: 'error', paths: [] };
  const { positionals, command } = walkArguments(argv, ({ name, value, flag }) => {
    switch (name) {
      case '-h':
      case '--help':
        return { kind: 'help', topic: 'lint' };
      case '--version':
        return { kind: 'version' };
      case '--fix':
        flag();
        options.fix = true;
        return;
      case '--format':
        options.format = oneOf(name, value(), FORMATS);
        return;
      case '--fail-level':
        options.failLevel = oneOf(name, value(), FAIL_LEVELS);
        return;
      case '--target':
        options.target = value();
        return;
      case '--config':
        options.config = value();
        return;
      case '--context':
        options.context = value();
        return;
      default:
        throw new UsageError(`unknown option '${name}' (see dockerfile-slim lint --help)`);
    }
  });
  if (command) return command;
  options.paths.push(...positionals);
  if (options.paths.length === 0) throw new UsageError('lint: no PATH given (a Dockerfile or a folder; see dockerfile-slim lint --help)');
  return { kind: 'lint', options };
}

function parseInspect(argv: readonly string[]): Command {
  const options: InspectOptions = { image: '', format: 'text', engine: undefined, enginePath: undefined, config: undefined };
  const { positionals: images, command } = walkArguments(argv, ({ name, value }) => {
    switch (name) {
      case '-h':
      case '--help':
        return { kind: 'help', topic: 'inspect' };
      case '--format':
        options.format = oneOf(name, value(), INSPECT_FORMATS);
        return;
      case '--engine':
        options.engine = oneOf(name, value(), ENGINES);
        return;
      case '--engine-path':
        options.enginePath = value();
        return;
      case '--config':
        options.config = value();
        return;
      default:
        throw new UsageError(`unknown option '${name}' (see dockerfile-slim inspect --help)`);
    }
  });
  if (command) return command;
  options.image = onlyOne(images, 'inspect', 'IMAGE', 'a name, name:tag or id');
  return { kind: 'inspect', options };
}

function parseSlim(argv: readonly string[]): Command {
  const options: SlimOptions = { path: '', write: false, runtime: 'auto', target: undefined, config: undefined, context: undefined };
  const { positionals: paths, command } = walkArguments(argv, ({ name, value, flag }) => {
    switch (name) {
      case '-h':
      case '--help':
        return { kind: 'help', topic: 'slim' };
      case '--write':
        flag();
        options.write = true;
        return;
      case '--runtime':
        options.runtime = oneOf(name, value(), SLIM_RUNTIMES);
        return;
      case '--target':
        options.target = value();
        return;
      case '--config':
        options.config = value();
        return;
      case '--context':
        options.context = value();
        return;
      default:
        throw new UsageError(`unknown option '${name}' (see dockerfile-slim slim --help)`);
    }
  });
  if (command) return command;
  options.path = onlyOne(paths, 'slim', 'PATH', 'a Dockerfile');
  return { kind: 'slim', options };
}

/** The one positional argument COMMAND takes. */
function onlyOne(values: readonly string[], command: string, name: string, meaning: string): string {
  if (values.length === 0) throw new UsageError(`${command}: no ${name} given (${meaning}; see dockerfile-slim ${command} --help)`);
  if (values.length > 1) throw new UsageError(`${command}: one ${name} at a time (got ${values.length})`);
  return values[0];
}

/** `--format=json` → ['--format', 'json']; `--format` → ['--format', undefined]. */
function splitOption(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');
  return arg.startsWith('--') && equals > 0 ? [arg.slice(0, equals), arg.slice(equals + 1)] : [arg, undefined];
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`invalid value '${value}' for ${option} (expected ${allowed.join(', ')})`);
}
