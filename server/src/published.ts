// What the server last published, per Dockerfile and per other file. A Dockerfile's
// findings may sit in other files (a Makefile, a script); several Dockerfiles may
// report into one file. Each Dockerfile's share is kept apart, a file's diagnostics
// are their merge, and a file no Dockerfile reports into any more is cleared.
import type { Diagnostic, Range } from 'vscode-languageserver';
import type { OverlayRead } from './contexts';
import type { SlimDiagnostic } from './diagnostics';

export interface FileDiagnostics {
  /** The URI to publish under (the open document's own URI when it is open). */
  uri: string;
  diagnostics: SlimDiagnostic[];
}

export interface DockerfileRecord {
  /** The Dockerfile's version the diagnostics are for: its quick fixes apply to that text only. */
  version: number;
  /** SLIM diagnostics on the Dockerfile itself. */
  slim: SlimDiagnostic[];
  /** Diagnostics in other files, by absolute path. */
  elsewhere: Map<string, FileDiagnostics>;
  /** Open buffers the analysis read: edits to them are versioned. By absolute path. */
  reads: Map<string, OverlayRead>;
}

export interface Publish {
  uri: string;
  /** Only for a document the server validates (the Dockerfile itself). */
  version?: number;
  diagnostics: Diagnostic[];
}

/** A diagnostic in another file and the Dockerfile it comes from. */
export interface Source {
  dockerfileUri: string;
  record: DockerfileRecord;
  diagnostic: SlimDiagnostic;
}

export class PublishedDiagnostics {
  private readonly dockerfiles = new Map<string, DockerfileRecord>();
  /** Per other file (absolute path): the URI and the merged diagnostics last sent, to skip repeats. */
  private readonly sent = new Map<string, { uri: string; json: string }>();

  get(dockerfileUri: string): DockerfileRecord | undefined {
    return this.dockerfiles.get(dockerfileUri);
  }

  /** Records a Dockerfile's new results; returns what to publish for the other files whose diagnostics changed. */
  set(dockerfileUri: string, record: DockerfileRecord): Publish[] {
    const before = this.dockerfiles.get(dockerfileUri);
    this.dockerfiles.set(dockerfileUri, record);
    return this.republish([...(before?.elsewhere.keys() ?? []), ...record.elsewhere.keys()]);
  }

  /** The Dockerfile closed: its share of other files' diagnostics goes. */
  forget(dockerfileUri: string): Publish[] {
    const before = this.dockerfiles.get(dockerfileUri);
    this.dockerfiles.delete(dockerfileUri);
    return this.republish([...(before?.elsewhere.keys() ?? [])]);
  }

  /** The diagnostics of every Dockerfile in this file, Dockerfiles in URI order, repeats (same code, range and message) once. */
  merged(absolutePath: string): FileDiagnostics | undefined {
    let uri: string | undefined;
    const diagnostics: SlimDiagnostic[] = [];
    for (const [, record] of [...this.dockerfiles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const file = record.elsewhere.get(absolutePath);
      if (!file) continue;
      uri ??= file.uri;
      for (const diagnostic of file.diagnostics) if (!diagnostics.some((other) => sameDiagnostic(other, diagnostic))) diagnostics.push(diagnostic);
    }
    return uri === undefined ? undefined : { uri, diagnostics };
  }

  /** Where each diagnostic shown in this file comes from (clients may drop `data`: it is matched by code, range and message). */
  sourceOf(absolutePath: string, diagnostic: Diagnostic): Source | undefined {
    const wanted = (diagnostic.data as { dockerfile?: unknown } | undefined)?.dockerfile;
    const candidates = [...this.dockerfiles].filter(([uri]) => typeof wanted !== 'string' || uri === wanted);
    for (const [dockerfileUri, record] of candidates) {
      const published = record.elsewhere.get(absolutePath)?.diagnostics.find((other) => sameDiagnostic(other, diagnostic));
      if (published) return { dockerfileUri, record, diagnostic: published };
    }
    return undefined;
  }

  private republish(paths: readonly string[]): Publish[] {
    const publishes: Publish[] = [];
    for (const absolutePath of new Set(paths)) {
      const merged = this.merged(absolutePath);
      const previous = this.sent.get(absolutePath);
      if (!merged) {
        this.sent.delete(absolutePath);
        if (previous) publishes.push({ uri: previous.uri, diagnostics: [] });
        continue;
      }
      const json = JSON.stringify(merged.diagnostics);
      if (previous?.uri === merged.uri && previous.json === json) continue;
      if (previous && previous.uri !== merged.uri) publishes.push({ uri: previous.uri, diagnostics: [] });
      this.sent.set(absolutePath, { uri: merged.uri, json });
      publishes.push({ uri: merged.uri, diagnostics: merged.diagnostics });
    }
    return publishes;
  }
}

function sameDiagnostic(a: Diagnostic, b: Diagnostic): boolean {
  return a.code === b.code && sameRange(a.range, b.range) && a.message === b.message;
}

export function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
