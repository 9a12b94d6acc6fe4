// SLIM301: a dynamically linked C/C++ program shipped in an image with no libc. The
// kernel cannot find its loader, and the container fails with
// "exec /hello: no such file or directory".
import type { BuildCommand } from '../facts/builds';
import type { Facts } from '../facts/model';
import { buildFindings, buildLibc, cLinkIsNotAProgram, cLinkIsStatic, linkedBuilds, runtimeImage, shippedPath, staticLinkEdit } from './go-c-builds';
import type { Fix, Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM301',
    name: 'dynamic-c-binary-in-static-image',
    severity: 'error',
    fixable: true,
    summary: 'A dynamically linked C/C++ program ships in an image without libc: its loader is not there.',
  },
  check(facts) {
    if (facts.target?.base.libc !== 'none') return [];
    const dynamic = (build: BuildCommand) => build.kind === 'c-link' && !cLinkIsStatic(build) && !cLinkIsNotAProgram(build);
    const problems = linkedBuilds(facts, dynamic).map((build) => ({ build, upTo: 0, message: messageOf(facts, build), fixes: fixesOf(build) }));
    return buildFindings('SLIM301', problems);
  },
};

function messageOf(facts: Facts, build: BuildCommand): string {
  const libc = buildLibc(build);
  const against = libc === 'unknown' ? 'against the C library' : `against ${libc}`;
  const file = shippedPath(facts, build);
  const program = file ? `\`${file}\`` : 'the program';
  return (
    `\`${build.tool}\` links ${program} dynamically ${against} (no \`-static\`), but ${runtimeImage(facts)} has no libc and no dynamic loader: ` +
    `the container fails to start with \`exec ${file ?? '/program'}: no such file or directory\`. Link it statically: add \`-static\`.`
  );
}

function fixesOf(build: BuildCommand): Fix[] {
  const edit = staticLinkEdit(build);
  return edit ? [{ title: edit.path ? `Link statically (-static in ${edit.path})` : 'Link statically (-static)', edits: [edit] }] : [];
}
