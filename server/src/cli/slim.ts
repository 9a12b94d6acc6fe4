// `dockerfile-slim slim PATH`: the slimmed Dockerfile on stdout (or written with
// --write, with the other files the fixes change), what changed on stderr. Refused:
// the reasons on stderr, one per line, exit code 1; nothing is written.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, parseWorkspaceConfig, resolveConfig } from '../config';
import { ContextTree, contextRoot, dockerfileDirIn, FsBuildContext } from '../context/fs-context';
import { loadGrammars } from '../parse/grammars';
import { slimKeepingLineEndings, type SlimResult } from '../slim';
import type { WorkspaceConfig } from '../shared/protocol';
import { findWorkspaceConfig } from '../workspace-config';
import type { SlimOptions } from './args';
import { InputError, loadDockerfile, reason, type LoadedDockerfile } from './files';
import { errorMessage, type CliIo } from './io';
import { fixKeepingLineEndings } from '../fixes';
import { hasStage } from './lint';
import { displayPath } from './report';
import { TOOL_NAME } from './version';

interface Prepared {
  file: LoadedDockerfile;
  context: FsBuildContext;
  target: string | undefined;
  rules: WorkspaceConfig['rules'];
}

export async function runSlim(options: SlimOptions, io: CliIo): Promise<number> {
  let prepared: Prepared;
  try {
    prepared = prepare(options, io.cwd);
    await loadGrammars(['bash', 'go', 'c', 'make']);
  } catch (error) {
    if (!(error instanceof InputError || error instanceof ConfigError)) throw error;
    return fail(io, [errorMessage(error)]);
  }
  const { file, context } = prepared;
  const result = slimKeepingLineEndings({ path: file.absolute, text: file.text, context, runtime: options.runtime, target: prepared.target, rules: prepared.rules });
  return report(result, { ...prepared, text: result.kind === 'slimmed' ? result.text : file.text }, options, io);
}

function prepare(options: SlimOptions, cwd: string): Prepared {
  const file = loadDockerfile({ display: options.path, absolute: path.resolve(cwd, options.path) });
  if (options.target !== undefined && !hasStage(file.text, options.target)) throw new InputError(`'${file.display}' has no stage '${options.target}' (--target)`);
  const configFile = options.config === undefined ? findWorkspaceConfig(file.absolute) : path.resolve(cwd, options.config);
  const config = resolveConfig(configFile === undefined ? undefined : readConfig(configFile, options.config ?? path.relative(cwd, configFile)), options.target === undefined ? {} : { target: options.target });
  const root = options.context !== undefined ? path.resolve(cwd, options.context) : contextRoot(file.absolute, config.context);
  const what = options.context !== undefined ? `build context '${options.context}' (--context)` : `build context of '${file.display}'`;
  if (!isFolder(root, what)) throw new InputError(`${what} is not a folder`);
  const context = new FsBuildContext(new ContextTree(root), dockerfileDirIn(root, file.absolute));
  return { file, context, target: config.target, rules: config.rules };
}

function readConfig(absolute: string, display: string): WorkspaceConfig {
  try {
    return parseWorkspaceConfig(readFileSync(absolute, 'utf8'), display);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new InputError(`cannot read config '${display}': ${reason(error)}`);
  }
}

function isFolder(absolute: string, what: string): boolean {
  try {
    return statSync(absolute).isDirectory();
  } catch (error) {
    throw new InputError(`cannot read ${what}: ${reason(error)}`);
  }
}

/** The slimmed Dockerfile (line endings kept) and the other files, as they will be written. */
interface Output extends Prepared {
  text: string;
}

function report(result: SlimResult, output: Output, options: SlimOptions, io: CliIo): number {
  const display = output.file.display;
  switch (result.kind) {
    case 'refused':
      for (const line of result.reasons) io.stderr(`${line}\n`);
      return 1;
    case 'unchanged':
      if (!options.write) io.stdout(output.file.text);
      io.stderr(`${TOOL_NAME}: '${display}': ${result.reason}\n`);
      return 0;
    case 'slimmed':
      return slimmed(result, output, options, io);
  }
}

function slimmed(result: Extract<SlimResult, { kind: 'slimmed' }>, output: Output, options: SlimOptions, io: CliIo): number {
  const { file, context } = output;
  const others = result.otherFiles.map((other) => {
    const absolute = context.absoluteFromDockerfile(other.path);
    const before = readRaw(absolute);
    const bom = before.startsWith('\ufeff');
    const text = fixKeepingLineEndings(bom ? before.slice(1) : before, () => other.text);
    return { display: displayPath(file.display, other.path), absolute, text: bom ? `\ufeff${text}` : text };
  });
  if (options.write) {
    const problems = [{ display: file.display, absolute: file.absolute, text: file.bom ? `\ufeff${output.text}` : output.text }, ...others].flatMap(write);
    if (problems.length > 0) return fail(io, problems);
  } else {
    io.stdout(output.text);
  }
  io.stderr(`${TOOL_NAME}: ${options.write ? 'slimmed' : 'slimmed (printed, not written)'} '${file.display}', runtime ${result.runtimeBase}:\n`);
  for (const change of result.changes) io.stderr(`  - ${change}\n`);
  for (const other of others) io.stderr(options.write ? `${TOOL_NAME}: also wrote '${other.display}'\n` : `${TOOL_NAME}: would also change '${other.display}' (use --write)\n`);
  for (const problem of result.remaining) io.stderr(`${TOOL_NAME}: still to fix by hand: ${problem}\n`);
  return 0;
}

function readRaw(absolute: string): string {
  try {
    return readFileSync(absolute, 'utf8');
  } catch {
    return '';
  }
}

function write(change: { display: string; absolute: string; text: string }): string[] {
  try {
    writeFileSync(change.absolute, change.text);
    return [];
  } catch (error) {
    return [`cannot write '${change.display}': ${reason(error)}`];
  }
}

function fail(io: CliIo, problems: readonly string[]): number {
  for (const problem of problems) io.stderr(`${TOOL_NAME}: ${problem}\n`);
  return 2;
}
