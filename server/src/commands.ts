// `workspace/executeCommand` arguments, checked: commands also come from command palettes and other clients.
import { existsSync } from 'node:fs';
import { docsFile, docsFileUri } from './docs';

export type DocumentationTarget = { code: string; uri: string; file: string } | { error: string };

/** The bundled docs page for a rule code given as the command's argument. */
export function documentationTarget(argument: unknown): DocumentationTarget {
  if (typeof argument !== 'string' || !/^SLIM\d{3}$/i.test(argument.trim())) {
    return { error: 'Dockerfile Slim: show documentation needs a rule code such as SLIM001.' };
  }
  const code = argument.trim().toUpperCase();
  const file = docsFile(code);
  if (!existsSync(file)) return { error: `Dockerfile Slim: no documentation page for ${code} (${file} is missing).` };
  return { code, uri: docsFileUri(code), file };
}
