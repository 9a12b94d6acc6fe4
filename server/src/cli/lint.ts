// `dockerfile-slim lint`: read everything first, then analyse (and fix), then write,
// then print. Any input problem stops the run before a single file is written or a
// partial report is printed: CI gets either a whole answer or exit code 2.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { analyze, type AnalysisOptions, type AnalyzedFinding } from '../analyze';
import { ConfigError, parseWorkspaceConfig, resolveConfig } from '../config';
import { contextPath, type BuildContext } from '../context/build-context';
import { ContextTree, contextRoot, dockerfileDirIn, FsBuildContext } from '../context/fs-context';
import { fixAllFiles, fixKeepingLineEndings, usesCrlfThroughout } from '../fixes';
import { loadGrammars } from '../parse/grammars';
import type { WorkspaceConfig } from '../shared/protocol';
import { findWorkspaceConfig } from '../workspace-config';
import type { LintOptions } from './args';
import { collectDockerfiles, InputError, loadDockerfile, reason, type LoadedDockerfile } from './files';
import { errorMessage, type CliIo } from './io';
import { formatJson } from './json';
import { displayPath, exitCodeFor, fileReport, type FileReport, type LintReport } from './report';
import { formatSarif } from './sarif';
import { formatText, useColor } from './text';

/** The analysis engine, replaceable in tests. */
export interface LintEngine {
  init(): Promise<void>;
  analyze(text: string, options: AnalysisOptions): { findings: AnalyzedFinding[]; errors: { code: string; error: unknown }[] };
  /** The Dockerfile's fixed text and the other files the fixes changed (by path relative to the Dockerfile's folder). */
  fixAllFiles(text: string, options: AnalysisOptions): { text: string; files: ReadonlyMap<string, string> };
}

export const DEFAULT_ENGINE: LintEngine = { init: () => loadGrammars(['bash', 'go', 'c', 'make']), analyze, fixAllFiles };

interface LintInput extends LoadedDockerfile {
  analysisOptions: AnalysisOptions;
  /** The build context folder (absolute). */
  contextRoot: string;
}

/** A file's new content, exactly as it will be written (line endings and byte order mark kept). */
interface FileChange {
  display: string;
  absolute: string;
  text: string;
}

interface LintOutcome {
  report: FileReport;
  warnings: string[];
}

/**
 * What the run has read and will write: one context tree per root, shared by the
 * Dockerfiles that use it, seeing the fixes made so far (a Makefile two Dockerfiles
 * build with is fixed once, and the second sees the first's fix).
 */
class Workspace {
  private readonly trees = new Map<string, ContextTree>();
  readonly changes = new Map<string, FileChange>();

  contextFor(input: LintInput): FsBuildContext {
    let tree = this.trees.get(input.contextRoot);
    if (!tree) {
      tree = new ContextTree(input.contextRoot, { overlay: (absolute) => this.changedText(absolute) });
      this.trees.set(input.contextRoot, tree);
    }
    return new FsBuildContext(tree, dockerfileDirIn(input.contextRoot, input.absolute));
  }

  write(change: FileChange): void {
    this.changes.set(change.absolute, change);
  }

  /** The text to be written, as the analysis sees files (no byte order mark). */
  private changedText(absolute: string): string | undefined {
    return this.changes.get(absolute)?.text.replace(/^\ufeff/, '');
  }
}

export async function runLint(options: LintOptions, io: CliIo, engine: LintEngine = DEFAULT_ENGINE): Promise<number> {
  const problems: string[] = [];
  const inputs = readInputs(options, io.cwd, problems);
  if (problems.length > 0) return fail(io, problems);
  try {
    await engine.init();
  } catch (error) {
    return fail(io, [`cannot load the tree-sitter grammars: ${errorMessage(error)}`]);
  }

  const workspace = new Workspace();
  const outcomes: LintOutcome[] = [];
  for (const input of inputs) {
    try {
      outcomes.push(lintOne(input, options.fix, engine, workspace));
    } catch (error) {
      problems.push(`internal error while linting '${input.display}': ${errorMessage(error)}`);
    }
  }
  if (problems.length > 0) return fail(io, problems);

  const changes = [...workspace.changes.values()];
  writeChanges(changes, problems);
  if (problems.length > 0) return fail(io, problems);

  for (const warning of outcomes.flatMap((outcome) => outcome.warnings)) io.stderr(`dockerfile-slim: warning: ${warning}\n`);
  const report: LintReport = { version: 1, files: outcomes.map((outcome) => outcome.report) };
  io.stdout(render(report, options, io, changes.length));
  return exitCodeFor(report, options.failLevel);
}

function fail(io: CliIo, problems: readonly string[]): number {
  for (const problem of problems) io.stderr(`dockerfile-slim: ${problem}\n`);
  return 2;
}

function render(report: LintReport, options: LintOptions, io: CliIo, changedFiles: number): string {
  switch (options.format) {
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report, io.cwd);
    case 'text':
      return formatText(report, { color: useColor(io.stdoutIsTTY, io.env), fixedFiles: options.fix ? changedFiles : undefined });
  }
}

/** Dockerfiles with their settings; every problem found is added to `problems`. */
function readInputs(options: LintOptions, cwd: string, problems: string[]): LintInput[] {
  const { files, errors } = collectDockerfiles(options.paths, cwd);
  problems.push(...errors);
  const configs = new ConfigCache(cwd);
  const explicitConfig = options.config === undefined ? undefined : configs.read(path.resolve(cwd, options.config), options.config, problems);
  const explicitContext = options.context === undefined ? undefined : checkedFolder(path.resolve(cwd, options.context), `build context '${options.context}' (--context)`, problems);
  const inputs: LintInput[] = [];
  for (const ref of files) {
    try {
      const file = loadDockerfile(ref);
      if (options.target !== undefined && !hasStage(file.text, options.target)) {
        throw new InputError(`'${file.display}' has no stage '${options.target}' (--target)`);
      }
      const workspace = options.config === undefined ? configs.nearest(file.absolute, problems) : explicitConfig;
      const resolved = resolveConfig(workspace, options.target === undefined ? {} : { target: options.target });
      const root = options.context !== undefined ? explicitContext : checkedFolder(contextRoot(file.absolute, resolved.context), `'${file.display}': build context '${resolved.context}' (the config's "context")`, problems);
      if (root !== undefined) inputs.push({ ...file, analysisOptions: { target: resolved.target, rules: resolved.rules }, contextRoot: root });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(error.message);
    }
  }
  return inputs;
}

/** The folder, or undefined with a problem when it is missing or not a folder. */
function checkedFolder(absolute: string, what: string, problems: string[]): string | undefined {
  try {
    if (statSync(absolute).isDirectory()) return absolute;
    problems.push(`${what} is not a folder`);
  } catch (error) {
    problems.push(`cannot read ${what}: ${reason(error)}`);
  }
  return undefined;
}

/** Stage names (any case) or indices, as `docker build --target` and the analyser accept them. */
export function hasStage(text: string, target: string): boolean {
  const froms = DockerfileParser.parse(text).getFROMs();
  if (froms.some((from) => from.getBuildStage()?.toLowerCase() === target.toLowerCase())) return true;
  return /^\d+$/.test(target) && Number(target) < froms.length;
}

/** Each config file is read and reported once, however many Dockerfiles share it. */
class ConfigCache {
  private readonly byFile = new Map<string, WorkspaceConfig | undefined>();
  constructor(private readonly cwd: string) {}

  nearest(dockerfile: string, problems: string[]): WorkspaceConfig | undefined {
    const file = findWorkspaceConfig(dockerfile);
    return file === undefined ? undefined : this.read(file, path.relative(this.cwd, file) || file, problems);
  }

  read(absolute: string, display: string, problems: string[]): WorkspaceConfig | undefined {
    if (this.byFile.has(absolute)) return this.byFile.get(absolute);
    let config: WorkspaceConfig | undefined;
    try {
      config = parseWorkspaceConfig(readFileSync(absolute, 'utf8'), display);
    } catch (error) {
      problems.push(error instanceof ConfigError ? errorMessage(error) : `cannot read config '${display}': ${reason(error)}`);
    }
    this.byFile.set(absolute, config);
    return config;
  }
}

function lintOne(input: LintInput, fix: boolean, engine: LintEngine, workspace: Workspace): LintOutcome {
  const context = workspace.contextFor(input);
  const text = fix ? fixFiles(input, context, engine, workspace) : input.text;
  const analysis = engine.analyze(text, { ...input.analysisOptions, context });
  const warnings = analysis.errors.map(({ code, error }) => `rule ${code} failed on '${input.display}' (its findings are missing): ${errorMessage(error)}`);
  return { report: fileReport(input.display, analysis.findings), warnings };
}

/**
 * Applies the preferred fixes to the Dockerfile and the files they touch, noting the
 * changes in `workspace`; returns the Dockerfile's new text. Files written with CRLF
 * throughout are fixed as LF text and converted back (see fixKeepingLineEndings).
 */
function fixFiles(input: LintInput, context: FsBuildContext, engine: LintEngine, workspace: Workspace): string {
  let files: ReadonlyMap<string, string> = new Map();
  const text = fixKeepingLineEndings(input.text, (source) => {
    const fixed = engine.fixAllFiles(source, { ...input.analysisOptions, context: withLfEndings(context) });
    files = fixed.files;
    return fixed.text;
  });
  if (text !== input.text) workspace.write({ display: input.display, absolute: input.absolute, text: input.bom ? `\ufeff${text}` : text });
  for (const [relative, fixed] of files) {
    const before = context.readFile(contextPath(context, relative));
    if (before === undefined) continue;
    const after = usesCrlfThroughout(before) ? fixed.replace(/\r?\n/g, '\r\n') : fixed;
    if (after === before) continue;
    const absolute = context.absoluteFromDockerfile(relative);
    workspace.write({ display: displayPath(input.display, relative), absolute, text: hasBom(absolute, workspace) ? `\ufeff${after}` : after });
  }
  return text;
}

/** The context as the fixes see it: files with CRLF throughout read as LF text. */
function withLfEndings(context: BuildContext): BuildContext {
  return {
    files: () => context.files(),
    readFile: (relativePath) => {
      const text = context.readFile(relativePath);
      return text !== undefined && usesCrlfThroughout(text) ? text.replace(/\r\n/g, '\n') : text;
    },
    dockerfileDir: context.dockerfileDir,
  };
}

/** Whether the file starts with a byte order mark (as already rewritten in this run, or on disk). */
function hasBom(absolute: string, workspace: Workspace): boolean {
  const pending = workspace.changes.get(absolute);
  if (pending) return pending.text.startsWith('\ufeff');
  try {
    return readFileSync(absolute).subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]));
  } catch {
    return false;
  }
}

function writeChanges(changes: readonly FileChange[], problems: string[]): void {
  for (const change of changes) {
    try {
      writeFileSync(change.absolute, change.text);
    } catch (error) {
      problems.push(`cannot write '${change.display}': ${reason(error)}`);
    }
  }
}
