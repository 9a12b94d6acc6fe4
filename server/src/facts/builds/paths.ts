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

export function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

/** A COPY source wildcard (`*`, `?`, `[…]`, not across `/`) as a regular expression. */
export function globPattern(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) source += '\\[';
      else {
        source += '[' + glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = close;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function join(dir: string, rest: string): string {
  return normalize(path.posix.join(dir, rest));
}
