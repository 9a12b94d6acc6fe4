// Files whose changes on disk re-validate open Dockerfiles: the build-context
// sources the rules read, `.dockerignore`, and the workspace configuration.
import path from 'node:path';
import { FileChangeType, type FileEvent, type FileSystemWatcher } from 'vscode-languageserver';
import { filePathOf } from './client-features';
import { WORKSPACE_CONFIG_FILE } from './shared/protocol';

export const CONTEXT_FILE_GLOBS: readonly string[] = [
  '**/*.go',
  '**/go.mod',
  '**/go.work',
  '**/Makefile',
  '**/makefile',
  '**/GNUmakefile',
  '**/*.mk',
  '**/*.sh',
  '**/*.c',
  '**/*.h',
  '**/*.cc',
  '**/*.cpp',
  '**/.dockerignore',
];

export function fileWatchers(): FileSystemWatcher[] {
  return [`**/${WORKSPACE_CONFIG_FILE}`, ...CONTEXT_FILE_GLOBS].map((globPattern) => ({ globPattern }));
}

export interface ContextChange {
  absolutePath: string;
  /** The file's text changed, but no file appeared or disappeared (the listing still holds). */
  contentOnly: boolean;
}

export interface WatchedChanges {
  configChanged: boolean;
  contextChanges: ContextChange[];
}

export function classifyChanges(changes: readonly FileEvent[]): WatchedChanges {
  let configChanged = false;
  const contextChanges: ContextChange[] = [];
  for (const change of changes) {
    const absolutePath = filePathOf(change.uri);
    if (!absolutePath) continue;
    if (path.basename(absolutePath) === WORKSPACE_CONFIG_FILE) configChanged = true;
    else contextChanges.push({ absolutePath, contentOnly: change.type === FileChangeType.Changed });
  }
  return { configChanged, contextChanges };
}
