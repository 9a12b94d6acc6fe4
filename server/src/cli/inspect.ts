// `dockerfile-slim inspect IMAGE`: reads the image from docker or podman, prints its
// size, layers and SLIM9xx findings. Exit 1 when a finding is an error, 2 when the
// engine cannot answer (not installed, not running, no such image), with one line.
import path from 'node:path';
import { ConfigError } from '../config';
import { executableProblem, findOnPath, kindOfExecutable, type EngineCommand, type EngineKind } from '../engine/engine';
import { EngineError } from '../engine/errors';
import { ArchiveError } from '../image/archive';
import { inspectImage, type InspectImageOptions, type InspectReport } from '../image/engine-cli';
import { formatBytes, shortInstruction } from '../image/inspect';
import { displayText } from '../image/names';
import type { FindingSeverity } from '../rules/types';
import type { Severity } from '../shared/protocol';
import { findWorkspaceConfig, readWorkspaceConfig } from '../workspace-config';
import type { InspectOptions } from './args';
import { oneLine, type CliIo } from './io';
import { useColor } from './text';
import { TOOL_NAME } from './version';

/** What reads the image; tests replace it. */
export type Inspector = (options: InspectImageOptions) => Promise<InspectReport>;
export const DEFAULT_INSPECTOR: Inspector = inspectImage;

class EngineChoiceError extends Error {}

export async function runInspect(options: InspectOptions, io: CliIo, inspector: Inspector = DEFAULT_INSPECTOR): Promise<number> {
  const fail = (message: string) => {
    io.stderr(`${TOOL_NAME} inspect: ${oneLine(message)}\n`);
    return 2;
  };
  let engine: EngineCommand;
  try {
    engine = chooseEngine(options, io);
  } catch (error) {
    if (error instanceof EngineChoiceError) return fail(error.message);
    throw error;
  }
  let rules: Record<string, Severity> | undefined;
  try {
    const file = options.config ? path.resolve(io.cwd, options.config) : findWorkspaceConfig(path.join(io.cwd, 'Dockerfile'));
    rules = file ? readWorkspaceConfig(file).rules : undefined;
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    return fail(`cannot read --config ${displayText(options.config ?? '')}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let report: InspectReport;
  try {
    report = await inspector({ engine, image: options.image, rules, signal: io.interrupted });
  } catch (error) {
    if (error instanceof EngineError) return fail(`${error.message} ${error.nextStep}`);
    if (error instanceof ArchiveError) return fail(error.message);
    throw error;
  }
  io.stdout(options.format === 'json' ? formatInspectJson(report) : formatInspectText(report, useColor(io.stdoutIsTTY, io.env)));
  return report.findings.some((finding) => finding.severity === 'error') ? 1 : 0;
}

/** --engine-path (kind from --engine or its name), else --engine from PATH, else docker or podman from PATH. */
export function chooseEngine(options: Pick<InspectOptions, 'engine' | 'enginePath'>, io: Pick<CliIo, 'env' | 'cwd'>): EngineCommand {
  const env = { ...io.env } as NodeJS.ProcessEnv;
  if (options.enginePath) {
    const executable = path.resolve(io.cwd, options.enginePath);
    const kind = options.engine ?? kindOfExecutable(executable);
    if (executableProblem(executable)) throw new EngineChoiceError(`--engine-path ${displayText(options.enginePath)}: no executable file there`);
    return { kind, executable, env, origin: 'command-line' };
  }
  const kinds: EngineKind[] = options.engine ? [options.engine] : ['docker', 'podman'];
  for (const kind of kinds) {
    const executable = findOnPath(kind, env);
    if (executable) return { kind, executable, env, origin: 'command-line' };
  }
  throw new EngineChoiceError(
    options.engine
      ? `${options.engine} is not installed: it is not on PATH (install it, or give its executable with --engine-path PATH)`
      : 'no container engine found: neither docker nor podman is on PATH (install one, or give its executable with --engine-path PATH)',
  );
}

/** The spec's JSON: image, id, size, layers [{createdBy, size}], findings [{code, severity, message, path, layer}], plus a few names. */
export function formatInspectJson(report: InspectReport): string {
  const document = {
    image: report.image,
    id: report.id,
    size: report.size,
    layers: report.layers.map((layer) => ({ createdBy: layer.createdBy ?? '', size: layer.size, diffId: layer.diffId ?? null })),
    findings: report.findings.map((finding) => ({
      code: finding.code,
      name: finding.name,
      severity: finding.severity,
      message: finding.message,
      path: finding.path ?? null,
      layer: finding.layer ?? null,
      ...(finding.instruction ? { instruction: finding.instruction } : {}),
    })),
  };
  return JSON.stringify(document, null, 2) + '\n';
}

const SEVERITY_COLOR: Record<FindingSeverity, string> = { error: '31', warning: '33', info: '36' };

export function formatInspectText(report: InspectReport, color: boolean): string {
  const paint = (code: string, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const lines: string[] = [];
  const layers = report.layers.length;
  lines.push(`${paint('1', displayText(report.image))} ${report.id.slice(0, 19)} ${formatBytes(report.size)} in ${layers} layer${layers === 1 ? '' : 's'}`);
  const width = Math.max(...report.layers.map((layer) => formatBytes(layer.size).length), 4);
  for (const layer of report.layers) {
    const made = displayText(oneLine(layer.createdBy ? shortInstruction(layer.createdBy) : `(${layer.comment ?? 'no history'})`));
    lines.push(`  ${String(layer.index).padStart(2)}  ${formatBytes(layer.size).padStart(width)}  ${made.length > 100 ? `${made.slice(0, 99)}…` : made}`);
  }
  for (const finding of report.findings) {
    const where = finding.path !== undefined ? `${finding.path}${finding.layer !== undefined ? ` (layer ${finding.layer})` : ''}` : (finding.instruction ?? 'config');
    lines.push(`${paint('1', where)}: ${paint(SEVERITY_COLOR[finding.severity], finding.severity)} ${finding.code} ${oneLine(finding.message)} ${paint('2', `[${finding.name}]`)}`);
  }
  const count = (severity: FindingSeverity) => report.findings.filter((finding) => finding.severity === severity).length;
  const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  lines.push(`${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('info'), 'info')}`);
  return lines.join('\n') + '\n';
}
