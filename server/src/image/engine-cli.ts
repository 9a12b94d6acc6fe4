// Reads an image with the user's container engine (through the engine layer in
// ../engine, shared with the editor): `image inspect` for its id and size, and `save`
// streamed straight into the archive reader and the SLIM9xx checks. The image never
// lands on disk and never sits in memory whole.
import type { EngineCommand, EngineKind } from '../engine/engine';
import { EngineError } from '../engine/errors';
import { checkReference, inspectImage as imageInfo } from '../engine/inspect';
import { saveImage } from '../engine/save';
import type { Severity } from '../shared/protocol';
import { ArchiveError, readImageArchive } from './archive';
import { displayText } from './names';
import { analyzeImage, type ImageAnalysis, type ImageFinding, type InspectedLayer } from './inspect';
import { TarError } from './tar';

export interface InspectProgress {
  phase: 'metadata' | 'reading' | 'checking';
  /** Archive bytes read so far (reading). */
  bytes?: number;
  /** About how many bytes the archive has (the image's size), when known. */
  totalBytes?: number;
}

export interface InspectImageOptions {
  engine: EngineCommand;
  /** A name, name:tag, id or digest reference. */
  image: string;
  signal?: AbortSignal;
  onProgress?: (progress: InspectProgress) => void;
  /** Severity overrides, e.g. `{ SLIM907: 'off' }`. */
  rules?: Record<string, Severity>;
  wastedBytesThreshold?: number;
}

export interface InspectReport {
  image: string;
  id: string;
  size: number;
  layers: InspectedLayer[];
  findings: ImageFinding[];
  architecture?: string;
  os?: string;
  stats: ImageAnalysis['stats'];
  engine: EngineKind;
  durationMs: number;
}

/** Reads IMAGE from the engine and runs the SLIM9xx checks on it. Rejects with EngineError (cancel included) or ArchiveError. */
export async function inspectImage(options: InspectImageOptions): Promise<InspectReport> {
  const started = Date.now();
  const { engine, image, onProgress } = options;
  checkReference(image);
  onProgress?.({ phase: 'metadata' });
  // `image inspect` and `save` run side by side (a CLI start is 25-40 ms); a failed
  // inspect (no such image, no daemon) stops the save and is the error reported.
  const failed = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, failed.signal]) : failed.signal;
  let totalBytes: number | undefined;
  const metadata = imageInfo(engine, image, { signal: options.signal, userNamed: true }).then(
    (found) => ((totalBytes = found.size), found),
    (error: unknown) => {
      failed.abort();
      throw error;
    },
  );
  const reading = saveAndRead(engine, image, signal, (bytes) => onProgress?.({ phase: 'reading', bytes, totalBytes }));
  const [found, archive] = await Promise.all([metadata, reading.catch(async (error: unknown) => (await metadata, Promise.reject(error)))]).catch((error: unknown) => {
    throw options.signal?.aborted ? new EngineError('cancelled', `Inspecting ${displayText(image)} was cancelled.`, 'Build again when ready.') : error;
  });
  onProgress?.({ phase: 'checking' });
  const analysis = analyzeImage(archive, { rules: options.rules, wastedBytesThreshold: options.wastedBytesThreshold });
  // The engine's size is for the image inspect saw; if the tag moved in between, the archive's own sum is right.
  const sameImage = found.id === archive.id;
  return {
    image,
    id: archive.id,
    size: sameImage && found.size > 0 ? found.size : analysis.size,
    layers: analysis.layers,
    findings: analysis.findings,
    architecture: analysis.architecture,
    os: analysis.os,
    stats: analysis.stats,
    engine: engine.kind,
    durationMs: Date.now() - started,
  };
}

/** `save` piped into the archive reader; the engine's failure wins over the half-read archive it causes. */
async function saveAndRead(engine: EngineCommand, image: string, signal: AbortSignal, onBytes: (bytes: number) => void) {
  const stopSave = new AbortController();
  const saved = saveImage(engine, image, { signal: AbortSignal.any([signal, stopSave.signal]), userNamed: true });
  let reported = 0;
  try {
    const archive = await readImageArchive(saved.chunks, {
      signal,
      onBytes: (bytes) => {
        // Progress at most every 4 MiB: a callback per 64 KiB chunk would cost more than it tells.
        if (bytes - reported >= 4 << 20) onBytes((reported = bytes));
      },
    });
    await saved.done;
    return archive;
  } catch (error) {
    stopSave.abort();
    const failure = await saved.done.then(() => undefined, (engineError: EngineError) => engineError);
    // "cancelled" without SIGNAL is the stop just above: the archive's own error is the one to tell.
    if (failure && (failure.kind !== 'cancelled' || signal.aborted)) throw failure;
    if (error instanceof TarError) throw new ArchiveError(`\`${engine.kind} save\` produced an unreadable archive: ${error.message}`);
    throw error;
  }
}
