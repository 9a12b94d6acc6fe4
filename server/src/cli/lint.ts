// `dockerfile-slim lint`: read everything first, then analyse (and fix), then write,
// then print. Any input problem stops the run before a single file is written or a
// partial report is printed: CI gets either a whole answer or exit code 2.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { analyze, type AnalysisOptions, type AnalyzedFinding } from '../analyze';
import { ConfigError, parseWorkspaceConfig, resolveConfig } from '../config';
import { fixAll } from '../fixes';
import { initShellParser } from '../parse/shell';
import type { WorkspaceConfig } from '../shared/protocol';
import { findWorkspaceConfig } from '../workspace-config';
import type { LintOptions } from './args';
import { collectDockerfiles, InputError, loadDockerfile, reason, type LoadedDockerfile } from './files';
import { errorMessage, type CliIo } from './io';
import { formatJson } from './json';
import { exitCodeFor, fileReport, type FileReport, type LintReport } from './report';
import { formatSarif } from './sarif';
import { formatText, useColor } from './text';

/** The analysis engine, replaceable in tests. */
export interface LintEngine {
  init(): Promise<void>;
  analyze(text: string, options: AnalysisOptions): { findings: AnalyzedFinding[]; errors: { code: string; error: unknown }[] };
  fixAll(text: string, options: AnalysisOptions): { text: string };
}

export const DEFAULT_ENGINE: LintEngine = { init: initShellParser, analyze, fixAll };

interface LintInput extends LoadedDockerfile {
  analysisOptions: AnalysisOptions;
}

/** A file's new content; today only Dockerfiles, later also the Makefiles fixes edit. */
interface FileChange {
  display: string;
  absolute: string;
  text: string;
}

interface LintOutcome {
  report: FileReport;
  changes: FileChange[];
  warnings: string[];
}

export async function runLint(options: LintOptions, io: CliIo, engine: LintEngine = DEFAULT_ENGINE): Promise<number> {
  const problems: string[] = [];
  const inputs = readInputs(options, io.cwd, problems);
  if (problems.length > 0) return fail(io, problems);
  try {
    await engine.init();
  } catch (error) {
    return fail(io, [`cannot load the shell parser: ${errorMessage(error)}`]);
  }

  const outcomes: LintOutcome[] = [];
  for (const input of inputs) {
    try {
      outcomes.push(lintOne(input, options.fix, engine));
    } catch (error) {
      problems.push(`internal error while linting '${input.display}': ${errorMessage(error)}`);
    }
  }
  if (problems.length > 0) return fail(io, problems);

  const changes = outcomes.flatMap((outcome) => outcome.changes);
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
  const inputs: LintInput[] = [];
  for (const ref of files) {
    try {
      const file = loadDockerfile(ref);
      if (options.target !== undefined && !hasStage(file.text, options.target)) {
        throw new InputError(`'${file.display}' has no stage '${options.target}' (--target)`);
      }
      const workspace = options.config === undefined ? configs.nearest(file.absolute, problems) : explicitConfig;
      const resolved = resolveConfig(workspace, options.target === undefined ? {} : { target: options.target });
      inputs.push({ ...file, analysisOptions: { target: resolved.target, rules: resolved.rules } });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(error.message);
    }
  }
  return inputs;
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

function lintOne(input: LintInput, fix: boolean, engine: LintEngine): LintOutcome {
  let text = input.text;
  const changes: FileChange[] = [];
  if (fix) {
    const fixed = fixKeepingLineEndings(text, (source) => engine.fixAll(source, input.analysisOptions).text);
    if (fixed !== text) {
      text = fixed;
      changes.push({ display: input.display, absolute: input.absolute, text: input.bom ? `\ufeff${fixed}` : fixed });
    }
  }
  const analysis = engine.analyze(text, input.analysisOptions);
  const warnings = analysis.errors.map(({ code, error }) => `rule ${code} failed on '${input.display}' (its findings are missing): ${errorMessage(error)}`);
  return { report: fileReport(input.display, analysis.findings), changes, warnings };
}

/**
 * Fixes insert lines with "\n". A file written with CRLF throughout is fixed as LF
 * text and converted back, so its line endings stay uniform; a file with mixed
 * endings is fixed as it is (converting would touch lines no fix meant to change).
 */
export function fixKeepingLineEndings(text: string, fixText: (text: string) => string): string {
  if (!usesCrlfThroughout(text)) return fixText(text);
  const fixed = fixText(text.replace(/\r\n/g, '\n'));
  return fixed.replace(/\r?\n/g, '\r\n');
}

function usesCrlfThroughout(text: string): boolean {
  return text.includes('\r\n') && !/(^|[^\r])\n/.test(text);
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
