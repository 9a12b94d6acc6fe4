// Which open documents are Dockerfiles. The client also syncs Go, C, Makefile and
// shell documents (their unsaved text overlays the build context); those are never
// linted as Dockerfiles, nor offered Dockerfile hover, completion or formatting.
import path from 'node:path';
import type { ClientCapabilities, DocumentSelector } from 'vscode-languageserver';
import { isDockerfileName } from './cli/files';
import { filePathOf } from './client-features';

/** Languages synced only as build-context sources. */
export const CONTEXT_LANGUAGES: ReadonlySet<string> = new Set(['go', 'go.mod', 'go.work', 'go.sum', 'makefile', 'shellscript', 'c', 'cpp']);

/** A document is a Dockerfile by its language, or, for clients that send another id, by its file name. */
export function isDockerfileDocument(document: { uri: string; languageId: string }): boolean {
  if (document.languageId === 'dockerfile') return true;
  if (CONTEXT_LANGUAGES.has(document.languageId)) return false;
  return isDockerfileName(path.basename(filePathOf(document.uri) ?? document.uri));
}

/** For features registered dynamically: Dockerfiles only (by language, or by the plain names). */
export const DOCKERFILE_SELECTOR: DocumentSelector = [
  { language: 'dockerfile' },
  ...['Dockerfile', 'Containerfile', 'dockerfile', 'containerfile'].map((name) => ({ pattern: `**/${name}` })),
];

/** The Dockerfile-only features (hover, completion, formatting) the client lets the server register for a selector. */
export interface DockerfileOnlyRegistrations {
  hover: boolean;
  completion: boolean;
  formatting: boolean;
  rangeFormatting: boolean;
}

export function dockerfileOnlyRegistrations(capabilities: ClientCapabilities): DockerfileOnlyRegistrations {
  const text = capabilities.textDocument;
  return {
    hover: text?.hover?.dynamicRegistration === true,
    completion: text?.completion?.dynamicRegistration === true,
    formatting: text?.formatting?.dynamicRegistration === true,
    rangeFormatting: text?.rangeFormatting?.dynamicRegistration === true,
  };
}
