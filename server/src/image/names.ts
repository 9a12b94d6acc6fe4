// Paths inside an image. Internally a path is a *byte string* (one char per byte, as
// the tar reader returns names), absolute and normalised: `/usr/bin/env`. File names
// from images are hostile input: displayPath() is the only way one reaches a message.

/** Splits a tar name or link target into components; `.` and empty ones dropped, `..` kept. */
export function components(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

/**
 * `./usr//bin/../lib/` → `/usr/lib`. `..` above the root stays at the root, as it does
 * inside a container (and as the engines refuse to let a layer climb out).
 */
export function normalizePath(path: string): string {
  // The common case (`usr/bin/ls`, `./usr/bin/ls`, `usr/`) without splitting.
  let plain = path.startsWith('./') ? path.slice(2) : path.startsWith('/') ? path.slice(1) : path;
  if (plain.endsWith('/')) plain = plain.slice(0, -1);
  if (plain !== '' && !plain.startsWith('/') && !plain.includes('//') && !/(^|\/)\.\.?(\/|$)/.test(plain)) return '/' + plain;
  const parts: string[] = [];
  for (const part of components(path)) {
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return '/' + parts.join('/');
}

export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return normalizePath(name.startsWith('/') ? name : `${dir}/${name}`);
}

/** A Unicode string (from the image's JSON config) as the byte string the file system uses. */
export function toBytePath(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A byte string as Unicode text when it is valid UTF-8, undefined otherwise. */
export function decodeUtf8(bytes: string): string | undefined {
  try {
    return UTF8.decode(Buffer.from(bytes, 'latin1'));
  } catch {
    return undefined;
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A byte-string path as safe one-line text: valid UTF-8 shown as is, except control
 * characters, line and paragraph separators, bidirectional overrides and zero-width
 * marks (escaped as `\n`, `\x1b`, `\u{202e}`), a backslash doubled, and bytes that are
 * not UTF-8 shown as `\xff`. Two different names never display the same.
 */
export function displayPath(bytes: string): string {
  let out = '';
  const buffer = Buffer.from(bytes, 'latin1');
  let at = 0;
  while (at < buffer.length) {
    const [codePoint, length] = decodeAt(buffer, at);
    if (codePoint < 0) {
      out += `\\x${buffer[at].toString(16).padStart(2, '0')}`;
      at += 1;
      continue;
    }
    out += escapeCodePoint(codePoint);
    at += length;
  }
  return out;
}

/** Unicode text (a config string, a history line) made safe the same way. */
export function displayText(text: string): string {
  return displayPath(toBytePath(text));
}

const NAMED: Record<number, string> = { 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x5c: '\\\\' };

function escapeCodePoint(codePoint: number): string {
  if (NAMED[codePoint]) return NAMED[codePoint];
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) return `\\x${codePoint.toString(16).padStart(2, '0')}`;
  if (isInvisibleOrReordering(codePoint)) return `\\u{${codePoint.toString(16)}}`;
  return String.fromCodePoint(codePoint);
}

function isInvisibleOrReordering(codePoint: number): boolean {
  return (
    (codePoint >= 0x200b && codePoint <= 0x200f) || // zero-width space/joiners, LRM, RLM
    (codePoint >= 0x2028 && codePoint <= 0x202e) || // line/paragraph separators, bidi embeddings and overrides
    (codePoint >= 0x2066 && codePoint <= 0x2069) || // bidi isolates
    codePoint === 0x061c || // Arabic letter mark
    codePoint === 0xfeff
  );
}

/** [code point, byte length] of the UTF-8 sequence at AT, or [-1, 1] when it is not valid UTF-8. */
function decodeAt(buffer: Buffer, at: number): [number, number] {
  const first = buffer[at];
  if (first < 0x80) return [first, 1];
  let length: number;
  let codePoint: number;
  let min: number;
  if (first >= 0xc2 && first <= 0xdf) [length, codePoint, min] = [2, first & 0x1f, 0x80];
  else if (first >= 0xe0 && first <= 0xef) [length, codePoint, min] = [3, first & 0x0f, 0x800];
  else if (first >= 0xf0 && first <= 0xf4) [length, codePoint, min] = [4, first & 0x07, 0x10000];
  else return [-1, 1];
  if (at + length > buffer.length) return [-1, 1];
  for (let i = 1; i < length; i++) {
    const next = buffer[at + i];
    if ((next & 0xc0) !== 0x80) return [-1, 1];
    codePoint = (codePoint << 6) | (next & 0x3f);
  }
  if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return [-1, 1];
  return [codePoint, length];
}
