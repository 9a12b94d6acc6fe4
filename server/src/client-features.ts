// What the client can do and what it told us at start, read once from `initialize`.
import { fileURLToPath } from 'node:url';
import type { InitializeParams, WorkspaceFoldersChangeEvent } from 'vscode-languageserver';
import type { InitializationOptions } from './shared/protocol';


export interface ClientFeatures {
  /** The client answers `workspace/configuration`. */
  configurationPull: boolean;
  configurationRegistration: boolean;
  watchedFilesRegistration: boolean;
  workspaceFolderEvents: boolean;
  showDocument: boolean;
  /** The client applies `documentChanges` (versioned edits). */
  documentChanges: boolean;
  /** Workspace folder paths (file: URIs only). */
  workspaceFolders: string[];
  dockerExtensionInstalled: boolean;
  initialSettings: unknown;
}

export function readClientFeatures(params: InitializeParams): ClientFeatures {
  const { workspace, window } = params.capabilities;
  const options = (params.initializationOptions ?? {}) as Partial<InitializationOptions>;
  const folderUris = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
  return {
    configurationPull: workspace?.configuration === true,
    configurationRegistration: workspace?.didChangeConfiguration?.dynamicRegistration === true,
    watchedFilesRegistration: workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    workspaceFolderEvents: workspace?.workspaceFolders === true,
    showDocument: window?.showDocument?.support === true,
    documentChanges: workspace?.workspaceEdit?.documentChanges === true,
    workspaceFolders: folderPaths(folderUris),
    dockerExtensionInstalled: options.dockerExtensionInstalled === true,
    initialSettings: options.settings,
  };
}

/** The file system path of a `file:` URI; undefined for other schemes (untitled, …). */
export function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function folderPaths(uris: readonly string[]): string[] {
  return uris.map(filePathOf).filter((folder): folder is string => folder !== undefined);
}

/** The workspace folder paths after a `workspace/didChangeWorkspaceFolders`. */
export function changedFolders(folders: readonly string[], event: WorkspaceFoldersChangeEvent): string[] {
  const removed = new Set(folderPaths(event.removed.map((folder) => folder.uri)));
  return [...folders.filter((folder) => !removed.has(folder)), ...folderPaths(event.added.map((folder) => folder.uri))];
}
