// "Pin to digest" for SLIM007: the base image as written, plus the registry digest the
// local engine recorded when it pulled that same repository. No `vscode` import.
import { parseImageRef } from '../../../server/src/facts/base-images';
import { repoDigests } from '../../../server/src/engine/inspect';
import type { Engine } from '../../../server/src/engine/engine';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * `WRITTEN@sha256:…` with the digest of WRITTEN's own repository among REPO_DIGESTS
 * (`name@sha256:…` as `image inspect` lists them); undefined when there is none, or
 * WRITTEN already has a digest or uses a variable. A digest another repository recorded
 * for the same image would not resolve where WRITTEN is pulled from, so it is never used.
 */
export function pinnedReference(written: string, repoDigestList: readonly string[]): string | undefined {
  if (!pinnable(written)) return undefined;
  const reference = written.trim();
  const image = parseImageRef(reference);
  for (const entry of repoDigestList) {
    const at = entry.lastIndexOf('@');
    if (at <= 0) continue;
    const digest = entry.slice(at + 1);
    if (DIGEST.test(digest) && parseImageRef(entry.slice(0, at)).name === image.name) return `${reference}@${digest}`;
  }
  return undefined;
}

/** A written reference that can take a digest: no digest yet, no variable. */
export function pinnable(written: string): boolean {
  const reference = written.trim();
  return reference !== '' && !reference.includes('$') && parseImageRef(reference).digest === undefined;
}

/** The pinned reference the engine knows for WRITTEN; undefined when it knows none (or has no such image). */
export async function pinWithEngine(engine: Engine, written: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<string | undefined> {
  if (!pinnable(written)) return undefined;
  const digests = await repoDigests(engine, written.trim(), options).catch(() => []);
  return pinnedReference(written, digests);
}
