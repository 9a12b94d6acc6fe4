// SLIM006: the final image is a compiler image that builds its own program, so the
// toolchain, caches and sources ship with it. The fix is the split that "Slim this
// image" starts with (server/src/slim/split.ts), onto a distroless runtime.
import type { BuildCommand } from '../facts/builds';
import type { Stage } from '../facts/model';
import { ownBuilds, planSplit } from '../slim/split';
import type { Fix, Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM006',
    name: 'toolchain-in-final-image',
    severity: 'warning',
    fixable: true,
    summary: 'The final image is a compiler image that builds its own artifact: the toolchain ships with it.',
  },
  check(facts) {
    const target = facts.target;
    if (!target || !target.base.toolchain) return [];
    const builds = ownBuilds(facts);
    if (builds.length === 0) return [];
    const from = target.from;
    const split = planSplit(facts, 'distroless');
    const fixes: Fix[] = 'plan' in split ? [{ title: 'Split into build and runtime stages', edits: split.plan.edits, manual: true }] : [];
    return [{ code: 'SLIM006', range: from.getImageRange() ?? from.getRange(), message: messageOf(target, builds[0]), fixes }];
  },
};

function messageOf(target: Stage, build: BuildCommand): string {
  const full = build.argv.join(' ');
  const command = full.length > 60 ? full.slice(0, 59) + '…' : full;
  return (
    `The final image is based on ${target.rootImage ?? 'a compiler image'}, a compiler image, and builds its program in place (\`${command}\`): ` +
    `the toolchain, its caches and the sources ship with it, often hundreds of megabytes the program never uses. ` +
    `Build in a stage of its own and copy only the artifact into a small runtime image (distroless, scratch or alpine), or run "Slim this image" (\`dockerfile-slim slim\`).`
  );
}
