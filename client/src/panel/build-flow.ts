// One build as the panel runs it: save the Dockerfile, build it with the user's engine
// (progress notification, cancellable), read the image's files (SLIM9xx checks), and have
// the server place findings and layers on the Dockerfile (publishing the findings as
// diagnostics of the version built).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { describeProgress } from '../../../server/src/engine/build';
import { EngineError } from '../../../server/src/engine/errors';
import { inspectImage, type InspectProgress } from '../../../server/src/image/engine-cli';
import { ArchiveError } from '../../../server/src/image/archive';
import { shortInstruction } from '../../../server/src/image/inspect';
import {
  DESCRIBE_DOCKERFILE_REQUEST,
  IMAGE_REPORT_REQUEST,
  type DockerfileDescription,
  type ImageReportParams,
  type ImageReportPlacement,
} from '../../../server/src/shared/protocol';
import type { Ctx } from '../ctx';
import { buildWithProgress, readBuildArguments } from '../engine/vscode';
import type { BuildReport, PanelProblem } from './state';

export interface BuildFlowOptions {
  target?: string;
  /**
   * Build this earlier text of the Dockerfile instead (from a temporary file, with the
   * same context): "Slim this image" builds the original after replacing it. Its findings
   * are not placed on the current text.
   */
  earlierText?: string;
  signal?: AbortSignal;
  onStatus?: (phase: 'building' | 'inspecting', detail: string) => void;
}

/** Builds and inspects DOCUMENT; throws FlowError with what to tell the user. */
export async function buildAndInspect(ctx: Ctx, document: vscode.TextDocument, options: BuildFlowOptions = {}): Promise<BuildReport> {
  if (document.uri.scheme !== 'file') throw new FlowError({ message: 'Only a Dockerfile saved on disk can be built.', nextStep: 'Save it in the workspace first.' });
  if (options.earlierText === undefined && document.isDirty && !(await document.save())) throw new FlowError({ message: 'The Dockerfile has unsaved changes that could not be saved.', nextStep: 'Save it, then build again.' });
  const uri = document.uri.toString();
  const version = document.version;
  const described = await ctx.request<DockerfileDescription>(DESCRIBE_DOCKERFILE_REQUEST, { uri });
  const target = options.target || undefined;
  const earlier = options.earlierText === undefined ? undefined : await writeTemporary(options.earlierText);
  const dockerfile = earlier?.file ?? document.uri.fsPath;
  try {
    options.onStatus?.('building', 'starting');
    const built = await buildWithProgress(
      ctx.log,
      { dockerfile, context: described?.context ?? path.dirname(dockerfile), target, extraArgs: readBuildArguments(document.uri) },
      { signal: options.signal, onProgress: (step) => options.onStatus?.('building', describeProgress(step)) },
    );
    options.onStatus?.('inspecting', 'reading the image');
    const report = await inspectImage({
      engine: built.engineUsed,
      image: built.imageId,
      signal: options.signal,
      onProgress: (progress) => options.onStatus?.('inspecting', describeInspection(progress)),
    });
    const layers = report.layers.map((layer) => ({ createdBy: layer.createdBy }));
    const params: ImageReportParams = { uri, version, target, findings: report.findings, layers };
    const placement = earlier ? undefined : await ctx.request<ImageReportPlacement>(IMAGE_REPORT_REQUEST, params);
    return {
      imageId: report.id,
      size: report.size,
      target,
      version,
      builtAt: Date.now(),
      durationMs: built.durationMs + report.durationMs,
      engine: report.engine,
      layers: report.layers.map((layer, index) => {
        const { line } = lineOf(placement?.layers[index]?.range);
        // The instruction as the user wrote it reads better than the engine's record (`COPY file:3f41… in /app`).
        const written = line === undefined || earlier || document.version !== version ? undefined : document.lineAt(line).text.trim();
        const label = written || (layer.createdBy ? shortInstruction(layer.createdBy) : layer.comment || `layer ${index + 1}`);
        return { size: layer.size, label, own: placement?.layers[index]?.own ?? false, ...(line === undefined ? {} : { line }) };
      }),
      findings: report.findings.map((finding, index) => ({
        code: finding.code,
        severity: finding.severity,
        message: finding.message,
        ...(finding.path !== undefined ? { path: finding.path } : {}),
        ...(finding.layer !== undefined ? { layer: finding.layer } : {}),
        ...lineOf(placement?.findings[index]),
      })),
    };
  } catch (error) {
    throw FlowError.from(error);
  } finally {
    if (earlier) await rm(earlier.dir, { recursive: true, force: true });
  }
}

async function writeTemporary(text: string): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dockerfile-slim-earlier-'));
  const file = path.join(dir, 'Dockerfile');
  await writeFile(file, text);
  return { dir, file };
}

function lineOf(range: { start: { line: number } } | null | undefined): { line?: number } {
  return range ? { line: range.start.line } : {};
}

function describeInspection(progress: InspectProgress): string {
  if (progress.phase !== 'reading' || progress.bytes === undefined) return progress.phase === 'checking' ? 'checking files' : 'reading the image';
  const share = progress.totalBytes ? ` (${Math.min(100, Math.round((progress.bytes / progress.totalBytes) * 100))}%)` : '';
  return `reading files${share}`;
}

/** A failure the panel explains: what happened, what to do, what the engine said. */
export class FlowError extends Error {
  constructor(
    readonly problem: PanelProblem,
    readonly cancelled = false,
  ) {
    super(problem.message);
    this.name = 'FlowError';
  }

  static from(error: unknown): FlowError {
    if (error instanceof FlowError) return error;
    if (error instanceof EngineError) return new FlowError({ message: error.message, nextStep: error.nextStep, engineText: error.engineText || error.outputTail }, error.kind === 'cancelled');
    if (error instanceof ArchiveError) return new FlowError({ message: `The image was built but could not be read: ${error.message}`, nextStep: 'Build again; if it repeats, report it with the engine and its version.' });
    return new FlowError({ message: `Unexpected error: ${error instanceof Error ? error.message : String(error)}`, nextStep: 'See the "Dockerfile Slim" output for details.' });
  }
}
