// The built-image rules (SLIM9xx). They read a saved image, not a Dockerfile, so they
// are not in the Dockerfile rule registry (server/src/rules/index.ts); the inspector,
// the panel and `dockerfile-slim inspect` use this table.
import type { FindingSeverity } from '../rules/types';

export interface ImageRuleMeta {
  code: string;
  /** kebab-case, stable: users and tests refer to it. */
  name: string;
  severity: FindingSeverity;
  /** One line for tables and the panel. */
  summary: string;
  /** The docs page, relative to the repository: docs/rules/CODE.md. */
  docs: string;
}

function rule(code: string, name: string, severity: FindingSeverity, summary: string): ImageRuleMeta {
  return { code, name, severity, summary, docs: `docs/rules/${code}.md` };
}

export const IMAGE_RULES: readonly ImageRuleMeta[] = [
  rule('SLIM901', 'missing-elf-interpreter', 'error', "An executable's ELF interpreter (PT_INTERP, the dynamic loader) is not in the image"),
  rule('SLIM902', 'missing-shared-library', 'error', 'A shared library a program needs (DT_NEEDED) cannot be found in the image'),
  rule('SLIM903', 'missing-shell', 'error', 'The command is in shell form but the image has no /bin/sh'),
  rule('SLIM904', 'missing-entrypoint', 'error', 'The program the container starts does not exist or is not executable'),
  rule('SLIM905', 'unknown-user', 'error', "USER names a user or group that is not in the image's /etc/passwd or /etc/group"),
  rule('SLIM906', 'missing-ca-bundle', 'warning', 'A Go program uses crypto/tls but the image has no CA certificates'),
  rule('SLIM907', 'wasted-space', 'info', 'Bytes that a later layer deletes or overwrites still ship in the image'),
];

export function imageRule(code: string): ImageRuleMeta {
  const found = IMAGE_RULES.find((meta) => meta.code === code);
  if (!found) throw new Error(`unknown image rule ${code}`);
  return found;
}
