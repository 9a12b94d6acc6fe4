// Path wildcards as COPY sources and image paths use them (Go's filepath.Match: `*`, `?`,
// `[…]` with `!` or `^` negation, never across `/`; a `]` first in a class is literal).

export function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

/** GLOB as an anchored regular expression. */
export function globPattern(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) source += '\\[';
      else {
        source += '[' + glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\').replace(/]/g, '\\]') + ']';
        i = close;
      }
    } else source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
