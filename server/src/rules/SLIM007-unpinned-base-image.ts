// SLIM007: a FROM image without a tag (implicitly :latest) or with :latest.
import { parseImageRef } from '../facts/base-images';
import type { Stage } from '../facts/model';
import type { Finding, Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM007',
    name: 'unpinned-base-image',
    severity: 'warning',
    fixable: false,
    summary: 'FROM without a tag or with :latest: the base changes under you.',
  },
  check: (facts) => facts.stages.flatMap((stage) => findingOf(stage) ?? []),
};

function findingOf(stage: Stage): Finding | undefined {
  // A stage name is not an image; an unresolvable $VAR could be anything.
  if (stage.parent || stage.baseRef === undefined) return undefined;
  const image = parseImageRef(stage.baseRef);
  if (image.name === 'scratch' || image.name === '' || image.digest) return undefined;
  if (image.tag !== undefined && image.tag !== 'latest') return undefined;
  const range = stage.from.getImageRange();
  if (!range) return undefined;
  const repository = image.tag === undefined ? stage.baseRef : stage.baseRef.slice(0, -':latest'.length);
  return { code: 'SLIM007', range, message: messageOf(stage, repository, image.tag), fixes: [] };
}

function messageOf(stage: Stage, name: string, tag: string | undefined): string {
  const written = stage.from.getImage() ?? '';
  const resolved = written === stage.baseRef ? '' : ` (${stage.baseRef})`;
  const what = tag === undefined ? `has no tag, so it means \`${name}:latest\`` : 'uses `:latest`, which moves';
  return (
    `FROM \`${written}\`${resolved} ${what}: the base image changes whenever it is republished, ` +
    'so builds are not reproducible, a rebuild can break or grow without any change of yours, and the layer cache goes stale. ' +
    `Pin a version tag (\`${name}:<version>\`), ideally with its digest (\`${name}:<version>@sha256:…\`).`
  );
}
