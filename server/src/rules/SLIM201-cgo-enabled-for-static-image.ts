// SLIM201: a Go binary built with cgo on, shipped in an image with no libc. When it
// uses net, os/user or cgo it is linked against the builder's libc and its loader,
// and the container fails with "exec /app: no such file or directory".
import type { BuildCommand } from '../facts/builds';
import type { Facts } from '../facts/model';
import { textOf } from '../parse/dockerfile';
import {
  buildFindings,
  buildLibc,
  cgoOffEdit,
  cgoState,
  cgoUse,
  envBeforeRun,
  goFlag,
  imageHasCompiler,
  isGoBuild,
  ldflagsEdit,
  linkedBuilds,
  pureGoNetAndUser,
  runCommand,
  runtimeImage,
  shippedPath,
  stageLabel,
  staticDespiteCgo,
  type BuildProblem,
  type CgoUse,
} from './go-c-builds';
import type { FileEdit, Fix, Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM201',
    name: 'cgo-enabled-for-static-image',
    severity: 'error',
    fixable: true,
    summary: 'A Go binary built with cgo on ships in an image without libc: it needs a loader that is not there.',
  },
  check(facts) {
    if (facts.target?.base.libc !== 'none') return [];
    const problems = linkedBuilds(facts, isGoBuild).flatMap((build) => problemOf(facts, build) ?? []);
    return buildFindings('SLIM201', problems);
  },
};

function problemOf(facts: Facts, build: BuildCommand): BuildProblem | undefined {
  if (cgoState(facts, build) !== 'on') return undefined;
  // Flags we cannot read may link statically (`-ldflags "$LDFLAGS"` with an unknown value).
  if (!goFlag(build, 'ldflags').known || !goFlag(build, 'tags').known) return undefined;
  if (pureGoNetAndUser(build) || staticDespiteCgo(build)) return undefined;
  const use = cgoUse(facts, build);
  return {
    build,
    upTo: 1,
    message: messageOf(facts, build, use),
    fixes: fixesOf(facts, build, use),
    // An error once the sources show code that needs libc; until then the program may not use it.
    severity: use.answer === 'yes' ? undefined : 'warning',
  };
}

function messageOf(facts: Facts, build: BuildCommand, use: CgoUse): string {
  const built = buildLibc(build);
  const libc = built === 'unknown' ? 'the C library' : built;
  const file = shippedPath(facts, build) ?? '/app';
  const linked = `the binary is linked dynamically against ${libc}, but ${runtimeImage(facts)} has no libc and no dynamic loader`;
  const failure = `the container fails to start with \`exec ${file}: no such file or directory\``;
  const where = use.evidence && `${use.evidence.location.path}:${use.evidence.location.range.start.line + 1}`;
  const cause = !use.evidence
    ? `: if the program or a dependency uses \`net\`, \`os/user\` or cgo, ${linked}, and ${failure}.`
    : use.needsCgo
      ? `, and ${where} has \`import "C"\`: ${linked}, so ${failure}.`
      : `, and the program imports \`${use.evidence.what}\` (${where}), which uses cgo by default: ${linked}, so ${failure}.`;
  const remedy = use.needsCgo
    ? 'The package needs cgo, so link it statically instead: `-ldflags "-linkmode external -extldflags -static"`.'
    : 'Build a static binary: set `CGO_ENABLED=0`.';
  return `\`go ${build.argv[1]}\` runs with cgo on (${whyCgoIsOn(build)})${cause} ${remedy}`;
}

function whyCgoIsOn(build: BuildCommand): string {
  if (build.env.get('CGO_ENABLED') === '1') return 'CGO_ENABLED=1';
  const image = build.stage.rootImage;
  const where = imageHasCompiler(image) === 'yes' ? `${image} has a C compiler` : `stage ${stageLabel(build.stage)} installs a C compiler`;
  return `${where} and nothing sets CGO_ENABLED=0`;
}

// ---------------------------------------------------------------------------
// Fixes: cgo off where the build's environment is decided; static linking when the code needs cgo.

function fixesOf(facts: Facts, build: BuildCommand, use: CgoUse): Fix[] {
  if (use.needsCgo) {
    // Flags of our own first would be overridden by later -linkmode/-extldflags ones.
    if (/-(linkmode|extldflags)/.test(goFlag(build, 'ldflags').value ?? '')) return [];
    const edit = ldflagsEdit(facts, build, ['-linkmode=external', '-extldflags=-static']);
    return edit ? [{ title: 'Link statically (-linkmode external -extldflags -static)', edits: [edit] }] : [];
  }
  const fix = cgoOffFix(facts, build);
  return fix ? [fix] : [];
}

/**
 * Where `CGO_ENABLED=0` takes effect: inline on a command written in the Dockerfile;
 * for make and scripts, an ENV before the RUN, unless the RUN or the recipe sets
 * CGO_ENABLED itself (then that assignment is the place).
 */
function cgoOffFix(facts: Facts, build: BuildCommand): Fix | undefined {
  const run = runCommand(build);
  const runSetsCgo = /CGO_ENABLED/.test(textOf(facts.doc, run.instruction.getRange()));
  const inline = (edit: FileEdit | undefined) => edit && { title: 'Build with CGO_ENABLED=0', edits: [edit] };
  const env = () => ({ title: `Add ENV CGO_ENABLED=0 to stage ${stageLabel(build.stage).replace(/`/g, '')} before the RUN`, edits: [envBeforeRun(facts, run.instruction, 'CGO_ENABLED=0')] });
  if (run === build) return inline(cgoOffEdit(facts, build)) ?? (runSetsCgo ? undefined : env());
  const setInside = build.env.get('CGO_ENABLED') === '1' && run.env.get('CGO_ENABLED') !== '1';
  if (setInside) return inline(cgoOffEdit(facts, build));
  return runSetsCgo ? inline(cgoOffEdit(facts, run)) : env();
}
