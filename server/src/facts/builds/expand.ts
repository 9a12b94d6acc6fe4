// Dockerfile variable references (`$VAR`, `${VAR:-default}`) against what the Dockerfile sets.
import type { Environment } from './types';

/** `$VAR`, `${VAR}`, `${VAR:-default}` against known values; undefined when any is unknown. */
export function expand(text: string, env: Environment): string | undefined {
  let unknown = false;
  const result = text.replace(/\$(?:\{([A-Za-z_]\w*)(?:(:?)([-+])([^}]*))?\}|([A-Za-z_]\w*))/g, (_, braced, colon, op, word, bare) => {
    const value = lookup(env, braced ?? bare, colon, op, word);
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown ? undefined : result;
}

/** A variable's value with `${X-w}`, `${X:-w}`, `${X+w}`, `${X:+w}`; a variable the Dockerfile never sets is unknown (the base image may set it). */
export function lookup(env: Environment, name: string, colon = '', op?: string, word = ''): string | undefined {
  const known = env.has(name);
  const value = env.get(name);
  if (known && value === undefined) return undefined;
  const isSet = known && (value !== '' || !colon);
  if (op === '-') return isSet ? value : word;
  if (op === '+') return isSet ? word : '';
  return value;
}
