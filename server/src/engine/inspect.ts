// What the engine knows about an image: id, size and config (`image inspect`), the
// layers with the instruction that made each (`history`), and the registry digests a
// base image can be pinned to. Docker and podman print these differently; both are
// read into the same shapes here. No `vscode` import.
import { displayText } from '../image/names';
import { engineOutput, type EngineCommand } from './engine';
import { EngineError } from './errors';

export interface ImageConfig {
  user: string;
  env: string[];
  cmd?: string[];
  entrypoint?: string[];
  /** e.g. `['CMD-SHELL', 'curl -f localhost']`, `['CMD', '/probe']`, `['NONE']`. */
  healthcheck?: string[];
  workingDir: string;
  labels: Record<string, string>;
}

export interface ImageInfo {
  /** `sha256:…` */
  id: string;
  /** Bytes, as the engine reports it. */
  size: number;
  repoTags: string[];
  repoDigests: string[];
  created?: string;
  architecture?: string;
  os?: string;
  config: ImageConfig;
  /** Diff ids of the layers, base first (RootFS.Layers). */
  layers: string[];
}

export interface HistoryEntry {
  /** The instruction, e.g. `/bin/sh -c #(nop) COPY file:… in /app` or `RUN /bin/sh -c make # buildkit`. */
  createdBy: string;
  /** Bytes this entry added (0 for metadata-only instructions). */
  size: number;
  created?: string;
  comment?: string;
  /** The intermediate image id when the engine still has it (not for pulled or BuildKit-made layers). */
  id?: string;
}

export interface ImageCommandOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The user named REF: a missing image is `image-not-found` ("build or pull it"), not `image-gone`. */
  userNamed?: boolean;
}

/**
 * `image inspect REF`: id, size, config. Throws EngineError (`image-gone`, or
 * `image-not-found` for a REF the user named, when the engine has no such image).
 */
export async function inspectImage(engine: EngineCommand, ref: string, options: ImageCommandOptions = {}): Promise<ImageInfo> {
  const output = await imageCommand(engine, 'image inspect', ['image', 'inspect', ref], ref, options);
  try {
    return parseInspect(output);
  } catch (error) {
    throw new EngineError('failed', `\`${engine.kind} image inspect\` printed no image description: ${(error as Error).message}.`, `Check that \`${engine.kind} image inspect\` works in a terminal.`, output.slice(0, 200));
  }
}

/** `history`: the image's entries, base first (the order they were applied). */
export async function imageHistory(engine: EngineCommand, ref: string, options: ImageCommandOptions = {}): Promise<HistoryEntry[]> {
  return parseHistory(await imageCommand(engine, 'history', ['history', '--no-trunc', '--human=false', '--format', '{{json .}}', ref], ref, options));
}

/** `name@sha256:…` references of REF in registries the engine pulled it from ([] for a local-only image). */
export async function repoDigests(engine: EngineCommand, ref: string, options: ImageCommandOptions = {}): Promise<string[]> {
  const output = await imageCommand(engine, 'image inspect', ['image', 'inspect', '--format', '{{json .RepoDigests}}', ref], ref, options);
  const parsed: unknown = JSON.parse(output.trim() || 'null');
  return stringArray(parsed) ?? [];
}

/** Runs ARGS, which end with REF (checked first); failures are classified as being about REF. */
async function imageCommand(engine: EngineCommand, operation: string, args: string[], ref: string, options: ImageCommandOptions): Promise<string> {
  checkReference(ref);
  return engineOutput(engine, args, { signal: options.signal, timeoutMs: options.timeoutMs, operation, subject: ref, userNamed: options.userNamed });
}

/** An image reference is the last argument of every command: one that starts with `-` would be read as an option (`--output=…`). */
export function checkReference(ref: string): void {
  if (ref === '' || ref.startsWith('-') || /[\s\0]/.test(ref)) {
    throw new EngineError('image-not-found', `'${displayText(ref)}' is not an image reference.`, 'Give a name, name:tag, name@digest or image id.');
  }
}

type Json = Record<string, unknown>;

/** Parses `image inspect` output (a JSON array with one object), docker's or podman's. */
export function parseInspect(output: string): ImageInfo {
  const parsed: unknown = JSON.parse(output);
  const image = (Array.isArray(parsed) ? parsed[0] : parsed) as Json | undefined;
  if (!image || typeof image !== 'object') throw new Error('image inspect printed no image');
  const config = (image.Config ?? {}) as Json;
  const rootfs = (image.RootFS ?? {}) as Json;
  return {
    id: withAlgorithm(String(image.Id ?? '')),
    size: Number(image.Size ?? 0),
    repoTags: stringArray(image.RepoTags) ?? [],
    repoDigests: stringArray(image.RepoDigests) ?? [],
    created: optionalString(image.Created),
    architecture: optionalString(image.Architecture),
    os: optionalString(image.Os),
    config: {
      user: String(config.User ?? ''),
      env: stringArray(config.Env) ?? [],
      cmd: stringArray(config.Cmd),
      entrypoint: stringArray(config.Entrypoint),
      // Podman reports it beside Config when the image is in docker format.
      healthcheck: stringArray(((config.Healthcheck ?? image.HealthCheck) as Json | undefined)?.Test),
      workingDir: String(config.WorkingDir ?? ''),
      labels: stringRecord(config.Labels),
    },
    layers: stringArray(rootfs.Layers) ?? [],
  };
}

/**
 * Parses `history --format '{{json .}}'`: docker prints one object per line, newest
 * first, sizes as strings; podman prints one array with lower-case keys. Base first.
 */
export function parseHistory(output: string): HistoryEntry[] {
  const text = output.trim();
  if (text === '') return [];
  const rows: Json[] = text.startsWith('[') ? (JSON.parse(text) as Json[]) : text.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as Json);
  return rows.map(historyEntry).reverse();
}

function historyEntry(row: Json): HistoryEntry {
  const field = (name: string): unknown => row[name] ?? row[name.toLowerCase()] ?? row[name[0].toLowerCase() + name.slice(1)];
  const id = optionalString(field('ID') ?? row.Id);
  return {
    createdBy: String(field('CreatedBy') ?? ''),
    size: Number(field('Size') ?? 0) || 0,
    created: optionalString(field('CreatedAt') ?? row.created ?? row.Created),
    comment: optionalString(field('Comment')) || undefined,
    id: id && id !== '<missing>' ? withAlgorithm(id) : undefined,
  };
}

function withAlgorithm(id: string): string {
  return /^[0-9a-f]{64}$/.test(id) ? `sha256:${id}` : id;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.map(String) : undefined;
}

function stringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value as Json).map(([key, item]) => [key, String(item)]));
}
