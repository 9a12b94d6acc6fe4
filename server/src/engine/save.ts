// `docker save` / `podman save` as a byte stream, for the image inspector: an image of
// several GB flows through, never into memory. No `vscode` import.
import { failureOf, streamEngine, type EngineCommand } from './engine';
import { checkReference, type ImageCommandOptions } from './inspect';

export type ArchiveFormat = 'docker-archive' | 'oci-archive';

export interface SavedImage {
  /**
   * The archive (a tar). Read it to the end, or abort: the engine waits while it is not
   * read. Each chunk is borrowed: valid until the next one is asked for.
   */
  chunks: AsyncIterable<Buffer>;
  /** Resolves when the engine has written everything; rejects with an EngineError (image gone, daemon down, cancelled…). */
  done: Promise<void>;
}

/**
 * Streams REF's archive. Docker always writes its docker-archive layout (with OCI
 * index.json too since Docker 25); podman writes FORMAT (default docker-archive).
 */
export function saveImage(engine: EngineCommand, ref: string, options: Omit<ImageCommandOptions, 'timeoutMs'> & { format?: ArchiveFormat } = {}): SavedImage {
  checkReference(ref);
  const args = engine.kind === 'podman' ? ['save', '--format', options.format ?? 'docker-archive', ref] : ['save', ref];
  const started = streamEngine(engine, args, { signal: options.signal });
  const done = started.result.then((result) => {
    if (result.exitCode !== 0 || result.aborted || result.timedOut) throw failureOf(engine, result, 'save', { subject: ref, userNamed: options.userNamed });
  });
  // Callers read the archive first and await this after; a failure that comes sooner
  // (cancelled before the first byte) must not count as an unhandled rejection meanwhile.
  done.catch(() => undefined);
  return { chunks: started.chunks, done };
}
