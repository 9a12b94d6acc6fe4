// Where each rule's documentation page is: bundled (docs/rules/CODE.md beside
// dist/, opened offline by the editor) and on the web (SARIF helpUri).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const DOCS_WEB_BASE = 'https://github.com/dockerfile-slim/dockerfile-slim/blob/main/docs/rules/';

let docsDir: string | undefined;

/** docs/rules, found from the bundle (dist/../docs) or from the sources (server/src/../../docs). */
export function rulesDocsDir(): string {
  if (docsDir) return docsDir;
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'docs', 'rules');
    if (existsSync(candidate)) return (docsDir = candidate);
  }
  return (docsDir = path.join(__dirname, '..', 'docs', 'rules'));
}

export function docsFile(code: string): string {
  return path.join(rulesDocsDir(), `${code}.md`);
}

export function docsFileUri(code: string): string {
  return pathToFileURL(docsFile(code)).toString();
}

export function docsWebUrl(code: string): string {
  return `${DOCS_WEB_BASE}${code}.md`;
}
