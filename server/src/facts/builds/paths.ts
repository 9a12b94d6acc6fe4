// Absolute paths in a stage: resolving against WORKDIR and `cd`, and COPY source wildcards.
import path from 'node:path';

/** `p` against `base`; undefined when `p` is relative and `base` unknown. Normalised, no trailing slash. */
export function resolvePath(base: string | undefined, p: string | undefined): string | undefined {
  if (p === undefined || p === '') return p === '' ? base : undefined;
  if (p.startsWith('/')) return normalize(p);
  return base === undefined ? undefined : normalize(path.posix.join(base, p));
}

export function normalize(p: string): string {
  const normal = path.posix.normalize(p);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

export function isWithin(child: string, parent: string): boolean {
  return parent === '/' || child === parent || child.startsWith(parent + '/');
}


export function join(dir: string, rest: string): string {
  return normalize(path.posix.join(dir, rest));
}

export { globPattern, hasGlob } from '../../glob';
