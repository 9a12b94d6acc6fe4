// `docker build` / `podman build` with progress events, cancellation and the image id
// from --iidfile. No `vscode` import.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { engineOutput, failureOf, runEngine, type EngineCommand, type Stream } from './engine';
import { cancelled, EngineError, engineName } from './errors';

export interface BuildProgress {
  /** 1-based step within its stage (BuildKit, podman multi-stage) or the whole build (classic, podman single-stage). */
  step: number;
  total: number;
  /** The instruction as the engine prints it, e.g. `RUN go build ./...`. */
  text: string;
  /** The stage it belongs to, when the engine counts per stage: BuildKit's name (`builder`, `stage-1`), podman's `stage 2/3`. */
  stage?: string;
  /** Estimated share of the whole build done when this step starts (0–1), when the engine's counting allows one. */
  fraction?: number;
}

export interface BuildRequest {
  /** Absolute path of the Dockerfile. */
  dockerfile: string;
  /** Absolute path of the build context folder. */
  context: string;
  target?: string;
  /** A tag for the result; without one the image is known by its id only. */
  tag?: string;
  buildArgs?: Record<string, string>;
  noCache?: boolean;
  /** More `build` options, before the context (e.g. `--network none --pull=never`). */
  extraArgs?: readonly string[];
  signal?: AbortSignal;
  onProgress?: (progress: BuildProgress) => void;
  /** Every output line (ANSI colours removed), for the output channel. */
  onLine?: (line: string, stream: Stream) => void;
}

export interface BuildOutcome {
  /** `sha256:…`, from --iidfile. */
  imageId: string;
  tag?: string;
  engine: EngineCommand['kind'];
  durationMs: number;
  /** Progress steps seen (0 when the engine printed none we recognise). */
  steps: number;
}

/** The `build` arguments, in order; the iidfile receives the image id. */
export function buildArguments(request: BuildRequest, iidfile: string): string[] {
  // --force-rm: the classic builder otherwise leaves the container of a failed RUN behind
  // (BuildKit and buildx accept the flag and need nothing removed; podman removes by default).
  const args = ['build', '--force-rm', '--iidfile', iidfile, '-f', request.dockerfile];
  if (request.target) args.push('--target', request.target);
  if (request.tag) args.push('--tag', request.tag);
  if (request.noCache) args.push('--no-cache');
  for (const [key, value] of Object.entries(request.buildArgs ?? {})) args.push('--build-arg', `${key}=${value}`);
  args.push(...(request.extraArgs ?? []), request.context);
  return args;
}

/**
 * Builds the image; resolves to its id or throws an EngineError (`build-failed` with
 * the engine's last stderr lines, `cancelled` when the signal fired, `daemon-down`…).
 */
export async function buildImage(engine: EngineCommand, request: BuildRequest): Promise<BuildOutcome> {
  if (request.signal?.aborted) throw cancelled();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dockerfile-slim-build-'));
  try {
    const iidfile = path.join(dir, 'iid');
    const parser = new ProgressParser();
    let steps = 0;
    const result = await runEngine(engine, buildArguments(request, iidfile), {
      cwd: request.context,
      signal: request.signal,
      collectStdout: false,
      onLine: (line, stream) => {
        request.onLine?.(line, stream);
        const progress = parser.push(line);
        if (progress) {
          steps++;
          request.onProgress?.(progress);
        }
      },
    });
    if (result.exitCode !== 0 || result.aborted) throw failureOf(engine, result, 'build');
    const imageId = normalizeId(await readFile(iidfile, 'utf8').catch(() => ''));
    if (!imageId) throw new EngineError('failed', `${engine.kind} build succeeded but wrote no image id to --iidfile.`, 'Build again; if it repeats, build in a terminal to see what the engine does.', result.stderrTail);
    await ensureImageExists(engine, imageId);
    return { imageId, tag: request.tag, engine: engine.kind, durationMs: result.durationMs, steps };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A buildx builder with the docker-container driver keeps results out of the image store. */
async function ensureImageExists(engine: EngineCommand, imageId: string): Promise<void> {
  try {
    await engineOutput(engine, ['image', 'inspect', '--format', '{{.Id}}', imageId], { operation: 'image inspect', subject: imageId });
  } catch (error) {
    if (!(error instanceof EngineError) || error.kind !== 'image-gone') throw error;
    throw new EngineError(
      'image-gone',
      `The build finished but ${engineName(engine.kind)}'s image store has no image ${imageId.slice(0, 19)}: the builder kept the result elsewhere.`,
      'Select a builder that loads images into the engine (`docker buildx use default`), then build again.',
      error.engineText,
    );
  }
}

export function normalizeId(text: string): string {
  const id = text.trim();
  if (/^[0-9a-f]{64}$/.test(id)) return `sha256:${id}`;
  return /^sha256:[0-9a-f]{64}$/.test(id) ? id : '';
}

// BuildKit plain progress: `#5 [2/4] RUN …`, `#7 [builder 2/3] RUN …` (per stage).
const BUILDKIT_STEP = /^#(\d+) \[(?:(.+?) )?(\d+)\/(\d+)\] (.*)$/;
// The classic builder: `Step 2/6 : RUN …` (the whole build).
const CLASSIC_STEP = /^Step (\d+)\/(\d+) : (.*)$/;
// Podman (buildah): `STEP 2/4: RUN …`, multi-stage `[2/3] STEP 1/4: FROM …`.
const PODMAN_STEP = /^(?:\[(\d+)\/(\d+)\] )?STEP (\d+)\/(\d+): (.*)$/;

/**
 * Recognises build steps in the output of BuildKit (plain), the classic builder and
 * podman. Stateful: BuildKit repeats a step's header, which counts once.
 */
export class ProgressParser {
  private readonly seen = new Set<string>();

  push(line: string): BuildProgress | undefined {
    return this.buildkit(line) ?? classic(line) ?? podman(line);
  }

  private buildkit(line: string): BuildProgress | undefined {
    const match = BUILDKIT_STEP.exec(line);
    if (!match) return undefined;
    const [, vertex, stage, step, total, text] = match;
    if (this.seen.has(vertex)) return undefined;
    this.seen.add(vertex);
    const progress: BuildProgress = { step: Number(step), total: Number(total), text };
    if (stage === undefined) progress.fraction = fraction(progress.step - 1, progress.total);
    else progress.stage = stage;
    return progress;
  }
}

function classic(line: string): BuildProgress | undefined {
  const match = CLASSIC_STEP.exec(line);
  if (!match) return undefined;
  const step = Number(match[1]);
  const total = Number(match[2]);
  return { step, total, text: match[3], fraction: fraction(step - 1, total) };
}

function podman(line: string): BuildProgress | undefined {
  const match = PODMAN_STEP.exec(line);
  if (!match) return undefined;
  const [, stageIndex, stageCount, stepText, totalText, text] = match;
  const step = Number(stepText);
  const total = Number(totalText);
  if (stageIndex === undefined) return { step, total, text, fraction: fraction(step - 1, total) };
  // Stages run one after another: the share of whole stages done plus this one's share.
  const stages = Number(stageCount);
  const done = Number(stageIndex) - 1 + fraction(step - 1, total);
  return { step, total, text, stage: `stage ${stageIndex}/${stageCount}`, fraction: fraction(done, stages) };
}

function fraction(done: number, total: number): number {
  return total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
}

/** `[builder 2/3] RUN go build`, `Step 2/6: RUN …`: one line for a progress notification. */
export function describeProgress(progress: BuildProgress): string {
  const where = progress.stage ? `${progress.stage} ` : '';
  return `[${where}${progress.step}/${progress.total}] ${progress.text}`;
}
