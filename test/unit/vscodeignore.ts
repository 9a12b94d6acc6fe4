// Reads .vscodeignore as what it is: an allowlist (`**`, then one `!pattern` per kept path).
// vsce treats a path as packaged when a `!` pattern matches it; the patterns here use only
// `*` (within a folder) and `**` (across folders), so a small matcher is exact for them.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');

export function allowlist(root = ROOT): string[] {
  const lines = readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  if (lines[0] !== '**' || lines.slice(1).some((line) => !line.startsWith('!'))) throw new Error(`.vscodeignore must be an allowlist: \`**\` then only \`!pattern\` lines; it is:\n${lines.join('\n')}`);
  return lines.slice(1).map((line) => line.slice(1));
}

function toRegExp(pattern: string): RegExp {
  const source = pattern.split(/(\*\*|\*)/).map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`);
}

/** Whether a repository-relative path (with `/`) goes into the .vsix. */
export function isPackaged(file: string, patterns = allowlist()): boolean {
  return patterns.some((pattern) => toRegExp(pattern).test(file));
}

/** The repository files the allowlist keeps, relative, sorted. */
export function packagedFiles(root = ROOT): string[] {
  const patterns = allowlist(root);
  // Walk only the folders a pattern can reach: the part before its first wildcard.
  const starts = new Set(patterns.map(staticPrefix));
  const files = [...starts].flatMap((start) => walk(root, start));
  return [...new Set(files)].filter((file) => isPackaged(file, patterns)).sort();
}

function staticPrefix(pattern: string): string {
  const parts = pattern.split('/');
  const wildcard = parts.findIndex((part) => part.includes('*'));
  return (wildcard === -1 ? parts : parts.slice(0, wildcard)).join('/');
}

function walk(root: string, relative: string): string[] {
  const full = path.join(root, relative);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [relative];
  return readdirSync(full).flatMap((name) => walk(root, relative ? `${relative}/${name}` : name));
}
