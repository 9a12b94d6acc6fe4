// SLIM012: COPY --from=X / <dest> into the runtime chain copies X's whole filesystem.
import path from 'node:path';
import type { Copy } from 'dockerfile-ast';
import { classifyImage } from '../facts/base-images';
import type { CopyLink, Facts, Stage } from '../facts/model';
import type { Finding, Range, Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM012',
    name: 'copy-whole-stage',
    severity: 'warning',
    fixable: false,
    summary: 'COPY --from copies a whole stage filesystem into the image.',
  },
  check: (facts) =>
    facts.copyLinks
      .filter((link) => facts.runtimeChain.includes(link.into) && !fromCuratedSource(facts, link, new Set()))
      .flatMap((link) => rootSourceRanges(link.copy).map((range) => findingOf(link, range))),
};

function isRoot(source: string): boolean {
  return source.startsWith('/') && path.posix.normalize(source) === '/';
}

/** The ranges of the source arguments that are `/` (or `/.`), plain or JSON form. */
function rootSourceRanges(copy: Copy): Range[] {
  const json = copy.getJSONStrings();
  const args = json.length > 0 ? json.map((arg) => ({ value: arg.getJSONValue(), range: arg.getRange() })) : plainArgs(copy);
  return args
    .slice(0, -1)
    .filter((arg) => isRoot(arg.value))
    .map((arg) => arg.range);
}

function plainArgs(copy: Copy): { value: string; range: Range }[] {
  return copy
    .getArguments()
    .filter((arg) => !arg.getValue().startsWith('--'))
    .map((arg) => ({ value: arg.getValue(), range: arg.getRange() }));
}

/**
 * A scratch stage holds only what was copied into it on purpose (the
 * "export stage" pattern), so copying all of it is not bloat.
 */
function fromCuratedSource(facts: Facts, link: CopyLink, seen: ReadonlySet<Stage>): boolean {
  if (!link.source) return classifyImage(link.sourceRef).class === 'empty';
  return isCurated(facts, link.source, seen);
}

function isCurated(facts: Facts, stage: Stage, seen: ReadonlySet<Stage>): boolean {
  if (seen.has(stage) || stage.base.class !== 'empty') return false;
  const visiting = new Set(seen).add(stage);
  const intoChain = facts.copyLinks.filter((link) => link.into === stage || isAncestor(link.into, stage));
  return intoChain.every((link) => rootSourceRanges(link.copy).length === 0 || fromCuratedSource(facts, link, visiting));
}

function isAncestor(candidate: Stage, stage: Stage): boolean {
  for (let s = stage.parent; s; s = s.parent) if (s === candidate) return true;
  return false;
}

function findingOf(link: CopyLink, range: Range): Finding {
  const what = link.source ? `stage \`${link.sourceRef}\`` : `image \`${link.sourceRef}\``;
  return {
    code: 'SLIM012',
    range,
    message:
      `COPY --from=${link.sourceRef} / copies the whole filesystem of ${what} into the image: its compilers, package caches, ` +
      'shell, libraries and any secret left in it ship too, and the image ends up as big as the build. ' +
      `Copy only what the program needs to run, e.g. \`COPY --from=${link.sourceRef} /out/app /app\`.`,
    fixes: [],
  };
}
