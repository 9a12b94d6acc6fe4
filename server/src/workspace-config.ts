// Finds and reads the `.dockerfile-slim.json` that applies to a Dockerfile: the
// nearest one in its folder or above, not above `stopAt` (the workspace root).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseWorkspaceConfig } from './config';
import { WORKSPACE_CONFIG_FILE, type WorkspaceConfig } from './shared/protocol';

export function findWorkspaceConfig(dockerfilePath: string, stopAt?: string): string | undefined {
  let dir = path.dirname(path.resolve(dockerfilePath));
  const stop = stopAt ? path.resolve(stopAt) : path.parse(dir).root;
  for (;;) {
    const candidate = path.join(dir, WORKSPACE_CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (dir === stop || path.dirname(dir) === dir) return undefined;
    dir = path.dirname(dir);
  }
}

/** Throws ConfigError (with the file name) when the file is not valid. */
export function readWorkspaceConfig(file: string): WorkspaceConfig {
  return parseWorkspaceConfig(readFileSync(file, 'utf8'), file);
}
